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
from datetime import date, timedelta
from pathlib import Path

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
    Suspended,
    Terminated,
    TerminationProposed,
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
        action = draw(st.sampled_from(("none", "suspend", "propose", "terminate")))
        if action == "suspend":
            events.append(Suspended(subject=c, effective=day, reason=marks.new(Sensitivity.COMPANY, c)))
        elif action == "propose":
            events.append(TerminationProposed(subject=c, effective=day, reason=marks.new(Sensitivity.SECRETARIAT, c)))
        elif action == "terminate":
            ground = draw(st.sampled_from(list(Ground)))
            events.append(Terminated(subject=c, effective=day, reason=marks.new(Sensitivity.COMPANY, c), ground=ground))
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
    report = monitoring_report(reg, START.year)
    out["report"] = report.text() + json.dumps(report.data())
    return out


def _audience_free(reg: Registry) -> dict[str, str]:
    """Outputs that know no audience: they must hide everything above public."""
    out = {"repr history": repr(reg.history_document()), "str history": str(reg.history_document())}
    out.update({f"repr {e.TYPE} {i}": repr(e) + str(e) for i, e in enumerate(reg.history)})
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
