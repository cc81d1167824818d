"""Rule sets checked when a registry is built: states, facts, parameters, emitted events (#11)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icoc.errors import InvalidInput, Problem
from icoc.model.events import (
    Event,
    MovedToAffiliate,
    SelfAssessmentMissed,
    SuspensionProceedingsOpened,
    TerminationProposed,
)
from icoc.rules import (
    DEFAULT_PARAMETERS,
    DEFAULT_RULES,
    After,
    And,
    Cmp,
    Condition,
    Custom,
    DayAfter,
    Duration,
    Emit,
    EndOfCalendarYear,
    Exists,
    F,
    FactDate,
    In,
    Mark,
    Not,
    Or,
    Param,
    ParamDate,
    Parameter,
    ParameterSet,
    Period,
    RuleSet,
)
from icoc.rules._validate import check_rules, known_facts, validate_rules
from icoc.workflows import PROCESSES

CSA_MISSED = "ART12.CSA_MISSED"
CERT_DEADLINE = "ART3.CERT_DEADLINE"


def _index(rule_id: str) -> int:
    return DEFAULT_RULES.ids.index(rule_id)


def _changed(rule_id: str, **changes: Any) -> RuleSet:
    """The default rules with one rule changed in place (its index kept)."""
    return DEFAULT_RULES.with_rules(attrs.evolve(DEFAULT_RULES[rule_id], **changes))


def _problems(rules: RuleSet) -> list[Problem]:
    return validate_rules(rules, DEFAULT_PARAMETERS)


def _one(rules: RuleSet, rule_id: str, path: str) -> Problem:
    problems = _problems(rules)
    assert len(problems) == 1, problems
    (p,) = problems
    assert p.path == f"rules[{_index(rule_id)}]({rule_id}){path}"
    assert rule_id in p.message
    return p


# --- the shipped rules -----------------------------------------------------------------------


def test_default_rules_are_clean() -> None:
    assert validate_rules(DEFAULT_RULES, DEFAULT_PARAMETERS) == []
    check_rules(DEFAULT_RULES, DEFAULT_PARAMETERS)


def test_known_facts_derive_from_the_tables() -> None:
    facts = known_facts("self-assessment")
    # instance-level facts, payload fields of the events driving the process, <type>_on, company context
    for name in ("subject", "state", "since", "previous", "standing", "cycle", "due", "self_assessment_missed_on"):
        assert name in facts
    assert "company.status" in facts and "csa.latest" in facts
    assert facts["due"] is date and facts["cycle"] is int
    # an external certificate's parts, never the certificate itself
    cert = known_facts("certification")
    assert {"certificate.id", "certificate.standard", "certificate.expires"} <= set(cert)
    assert "certificate" not in cert
    # a board seat is no company's: no company context
    assert "company.status" not in known_facts("board-seat")


def test_standing_and_previous_are_instance_facts() -> None:
    rules = _changed(
        "ART12.SUSPENSION_UNREMEDIED",
        when=(F("standing") == "member") & (F("previous") != "certified_member") & F("previous").exists(),
    )
    assert _problems(rules) == []


# --- states ------------------------------------------------------------------------------------


def test_state_typo_names_the_known_states() -> None:
    p = _one(_changed(CSA_MISSED, when=F("state") == "snet"), CSA_MISSED, ".when.value")
    assert "'snet'" in p.message
    assert "sent, submitted, satisfactory, unsatisfactory, missed" in p.message
    assert "did you mean 'sent'" in p.message


def test_state_typo_inside_an_in_and_an_and() -> None:
    when = F("state").in_("member", "transitonal_member") & (F("since") > date(2020, 1, 1))
    rules = _changed(CERT_DEADLINE, when=when)
    p = _one(rules, CERT_DEADLINE, ".when.parts[0].values[1]")
    assert "transitional_member" in p.message


def test_standing_literals_are_states_of_the_watched_process() -> None:
    _one(_changed(CSA_MISSED, when=F("standing") == "member"), CSA_MISSED, ".when.value")
    _one(_changed(CERT_DEADLINE, when=F("previous") != "sent"), CERT_DEADLINE, ".when.value")


@pytest.mark.parametrize(
    ("fact", "good", "process"),
    [
        ("company.status", "suspended", "company-status"),
        ("certification.state", "icoca_certified", "certification"),
        ("csa.latest", "satisfactory", "self-assessment"),
    ],
)
def test_company_context_state_literals(fact: str, good: str, process: str) -> None:
    assert _problems(_changed(CSA_MISSED, when=F(fact) == good)) == []
    p = _one(_changed(CSA_MISSED, when=Not(F(fact) == "bogus")), CSA_MISSED, ".when.part.value")
    assert f"not a state of {process}" in p.message


def test_literal_of_the_wrong_type_or_outside_an_enum() -> None:
    swiss = "CH.PSSA_REJOIN_WINDOW"
    _one(_changed(swiss, when=F("company.swiss_pssa") == "yes"), swiss, ".when.value")
    p = _one(_changed("ART12.CAP_DEADLINE", when=F("severity") == "hgih"), "ART12.CAP_DEADLINE", ".when.value")
    assert "not a value of fact severity" in p.message


# --- facts -------------------------------------------------------------------------------------


def test_fact_typo_lists_close_matches() -> None:
    p = _one(_changed(CSA_MISSED, when=F("stat") == "sent"), CSA_MISSED, ".when.name")
    assert "unknown fact 'stat'" in p.message
    assert "'state'" in p.message


def test_fact_of_another_process_is_unknown() -> None:
    # `deadline` is a compliance-case fact, not a self-assessment one
    _one(_changed(CSA_MISSED, due=DayAfter(FactDate("deadline"))), CSA_MISSED, ".due.deadline.name")


def test_due_fact_must_be_a_date() -> None:
    p = _one(_changed(CSA_MISSED, due=DayAfter(FactDate("cycle"))), CSA_MISSED, ".due.deadline.name")
    assert "not a date" in p.message


def test_custom_conditions_are_checked_through_their_uses() -> None:
    custom = Custom("odd cycle", lambda facts: bool(facts.get("cycle", 0)), uses=("cycle", "cylce"))
    _one(_changed(CSA_MISSED, when=Or((custom, Exists("due")))), CSA_MISSED, ".when.parts[0].uses[1]")


# --- parameters --------------------------------------------------------------------------------


def test_unknown_parameter_lists_close_matches() -> None:
    rules = _changed(CSA_MISSED, due=After(FactDate("due"), Param("self_assessment.grase")))
    p = _one(rules, CSA_MISSED, ".due.period.name")
    assert "self_assessment.grace" in p.message


def test_duration_where_a_date_is_expected() -> None:
    rules = _changed("ART11.CERT_DEADLINE_2016", due=DayAfter(ParamDate("certification.transitional_period")))
    p = _one(rules, "ART11.CERT_DEADLINE_2016", ".due.deadline.name")
    assert "Duration" in p.message and "date" in p.message


def test_int_where_a_duration_is_expected() -> None:
    rules = _changed(CSA_MISSED, due=After(FactDate("due"), Param("certification.calendar_years")))
    p = _one(rules, CSA_MISSED, ".due.period.name")
    assert "int" in p.message and "Duration" in p.message


def test_end_of_calendar_year_params_swapped() -> None:
    due = DayAfter(
        EndOfCalendarYear(
            FactDate("company.joined"), "certification.count_joining_year", "certification.calendar_years"
        )
    )
    problems = _problems(_changed(CERT_DEADLINE, due=due))
    prefix = f"rules[{_index(CERT_DEADLINE)}]({CERT_DEADLINE})"
    assert [p.path for p in problems] == [
        f"{prefix}.due.deadline.years_param",  # a bool is not an int
        f"{prefix}.due.deadline.count_param",
    ]


def test_period_bounds_need_date_parameters() -> None:
    rules = _changed(CERT_DEADLINE, effective=Period(start="suspension.period", end_before="regimes.curent.start"))
    prefix = f"rules[{_index(CERT_DEADLINE)}]({CERT_DEADLINE})"
    assert [p.path for p in _problems(rules)] == [f"{prefix}.effective.start", f"{prefix}.effective.end_before"]


def test_listed_params_must_exist() -> None:
    _one(_changed(CSA_MISSED, params=("self_assessment.due", "self_assessment.dew")), CSA_MISSED, ".params[1]")


def test_a_parameter_set_without_a_parameter_the_rules_read() -> None:
    params = DEFAULT_PARAMETERS.parameters
    smaller = ParameterSet({k: v for k, v in params.items() if k != "suspension.period"})
    problems = validate_rules(DEFAULT_RULES, smaller)
    assert [p.path for p in problems] == [
        f"rules[{_index('ART12.SUSPENSION_UNREMEDIED')}](ART12.SUSPENSION_UNREMEDIED).due.deadline.period.name"
    ]


# --- the emitted event ---------------------------------------------------------------------------


def test_unknown_payload_field() -> None:
    rules = _changed(CERT_DEADLINE, then=Emit(event=TerminationProposed, payload={"reasn": "late"}))
    problems = _problems(rules)
    prefix = f"rules[{_index(CERT_DEADLINE)}]({CERT_DEADLINE})"
    assert [p.path for p in problems] == [f"{prefix}.then.payload.reasn", f"{prefix}.then.payload"]
    assert "did you mean 'reason'" in problems[0].message
    assert "needs reason" in problems[1].message  # the required field is still missing


def test_bad_payload_value_types() -> None:
    rules = _changed(
        "ART3.CERT_DEADLINE.AFFILIATE", then=Emit(event=MovedToAffiliate, payload={"commitment_renewed": "yes"})
    )
    p = _one(rules, "ART3.CERT_DEADLINE.AFFILIATE", ".then.payload.commitment_renewed")
    assert "bool" in p.message
    _one(
        _changed(CSA_MISSED, then=Emit(event=SelfAssessmentMissed, payload={"cycle": True})),
        CSA_MISSED,
        ".then.payload.cycle",
    )
    _one(
        _changed(CSA_MISSED, then=Emit(event=SelfAssessmentMissed, payload={"cycle": F("due")})),
        CSA_MISSED,
        ".then.payload.cycle",
    )


def test_payload_fact_must_be_known() -> None:
    rules = _changed(CSA_MISSED, then=Emit(event=SelfAssessmentMissed, payload={"cycle": F("cylce")}))
    _one(rules, CSA_MISSED, ".then.payload.cycle")


def test_missing_required_payload_field() -> None:
    p = _one(_changed(CSA_MISSED, then=Emit(event=SelfAssessmentMissed)), CSA_MISSED, ".then.payload")
    assert "cycle" in p.message


def test_event_for_another_kind_of_subject() -> None:
    # a compliance case's subject is a case; termination proposals move companies only
    rules = _changed(
        "ART12.CAP_DEADLINE", then=Emit(event=TerminationProposed, payload={"reason": "corrective action late"})
    )
    _one(rules, "ART12.CAP_DEADLINE", ".then.event")


@attrs.frozen(kw_only=True)
class _Unregistered(Event):
    TYPE: ClassVar[str] = "unregistered"
    reason: str


def test_unknown_event_type() -> None:
    # a RuleSet refuses it outright; a plain sequence of rules reaches the validator
    rule = attrs.evolve(DEFAULT_RULES[CSA_MISSED], then=Emit(event=_Unregistered, payload={"reason": "x"}))
    rules = [*DEFAULT_RULES.rules[:4], rule]
    problems = validate_rules(rules, DEFAULT_PARAMETERS)
    assert [p.path for p in problems] == [f"rules[4]({CSA_MISSED}).then.event"]
    assert "not a known event type" in problems[0].message


# --- all at once -------------------------------------------------------------------------------


def test_every_mistake_reported_at_once_by_rule_index() -> None:
    rules = DEFAULT_RULES.with_rules(
        attrs.evolve(DEFAULT_RULES["ART12.CAP_DEADLINE"], when=F("state") == "corective_action"),
        attrs.evolve(DEFAULT_RULES[CSA_MISSED], when=(F("stat") == "sent") & (F("state") == "snet")),
        attrs.evolve(
            DEFAULT_RULES["ART11.CERT_DEADLINE_2016"],
            due=DayAfter(ParamDate("certification.transitional_period")),
            then=Emit(event=TerminationProposed, payload={"reason": 3}),
        ),
    )
    problems = _problems(rules)
    assert [p.path for p in problems] == [
        "rules[0](ART11.CERT_DEADLINE_2016).due.deadline.name",
        "rules[0](ART11.CERT_DEADLINE_2016).then.payload.reason",
        f"rules[{_index(CSA_MISSED)}](ART12.CSA_MISSED).when.parts[0].name",
        f"rules[{_index(CSA_MISSED)}](ART12.CSA_MISSED).when.parts[1].value",
        f"rules[{_index('ART12.CAP_DEADLINE')}](ART12.CAP_DEADLINE).when.value",
    ]
    with pytest.raises(InvalidInput) as caught:
        check_rules(rules, DEFAULT_PARAMETERS)
    assert caught.value.problems == tuple(problems)
    assert str(caught.value).startswith("5 problems: rules[0](ART11.CERT_DEADLINE_2016)")


# --- property: one mutated state literal, one problem --------------------------------------------


_STATE_PROCESS = {
    "company.status": "company-status",
    "certification.state": "certification",
    "csa.latest": "self-assessment",
}


def _state_literals(c: Condition, process: str, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``(path, process)`` of every state literal in ``c``; a path step is an attribute or an index."""
    if isinstance(c, (And, Or)):
        for i, part in enumerate(c.parts):
            yield from _state_literals(part, process, (*path, "parts", i))
    elif isinstance(c, Not):
        yield from _state_literals(c.part, process, (*path, "part"))
    elif isinstance(c, (Cmp, In)):
        owner = process if c.name in ("state", "standing", "previous") else _STATE_PROCESS.get(c.name)
        if owner is None:
            return
        if isinstance(c, Cmp) and c.op in ("==", "!="):
            yield (*path, "value"), owner
        elif isinstance(c, In):
            for i in range(len(c.values)):
                yield (*path, "values", i), owner


def _replace(node: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(node)
        items[step] = _replace(items[step], rest, new)
        return tuple(items)
    return attrs.evolve(node, **{step: _replace(getattr(node, step), rest, new)})


_SITES = [
    (i, path, owner) for i, rule in enumerate(DEFAULT_RULES) for path, owner in _state_literals(rule.when, rule.process)
]


def test_the_default_rules_have_state_literals_to_mutate() -> None:
    assert len(_SITES) >= 10


@given(site=st.sampled_from(_SITES), literal=st.text(max_size=20))
def test_one_mutated_state_literal_is_one_problem(site: tuple[int, tuple[Any, ...], str], literal: str) -> None:
    i, path, owner = site
    if literal in PROCESSES[owner].states:
        literal += "_"
    rule = DEFAULT_RULES.rules[i]
    rules = DEFAULT_RULES.with_rules(attrs.evolve(rule, when=_replace(rule.when, path, literal)))
    problems = _problems(rules)
    assert len(problems) == 1, problems
    shown = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)
    assert problems[0].path == f"rules[{i}]({rule.id}).when{shown}"
    assert rule.id in problems[0].message and f"not a state of {owner}" in problems[0].message


# --- ParameterSet.with_value ------------------------------------------------------------------


def test_with_value_keeps_the_type() -> None:
    params = DEFAULT_PARAMETERS.with_value("suspension.period", Duration(days=90), date(2024, 1, 1))
    assert params.value("suspension.period", date(2024, 6, 1)) == Duration(days=90)
    assert params.with_value("certification.calendar_years", 4).value("certification.calendar_years", date.today()) == 4


@pytest.mark.parametrize(
    ("name", "value", "have", "got"),
    [
        ("certification.count_joining_year", 1, "bool", "int"),
        ("certification.calendar_years", True, "int", "bool"),
        ("suspension.period", 90, "Duration", "int"),
        ("certification.calendar_years", Duration(years=3), "int", "Duration"),
        ("regimes.current.start", "2021-01-01", "date", "str"),
        ("regimes.current.start", datetime(2021, 1, 1), "date", "datetime"),
    ],
)
def test_with_value_refuses_another_type(name: str, value: Any, have: str, got: str) -> None:
    for effective_from in (date.min, date(2030, 1, 1)):
        with pytest.raises(InvalidInput) as caught:
            DEFAULT_PARAMETERS.with_value(name, value, effective_from)
        (p,) = caught.value.problems
        assert p.path == f"parameters.{name}"
        assert name in p.message and f"holds {have} values, not {got}" in p.message


def test_with_value_refuses_an_unknown_parameter() -> None:
    with pytest.raises(InvalidInput, match="unknown parameter"):
        DEFAULT_PARAMETERS.with_value("suspension.periood", Duration(days=1))


def test_validation_reads_the_parameter_set_given() -> None:
    # a what-if parameter set with an extra parameter of the right type is accepted
    extra = Parameter.of("certification.recertification_period", Duration(years=3), "d", "r", Mark.PARAMETER)
    params = ParameterSet({**DEFAULT_PARAMETERS.parameters, extra.name: extra})
    rule = attrs.evolve(
        DEFAULT_RULES["ART11.CERT_EXPIRY"],
        id="X.RECERT",
        due=After(FactDate("icoca_certification_granted_on"), Param("certification.recertification_period")),
        then=Emit(event=SuspensionProceedingsOpened, payload={"reason": "x"}),
    )
    problems = validate_rules(DEFAULT_RULES.with_rules(rule), params)
    # certification instances are companies'; suspension proceedings move compliance cases
    assert [p.path for p in problems] == [f"rules[{len(DEFAULT_RULES)}](X.RECERT).then.event"]
    fixed = attrs.evolve(rule, then=DEFAULT_RULES["ART11.CERT_EXPIRY"].then)
    assert validate_rules(DEFAULT_RULES.with_rules(fixed), params) == []
