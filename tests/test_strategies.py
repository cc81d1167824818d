"""icoc.testing's strategies yield only valid values, honour their narrowing arguments, build
registries whose cross-references hold, and make ``st.from_type`` work for every model class."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc.testing as t
from icoc import io
from icoc.model import (
    BOARD_SEATS,
    SEATS_PER_PILLAR,
    Board,
    CaseId,
    CaseStage,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    CivilSocietyOrganisation,
    CodeSection,
    Company,
    CompanyStatus,
    Complainant,
    Complaint,
    ComplaintId,
    ComplaintStage,
    ComplianceCase,
    CorrectiveAction,
    CorrectiveActionPlan,
    Director,
    DirectorId,
    DuesBand,
    ExternalCertificate,
    FeeSchedule,
    FindingSource,
    Government,
    GovernmentKind,
    IcocaCertification,
    IcocaCertificationStatus,
    Member,
    MemberId,
    Observer,
    Payment,
    Pillar,
    PlanId,
    RegistryDocument,
    SelfAssessment,
    Standard,
    StandardId,
    SurveillanceAudit,
    is_code_paragraph,
)
from icoc.model.validators import ID_PATTERN

STRATEGIES: list[tuple[Callable[[], st.SearchStrategy[Any]], type[Any]]] = [
    (t.companies, Company),
    (t.civil_society_organisations, CivilSocietyOrganisation),
    (t.governments, Government),
    (t.observers, Observer),
    (t.standards, Standard),
    (t.certification_bodies, CertificationBody),
    (t.surveillance_audits, SurveillanceAudit),
    (t.external_certificates, ExternalCertificate),
    (t.icoca_certifications, IcocaCertification),
    (t.self_assessments, SelfAssessment),
    (t.compliance_cases, ComplianceCase),
    (t.corrective_actions, CorrectiveAction),
    (t.corrective_action_plans, CorrectiveActionPlan),
    (t.complainants, Complainant),
    (t.complaints, Complaint),
    (t.directors, Director),
    (t.boards, Board),
    (t.dues_bands, DuesBand),
    (t.fee_schedules, FeeSchedule),
    (t.payments, Payment),
    (t.code_sections, CodeSection),
]

FUTURE_FIELDS = frozenset({"expires", "due", "deadline", "term_end"})
"""Date fields that may lie after ``as_of`` (a planned end); every other date is a record."""


def recorded_dates(value: object, path: str = "") -> Iterator[tuple[str, date]]:
    """Every date a value records (recursively), with its path; planned ends are left out."""
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from recorded_dates(item, f"{path}[{i}]")
    elif attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            if a.name not in FUTURE_FIELDS:
                yield from recorded_dates(getattr(value, a.name), f"{path}.{a.name}")
    elif type(value) is date:
        yield path, value


def all_dates(value: object) -> Iterator[date]:
    if isinstance(value, tuple):
        for item in value:
            yield from all_dates(item)
    elif attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            yield from all_dates(getattr(value, a.name))
    elif type(value) is date:
        yield value


def assert_revalidates(value: object) -> None:
    """Field validators pass, and rebuilding the value (validators and post-init checks) gives it back."""
    attrs.validate(value)
    assert attrs.evolve(value) == value


# --- every strategy, valid values ---------------------------------------------------------------


@pytest.mark.parametrize(("strategy", "cls"), STRATEGIES, ids=[s.__name__ for s, _ in STRATEGIES])
@settings(max_examples=40)
@given(data=st.data())
def test_strategy_yields_valid_values_of_its_type(
    strategy: Callable[[], st.SearchStrategy[Any]], cls: type[Any], data: st.DataObject
) -> None:
    value = data.draw(strategy())
    assert type(value) is cls
    assert_revalidates(value)
    assert all(t.MIN_DATE <= d <= t.MAX_DATE for d in all_dates(value))


@settings(max_examples=100)
@given(t.identifiers())
def test_identifiers_match_the_model_id_pattern(value: str) -> None:
    assert ID_PATTERN.match(value)


@settings(max_examples=100)
@given(t.code_paragraphs(max_size=10))
def test_code_paragraphs_are_sorted_distinct_paragraphs_of_the_code(paragraphs: tuple[int, ...]) -> None:
    assert all(is_code_paragraph(p) for p in paragraphs)
    assert list(paragraphs) == sorted(set(paragraphs))


@settings(max_examples=50)
@given(st.data(), t.dates(), t.dates())
def test_dates_stay_within_the_bounds_given(data: st.DataObject, a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    assert lo <= data.draw(t.dates(lo, hi)) <= hi


# --- narrowing arguments ------------------------------------------------------------------------

AS_OF_STRATEGIES: list[Callable[..., st.SearchStrategy[Any]]] = [
    t.companies,
    t.civil_society_organisations,
    t.governments,
    t.observers,
    t.standards,
    t.external_certificates,
    t.icoca_certifications,
    t.self_assessments,
    t.compliance_cases,
    t.corrective_action_plans,
    t.complaints,
    t.directors,
    t.boards,
    t.payments,
]


@pytest.mark.parametrize("strategy", AS_OF_STRATEGIES, ids=[s.__name__ for s in AS_OF_STRATEGIES])
@settings(max_examples=30)
@given(data=st.data(), as_of=t.dates(t.MIN_DATE, date(2030, 12, 31)))
def test_as_of_bounds_every_recorded_date(
    strategy: Callable[..., st.SearchStrategy[Any]], data: st.DataObject, as_of: date
) -> None:
    value = data.draw(strategy(as_of=as_of))
    late = [(path, d) for path, d in recorded_dates(value) if d > as_of]
    assert late == []


@settings(max_examples=50)
@given(st.data(), st.sampled_from(CompanyStatus), t.member_ids())
def test_companies_take_the_status_and_id_asked_for(data: st.DataObject, status: CompanyStatus, id: MemberId) -> None:
    company = data.draw(t.companies(id=id, status=status))
    assert (company.id, company.status) == (id, status)
    assert (company.suspended_from is not None) == (status is CompanyStatus.SUSPENDED)


@settings(max_examples=50)
@given(st.data(), st.booleans())
def test_certification_bodies_are_accepted_or_not_as_asked(data: st.DataObject, accepted: bool) -> None:
    assert data.draw(t.certification_bodies(accepted=accepted)).accepted is accepted


@settings(max_examples=30)
@given(st.data(), st.booleans())
def test_standards_are_recognised_or_not_as_asked(data: st.DataObject, recognised: bool) -> None:
    assert data.draw(t.standards(recognised=recognised)).recognised is recognised


@settings(max_examples=50)
@given(st.data(), st.sampled_from(GovernmentKind))
def test_states_always_name_their_country(data: st.DataObject, kind: GovernmentKind) -> None:
    government = data.draw(t.governments(kind=kind))
    assert government.kind is kind
    if kind is GovernmentKind.STATE:
        assert government.country is not None


@settings(max_examples=50)
@given(st.data(), t.external_certificates())
def test_icoca_certification_based_on_a_certificate_runs_within_it(
    data: st.DataObject, cert: ExternalCertificate
) -> None:
    ic = data.draw(t.icoca_certifications(based_on=cert))
    assert (ic.company, ic.based_on) == (cert.company, cert.id)
    assert cert.issued <= ic.granted < ic.expires <= cert.expires


@settings(max_examples=50)
@given(st.data(), t.compliance_cases())
def test_a_verified_plan_on_a_case_belongs_to_it_and_has_every_action_done(
    data: st.DataObject, case: ComplianceCase
) -> None:
    plan = data.draw(t.corrective_action_plans(case=case, verified=True))
    assert (plan.case, plan.company) == (case.id, case.company)
    assert plan.recommended >= case.opened
    assert plan.verified is not None
    assert all(a.completed is not None and a.completed <= plan.verified for a in plan.actions)


@settings(max_examples=30)
@given(st.data(), t.identifiers().map(ComplaintId), st.sampled_from(FindingSource))
def test_cases_name_a_complaint_exactly_when_it_is_their_source(
    data: st.DataObject, complaint: ComplaintId, source: FindingSource
) -> None:
    linked = data.draw(t.compliance_cases(complaint=complaint))
    assert (linked.source, linked.complaint) == (FindingSource.COMPLAINT, complaint)
    other = data.draw(t.compliance_cases(source=source))
    assert other.source is source
    assert (other.complaint is not None) == (source is FindingSource.COMPLAINT)


@settings(max_examples=50)
@given(st.data(), st.sampled_from(ComplaintStage), st.sampled_from(CaseStage))
def test_complaints_and_cases_take_the_stage_asked_for(
    data: st.DataObject, stage: ComplaintStage, case_stage: CaseStage
) -> None:
    complaint = data.draw(t.complaints(stage=stage))
    assert complaint.stage is stage
    assert (complaint.closed is not None) == (stage is ComplaintStage.CLOSED)
    case = data.draw(t.compliance_cases(stage=case_stage))
    assert case.stage is case_stage
    assert (case.closed is None) == case_stage.is_open


@settings(max_examples=40)
@given(st.data(), st.lists(t.member_ids(), min_size=3, max_size=6, unique=True))
def test_boards_take_directors_organisations_from_their_own_pillar(data: st.DataObject, ids: list[MemberId]) -> None:
    organisations = {Pillar.PSC: ids[:1], Pillar.CSO: ids[1:2], Pillar.GOVERNMENT: ids[2:]}
    board = data.draw(t.boards(organisations=organisations))
    for d in board.directors:
        assert d.organisation is None or d.organisation in organisations[d.pillar]


@settings(max_examples=30)
@given(st.data(), t.member_ids(), st.integers(2014, 2030))
def test_self_assessments_take_the_company_and_cycle_asked_for(
    data: st.DataObject, company: MemberId, cycle: int
) -> None:
    sa = data.draw(t.self_assessments(company=company, cycle=cycle))
    assert (sa.company, sa.cycle) == (company, cycle)
    assert sa.satisfactory is None or sa.submitted is not None


# --- registries -------------------------------------------------------------------------------


def check_registry(doc: RegistryDocument) -> None:
    """The cross-references of a registry, restated independently of the model's own check."""
    members = [m.id for m in doc.members()]
    assert len(members) == len(set(members))
    pillar_of = {m.id: m.pillar for m in doc.members()}
    companies = {c.id: c for c in doc.companies}
    standards = {s.id: s for s in doc.standards}
    bodies = {b.id: b for b in doc.certification_bodies}
    certs = {c.id: c for c in doc.certificates}
    assert len(certs) == len(doc.certificates)
    for cert in doc.certificates:
        assert cert.company in companies and cert.standard in standards and cert.body in bodies
    certified = set()
    for ic in doc.icoca_certifications:
        base = certs[ic.based_on]
        assert base.company == ic.company
        assert standards[base.standard].recognised
        assert bodies[base.body].accepted
        assert base.issued <= ic.granted <= doc.as_of
        if ic.status is IcocaCertificationStatus.CERTIFIED:
            certified.add(ic.company)
    for c in doc.companies:
        if c.status is CompanyStatus.CERTIFIED_MEMBER:
            assert c.id in certified
    cycles = [(sa.company, sa.cycle) for sa in doc.self_assessments]
    assert len(cycles) == len(set(cycles)) and all(company in companies for company, _ in cycles)
    cases = {c.id: c for c in doc.cases}
    complaints = {c.id: c for c in doc.complaints}
    for case in doc.cases:
        assert case.company in companies
        if case.complaint is not None:
            assert complaints[case.complaint].company == case.company
    for cp in doc.complaints:
        assert cp.company in companies
        if cp.compliance_case is not None:
            assert cases[cp.compliance_case].company == cp.company
    for plan in doc.corrective_action_plans:
        assert cases[plan.case].company == plan.company
        assert plan.recommended >= cases[plan.case].opened
    for d in doc.board.directors:
        assert d.organisation is None or pillar_of[d.organisation] is d.pillar
    for day in {d.term_start for d in doc.board.directors}:
        sitting = Counter(d.pillar for d in doc.board.in_office(day))
        assert max(sitting.values()) <= SEATS_PER_PILLAR
        assert sum(sitting.values()) <= BOARD_SEATS
    assert all(p.member in pillar_of for p in doc.payments)
    assert [(path, d) for path, d in recorded_dates(doc) if d > doc.as_of] == []


INTERESTING: list[tuple[str, Callable[[RegistryDocument], bool]]] = [
    ("a certified member", lambda d: any(c.status is CompanyStatus.CERTIFIED_MEMBER for c in d.companies)),
    ("a suspended company", lambda d: any(c.status is CompanyStatus.SUSPENDED for c in d.companies)),
    ("an ISO 9001 certificate", lambda d: any(c.standard == "ISO-9001" for c in d.certificates)),
    ("a complaint that opened a case", lambda d: any(c.compliance_case for c in d.complaints)),
    ("a corrective action plan", lambda d: bool(d.corrective_action_plans)),
    ("a rated self-assessment", lambda d: any(s.satisfactory is not None for s in d.self_assessments)),
    ("a director for a member", lambda d: any(x.organisation for x in d.board.directors)),
    ("a pillar with a full board", lambda d: 0 in d.board.vacancies(d.as_of).values()),
    ("all three pillars and an observer", lambda d: all((d.companies, d.civil_society, d.governments, d.observers))),
]


@settings(max_examples=60)
@given(t.registries())
def test_registries_are_valid_documents_whose_references_hold(doc: RegistryDocument) -> None:
    check_registry(doc)
    assert io.structure(io.unstructure(doc, audience=io.Audience.FULL), RegistryDocument) == doc


@settings(max_examples=20)
@given(st.data(), t.dates(date(2016, 1, 1), date(2030, 12, 31)), st.integers(0, 3))
def test_registries_honour_as_of_and_max_companies(data: st.DataObject, as_of: date, most: int) -> None:
    doc = data.draw(t.registries(max_companies=most, as_of=as_of))
    assert doc.as_of == as_of
    assert len(doc.companies) <= most


def test_registries_reach_the_cases_worth_testing() -> None:
    """A strategy valid only because it never builds anything interesting would fail here.

    Derandomized: it asserts something about a sample, so the sample must not change from run
    to run (a change to the strategy that makes a case rare then fails every time, not one in a
    thousand).
    """
    seen: Counter[str] = Counter()

    @settings(max_examples=100, derandomize=True, database=None)
    @given(t.registries())
    def sample(doc: RegistryDocument) -> None:
        seen.update(what for what, predicate in INTERESTING if predicate(doc))

    sample()
    assert [what for what, _ in INTERESTING if not seen[what]] == []


# --- st.from_type -----------------------------------------------------------------------------


@settings(max_examples=20)
@given(data=st.data())
def test_from_type_yields_valid_instances_of_every_public_class(model_class: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(model_class))
    assert isinstance(value, model_class)
    if attrs.has(model_class):
        assert_revalidates(value)


@pytest.mark.parametrize(
    "id_type", [MemberId, StandardId, CertificationBodyId, CertificateId, CaseId, PlanId, ComplaintId, DirectorId]
)
@settings(max_examples=30)
@given(data=st.data())
def test_from_type_yields_valid_ids(id_type: Any, data: st.DataObject) -> None:
    assert ID_PATTERN.match(data.draw(st.from_type(id_type)))


@settings(max_examples=30)
@given(st.from_type(Member))  # type: ignore[arg-type]
def test_from_type_of_member_yields_a_member_of_some_pillar_or_an_observer(member: Member) -> None:
    assert type(member) in (Company, CivilSocietyOrganisation, Government, Observer)
    assert_revalidates(member)
