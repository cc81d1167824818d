"""No confidential word in any output: every value derived from an event keeps its source's level.

The property test fills every field above public with a unique marker string, runs every output
(exports, explanations as JSON and text, eligibility decisions, the monitoring report, the CLI's
tables, JSON and CSV, ``repr``/``str``, error messages) for every audience, and asserts that no
marker reaches an audience below its level (issue #16).
"""

from __future__ import annotations

import contextlib
import io as _io
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc.io
from icoc.cli import main
from icoc.eligibility import check
from icoc.errors import InvalidInput
from icoc.io import Audience
from icoc.model.complaints import Complainant
from icoc.model.events import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    Event,
    Ground,
    History,
    Suspended,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.sensitivity import Sensitivity
from icoc.registry import Registry
from icoc.report import monitoring_report
from icoc.rules import DEFAULT_RULES
from icoc.rules._conditions import F
from icoc.rules._due import After, DayAfter, FactDate, Param
from icoc.rules._files import rule_to_data
from icoc.rules._rule import Citation, Emit, Rule, RuleSet
from icoc.testing import admit

START = date(2021, 1, 4)
END = date(2022, 12, 31)
COMPANIES = ("acme", "bravo", "charlie")

# A custom rule whose condition reads the suspension's (company-level) reason: the derived
# event's cause facts carry it, and must carry its level with it.
READS_REASON = Rule(
    id="TEST.READS_REASON",
    title="A suspension with a stated reason leads to a termination proposal",
    citation=Citation(document="test", article="reads reason"),
    process="company-status",
    due=DayAfter(After(FactDate("suspended_on"), Param("suspension.period"))),
    when=(F("state") == "suspended") & F("reason").exists(),
    then=Emit(event=TerminationProposed, payload={"reason": "proposal", "ground": Ground.OTHER}),
)
RULES = RuleSet((*DEFAULT_RULES.rules, READS_REASON))


class Markers:
    """Unique marker strings, each with the level and the member it concerns."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[Sensitivity, str | None]] = {}

    def new(self, level: Sensitivity, owner: str | None = None) -> str:
        text = f"MRK{len(self.found)}Q"
        self.found[text] = (level, owner)
        return text

    def leaks(self, out: str, audience: Audience | None) -> list[str]:
        """Markers in ``out`` that ``audience`` (``None``: anyone) may not see."""
        return [
            m
            for m, (level, owner) in self.found.items()
            if m in out and (level > Sensitivity.PUBLIC if audience is None else not audience.sees(level, owner))
        ]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Event], Markers]:
    marks = Markers()
    events: list[Event] = []
    for c in COMPANIES:
        events += admit(c, START)
    day = START + timedelta(days=10)
    for c in COMPANIES:
        action = draw(st.sampled_from(("none", "suspend", "propose", "terminate", "withdraw")))
        if action == "suspend":
            events.append(Suspended(subject=c, effective=day, reason=marks.new(Sensitivity.COMPANY, c)))
        elif action == "propose":
            events.append(TerminationProposed(subject=c, effective=day, reason=marks.new(Sensitivity.SECRETARIAT, c)))
        elif action == "terminate":
            ground = draw(st.sampled_from(list(Ground)))
            events.append(Terminated(subject=c, effective=day, reason=marks.new(Sensitivity.COMPANY, c), ground=ground))
        elif action == "withdraw":
            events.append(Withdrew(subject=c, effective=day, reason=marks.new(Sensitivity.COMPANY, c)))
        day += timedelta(days=1)
    for i in range(draw(st.integers(0, 3))):
        cid = f"cp{i}"
        company = draw(st.sampled_from((*COMPANIES, None)))
        name = draw(st.booleans())
        events.append(
            ComplaintReceived(
                subject=cid,
                effective=day,
                company=company,
                company_name=marks.new(Sensitivity.SECRETARIAT) if company is None and name else None,
                complainant=Complainant(
                    name=marks.new(Sensitivity.CONFIDENTIAL), contact=marks.new(Sensitivity.CONFIDENTIAL)
                ),
                statement=marks.new(Sensitivity.CONFIDENTIAL),
            )
        )
        fate = draw(st.sampled_from(("open", "classified", "closed", "identified")))
        if fate == "classified":
            events.append(ComplaintClassified(subject=cid, effective=day, kind="alleged_harm"))
        elif fate == "closed":
            events.append(ComplaintClosed(subject=cid, effective=day, reason=marks.new(Sensitivity.SECRETARIAT)))
        elif fate == "identified" and company is None:
            events.append(ComplaintCompanyIdentified(subject=cid, effective=day, company="acme"))
        day += timedelta(days=1)
    return events, marks


def _audiences() -> list[Audience]:
    return [Audience.PUBLIC, Audience.MEMBERS, *(Audience.company(c) for c in COMPANIES), Audience.SECRETARIAT]


def _cli(argv: list[str]) -> str:
    out, err = _io.StringIO(), _io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(argv)
    return out.getvalue() + err.getvalue()


def _outputs(reg: Registry, audience: Audience) -> dict[str, str]:
    out: dict[str, str] = {"history": icoc.io.dumps(reg.history_document(), audience=audience)}
    for s in reg.snapshot().subjects():
        ex = reg.explain(s)
        out[f"explain {s} json"] = icoc.io.dumps(ex, audience=audience)
        out[f"explain {s} text"] = ex.text(audience)
    for c in COMPANIES:
        for on in (START + timedelta(days=40), END):  # during the suspension, and after the proposal
            d = check(reg, c, as_of=on)
            out[f"check {c} {on} json"] = icoc.io.dumps(d, audience=audience)
            out[f"check {c} {on} text"] = d.text()
    for s in reg.subjects():
        for (process, key), inst in reg.states_of(s).items():
            out[f"instance {process} {key}"] = icoc.io.dumps(inst, audience=audience)
    report = monitoring_report(reg, START.year)
    out["report"] = report.text() + json.dumps(report.data())
    return out


def _audience_free(reg: Registry) -> dict[str, str]:
    """Outputs that know no audience: they must hide everything above public."""
    out = {"repr history": repr(reg.history_document()), "str history": str(reg.history_document())}
    out.update({f"repr {e.TYPE} {i}": repr(e) + str(e) for i, e in enumerate(reg.history)})
    out.update({f"repr instance {p} {k}": repr(i) for s in reg.subjects() for (p, k), i in reg.states_of(s).items()})
    return out


def _errors(marks: Markers) -> dict[str, str]:
    """Error messages about a bad value in a field above public must not echo it."""
    out: dict[str, str] = {}
    for m, (level, _) in marks.found.items():
        if level is not Sensitivity.CONFIDENTIAL:
            continue
        for bad in (
            {
                "type": "complaint_received",
                "subject": "x",
                "effective": "2021-01-01",
                "complainant": {"representative": m},
            },
            {"type": "complaint_received", "subject": "x", "effective": "2021-01-01", "statement": [m]},
        ):
            with pytest.raises(InvalidInput) as info:
                icoc.io.structure(bad, Event)
            out[f"error {m}"] = str(info.value)
        break
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario=scenarios(), audience=st.sampled_from(_audiences()))
def test_no_marker_reaches_an_audience_below_its_level(
    scenario: tuple[list[Event], Markers], audience: Audience
) -> None:
    events, marks = scenario
    reg = Registry(rules=RULES)
    reg.submit_all(events)
    reg.advance_to(END)
    leaks = {k: marks.leaks(v, audience) for k, v in _outputs(reg, audience).items()}
    leaks.update({k: marks.leaks(v, None) for k, v in {**_audience_free(reg), **_errors(marks)}.items()})
    assert not {k: v for k, v in leaks.items() if v}, f"leaked to {audience}"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario=scenarios())
def test_simulation_outputs_from_a_registry_hide_every_marker(scenario: tuple[list[Event], Markers]) -> None:
    """A run from a registry holding confidential text: its public tables, their metadata (the
    ``.meta.json`` beside a table) and its summary carry no marker above public."""
    from icoc.simulation import TABLES, Population, Scenario, run

    events, marks = scenario
    sim = Scenario.from_registry(
        events, date(2022, 1, 1), years=1, population=Population(companies=0, csos=0, governments=0)
    )
    result = run(sim, 0)
    outputs = {name: result.table(name).to_csv() for name in TABLES}
    outputs["metadata"] = json.dumps(result.metadata(), default=str)
    outputs["summary text"] = "\n".join(result.summary_text())
    leaks = {k: marks.leaks(v, None) for k, v in outputs.items()}
    assert not {k: v for k, v in leaks.items() if v}


def test_cli_outputs_hide_every_marker_below_its_level(tmp_path: Path) -> None:
    """Every command's table, JSON and CSV, at every audience, on a registry full of markers."""
    marks = Markers()
    events: list[Event] = [e for c in COMPANIES for e in admit(c, START)]
    d = START + timedelta(days=10)
    events += [
        Suspended(subject="acme", effective=d, reason=marks.new(Sensitivity.COMPANY, "acme")),
        Suspended(subject="bravo", effective=d, reason=marks.new(Sensitivity.COMPANY, "bravo")),
        ComplaintReceived(
            subject="cp0",
            effective=d,
            company="charlie",
            complainant=Complainant(name=marks.new(Sensitivity.CONFIDENTIAL)),
            statement=marks.new(Sensitivity.CONFIDENTIAL),
        ),
        ComplaintClosed(subject="cp0", effective=d, reason=marks.new(Sensitivity.SECRETARIAT)),
    ]
    reg = Registry(rules=RULES)
    reg.submit_all(events)
    reg.advance_to(END)
    history = tmp_path / "history.json"
    history.write_text(icoc.io.dumps(reg.history_document(), audience=Audience.FULL))
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"base": "default", "rules": [rule_to_data(READS_REASON)]}))
    # The derived proposal's cause facts hold the company-level reason (the C2 leak): full keeps it.
    assert any(m in history.read_text() for m in marks.found)
    h, r = str(history), str(rules)
    for audience in _audiences():
        a = str(audience)
        outs = {
            f"check {fmt}": _cli(["check", h, "--rules", r, "--as-of", "2022-12-31", "--format", fmt, "--audience", a])
            for fmt in ("table", "json", "csv", "csv-long")
        }
        for s in ("acme", "bravo", "cp0"):
            for fmt in ("text", "json"):
                outs[f"explain {s} {fmt}"] = _cli(["explain", h, s, "--rules", r, "--format", fmt, "--audience", a])
        for fmt in ("text", "json", "csv"):
            outs[f"report {fmt}"] = _cli(["report", "monitoring", h, "--rules", r, "--year", "2021", "--format", fmt])
        assert "withheld" in outs["check table"] or "redacted" in outs["check table"]
        leaks = {k: marks.leaks(v, audience) for k, v in outs.items()}
        assert not {k: v for k, v in leaks.items() if v}, f"leaked to {a}"


# --- attacks (issue #16 review): outputs the property above did not reach ----------------------------


def _marked_registry() -> tuple[Registry, Markers]:
    marks = Markers()
    events: list[Event] = [e for c in COMPANIES for e in admit(c, START)]
    d = START + timedelta(days=10)
    events += [
        Suspended(subject="acme", effective=d, reason=marks.new(Sensitivity.COMPANY, "acme")),
        TerminationProposed(subject="bravo", effective=d, reason=marks.new(Sensitivity.SECRETARIAT, "bravo")),
        Terminated(subject="charlie", effective=d, reason=marks.new(Sensitivity.COMPANY, "charlie")),
        ComplaintReceived(
            subject="cp0",
            effective=d,
            company_name=marks.new(Sensitivity.SECRETARIAT),
            complainant=Complainant(name=marks.new(Sensitivity.CONFIDENTIAL)),
            statement=marks.new(Sensitivity.CONFIDENTIAL),
        ),
        ComplaintClosed(subject="cp0", effective=d, reason=marks.new(Sensitivity.SECRETARIAT)),
    ]
    reg = Registry(rules=None)
    reg.submit_all(events)
    return reg, marks


def test_process_instances_hide_payload_text_in_repr_and_exports() -> None:
    """``Registry.states_of``/``instance``/``Snapshot.instances`` hand out instances whose data
    holds the payload values their events recorded (reasons, statements): neither their
    ``repr()`` nor an export for an audience below a value's level shows it."""
    reg, marks = _marked_registry()
    instances = [i for s in reg.subjects() for i in reg.states_of(s).values()]
    assert any(isinstance(i.data.get("statement"), str) for i in instances)  # the data is there
    for inst in instances:
        assert not marks.leaks(repr(inst) + str(inst), None), inst.process
        for audience in _audiences():
            assert not marks.leaks(icoc.io.dumps(inst, audience=audience), audience), (inst.process, str(audience))
    # The owner still sees its own company-level reason; the full export keeps everything.
    (acme,) = (i for i in instances if i.subject == "acme" and i.process == "company-status")
    assert acme.data["reason"] in icoc.io.dumps(acme, audience=Audience.SECRETARIAT)
    assert all(m in "".join(icoc.io.dumps(i, audience=Audience.FULL) for i in instances) for m in marks.found)


def test_a_rule_may_not_copy_a_fact_into_a_field_of_a_lower_level() -> None:
    """``Emit(payload={"reason": F("reason")})`` copies a recorded value into the derived event:
    the Secretariat's proposal reason into a termination's company-level reason would show the
    Secretariat's words to the company. The rule set is refused, naming the rule's payload field."""
    from icoc.errors import InvalidRuleSet
    from icoc.model.events import Terminated
    from icoc.rules import DEFAULT_PARAMETERS, validate_rules

    copy = Rule(
        id="TEST.COPIES_REASON",
        title="A suspended company with a termination proposal is terminated, for the proposal's reason",
        citation=Citation(document="test", article="copies reason"),
        process="company-status",
        due=DayAfter(After(FactDate("suspended_on"), Param("suspension.period"))),
        when=(F("state") == "suspended") & F("reason").exists(),
        then=Emit(event=Terminated, payload={"reason": F("reason"), "ground": Ground.OTHER}),
    )
    problems = validate_rules([copy], DEFAULT_PARAMETERS)
    assert [p.path for p in problems] == ["rules[0](TEST.COPIES_REASON).then.payload.reason"], problems
    assert "secretariat" in problems[0].message and "company" in problems[0].message
    with pytest.raises(InvalidRuleSet):
        Registry(rules=RuleSet((*DEFAULT_RULES.rules, copy)))
    # Copying into a field at least as protected is fine (a proposal's reason is secretariat-level).
    same = attrs.evolve(copy, then=Emit(event=TerminationProposed, payload={"reason": F("reason")}))
    assert validate_rules([same], DEFAULT_PARAMETERS) == []


def test_a_withdrawal_carries_a_ground_and_its_own_free_text_at_company_level() -> None:
    """Issue #16: termination, suspension *and withdrawal* carry a ground plus free text at its
    own sensitivity; the withdrawal's text is the company's, hidden from the public and from
    other companies, and never in ``repr``."""
    marks = Markers()
    reg = Registry()
    reg.submit_all(admit("acme", START))
    text = marks.new(Sensitivity.COMPANY, "acme")
    reg.submit(Withdrew(subject="acme", effective=START + timedelta(days=3), ground=Ground.OTHER, reason=text))
    (left,) = (e for e in reg.history if isinstance(e, Withdrew))
    assert left.reason == text and text not in repr(left)
    for audience in _audiences():
        out = icoc.io.dumps(reg.history_document(), audience=audience) + reg.explain("acme").text(audience)
        assert not marks.leaks(out, audience), str(audience)
    assert text in icoc.io.dumps(reg.history_document(), audience=Audience.company("acme"))
    assert Withdrew(subject="acme", effective=START).reason is None  # the text stays optional


@pytest.mark.parametrize(
    "bad",
    [
        # A key typed where a value belongs, inside the confidential complainant.
        {"type": "complaint_received", "subject": "x", "effective": "2021-01-01", "complainant": {"MRK0Q": "x"}},
        # A derived event's fact read from a company-level reason, in the wrong form.
        {
            "type": "terminated",
            "subject": "x",
            "effective": "2021-01-01",
            "reason": "r",
            "cause": {"rule": "R", "facts": [{"name": "reason", "value": ["MRK0Q"], "level": "company"}]},
        },
    ],
)
def test_error_messages_never_echo_what_sits_below_a_protected_field(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as info:
        icoc.io.structure(bad, Event)
    assert "MRK0Q" not in str(info.value)
    assert "redacted" in str(info.value)


def test_a_fact_saved_without_its_level_keeps_its_sources_level() -> None:
    """A history saved before facts carried levels (or written by hand) has cause facts with no
    ``level``: loaded as recorded (``rules=None``), a fact read from a company's suspension
    reason must still not reach the public in an export, an explanation or ``repr``."""
    reg, marks = Registry(rules=RULES), Markers()
    reg.submit_all(admit("acme", START))
    reg.submit(Suspended(subject="acme", effective=START + timedelta(days=1), reason=marks.new(Sensitivity.COMPANY)))
    reg.advance_to(END)
    data = json.loads(icoc.io.dumps(reg.history_document(), audience=Audience.FULL))
    for event in data["events"]:
        for fact in event.get("cause", {}).get("facts", []):
            fact.pop("level", None)  # as an older file has it
    assert any(m in json.dumps(data) for m in marks.found)  # the derived proposal's facts hold it
    old = Registry.from_history(icoc.io.structure(data, History), rules=None)
    outs = icoc.io.dumps(old.history_document(), audience=Audience.PUBLIC) + old.explain("acme").text()
    outs += repr(old.history_document())
    assert not marks.leaks(outs, Audience.PUBLIC)


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="durable-rules does not import on Python 3.13+")
def test_a_rule_backend_error_does_not_echo_a_protected_fact() -> None:
    """durable-rules cannot hold a string with a lone surrogate: the RuleError naming the fact
    must not print a company-level reason it read."""
    from icoc.errors import RuleError

    reg = Registry(rules=RULES, backend="durable")
    reg.submit_all(admit("acme", START))
    reg.submit(Suspended(subject="acme", effective=START + timedelta(days=1), reason="MRK0Q\ud800"))
    with pytest.raises(RuleError) as info:
        reg.advance_to(END)
    assert "MRK0Q" not in str(info.value) and "reason" in str(info.value)
    assert "[redacted: secretariat]" in str(info.value)
