"""Events: the only way state changes. Each is frozen, dated, names its subject and its cause
(an actor, or a rule with its citation, the engine state that fixed its date and the facts it
used), and carries its payload.

In JSON an event is an object with a ``type`` tag (``"admitted"``, ``"suspended"``, ...). The
classes live in one module per family (membership, certification, monitoring, complaints,
governance) and are all importable from here.
"""

from __future__ import annotations

import attrs

from icoc.model import validators as v
from icoc.model.events._base import (
    ENGINE_FACTS,
    SECRETARIAT,
    Cause,
    Event,
    Fact,
    payload_level,
    register_event_types,
)
from icoc.model.events._certification import (
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    ExternalCertificateWithdrawn,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    certificate_key,
    certification_key,
)
from icoc.model.events._complaints import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
)
from icoc.model.events._governance import (
    DirectorElected,
    DirectorLeft,
    DirectorTookOffice,
    NominationsOpened,
    SeatCreated,
    TermEnded,
)
from icoc.model.events._membership import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    DeadlineExtended,
    DueDiligenceStarted,
    MovedToAffiliate,
    MovedToTransitional,
    Reinstated,
    Suspended,
    SwissRejoinWindowClosed,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.events._monitoring import (
    CaseOpened,
    CaseResolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    ReferredToBoard,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    SuspensionProceedingsOpened,
    cycle_key,
    cycle_suffix,
)
from icoc.model.members import Ground

__all__ = [
    "Admission",
    "ApplicantKind",
    "Cause",
    "Event",
    "Fact",
    "Ground",
    "certificate_key",
    "certification_key",
    "cycle_key",
    "cycle_suffix",
    "ApplicationSubmitted",
    "DueDiligenceStarted",
    "Admitted",
    "ApplicationRejected",
    "ApplicationWithdrawn",
    "MovedToTransitional",
    "MovedToAffiliate",
    "Suspended",
    "Reinstated",
    "TerminationProposed",
    "DeadlineExtended",
    "Terminated",
    "Withdrew",
    "SwissRejoinWindowClosed",
    "ExternalCertificateRecorded",
    "IcocaApplicationSubmitted",
    "IcocaCertificationGranted",
    "IcocaApplicationRefused",
    "CertificationRenewed",
    "ExternalCertificateSuspended",
    "ExternalCertificateReinstated",
    "CertificationExpired",
    "CertificationWithdrawn",
    "ExternalCertificateWithdrawn",
    "SelfAssessmentSent",
    "SelfAssessmentSubmitted",
    "SelfAssessmentRated",
    "SelfAssessmentMissed",
    "CaseOpened",
    "DialogueOpened",
    "CaseResolved",
    "ReferredToBoard",
    "CorrectiveActionRecommended",
    "CorrectiveActionVerified",
    "SuspensionProceedingsOpened",
    "ComplaintReceived",
    "ComplaintCompanyIdentified",
    "ComplaintClassified",
    "ComplaintReferred",
    "ComplaintRemedied",
    "ComplaintUnresolved",
    "ComplaintClosed",
    "SeatCreated",
    "NominationsOpened",
    "DirectorElected",
    "DirectorTookOffice",
    "TermEnded",
    "DirectorLeft",
    "EVENT_TYPES",
    "EVENTS_BY_TYPE",
    "SECRETARIAT",
    "HISTORY_FORMAT_VERSION",
    "History",
    "payload_level",
    "ENGINE_FACTS",
]

EVENT_TYPES: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    DueDiligenceStarted,
    Admitted,
    ApplicationRejected,
    ApplicationWithdrawn,
    MovedToTransitional,
    MovedToAffiliate,
    Suspended,
    Reinstated,
    TerminationProposed,
    DeadlineExtended,
    Terminated,
    Withdrew,
    SwissRejoinWindowClosed,
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
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    SelfAssessmentRated,
    SelfAssessmentMissed,
    CaseOpened,
    DialogueOpened,
    CaseResolved,
    ReferredToBoard,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    SuspensionProceedingsOpened,
    ComplaintReceived,
    ComplaintCompanyIdentified,
    ComplaintClassified,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    ComplaintClosed,
    SeatCreated,
    NominationsOpened,
    DirectorElected,
    DirectorTookOffice,
    TermEnded,
    DirectorLeft,
)
"""Every concrete event class; their ``TYPE`` tags are unique."""

EVENTS_BY_TYPE: dict[str, type[Event]] = {e.TYPE: e for e in EVENT_TYPES}
"""Every concrete event class by its ``TYPE`` tag (``"admitted"`` -> ``Admitted``)."""
assert len(EVENTS_BY_TYPE) == len(EVENT_TYPES)
register_event_types(EVENT_TYPES)

HISTORY_FORMAT_VERSION = 2
"""The version of the history document format this library writes; it reads every version up to
it. Version 2 records a rule's engine state as typed fields of its :class:`Cause` (``due``,
``opened``, ``base``...); version 1 kept it in facts named ``rule.due``, ``rule.opened``... (see
:data:`ENGINE_FACTS`), which reading lifts into those fields, so a version-1 history replays and
explains as before."""


@attrs.frozen(kw_only=True)
class History:
    """A registry's history as a document: every accepted event in submission order.

    ``format_version`` is the document's format version. A history read from an older version
    is upgraded as it is read (a version-1 file's ``rule.*`` facts become its causes' fields), so
    it holds this library's version and is written back in it."""

    format_version: int = attrs.field(default=HISTORY_FORMAT_VERSION, validator=v.int_range(1, HISTORY_FORMAT_VERSION))
    events: tuple[Event, ...] = attrs.field(default=(), validator=v.tuple_of(Event))
