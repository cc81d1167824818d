"""Hypothesis state machines that drive a :class:`~icoc.registry.Registry` with random events.

Each machine offers legal *and* illegal events for one process (random event types, for subjects
that exist and subjects that do not) on a simulated date that only moves forward, and checks after
every step what must hold whatever happened: a refused event changes nothing, an accepted one adds
exactly one history entry and touches only its subject, the current state is the replay of the
history, a terminated company comes back only through a new admission, the Board never exceeds
its seats, and the history survives a JSON round trip.

Downstream suites reuse them as ``TestX = MembershipMachine.TestCase`` or subclass them to add
their own rules and invariants (override :meth:`RegistryMachine.make_registry` for a configured
registry).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from icoc.errors import IllegalTransition, InvalidInput, UnknownMember
from icoc.io import Audience, dumps, loads
from icoc.model.certificates import ExternalCertificate, ExternalCertificateStatus
from icoc.model.complaints import Complainant, ComplaintKind, ComplaintRoute
from icoc.model.events import (
    EVENT_TYPES,
    Admission,
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
    ComplaintCompanyIdentified,
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
    History,
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
from icoc.model.governance import BOARD_SEATS, SEATS_PER_PILLAR
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId
from icoc.model.members import ACTIVE_STATUSES, GovernmentKind, ObserverKind, Pillar, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.model.standards import DEFAULT_STANDARDS
from icoc.registry import Registry
from icoc.rules import Obligation
from icoc.testing._builders import admit, certify
from icoc.workflows import NONE, PROCESSES, Instance, SubjectKind

__all__ = [
    "BoardMachine",
    "CertificationMachine",
    "CompanyStatusMachine",
    "ComplaintMachine",
    "ComplianceCaseMachine",
    "MachineState",
    "MemberStatusMachine",
    "MembershipMachine",
    "ProcessMachine",
    "REFUSALS",
    "RegistryMachine",
    "SelfAssessmentMachine",
    "candidate_events",
    "valid_histories",
]

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


# --- payloads: drawn as raw parts once-built strategies can produce, resolved against the event ------


@attrs.frozen
class _Later:
    """A date ``days`` after the event's own date (validators want deadlines after it)."""

    days: int


class _Subject:
    """Stands for the event's subject (a certificate that names its own company)."""

    def __repr__(self) -> str:
        return "<subject>"


_SUBJECT = _Subject()
_NO_PAYLOAD: st.SearchStrategy[dict[str, Any]] = st.just({})


def _later(lo: int, hi: int) -> st.SearchStrategy[_Later]:
    return st.integers(lo, hi).map(_Later)


def _fields(**parts: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(parts)


_REASON = st.sampled_from(["bad faith", "no self-assessment", "incomplete file"])
_WITH_REASON = _fields(reason=_REASON)
_CYCLE = st.sampled_from(CYCLES)
_COMPANY_REF = st.sampled_from((*PSCS, CONSULTANCY, CSOS[0]))
"""Companies a case or complaint names: mostly PSCs, sometimes not a company at all."""
_RECOGNISED = tuple(s.id for s in DEFAULT_STANDARDS if s.recognised)
_VALID = ExternalCertificateStatus.VALID

_CERTIFICATE = _fields(
    id=st.sampled_from(["ext-1", "ext-2"]),
    company=st.sampled_from([_SUBJECT, _SUBJECT, _SUBJECT, *PSCS]),
    standard=st.sampled_from([*_RECOGNISED, *_RECOGNISED, *_STANDARD_IDS]),
    issued_days_before=st.integers(0, 400),
    # Mostly in force on the event's date; sometimes expired already.
    expires=st.tuples(st.sampled_from(["after_event", "after_issue"]), st.integers(1, 3 * 366)),
    status=st.sampled_from([_VALID, _VALID, _VALID, _VALID, *ExternalCertificateStatus]),
)

_SCOPE = st.sampled_from([None, None, ServiceDomain.LAND, ServiceDomain.MARITIME])
"""Which scope of ICoCA certification an ICoCA event names (mostly none: the one that can take it)."""
_CERTIFICATE_ID = st.sampled_from([None, None, "ext-1", "ext-2"])
"""Which certificate a body's action names (none: those the certifications rest on)."""

_APPLICATION = _fields(
    natural=st.booleans(),
    applicant=st.sampled_from(list(ApplicantKind)),
    security=st.booleans(),
    services=st.sampled_from([(ServiceDomain.LAND,), tuple(ServiceDomain)]),
    swiss_pssa=st.booleans(),
    government_kind=st.sampled_from(list(GovernmentKind)),
    country=st.sampled_from([None, "CH", "GB"]),
)

_PAYLOADS: dict[type[Event], st.SearchStrategy[dict[str, Any]]] = {
    ApplicationSubmitted: _APPLICATION,
    Admitted: _fields(admission=st.sampled_from(list(Admission))),
    **dict.fromkeys(
        (
            ApplicationRejected,
            Suspended,
            TerminationProposed,
            Terminated,
            SuspensionProceedingsOpened,
        ),
        _WITH_REASON,
    ),
    **dict.fromkeys((IcocaApplicationRefused, CertificationWithdrawn), _fields(reason=_REASON, scope=_SCOPE)),
    MovedToAffiliate: _fields(commitment_renewed=st.sampled_from([True, True, False])),
    DeadlineExtended: _fields(
        rule=st.sampled_from(["certification-deadline", "ART3.CERT_DEADLINE", "ART12.CSA_MISSED"]),
        until=_later(1, 800),
    ),
    ExternalCertificateRecorded: _fields(certificate=_CERTIFICATE),
    CertificationRenewed: _fields(certificate=_CERTIFICATE),
    IcocaCertificationGranted: _fields(
        certification=st.sampled_from(["icoca-1", "icoca-2"]), expires=_later(1, 1300), scope=_SCOPE
    ),
    IcocaApplicationSubmitted: _fields(scope=_SCOPE),
    CertificationExpired: _fields(scope=_SCOPE),
    **dict.fromkeys(
        (ExternalCertificateSuspended, ExternalCertificateReinstated), _fields(certificate_id=_CERTIFICATE_ID)
    ),
    ExternalCertificateWithdrawn: _fields(certificate_id=st.sampled_from(["ext-1", "ext-2"])),
    SelfAssessmentSent: _fields(cycle=_CYCLE, due=_later(0, 120)),
    SelfAssessmentSubmitted: _fields(cycle=_CYCLE),
    SelfAssessmentRated: _fields(cycle=_CYCLE, satisfactory=st.booleans()),
    SelfAssessmentMissed: _fields(cycle=_CYCLE),
    CaseOpened: st.one_of(
        _fields(
            company=_COMPANY_REF,
            source=st.sampled_from([s for s in FindingSource if s is not FindingSource.COMPLAINT]),
            category=st.sampled_from(list(ConcernCategory)),
            severity=st.sampled_from(list(Severity)),
        ),
        _fields(
            company=_COMPANY_REF,
            source=st.just(FindingSource.COMPLAINT),
            category=st.sampled_from(list(ConcernCategory)),
            complaint=st.sampled_from(COMPLAINTS),
            code_paragraphs=st.sampled_from([(), (30,), (33, 63)]),
        ),
    ),
    CorrectiveActionRecommended: _fields(plan=st.sampled_from(["plan-1", "plan-2"]), deadline=_later(0, 200)),
    ComplaintReceived: _fields(
        company=_COMPANY_REF,
        category=st.sampled_from(list(ConcernCategory)),
        complainant=st.sampled_from([Complainant(), Complainant(name="A. Person", representative=True)]),
    ),
    ComplaintClassified: _fields(kind=st.sampled_from(list(ComplaintKind))),
    ComplaintCompanyIdentified: _fields(company=_COMPANY_REF),
    ComplaintReferred: _fields(route=st.sampled_from(list(ComplaintRoute))),
    ComplaintClosed: _fields(reason=st.one_of(st.none(), _REASON)),
    SeatCreated: _fields(pillar=st.sampled_from(list(Pillar))),
    DirectorElected: _fields(
        director=st.sampled_from(["dir-1", "dir-2", "dir-3"]),
        name=st.just("A. Director"),
        organisation=st.one_of(st.none(), st.sampled_from(ORGANISATIONS)),
    ),
    # Three years is 1095 or 1096 days: straddle the limit.
    DirectorTookOffice: _fields(term_end=_later(1, 1200)),
}


def _resolve(cls: type[Event], raw: Mapping[str, Any], subject: str, effective: date) -> dict[str, Any]:
    """Turn raw payload parts into constructor arguments for an event about ``subject`` on ``effective``."""
    if cls is ApplicationSubmitted:
        return _application(raw, subject)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, _Later):
            value = effective + value.days * _DAYS
        elif value is _SUBJECT:
            value = subject
        elif name == "certificate" and isinstance(value, Mapping):
            value = _certificate(value, subject, effective)
        out[name] = value
    return out


def _application(raw: Mapping[str, Any], subject: str) -> dict[str, Any]:
    natural = _NATURAL_APPLICANT.get(subject, ApplicantKind.OTHER)
    kind: ApplicantKind = natural if raw["natural"] else raw["applicant"]
    out: dict[str, Any] = {"applicant": kind, "name": f"Organisation {subject}", "country": raw["country"]}
    if kind is ApplicantKind.COMPANY:
        security = subject in PSCS if raw["natural"] else raw["security"]
        out["provides_security_services"] = security
        if security:
            out.update(services=raw["services"], swiss_pssa=raw["swiss_pssa"])
        else:
            out["observer_kind"] = ObserverKind.COMPANY
    elif kind is ApplicantKind.GOVERNMENT:
        out["government_kind"] = raw["government_kind"]
    return out


def _certificate(raw: Mapping[str, Any], subject: str, effective: date) -> ExternalCertificate:
    issued = effective - raw["issued_days_before"] * _DAYS
    anchor, days = raw["expires"]
    return ExternalCertificate(
        id=CertificateId(raw["id"]),
        company=MemberId(subject if raw["company"] is _SUBJECT else raw["company"]),
        standard=StandardId(raw["standard"]),
        body=CertificationBodyId("body-1"),
        issued=issued,
        expires=(effective if anchor == "after_event" else issued) + days * _DAYS,
        status=raw["status"],
    )


_COMPANY_ADMISSIONS = st.lists(
    st.sampled_from([Admission.MEMBER, Admission.TRANSITIONAL_MEMBER, Admission.AFFILIATE]),
    min_size=len(PSCS),
    max_size=len(PSCS),
)
"""Every seeded company is admitted, so company events rarely miss for want of a subject."""

ALL_SUBJECTS = (*ORGANISATIONS, *CASES, *COMPLAINTS, *SEATS[:6], GHOST)
"""Every id the pools hold, plus one that no machine creates."""


def payload_fields(cls: type[Event], subject: str, effective: date) -> st.SearchStrategy[dict[str, Any]]:
    """Constructor arguments (besides subject, date and cause) of a well-formed ``cls`` event."""
    return _PAYLOADS.get(cls, _NO_PAYLOAD).map(lambda raw: _resolve(cls, raw, subject, effective))


def _natural(cls: type[Event]) -> tuple[str, ...]:
    if cls in COMPLIANCE_EVENTS:
        return CASES
    if cls in COMPLAINT_EVENTS:
        return COMPLAINTS
    if cls in BOARD_EVENTS:
        return SEATS[:6]
    return ORGANISATIONS


@st.composite
def candidate_events(draw: st.DrawFn, max_size: int = 40, start: date = START) -> list[Event]:
    """Well-formed events of every type, dated in non-decreasing order from ``start``, about the
    machines' subject pools; most are about a subject of the right kind, some about any id. A
    registry refuses many of them: submitting each and skipping refusals yields a random *valid*
    history (the strategy for replay properties outside a state machine). Every PSC applies and
    is admitted first, so company events have somewhere to go."""
    today = start
    events: list[Event] = []
    for company, admission in zip(PSCS, draw(_COMPANY_ADMISSIONS), strict=True):
        events += [
            ApplicationSubmitted(
                subject=company,
                effective=today,
                applicant=ApplicantKind.COMPANY,
                name=f"Organisation {company}",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
            ),
            DueDiligenceStarted(subject=company, effective=today),
            Admitted(subject=company, effective=today, admission=admission),
        ]
    for _ in range(draw(st.integers(0, max_size))):
        today += draw(st.sampled_from([0, 0, 0, 1, 30, 200])) * _DAYS
        cls = draw(_sampled(EVENT_TYPES))
        subject = draw(st.one_of(_sampled(_natural(cls)), _sampled(ALL_SUBJECTS)))
        fields = _resolve(cls, draw(_PAYLOADS.get(cls, _NO_PAYLOAD)), subject, today)
        events.append(cls(subject=subject, effective=today, **fields))
    return events


@st.composite
def valid_histories(draw: st.DrawFn, max_steps: int = 40, start: date = START) -> list[Event]:
    """Random *valid* histories: starting from :func:`candidate_events`' admissions, each step
    moves an existing process instance (or starts one) by an event its table allows, and keeps it
    only if a registry accepts it. Events come in date order."""
    events = draw(candidate_events(max_size=0, start=start))
    reg = Registry()
    reg.submit_all(events)
    today = start
    for _ in range(draw(st.integers(0, max_steps))):
        today += draw(st.sampled_from([0, 0, 0, 1, 30, 200])) * _DAYS
        process = draw(_sampled(tuple(PROCESSES)))
        existing = list(reg.instances(process))
        index = draw(st.integers(-1, len(existing) - 1))
        picked = existing[index] if index >= 0 else None
        allowed = PROCESSES[process].allowed_events(NONE if picked is None else picked.state)
        types = tuple(sorted((c for c in PROCESSES[process].events if c.TYPE in allowed), key=lambda c: c.TYPE))
        if not types:
            continue
        cls = draw(_sampled(types))
        subject = picked.subject if picked is not None else draw(_sampled(_natural(cls)))
        fields = _resolve(cls, draw(_PAYLOADS.get(cls, _NO_PAYLOAD)), subject, today)
        if picked is not None and "cycle" in fields:
            fields["cycle"] = picked.data["cycle"]
        event = cls(subject=subject, effective=today, **fields)
        try:
            reg.submit(event)
        except REFUSALS:
            continue
        events.append(event)
    return events


class RegistryMachine(RuleBasedStateMachine):
    """Shared machinery: a registry, a forward-only simulated date, wrapped submissions and the
    invariants every process must keep. Subclasses choose the event types (``EVENT_TYPES``), the
    processes whose current state steers "likely legal" events (``PROCESSES_UNDER_TEST``) and the
    organisations involved (``ORGANISATIONS``), and may seed the registry with ``@initialize``.
    """

    EVENT_TYPES: ClassVar[tuple[type[Event], ...]] = EVENT_TYPES
    PROCESSES_UNDER_TEST: ClassVar[tuple[str, ...]] = tuple(PROCESSES)
    ORGANISATIONS: ClassVar[tuple[str, ...]] = ORGANISATIONS
    START: ClassVar[date] = START
    MAX_ADVANCE_DAYS: ClassVar[int] = 800
    HAPPY_PATH: ClassVar[tuple[type[Event], ...]] = ()
    """Event types that move the main process forward, latest step first: ``progress`` takes the
    first one the table allows half of the time, so runs reach the deep states."""

    def __init__(self) -> None:
        super().__init__()
        self.registry = self.make_registry()
        self.today: date = self.START
        self.last_seen: dict[str, date] = {}
        self.accepted = 0
        self.refused = 0
        self.refusals: Counter[str] = Counter()
        self._checked_len = -1
        self._dated = 0

    def make_registry(self) -> Registry:
        """The registry under test; override to test a configured one."""
        return Registry()

    # --- submissions -----------------------------------------------------------------------

    def submit(self, event: Event) -> bool:
        """Submit one event; a refusal must leave everything as it was. Returns acceptance."""
        return self.submit_batch((event,))

    def submit_batch(self, events: Sequence[Event]) -> bool:
        """Submit a batch atomically: all accepted (history grows by its length) or nothing changes."""
        before = MachineState.of(self.registry)
        try:
            if len(events) == 1:
                self.registry.submit(events[0])
            else:
                self.registry.submit_all(events)
        except REFUSALS as exc:
            after = MachineState.of(self.registry)
            assert after == before, f"refused {events!r} ({exc}) but the registry changed"
            self.refused += 1
            self.refusals[type(exc).__name__] += 1
            return False
        self._check_accepted(events, before, MachineState.of(self.registry))
        self.accepted += len(events)
        for e in events:
            self.last_seen[e.subject] = e.effective
        return True

    def _check_accepted(self, events: Sequence[Event], before: MachineState, after: MachineState) -> None:
        assert after.history[: len(before.history)] == before.history, "the history before the batch changed"
        tail = after.history[len(before.history) :]
        # The batch's events, in date order, interleaved with what the rules derived on the way (the
        # clock moves with the inputs); an input restating a rule's event of that very day is absorbed.
        inputs = [e for e in tail if e.cause.rule is None]
        expected = sorted(events, key=lambda e: e.effective)
        derived = {(type(e), e.subject, e.key, e.effective) for e in after.history if e.cause.rule is not None}
        kept = [e for e in expected if any(e is i for i in inputs)]
        assert inputs == kept, "history did not grow by the batch's events in date order"
        for e in expected:
            assert any(e is i for i in inputs) or (type(e), e.subject, e.key, e.effective) in derived, (
                f"{e!r} was accepted but is neither in the history nor restates a derived event"
            )
        subjects = {e.subject for e in tail} | {e.subject for e in events}
        for process, insts in after.instances.items():
            old = before.instances[process]
            assert set(old) <= set(insts), f"{process}: an instance disappeared"
            for key, inst in insts.items():
                if old.get(key) != inst:
                    assert inst.subject in subjects, f"{process}/{key} changed by events about {subjects}"
        for subject, kind in before.kinds.items():
            assert after.kinds[subject] is kind, f"{subject!r} changed kind from {kind} to {after.kinds[subject]}"
        # A terminated or withdrawn company is active again only through a new admission.
        company_status = "company-status"
        for subject in subjects:
            was = before.instances[company_status].get(subject)
            now = after.instances[company_status].get(subject)
            if was is not None and now is not None and was.state in GONE_STATES and now.state not in GONE_STATES:
                assert any(isinstance(e, Admitted) and e.subject == subject for e in events), (
                    f"{subject!r} went from {was.state} to {now.state} without an admission"
                )
                assert now.state in ACTIVE_COMPANY_STATES

    # --- building events -----------------------------------------------------------------------

    def natural_subjects(self, cls: type[Event]) -> tuple[str, ...]:
        """The ids an event type is normally about (cases for case events, seats for seat events...)."""
        if cls in COMPLIANCE_EVENTS:
            return CASES
        if cls in COMPLAINT_EVENTS:
            return COMPLAINTS
        if cls in BOARD_EVENTS:
            return SEATS
        return self.ORGANISATIONS

    @property
    def all_subjects(self) -> tuple[str, ...]:
        pools: list[str] = []
        for cls in self.EVENT_TYPES:
            pools.extend(s for s in self.natural_subjects(cls) if s not in pools)
        return (*pools, GHOST)

    def draw_event(
        self,
        data: st.DataObject,
        cls: type[Event],
        subject: str,
        effective: date,
        cycle: int | None = None,
    ) -> Event:
        """A well-formed ``cls`` event (it constructs) that the workflows may still refuse.

        ``cycle`` pins the self-assessment cycle, so the event reaches an existing instance."""
        raw = data.draw(self.payloads(cls), label=f"{cls.TYPE} payload")
        fields = _resolve(cls, raw, subject, effective)
        if cycle is not None and "cycle" in fields:
            fields["cycle"] = cycle
        return cls(subject=subject, effective=effective, **fields)

    def payloads(self, cls: type[Event]) -> st.SearchStrategy[dict[str, Any]]:
        """Raw payload parts for ``cls`` (dates as offsets from the event's date); override to
        steer a subclass. Built once at import: strategies made per draw are slow to validate."""
        return _PAYLOADS.get(cls, _NO_PAYLOAD)

    # --- helpers for seeding ----------------------------------------------------------------------

    def admit(self, subject: str, admission: Admission) -> bool:
        """Apply, pass due diligence (companies) and be admitted; returns whether it was admitted."""
        natural = _NATURAL_APPLICANT.get(subject, ApplicantKind.OTHER)
        security = natural is ApplicantKind.COMPANY and subject != CONSULTANCY
        return self.submit_batch(
            admit(subject, self.today, admission=admission, applicant=natural, provides_security_services=security)
        )

    def certify_company(self, company: str, years: int) -> bool:
        """Both stages of certification in one batch: a PSC.1 certificate, ICoCA's review and grant."""
        return self.submit_batch(certify(company, self.today, years=years))

    # --- rules ---------------------------------------------------------------------------------

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """Time only moves forward; deadlines, terms and certificates fall due as it does."""
        self.today += data.draw(_days(1, self.MAX_ADVANCE_DAYS), label="advance")

    @rule(data=st.data())
    def random_event(self, data: st.DataObject) -> None:
        """Any event type of this machine about any subject, existing or not: mostly illegal."""
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        subject = data.draw(_sampled(self.all_subjects), label="subject")
        self.submit(self.draw_event(data, cls, subject, self.today))

    @rule(data=st.data())
    def natural_event(self, data: st.DataObject) -> None:
        """Any event type about a subject of the kind it is meant for."""
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
        self.submit(self.draw_event(data, cls, subject, self.today))

    @rule(data=st.data())
    def allowed_event(self, data: st.DataObject) -> None:
        """An event the table allows from where an instance is (or a new instance): only guards
        may refuse it."""
        process = data.draw(_sampled(self.PROCESSES_UNDER_TEST), label="process")
        existing = list(self.registry.instances(process))
        index = data.draw(st.integers(-1, len(existing) - 1), label="instance (-1: a new one)")
        self._step(data, process, existing[index] if index >= 0 else None)

    def _has_main_instances(self) -> bool:
        return any(True for _ in self.registry.instances(self.PROCESSES_UNDER_TEST[0]))

    @precondition(_has_main_instances)
    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Move an existing instance of the main process along its table, so runs get deep."""
        process = self.PROCESSES_UNDER_TEST[0]
        existing = list(self.registry.instances(process))
        picked = existing[data.draw(st.integers(0, len(existing) - 1), label="instance")]
        self._step(data, process, picked, forward=data.draw(st.booleans(), label="forward"))

    def _step(self, data: st.DataObject, process: str, picked: Instance | None, forward: bool = False) -> None:
        table = PROCESSES[process]
        allowed = table.allowed_events(NONE if picked is None else picked.state)
        ahead = [c for c in self.HAPPY_PATH if c.TYPE in allowed] if forward else []
        types = tuple(sorted((c for c in table.events if c.TYPE in allowed), key=lambda c: c.TYPE))
        cls = ahead[0] if ahead else data.draw(_sampled(types or self.EVENT_TYPES), label="event type")
        if picked is None:
            subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
            self.submit(self.draw_event(data, cls, subject, self.today))
        else:
            self.submit(self.draw_event(data, cls, picked.subject, self.today, picked.data.get("cycle")))

    @rule(data=st.data(), size=st.integers(2, 4))
    def batch(self, data: st.DataObject, size: int) -> None:
        """A batch is atomic: it applies entirely or not at all."""
        events = []
        for _ in range(size):
            cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
            subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
            events.append(self.draw_event(data, cls, subject, self.today))
        self.submit_batch(events)

    def _has_history(self) -> bool:
        return any(d > self.START for d in self.last_seen.values())

    @precondition(_has_history)
    @rule(data=st.data())
    def backdated_event(self, data: st.DataObject) -> None:
        """An event dated before its subject's last event is refused (by the registry's clock, which
        moves with the inputs, or by the subject's own history)."""
        subject = data.draw(_sampled(tuple(sorted(s for s, d in self.last_seen.items() if d > self.START))))
        last = self.last_seen[subject]
        when = last - data.draw(st.integers(1, (last - self.START).days), label="days back") * _DAYS
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        event = self.draw_event(data, cls, subject, when)
        before = MachineState.of(self.registry)
        try:
            self.registry.submit(event)
        except IllegalTransition as exc:
            # The registry's clock (at least the subject's last event) refuses it first.
            assert exc.process in ("clock", "history"), exc
            clock = self.registry.clock or last
            assert clock.isoformat() in exc.reason or last.isoformat() in exc.reason, exc
        else:
            raise AssertionError(f"backdated {event!r} was accepted after {last}")
        assert MachineState.of(self.registry) == before

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def events_never_after_today(self) -> None:
        """The simulated clock only moves forward and nothing is dated in its future."""
        history = self.registry.history
        assert all(e.effective <= self.today for e in history[self._dated :])
        self._dated = len(history)

    @invariant()
    def state_is_replay_of_history(self) -> None:
        """The incrementally kept state equals a replay of the history, both unchecked
        (``snapshot``) and checked again event by event (``Registry.from_history``)."""
        reg = self.registry
        n = len(reg)
        if n == self._checked_len:
            return  # nothing was accepted since the last check, and refusals change nothing
        moved = {e.subject for e in reg.history[max(self._checked_len, 0) :]}
        self._checked_len = n
        snap = reg.snapshot()
        rebuilt = Registry.from_history(reg.history_document(), **self.registry_config())
        assert rebuilt.snapshot() == snap
        assert rebuilt.history == reg.history
        for process in PROCESSES:
            live = list(reg.instances(process))
            assert live == list(snap.instances(process)), f"{process}: live state differs from its replay"
            assert live == list(rebuilt.instances(process)), f"{process}: differs after from_history"
        assert reg.subjects() == snap.subjects() == rebuilt.subjects()
        for subject in reg.subjects():
            now = reg.state_of(subject)
            assert rebuilt.state_of(subject) == now == snap.state_of(subject), subject
            assert reg.state_of(subject, as_of=self.today) == now, f"{subject}: as_of today differs from now"
            if subject in moved:  # and on the day of its last event (only moved subjects can differ)
                last = max(e.effective for e in reg.history if e.subject == subject)  # derived ones too
                assert reg.state_of(subject, as_of=last) == now, subject
            assert reg.kind_of(subject) is rebuilt.kind_of(subject)

    def registry_config(self) -> dict[str, Any]:
        """Keyword arguments for rebuilding an equivalent registry; match ``make_registry``."""
        return {}

    @invariant()
    def board_limits(self) -> None:
        """At most 4 seats per pillar and 12 in all, hence at most 4 directors in office per pillar."""
        seats = list(self.registry.instances("board-seat"))
        assert len(seats) <= BOARD_SEATS
        per_pillar = Counter(s.data["pillar"] for s in seats)
        assert all(n <= SEATS_PER_PILLAR for n in per_pillar.values()), per_pillar
        in_office = Counter(s.data["pillar"] for s in seats if s.state == "in_office")
        assert all(n <= SEATS_PER_PILLAR for n in in_office.values()), in_office

    @invariant()
    def certified_member_holds_certification(self) -> None:
        """A company reported as certified member, or suspended from being one, holds an ICoCA
        certification (possibly suspended with its external certificate)."""
        for inst in self.registry.instances("company-status"):
            if inst.state == "certified_member" or (inst.state == "suspended" and inst.previous == "certified_member"):
                cert = self.registry.instance("certification", inst.subject)
                assert cert is not None and cert.state in ("icoca_certified", "suspended"), (inst, cert)

    @invariant()
    def icoca_certified_only_by_grant(self) -> None:
        """ICoCA certification comes only from ICoCA's grant: the latest ICoCA decision or lapse
        about a certified company is a grant (renewing the external certificate is not one)."""
        decisive = (IcocaCertificationGranted, IcocaApplicationRefused, CertificationExpired, CertificationWithdrawn)
        for inst in self.registry.instances("certification"):
            if inst.state != "icoca_certified":
                continue
            scope = inst.key.rpartition("#")[2]
            last = next(
                (
                    e
                    for e in reversed(self.registry.history)
                    if e.subject == inst.subject
                    and isinstance(e, decisive)
                    and getattr(e, "scope", None) in (None, scope)
                ),
                None,
            )
            assert isinstance(last, IcocaCertificationGranted), (inst, last)

    def teardown(self) -> None:
        """The history survives JSON in full (run once per example: it is the slowest check)."""
        document = self.registry.history_document()
        again = loads(dumps(document, audience=Audience.FULL), History)
        assert again == document
        assert Registry.from_history(again, **self.registry_config()).snapshot() == self.registry.snapshot()


def _seed(machine: RegistryMachine, subjects: Iterable[str], admissions: Iterable[Admission]) -> None:
    for subject, admission in zip(subjects, admissions, strict=False):
        machine.admit(subject, admission)


class MembershipMachine(RegistryMachine):
    """Applications, due diligence, admissions, rejections and re-applications of every kind of
    applicant; status events let former members apply again."""

    EVENT_TYPES = (*MEMBERSHIP_EVENTS, Terminated, Withdrew, Suspended, Reinstated)
    PROCESSES_UNDER_TEST = ("membership", "membership", "company-status", "member-status")
    HAPPY_PATH = (DueDiligenceStarted, Admitted)

    @initialize(data=st.data())
    def seed_applications(self, data: st.DataObject) -> None:
        """Some organisations have applied already (with their natural kind, or another)."""
        for subject in data.draw(st.lists(st.sampled_from(ORGANISATIONS), unique=True, max_size=5), label="applied"):
            self.submit(self.draw_event(data, ApplicationSubmitted, subject, self.today))


class CompanyStatusMachine(RegistryMachine):
    """A company's status: regimes, affiliation (needs a satisfactory self-assessment),
    certification, suspension and reinstatement, termination and readmission."""

    EVENT_TYPES = (*STATUS_EVENTS, *MEMBERSHIP_EVENTS, *CERTIFICATION_EVENTS, *SELF_ASSESSMENT_EVENTS)
    PROCESSES_UNDER_TEST = ("company-status", "membership", "certification", "self-assessment")
    HAPPY_PATH = (MovedToAffiliate, Reinstated)
    ORGANISATIONS = (*PSCS, CSOS[0])

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)

    @rule(company=st.sampled_from(PSCS), cycle=st.sampled_from(CYCLES), satisfactory=st.booleans())
    def complete_self_assessment(self, company: str, cycle: int, satisfactory: bool) -> None:
        """A whole cycle in one batch, so the affiliate guard has something to read."""
        day = self.today
        self.submit_batch(
            [
                SelfAssessmentSent(subject=company, effective=day, cycle=cycle, due=day),
                SelfAssessmentSubmitted(subject=company, effective=day, cycle=cycle),
                SelfAssessmentRated(subject=company, effective=day, cycle=cycle, satisfactory=satisfactory),
            ]
        )

    @rule(company=st.sampled_from(PSCS), years=st.integers(1, 3))
    def certify(self, company: str, years: int) -> None:
        """Both stages of certification at once, so certified members are common."""
        self.certify_company(company, years)


class MemberStatusMachine(RegistryMachine):
    """CSOs, governments and observers (including a company that provides no security services)."""

    EVENT_TYPES = (*MEMBERSHIP_EVENTS, *STATUS_EVENTS)
    PROCESSES_UNDER_TEST = ("member-status", "membership")
    ORGANISATIONS = (CONSULTANCY, *CSOS, *GOVERNMENTS, *OTHERS, PSCS[0])

    @initialize(admissions=st.lists(st.sampled_from([Admission.MEMBER, Admission.OBSERVER]), min_size=2, max_size=5))
    def seed_members(self, admissions: list[Admission]) -> None:
        """Non-company applicants admitted as member or observer (an ``other`` only fits observer)."""
        _seed(self, (CSOS[0], GOVERNMENTS[0], OTHERS[0], CONSULTANCY, CSOS[1]), admissions)


class CertificationMachine(RegistryMachine):
    """External certificates (recognised standards or not), ICoCA review, grant, renewal,
    suspension with the external certificate, expiry and withdrawal."""

    EVENT_TYPES = (*CERTIFICATION_EVENTS, Suspended, Reinstated, Terminated)
    PROCESSES_UNDER_TEST = ("certification", "certification", "company-status")
    ORGANISATIONS = PSCS
    HAPPY_PATH = (IcocaCertificationGranted, IcocaApplicationSubmitted, ExternalCertificateRecorded)

    @rule(company=st.sampled_from(PSCS), years=st.integers(1, 3))
    def certify(self, company: str, years: int) -> None:
        """Both stages at once, so certified companies are common enough to suspend and lapse."""
        self.certify_company(company, years)

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class SelfAssessmentMachine(RegistryMachine):
    """Annual self-assessment cycles: sent, submitted (also late), rated, missed after the due date."""

    EVENT_TYPES = (*SELF_ASSESSMENT_EVENTS, MovedToAffiliate, Terminated)
    PROCESSES_UNDER_TEST = ("self-assessment", "self-assessment", "company-status")
    HAPPY_PATH = (SelfAssessmentRated, SelfAssessmentSubmitted)
    ORGANISATIONS = (*PSCS, CSOS[0])
    MAX_ADVANCE_DAYS = 150

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class ComplianceCaseMachine(RegistryMachine):
    """The Art. 12 ladder, with cases opened from monitoring or from complaints."""

    EVENT_TYPES = (*COMPLIANCE_EVENTS, ComplaintReceived, Terminated)
    PROCESSES_UNDER_TEST = ("compliance-case", "compliance-case", "complaint")
    HAPPY_PATH = (CorrectiveActionVerified, CorrectiveActionRecommended, ReferredToBoard, DialogueOpened)
    ORGANISATIONS = PSCS

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class ComplaintMachine(RegistryMachine):
    """Art. 13 complaints through every route, and the compliance cases they may open."""

    EVENT_TYPES = (*COMPLAINT_EVENTS, CaseOpened, Terminated)
    PROCESSES_UNDER_TEST = ("complaint", "complaint", "compliance-case")
    HAPPY_PATH = (ComplaintRemedied, ComplaintUnresolved, ComplaintReferred, ComplaintClassified)
    ORGANISATIONS = PSCS

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class BoardMachine(RegistryMachine):
    """Board seats per pillar, nominations, elections, terms of at most 3 years."""

    EVENT_TYPES = (*BOARD_EVENTS, Terminated)
    PROCESSES_UNDER_TEST = ("board-seat",)
    HAPPY_PATH = (TermEnded, DirectorTookOffice, DirectorElected, NominationsOpened)
    ORGANISATIONS = (PSCS[0], CSOS[0], GOVERNMENTS[0])
    MAX_ADVANCE_DAYS = 400

    @initialize(
        admission=st.sampled_from([Admission.MEMBER, Admission.AFFILIATE]),
        pillars=st.lists(st.sampled_from(list(Pillar)), max_size=len(SEATS)),
    )
    def seed_board(self, admission: Admission, pillars: list[Pillar]) -> None:
        """Organisations of each pillar, then seats: each seat is accepted exactly when its
        pillar has fewer than 4 and the Board fewer than 12."""
        _seed(self, self.ORGANISATIONS, [admission, Admission.MEMBER, Admission.MEMBER])
        per_pillar: Counter[Pillar] = Counter()
        for seat, pillar in zip(SEATS, pillars, strict=False):
            expected = per_pillar[pillar] < SEATS_PER_PILLAR and per_pillar.total() < BOARD_SEATS
            accepted = self.submit(SeatCreated(subject=seat, effective=self.today, pillar=pillar))
            assert accepted == expected, (seat, pillar, per_pillar)
            if accepted:
                per_pillar[pillar] += 1


class ProcessMachine(RegistryMachine):
    """Every process at once on one registry: events of every type about every kind of subject."""

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)
        self.admit(CSOS[0], Admission.MEMBER)
