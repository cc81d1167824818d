"""The invariants icoc.model enforces at construction: each refusal is an InvalidInput naming the
class and field (``ExternalCertificate.expires``), and each limit accepts what is just inside it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc.model as model
import icoc.testing as t
from icoc.errors import InvalidInput, UnknownMember
from icoc.model import (
    ISO_9001,
    PSC_1,
    SEATS_PER_PILLAR,
    AccreditationRoute,
    AuditOutcome,
    Board,
    CaseStage,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    CivilSocietyOrganisation,
    Company,
    CompanyStatus,
    Complaint,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintRoute,
    ComplaintStage,
    ComplianceCase,
    ConcernCategory,
    CorrectiveAction,
    CorrectiveActionPlan,
    Director,
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
    MemberId,
    Observer,
    ObserverKind,
    Payment,
    Pillar,
    RegistryDocument,
    SelfAssessment,
    ServiceDomain,
    Standard,
    StandardId,
    SurveillanceAudit,
)
from icoc.model.events import EVENT_TYPES
from icoc.model.ids import CaseId, ComplaintId, DirectorId, PlanId

D = date(2020, 1, 1)


def company(**changes: Any) -> Company:
    fields: dict[str, Any] = {
        "id": "acme",
        "name": "Acme Guarding",
        "country": "GB",
        "joined": D,
        "status": CompanyStatus.MEMBER,
        "status_since": D,
    }
    return Company(**{**fields, **changes})


def certificate(**changes: Any) -> ExternalCertificate:
    fields: dict[str, Any] = {
        "id": "cert-1",
        "company": "acme",
        "standard": PSC_1.id,
        "body": "cb-1",
        "issued": D,
        "expires": date(2023, 1, 1),
    }
    return ExternalCertificate(**{**fields, **changes})


def case(**changes: Any) -> ComplianceCase:
    fields: dict[str, Any] = {
        "id": "case-1",
        "company": "acme",
        "opened": D,
        "source": FindingSource.REMOTE_MONITORING,
        "category": ConcernCategory.OTHER,
    }
    return ComplianceCase(**{**fields, **changes})


def complaint(**changes: Any) -> Complaint:
    fields: dict[str, Any] = {"id": "cp-1", "company": "acme", "received": D, "kind": ComplaintKind.ALLEGED_HARM}
    return Complaint(**{**fields, **changes})


def director(i: int, pillar: Pillar, start: date, end: date) -> Director:
    return Director(id=DirectorId(f"d{i}"), name=f"Director {i}", pillar=pillar, term_start=start, term_end=end)


ACCEPTED_BODY = CertificationBody(
    id=CertificationBodyId("cb-1"),
    name="Audit Ltd",
    accreditation_body="UKAS",
    route=AccreditationRoute.DIRECT_TO_STANDARD,
)


def refused(build: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        build()
    return err.value


# --- dates in order -----------------------------------------------------------------------------


@settings(max_examples=100)
@given(issued=t.dates(), days_earlier=st.integers(0, 4000))
def test_a_certificate_cannot_expire_on_or_before_its_issue(issued: date, days_earlier: int) -> None:
    err = refused(lambda: certificate(issued=issued, expires=issued - timedelta(days=days_earlier)))
    assert [p.path for p in err.problems] == ["ExternalCertificate.expires"]
    assert "cannot expire before it is issued" in str(err)


@settings(max_examples=50)
@given(issued=t.dates(), days_later=st.integers(1, 4000))
def test_a_certificate_expiring_after_its_issue_is_accepted(issued: date, days_later: int) -> None:
    cert = certificate(issued=issued, expires=issued + timedelta(days=days_later))
    assert cert.in_force(issued) and not cert.in_force(cert.expires)


# (strategy, start field, end field, whether the end must be strictly later)
DATE_ORDERS: list[tuple[Callable[[], st.SearchStrategy[Any]], str, str, bool]] = [
    (t.external_certificates, "issued", "expires", True),
    (t.icoca_certifications, "granted", "expires", True),
    (t.directors, "term_start", "term_end", True),
    (t.companies, "joined", "status_since", False),
    (t.corrective_action_plans, "recommended", "deadline", False),
]


@pytest.mark.parametrize(
    ("strategy", "start", "end", "strict"), DATE_ORDERS, ids=[f"{s.__name__}.{e}" for s, _, e, _ in DATE_ORDERS]
)
@settings(max_examples=40)
@given(data=st.data(), earlier=st.integers(0, 2000))
def test_an_end_before_its_start_is_refused_for_any_value(
    strategy: Callable[[], st.SearchStrategy[Any]],
    start: str,
    end: str,
    strict: bool,
    data: st.DataObject,
    earlier: int,
) -> None:
    value = data.draw(strategy())
    days = earlier if strict else earlier + 1
    bad = getattr(value, start) - timedelta(days=days)
    err = refused(lambda: attrs.evolve(value, **{end: bad}))
    assert [p.path for p in err.problems] == [f"{type(value).__name__}.{end}"]


# --- observers ----------------------------------------------------------------------------------


@settings(max_examples=50)
@given(t.observers())
def test_a_psc_providing_security_services_cannot_be_an_observer(observer: Observer) -> None:
    err = refused(lambda: attrs.evolve(observer, provides_security_services=True))
    assert [p.path for p in err.problems] == ["Observer.provides_security_services"]
    assert "cannot be an observer" in str(err)


def test_an_observer_by_default_provides_no_security_services() -> None:
    observer = Observer(id="uni", name="A University", kind=ObserverKind.ACADEMIC, joined=D)
    assert observer.provides_security_services is False
    assert observer.pillar is None


# --- Code paragraphs ----------------------------------------------------------------------------

OUTSIDE_THE_CODE = st.one_of(st.integers(max_value=0), st.integers(min_value=71))


@settings(max_examples=100)
@given(t.code_paragraphs(), OUTSIDE_THE_CODE, st.data())
def test_a_code_paragraph_outside_1_to_70_is_refused_at_its_index(
    valid: tuple[int, ...], bad: int, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(valid)))
    paragraphs = (*valid[:i], bad, *valid[i:])
    err = refused(lambda: case(code_paragraphs=paragraphs))
    assert [p.path for p in err.problems] == [f"ComplianceCase.code_paragraphs[{i}]"]
    err = refused(lambda: complaint(code_paragraphs=paragraphs))
    assert [p.path for p in err.problems] == [f"Complaint.code_paragraphs[{i}]"]


@settings(max_examples=50)
@given(t.code_paragraphs(min_size=2))
def test_code_paragraphs_out_of_order_or_repeated_are_refused(paragraphs: tuple[int, ...]) -> None:
    for bad in (tuple(reversed(paragraphs)), (paragraphs[0], *paragraphs)):
        err = refused(lambda bad=bad: case(code_paragraphs=bad))
        assert [p.path for p in err.problems] == ["ComplianceCase.code_paragraphs"]


@pytest.mark.parametrize("paragraph", [True, 30.0, "30", None])
def test_a_code_paragraph_must_be_an_integer(paragraph: object) -> None:
    err = refused(lambda: case(code_paragraphs=(paragraph,)))
    assert [p.path for p in err.problems] == ["ComplianceCase.code_paragraphs[0]"]


def test_the_ends_of_the_code_are_paragraphs() -> None:
    assert case(code_paragraphs=(1, 70)).code_paragraphs == (1, 70)


# --- the Board ----------------------------------------------------------------------------------


@st.composite
def terms_sharing_a_day(draw: st.DrawFn, n: int) -> tuple[date, list[tuple[date, date]]]:
    """``n`` terms of up to three years that are all running on one common day."""
    day = draw(t.dates(date(2016, 1, 1), date(2032, 1, 1)))
    terms = []
    for _ in range(n):
        start = day - timedelta(days=draw(st.integers(0, 1000)))
        end = day + timedelta(days=draw(st.integers(1, 1000)))
        terms.append((start, end))
    return day, terms


@settings(max_examples=50)
@given(st.sampled_from(Pillar), terms_sharing_a_day(SEATS_PER_PILLAR + 1))
def test_five_directors_of_one_pillar_in_office_on_one_day_are_refused(
    pillar: Pillar, shared: tuple[date, list[tuple[date, date]]]
) -> None:
    _, terms = shared
    directors = tuple(director(i, pillar, s, e) for i, (s, e) in enumerate(terms))
    err = refused(lambda: Board(directors=directors))
    assert [p.path for p in err.problems] == ["Board.directors"]
    assert f"5 {pillar.value} directors in office" in str(err)


@settings(max_examples=50)
@given(st.sampled_from(Pillar), terms_sharing_a_day(SEATS_PER_PILLAR))
def test_four_directors_of_one_pillar_in_office_together_are_accepted(
    pillar: Pillar, shared: tuple[date, list[tuple[date, date]]]
) -> None:
    day, terms = shared
    board = Board(directors=tuple(director(i, pillar, s, e) for i, (s, e) in enumerate(terms)))
    assert board.vacancies(day)[pillar] == 0
    assert len(board.in_office(day)) == SEATS_PER_PILLAR


@settings(max_examples=50)
@given(terms_sharing_a_day(SEATS_PER_PILLAR), st.integers(0, 400), st.integers(1, 1100), st.booleans())
def test_a_fifth_director_whose_term_does_not_overlap_the_four_is_accepted(
    shared: tuple[date, list[tuple[date, date]]], gap: int, length: int, after: bool
) -> None:
    _, terms = shared
    if after:  # starts on or after the day the last of the four leaves
        start = max(e for _, e in terms) + timedelta(days=gap)
        fifth = (start, start + timedelta(days=length))
    else:  # leaves on or before the day the first of the four arrives
        end = min(s for s, _ in terms) - timedelta(days=gap)
        fifth = (end - timedelta(days=length), end)
    directors = [director(i, Pillar.PSC, s, e) for i, (s, e) in enumerate([*terms, fifth])]
    assert len(Board(directors=tuple(directors)).directors) == SEATS_PER_PILLAR + 1


@settings(max_examples=30)
@given(terms_sharing_a_day(3 * SEATS_PER_PILLAR + 1), st.sampled_from(Pillar))
def test_a_full_board_of_twelve_is_accepted_and_a_thirteenth_refused(
    shared: tuple[date, list[tuple[date, date]]], extra: Pillar
) -> None:
    day, terms = shared
    twelve = [director(i, list(Pillar)[i % 3], s, e) for i, (s, e) in enumerate(terms[:12])]
    board = Board(directors=tuple(twelve))
    assert board.vacancies(day) == {p: 0 for p in Pillar}
    s, e = terms[12]
    err = refused(lambda: Board(directors=(*twelve, director(12, extra, s, e))))
    assert [p.path for p in err.problems] == ["Board.directors"]


def test_a_director_id_used_twice_is_refused() -> None:
    a = director(1, Pillar.CSO, D, date(2023, 1, 1))
    err = refused(lambda: Board(directors=(a, attrs.evolve(a, pillar=Pillar.PSC))))
    assert [p.path for p in err.problems] == ["Board.directors[1]"]


# --- every refusal names its class and field ----------------------------------------------------

REFUSALS: list[tuple[str, Callable[[], object], str]] = [
    ("certificate expiring before issue", lambda: certificate(expires=date(2019, 1, 1)), "ExternalCertificate.expires"),
    (
        "ICoCA certification expiring on its grant",
        lambda: IcocaCertification(id="ic", company="acme", based_on="cert-1", granted=D, expires=D),
        "IcocaCertification.expires",
    ),
    (
        "surveillance audit held after the expiry",
        lambda: certificate(
            surveillance=(SurveillanceAudit(held=date(2024, 1, 1), outcome=AuditOutcome.PASSED),),
        ),
        "ExternalCertificate.surveillance[0].held",
    ),
    (
        "surveillance audits out of order",
        lambda: certificate(
            surveillance=(
                SurveillanceAudit(held=date(2021, 6, 1), outcome=AuditOutcome.PASSED),
                SurveillanceAudit(held=date(2021, 1, 1), outcome=AuditOutcome.PASSED),
            )
        ),
        "ExternalCertificate.surveillance",
    ),
    (
        "observer providing security services",
        lambda: Observer(id="psc", name="Guards", kind=ObserverKind.COMPANY, joined=D, provides_security_services=True),
        "Observer.provides_security_services",
    ),
    ("Code paragraph 71", lambda: case(code_paragraphs=(71,)), "ComplianceCase.code_paragraphs[0]"),
    ("suspended without a former status", lambda: company(status=CompanyStatus.SUSPENDED), "Company.suspended_from"),
    (
        "suspended from a terminated status",
        lambda: company(status=CompanyStatus.SUSPENDED, suspended_from=CompanyStatus.TERMINATED),
        "Company.suspended_from",
    ),
    (
        "former status while not suspended",
        lambda: company(suspended_from=CompanyStatus.MEMBER),
        "Company.suspended_from",
    ),
    ("status before joining", lambda: company(status_since=date(2019, 12, 31)), "Company.status_since"),
    ("lower-case country", lambda: company(country="gb"), "Company.country"),
    ("id with a space", lambda: company(id="acme guarding"), "Company.id"),
    ("blank name", lambda: company(name="   "), "Company.name"),
    ("datetime for a date", lambda: company(joined=datetime(2020, 1, 1)), "Company.joined"),
    ("a status that is no CompanyStatus value", lambda: company(status="Member"), "Company.status"),
    ("security services in no domain", lambda: company(services=()), "Company.services"),
    (
        "a domain twice",
        lambda: company(services=(ServiceDomain.LAND, ServiceDomain.LAND)),
        "Company.services[1]",
    ),
    (
        "a State without its country",
        lambda: Government(id="gb", name="United Kingdom", kind=GovernmentKind.STATE, joined=D),
        "Government.country",
    ),
    (
        "a rating without a submission",
        lambda: SelfAssessment(company="acme", cycle=2020, due=date(2020, 9, 23), satisfactory=True),
        "SelfAssessment.satisfactory",
    ),
    (
        "due before it was sent",
        lambda: SelfAssessment(company="acme", cycle=2020, due=date(2020, 6, 1), sent=date(2020, 7, 1)),
        "SelfAssessment.due",
    ),
    ("cycle before the Association", lambda: SelfAssessment(company="acme", cycle=2012, due=D), "SelfAssessment.cycle"),
    ("case from a complaint not named", lambda: case(source=FindingSource.COMPLAINT), "ComplianceCase.complaint"),
    ("case naming a complaint it did not come from", lambda: case(complaint="cp-1"), "ComplianceCase.complaint"),
    ("resolved case without a closing date", lambda: case(stage=CaseStage.RESOLVED), "ComplianceCase.closed"),
    ("open case with a closing date", lambda: case(closed=date(2020, 2, 1)), "ComplianceCase.closed"),
    ("referred complaint without a route", lambda: complaint(stage=ComplaintStage.REFERRED), "Complaint.route"),
    (
        "a route that is no ComplaintRoute value",
        lambda: complaint(stage=ComplaintStage.REFERRED, route="elsewhere"),
        "Complaint.route",
    ),
    (
        "remedied complaint unresolved",
        lambda: complaint(
            stage=ComplaintStage.REMEDIED, route=ComplaintRoute.OTHER, outcome=ComplaintOutcome.UNRESOLVED
        ),
        "Complaint.outcome",
    ),
    ("closing date on an open complaint", lambda: complaint(closed=date(2020, 3, 1)), "Complaint.closed"),
    (
        "verified plan with an open action",
        lambda: CorrectiveActionPlan(
            id="p",
            case="case-1",
            company="acme",
            recommended=D,
            deadline=date(2020, 6, 1),
            actions=(CorrectiveAction(description="Retrain guards", due=date(2020, 3, 1)),),
            verified=date(2020, 6, 1),
        ),
        "CorrectiveActionPlan.verified",
    ),
    (
        "action due after the plan's deadline",
        lambda: CorrectiveActionPlan(
            id="p",
            case="case-1",
            company="acme",
            recommended=D,
            deadline=date(2020, 6, 1),
            actions=(CorrectiveAction(description="Retrain guards", due=date(2020, 7, 1)),),
        ),
        "CorrectiveActionPlan.actions[0].due",
    ),
    (
        "dues bands not starting at revenue 0",
        lambda: FeeSchedule(dues_bands=(DuesBand(name="A", min_revenue_usd=10, annual_usd=1),)),
        "FeeSchedule.dues_bands",
    ),
    (
        "a bool for an amount",
        lambda: Payment(member="acme", kind=FeeKind.JOINING, year=2020, amount_usd=True, paid=D),
        "Payment.amount_usd",
    ),
    (
        "a negative amount",
        lambda: Payment(member="acme", kind=FeeKind.JOINING, year=2020, amount_usd=-1, paid=D),
        "Payment.amount_usd",
    ),
    (
        "a standard's domain twice",
        lambda: Standard(
            id=StandardId("X"), title="X", domains=(ServiceDomain.LAND, ServiceDomain.LAND), recognised=True
        ),
        "Standard.domains[1]",
    ),
    ("a pillar that is no Pillar value", lambda: director(1, "ngo", D, date(2023, 1, 1)), "Director.pillar"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("build", "path"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refusal_is_invalid_input_naming_class_and_field(build: Callable[[], object], path: str) -> None:
    err = refused(build)
    assert isinstance(err, ValueError)  # callers catching ValueError still catch it
    assert [p.path for p in err.problems] == [path]
    assert str(err).startswith(f"{path}: ")


def test_a_wrong_enum_value_names_the_enum_to_use() -> None:
    err = refused(lambda: company(status="Member"))
    assert "expected CompanyStatus (one of 'member', " in str(err)
    assert "got str 'Member'" in str(err)


def test_enum_values_given_as_text_become_members() -> None:
    c = company(status="suspended", suspended_from="certified_member", services=("land", "maritime"))
    assert c.status is CompanyStatus.SUSPENDED
    assert c.suspended_from is CompanyStatus.CERTIFIED_MEMBER
    assert c.services == (ServiceDomain.LAND, ServiceDomain.MARITIME)
    assert all(type(d) is ServiceDomain for d in c.services)
    routed = complaint(stage="remedied", route="other", outcome="remedied")
    assert (routed.stage, routed.route, routed.outcome) == (
        ComplaintStage.REMEDIED,
        ComplaintRoute.OTHER,
        ComplaintOutcome.REMEDIED,
    )


def _as_values(value: Any) -> Any:
    """The same record with every enum (at the top level or in a tuple) replaced by its value."""

    def plain(x: Any) -> Any:
        if isinstance(x, Enum):
            return x.value
        if isinstance(x, tuple) and x and all(isinstance(i, Enum) for i in x):
            return tuple(i.value for i in x)
        return x

    return {a.name: plain(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init}


MODEL_CLASSES = sorted(
    (c for c in (getattr(model, n) for n in model.__all__) if inspect.isclass(c) and attrs.has(c)),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", [*MODEL_CLASSES, *EVENT_TYPES], ids=lambda c: c.__name__)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_record_builds_the_same_from_enum_values(cls: type[Any], data: st.DataObject) -> None:
    """Whatever the field order and the cross-field checks, plain values give the same record."""
    value = data.draw(st.from_type(cls))
    again = cls(**_as_values(value))
    assert again == value
    for a in attrs.fields(cls):
        assert type(getattr(again, a.name)) is type(getattr(value, a.name)), a.name


# --- registry cross-references ------------------------------------------------------------------

SMALL_REGISTRIES = t.registries(max_companies=2)


def unused(taken: Iterable[str], base: str) -> str:
    """An id not in ``taken``, for adding one record to a generated registry."""
    ids = set(taken)
    while base in ids:
        base += "x"
    return base


def member_ids_of(doc: RegistryDocument) -> set[str]:
    return {m.id for m in doc.members()}


def cross_problems(build: Callable[[], object]) -> list[str]:
    return [p.path for p in refused(build).problems]


def new_company(doc: RegistryDocument, status: CompanyStatus = CompanyStatus.MEMBER) -> Company:
    return company(id=unused(member_ids_of(doc), "new-co"), joined=doc.as_of, status_since=doc.as_of, status=status)


def with_certification(
    doc: RegistryDocument,
    *,
    standard: Standard = PSC_1,
    body: CertificationBody = ACCEPTED_BODY,
    status: CompanyStatus = CompanyStatus.MEMBER,
    granted_days_after_issue: int = 0,
    ic_status: IcocaCertificationStatus = IcocaCertificationStatus.CERTIFIED,
) -> RegistryDocument:
    """``doc`` plus a company, a body, its certificate to ``standard`` and an ICoCA certification on it."""
    co = new_company(doc, status)
    body = attrs.evolve(body, id=unused((b.id for b in doc.certification_bodies), "new-cb"))
    cert_ids = [c.id for c in (*doc.certificates, *doc.icoca_certifications)]
    issued = doc.as_of - timedelta(days=granted_days_after_issue)
    cert = certificate(
        id=unused(cert_ids, "new-cert"),
        company=co.id,
        standard=standard.id,
        body=body.id,
        issued=issued,
        expires=doc.as_of + timedelta(days=700),
    )
    ic = IcocaCertification(
        id=CertificateId(unused(cert_ids, "new-ic")),
        company=co.id,
        based_on=cert.id,
        granted=doc.as_of,
        expires=doc.as_of + timedelta(days=700),
        status=ic_status,
    )
    # Drawn registries hold only the standards their certificates use: add this one if missing.
    standards = doc.standards if standard.id in {s.id for s in doc.standards} else (*doc.standards, standard)
    return attrs.evolve(
        doc,
        standards=standards,
        companies=(*doc.companies, co),
        certification_bodies=(*doc.certification_bodies, body),
        certificates=(*doc.certificates, cert),
        icoca_certifications=(*doc.icoca_certifications, ic),
    )


@settings(max_examples=15)
@given(SMALL_REGISTRIES, st.sampled_from(["certificates", "cases", "payments"]))
def test_a_record_about_an_unknown_company_is_refused(doc: RegistryDocument, field: str) -> None:
    stranger = MemberId(unused(member_ids_of(doc), "stranger"))
    n = len(getattr(doc, field))
    changes: dict[str, Any]
    if field == "certificates":
        body = attrs.evolve(ACCEPTED_BODY, id=unused((b.id for b in doc.certification_bodies), "new-cb"))
        cert = certificate(
            id=unused((c.id for c in doc.certificates), "new-cert"),
            company=stranger,
            body=body.id,
            issued=doc.as_of,
            expires=doc.as_of + timedelta(days=1),
        )
        changes = {"certificates": (*doc.certificates, cert), "certification_bodies": (*doc.certification_bodies, body)}
        if cert.standard not in {s.id for s in doc.standards}:  # drawn registries hold only the standards they use
            changes["standards"] = (*doc.standards, PSC_1)
        path = f"certificates[{n}].company"
    elif field == "cases":
        new = case(id=CaseId(unused((c.id for c in doc.cases), "new-case")), company=stranger, opened=doc.as_of)
        changes = {"cases": (*doc.cases, new)}
        path = f"cases[{n}].company"
    else:
        pay = Payment(member=stranger, kind=FeeKind.JOINING, year=doc.as_of.year, amount_usd=1000, paid=doc.as_of)
        changes = {"payments": (*doc.payments, pay)}
        path = f"payments[{n}].member"
    assert cross_problems(lambda: attrs.evolve(doc, **changes)) == [f"RegistryDocument.{path}"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES, st.sampled_from(["civil_society", "governments", "observers"]))
def test_one_id_for_members_of_two_pillars_is_refused(doc: RegistryDocument, field: str) -> None:
    co = new_company(doc)
    twin: CivilSocietyOrganisation | Government | Observer
    if field == "civil_society":
        twin = CivilSocietyOrganisation(id=co.id, name="Twin", country="CH", joined=doc.as_of)
    elif field == "governments":
        twin = Government(id=co.id, name="Twin", kind=GovernmentKind.INTERGOVERNMENTAL, joined=doc.as_of)
    else:
        twin = Observer(id=co.id, name="Twin", kind=ObserverKind.OTHER, joined=doc.as_of)
    changes = {"companies": (*doc.companies, co), field: (*getattr(doc, field), twin)}
    problems = cross_problems(lambda: attrs.evolve(doc, **changes))
    assert problems == [f"RegistryDocument.{field}[{len(getattr(doc, field))}].id"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_icoca_certification_on_a_recognised_standard_from_an_accepted_body_is_accepted(doc: RegistryDocument) -> None:
    certified = with_certification(doc, status=CompanyStatus.CERTIFIED_MEMBER)
    assert certified.companies[-1].status is CompanyStatus.CERTIFIED_MEMBER


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_icoca_certification_based_on_an_iso_9001_certificate_is_refused(doc: RegistryDocument) -> None:
    err = refused(lambda: with_certification(doc, standard=ISO_9001))
    n = len(doc.icoca_certifications)
    assert [p.path for p in err.problems] == [f"RegistryDocument.icoca_certifications[{n}].based_on"]
    assert "ISO-9001" in str(err) and "does not recognise" in str(err)


@settings(max_examples=15)
@given(SMALL_REGISTRIES, st.sampled_from(["not IAF/MLA", "17021 without competency check"]))
def test_icoca_certification_on_a_certificate_from_a_body_icoca_does_not_accept_is_refused(
    doc: RegistryDocument, why: str
) -> None:
    if why == "not IAF/MLA":
        body = attrs.evolve(ACCEPTED_BODY, iaf_mla_signatory=False)
    else:
        body = attrs.evolve(ACCEPTED_BODY, route=AccreditationRoute.ISO_17021_PLUS_ICOCA)
    assert not body.accepted
    err = refused(lambda: with_certification(doc, body=body))
    assert [p.path for p in err.problems] == [
        f"RegistryDocument.icoca_certifications[{len(doc.icoca_certifications)}].based_on"
    ]


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_icoca_certification_granted_before_its_certificate_was_issued_is_refused(doc: RegistryDocument) -> None:
    good = with_certification(doc)
    ic = good.icoca_certifications[-1]
    early = attrs.evolve(ic, granted=good.certificates[-1].issued - timedelta(days=1))
    problems = cross_problems(lambda: attrs.evolve(good, icoca_certifications=(*doc.icoca_certifications, early)))
    assert problems == [f"RegistryDocument.icoca_certifications[{len(doc.icoca_certifications)}].granted"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_icoca_certification_based_on_another_companys_certificate_is_refused(doc: RegistryDocument) -> None:
    good = with_certification(doc)
    other = new_company(good)
    moved = attrs.evolve(good.icoca_certifications[-1], company=other.id)
    changes = {"companies": (*good.companies, other), "icoca_certifications": (*doc.icoca_certifications, moved)}
    problems = cross_problems(lambda: attrs.evolve(good, **changes))
    assert problems == [f"RegistryDocument.icoca_certifications[{len(doc.icoca_certifications)}].based_on"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES, st.sampled_from([None, *IcocaCertificationStatus]))
def test_a_certified_member_needs_a_certified_icoca_certification(
    doc: RegistryDocument, ic_status: IcocaCertificationStatus | None
) -> None:
    n = len(doc.companies)
    if ic_status is None:  # no certification at all
        build: Callable[[], object] = lambda: attrs.evolve(  # noqa: E731
            doc, companies=(*doc.companies, new_company(doc, CompanyStatus.CERTIFIED_MEMBER))
        )
    else:
        build = lambda: with_certification(doc, status=CompanyStatus.CERTIFIED_MEMBER, ic_status=ic_status)  # noqa: E731
    if ic_status is IcocaCertificationStatus.CERTIFIED:
        build()
    else:
        assert cross_problems(build) == [f"RegistryDocument.companies[{n}].status"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_a_director_must_come_from_a_member_of_their_own_pillar(doc: RegistryDocument) -> None:
    co = new_company(doc)
    before = Director(
        id=DirectorId(unused((d.id for d in doc.board.directors), "new-dir")),
        name="Director",
        pillar=Pillar.CSO,
        term_start=date(2000, 1, 1),  # before every generated term, so seat limits are not in play
        term_end=date(2002, 1, 1),
        organisation=co.id,
    )
    board = Board(directors=(*doc.board.directors, before))
    problems = cross_problems(lambda: attrs.evolve(doc, companies=(*doc.companies, co), board=board))
    assert problems == [f"RegistryDocument.board.directors[{len(doc.board.directors)}].pillar"]
    right = Board(directors=(*doc.board.directors, attrs.evolve(before, pillar=Pillar.PSC)))
    assert attrs.evolve(doc, companies=(*doc.companies, co), board=right).board == right


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_a_complaint_linked_to_another_companys_case_is_refused(doc: RegistryDocument) -> None:
    a = new_company(doc)
    b = company(id=unused({*member_ids_of(doc), a.id}, "new-co-b"), joined=doc.as_of, status_since=doc.as_of)
    their_case = case(id=CaseId(unused((c.id for c in doc.cases), "new-case")), company=b.id, opened=doc.as_of)
    mine = complaint(
        id=ComplaintId(unused((c.id for c in doc.complaints), "new-cp")),
        company=a.id,
        received=doc.as_of,
        compliance_case=their_case.id,
    )
    changes = {
        "companies": (*doc.companies, a, b),
        "cases": (*doc.cases, their_case),
        "complaints": (*doc.complaints, mine),
    }
    problems = cross_problems(lambda: attrs.evolve(doc, **changes))
    assert problems == [f"RegistryDocument.complaints[{len(doc.complaints)}].compliance_case"]


@settings(max_examples=15)
@given(SMALL_REGISTRIES, st.integers(1, 400))
def test_a_plan_recommended_before_its_case_opened_is_refused(doc: RegistryDocument, days: int) -> None:
    co = new_company(doc)
    opened = case(id=CaseId(unused((c.id for c in doc.cases), "new-case")), company=co.id, opened=doc.as_of)
    plan = CorrectiveActionPlan(
        id=PlanId(unused((p.id for p in doc.corrective_action_plans), "new-plan")),
        case=opened.id,
        company=co.id,
        recommended=doc.as_of - timedelta(days=days),
        deadline=doc.as_of,
    )
    changes = {
        "companies": (*doc.companies, co),
        "cases": (*doc.cases, opened),
        "corrective_action_plans": (*doc.corrective_action_plans, plan),
    }
    problems = cross_problems(lambda: attrs.evolve(doc, **changes))
    assert problems == [f"RegistryDocument.corrective_action_plans[{len(doc.corrective_action_plans)}].recommended"]


@settings(max_examples=15)
@given(t.registries(max_companies=3), st.integers(1, 1000))
def test_nothing_may_be_recorded_after_the_documents_as_of(doc: RegistryDocument, days: int) -> None:
    if not doc.companies:
        doc = attrs.evolve(doc, companies=(new_company(doc),))
    earlier = doc.companies[0].joined - timedelta(days=days)
    err = refused(lambda: attrs.evolve(doc, as_of=earlier))
    assert "RegistryDocument.companies[0].joined" in [p.path for p in err.problems]
    assert all("after the document's as_of" in p.message for p in err.problems)


@settings(max_examples=15)
@given(SMALL_REGISTRIES)
def test_member_finds_every_member_and_refuses_an_unknown_id(doc: RegistryDocument) -> None:
    for m in doc.members():
        assert doc.member(m.id) is m
    with pytest.raises(UnknownMember):
        doc.member(unused(member_ids_of(doc), "nobody"))


# --- derived facts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "iaf", "checked", "accepted"),
    [
        (AccreditationRoute.DIRECT_TO_STANDARD, True, False, True),
        (AccreditationRoute.DIRECT_TO_STANDARD, False, True, False),
        (AccreditationRoute.ISO_17021_PLUS_ICOCA, True, True, True),
        (AccreditationRoute.ISO_17021_PLUS_ICOCA, True, False, False),
        (AccreditationRoute.ISO_17021_PLUS_ICOCA, False, True, False),
    ],
)
def test_icoca_accepts_a_body_accredited_under_iaf_mla_directly_or_via_17021_with_its_checks(
    route: AccreditationRoute, iaf: bool, checked: bool, accepted: bool
) -> None:
    body = attrs.evolve(ACCEPTED_BODY, route=route, iaf_mla_signatory=iaf, icoca_competency_checked=checked)
    assert body.accepted is accepted


@settings(max_examples=50)
@given(t.fee_schedules(), st.integers(0, 10**10))
def test_a_revenue_falls_in_the_highest_band_it_reaches(fees: FeeSchedule, revenue: int) -> None:
    band = fees.band_for(revenue)
    if not fees.dues_bands:
        assert band is None
        return
    assert band is not None and band.min_revenue_usd <= revenue
    assert all(b.min_revenue_usd <= band.min_revenue_usd or b.min_revenue_usd > revenue for b in fees.dues_bands)


@pytest.mark.parametrize("status", list(CompanyStatus))
def test_company_statuses_say_whether_active_and_whether_a_member(status: CompanyStatus) -> None:
    assert status.is_active is (status not in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN))
    assert status.is_member is (
        status in (CompanyStatus.MEMBER, CompanyStatus.TRANSITIONAL_MEMBER, CompanyStatus.CERTIFIED_MEMBER)
    )


@settings(max_examples=50)
@given(t.external_certificates(), t.dates())
def test_a_certificate_is_in_force_only_while_valid_and_running(cert: ExternalCertificate, on: date) -> None:
    running = cert.issued <= on < cert.expires
    assert cert.in_force(on) is (running and cert.status is ExternalCertificateStatus.VALID)
