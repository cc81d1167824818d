"""Time-correct rules (docs/rules.md, "How time works"): each obligation decided once, on its own
date, by the rules in force when its clock started; the same input events give the same derived
history however the clock is advanced, however the registry is built, on either backend."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc
import icoc.io
from icoc.errors import IcocError, IllegalTransition, InvalidInput, InvalidRuleSet, RuleError
from icoc.model import ExternalCertificate, RegistryDocument
from icoc.model.events import (
    CertificationExpired,
    DeadlineExtended,
    Event,
    SelfAssessmentMissed,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
)
from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES, Custom, Duration, F, ObligationStatus, Rule, load_rules
from icoc.sample import load_sample
from icoc.store import open_registry
from icoc.testing import admit, candidate_events, valid_histories

CASES = Path(__file__).resolve().parent / "cases"  # the shared failing inputs, kept as regression tests
DURABLE = sys.version_info < (3, 13)


def derived(reg: icoc.Registry) -> list[tuple[str, date, str, str | None, str | None]]:
    """What the rules did: type, date, subject, rule id and citation of every derived event."""
    return [(e.TYPE, e.effective, e.subject, e.cause.rule, e.cause.citation) for e in reg.history if e.cause.rule]


def certified(company: str, joined: date, granted: date, expires: date) -> list[Event]:
    """Joined on ``joined``; ICoCA-certified on ``granted`` until ``expires``."""
    from icoc.model.events import ExternalCertificateRecorded, IcocaApplicationSubmitted, IcocaCertificationGranted

    cert = ExternalCertificate(
        id=f"{company}-ext", company=company, standard="ISO-18788", body="cb", issued=granted, expires=expires
    )
    return [
        *admit(company, joined),
        ExternalCertificateRecorded(subject=company, effective=granted, certificate=cert),
        IcocaApplicationSubmitted(subject=company, effective=granted),
        IcocaCertificationGranted(subject=company, effective=granted, certification=f"{company}-i", expires=expires),
    ]


# --- obligations, scenario by scenario -------------------------------------------------------------------


def test_a_deadline_met_never_fires_after_a_later_lapse() -> None:
    reg = icoc.Registry()
    reg.submit_all(certified("lapsed", date(2021, 2, 1), date(2022, 3, 1), date(2025, 1, 1)))
    reg.advance_to(date(2025, 6, 1))
    assert [(t, d, r) for t, d, _, r, _ in derived(reg)] == [
        ("certification_expired", date(2025, 1, 1), "ART11.CERT_EXPIRY")
    ]
    deadline, recertify = [o for o in reg.obligations("lapsed") if o.process == "company-status"]
    assert (deadline.rule, deadline.status, deadline.deadline) == (
        "ART3.CERT_DEADLINE",
        ObligationStatus.MET,
        date(2024, 12, 31),
    )
    assert deadline.closed == date(2022, 3, 1) and deadline.closed_by == "icoca_certification_granted"
    # The lapse starts its own rule: six months to be certified again [P].
    assert (recertify.rule, recertify.status, recertify.opened, recertify.deadline) == (
        "ART11.RECERTIFICATION",
        ObligationStatus.OPEN,
        date(2025, 1, 1),
        date(2025, 7, 1),
    )
    (proposal,) = [e for e in reg.advance_to(date(2025, 12, 31)) if e.cause.rule]
    assert (proposal.TYPE, proposal.effective, proposal.cause.rule) == (
        "termination_proposed",
        date(2025, 7, 2),
        "ART11.RECERTIFICATION",
    )


def test_certified_on_the_deadline_day_meets_it() -> None:
    reg = icoc.Registry()
    reg.submit_all(certified("just-in-time", date(2021, 2, 1), date(2024, 12, 31), date(2027, 12, 31)))
    reg.advance_to(date(2026, 1, 1))
    assert derived(reg) == []
    (deadline,) = [o for o in reg.obligations("just-in-time") if o.process == "company-status"]
    assert deadline.status is ObligationStatus.MET and deadline.closed == date(2024, 12, 31)


def test_certified_the_day_after_the_deadline_is_too_late_and_gets_one_proposal() -> None:
    reg = icoc.Registry()
    reg.submit_all(certified("late", date(2021, 2, 1), date(2025, 1, 1), date(2027, 12, 31)))
    reg.advance_to(date(2028, 6, 1))
    rules = [(t, d, r) for t, d, _, r, _ in derived(reg)]
    assert rules[0] == ("termination_proposed", date(2025, 1, 1), "ART3.CERT_DEADLINE")
    assert [r for _, _, r in rules].count("ART3.CERT_DEADLINE") == 1


@pytest.mark.parametrize(
    ("joined", "deadline", "opened"),
    [
        (date(2017, 1, 10), date(2020, 4, 15), date(2018, 4, 15)),  # member before the 2017 regime
        (date(2019, 3, 1), date(2021, 3, 1), date(2019, 3, 1)),  # joined under it
        (date(2020, 11, 30), date(2022, 11, 30), date(2020, 11, 30)),  # due after the current regime began
    ],
)
def test_transitional_deadlines_one_consequence_each(joined: date, deadline: date, opened: date) -> None:
    reg = icoc.Registry()
    reg.submit_all(admit("co", joined))
    reg.advance_to(date(2026, 12, 31))
    assert [(t, d, r) for t, d, _, r, _ in derived(reg)] == [
        ("termination_proposed", deadline + timedelta(days=1), "ART3.TRANSITIONAL_DEADLINE")
    ]
    governing = reg.obligations("co")[-1]
    assert (governing.rule, governing.opened, governing.deadline, governing.status) == (
        "ART3.TRANSITIONAL_DEADLINE",
        opened,
        deadline,
        ObligationStatus.FIRED,
    )


def test_the_current_regime_covers_existing_members_only_when_the_parameter_says_so() -> None:
    params = DEFAULT_PARAMETERS.with_value("regimes.current.covers_existing", True)
    reg = icoc.Registry(parameters=params)
    reg.submit_all(admit("co", date(2020, 11, 30)))
    reg.advance_to(date(2026, 12, 31))
    # Taken over on 2021-01-01: 31 December of the third calendar year after joining 2020.
    assert [(d, r) for _, d, _, r, _ in derived(reg)] == [(date(2024, 1, 1), "ART3.CERT_DEADLINE")]


def test_the_2016_deadline_is_superseded_by_the_transitional_regime() -> None:
    reg = icoc.Registry()
    reg.submit_all(admit("old", date(2015, 6, 1)))
    reg.advance_to(date(2021, 1, 1))
    first, second = reg.obligations("old")
    assert (first.rule, first.status, first.closed) == (
        "ART11.CERT_DEADLINE_2016",
        ObligationStatus.SUPERSEDED,
        date(2018, 4, 15),
    )
    assert first.as_of(date(2018, 4, 14)).status is ObligationStatus.OPEN  # type: ignore[union-attr]
    assert second.rule == "ART3.TRANSITIONAL_DEADLINE" and second.deadline == date(2020, 4, 15)


def test_a_board_extension_moves_the_deadline_and_is_explained() -> None:
    reg = icoc.Registry()
    reg.submit_all(admit("slow", date(2023, 5, 10)))
    reg.submit(
        DeadlineExtended(
            subject="slow", effective=date(2026, 6, 1), rule="certification-deadline", until=date(2027, 3, 31)
        )
    )
    assert reg.advance_to(date(2027, 3, 31)) == []
    (proposal,) = reg.advance_to(date(2027, 4, 1))
    assert proposal.cause.rule == "ART3.CERT_DEADLINE"
    text = reg.explain("slow").text()
    assert "due 2027-04-01" in text and "extended by a Board decision from 2027-01-01" in text


def test_an_extension_of_nothing_open_is_refused_and_changes_nothing() -> None:
    reg = icoc.Registry()
    reg.submit_all(admit("aff", date(2023, 5, 10), admission="affiliate"))  # type: ignore[arg-type]
    before = (reg.history, reg.obligations(), reg.clock)
    with pytest.raises(IllegalTransition, match="no open obligation 'certification-deadline'"):
        reg.submit(
            DeadlineExtended(
                subject="aff", effective=date(2024, 1, 1), rule="certification-deadline", until=date(2027, 3, 31)
            )
        )
    assert (reg.history, reg.obligations(), reg.clock) == before


def test_swiss_rejoin_window_counts_months_as_the_code_of_obligations() -> None:
    from icoc.model.events import Admission, Withdrew
    from test_rules import admit as admit_psc

    reg = icoc.Registry()
    admit_psc(reg, "swissco", date(2022, 1, 10), Admission.AFFILIATE, swiss=True)
    admit_psc(reg, "otherco", date(2022, 1, 10), Admission.AFFILIATE)
    reg.submit_all([Withdrew(subject=c, effective=date(2025, 2, 1)) for c in ("swissco", "otherco")])
    assert reg.advance_to(date(2025, 8, 1)) == []  # six months from 1 February end on 1 August
    (closed,) = reg.advance_to(date(2025, 8, 2))
    assert (closed.TYPE, closed.subject) == ("swiss_rejoin_window_closed", "swissco")


# --- the clock moves with the inputs ----------------------------------------------------------------------


def test_an_input_after_a_due_date_first_lets_the_rule_fire() -> None:
    step = icoc.Registry()
    step.submit_all(admit("co", date(2023, 5, 10)))
    step.advance_to(date(2027, 1, 1))
    step.submit(Suspended(subject="co", effective=date(2027, 2, 1), reason="x"))
    once = icoc.Registry()
    once.submit_all([*admit("co", date(2023, 5, 10)), Suspended(subject="co", effective=date(2027, 2, 1), reason="x")])
    assert derived(once) == derived(step) and derived(once)[0][1] == date(2027, 1, 1)
    assert once.clock == date(2027, 2, 1)


def test_an_input_before_the_clock_is_refused_naming_the_clock_and_what_it_contradicts() -> None:
    reg = icoc.Registry()
    reg.submit_all(admit("co", date(2023, 5, 10)))
    reg.advance_to(date(2027, 6, 1))
    before = (reg.history, reg.obligations(), reg.clock, reg.snapshot())
    with pytest.raises(IllegalTransition) as info:
        reg.submit(Suspended(subject="co", effective=date(2026, 12, 1), reason="late news"))
    error = info.value
    assert error.process == "clock" and "2027-06-01" in error.reason
    assert "2027-01-01 termination_proposed for 'co' by ART3.CERT_DEADLINE" in error.reason
    assert (reg.history, reg.obligations(), reg.clock, reg.snapshot()) == before


def test_an_input_restating_what_a_rule_derived_that_day_is_absorbed() -> None:
    reg = icoc.Registry()
    reg.submit_all(
        [
            *admit("co", date(2023, 5, 10), admission="affiliate"),  # type: ignore[arg-type]
            SelfAssessmentSent(subject="co", effective=date(2024, 7, 1), cycle=2024, due=date(2024, 9, 23)),
        ]
    )
    reg.submit(SelfAssessmentMissed(subject="co", effective=date(2024, 9, 24), cycle=2024))
    assert [e.TYPE for e in reg.history].count("self_assessment_missed") == 1
    with pytest.raises(IllegalTransition):  # a day later it restates nothing: refused
        reg.submit(SelfAssessmentMissed(subject="co", effective=date(2024, 9, 25), cycle=2024))


def test_a_saved_history_derives_again_and_refuses_a_derived_event_the_rules_do_not_make() -> None:
    reg = icoc.Registry()
    reg.submit_all(certified("co", date(2021, 2, 1), date(2022, 3, 1), date(2025, 1, 1)))
    reg.advance_to(date(2026, 1, 1))
    again = icoc.Registry.from_history(reg.history_document())
    assert again.history == reg.history
    forged = CertificationExpired(
        subject="co", effective=date(2023, 1, 1), cause=reg.history[-1].cause
    )  # a rule's cause on a date no rule derived it
    history = [e for e in reg.history if e.effective < date(2023, 1, 1)] + [forged]
    with pytest.raises(InvalidInput, match="does not follow from this registry's rules"):
        icoc.Registry.from_history(history)
    assert icoc.Registry.from_history(history, rules=None).state_of("co") == "member"


# --- nothing half-applied -------------------------------------------------------------------------------


def _exploding_rule(when: date) -> Rule:
    def boom(facts: Mapping[str, object]) -> bool:
        if facts.get("state") == "submitted":
            raise RuntimeError("a rule's own bug")
        return facts.get("state") == "sent"

    base = DEFAULT_RULES["ART12.CSA_MISSED"]
    import attrs

    return attrs.evolve(base, id="X.BOOM", when=Custom("explodes", boom, ("state",)))


def test_a_rule_raising_while_a_batch_is_applied_leaves_everything_as_it_was(tmp_path: Path) -> None:
    rules = DEFAULT_RULES.with_rules(_exploding_rule(date(2024, 9, 24)))
    with open_registry(tmp_path / "events.jsonl", rules=rules) as stored:
        stored.submit_all(admit("co", date(2023, 5, 10), admission="affiliate"))  # type: ignore[arg-type]
        stored.submit(SelfAssessmentSent(subject="co", effective=date(2024, 7, 1), cycle=2024, due=date(2024, 9, 23)))
        reg = stored.registry
        before = (reg.history, reg.obligations(), reg.clock, reg.snapshot(), stored.seq, stored.store.last())
        with pytest.raises(RuleError, match=r"X\.BOOM"):
            stored.submit(SelfAssessmentSubmitted(subject="co", effective=date(2024, 10, 1), cycle=2024))
        assert (reg.history, reg.obligations(), reg.clock, reg.snapshot(), stored.seq, stored.store.last()) == before
        with pytest.raises(RuleError, match=r"X\.BOOM"):
            stored.advance_to(date(2025, 1, 1))
        assert (reg.history, reg.obligations(), reg.clock, reg.snapshot(), stored.seq, stored.store.last()) == before
    with open_registry(tmp_path / "events.jsonl", rules=rules) as reopened:
        assert reopened.registry.history == before[0]


def test_dates_the_library_cannot_compute_with_are_refused_at_input() -> None:
    reg = icoc.Registry()
    with pytest.raises(InvalidInput, match="outside the supported dates"):
        reg.submit_all(admit("far", date(9996, 1, 1)))
    assert reg.history == () and reg.obligations() == [] and reg.clock is None


# --- rule sets checked when a registry is built ------------------------------------------------------------


def test_a_rule_file_naming_an_unknown_parameter_fails_when_the_registry_is_built(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        """
rules:
  - id: X.LATE
    title: late
    citation: {document: test, article: "1"}
    process: company-status
    due: {after: {fact: since}, period: grace.typo}
    when: {fact: stat, eq: snet}
    then: {event: termination_proposed, payload: {reason: late}}
""",
        encoding="utf-8",
    )
    rules = load_rules(path)
    with pytest.raises(InvalidRuleSet) as info:
        icoc.Registry(rules=rules)
    paths = [p.path for p in info.value.problems]
    assert all("X.LATE" in p for p in paths) and len(paths) >= 2
    assert isinstance(info.value, RuleError) and isinstance(info.value, InvalidInput)


def test_a_state_typo_is_refused_at_construction() -> None:
    import attrs

    bad = attrs.evolve(DEFAULT_RULES["ART12.CSA_MISSED"], when=F("state") == "snet")
    with pytest.raises(InvalidRuleSet, match="snet"):
        icoc.Registry(rules=DEFAULT_RULES.with_rules(bad))


def test_with_value_checks_the_type() -> None:
    with pytest.raises(InvalidInput, match="Duration"):
        DEFAULT_PARAMETERS.with_value("suspension.period", 6)  # type: ignore[arg-type]
    assert DEFAULT_PARAMETERS.with_value("suspension.period", Duration(months=3)) is not None


# --- documents are snapshots of reality ------------------------------------------------------------------


def test_the_lapsed_case_imports_without_a_termination_and_checks_within_its_new_period() -> None:
    from icoc.eligibility import check

    doc = icoc.io.load(CASES / "lapsed-after-deadline.yaml", RegistryDocument)
    reg = icoc.Registry.from_document(doc)
    reg.advance_to(doc.as_of)
    assert not any(e.TYPE == "termination_proposed" for e in reg.history)
    assert reg.discrepancies == ()
    decision = check(reg, "lapsed", "icoca-good-standing", as_of=doc.as_of)
    deadline = next(o for o in decision.outcomes if o.requirement == "certification-deadline")
    assert "2024-12-31" not in deadline.reason
    assert deadline.result.value == "passed" and "2025-07-01" in deadline.reason


KEPT_MEMBER = """
as_of: 2025-06-30
companies:
  - {id: kept, name: Placeholder Co, country: GB, joined: 2021-02-01, status: member, status_since: 2021-02-01}
self_assessments:
  - {company: kept, cycle: 2024, due: 2024-09-23, sent: 2024-07-01, submitted: 2024-09-01, satisfactory: true}
"""


def test_a_document_status_the_rules_would_change_is_kept_and_reported(tmp_path: Path) -> None:
    from icoc.cli import main
    from icoc.eligibility import check

    path = tmp_path / "kept.yaml"
    path.write_text(KEPT_MEMBER, encoding="utf-8")
    doc = icoc.io.load(path, RegistryDocument)
    reg = icoc.Registry.from_document(doc)
    assert reg.state_of("kept") == "member"  # the document's status is kept, not the rule's affiliate
    (d,) = reg.discrepancies
    assert (d.subject, d.rule, d.on, d.path) == (
        "kept",
        "ART3.CERT_DEADLINE.AFFILIATE",
        date(2025, 1, 1),
        "$.companies[0].status",
    )
    assert "affiliate" in d.expected and d.recorded == "member since 2021-02-01"
    (ob,) = [o for o in reg.obligations("kept") if o.process == "company-status"]
    assert ob.status is ObligationStatus.OVERRIDDEN
    # The deadline passed with no recorded consequence: undetermined, not a silent pass or fail.
    decision = check(reg, "kept", "icoca-good-standing", as_of=doc.as_of)
    deadline = next(o for o in decision.outcomes if o.requirement == "certification-deadline")
    assert deadline.result.value == "unknown" and "2024-12-31" in deadline.reason
    # icoc validate: a warning, exit 0; --strict: an error, exit 2.
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--strict", str(path)]) == 2


def test_the_sample_statuses_are_what_the_rules_derive_from_its_history() -> None:
    doc = load_sample()
    reg = icoc.Registry.from_document(doc)
    assert reg.discrepancies == ()
    reg.advance_to(doc.as_of)
    for c in doc.companies:
        assert reg.state_of(c.id) == c.status.value, c.id


def test_a_document_gives_the_same_answers_as_its_events_submitted_one_by_one_advancing_daily() -> None:
    from icoc.eligibility import check_all
    from icoc.importing import events_from_document

    doc = load_sample()
    imported = icoc.Registry.from_document(doc)
    imported.advance_to(doc.as_of)
    daily = icoc.Registry(standards=doc.standards, certification_bodies=doc.certification_bodies)
    events = events_from_document(doc)
    day = events[0].effective
    for event in events:
        while day < event.effective:
            daily.advance_to(day)
            day += timedelta(days=1)
        daily.submit(event)
    daily.advance_to(doc.as_of)
    assert derived(daily) == derived(imported)
    a = [d.text() for d in check_all(imported, "icoca-good-standing", as_of=doc.as_of)]
    b = [d.text() for d in check_all(daily, "icoca-good-standing", as_of=doc.as_of)]
    assert a == b
    for c in doc.companies[:10]:
        assert imported.explain(c.id).text() == daily.explain(c.id).text()


# --- path independence: the property -----------------------------------------------------------------------

END_DAYS = st.integers(0, 3000)


def _accepted(events: list[Event], backend: str) -> list[Event]:
    reg = icoc.Registry(backend=backend)
    kept = []
    try:
        for e in events:
            try:
                reg.submit(e)
            except IcocError:
                continue
            kept.append(e)
    finally:
        reg.close()
    return kept


def _paths(events: list[Event], end: date, schedule: list[int], backend: str) -> list[list[tuple[object, ...]]]:
    out = []
    with icoc.Registry(backend=backend) as once:
        once.submit_all(events)
        once.advance_to(end)
        out.append(derived(once))
        with icoc.Registry.from_history(once.history_document(), backend=backend) as reloaded:
            reloaded.advance_to(end)
            out.append(derived(reloaded))
    with icoc.Registry(backend=backend) as stepped:
        gaps = iter(schedule)
        for e in events:
            clock = stepped.clock or e.effective
            target = clock + timedelta(days=next(gaps, 0))
            if target <= e.effective:
                stepped.advance_to(target)  # advance to a random date before the next input
            stepped.submit(e)
        stepped.advance_to(end)
        out.append(derived(stepped))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    events=st.one_of(candidate_events(max_size=25), valid_histories(max_steps=30)),
    extra=END_DAYS,
    schedule=st.lists(st.integers(0, 400), max_size=40),
)
def test_the_derived_history_does_not_depend_on_how_the_clock_is_advanced(
    events: list[Event], extra: int, schedule: list[int]
) -> None:
    kept = _accepted(events, "native")
    end = max(e.effective for e in events) + timedelta(days=extra)
    first, *others = _paths(kept, end, schedule, "native")
    for other in others:
        assert other == first


@pytest.mark.skipif(not DURABLE, reason="durable-rules does not import on Python 3.13+")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events=st.one_of(candidate_events(max_size=20), valid_histories(max_steps=25)), extra=END_DAYS)
def test_both_backends_derive_the_same_history(events: list[Event], extra: int) -> None:
    kept = _accepted(events, "native")
    end = max(e.effective for e in events) + timedelta(days=extra)
    histories = []
    for backend in ("native", "durable"):
        with icoc.Registry(backend=backend) as reg:
            reg.submit_all(kept)
            reg.advance_to(end)
            histories.append(derived(reg))
    assert histories[0] == histories[1]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=icoc.testing.registries())
def test_a_document_import_equals_its_events_one_by_one(doc: RegistryDocument) -> None:
    from icoc.importing import events_from_document

    try:
        imported = icoc.Registry.from_document(doc)
    except InvalidInput:
        return  # a document the workflows cannot reach: refused whole, tested elsewhere
    if imported.discrepancies:
        return  # the document overrides a rule: the one-by-one path would derive otherwise
    one = icoc.Registry(standards=doc.standards, certification_bodies=doc.certification_bodies)
    for event in events_from_document(doc):
        one.submit(event)
    assert derived(one) == derived(imported)
    assert {s: one.state_of(s) for s in one.subjects()} == {s: imported.state_of(s) for s in imported.subjects()}


def test_a_certified_member_whose_certification_expired_before_the_document_date_is_refused() -> None:
    from icoc.cli import main

    path = CASES / "expired-but-certified.yaml"
    with pytest.raises(InvalidInput) as info:
        icoc.io.load(path, RegistryDocument)
    assert [p.path for p in info.value.problems] == [f"{path}:$.companies[0].status"]
    assert "in force on 2025-06-30" in info.value.problems[0].message
    assert main(["validate", str(path)]) == 2
    assert main(["validate", str(CASES / "lapsed-after-deadline.yaml")]) == 0
