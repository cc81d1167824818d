"""The engine commands: diagram, rules, explain, check — exit codes, formats, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

import icoc
from icoc.cli import main
from icoc.model.events import Admission, Suspended
from icoc.workflows import PROCESSES
from test_rules import Batch, admit, csa


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def history(tmp_path: Path) -> Path:
    batch = Batch()
    admit(batch, "good-co", date(2023, 5, 10))  # type: ignore[arg-type]
    csa(batch, "good-co", 2025, True)  # type: ignore[arg-type]
    admit(batch, "bad-co", date(2022, 1, 5), Admission.AFFILIATE)  # type: ignore[arg-type]
    csa(batch, "bad-co", 2025, True)  # type: ignore[arg-type]
    batch.submit(Suspended(subject="bad-co", effective=date(2026, 1, 10), reason="bad faith"))
    reg = batch.registry()
    path = tmp_path / "history.json"
    icoc.io.dump(reg.history_document(), path, audience=icoc.io.Audience.FULL)
    return path


def test_diagram_lists_and_prints_every_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diagram", "--list")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == list(PROCESSES)
    for name, table in PROCESSES.items():
        code, out, _ = run(capsys, "diagram", name)
        assert code == 0 and out.startswith("stateDiagram-v2\n")
        for state in table.states:
            assert state in out
    code, _, err = run(capsys, "diagram", "nope")
    assert code == 2 and err.count("\n") == 1 and "unknown process 'nope'" in err


def test_rules_lists_every_rule_and_round_trips_as_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from icoc.rules import DEFAULT_RULES, load_rules

    code, out, _ = run(capsys, "rules")
    assert code == 0
    for rule in DEFAULT_RULES:
        assert rule.id in out
    code, out, _ = run(capsys, "rules", "--format", "json")
    path = tmp_path / "rules.json"
    path.write_text(out)
    assert load_rules(path) == DEFAULT_RULES
    code, out, _ = run(capsys, "rules", "--parameters")
    assert code == 0 and "certification.count_joining_year" in out and "parameter" in out


def test_check_exit_codes_and_formats(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(capsys, "check", str(history), "--member", "good-co", "--as-of", "2026-03-01")
    assert code == 0 and "good-co" in out and "eligible" in out
    code, out, _ = run(capsys, "check", str(history), "--as-of", "2026-03-01")
    assert code == 1 and "NOT ELIGIBLE" in out and "suspended on 2026-01-10" in out
    code, out, _ = run(capsys, "check", str(history), "--as-of", "2026-03-01", "--format", "json")
    data = json.loads(out)
    assert code == 1 and {d["member"]: d["eligible"] for d in data} == {"bad-co": False, "good-co": True}
    # One row per requirement: the long layout (``csv`` was this layout before issue 13).
    code, out, _ = run(capsys, "check", str(history), "--as-of", "2026-03-01", "--format", "csv-long")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["requirement"] for r in rows} >= {"active", "not-suspended", "self-assessment"}
    assert any(r["member"] == "bad-co" and r["result"] == "failed" for r in rows)
    # One row per company, below a header block saying how to reproduce the decision.
    code, out, _ = run(capsys, "check", str(history), "--as-of", "2026-03-01", "--format", "csv")
    lines = out.splitlines()
    meta = [line for line in lines if line.startswith("# ")]
    assert "# policy: icoca-good-standing" in meta and "# as of: 2026-03-01" in meta
    assert any(line.startswith("# parameter self_assessment.due: ") for line in meta)
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[len(meta) :]))))
    assert code == 1 and {r["id"]: r["verdict"] for r in rows} == {"bad-co": "not eligible", "good-co": "eligible"}
    bad = next(r for r in rows if r["id"] == "bad-co")
    assert "not-suspended" in bad["failed"] and "suspended on 2026-01-10" in bad["reasons"]


def test_check_with_a_policy_file(capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path) -> None:
    pol = tmp_path / "p.json"
    pol.write_text(
        json.dumps({"id": "loose", "title": "t", "extends": "icoca-good-standing", "remove": ["not-suspended"]})
    )
    code, _, _ = run(capsys, "check", str(history), "--policy", str(pol), "--as-of", "2026-03-01")
    assert code == 0


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["check", "{h}", "--member", "nobody"], "nobody"),
        (["check", "{h}", "--policy", "nope"], "unknown policy"),
        (["check", "{h}", "--as-of", "2026-13-01"], "expected a date"),
        (["check", "/no/such/file.json"], "No such file"),
        (["explain", "{h}", "nobody"], "nobody"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], history: Path, argv: list[str], needle: str
) -> None:
    code, _out, err = run(capsys, *[a.replace("{h}", str(history)) for a in argv])
    assert code == 2 and needle in err and "Traceback" not in err
    assert err.startswith("icoc: error: ") and err.count("\n") == 1  # usage errors too: one line


def test_explain_prints_the_rule_with_its_citation(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(capsys, "explain", str(history), "good-co", "--as-of", "2027-02-01")
    assert code == 0
    assert "affiliate" in out.splitlines()[0]
    assert "ART3.CERT_DEADLINE.AFFILIATE" in out and "Member vs Affiliate" in out
    code, out, _ = run(capsys, "explain", str(history), "good-co", "--as-of", "2027-02-01", "--format", "json")
    assert json.loads(out)["state"] == "affiliate"


def test_demo_shows_eligibility_under_every_built_in_policy(capsys: pytest.CaptureFixture[str]) -> None:
    from icoc.eligibility import BUILTIN_POLICIES

    code = main(["demo"])
    out = capsys.readouterr().out
    assert code == 0 and "Procurement eligibility on 2026-06-30" in out
    section = out.split("Procurement eligibility", 1)[1].split("Simulation", 1)[0]
    assert "icoca-good-standing" in section and "maritime" in section
    assert len([p for p in BUILTIN_POLICIES if p[:20] in section]) == len(BUILTIN_POLICIES)


def test_check_member_that_is_not_a_company_is_a_user_mistake(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # --member naming a government or a complaint is exit 2 naming --member, not a NOT ELIGIBLE verdict
    from icoc.sample import sample_text

    doc = tmp_path / "s.json"
    doc.write_text(sample_text(), encoding="utf-8")
    code, out, err = run(capsys, "check", str(doc), "--member", "gov-ch")
    assert code == 2 and out == ""
    assert err == "icoc: error: --member: 'gov-ch' is not a private security company (check decides for companies)\n"
    code, _, err = run(capsys, "check", str(doc), "--member", "nobody")
    assert code == 2 and err == f"icoc: error: --member: no company with id 'nobody' in {doc}\n"


def test_parameters_as_json_are_typed_and_read_back_by_a_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # `rules --parameters --format json` writes values a scenario's `parameters:` accepts as they
    # stand: true/false and integers as JSON, not the strings "True" and "3".
    from icoc.rules import DEFAULT_PARAMETERS
    from icoc.simulation import load_scenario

    code, out, _ = run(capsys, "rules", "--parameters", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {type(v) for r in rows for v in r["values"].values()} == {bool, int, str}
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"parameters": {r["name"]: r["values"] for r in rows}}), encoding="utf-8")
    params = load_scenario(scenario).parameters
    for p in DEFAULT_PARAMETERS:
        for step in p.history:
            assert params.value(p.name, step.effective_from) == step.value, p.name


def test_check_until_not_after_the_decision_date_names_the_option(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    code, out, err = run(capsys, "check", str(history), "--as-of", "2026-03-01", "--until", "2026-03-01")
    assert code == 2 and out == ""
    assert err == "icoc: error: --until: 2026-03-01 is not after the decision date 2026-03-01\n"


def test_explain_help_says_the_audience_applies_to_its_text_too(capsys: pytest.CaptureFixture[str]) -> None:
    # explain redacts its text as well as its JSON; check only its JSON
    assert main(["explain", "--help"]) == 0
    assert "who the text or JSON is for" in " ".join(capsys.readouterr().out.split())
    assert main(["check", "--help"]) == 0
    assert "who the JSON is for" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{f}"],
        ["explain", "{f}", "north-shield"],
        ["report", "monitoring", "{f}", "--year", "2025"],
        ["demo", "--file", "{f}"],
    ],
)
def test_a_bidder_list_given_where_a_registry_is_read_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    # was "t.csv:$: not valid JSON: Expecting value at line 1 column 1"
    bidders = tmp_path / "bidders.csv"
    assert main(["template", "--out", str(bidders)]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, *[a.replace("{f}", str(bidders)) for a in argv])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"icoc: error: {bidders}: a bidder list (CSV, XLSX) is read by `icoc check`")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_output_file_that_cannot_be_written_is_named_as_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    """The error names the user's --out path, not the hidden temporary file written beside it."""
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    out = tmp_path / "missing-dir" / f"bidders.{fmt}"
    code, _, err = run(capsys, "template", "--out", str(out))
    assert code == 2
    assert err == f"icoc: error: {out}: cannot write file: No such file or directory\n"
    assert ".tmp" not in err
