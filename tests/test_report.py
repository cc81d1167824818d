"""Issue #16: structured grounds, complaints as received, the monitoring report, governance by the
calendar, and the two leaks of the issue as scenarios (a decision copying a suspension's reason, a
custom rule copying it into public cause facts)."""

from __future__ import annotations

import json
from datetime import date

import pytest

import icoc.io
from icoc.cli import main
from icoc.eligibility import check
from icoc.errors import IllegalTransition, InvalidInput
from icoc.io import Audience
from icoc.model.complaints import Complainant
from icoc.model.events import (
    CaseOpened,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    DirectorElected,
    DirectorTookOffice,
    Fact,
    Ground,
    History,
    NominationsOpened,
    SeatCreated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    TermEnded,
    Terminated,
    Withdrew,
)
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.model.sensitivity import Sensitivity
from icoc.registry import Registry
from icoc.report import monitoring_report
from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES
from icoc.rules._conditions import F
from icoc.rules._due import After, DayAfter, FactDate, Param
from icoc.rules._rule import Citation, Emit, Rule, RuleSet
from icoc.testing import admit

Y = 2021
D = date(Y, 1, 4)


# --- the monitoring report ---------------------------------------------------------------------------


def _registry_for_2021() -> Registry:
    """Shaped like ICoCA's 2021 summary: 7 complaints received, 2 alleging a Code violation
    (classified), 1 against a member; terminations by ground; cases by source and category."""
    reg = Registry(rules=None)
    companies = [f"psc-{i}" for i in range(8)]
    for c in companies:
        reg.submit_all(admit(c, D))
    for i, c in enumerate(companies[:5]):
        reg.submit(SelfAssessmentSent(subject=c, effective=date(Y, 6, 1), cycle=Y, due=date(Y, 9, 23)))
        if i < 3:
            reg.submit(SelfAssessmentSubmitted(subject=c, effective=date(Y, 9, 1), cycle=Y))
    reg.submit(Suspended(subject="psc-7", effective=date(Y, 3, 1), reason="x", ground=Ground.NON_PAYMENT_OF_DUES))
    grounds = [Ground.SELF_ASSESSMENT_NOT_SUBMITTED] * 2 + [Ground.NOT_COOPERATING_IN_GOOD_FAITH, Ground.OTHER]
    for c, g in zip(companies[3:7], grounds, strict=True):
        reg.submit(Terminated(subject=c, effective=date(Y, 10, 1), reason="secret words", ground=g))
    reg.submit(Withdrew(subject="psc-2", effective=date(Y, 11, 1)))
    reg.submit(
        CaseOpened(
            subject="case-1",
            effective=date(Y, 2, 1),
            company="psc-0",
            source=FindingSource.REMOTE_MONITORING,
            category=ConcernCategory.PERSONNEL_MISCONDUCT,
        )
    )
    reg.submit(
        CaseOpened(
            subject="case-2",
            effective=date(Y, 2, 2),
            company="psc-1",
            source=FindingSource.REMOTE_MONITORING,
            category=ConcernCategory.PERSONNEL_MISCONDUCT,
        )
    )
    # 7 complaints: 1 about a member (admissible), 1 about a non-member (admissible), 5 more
    # about non-members or no identified company, closed as not admissible or pending.
    reg.submit(ComplaintReceived(subject="cp-1", effective=date(Y, 4, 1), company="psc-0", statement="s1"))
    reg.submit(ComplaintReceived(subject="cp-2", effective=date(Y, 4, 2), company_name="Outside Guards"))
    reg.submit(ComplaintClassified(subject="cp-1", effective=date(Y, 4, 3), kind="alleged_harm"))
    reg.submit(ComplaintClassified(subject="cp-2", effective=date(Y, 4, 3), kind="credible_evidence"))
    for i in range(3, 8):
        name = "Unknown Security" if i % 2 else None
        reg.submit(ComplaintReceived(subject=f"cp-{i}", effective=date(Y, 5, i), company_name=name))
    for i in range(3, 6):
        reg.submit(ComplaintClosed(subject=f"cp-{i}", effective=date(Y, 6, i), reason="out of scope"))
    return reg


def test_the_monitoring_report_has_icocas_tables_and_counts() -> None:
    report = monitoring_report(_registry_for_2021(), Y)
    assert [t.name for t in report.tables] == [
        "members_by_status",
        "other_members_by_status",
        "self_assessments",
        "cases_by_source_and_category",
        "complaints",
        "terminations_by_ground",
    ]
    status = report.counts("members_by_status")
    assert status[("member",)] == 2 and status[("suspended",)] == 1
    assert status[("terminated",)] == 4 and status[("withdrawn",)] == 1
    assert report.counts("self_assessments") == {("sent",): 5, ("received",): 3}
    cases = report.counts("cases_by_source_and_category")
    assert cases[("remote_monitoring", "personnel_misconduct")] == 2 and sum(cases.values()) == 2
    complaints = report.counts("complaints")
    assert sum(complaints.values()) == 7  # received
    assert complaints[("admissible", "member")] + complaints[("admissible", "non_member")] == 2  # alleging a violation
    assert sum(n for (_, about), n in complaints.items() if about == "member") == 1  # against a member
    assert complaints[("not_admissible", "non_member")] == 2 and complaints[("not_admissible", "unidentified")] == 1
    assert complaints[("pending", "non_member")] == 1 and complaints[("pending", "unidentified")] == 1
    grounds = report.counts("terminations_by_ground")
    assert grounds == {
        ("certification_deadline",): 0,
        ("self_assessment_not_submitted",): 2,
        ("not_cooperating_in_good_faith",): 1,
        ("non_payment_of_dues",): 0,
        ("other",): 1,
    }
    # Counts only: nothing from a statement, a reason or a company name.
    text = report.text() + json.dumps(report.data())
    for word in ("secret words", "Outside Guards", "Unknown Security", "s1"):
        assert word not in text


def test_another_year_counts_nothing_of_2021() -> None:
    report = monitoring_report(_registry_for_2021(), Y + 1)
    assert sum(report.counts("terminations_by_ground").values()) == 0
    assert sum(report.counts("complaints").values()) == 0
    assert report.counts("members_by_status")[("terminated",)] == 4  # statuses persist
    with pytest.raises(InvalidInput):
        report.table("nothing")
    with pytest.raises(InvalidInput):
        monitoring_report(_registry_for_2021(), 0)


def test_report_command_prints_the_tables(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    reg = _registry_for_2021()
    path = tmp_path / "h.json"  # type: ignore[operator]
    path.write_text(icoc.io.dumps(reg.history_document(), audience=Audience.FULL))
    assert main(["report", "monitoring", str(path), "--year", str(Y), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["ground"]: r["terminations"] for r in data["tables"]["terminations_by_ground"]}
    assert rows["self_assessment_not_submitted"] == 2
    assert main(["report", "monitoring", str(path), "--year", str(Y)]) == 0
    assert "Terminations in 2021, by ground" in capsys.readouterr().out


@pytest.mark.parametrize("year", ["0", "-5", "99999", "1899", "3000"])
def test_report_command_refuses_a_year_outside_the_supported_dates_in_one_line(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], year: str
) -> None:
    path = tmp_path / "h.json"  # type: ignore[operator]
    path.write_text(icoc.io.dumps(_registry_for_2021().history_document(), audience=Audience.FULL))
    assert main(["report", "monitoring", str(path), "--year", year]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--year" in err and "internal error" not in err


# --- grounds ----------------------------------------------------------------------------------------


def test_default_termination_proposals_carry_their_ground() -> None:
    expected = {
        "ART11.CERT_DEADLINE_2016": Ground.CERTIFICATION_DEADLINE,
        "ART3.TRANSITIONAL_DEADLINE": Ground.CERTIFICATION_DEADLINE,
        "ART3.CERT_DEADLINE": Ground.CERTIFICATION_DEADLINE,
        "ART11.RECERTIFICATION": Ground.CERTIFICATION_DEADLINE,
        "ART12.CSA_MISSED.TERMINATION": Ground.SELF_ASSESSMENT_NOT_SUBMITTED,
        "ART12.SUSPENSION_UNREMEDIED": Ground.NOT_COOPERATING_IN_GOOD_FAITH,
    }
    for rule in DEFAULT_RULES.rules:
        if rule.then.event.TYPE == "termination_proposed":
            assert rule.then.payload["ground"] is expected[rule.id], rule.id


def test_a_ground_is_public_and_its_reason_is_not() -> None:
    event = Terminated(subject="acme", effective=D, reason="secret words", ground="non_payment_of_dues")
    assert event.ground is Ground.NON_PAYMENT_OF_DUES
    public = icoc.io.unstructure(event)
    assert public["ground"] == "non_payment_of_dues" and public["reason"] == "[redacted: company]"
    with pytest.raises(InvalidInput, match="non_payment_of_dues"):
        Terminated(subject="acme", effective=D, reason="x", ground="unpaid")


# --- complaints as received ---------------------------------------------------------------------------


def test_a_complaint_about_no_member_is_kept_but_never_cited_by_a_members_case() -> None:
    reg = Registry(rules=None)
    reg.submit_all(admit("acme", D))
    reg.submit(
        ComplaintReceived(
            subject="cp-1",
            effective=date(Y, 2, 1),
            company_name="Some Guards Ltd",
            complainant=Complainant(name="A. Person"),
            statement="they held us at the gate",
        )
    )
    assert reg.state_of("cp-1") == "received"
    case = CaseOpened(
        subject="case-1",
        effective=date(Y, 3, 1),
        company="acme",
        source=FindingSource.COMPLAINT,
        category=ConcernCategory.OTHER,
        complaint="cp-1",
    )
    with pytest.raises(IllegalTransition, match="concerns no company on record yet; link it to 'acme'"):
        reg.submit(case)
    # Once identified, a case about that company may cite it; no second identification.
    reg.submit(ComplaintCompanyIdentified(subject="cp-1", effective=date(Y, 2, 15), company="acme"))
    reg.submit(case)
    with pytest.raises(IllegalTransition, match="already concerns"):
        reg.submit(ComplaintCompanyIdentified(subject="cp-1", effective=date(Y, 3, 2), company="acme"))
    # The statement is confidential, the company's name secretariat-level; both hidden in repr.
    received = next(e for e in reg.history if isinstance(e, ComplaintReceived))
    public = icoc.io.unstructure(received)
    assert public["statement"] == "[redacted: confidential]" and public["company_name"] == "[redacted: secretariat]"
    assert "held us" not in repr(received) and "Some Guards" not in repr(received)
    assert icoc.io.unstructure(received, audience=Audience.SECRETARIAT)["company_name"] == "Some Guards Ltd"


def test_a_complaint_naming_a_company_not_on_record_is_refused_by_id_but_kept_by_name() -> None:
    reg = Registry(rules=None)
    with pytest.raises(IllegalTransition, match="not a company on record"):
        reg.submit(ComplaintReceived(subject="cp-1", effective=D, company="ghost"))
    reg.submit(ComplaintReceived(subject="cp-1", effective=D))  # no company identified at all
    assert reg.state_of("cp-1") == "received"


def test_a_registry_document_keeps_complaints_about_no_company_on_record() -> None:
    """Complaints as received in a registry document too: about a company that is not on record
    (its name, secretariat-level) or about no identified company. They load, count in the
    report, keep the name from the public, and cannot be linked to a compliance case."""
    from icoc.model import Complaint, ComplaintKind, RegistryDocument

    received = date(Y, 3, 1)
    named = Complaint(
        id="cp-1", received=received, kind=ComplaintKind.ALLEGED_HARM, company_name="Some Guards Ltd", statement="S"
    )
    unnamed = Complaint(id="cp-2", received=received, kind=ComplaintKind.ALLEGED_HARM)
    doc = RegistryDocument(as_of=date(Y, 12, 31), complaints=(named, unnamed))
    assert named.company is None and "Some Guards" not in repr(named)
    loaded = icoc.io.loads(icoc.io.dumps(doc, audience=Audience.FULL), RegistryDocument)
    assert loaded == doc
    public = icoc.io.dumps(doc)
    assert "Some Guards" not in public and "Some Guards" in icoc.io.dumps(doc, audience=Audience.SECRETARIAT)
    reg = Registry.from_document(doc)
    report = monitoring_report(reg, Y)
    assert report.counts("complaints")[("pending", "non_member")] == 1
    assert report.counts("complaints")[("pending", "unidentified")] == 1
    with pytest.raises(InvalidInput, match="compliance_case"):
        Complaint(id="cp-3", received=received, kind=ComplaintKind.ALLEGED_HARM, compliance_case="case-1")


# --- governance by the calendar ----------------------------------------------------------------------


def _seat(reg: Registry, seat: str, pillar: str, director: str, start: date, end: date) -> None:
    reg.submit_all(
        [
            NominationsOpened(subject=seat, effective=start),
            DirectorElected(subject=seat, effective=start, director=director, name=director.upper()),
            DirectorTookOffice(subject=seat, effective=start, term_end=end),
        ]
    )


def test_a_term_ends_by_rule_on_its_end_date() -> None:
    # term_end is the first day out of office, as Director.in_office counts it.
    reg = Registry()
    reg.submit(SeatCreated(subject="seat-1", effective=date(2023, 1, 2), pillar="psc"))
    _seat(reg, "seat-1", "psc", "d-1", date(2023, 7, 1), date(2026, 7, 1))
    reg.advance_to(date(2026, 6, 30))
    assert reg.state_of("seat-1") == "in_office"
    reg.advance_to(date(2026, 7, 1))
    assert reg.state_of("seat-1") == "term_ended"
    (ended,) = (e for e in reg.history if e.TYPE == "term_ended")
    assert ended.cause.rule == "BOARD.TERM_END" and "Board of Directors" in (ended.cause.citation or "")


def test_an_outgoing_cso_director_may_not_be_reelected_from_2023() -> None:
    reg = Registry()
    reg.submit(SeatCreated(subject="seat-cso", effective=date(2019, 1, 2), pillar="cso"))
    _seat(reg, "seat-cso", "cso", "d-1", date(2020, 7, 1), date(2023, 6, 30))
    reg.advance_to(date(2023, 7, 1))
    reg.submit(NominationsOpened(subject="seat-cso", effective=date(2023, 7, 2)))
    with pytest.raises(IllegalTransition, match="outgoing director") as info:
        reg.submit(DirectorElected(subject="seat-cso", effective=date(2023, 8, 1), director="d-1", name="D"))
    assert "board.reelection.cso" in str(info.value)
    reg.submit(DirectorElected(subject="seat-cso", effective=date(2023, 8, 1), director="d-2", name="E"))


def test_an_outgoing_director_is_refused_in_another_seat_after_their_own_seat_is_refilled() -> None:
    """The refusal must not depend on the order of the pillar's elections: once the outgoing
    director's seat has elected someone else, the outgoing director is still outgoing in the
    same call for the pillar's other seat."""
    reg = Registry()
    for seat in ("s-1", "s-2"):
        reg.submit(SeatCreated(subject=seat, effective=date(2019, 1, 2), pillar="cso"))
    _seat(reg, "s-1", "cso", "d-1", date(2020, 7, 1), date(2023, 6, 30))
    _seat(reg, "s-2", "cso", "d-2", date(2020, 7, 1), date(2023, 6, 30))
    reg.advance_to(date(2023, 7, 1))
    assert reg.state_of("s-1") == reg.state_of("s-2") == "term_ended"
    for seat in ("s-1", "s-2"):
        reg.submit(NominationsOpened(subject=seat, effective=date(2023, 7, 2)))
    reg.submit(DirectorElected(subject="s-1", effective=date(2023, 8, 1), director="d-3", name="F"))
    with pytest.raises(IllegalTransition, match="outgoing director"):
        reg.submit(DirectorElected(subject="s-2", effective=date(2023, 8, 1), director="d-1", name="D"))


def test_a_history_saved_before_term_ended_named_its_director_still_loads_with_the_rules() -> None:
    """A rule-derived ``TermEnded`` saved without ``outgoing`` (written before the field existed)
    is the same consequence the rules derive now: it is absorbed, not refused."""
    reg = Registry()
    reg.submit(SeatCreated(subject="s-1", effective=date(2020, 1, 1), pillar="cso"))
    _seat(reg, "s-1", "cso", "d-1", date(2020, 1, 2), date(2022, 12, 31))
    reg.advance_to(date(2023, 6, 1))
    data = json.loads(icoc.io.dumps(reg.history_document(), audience=Audience.FULL))
    (ended,) = (e for e in data["events"] if e["type"] == "term_ended")
    assert ended.pop("outgoing") == "d-1"
    again = Registry.from_history(icoc.io.structure(data, History))
    assert [e for e in again.history if isinstance(e, TermEnded)] == [
        e for e in reg.history if isinstance(e, TermEnded)
    ]


def test_reelection_is_a_dated_parameter_per_pillar() -> None:
    assert DEFAULT_PARAMETERS.value("board.reelection.cso", date(2022, 12, 31)) is True
    assert DEFAULT_PARAMETERS.value("board.reelection.cso", date(2023, 1, 1)) is False
    assert DEFAULT_PARAMETERS.value("board.reelection.psc", date(2023, 1, 1)) is True
    reg = Registry()
    reg.submit(SeatCreated(subject="seat-psc", effective=date(2019, 1, 2), pillar="psc"))
    _seat(reg, "seat-psc", "psc", "d-1", date(2020, 7, 1), date(2023, 6, 30))
    reg.advance_to(date(2023, 7, 1))
    reg.submit(NominationsOpened(subject="seat-psc", effective=date(2023, 7, 2)))
    reg.submit(DirectorElected(subject="seat-psc", effective=date(2023, 8, 1), director="d-1", name="D"))
    assert reg.state_of("seat-psc") == "elected"


# --- the two leaks of the issue, as scenarios ---------------------------------------------------------


def test_a_decision_does_not_copy_the_suspension_reason() -> None:
    reg = Registry(rules=None)
    reg.submit_all(admit("acme", D))
    reg.submit(Suspended(subject="acme", effective=date(Y, 2, 1), reason="unpaid invoices to the Secretariat"))
    decision = check(reg, "acme", as_of=date(Y, 3, 1))
    for audience in (Audience.PUBLIC, Audience.company("other"), Audience.SECRETARIAT):
        assert "unpaid invoices" not in icoc.io.dumps(decision, audience=audience)
    assert "unpaid invoices" not in decision.text()
    assert "withheld" in decision.text()


def test_a_custom_rule_reading_reason_keeps_its_level_in_the_cause_facts() -> None:
    rule = Rule(
        id="CUSTOM.READS_REASON",
        title="Suspensions with a reason are proposed for termination",
        citation=Citation(document="house rules", article="1"),
        process="company-status",
        due=DayAfter(After(FactDate("suspended_on"), Param("suspension.period"))),
        when=(F("state") == "suspended") & F("reason").exists(),
        then=Emit(event=Terminated, payload={"reason": "Board decision", "ground": Ground.OTHER}),
    )
    reg = Registry(rules=RuleSet((*DEFAULT_RULES.rules, rule)))
    reg.submit_all(admit("acme", D))
    reg.submit(Suspended(subject="acme", effective=date(Y, 2, 1), reason="unpaid invoices"))
    reg.advance_to(date(Y + 1, 1, 1))
    (derived,) = (e for e in reg.history if e.cause.rule == rule.id)
    (fact,) = (f for f in derived.cause.facts if f.name == "reason")
    assert fact == Fact(name="reason", value="unpaid invoices", level=Sensitivity.SECRETARIAT)
    assert "unpaid invoices" not in repr(derived)
    for audience in (Audience.PUBLIC, Audience.company("other")):
        assert "unpaid invoices" not in icoc.io.dumps(reg.history_document(), audience=audience)
    for audience in (Audience.PUBLIC, Audience.company("acme")):  # the fact is secretariat-level
        assert "unpaid invoices" not in icoc.io.dumps(reg.explain("acme"), audience=audience)
        assert "unpaid invoices" not in reg.explain("acme").text(audience)
    assert "reason = [redacted: secretariat]" in reg.explain("acme").text()
    assert "unpaid invoices" in reg.explain("acme").text(Audience.SECRETARIAT)
    full = icoc.io.dumps(reg.history_document(), audience=Audience.FULL)
    again = icoc.io.loads(full, type(reg.history_document()))
    assert again == reg.history_document()  # the fact's level survives a faithful copy


# --- a year counted only in part says so --------------------------------------------------------------


def test_a_year_the_registry_has_not_finished_is_counted_to_its_clock_and_says_so() -> None:
    reg = Registry()
    reg.submit_all(admit("acme", D))
    reg.advance_to(date(Y, 6, 30))
    report = monitoring_report(reg, Y)
    assert report.as_of == date(Y, 6, 30) and not report.complete
    assert "counted up to 2021-06-30, not the whole year" in report.text()
    assert report.table("members_by_status").title.endswith("on 2021-06-30")
    assert report.data()["as_of"] == "2021-06-30" and report.data()["complete"] is False
    earlier = monitoring_report(reg, Y, as_of=date(Y, 3, 31))
    assert earlier.as_of == date(Y, 3, 31)
    reg.advance_to(date(Y, 12, 31))
    assert monitoring_report(reg, Y).complete
    with pytest.raises(InvalidInput, match="before 2022 starts"):
        monitoring_report(reg, Y + 1, as_of=D)
    with pytest.raises(InvalidInput, match=r"clock 2021-12-31 is before 2022 starts"):
        monitoring_report(reg, Y + 1)


def test_report_command_does_not_run_the_rules_past_a_documents_date(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from icoc.sample import load_sample

    doc = load_sample()
    path = tmp_path / "doc.json"  # type: ignore[operator]
    path.write_text(icoc.io.dumps(doc, audience=Audience.FULL))
    year = doc.as_of.year
    assert main(["report", "monitoring", str(path), "--year", str(year), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == doc.as_of.isoformat() and data["complete"] is False
    assert main(["report", "monitoring", str(path), "--year", str(year), "--as-of", f"{year}-12-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ICoCA monitoring summary {year}\n") and f"on {year}-12-31" in out
    assert main(["report", "monitoring", str(path), "--year", str(year), "--as-of", f"{year - 1}-12-31"]) == 2
    assert capsys.readouterr().err.startswith("icoc: error: --as-of:")
    assert main(["report", "monitoring", str(path), "--year", str(year + 2)]) == 2
    assert "give --as-of" in capsys.readouterr().err


def test_self_assessments_sent_and_received_are_not_added_up() -> None:
    # 'sent' and 'received' count different things: no total row in text, CSV or JSON totals.
    report = monitoring_report(_registry_for_2021(), Y)
    csa = report.table("self_assessments")
    assert not csa.summable and report.table("complaints").summable
    assert "total" not in csa.text() and "total" in report.table("complaints").text()
    assert "self_assessments" not in report.data()["totals"] and "complaints" in report.data()["totals"]
    rows = [r for r in report.csv_rows() if r[3] == "self_assessments"]
    assert [r[4] for r in rows] == ["sent", "received"]
