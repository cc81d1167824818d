"""Event payloads drawn as raw parts that once-built strategies can produce, resolved against the
event's subject and date; and the strategies of random event lists and valid histories built from
them (for replay properties outside a state machine)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs
from hypothesis import strategies as st

from icoc.model.certificates import ExternalCertificate, ExternalCertificateStatus
from icoc.model.complaints import Complainant, ComplaintKind, ComplaintRoute
from icoc.model.events import (
    EVENT_TYPES,
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationRejected,
    ApplicationSubmitted,
    CaseOpened,
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    ComplaintReferred,
    CorrectiveActionRecommended,
    DeadlineExtended,
    DirectorElected,
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
    SeatCreated,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    SuspensionProceedingsOpened,
    Terminated,
    TerminationProposed,
)
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId
from icoc.model.members import GovernmentKind, ObserverKind, Pillar, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.model.standards import DEFAULT_STANDARDS
from icoc.registry import Registry
from icoc.testing._pools import (
    _DAYS,
    _NATURAL_APPLICANT,
    _STANDARD_IDS,
    ALL_SUBJECTS,
    BOARD_EVENTS,
    CASES,
    COMPLAINT_EVENTS,
    COMPLAINTS,
    COMPLIANCE_EVENTS,
    CONSULTANCY,
    CSOS,
    CYCLES,
    ORGANISATIONS,
    PSCS,
    REFUSALS,
    SEATS,
    START,
    _sampled,
)
from icoc.workflows import NONE, PROCESSES

__all__ = ["candidate_events", "payload_fields", "valid_histories"]

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
