"""The input contract, case by case: what the hostile-input report found, each refused with
InvalidInput naming the file and path (the fuzz suite covers the space around these)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import icoc.io
from icoc.cli import EXIT_ERROR, EXIT_INTERNAL, main
from icoc.errors import InvalidInput, preview
from icoc.model import FIRST_DATE, LAST_DATE, Company, CompanyStatus, RegistryDocument
from icoc.model.events import Event, History
from icoc.sample import sample_text


def refused(build: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        build()
    return info.value


def company(**changes: Any) -> dict[str, Any]:
    data = {
        "id": "acme",
        "name": "Acme",
        "country": "GB",
        "joined": "2020-01-01",
        "status": "member",
        "status_since": "2020-01-01",
    }
    return {**data, **changes}


def doc(*companies: dict[str, Any], as_of: str = "2026-06-30") -> str:
    return json.dumps({"as_of": as_of, "companies": list(companies)})


# --- parsing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"as_of": "2026-06-30", "as_of": "2027-01-01"}', "duplicate key 'as_of'"),
        ('{"as_of": "2026-06-30", "format_version": ' + "5" * 5000 + "}", "5000 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 100 levels"),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "nested more than 100 levels"),
        ('{"as_of": "2026-06-30", "format_version": NaN}', "NaN is not a number JSON allows"),
        ('{"as_of": "2026-06-30", "format_version": 1e400}', "too large"),
        ('{"as_of": "\\ud800"}', "lone surrogate"),
    ],
)
def test_json_that_could_hurt_is_refused(text: str, message: str) -> None:
    assert message in str(refused(lambda: icoc.io.loads(text, RegistryDocument)))


def billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
    return text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (billion_laughs(), "aliases used too often"),
        ("a: &a [*a]\n", "a cycle"),
        ("a: &a {b: *a}\n", "a cycle"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: !!python/object/apply:os.system [ls]\n", "not valid YAML"),
        ("a: !!binary aGVsbG8=\n", "kind bytes"),
        ("a: 2020-01-01 10:00:00\n", "date and time"),
        ("a: 0001-01-01\n", "outside the supported dates"),
        ("1: x\n", "not text"),
        ("a: .inf\n", "not a finite number"),
        ("a: " + "9" * 5000 + "\n", "not valid YAML"),
        ("a: " + "9" * 4000 + "\n", "too large"),
    ],
)
def test_yaml_that_could_hurt_is_refused(tmp_path: Path, text: str, message: str) -> None:
    assert len(billion_laughs()) < 400
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    error = refused(lambda: icoc.io.read_data(path))
    assert message in str(error)
    assert all(p.path.startswith(f"{path}:") for p in error.problems)


def test_yaml_merge_keys_and_modest_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n", encoding="utf-8")
    assert icoc.io.read_data(path) == {
        "base": {"x": 1, "y": 2},
        "other": {"x": 1, "y": 3},
        "list": [{"x": 1, "y": 2}, {"x": 1, "y": 2}],
    }


def test_messages_show_bounded_previews() -> None:
    huge = list(range(1_000_000))
    assert len(preview(huge)) <= 60
    nested: Any = "lol"
    for _ in range(30):
        nested = [nested] * 9  # 9**30 leaves if printed whole
    assert len(preview(nested)) <= 60
    error = refused(lambda: icoc.io.structure({"as_of": huge}, RegistryDocument))
    assert len(str(error)) < 300


# --- values -------------------------------------------------------------------------------------------


def test_ids_and_country_codes_are_matched_whole() -> None:
    assert "not a valid id" in str(refused(lambda: icoc.io.loads(doc(company(id="acme\n")), RegistryDocument)))
    assert "alpha-2" in str(refused(lambda: icoc.io.loads(doc(company(country="GB\n")), RegistryDocument)))
    # the trailing newline no longer slips past the duplicate-id check either
    error = refused(lambda: icoc.io.loads(doc(company(), company(id="acme\n")), RegistryDocument))
    assert error.problems[0].path == "$.companies[1].id"


@pytest.mark.parametrize("when", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_dates_outside_the_supported_range_are_refused(when: str) -> None:
    error = refused(lambda: icoc.io.loads(doc(company(joined=when, status_since=when)), RegistryDocument))
    assert "outside the supported dates 1900-01-01..2999-12-31" in str(error)
    assert error.problems[0].path.startswith("$.companies[0].")


def test_the_range_edges_are_accepted() -> None:
    assert (FIRST_DATE, LAST_DATE) == (date(1900, 1, 1), date(2999, 12, 31))
    first = icoc.io.loads(
        doc(company(joined="1900-01-01", status_since="1900-01-01"), as_of="2999-12-31"), RegistryDocument
    )
    assert first.companies[0].joined == FIRST_DATE and first.as_of == LAST_DATE


@pytest.mark.parametrize(
    "build",
    [
        lambda: icoc.io.loads(None, RegistryDocument),  # type: ignore[arg-type]
        lambda: icoc.io.loads(b"\xff\xfe\x00", RegistryDocument),
        lambda: icoc.io.loads("{}", 5),  # type: ignore[arg-type]
        lambda: icoc.io.loads("{}", None),  # type: ignore[arg-type]
        lambda: icoc.io.structure({1: 2}, RegistryDocument),
        lambda: icoc.io.structure(None, Event),
        lambda: icoc.io.structure({"type": ["x"]}, Event),
        lambda: icoc.io.structure([], History),
        lambda: icoc.io.load(None, RegistryDocument),  # type: ignore[arg-type]
        lambda: icoc.io.load("a\x00b.json", RegistryDocument),
        lambda: icoc.io.read_data(123),  # type: ignore[arg-type]
        lambda: icoc.io.parse_yaml(None),  # type: ignore[arg-type]
    ],
)
def test_the_python_api_refuses_with_invalid_input(build: Any) -> None:
    refused(build)


# --- dump ---------------------------------------------------------------------------------------------


def test_dump_refuses_text_it_cannot_write_and_leaves_nothing_behind(tmp_path: Path) -> None:
    bad = Company(
        id="acme",
        name="Acme \ud800",
        country="GB",
        joined=date(2020, 1, 1),
        status=CompanyStatus.MEMBER,
        status_since=date(2020, 1, 1),
    )
    for name in ("out.json", "out.yaml"):
        refused(lambda name=name: icoc.io.dump(bad, tmp_path / name))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_dump_removes_its_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        icoc.io.dump(icoc.io.loads(doc(company()), RegistryDocument), tmp_path / "out.json")
    assert list(tmp_path.iterdir()) == []


# --- rule files ---------------------------------------------------------------------------------------


def rule_data() -> list[dict[str, Any]]:
    from icoc.rules import DEFAULT_RULES, rule_to_data

    return [rule_to_data(r) for r in DEFAULT_RULES]


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda d: d[0].pop("id"), "$.rules[0].id", "required field missing"),
        (lambda d: d[0]["then"]["payload"].update(colour="red"), "$.rules[0].then.payload.colour", "not a field"),
        (
            lambda d: d[0]["due"].update(day_after={"param": "suspension.period"}),
            "$.rules[0].due.day_after.param",
            "not a date",
        ),
        (lambda d: d[3].update(exception_of=["ART3.CERT_DEADLINE"]), "$.rules[3].exception_of", "expected the id"),
        (lambda d: d[0].update(params=[1]), "$.rules[0].params", "parameter names"),
    ],
)
def test_rule_files_with_mistakes_are_refused(tmp_path: Path, edit: Any, path: str, message: str) -> None:
    from icoc.rules import load_rules

    rules = copy.deepcopy(rule_data())
    assert rules[3].get("exception_of")
    edit(rules)
    file = tmp_path / "rules.json"
    file.write_text(json.dumps({"base": "none", "rules": rules}), encoding="utf-8")
    error = refused(lambda: load_rules(file))
    assert any(p.path == f"{file}:{path}" and message in p.message for p in error.problems), error.problems
    assert main(["rules", "--rules", str(file)]) == EXIT_ERROR


# --- the command line ---------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31"])
def test_as_of_outside_the_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    path = tmp_path / "registry.json"
    path.write_text(sample_text(), encoding="utf-8")
    assert main(["check", str(path), "--as-of", when]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "outside the supported dates" in err and "Traceback" not in err
    assert err.startswith("icoc: error: check: argument --as-of: ") and err.count("\n") == 1


def test_a_document_joined_in_9998_is_refused_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(sample_text())
    data["companies"][0]["joined"] = "9998-01-01"
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for argv in (["validate", str(path)], ["check", str(path)]):
        assert main(argv) == EXIT_ERROR
        err = capsys.readouterr().err
        assert f"{path}:$.companies[0].joined" in err and "Traceback" not in err


def test_an_unexpected_failure_is_one_line_and_not_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import icoc.cli

    def broken(_: object) -> int:
        raise ZeroDivisionError("a bug")

    parser = icoc.cli.build_parser()
    monkeypatch.setattr(icoc.cli, "build_parser", lambda command=None: parser)
    parser.set_defaults(handler=broken)
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sub in action.choices.values():  # type: ignore[union-attr]
            sub.set_defaults(handler=broken)
    assert main(["schema"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("icoc: error: internal error (ZeroDivisionError: a bug)")


def test_simulate_refuses_a_hundred_million_companies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--companies", "100000000"]) == EXIT_ERROR
    assert "over the limit of 100,000" in capsys.readouterr().err
