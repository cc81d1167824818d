"""Importing a registry document: the generated history leads the registry to the document."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import event, given

import icoc.io
import icoc.sample
from icoc.errors import InvalidInput, RuleError
from icoc.importing import IMPORT_CAUSE, events_from_document
from icoc.model import (
    CaseStage,
    CivilSocietyOrganisation,
    CompanyStatus,
    ComplaintId,
    Government,
    IcocaCertificationStatus,
    Observer,
    RegistryDocument,
    ServiceDomain,
)
from icoc.model.events import ExternalCertificateRecorded
from icoc.registry import Registry
from icoc.rules import DEFAULT_PARAMETERS
from icoc.testing import registries

SAMPLE = "src/icoc/sample/registry.json"
ICOCA_STATE = {
    IcocaCertificationStatus.CERTIFIED: "icoca_certified",
    IcocaCertificationStatus.SUSPENDED: "suspended",
    IcocaCertificationStatus.EXPIRED: "expired",
    IcocaCertificationStatus.WITHDRAWN: "withdrawn",
}


def _load_sample() -> RegistryDocument:
    try:
        from icoc.sample import load_sample
    except ImportError:  # the sample module is another engineer's; the file is enough
        return icoc.io.load(SAMPLE, RegistryDocument)
    return load_sample()


@pytest.fixture(scope="module")
def doc() -> RegistryDocument:
    return _load_sample()


@pytest.fixture(scope="module")
def reg(doc: RegistryDocument) -> Registry:
    return Registry.from_document(doc)


def _index(doc: RegistryDocument, field: str, record_id: str) -> int:
    return next(i for i, x in enumerate(getattr(doc, field)) if x.id == record_id)


def _others(doc: RegistryDocument) -> list[CivilSocietyOrganisation | Government | Observer]:
    return [*doc.civil_society, *doc.governments, *doc.observers]


def _assert_faithful(doc: RegistryDocument, reg: Registry) -> None:
    """Everything a successful import promises, for any document."""
    for c in doc.companies:
        assert reg.state_of(c.id) == c.status.value, c.id
        if c.suspended_from is not None:
            inst = reg.instance("company-status", c.id)
            assert inst is not None and inst.previous == c.suspended_from.value
        if c.status is CompanyStatus.CERTIFIED_MEMBER:
            cert = reg.instance("certification", c.id)
            assert cert is not None and cert.state == "icoca_certified", c.id
    for m in _others(doc):
        assert reg.state_of(m.id) == m.status.value, m.id
    for case in doc.cases:
        assert reg.state_of(case.id) == case.stage.value, case.id
    for cp in doc.complaints:
        assert reg.state_of(cp.id) == cp.stage.value, cp.id
    in_office = Counter(d.pillar.value for d in doc.board.in_office(doc.as_of))
    seats = [s for s in reg.instances("board-seat") if s.state == "in_office"]
    assert Counter(s.data["pillar"].value for s in seats) == in_office
    assert {s.data["director"] for s in seats} == {d.id for d in doc.board.in_office(doc.as_of)}
    last: dict[str, date] = {}
    for e in reg.history:
        # Generated events have the import cause; the rules judge their deadlines on the way
        # (the clock moves with the imported events), citing themselves.
        assert e.cause == IMPORT_CAUSE or (e.cause.rule is not None and e.cause.citation), e
        assert e.effective <= doc.as_of, e
        assert e.effective >= last.get(e.subject, date.min), e
        last[e.subject] = e.effective


# --- the built-in sample -------------------------------------------------------------------------


def test_sample_imports_with_every_status_as_the_document_says(doc: RegistryDocument, reg: Registry) -> None:
    _assert_faithful(doc, reg)
    assert len(reg.subjects()) >= len(doc.companies) + len(doc.cases) + len(doc.complaints) + 12


def test_every_company_has_its_document_status(doc: RegistryDocument, reg: Registry) -> None:
    assert {c.id: reg.state_of(c.id) for c in doc.companies} == {c.id: c.status.value for c in doc.companies}
    assert {c.status for c in doc.companies} == set(CompanyStatus)  # the sample covers every status


def test_csos_governments_and_observers_have_their_status(doc: RegistryDocument, reg: Registry) -> None:
    others = _others(doc)
    assert {m.id: reg.state_of(m.id) for m in others} == {m.id: m.status.value for m in others}
    withdrawn = next(m for m in doc.civil_society if m.status.value == "withdrawn")
    assert withdrawn.status_since is not None
    assert reg.state_of(withdrawn.id, as_of=withdrawn.status_since - timedelta(days=1)) == "active"
    for obs in doc.observers:
        membership = reg.instance("membership", obs.id)
        assert membership is not None and membership.data["admission"].value == "observer"


def test_certification_state_follows_the_latest_icoca_certification(doc: RegistryDocument, reg: Registry) -> None:
    latest: dict[str, IcocaCertificationStatus] = {}
    for ic in sorted(doc.icoca_certifications, key=lambda x: x.granted):
        latest[ic.company] = ic.status
    assert latest
    for company, status in latest.items():
        cert = reg.instance("certification", company)
        assert cert is not None and cert.state == ICOCA_STATE[status], company
    for c in doc.companies:
        if c.status is CompanyStatus.CERTIFIED_MEMBER:
            cert = reg.instance("certification", c.id)
            assert cert is not None and cert.state == "icoca_certified"


def test_suspended_companies_remember_the_status_they_were_suspended_from(doc: RegistryDocument, reg: Registry) -> None:
    suspended = [c for c in doc.companies if c.status is CompanyStatus.SUSPENDED]
    assert {c.suspended_from for c in suspended} >= {CompanyStatus.CERTIFIED_MEMBER, CompanyStatus.MEMBER}
    for c in suspended:
        inst = reg.instance("company-status", c.id)
        assert inst is not None and c.suspended_from is not None
        assert inst.previous == c.suspended_from.value
        assert inst.since == c.status_since


def test_unrecognised_standards_and_unaccepted_bodies_grant_nothing(doc: RegistryDocument, reg: Registry) -> None:
    standards = {s.id: s for s in doc.standards}
    bodies = {b.id: b for b in doc.certification_bodies}
    used = {ic.based_on for ic in doc.icoca_certifications}
    skipped = [
        x
        for x in doc.certificates
        if x.id not in used and (not standards[x.standard].recognised or not bodies[x.body].accepted)
    ]
    assert {standards[x.standard].recognised for x in skipped} == {True, False}  # ISO 9001, and a PSC.1
    recorded = {e.certificate.id for e in reg.history if isinstance(e, ExternalCertificateRecorded)}
    assert recorded.isdisjoint(x.id for x in skipped)


def test_cases_and_complaints_reach_their_document_stage(doc: RegistryDocument, reg: Registry) -> None:
    assert {x.id: reg.state_of(x.id) for x in doc.cases} == {x.id: x.stage.value for x in doc.cases}
    assert {x.id: reg.state_of(x.id) for x in doc.complaints} == {x.id: x.stage.value for x in doc.complaints}
    assert {x.stage for x in doc.cases} == set(CaseStage)


def test_corrective_action_carries_the_documents_plan(doc: RegistryDocument, reg: Registry) -> None:
    for plan in doc.corrective_action_plans:
        inst = reg.instance("compliance-case", plan.case)
        assert inst is not None
        assert inst.data["plan"] == plan.id
        assert inst.data["deadline"] == plan.deadline
        assert inst.data["actions"] == plan.actions
        assert inst.data["corrective_action_recommended_on"] == plan.recommended


def test_cases_from_complaints_name_their_complaint(doc: RegistryDocument, reg: Registry) -> None:
    from_complaints = [c for c in doc.cases if c.complaint is not None]
    assert from_complaints
    for case in from_complaints:
        inst = reg.instance("compliance-case", case.id)
        assert inst is not None and inst.data["complaint"] == case.complaint
        assert case.complaint is not None
        received = reg.instance("complaint", case.complaint)
        assert received is not None and received.data["complaint_received_on"] <= case.opened


def test_board_seats_in_office_per_pillar_match_the_document(doc: RegistryDocument, reg: Registry) -> None:
    seats = list(reg.instances("board-seat"))
    assert len(seats) == 12
    assert Counter(s.data["pillar"].value for s in seats) == {"psc": 4, "cso": 4, "government": 4}
    sitting = doc.board.in_office(doc.as_of)
    in_office = Counter(s.data["pillar"] for s in seats if s.state == "in_office")
    assert in_office == Counter(d.pillar for d in sitting)
    by_director = {s.data["director"]: s for s in seats if s.state == "in_office"}
    for d in sitting:
        assert by_director[d.id].data["term_end"] == d.term_end
        assert by_director[d.id].data["organisation"] == d.organisation


def test_a_directors_term_ends_in_the_registry_on_the_day_the_document_says(doc: RegistryDocument) -> None:
    # Director.in_office: term_start <= day < term_end; the live seat follows the same count.
    first = min(doc.board.in_office(doc.as_of), key=lambda d: (d.term_end, d.id))
    live = Registry.from_document(doc)
    (seat,) = (s.subject for s in live.instances("board-seat") if s.data.get("director") == first.id)
    last_day = first.term_end - timedelta(days=1)
    live.advance_to(last_day)
    assert first.in_office(last_day) and live.state_of(seat) == "in_office"
    live.advance_to(first.term_end)
    assert not first.in_office(first.term_end) and live.state_of(seat) == "term_ended"


def test_every_event_is_caused_by_the_import_and_dated_in_order(doc: RegistryDocument, reg: Registry) -> None:
    _assert_faithful(doc, reg)
    planned = events_from_document(doc)
    imported = [e for e in reg.history if e.cause.rule is None]
    derived = {(type(e), e.subject, e.key, e.effective) for e in reg.history if e.cause.rule is not None}
    # Every planned event is in the history, in order, unless a rule derived the very same event
    # that day (the input restating it is absorbed, not applied twice).
    assert [e for e in planned if (type(e), e.subject, e.key, e.effective) not in derived] == imported
    assert planned == events_from_document(doc)


def test_past_states_replay_from_the_imported_history(doc: RegistryDocument, reg: Registry) -> None:
    terminated = next(c for c in doc.companies if c.status is CompanyStatus.TERMINATED)
    assert reg.state_of(terminated.id, as_of=terminated.status_since) == "terminated"
    assert reg.state_of(terminated.id, as_of=terminated.status_since - timedelta(days=1)) != "terminated"
    assert reg.state_of(terminated.id, as_of=terminated.joined - timedelta(days=1)) is None
    assert reg.snapshot(doc.as_of).state_of(terminated.id) == "terminated"


def test_advancing_the_rules_to_as_of_after_import_does_not_raise(doc: RegistryDocument) -> None:
    reg = Registry.from_document(doc)
    derived = reg.advance_to(doc.as_of)
    assert all(e.cause.rule is not None for e in derived)
    assert reg.clock == doc.as_of
    assert "import" in reg.explain(doc.companies[0].id).text()


def test_config_is_passed_to_the_registry(doc: RegistryDocument) -> None:
    params = DEFAULT_PARAMETERS.with_value("self_assessment.sent", "06-15")
    reg = Registry.from_document(doc, rules=None, parameters=params)
    assert reg.rules is None and reg.parameters is params
    assert reg.settings["standards"].keys() == {s.id for s in doc.standards}
    assert reg.settings["certification_bodies"].keys() == {b.id for b in doc.certification_bodies}
    with pytest.raises(RuleError):
        reg.advance_to(doc.as_of)


def test_a_missing_dispatch_date_takes_the_usual_one(doc: RegistryDocument) -> None:
    year = doc.as_of.year - 1
    c = next(c for c in doc.companies if c.status is CompanyStatus.MEMBER and c.joined.year < year)
    template = next(sa for sa in doc.self_assessments if sa.company == c.id)
    undated = attrs.evolve(template, cycle=year, sent=None, submitted=None, satisfactory=None, due=date(year, 9, 23))
    changed = attrs.evolve(doc, self_assessments=(*(sa for sa in doc.self_assessments if sa.company != c.id), undated))
    reg = Registry.from_document(changed)
    inst = reg.instance("self-assessment", f"{c.id}#{year}")
    assert inst is not None and inst.state == "missed"
    assert inst.data["self_assessment_sent_on"] == date(year, 7, 1)  # the usual date (a parameter)
    assert inst.data["self_assessment_missed_on"] == date(year, 9, 24)
    params = DEFAULT_PARAMETERS.with_value("self_assessment.sent", "06-15")
    other = Registry.from_document(changed, parameters=params).instance("self-assessment", f"{c.id}#{year}")
    assert other is not None and other.data["self_assessment_sent_on"] == date(year, 6, 15)


# --- inconsistent documents ------------------------------------------------------------------------


def _problem(exc: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    assert len(exc.value.problems) >= 1
    p = exc.value.problems[0]
    return p.path, p.message


def test_a_refused_event_names_the_document_record(doc: RegistryDocument) -> None:
    d = doc.board.in_office(doc.as_of)[0]
    i = doc.board.directors.index(d)
    long_term = attrs.evolve(d, term_end=d.term_start + timedelta(days=4 * 366))
    bad = attrs.evolve(
        doc,
        board=attrs.evolve(doc.board, directors=(*doc.board.directors[:i], long_term, *doc.board.directors[i + 1 :])),
    )
    with pytest.raises(InvalidInput) as exc:
        Registry.from_document(bad)
    path, message = _problem(exc)
    assert path == f"$.board.directors[{i}]"
    assert "board-seat" in message and "3 years" in message


def test_a_certification_outliving_its_external_certificate_names_it(doc: RegistryDocument) -> None:
    k = next(k for k, ic in enumerate(doc.icoca_certifications) if ic.status is IcocaCertificationStatus.CERTIFIED)
    ic = doc.icoca_certifications[k]
    base = next(x for x in doc.certificates if x.id == ic.based_on)
    longer = attrs.evolve(ic, expires=base.expires + timedelta(days=30))
    bad = attrs.evolve(
        doc, icoca_certifications=(*doc.icoca_certifications[:k], longer, *doc.icoca_certifications[k + 1 :])
    )
    with pytest.raises(InvalidInput) as exc:
        Registry.from_document(bad)
    path, message = _problem(exc)
    assert path == f"$.icoca_certifications[{k}]"
    assert "after the external certificate" in message


def test_a_company_providing_no_security_services_is_not_a_psc_member(doc: RegistryDocument) -> None:
    c = doc.companies[1]
    bad = attrs.evolve(
        doc, companies=(doc.companies[0], attrs.evolve(c, provides_security_services=False), *doc.companies[2:])
    )
    with pytest.raises(InvalidInput) as exc:
        Registry.from_document(bad)
    assert _problem(exc)[0] == "$.companies[1].provides_security_services"


def test_ids_shared_between_members_cases_and_complaints_are_refused(doc: RegistryDocument) -> None:
    cp = doc.complaints[0]
    clash = attrs.evolve(cp, id=ComplaintId(doc.companies[0].id))
    cases = tuple(attrs.evolve(c, complaint=clash.id) if c.complaint == cp.id else c for c in doc.cases)
    # The document itself refuses it now: members, cases and complaints share one id space.
    with pytest.raises(InvalidInput) as exc:
        attrs.evolve(doc, complaints=(clash, *doc.complaints[1:]), cases=cases)
    assert exc.value.problems[0].path == "RegistryDocument.complaints[0].id"
    assert "already a member's id" in exc.value.problems[0].message


def test_a_case_implemented_before_its_plan_was_recommended_is_refused(doc: RegistryDocument) -> None:
    plan = next(p for p in doc.corrective_action_plans if p.verified is not None)
    i = _index(doc, "cases", plan.case)
    case = doc.cases[i]
    early = attrs.evolve(case, closed=plan.recommended - timedelta(days=1))
    bad = attrs.evolve(doc, cases=(*doc.cases[:i], early, *doc.cases[i + 1 :]))
    with pytest.raises(InvalidInput) as exc:
        Registry.from_document(bad)
    assert _problem(exc)[0] == f"$.cases[{i}].closed"


def test_a_certified_member_certified_only_before_it_joined_is_refused(doc: RegistryDocument) -> None:
    k = next(k for k, ic in enumerate(doc.icoca_certifications) if ic.status is IcocaCertificationStatus.CERTIFIED)
    ic = doc.icoca_certifications[k]
    i = _index(doc, "companies", ic.company)
    late = attrs.evolve(doc.companies[i], joined=ic.expires, status_since=ic.expires)
    with pytest.raises(InvalidInput) as exc:
        # Moving the date past the expiry may already make the document contradict itself
        # (certified members with no certification in force then): refused either way, by path.
        bad = attrs.evolve(
            doc, as_of=max(doc.as_of, ic.expires), companies=(*doc.companies[:i], late, *doc.companies[i + 1 :])
        )
        Registry.from_document(bad)
    paths = [p.path.removeprefix("RegistryDocument.") for p in exc.value.problems]
    assert f"$.icoca_certifications[{k}]" in paths or f"companies[{i}].status" in paths, paths


def test_a_suspension_from_certified_member_needs_a_certification(doc: RegistryDocument) -> None:
    i = next(i for i, c in enumerate(doc.companies) if c.suspended_from is CompanyStatus.MEMBER)
    claimed = attrs.evolve(doc.companies[i], suspended_from=CompanyStatus.CERTIFIED_MEMBER)
    bad = attrs.evolve(doc, companies=(*doc.companies[:i], claimed, *doc.companies[i + 1 :]))
    with pytest.raises(InvalidInput) as exc:
        Registry.from_document(bad)
    assert _problem(exc)[0] == f"$.companies[{i}].suspended_from"


def test_an_empty_document_imports_to_twelve_vacant_seats() -> None:
    reg = Registry.from_document(RegistryDocument(as_of=date(2020, 1, 1)))
    assert [s.state for s in reg.instances("board-seat")] == ["vacant"] * 12
    assert reg.advance_to(date(2020, 1, 1)) == []


# --- generated documents ---------------------------------------------------------------------------


def _check_generated(doc: RegistryDocument) -> None:
    try:
        reg = Registry.from_document(doc)
    except InvalidInput as exc:
        assert exc.problems and all(p.path.startswith("$.") for p in exc.problems), exc
        event(f"refused at {exc.problems[0].path.split('[')[0]}")
        return
    event("imported")
    with reg:
        _assert_faithful(doc, reg)
        reg.advance_to(doc.as_of)


@given(registries())
def test_generated_documents_import_or_name_the_record_they_fail_on(doc: RegistryDocument) -> None:
    _check_generated(doc)


def _providing(doc: RegistryDocument) -> RegistryDocument:
    """The same document with every company providing security services, so that it can be a
    PSC member in the registry (``registries()`` draws that flag at random)."""
    companies = tuple(
        attrs.evolve(c, provides_security_services=True, services=c.services or (ServiceDomain.LAND,))
        for c in doc.companies
    )
    return attrs.evolve(doc, companies=companies)


@given(registries().map(_providing))
def test_generated_psc_documents_import_or_name_the_record_they_fail_on(doc: RegistryDocument) -> None:
    _check_generated(doc)


def test_the_import_hooks_end_with_the_import_however_it_ends() -> None:
    """``Registry.importing`` is the registry's one door for a document import: a veto on derived
    events and a discard-on-failure load, both lifted when the block ends (by an error too); a
    registry cannot import two documents at once, nor be imaged while importing."""
    from icoc.testing import admit

    reg = Registry()

    def veto(event: object, changes: object) -> str | None:
        return None

    with pytest.raises(RuntimeError, match="the import failed"), reg.importing(veto):
        with pytest.raises(InvalidInput, match="already importing"), reg.importing(veto):
            pass
        with pytest.raises(InvalidInput, match="importing a document has no image"):
            reg.image()
        raise RuntimeError("the import failed")
    assert reg.image()  # lifted by the error
    with reg.importing(veto):  # and a new import may start
        reg.submit_all(admit("acme", date(2023, 5, 10)))
    assert reg.state_of("acme") == "member" and reg.image()
    # Only a new registry imports (a refused batch there would leave a state without its events),
    # and the veto must be a function.
    with pytest.raises(InvalidInput, match=r"^registry: imports a document only while new \(it holds 3 events\)"):
        with reg.importing(veto):
            pass
    with pytest.raises(InvalidInput, match=r"^veto: expected a function"):
        with Registry().importing(123):  # type: ignore[arg-type]
            pass


def test_a_plan_deadline_on_the_last_representable_day_is_named_not_an_overflow() -> None:
    """The import's day for suspension proceedings (the day after a plan's deadline) is computed
    without overflowing, so the deadline outside the supported dates is refused with its path."""
    doc = icoc.sample.load_sample()
    i = next(
        k
        for k, p in enumerate(doc.corrective_action_plans)
        if next(c for c in doc.cases if c.id == p.case).stage.value == "suspension_proceedings"
    )
    plans = list(doc.corrective_action_plans)
    plans[i] = attrs.evolve(plans[i], deadline=date.max)
    with pytest.raises(InvalidInput, match=rf"\$\.corrective_action_plans\[{i}\]\.deadline: .*outside the supported"):
        Registry.from_document(attrs.evolve(doc, corrective_action_plans=tuple(plans)))
