"""Verdicts on every date, the contract period, a registry changing under a stream, and terminal
output that fits (issue 13)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

import icoc
from icoc.cli import main
from icoc.eligibility import Result, Verdict, check, check_all
from icoc.errors import RegistryChanged
from icoc.model.events import Suspended, Withdrew
from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES
from icoc.sample import sample_text
from test_rules import Batch, admit, csa


@pytest.fixture()
def reg() -> icoc.Registry:
    r = Batch()  # one batch, applied in date order (the registry's clock moves with its inputs)
    admit(r, "stays", date(2023, 5, 10))
    csa(r, "stays", 2025, True)
    admit(r, "leaves", date(2023, 6, 1))
    csa(r, "leaves", 2025, True)
    r.submit(Withdrew(subject="leaves", effective=date(2026, 2, 1)))
    admit(r, "suspended", date(2023, 5, 10))
    csa(r, "suspended", 2025, True)
    r.submit(Suspended(subject="suspended", effective=date(2026, 2, 1), reason="proceedings concluded"))
    reg = r.registry()
    reg.advance_to(date(2026, 3, 1))
    return reg


def test_before_joining_the_reason_is_not_yet_a_member(reg: icoc.Registry) -> None:
    d = check(reg, "stays", as_of=date(2023, 5, 9))
    assert d.verdict is Verdict.NOT_ELIGIBLE
    assert {o.reason for o in d.outcomes} == {"not yet a member on 2023-05-09"}
    assert check(reg, "stays", as_of=date(2023, 5, 10)).eligible  # the day it joined


def test_after_leaving_every_membership_requirement_says_so(reg: icoc.Registry) -> None:
    assert check(reg, "leaves", as_of=date(2026, 1, 31)).eligible  # the day before
    d = check(reg, "leaves", as_of=date(2026, 2, 1))  # the day of the change
    reasons = {o.requirement: o.reason for o in d.outcomes}
    assert d.verdict is Verdict.NOT_ELIGIBLE
    assert reasons["active"].startswith("withdrawn since 2026-02-01")
    for rid in ("not-suspended", "certification-deadline", "self-assessment"):
        assert reasons[rid] == "no longer a member: withdrawn on 2026-02-01, ground other"  # the public ground
    assert not any(o.result is Result.UNKNOWN for o in d.outcomes)


def test_on_the_day_of_a_suspension(reg: icoc.Registry) -> None:
    assert check(reg, "suspended", as_of=date(2026, 1, 31)).eligible
    d = check(reg, "suspended", as_of=date(2026, 2, 1))
    failed = [o.requirement for o in d.outcomes if o.result is Result.FAILED]
    assert failed == ["not-suspended"] and "suspended on 2026-02-01" in d.outcomes[1].reason


def test_check_all_refuses_a_registry_changed_while_consumed(reg: icoc.Registry) -> None:
    stream = check_all(reg, as_of=date(2026, 3, 1))
    reg.submit(Suspended(subject="stays", effective=date(2026, 3, 1), reason="late change"))
    with pytest.raises(RegistryChanged, match="changed while check_all"):
        next(iter(stream))
    # Collected at once, a stream reads one state.
    decisions = list(check_all(reg, as_of=date(2026, 3, 1)))
    assert {d.as_of for d in decisions} == {date(2026, 3, 1)}


def test_until_lists_the_consequences_inside_the_contract_period(reg: icoc.Registry) -> None:
    # Members only: at its deadline the company becomes an affiliate (its self-assessment was
    # satisfactory), which this policy does not accept.
    policy = "us-dos-protective-services"
    d = check(reg, "stays", policy, as_of=date(2026, 3, 1), until=date(2027, 6, 30))
    assert d.verdict is Verdict.ELIGIBLE and d.until == date(2027, 6, 30)
    deadline = [c for c in d.consequences if c.rule == "ART3.CERT_DEADLINE"]
    assert [(c.on, c.what, c.verdict) for c in deadline] == [
        (date(2027, 1, 1), "certification deadline 2026-12-31", Verdict.NOT_ELIGIBLE)
    ]
    assert [c.on for c in d.consequences] == sorted(c.on for c in d.consequences)
    assert "certification deadline 2026-12-31 falls inside the contract period" in d.summary()
    assert d.summary().startswith("eligible on 2026-03-01; ")
    # A shorter contract sees none of it; the registry itself was not advanced.
    short = check(reg, "stays", policy, as_of=date(2026, 3, 1), until=date(2026, 6, 30))
    assert short.consequences == () and "no scheduled change" in short.summary()
    assert reg.clock == date(2026, 3, 1)
    # Affiliates accepted: the move changes nothing, only the next self-assessment is unknown.
    loose = check(reg, "stays", as_of=date(2026, 3, 1), until=date(2027, 6, 30))
    assert [(c.rule, c.verdict) for c in loose.consequences] == [("self_assessment.due", Verdict.UNDETERMINED)]


def test_until_must_follow_the_decision_date(reg: icoc.Registry) -> None:
    with pytest.raises(icoc.errors.InvalidInput, match="until"):
        check(reg, "stays", as_of=date(2026, 3, 1), until=date(2026, 3, 1))


def test_rules_at_80_columns_show_full_ids(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    ids = set(re.findall(r"^[│|]\s+([A-Z][A-Z0-9_.]+)\s", out, re.MULTILINE))
    assert ids == {r.id for r in DEFAULT_RULES}
    # The parameter names a rule's period names are whole too.
    for r in DEFAULT_RULES:
        for bound in (r.effective.start, r.effective.end, r.effective.end_before):
            if isinstance(bound, str):
                assert bound in out, bound
    assert main(["rules", "--parameters"]) == 0
    out = capsys.readouterr().out
    names = set(re.findall(r"^[│|] ([a-z][a-z0-9_.]+)\s", out, re.MULTILINE))
    assert names == {p.name for p in DEFAULT_PARAMETERS}


def test_tables_follow_columns_when_redirected(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    main(["rules"])
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) > 160


def test_stdin_reads_yaml_and_byte_order_marks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import yaml

    text = yaml.safe_dump(json.loads(sample_text()), sort_keys=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeff" + text))
    assert main(["validate", "-"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["check", "-", "--member", "apocryphal-protective-01", "--format", "json"]) in (0, 1, 3)
    capsys.readouterr()
    path = tmp_path / "registry.json"
    path.write_text("\ufeff" + sample_text(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json: [nor yaml"))
    assert main(["validate", "-"]) == 2
    assert "<stdin>" in capsys.readouterr().err


def test_the_contract_period_is_the_same_on_a_copy_and_in_place() -> None:
    """``check_document`` runs the rules forward on its own registry; ``check_all`` on a copy
    of the caller's. Both give the same consequences, and the caller's registry is untouched."""
    from icoc.eligibility import check_document
    from icoc.sample import load_sample

    doc = load_sample()
    until = date(2029, 6, 30)
    own = check_document(doc, "us-dos-protective-services", until=until)
    reg = icoc.Registry.from_document(doc)
    reg.advance_to(doc.as_of)
    before = len(reg)
    ids = [c.id for c in doc.companies]
    copy = list(check_all(reg, "us-dos-protective-services", as_of=doc.as_of, members=ids, until=until))
    assert [(d.member, d.verdict, d.consequences) for d in own] == [(d.member, d.verdict, d.consequences) for d in copy]
    assert any(d.consequences for d in own) and len(reg) == before and reg.clock == doc.as_of
