"""The small pools the state machines draw from (organisations, cases, complaints, seats, cycles),
the event types of each process, and the registry's observable state compared around each step.

Pools are small so random events keep hitting subjects that already exist."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from icoc.errors import IllegalTransition, InvalidInput, UnknownMember
from icoc.model.events import (
    Admitted,
    ApplicantKind,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CaseOpened,
    CaseResolved,
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DeadlineExtended,
    DialogueOpened,
    DirectorElected,
    DirectorLeft,
    DirectorTookOffice,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    ExternalCertificateWithdrawn,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    MovedToAffiliate,
    MovedToTransitional,
    NominationsOpened,
    ReferredToBoard,
    Reinstated,
    SeatCreated,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    SuspensionProceedingsOpened,
    TermEnded,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.governance import BOARD_SEATS
from icoc.model.members import ACTIVE_STATUSES
from icoc.model.standards import DEFAULT_STANDARDS
from icoc.registry import Registry
from icoc.rules import Obligation
from icoc.workflows import PROCESSES, Instance, SubjectKind

__all__ = ["REFUSALS", "MachineState"]

REFUSALS: tuple[type[Exception], ...] = (IllegalTransition, UnknownMember, InvalidInput)
"""What a registry raises when it refuses an event; anything else escaping ``submit`` is a bug."""

# --- subject pools: small, so random events keep hitting subjects that already exist -------------

PSCS = ("psc-a", "psc-b", "psc-c")
"""Private security companies (they provide security services)."""
CONSULTANCY = "co-consult"
"""A company that provides no security services: it can only be an observer."""
CSOS = ("cso-a", "cso-b")
GOVERNMENTS = ("gov-a", "gov-b")
OTHERS = ("other-a",)
ORGANISATIONS = (*PSCS, CONSULTANCY, *CSOS, *GOVERNMENTS, *OTHERS)
CASES = ("case-1", "case-2", "case-3")
COMPLAINTS = ("cmp-1", "cmp-2", "cmp-3")
SEATS = tuple(f"seat-{i:02d}" for i in range(1, BOARD_SEATS + 3))
"""Two more seat ids than the Board may have, so the 13th seat gets tried."""
CYCLES = (2017, 2018, 2019, 2020)
GHOST = "ghost-1"
"""An id no machine ever creates: events about it must be refused as unknown."""
ALL_SUBJECTS = (*ORGANISATIONS, *CASES, *COMPLAINTS, *SEATS[:6], GHOST)
"""Every id the pools hold, plus one that no machine creates."""

START = date(2017, 6, 1)
"""Before the 2017 transitional regime starts (2018-04-15), so both sides of it get exercised."""

ACTIVE_COMPANY_STATES = frozenset(str(s) for s in ACTIVE_STATUSES)
GONE_STATES = frozenset({"terminated", "withdrawn"})

MEMBERSHIP_EVENTS: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    DueDiligenceStarted,
    Admitted,
    ApplicationRejected,
    ApplicationWithdrawn,
)
STATUS_EVENTS: tuple[type[Event], ...] = (
    MovedToTransitional,
    MovedToAffiliate,
    Suspended,
    Reinstated,
    TerminationProposed,
    DeadlineExtended,
    Terminated,
    Withdrew,
)
CERTIFICATION_EVENTS: tuple[type[Event], ...] = (
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    IcocaApplicationRefused,
    CertificationRenewed,
    ExternalCertificateSuspended,
    ExternalCertificateReinstated,
    CertificationExpired,
    CertificationWithdrawn,
    ExternalCertificateWithdrawn,
)
SELF_ASSESSMENT_EVENTS: tuple[type[Event], ...] = (
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    SelfAssessmentRated,
    SelfAssessmentMissed,
)
COMPLIANCE_EVENTS: tuple[type[Event], ...] = (
    CaseOpened,
    DialogueOpened,
    CaseResolved,
    ReferredToBoard,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    SuspensionProceedingsOpened,
)
COMPLAINT_EVENTS: tuple[type[Event], ...] = (
    ComplaintReceived,
    ComplaintClassified,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    ComplaintClosed,
)
BOARD_EVENTS: tuple[type[Event], ...] = (
    SeatCreated,
    NominationsOpened,
    DirectorElected,
    DirectorTookOffice,
    TermEnded,
    DirectorLeft,
)

_NATURAL_APPLICANT: dict[str, ApplicantKind] = {
    **dict.fromkeys(PSCS, ApplicantKind.COMPANY),
    CONSULTANCY: ApplicantKind.COMPANY,
    **dict.fromkeys(CSOS, ApplicantKind.CSO),
    **dict.fromkeys(GOVERNMENTS, ApplicantKind.GOVERNMENT),
    **dict.fromkeys(OTHERS, ApplicantKind.OTHER),
}
_STANDARD_IDS = (*(s.id for s in DEFAULT_STANDARDS), "UNKNOWN-1")
_DAYS = timedelta(days=1)


@attrs.frozen
class MachineState:
    """Everything observable about a registry, for "a refused event changed nothing" checks."""

    history: tuple[Event, ...]
    instances: Mapping[str, Mapping[str, Instance]]
    kinds: Mapping[str, SubjectKind | None]
    clock: date | None = None
    obligations: tuple[Obligation, ...] = ()

    @classmethod
    def of(cls, registry: Registry) -> MachineState:
        return cls(
            history=registry.history,
            instances={p: {i.key: i for i in registry.instances(p)} for p in PROCESSES},
            kinds={s: registry.kind_of(s) for s in registry.subjects()},
            clock=registry.clock,
            obligations=tuple(registry.obligations()),
        )


@functools.cache
def _days(lo: int, hi: int) -> st.SearchStrategy[timedelta]:
    return st.integers(lo, hi).map(lambda n: n * _DAYS)


@functools.cache
def _sampled(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)
