"""Hypothesis strategies for every public icoc model type.

Each strategy builds a valid value directly (nothing is filtered away), so suites can compose
them freely; optional arguments pin a field or bound the dates a value records. ``as_of`` always
means "every date this value records is on or before this day", as in a registry document.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from enum import Enum
from typing import Any, TypeVar, cast

import attrs
from hypothesis import strategies as st

from icoc.model import (
    DEFAULT_STANDARDS,
    ISO_9001,
    LISTED_FIELDS,
    AccreditationRoute,
    AuditOutcome,
    Board,
    BodyAcceptance,
    CaseId,
    CaseStage,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    Citation,
    CivilSocietyOrganisation,
    CodeSection,
    Company,
    CompanyStatus,
    Complainant,
    Complaint,
    ComplaintId,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintRoute,
    ComplaintStage,
    ComplianceCase,
    ConcernCategory,
    CorrectiveAction,
    CorrectiveActionPlan,
    Director,
    DirectorId,
    DuesBand,
    ExternalCertificate,
    ExternalCertificateStatus,
    FeeKind,
    FeeSchedule,
    FindingSource,
    Government,
    GovernmentKind,
    IcocaCertification,
    IcocaCertificationStatus,
    ListedFact,
    Mark,
    Member,
    MemberId,
    MembershipStatus,
    Observer,
    ObserverKind,
    Payment,
    Pillar,
    PlanId,
    RegistryDocument,
    SelfAssessment,
    ServiceDomain,
    Severity,
    Standard,
    StandardId,
    SurveillanceAudit,
    UnregisteredCompany,
)
from icoc.model.code import CODE_PARAGRAPHS, CODE_SECTIONS
from icoc.model.governance import SEATS_PER_PILLAR
from icoc.model.members import Ground

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "boards",
    "citations",
    "body_acceptances",
    "certification_bodies",
    "civil_society_organisations",
    "code_paragraphs",
    "code_sections",
    "companies",
    "compliance_cases",
    "complainants",
    "complaints",
    "corrective_action_plans",
    "corrective_actions",
    "countries",
    "dates",
    "directors",
    "dues_bands",
    "external_certificates",
    "fee_schedules",
    "governments",
    "icoca_certifications",
    "identifiers",
    "member_ids",
    "observers",
    "payments",
    "registries",
    "self_assessments",
    "standards",
    "surveillance_audits",
]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

MIN_DATE = date(2013, 9, 1)
"""The Association was founded in September 2013: nothing it records is older."""
MAX_DATE = date(2035, 12, 31)
"""Far enough ahead for multi-year terms and certificates, near enough to stay plausible."""

_DAY = timedelta(days=1)
_YEAR = timedelta(days=365)
_LAST_START = MAX_DATE - _DAY
"""The last day something with a strictly later end (certificate, term) can start."""

_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "._:/-"
# Printable, with a few non-ASCII letters so JSON round trips exercise unicode.
_WORD = string.ascii_letters + string.digits + "-'.&éüøñçÅ"
_COUNTRIES = ("CH", "GB", "US", "FR", "DE", "ZA", "KE", "AE", "IQ", "AF", "NG", "CO", "AU", "NO", "SL", "UG")
_ACCREDITATION_BODIES = ("UKAS", "ANAB", "DAkkS", "SAS", "COFRAC", "SANAS", "JAS-ANZ")
# Built once: strategies made afresh inside every draw cost more to validate than to draw.
# Text is short, printable and non-blank without surrounding spaces, as validators expect.
_TEXT: st.SearchStrategy[str] = st.builds(
    lambda a, b: (a + b).rstrip(), st.sampled_from(_ID_FIRST), st.text(_WORD + " ", max_size=20)
)
_IDS: st.SearchStrategy[str] = st.builds(lambda a, b: a + b, st.sampled_from(_ID_FIRST), st.text(_ID_REST, max_size=15))
_FRACTION = st.floats(0, 1)
_ENUM_STRATEGIES: dict[type[Enum], st.SearchStrategy[Any]] = {}
_MAYBE_TEXT = st.none() | _TEXT
_MAYBE_COUNTRY = st.none() | st.sampled_from(_COUNTRIES)
_MAYBE_MEMBER_ID = st.none() | _IDS.map(MemberId)
_GROUNDED = (CompanyStatus.SUSPENDED, CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN)
_SUSPENDABLE = tuple(s for s in CompanyStatus if s.is_active and s is not CompanyStatus.SUSPENDED)
_BOARD_STAGES = (CaseStage.CORRECTIVE_ACTION, CaseStage.IMPLEMENTED, CaseStage.SUSPENSION_PROCEEDINGS)
_ROUTED = (ComplaintStage.REFERRED, ComplaintStage.REMEDIED, ComplaintStage.UNRESOLVED)


def dates(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[date]:
    """Days in the Association's lifetime (2013-09-01 .. 2035-12-31 unless narrowed)."""
    return st.dates(min_value=min_value, max_value=max_value)


def _day(draw: st.DrawFn, lo: date, hi: date) -> date:
    """A day in lo..hi, or ``lo`` when the caller's bounds leave no room (their choice to make).

    Drawn as a fraction of the span from one shared strategy: a fresh ``st.dates`` per call costs
    more to validate than to draw. Fractions 0 and 1 (both ends) are among the first tried, and
    shrinking goes to ``lo``.
    """
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=round(draw(_FRACTION) * span))


def _maybe_day(draw: st.DrawFn, lo: date, hi: date) -> date | None:
    """An optional day: absent half the time, as optional dates often are in real records."""
    return None if draw(st.booleans()) else _day(draw, lo, hi)


def identifiers() -> st.SearchStrategy[str]:
    """Strings that match the model's id pattern, kept short for readable failures."""
    return _IDS


def member_ids() -> st.SearchStrategy[MemberId]:
    """Ids for members of any pillar and observers, which share one id space."""
    return identifiers().map(MemberId)


def countries() -> st.SearchStrategy[str]:
    """ISO 3166-1 alpha-2 codes, from a list of real ones so examples read naturally."""
    return st.sampled_from(_COUNTRIES)


@functools.lru_cache(maxsize=32)
def code_paragraphs(min_size: int = 0, max_size: int = 5) -> st.SearchStrategy[tuple[int, ...]]:
    """Sorted, distinct paragraphs of the Code (1..70): the only form findings may cite."""
    return st.lists(st.sampled_from(sorted(CODE_PARAGRAPHS)), unique=True, min_size=min_size, max_size=max_size).map(
        lambda ps: tuple(sorted(ps))
    )


def code_sections() -> st.SearchStrategy[CodeSection]:
    """The Code's sections are fixed text, so only the real ones are valid."""
    return st.sampled_from(CODE_SECTIONS)


def _enum(tp: type[E]) -> st.SearchStrategy[E]:
    """One shared strategy per enum, so drawing a member costs no new strategy to validate."""
    if tp not in _ENUM_STRATEGIES:
        _ENUM_STRATEGIES[tp] = st.sampled_from(tp)
    return cast("st.SearchStrategy[E]", _ENUM_STRATEGIES[tp])


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _distinct(values: Sequence[T], min_size: int = 0) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(st.sampled_from(values), unique=True, min_size=min_size, max_size=len(values)).map(tuple)


# --- members -----------------------------------------------------------------------------------


@st.composite
def companies(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    status: CompanyStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
    provides_security_services: bool | None = True,
) -> Company:
    """A private security company; a suspended one records the active status it left.
    ``provides_security_services=None`` draws it (a company that does not cannot be admitted
    as a PSC member by the workflows)."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    status = status if status is not None else draw(_enum(CompanyStatus))
    provides = draw(st.booleans()) if provides_security_services is None else provides_security_services
    return Company(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(countries()),
        joined=joined,
        status=status,
        status_since=_day(draw, joined, as_of),
        suspended_from=draw(st.sampled_from(_SUSPENDABLE)) if status is CompanyStatus.SUSPENDED else None,
        provides_security_services=provides,
        services=draw(_distinct(list(ServiceDomain), min_size=1 if provides else 0)),
        swiss_pssa=draw(st.booleans()),
        revenue_band=draw(_maybe(st.sampled_from("ABCD"))),
        status_ground=draw(_maybe(_enum(Ground))) if status in _GROUNDED else None,
        status_reason=draw(_MAYBE_TEXT) if status in (CompanyStatus.SUSPENDED, CompanyStatus.TERMINATED) else None,
    )


@st.composite
def _membership(
    draw: st.DrawFn, status: MembershipStatus | None, joined: date, as_of: date
) -> tuple[MembershipStatus, date | None]:
    """Status and status date shared by CSOs, governments and observers."""
    chosen = status if status is not None else draw(_enum(MembershipStatus))
    return chosen, _maybe_day(draw, joined, as_of)


@st.composite
def civil_society_organisations(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> CivilSocietyOrganisation:
    """A member of the civil society pillar, possibly suspended or gone."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return CivilSocietyOrganisation(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(countries()),
        joined=joined,
        status=chosen,
        status_since=since,
    )


@st.composite
def governments(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    kind: GovernmentKind | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> Government:
    """A State (always with its country) or an intergovernmental organisation (country optional)."""
    kind = kind if kind is not None else draw(_enum(GovernmentKind))
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return Government(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        kind=kind,
        joined=joined,
        country=draw(countries() if kind is GovernmentKind.STATE else _MAYBE_COUNTRY),
        status=chosen,
        status_since=since,
    )


@st.composite
def observers(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    kind: ObserverKind | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> Observer:
    """An observer; never a company providing security services, which the Articles exclude."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return Observer(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        kind=kind if kind is not None else draw(_enum(ObserverKind)),
        joined=joined,
        country=draw(_MAYBE_COUNTRY),
        provides_security_services=False,
        fee_waived=draw(st.booleans()),
        status=chosen,
        status_since=since,
    )


# --- standards and certification --------------------------------------------------------------


@st.composite
def standards(
    draw: st.DrawFn, *, id: StandardId | None = None, recognised: bool | None = None, as_of: date = MAX_DATE
) -> Standard:
    """A standard; a recognised one may record since when (on or before ``as_of``)."""
    recognised = recognised if recognised is not None else draw(st.booleans())
    return Standard(
        id=id if id is not None else StandardId(draw(identifiers())),
        title=draw(_TEXT),
        domains=draw(_distinct(list(ServiceDomain))),
        recognised=recognised,
        recognised_from=_maybe_day(draw, MIN_DATE, as_of) if recognised else None,
    )


@st.composite
def certification_bodies(
    draw: st.DrawFn, *, id: CertificationBodyId | None = None, accepted: bool | None = None
) -> CertificationBody:
    """A certification body; ``accepted`` picks the accreditation facts that make ICoCA accept it or not."""
    route = draw(_enum(AccreditationRoute))
    if accepted is None:
        iaf, checked = draw(st.booleans()), draw(st.booleans())
    elif accepted:
        iaf = True
        checked = True if route is AccreditationRoute.ISO_17021_PLUS_ICOCA else draw(st.booleans())
    elif route is AccreditationRoute.DIRECT_TO_STANDARD:
        iaf, checked = False, draw(st.booleans())
    else:
        iaf, checked = draw(st.sampled_from([(False, False), (False, True), (True, False)]))
    return CertificationBody(
        id=id if id is not None else CertificationBodyId(draw(identifiers())),
        name=draw(_TEXT),
        accreditation_body=draw(st.sampled_from(_ACCREDITATION_BODIES)),
        route=route,
        iaf_mla_signatory=iaf,
        icoca_competency_checked=checked,
    )


@st.composite
def body_acceptances(draw: st.DrawFn, *, standard: StandardId | None = None) -> BodyAcceptance:
    """ICoCA's acceptance of a body for one standard over a (possibly open) span of dates."""
    start = draw(st.dates(MIN_DATE, MAX_DATE - timedelta(days=1)))
    until = draw(st.none() | st.dates(start + timedelta(days=1), MAX_DATE))
    return BodyAcceptance(
        standard=standard
        if standard is not None
        else StandardId(draw(st.sampled_from(("PSC.1-2012", "ISO-18788", "ISO-28007")))),
        accepted_from=start,
        accepted_until=until,
        route=draw(st.none() | _enum(AccreditationRoute)),
        source=draw(st.none() | _TEXT),
    )


def surveillance_audits(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[SurveillanceAudit]:
    """Audits held in min_value..max_value (pass a certificate's validity to fit its cycle)."""
    return st.builds(SurveillanceAudit, held=dates(min_value, max_value), outcome=_enum(AuditOutcome))


@st.composite
def external_certificates(
    draw: st.DrawFn,
    *,
    id: CertificateId | None = None,
    company: MemberId | None = None,
    standard: StandardId | None = None,
    body: CertificationBodyId | None = None,
    status: ExternalCertificateStatus | None = None,
    as_of: date = MAX_DATE,
) -> ExternalCertificate:
    """A certificate on a 3-year cycle at most, with date-ordered surveillance audits held by ``as_of``."""
    issued = _day(draw, MIN_DATE, min(as_of, _LAST_START))
    expires = _day(draw, issued + _DAY, min(issued + 3 * _YEAR, MAX_DATE))
    audits: list[SurveillanceAudit] = []
    if issued <= min(expires, as_of):
        audits = [
            SurveillanceAudit(held=_day(draw, issued, min(expires, as_of)), outcome=draw(_enum(AuditOutcome)))
            for _ in range(draw(st.integers(0, 3)))
        ]
    return ExternalCertificate(
        id=id if id is not None else CertificateId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        standard=standard if standard is not None else draw(st.sampled_from([s.id for s in DEFAULT_STANDARDS])),
        body=body if body is not None else CertificationBodyId(draw(identifiers())),
        issued=issued,
        expires=expires,
        status=status if status is not None else draw(_enum(ExternalCertificateStatus)),
        surveillance=tuple(sorted(audits, key=lambda a: a.held)),
        conditions=tuple(draw(st.lists(_TEXT, max_size=2))),
    )


@st.composite
def icoca_certifications(
    draw: st.DrawFn,
    *,
    id: CertificateId | None = None,
    based_on: ExternalCertificate | None = None,
    company: MemberId | None = None,
    status: IcocaCertificationStatus | None = None,
    as_of: date = MAX_DATE,
    in_force_on: date | None = None,
) -> IcocaCertification:
    """ICoCA certification; given ``based_on`` it is that certificate's company's, granted while
    it runs and lapsing no later than it (the library's default reading of Art. 11). With
    ``in_force_on`` (inside ``based_on``'s validity) it is granted by then and expires after."""
    if based_on is not None:
        company, base = based_on.company, based_on.id
        granted = _day(draw, based_on.issued, min(as_of, based_on.expires - _DAY))
        last = based_on.expires
    else:
        base = CertificateId(draw(identifiers()))
        granted = _day(draw, MIN_DATE, min(as_of, _LAST_START))
        last = min(granted + 3 * _YEAR, MAX_DATE)
    if in_force_on is not None and based_on is not None and based_on.issued <= in_force_on < based_on.expires:
        granted = _day(draw, based_on.issued, in_force_on)
        first_expiry = in_force_on + _DAY
    else:
        first_expiry = granted + _DAY
    return IcocaCertification(
        id=id if id is not None else CertificateId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        based_on=base,
        granted=granted,
        expires=_day(draw, first_expiry, last),
        status=status if status is not None else draw(_enum(IcocaCertificationStatus)),
        human_rights_risk_assessment=draw(st.booleans()),
    )


# --- monitoring (Art. 12) ----------------------------------------------------------------------


@st.composite
def self_assessments(
    draw: st.DrawFn, *, company: MemberId | None = None, cycle: int | None = None, as_of: date = MAX_DATE
) -> SelfAssessment:
    """A yearly self-assessment sent within its cycle year; only a submitted one is rated."""
    cycle = cycle if cycle is not None else draw(st.integers(MIN_DATE.year, min(as_of.year, MAX_DATE.year)))
    start = max(MIN_DATE, date(cycle, 1, 1))
    end = min(date(cycle, 12, 31), as_of)
    sent = _maybe_day(draw, start, end) if start <= end else None
    opens = sent if sent is not None else start
    submitted = _maybe_day(draw, opens, as_of) if opens <= as_of else None
    return SelfAssessment(
        company=company if company is not None else draw(member_ids()),
        cycle=cycle,
        due=_day(draw, opens, min(opens + timedelta(days=120), MAX_DATE)),
        sent=sent,
        submitted=submitted,
        satisfactory=draw(_maybe(st.booleans())) if submitted is not None else None,
    )


@st.composite
def compliance_cases(
    draw: st.DrawFn,
    *,
    id: CaseId | None = None,
    company: MemberId | None = None,
    source: FindingSource | None = None,
    complaint: ComplaintId | None = None,
    stage: CaseStage | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> ComplianceCase:
    """A case on the escalation ladder; it names a complaint exactly when that is its source
    (passing ``complaint`` makes it one), and a closed case has its closing date."""
    if complaint is not None:
        source = FindingSource.COMPLAINT
    source = source if source is not None else draw(_enum(FindingSource))
    if source is FindingSource.COMPLAINT and complaint is None:
        complaint = ComplaintId(draw(identifiers()))
    stage = stage if stage is not None else draw(_enum(CaseStage))
    opened = _day(draw, not_before, as_of)
    return ComplianceCase(
        id=id if id is not None else CaseId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        opened=opened,
        source=source,
        category=draw(_enum(ConcernCategory)),
        code_paragraphs=draw(code_paragraphs()),
        severity=draw(_enum(Severity)),
        stage=stage,
        closed=None if stage.is_open else _day(draw, opened, as_of),
        complaint=complaint if source is FindingSource.COMPLAINT else None,
        summary=draw(_MAYBE_TEXT),
    )


@st.composite
def corrective_actions(
    draw: st.DrawFn,
    *,
    not_before: date = MIN_DATE,
    due_by: date = MAX_DATE,
    completed: bool | None = None,
    as_of: date = MAX_DATE,
) -> CorrectiveAction:
    """An action due in not_before..due_by (a plan's recommendation..deadline), maybe completed."""
    done = completed if completed is not None else draw(st.booleans())
    return CorrectiveAction(
        description=draw(_TEXT),
        due=_day(draw, not_before, due_by),
        completed=_day(draw, not_before, as_of) if done else None,
    )


@st.composite
def corrective_action_plans(
    draw: st.DrawFn,
    *,
    id: PlanId | None = None,
    case: ComplianceCase | None = None,
    company: MemberId | None = None,
    verified: bool | None = None,
    as_of: date = MAX_DATE,
) -> CorrectiveActionPlan:
    """A plan with a deadline within a year; given ``case`` it is that case's, recommended after it
    opened; a verified plan has every action completed, and was verified after the last one."""
    if case is not None:
        case_id, company, lo = case.id, case.company, case.opened
    else:
        case_id, lo = CaseId(draw(identifiers())), MIN_DATE
    recommended = _day(draw, lo, min(as_of, MAX_DATE))
    deadline = _day(draw, recommended, min(recommended + _YEAR, MAX_DATE))
    is_verified = verified if verified is not None else draw(st.booleans())
    actions = draw(
        st.lists(
            corrective_actions(
                not_before=recommended, due_by=deadline, completed=True if is_verified else None, as_of=as_of
            ),
            max_size=3,
        )
    )
    checked_from = max([recommended, *(a.completed for a in actions if a.completed is not None)])
    return CorrectiveActionPlan(
        id=id if id is not None else PlanId(draw(identifiers())),
        case=case_id,
        company=company if company is not None else draw(member_ids()),
        recommended=recommended,
        deadline=deadline,
        actions=tuple(actions),
        verified=_day(draw, checked_from, as_of) if is_verified else None,
    )


# --- complaints (Art. 13) ----------------------------------------------------------------------


def complainants() -> st.SearchStrategy[Complainant]:
    """Named or anonymous, confidential or not: every combination the Art. 13 process must protect."""
    return st.builds(
        Complainant,
        name=_MAYBE_TEXT,
        contact=_MAYBE_TEXT,
        representative=st.booleans(),
        confidential=st.booleans(),
    )


@st.composite
def complaints(
    draw: st.DrawFn,
    *,
    id: ComplaintId | None = None,
    company: MemberId | None = None,
    stage: ComplaintStage | None = None,
    compliance_case: CaseId | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> Complaint:
    """A complaint whose route, outcome and closing date agree with its stage."""
    stage = stage if stage is not None else draw(_enum(ComplaintStage))
    received = _day(draw, not_before, as_of)
    if stage in _ROUTED:
        route: ComplaintRoute | None = draw(_enum(ComplaintRoute))
    elif stage is ComplaintStage.CLOSED:
        route = draw(_maybe(_enum(ComplaintRoute)))
    else:
        route = None
    outcome = {
        ComplaintStage.REMEDIED: ComplaintOutcome.REMEDIED,
        ComplaintStage.UNRESOLVED: ComplaintOutcome.UNRESOLVED,
    }.get(stage)
    if stage is ComplaintStage.CLOSED:
        outcome = draw(_maybe(_enum(ComplaintOutcome)))
    # Unclassified: received, or closed as not admissible (never routed).
    unclassified = stage is ComplaintStage.RECEIVED or (
        stage is ComplaintStage.CLOSED and route is None and outcome is None
    )
    kind = draw(_maybe(_enum(ComplaintKind))) if unclassified else draw(_enum(ComplaintKind))
    return Complaint(
        id=id if id is not None else ComplaintId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        received=received,
        kind=kind,
        complainant=draw(complainants()),
        category=draw(_enum(ConcernCategory)),
        code_paragraphs=draw(code_paragraphs()),
        stage=stage,
        route=route,
        outcome=outcome,
        closed=_day(draw, received, as_of) if stage is ComplaintStage.CLOSED else None,
        compliance_case=compliance_case if compliance_case is not None else draw(_maybe(identifiers().map(CaseId))),
    )


# --- governance and fees -----------------------------------------------------------------------


def _term_end(draw: st.DrawFn, start: date) -> date:
    """A term of at most three years (the usual term; shorter ones fill a vacated seat)."""
    return _day(draw, start + _DAY, min(start + 3 * _YEAR, MAX_DATE))


@st.composite
def directors(
    draw: st.DrawFn,
    *,
    id: DirectorId | None = None,
    pillar: Pillar | None = None,
    organisation: MemberId | None = None,
    term_start: date | None = None,
    as_of: date = MAX_DATE,
) -> Director:
    """A director elected for a term of at most three years, starting by ``as_of``."""
    start = term_start if term_start is not None else _day(draw, MIN_DATE, min(as_of, _LAST_START))
    return Director(
        id=id if id is not None else DirectorId(draw(identifiers())),
        name=draw(_TEXT),
        pillar=pillar if pillar is not None else draw(_enum(Pillar)),
        term_start=start,
        term_end=_term_end(draw, start),
        organisation=organisation if organisation is not None else draw(_MAYBE_MEMBER_ID),
    )


def _seat_terms(draw: st.DrawFn, on: date, filled: bool) -> list[tuple[date, date]]:
    """Consecutive terms of one seat, newest first: the last one covers ``on`` if ``filled``,
    else ended by then; earlier ones end before the next starts, so they never overlap."""
    if filled:
        start = _day(draw, max(MIN_DATE, on - 3 * _YEAR + _DAY), on)
        end = _day(draw, on + _DAY, min(start + 3 * _YEAR, MAX_DATE))
    else:
        end = _day(draw, MIN_DATE + _DAY, on)
        start = _day(draw, max(MIN_DATE, end - 3 * _YEAR), end - _DAY)
    terms = [(start, end)]
    for _ in range(draw(st.integers(0, 1))):
        end = start - timedelta(days=draw(st.integers(0, 200)))
        if end <= MIN_DATE:
            break
        start = _day(draw, max(MIN_DATE, end - 3 * _YEAR), end - _DAY)
        terms.append((start, end))
    return terms


@st.composite
def boards(
    draw: st.DrawFn,
    *,
    organisations: Mapping[Pillar, Sequence[MemberId]] | None = None,
    on: date | None = None,
    as_of: date = MAX_DATE,
) -> Board:
    """Directors past and present, built seat by seat (at most 4 per pillar, consecutive terms
    per seat) so no date ever has more than 4 per pillar or 12 in office.

    ``on`` is the day whose sitting Board is built (any number of seats filled, full pillars
    included); it defaults to a day on or before ``as_of``, and no term starts after ``as_of``.
    With ``organisations``, a director's organisation is one of its own pillar's members.
    """
    on = on if on is not None else _day(draw, MIN_DATE, min(as_of, _LAST_START))
    ids: set[str] = set()
    chosen: list[Director] = []
    for pillar in Pillar:
        pool = organisations.get(pillar, ()) if organisations is not None else None
        filled = draw(st.integers(0, SEATS_PER_PILLAR)) if on < MAX_DATE else 0
        vacant = draw(st.integers(0, SEATS_PER_PILLAR - filled))
        for seat in range(filled + vacant):
            for start, end in _seat_terms(draw, on, filled=seat < filled):
                if pool is None:
                    org = draw(_MAYBE_MEMBER_ID)
                else:
                    org = draw(_maybe(st.sampled_from(pool))) if pool else None
                chosen.append(
                    Director(
                        id=DirectorId(_fresh(draw, ids)),
                        name=draw(_TEXT),
                        pillar=pillar,
                        term_start=start,
                        term_end=end,
                        organisation=org,
                    )
                )
    return Board(directors=tuple(chosen))


def dues_bands() -> st.SearchStrategy[DuesBand]:
    """A single band; :func:`fee_schedules` orders bands into a valid schedule."""
    return st.builds(
        DuesBand,
        name=_TEXT,
        min_revenue_usd=st.integers(0, 10**9),
        annual_usd=st.integers(0, 100_000),
    )


@st.composite
def fee_schedules(draw: st.DrawFn) -> FeeSchedule:
    """Fees whose dues bands ascend from revenue 0, so every revenue falls in exactly one band."""
    floors: list[int] = []
    if draw(st.integers(0, 4)):  # mostly some bands; an empty schedule is valid too
        floors = [0, *sorted(draw(st.lists(st.integers(1, 10**9), unique=True, max_size=3)))]
    bands = tuple(
        DuesBand(name=f"Band {i + 1}", min_revenue_usd=floor, annual_usd=draw(st.integers(0, 100_000)))
        for i, floor in enumerate(floors)
    )
    return FeeSchedule(
        joining_fee_usd=draw(st.integers(0, 10_000)),
        dues_bands=bands,
        cso_annual_usd=draw(st.integers(0, 10_000)),
        observer_annual_usd=draw(st.integers(0, 10_000)),
    )


@st.composite
def payments(
    draw: st.DrawFn,
    *,
    member: MemberId | None = None,
    kind: FeeKind | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> Payment:
    """A payment made by ``as_of`` for a year close to when it was paid."""
    paid = _day(draw, not_before, as_of)
    return Payment(
        member=member if member is not None else draw(member_ids()),
        kind=kind if kind is not None else draw(_enum(FeeKind)),
        year=draw(st.integers(max(MIN_DATE.year, paid.year - 1), min(MAX_DATE.year, paid.year + 1))),
        amount_usd=draw(st.integers(0, 100_000)),
        paid=paid,
    )


# --- registry documents ------------------------------------------------------------------------


def _fresh(draw: st.DrawFn, used: set[str]) -> str:
    """An id not yet in ``used``; a rare collision gets a numeric suffix rather than a redraw."""
    value = base = draw(_IDS)
    n = 1
    while value in used:
        value, n = f"{base}-{n}", n + 1
    used.add(value)
    return value


@st.composite
def registries(draw: st.DrawFn, *, max_companies: int = 5, as_of: date | None = None) -> RegistryDocument:
    """A registry document whose every cross-reference holds (see ``_cross_check``), with at
    most ``max_companies`` companies and every recorded date on or before ``as_of`` (drawn when
    not given).

    Shrinks towards no members, and towards only the standards and certification bodies its
    certificates name. Built company by company: each one's certificates, ICoCA certifications, self-assessments,
    cases, plans and complaints point at it, and every recorded date is on or before ``as_of``.
    """
    as_of = as_of if as_of is not None else _day(draw, MIN_DATE, MAX_DATE)
    # Standards and bodies no certificate names are kept only when this says so: it shrinks to
    # False, so a shrunk registry holds only what its failure needs.
    keep_unused = draw(st.booleans())
    members: set[str] = set()

    def new_member() -> MemberId:
        return MemberId(_fresh(draw, members))

    bodies_used: set[str] = set()
    # Mostly one accepted body at least, so certified members are common; sometimes none at all.
    bodies = [
        draw(
            certification_bodies(
                id=CertificationBodyId(_fresh(draw, bodies_used)),
                accepted=draw(st.sampled_from((True, True, False)) if i == 0 else st.booleans()),
            )
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    standards_used: set[str] = {s.id for s in DEFAULT_STANDARDS}
    extra = [
        draw(standards(id=StandardId(_fresh(draw, standards_used)), as_of=as_of))
        for _ in range(draw(st.integers(0, 1)))
    ]
    all_standards = (*DEFAULT_STANDARDS, *extra)
    recognised = [s.id for s in all_standards if s.recognised]
    accepted = [b.id for b in bodies if b.accepted]
    statuses = [s for s in CompanyStatus if accepted or s is not CompanyStatus.CERTIFIED_MEMBER]

    company_list = [
        draw(companies(id=new_member(), status=draw(st.sampled_from(statuses)), as_of=as_of))
        for _ in range(draw(st.integers(0, max_companies)))
    ]
    csos = [draw(civil_society_organisations(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 3)))]
    govs = [draw(governments(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 3)))]
    obs = [draw(observers(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 2)))]

    cert_ids: set[str] = set()
    # Cases and complaints are subjects of events too: they share the members' id space.
    case_ids = members
    plan_ids: set[str] = set()
    complaint_ids = members

    def cert_id() -> CertificateId:
        return CertificateId(_fresh(draw, cert_ids))

    certificates: list[ExternalCertificate] = []
    icoca: list[IcocaCertification] = []
    assessments: list[SelfAssessment] = []
    cases: list[ComplianceCase] = []
    plans: list[CorrectiveActionPlan] = []
    complaint_list: list[Complaint] = []
    not_certified = [s for s in IcocaCertificationStatus if s is not IcocaCertificationStatus.CERTIFIED]

    for c in company_list:
        must_certify = c.status is CompanyStatus.CERTIFIED_MEMBER
        may_certify = must_certify or c.suspended_from is CompanyStatus.CERTIFIED_MEMBER
        # A qualifying certificate: recognised standard, accepted body (what Art. 11 builds on).
        if accepted and (must_certify or draw(st.booleans())):
            base = draw(
                external_certificates(
                    id=cert_id(),
                    company=c.id,
                    standard=draw(st.sampled_from(recognised)),
                    body=draw(st.sampled_from(accepted)),
                    as_of=as_of,
                )
            )
            if must_certify and base.expires <= as_of:
                # A certified member's certification is in force on the document's date.
                base = attrs.evolve(base, expires=_day(draw, as_of + _DAY, as_of + _YEAR))
            certificates.append(base)
            if must_certify or draw(st.booleans()):
                if must_certify:
                    status = IcocaCertificationStatus.CERTIFIED
                else:
                    status = draw(st.sampled_from(list(IcocaCertificationStatus) if may_certify else not_certified))
                # A certification in force rests on a valid certificate; a suspended one on one not withdrawn.
                if status is IcocaCertificationStatus.CERTIFIED or (
                    status is IcocaCertificationStatus.SUSPENDED and base.status is ExternalCertificateStatus.WITHDRAWN
                ):
                    certificates[-1] = base = attrs.evolve(base, status=ExternalCertificateStatus.VALID)
                certified = status is IcocaCertificationStatus.CERTIFIED
                if certified and base.expires <= as_of:
                    # A certification recorded as certified is in force on the document's date.
                    certificates[-1] = base = attrs.evolve(base, expires=_day(draw, as_of + _DAY, as_of + _YEAR))
                icoca.append(
                    draw(
                        icoca_certifications(
                            id=cert_id(),
                            based_on=base,
                            status=status,
                            as_of=as_of,
                            in_force_on=as_of if certified else None,
                        )
                    )
                )
        if bodies:  # any other certificate, e.g. ISO 9001 or from a body ICoCA does not accept
            for _ in range(draw(st.integers(0, 1))):
                certificates.append(
                    draw(
                        external_certificates(
                            id=cert_id(),
                            company=c.id,
                            standard=draw(st.sampled_from([ISO_9001.id, *(s.id for s in all_standards)])),
                            body=draw(st.sampled_from([b.id for b in bodies])),
                            as_of=as_of,
                        )
                    )
                )

        cycles = draw(st.lists(st.integers(max(MIN_DATE.year, c.joined.year), as_of.year), unique=True, max_size=2))
        assessments.extend(draw(self_assessments(company=c.id, cycle=y, as_of=as_of)) for y in cycles)

        company_cases: list[ComplianceCase] = []
        for _ in range(draw(st.integers(0, 2))):
            source = draw(st.sampled_from([s for s in FindingSource if s is not FindingSource.COMPLAINT]))
            company_cases.append(
                draw(
                    compliance_cases(
                        id=CaseId(_fresh(draw, case_ids)),
                        company=c.id,
                        source=source,
                        not_before=c.joined,
                        as_of=as_of,
                    )
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            complaint = draw(
                complaints(
                    id=ComplaintId(_fresh(draw, complaint_ids)),
                    company=c.id,
                    not_before=c.joined,
                    as_of=as_of,
                )
            )
            linked: CaseId | None = None
            if draw(st.booleans()):  # compliance-relevant: it opens a case that names it back
                case = draw(
                    compliance_cases(
                        id=CaseId(_fresh(draw, case_ids)),
                        company=c.id,
                        complaint=complaint.id,
                        not_before=complaint.received,
                        as_of=as_of,
                    )
                )
                company_cases.append(case)
                linked = case.id
            complaint_list.append(attrs.evolve(complaint, compliance_case=linked))
        for case in company_cases:
            if case.stage in _BOARD_STAGES and draw(st.booleans()):
                plans.append(draw(corrective_action_plans(id=PlanId(_fresh(draw, plan_ids)), case=case, as_of=as_of)))
        cases.extend(company_cases)

    organisations: dict[Pillar, Sequence[MemberId]] = {
        Pillar.PSC: [c.id for c in company_list],
        Pillar.CSO: [c.id for c in csos],
        Pillar.GOVERNMENT: [g.id for g in govs],
    }
    everyone: list[Member] = [*company_list, *csos, *govs, *obs]
    paid = [
        draw(payments(member=m.id, not_before=m.joined, as_of=as_of))
        for m in everyone
        for _ in range(draw(st.integers(0, 1)))
    ]
    if not keep_unused:
        named_standards = {c.standard for c in certificates}
        named_bodies = {c.body for c in certificates}
        all_standards = tuple(s for s in all_standards if s.id in named_standards)
        bodies = [b for b in bodies if b.id in named_bodies]
    return RegistryDocument(
        as_of=as_of,
        companies=tuple(company_list),
        civil_society=tuple(csos),
        governments=tuple(govs),
        observers=tuple(obs),
        standards=all_standards,
        certification_bodies=tuple(bodies),
        certificates=tuple(certificates),
        icoca_certifications=tuple(icoca),
        self_assessments=tuple(assessments),
        cases=tuple(cases),
        corrective_action_plans=tuple(plans),
        complaints=tuple(complaint_list),
        board=draw(boards(organisations=organisations, on=as_of, as_of=as_of)),
        fees=draw(fee_schedules()),
        payments=tuple(paid),
    )


@st.composite
def listed_facts(draw: st.DrawFn, *, subject: MemberId | None = None) -> ListedFact:
    """A fact as a bidder list gives it: unknown (``value`` None) or a statement it may make."""
    field = draw(st.sampled_from(sorted(LISTED_FIELDS)))
    allowed = sorted(LISTED_FIELDS[field] or ())
    value = draw(st.none() | st.sampled_from(allowed)) if allowed else None
    return ListedFact(
        subject=subject if subject is not None else draw(member_ids()),
        field=field,
        value=value,
        where=draw(st.just("") | st.from_regex(r"\Abidders\.csv:row [1-9][0-9]?:[a-z ]{1,12}\Z")),
    )


@st.composite
def unregistered_companies(draw: st.DrawFn, *, id: MemberId | None = None) -> UnregisteredCompany:
    """A company a bidder list names that the register cannot hold."""
    not_member = draw(st.booleans())
    return UnregisteredCompany(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(_maybe(countries())),
        status=None if not_member else draw(_maybe(_enum(CompanyStatus))),
        not_a_member=not_member,
    )


@st.composite
def citations(draw: st.DrawFn) -> Citation:
    """A citation: a document, an article (maybe empty), maybe a URL, and its mark."""
    return Citation(
        document=draw(_TEXT),
        article=draw(st.one_of(st.just(""), _TEXT)),
        url=draw(_maybe(st.sampled_from(["https://www.icoca.ch/", "https://icoca.ch/membership/"]))),
        mark=draw(_enum(Mark)),
    )


# --- st.from_type ------------------------------------------------------------------------------

_BY_TYPE: Mapping[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
    Company: companies,
    CivilSocietyOrganisation: civil_society_organisations,
    Government: governments,
    Observer: observers,
    Standard: standards,
    CertificationBody: certification_bodies,
    BodyAcceptance: body_acceptances,
    SurveillanceAudit: surveillance_audits,
    ExternalCertificate: external_certificates,
    IcocaCertification: icoca_certifications,
    SelfAssessment: self_assessments,
    ComplianceCase: compliance_cases,
    CorrectiveAction: corrective_actions,
    CorrectiveActionPlan: corrective_action_plans,
    Complainant: complainants,
    Complaint: complaints,
    Director: directors,
    Board: boards,
    DuesBand: dues_bands,
    FeeSchedule: fee_schedules,
    Payment: payments,
    CodeSection: code_sections,
    RegistryDocument: registries,
    ListedFact: listed_facts,
    UnregisteredCompany: unregistered_companies,
    Citation: citations,
}
_ID_TYPES: tuple[Any, ...] = (
    MemberId,
    StandardId,
    CertificationBodyId,
    CertificateId,
    CaseId,
    PlanId,
    ComplaintId,
    DirectorId,
)


def strategy_for_model(cls: type[Any]) -> st.SearchStrategy[Any] | None:
    """The strategy for a public model class, or None if ``cls`` is not one."""
    factory = _BY_TYPE.get(cls)
    return factory() if factory is not None else None


def _register_types() -> None:
    """Make ``st.from_type`` (and ``st.builds`` inference) produce only valid icoc values."""
    for cls, strategy in _BY_TYPE.items():
        st.register_type_strategy(cls, strategy())
    for id_type in _ID_TYPES:  # NewTypes of str: without this they would be arbitrary text
        st.register_type_strategy(id_type, identifiers())


_register_types()
