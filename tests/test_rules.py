"""Scenario tests for every default rule (native backend), parameters and rule sets."""

from __future__ import annotations

from datetime import date

import pytest

import icoc
from icoc.errors import InvalidInput, RuleConflict, RuleError
from icoc.model import ExternalCertificate, ServiceDomain
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    CertificationRenewed,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    ReferredToBoard,
    Reinstated,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.rules import (
    DEFAULT_PARAMETERS,
    DEFAULT_RULES,
    Citation,
    Custom,
    Duration,
    Emit,
    F,
    Parameter,
    ParameterSet,
    Rule,
)


class Batch:
    """Collects events for one ``submit_all``: a registry's clock moves with its inputs, so set-ups
    written company by company are submitted as one batch, which the registry applies in date order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def submit(self, event: Event) -> None:
        self.events.append(event)

    def submit_all(self, events: list[Event]) -> None:
        self.events.extend(events)

    def registry(self, **config: object) -> icoc.Registry:
        reg = icoc.Registry(**config)  # type: ignore[arg-type]
        reg.submit_all(self.events)
        return reg


def admit(reg: icoc.Registry, cid: str, on: date, admission: Admission = Admission.MEMBER, swiss: bool = False) -> None:
    reg.submit_all(
        [
            ApplicationSubmitted(
                subject=cid,
                effective=on,
                applicant=ApplicantKind.COMPANY,
                name=cid.title(),
                country="CH" if swiss else "GB",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
                swiss_pssa=swiss,
            ),
            DueDiligenceStarted(subject=cid, effective=on),
            Admitted(subject=cid, effective=on, admission=admission),
        ]
    )


def csa(reg: icoc.Registry, cid: str, cycle: int, satisfactory: bool | None) -> None:
    sent = date(cycle, 7, 1)
    events: list[Event] = [SelfAssessmentSent(subject=cid, effective=sent, cycle=cycle, due=date(cycle, 9, 23))]
    if satisfactory is not None:
        events += [
            SelfAssessmentSubmitted(subject=cid, effective=date(cycle, 9, 1), cycle=cycle),
            SelfAssessmentRated(subject=cid, effective=date(cycle, 10, 1), cycle=cycle, satisfactory=satisfactory),
        ]
    reg.submit_all(events)


def fired(events: list[Event], rule: str) -> list[Event]:
    return [e for e in events if e.cause.rule == rule]


# --- certification deadline, current regime -------------------------------------------------


def test_member_joining_2023_has_until_end_of_2026_and_becomes_affiliate_with_satisfactory_csa() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10))
    csa(reg, "acme", 2025, satisfactory=True)
    assert reg.advance_to(date(2026, 12, 31)) == []
    assert reg.state_of("acme") == "member"
    derived = reg.advance_to(date(2027, 1, 1))
    (event,) = fired(derived, "ART3.CERT_DEADLINE.AFFILIATE")
    assert event.TYPE == "moved_to_affiliate" and event.effective == date(2027, 1, 1)
    assert reg.state_of("acme") == "affiliate"
    facts = {f.name: f.value for f in event.cause.facts}
    assert facts["company.joined"] == "2023-05-10"
    assert facts["csa.latest"] == "satisfactory"
    assert event.cause.base == "ART3.CERT_DEADLINE"
    assert "Member vs Affiliate" in (event.cause.citation or "")


def test_member_past_deadline_without_satisfactory_csa_gets_termination_proposal() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10))
    csa(reg, "acme", 2025, satisfactory=False)
    derived = reg.advance_to(date(2027, 6, 1))
    (event,) = fired(derived, "ART3.CERT_DEADLINE")
    assert isinstance(event, TerminationProposed) and event.effective == date(2027, 1, 1)
    assert reg.state_of("acme") == "member"  # a proposal changes no status
    assert reg.advance_to(date(2028, 1, 1)) == []  # and it is made once


def test_counting_the_joining_year_is_a_parameter() -> None:
    params = DEFAULT_PARAMETERS.with_value("certification.count_joining_year", True)
    reg = icoc.Registry(parameters=params)
    admit(reg, "acme", date(2023, 5, 10))
    derived = reg.advance_to(date(2026, 1, 1))
    assert [e.effective for e in fired(derived, "ART3.CERT_DEADLINE")] == [date(2026, 1, 1)]


def test_certified_member_is_not_touched_by_the_deadline() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10))
    certify(reg, "acme", date(2024, 1, 1), expires=date(2030, 1, 1))
    assert reg.state_of("acme") == "certified_member"
    assert fired(reg.advance_to(date(2027, 6, 1)), "ART3.CERT_DEADLINE") == []


def test_direct_affiliate_has_no_certification_deadline() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10), Admission.AFFILIATE)
    assert reg.advance_to(date(2030, 1, 1)) == []
    assert reg.state_of("acme") == "affiliate"


# --- earlier regimes ---------------------------------------------------------------------------


def test_transitional_member_has_two_years_from_15_april_2018() -> None:
    reg = icoc.Registry()
    admit(reg, "old", date(2016, 3, 1))
    admit(reg, "later", date(2019, 6, 1), Admission.TRANSITIONAL_MEMBER)
    derived = reg.advance_to(date(2020, 12, 31))
    (event,) = fired(derived, "ART3.TRANSITIONAL_DEADLINE")
    assert event.subject == "old" and event.effective == date(2020, 4, 16)
    # The 2016 deadline (30 September 2018) was superseded before it arrived.
    assert fired(derived, "ART11.CERT_DEADLINE_2016") == []
    # "later" joined under the transitional regime: its clock started then, so that regime
    # governs it (lex temporis) although its deadline 2021-06-01 falls after the current regime
    # started; the current rule never fires for it (one missed obligation, one consequence).
    derived = reg.advance_to(date(2023, 1, 1))
    assert [(e.subject, e.effective) for e in fired(derived, "ART3.TRANSITIONAL_DEADLINE")] == [
        ("later", date(2021, 6, 2))
    ]
    assert fired(derived, "ART3.CERT_DEADLINE") == []


def test_2016_deadline_applies_while_in_force() -> None:
    params = DEFAULT_PARAMETERS.with_value("regimes.transitional.start", date(2019, 1, 1))
    reg = icoc.Registry(parameters=params)
    admit(reg, "old", date(2016, 3, 1))
    (event,) = fired(reg.advance_to(date(2018, 12, 31)), "ART11.CERT_DEADLINE_2016")
    assert event.effective == date(2018, 10, 1)


# --- self-assessment -------------------------------------------------------------------------------


def test_missed_self_assessment_then_termination_proposal_after_grace() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10), Admission.AFFILIATE)
    csa(reg, "acme", 2024, satisfactory=None)
    assert reg.advance_to(date(2024, 9, 23)) == []
    (missed,) = reg.advance_to(date(2024, 9, 24))
    assert missed.TYPE == "self_assessment_missed" and missed.cause.rule == "ART12.CSA_MISSED"
    assert reg.instance("self-assessment", "acme#2024").state == "missed"  # type: ignore[union-attr]
    derived = reg.advance_to(date(2024, 12, 31))
    (proposal,) = fired(derived, "ART12.CSA_MISSED.TERMINATION")
    assert proposal.effective == date(2024, 10, 25) and proposal.subject == "acme"  # 30 days end 10-24 (Art. 77 CO)
    assert any(f.name == "param self_assessment.grace" and f.value == "30 days" for f in proposal.cause.facts)


def test_late_submission_within_grace_avoids_the_proposal() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10), Admission.AFFILIATE)
    csa(reg, "acme", 2024, satisfactory=None)
    reg.advance_to(date(2024, 10, 1))
    reg.submit(SelfAssessmentSubmitted(subject="acme", effective=date(2024, 10, 2), cycle=2024))
    assert fired(reg.advance_to(date(2025, 1, 1)), "ART12.CSA_MISSED.TERMINATION") == []


# --- certification lapses ----------------------------------------------------------------------------


def cert(cid: str, issued: date, expires: date, n: int = 1) -> ExternalCertificate:
    return ExternalCertificate(
        id=f"{cid}-c{n}", company=cid, standard="PSC.1-2012", body="cb", issued=issued, expires=expires
    )


def certify(reg: icoc.Registry, cid: str, on: date, expires: date) -> None:
    reg.submit_all(
        [
            ExternalCertificateRecorded(subject=cid, effective=on, certificate=cert(cid, on, expires)),
            IcocaApplicationSubmitted(subject=cid, effective=on),
            IcocaCertificationGranted(subject=cid, effective=on, certification=f"{cid}-icoca", expires=expires),
        ]
    )


def test_icoca_certification_lapses_with_the_external_certificate() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2020, 1, 10))
    certify(reg, "acme", date(2021, 3, 1), expires=date(2024, 3, 1))
    (event,) = fired(reg.advance_to(date(2024, 3, 1)), "ART11.CERT_EXPIRY")
    assert event.TYPE == "certification_expired" and event.effective == date(2024, 3, 1)
    assert reg.instance("certification", "acme").state == "expired"  # type: ignore[union-attr]
    assert reg.state_of("acme") == "member"


def test_renewal_keeps_certification_until_the_new_expiry() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2020, 1, 10))
    certify(reg, "acme", date(2021, 3, 1), expires=date(2024, 3, 1))
    reg.submit(
        CertificationRenewed(
            subject="acme", effective=date(2024, 2, 1), certificate=cert("acme", date(2024, 2, 1), date(2027, 2, 1), 2)
        )
    )
    assert fired(reg.advance_to(date(2027, 1, 31)), "ART11.CERT_EXPIRY") == []
    assert reg.state_of("acme") == "certified_member"
    assert [e.effective for e in fired(reg.advance_to(date(2027, 2, 1)), "ART11.CERT_EXPIRY")] == [date(2027, 2, 1)]


# --- corrective action and suspension -----------------------------------------------------------------


def open_case_to_corrective_action(reg: icoc.Registry, deadline: date) -> None:
    reg.submit_all(
        [
            CaseOpened(
                subject="case-1",
                effective=date(2024, 1, 5),
                company="acme",
                source=FindingSource.REMOTE_MONITORING,
                category=ConcernCategory.PERSONNEL_MISCONDUCT,
                code_paragraphs=(30, 31),
            ),
            DialogueOpened(subject="case-1", effective=date(2024, 1, 20)),
            ReferredToBoard(subject="case-1", effective=date(2024, 3, 1)),
            CorrectiveActionRecommended(subject="case-1", effective=date(2024, 4, 1), plan="cap-1", deadline=deadline),
        ]
    )


def test_corrective_action_past_deadline_opens_suspension_proceedings() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2022, 1, 10), Admission.AFFILIATE)
    open_case_to_corrective_action(reg, deadline=date(2024, 7, 1))
    assert reg.advance_to(date(2024, 7, 1)) == []
    (event,) = reg.advance_to(date(2024, 7, 2))
    assert event.cause.rule == "ART12.CAP_DEADLINE" and event.TYPE == "suspension_proceedings_opened"
    assert reg.state_of("case-1") == "suspension_proceedings"


def test_verified_corrective_action_stops_the_deadline() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2022, 1, 10), Admission.AFFILIATE)
    open_case_to_corrective_action(reg, deadline=date(2024, 7, 1))
    reg.submit(CorrectiveActionVerified(subject="case-1", effective=date(2024, 6, 15)))
    assert reg.advance_to(date(2025, 1, 1)) == []
    assert reg.state_of("case-1") == "implemented"


def test_unremedied_suspension_leads_to_termination_proposal() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2022, 1, 10), Admission.AFFILIATE)
    reg.submit(Suspended(subject="acme", effective=date(2024, 1, 31), reason="suspension proceedings concluded"))
    (event,) = fired(reg.advance_to(date(2024, 12, 31)), "ART12.SUSPENSION_UNREMEDIED")
    # 31 January + 6 months ends on 31 July (Art. 77 CO; relativedelta clips month ends, never rolls
    # over); the consequence falls on the next day
    assert event.effective == date(2024, 8, 1)


def test_reinstated_company_is_not_proposed_for_termination() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2022, 1, 10), Admission.AFFILIATE)
    reg.submit(Suspended(subject="acme", effective=date(2024, 1, 31), reason="x"))
    reg.submit(Reinstated(subject="acme", effective=date(2024, 3, 1)))
    assert fired(reg.advance_to(date(2025, 1, 1)), "ART12.SUSPENSION_UNREMEDIED") == []
    assert reg.state_of("acme") == "affiliate"


# --- Swiss PSSA ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("leave", ["terminated", "withdrew"])
def test_swiss_company_gets_six_months_to_rejoin(leave: str) -> None:
    reg = icoc.Registry()
    admit(reg, "swissco", date(2022, 1, 10), Admission.AFFILIATE, swiss=True)
    admit(reg, "otherco", date(2022, 1, 10), Admission.AFFILIATE, swiss=False)
    for cid in ("swissco", "otherco"):
        if leave == "terminated":
            reg.submit(Terminated(subject=cid, effective=date(2024, 8, 31), reason="x"))
        else:
            reg.submit(Withdrew(subject=cid, effective=date(2024, 8, 31)))
    derived = reg.advance_to(date(2025, 12, 31))
    (event,) = fired(derived, "CH.PSSA_REJOIN_WINDOW")
    # six months from 31 August end on 28 February (no 31st); the window closes the day after
    assert event.subject == "swissco" and event.effective == date(2025, 3, 1)


def test_swiss_company_that_rejoins_in_time_is_not_flagged() -> None:
    reg = icoc.Registry()
    admit(reg, "swissco", date(2022, 1, 10), Admission.AFFILIATE, swiss=True)
    reg.submit(Terminated(subject="swissco", effective=date(2024, 8, 31), reason="x"))
    reg.submit_all(
        [
            ApplicationSubmitted(
                subject="swissco",
                effective=date(2024, 10, 1),
                applicant=ApplicantKind.COMPANY,
                name="Swissco",
                country="CH",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
                swiss_pssa=True,
            ),
            DueDiligenceStarted(subject="swissco", effective=date(2024, 10, 2)),
            Admitted(subject="swissco", effective=date(2024, 11, 1), admission=Admission.AFFILIATE),
        ]
    )
    assert fired(reg.advance_to(date(2025, 12, 31)), "CH.PSSA_REJOIN_WINDOW") == []


# --- engine behaviour -----------------------------------------------------------------------------------------


def test_equal_dates_fire_in_rule_set_order_then_by_instance() -> None:
    reg = icoc.Registry()
    for cid in ("b-co", "a-co"):
        admit(reg, cid, date(2023, 5, 10))
    derived = reg.advance_to(date(2027, 1, 1))
    assert [e.subject for e in derived] == ["a-co", "b-co"]


def test_two_applicable_exceptions_raise_rule_conflict() -> None:
    other = Rule(
        id="X.ALSO",
        title="a second exception",
        citation=Citation(document="test", article="1"),
        process="company-status",
        when=F("company.joined").exists(),
        then=Emit(event=TerminationProposed, payload={"reason": "x"}),
        exception_of="ART3.CERT_DEADLINE",
    )
    reg = icoc.Registry(rules=DEFAULT_RULES.with_rules(other))
    admit(reg, "acme", date(2023, 5, 10))
    csa(reg, "acme", 2025, satisfactory=True)
    with pytest.raises(RuleConflict) as info:
        reg.advance_to(date(2027, 1, 1))
    assert set(info.value.exceptions) == {"ART3.CERT_DEADLINE.AFFILIATE", "X.ALSO"}


def test_rule_sets_add_remove_and_override() -> None:
    without = DEFAULT_RULES.without("ART3.CERT_DEADLINE")
    assert "ART3.CERT_DEADLINE" not in without.ids and "ART3.CERT_DEADLINE.AFFILIATE" not in without.ids
    reg = icoc.Registry(rules=without)
    admit(reg, "acme", date(2023, 5, 10))
    assert fired(reg.advance_to(date(2027, 6, 1)), "ART3.CERT_DEADLINE") == []
    stricter = Rule(
        id="ART12.CSA_MISSED.TERMINATION",
        title="no grace",
        citation=Citation(document="test", article="1"),
        process="self-assessment",
        due=DEFAULT_RULES["ART12.CSA_MISSED"].due,
        when=F("state") == "sent",
        then=Emit(event=TerminationProposed, payload={"reason": "missed"}),
    )
    replaced = DEFAULT_RULES.with_rules(stricter)
    assert replaced.ids == DEFAULT_RULES.ids and replaced["ART12.CSA_MISSED.TERMINATION"].title == "no grace"


def test_a_rule_set_refuses_dangling_exceptions_and_duplicates() -> None:
    bad = Rule(
        id="Y",
        title="t",
        citation=Citation(document="d", article="a"),
        process="company-status",
        then=Emit(event=TerminationProposed, payload={"reason": "x"}),
        exception_of="NOPE",
    )
    with pytest.raises(InvalidInput, match="no base rule 'NOPE'"):
        DEFAULT_RULES.with_rules(bad)
    with pytest.raises(InvalidInput, match="duplicate rule id"):
        type(DEFAULT_RULES)((*DEFAULT_RULES.rules, DEFAULT_RULES.rules[0]))


def test_a_refused_derived_event_is_a_rule_error_naming_the_rule() -> None:
    broken = Rule(
        id="BROKEN",
        title="emits an impossible move",
        citation=Citation(document="test", article="9"),
        process="company-status",
        due=DEFAULT_RULES["ART3.CERT_DEADLINE"].due,
        when=Custom("always", lambda facts: True),
        then=Emit(event=Reinstated),
    )
    reg = icoc.Registry(rules=DEFAULT_RULES.without("ART3.CERT_DEADLINE").with_rules(broken))
    admit(reg, "acme", date(2023, 5, 10))
    with pytest.raises(RuleError) as info:
        reg.advance_to(date(2027, 1, 1))
    assert info.value.rule_id == "BROKEN" and "test, 9" in str(info.value)


def test_history_with_derived_events_replays_without_firing_twice() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2023, 5, 10))
    reg.advance_to(date(2027, 6, 1))
    again = icoc.Registry.from_history(
        icoc.io.loads(icoc.io.dumps(reg.history_document(), audience=icoc.io.Audience.FULL), icoc.model.events.History)
    )
    assert again.snapshot() == reg.snapshot()
    assert again.advance_to(date(2027, 12, 31)) == []


# --- parameters -------------------------------------------------------------------------------------------------


def test_dated_parameter_uses_the_value_in_force() -> None:
    p = Parameter.of(
        "x",
        {date(2020, 1, 1): Duration(days=10), date(2024, 1, 1): Duration(days=20)},
        "d",
        "r",
        DEFAULT_PARAMETERS["suspension.period"].mark,
    )
    assert p.value_on(date(2023, 12, 31)) == Duration(days=10)
    assert p.value_on(date(2024, 1, 1)) == Duration(days=20)
    with pytest.raises(InvalidInput, match="no value in force"):
        p.value_on(date(2019, 1, 1))


def test_month_arithmetic_clips_to_month_end() -> None:
    assert Duration(months=1).after(date(2023, 1, 31)) == date(2023, 2, 28)
    assert Duration(months=1).after(date(2024, 1, 31)) == date(2024, 2, 29)
    assert Duration(years=1).after(date(2024, 2, 29)) == date(2025, 2, 28)


def test_unknown_parameter_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown parameter"):
        ParameterSet.of([]).value("nope", date(2020, 1, 1))


def test_every_default_rule_is_cited_and_every_parameter_referenced() -> None:
    for rule in DEFAULT_RULES:
        assert rule.citation.document and rule.citation.article
        for name in rule.param_names():
            assert DEFAULT_PARAMETERS[name].reference


# --- rule-set files ---------------------------------------------------------------------------------------


def test_default_rules_round_trip_through_the_file_format(tmp_path: pytest.TempPathFactory) -> None:
    import json

    from icoc.rules import load_rules, rule_to_data

    path = tmp_path / "rules.json"  # type: ignore[operator]
    path.write_text(json.dumps({"base": "none", "rules": [rule_to_data(r) for r in DEFAULT_RULES]}))
    assert load_rules(path) == DEFAULT_RULES


def test_a_yaml_rule_file_overrides_and_removes(tmp_path: pytest.TempPathFactory) -> None:
    from icoc.rules import load_rules

    path = tmp_path / "rules.yaml"  # type: ignore[operator]
    path.write_text(
        """
remove: [CH.PSSA_REJOIN_WINDOW]
rules:
  - id: ART12.SUSPENSION_UNREMEDIED
    title: A suspension not remedied within 90 days leads to a termination proposal
    citation: {document: Our contract, article: clause 7}
    process: company-status
    due: {after: {fact: suspended_on}, period: suspension.period}
    when: {fact: state, eq: suspended}
    then: {event: termination_proposed, payload: {reason: unremedied}}
"""
    )
    rules = load_rules(path)
    assert "CH.PSSA_REJOIN_WINDOW" not in rules.ids
    assert rules["ART12.SUSPENSION_UNREMEDIED"].citation.document == "Our contract"
    reg = icoc.Registry(rules=rules, parameters=DEFAULT_PARAMETERS.with_value("suspension.period", Duration(days=90)))
    admit(reg, "acme", date(2022, 1, 10), Admission.AFFILIATE)
    reg.submit(Suspended(subject="acme", effective=date(2024, 1, 1), reason="x"))
    (event,) = fired(reg.advance_to(date(2024, 12, 31)), "ART12.SUSPENSION_UNREMEDIED")
    assert event.effective == date(2024, 3, 31) and event.cause.citation == "Our contract, clause 7"


def test_a_malformed_rule_file_lists_every_problem_with_its_path(tmp_path: pytest.TempPathFactory) -> None:
    from icoc.rules import load_rules

    path = tmp_path / "bad.json"  # type: ignore[operator]
    path.write_text(
        '{"remove": ["NOPE"], "rules": [{"id": "X", "title": "t", "citation": {"document": "d"},'
        ' "process": "company-status", "then": {"event": "zzz"}, "when": {"fact": "a", "in": 3}}]}'
    )
    with pytest.raises(InvalidInput) as info:
        load_rules(path)
    paths = [p.path.split(":", 1)[1] for p in info.value.problems]
    assert paths == ["$.remove[0]", "$.rules[0].citation.article", "$.rules[0].then.event", "$.rules[0].when.in"]


def test_a_new_certificate_after_a_lapse_expires_on_its_own_date() -> None:
    reg = icoc.Registry()
    admit(reg, "acme", date(2020, 1, 10))
    certify(reg, "acme", date(2021, 3, 1), expires=date(2024, 3, 1))
    reg.advance_to(date(2024, 3, 1))
    assert reg.instance("certification", "acme").state == "expired"  # type: ignore[union-attr]
    reg.submit(
        ExternalCertificateRecorded(
            subject="acme", effective=date(2024, 6, 1), certificate=cert("acme", date(2024, 6, 1), date(2027, 6, 1), 2)
        )
    )
    assert [e.effective for e in fired(reg.advance_to(date(2027, 6, 1)), "ART11.CERT_EXPIRY")] == [date(2027, 6, 1)]
