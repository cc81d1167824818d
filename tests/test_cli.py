"""The ``icoc`` command line, run in-process through ``main`` and once as the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import icoc.io
from icoc.cli import main
from icoc.model import Pillar, RegistryDocument
from icoc.sample import load_sample, sample_text


def _broken_sample(tmp_path: Path) -> Path:
    data = json.loads(sample_text())
    data["companies"][0]["joined"] = "2026-02-30"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_sample_prints_a_document_that_loads_back_equal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--audience", "full"]) == 0
    out = capsys.readouterr().out
    assert icoc.io.loads(out, RegistryDocument) == load_sample()


def test_schema_is_json_with_defs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"Company", "Complaint", "ExternalCertificate"} <= set(schema["$defs"])
    assert "companies" in schema["properties"]


def test_demo_mentions_every_pillar_and_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for pillar in Pillar:
        assert pillar.value in out
    for word in ("certified_member", "transitional_member", "affiliate", "ISO-28007", "ISO-9001", "alleged harm"):
        assert word in out
    assert "suspension_proceedings" in out
    assert "CAP-0002" in out  # the overdue plan


def test_demo_on_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "registry.json"
    path.write_text(sample_text(), encoding="utf-8")
    assert main(["demo", "--file", str(path)]) == 0
    assert str(path) in capsys.readouterr().out


def test_validate_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "registry.json"
    path.write_text(sample_text(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"OK {path}: registry document as of 2026-06-30")
    assert captured.out.count("\n") == 1
    assert captured.err == ""


def test_validate_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml  # a dev dependency

    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(json.loads(sample_text()), sort_keys=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith("OK ")


def test_validate_broken_file_is_one_line_naming_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken_sample(tmp_path)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("icoc: error: ")
    assert "$.companies[0].joined" in captured.err
    assert str(path) in captured.err
    assert "Traceback" not in captured.err


def test_validate_reports_cross_reference_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(sample_text())
    data["certificates"][0]["company"] = "no-such-company"
    data["complaints"][0]["company"] = "nobody"
    path = tmp_path / "dangling.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 3  # one line per problem: the two dangling ids and the certification built on one
    assert all(line.startswith(f"icoc: error: {path}:$.") for line in lines)
    assert "no-such-company" in lines[0] and "nobody" in lines[2]


@pytest.mark.parametrize("content", ["{not json", "[]", ""])
def test_validate_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    path = tmp_path / "garbage.json"
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: ") and err.count("\n") == 1


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: ") and str(missing) in err and err.count("\n") == 1


def test_validate_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(sample_text()))
    assert main(["validate", "-"]) == 0
    assert capsys.readouterr().out.startswith("OK <stdin>:")


@pytest.mark.parametrize("argv", [[], ["no-such-command"], ["validate"], ["schema", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: ") and err.count("\n") == 1 and "--help' for usage" in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "sample", "schema", "validate"):
        assert command in out
    assert main(["--version"]) == 0
    assert "icoc 0.1.0" in capsys.readouterr().out


def _icoc_script() -> str:
    beside = Path(sys.executable).parent / "icoc"
    found = str(beside) if beside.exists() else shutil.which("icoc")
    assert found is not None, "the icoc console script is not installed (pip install -e '.[dev]')"
    return found


def test_installed_script(tmp_path: Path) -> None:
    script = _icoc_script()
    ok = subprocess.run([script, "demo"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "Members per pillar and status" in ok.stdout
    broken = _broken_sample(tmp_path)
    bad = subprocess.run([script, "validate", str(broken)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "$.companies[0].joined" in bad.stderr
    assert "Traceback" not in bad.stderr


HEAVY = ("hypothesis", "durable", "pandas", "cattrs", "rich", "icoc.io", "icoc.model", "yaml")


@pytest.mark.parametrize("module", ["icoc", "icoc.cli"])
def test_import_stays_light(module: str) -> None:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = json.loads(run.stdout)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY or m.startswith(HEAVY))
    assert heavy == [], f"import {module} loaded {heavy}"


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["schema"], ["icoc.cli._schema", "icoc.cli._shared"]),
        (["diagram", "--list"], ["icoc.cli._diagram", "icoc.cli._shared"]),
        (["--version"], None),  # not a command: every command's module, as for --help
    ],
)
def test_a_command_imports_only_its_own_module(argv: list[str], modules: list[str] | None) -> None:
    code = (
        "import json, sys, contextlib, io\nfrom icoc.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): status = main({argv!r})\n"
        "print(json.dumps([status, sorted(m for m in sys.modules if m.startswith('icoc.cli.'))]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    status, loaded = json.loads(run.stdout)
    assert status == 0
    if modules is not None:
        assert loaded == modules
    else:
        from icoc.cli import _COMMANDS

        assert {f"icoc.cli._{c}" for c in _COMMANDS} <= set(loaded)


def test_docs_cli_lists_every_option_of_every_command() -> None:
    # docs/cli.md is the reference: each command's row names every long option its parser takes.
    import argparse

    from icoc.cli import build_parser

    text = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = {}
    for name, parser in sub.choices.items():
        row = " ".join(line for line in text.splitlines() if line.startswith(f"| `icoc {name}"))
        assert row, f"no row for icoc {name} in docs/cli.md"
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
        if absent := sorted(o for o in options if o not in row):
            missing[name] = absent
    assert missing == {}


def test_sample_for_an_unknown_company_audience_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in the company audience would print a public-looking copy: it is refused instead."""
    assert main(["sample", "--audience", "company:nobody-ltd"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: --audience: no member 'nobody-ltd'") and err.count("\n") == 1
    from icoc.sample import load_sample

    company = load_sample().companies[0].id
    assert main(["sample", "--audience", f"company:{company}"]) == 0
    assert f'"id": "{company}"' in capsys.readouterr().out
