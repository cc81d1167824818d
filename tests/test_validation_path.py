"""One validation path (issue #12): every document ``icoc validate`` accepts loads into a registry
and ``icoc check`` / ``icoc explain`` run on it without an input error; every document it refuses
is refused with one line naming the file and a path. Documents are valid ones from
``icoc.testing.registries`` with one mutation applied to their JSON: a second ICoCA certification,
a status, the document's date, a dropped record."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc.io
from icoc.cli import main
from icoc.model import CompanyStatus
from icoc.testing import registries

_STATUSES = [s.value for s in CompanyStatus]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    doc = draw(registries(max_companies=4))
    data: dict[str, Any] = json.loads(icoc.io.dumps(doc, audience=icoc.io.Audience.FULL))
    kind = draw(st.sampled_from(["second-certification", "status", "as-of", "drop", "none"]))
    companies = data.get("companies", [])
    if kind == "second-certification" and data.get("icoca_certifications"):
        ic = dict(draw(st.sampled_from(data["icoca_certifications"])))
        base = next(c for c in data["certificates"] if c["id"] == ic["based_on"])
        other = dict(base)
        other["id"] = base["id"] + "-second"
        other["standard"] = draw(st.sampled_from(["PSC.1-2012", "ISO-18788", "ISO-28007"]))
        shift = draw(st.integers(-400, 400))
        for field in ("issued", "expires"):
            other[field] = (date.fromisoformat(base[field]) + timedelta(days=shift)).isoformat()
        if draw(st.booleans()):
            data["certificates"].append(other)
            ic["based_on"] = other["id"]
        ic["id"] = ic["id"] + "-second"
        ic["granted"] = max(date.fromisoformat(ic["granted"]) + timedelta(days=shift), date(1990, 1, 1)).isoformat()
        ic["status"] = draw(st.sampled_from(["certified", "expired", "withdrawn", "suspended"]))
        data["icoca_certifications"].append(ic)
    elif kind == "status" and companies:
        c = draw(st.sampled_from(companies))
        c["status"] = draw(st.sampled_from(_STATUSES))
        if c["status"] == "suspended" and "suspended_from" not in c:
            c["suspended_from"] = draw(st.sampled_from(["member", "certified_member", "affiliate"]))
    elif kind == "as-of":
        days = draw(st.integers(1, 3000))
        data["as_of"] = (date.fromisoformat(data["as_of"]) - timedelta(days=days)).isoformat()
    elif kind == "drop":
        lists = [k for k in ("certificates", "certification_bodies", "cases", "standards") if data.get(k)]
        if lists:
            k = draw(st.sampled_from(lists))
            data[k].pop(draw(st.integers(0, len(data[k]) - 1)))
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated())
def test_what_validate_accepts_every_command_loads(
    data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("doc") / "bidders.json"
    path.write_text(json.dumps(data))
    capture = _Capture()
    with capture:
        status = main(["validate", str(path)])
    assert status in (0, 2), capture.err
    if status == 2:
        lines = capture.err.strip().splitlines()
        assert lines, "refused without a word"
        for line in lines:  # one line per problem, each naming the file and the record's path
            assert line.startswith(f"icoc: error: {path}:"), capture.err
        return
    with capture:
        checked = main(["check", str(path), "--format", "json"])
    assert checked in (0, 1, 3), capture.err
    for company in data.get("companies", [])[:2]:
        with capture:
            explained = main(["explain", str(path), company["id"]])
        assert explained == 0, capture.err


class _Capture:
    """stdout/stderr of one in-process command (pytest's capsys does not mix with hypothesis)."""

    def __enter__(self) -> None:
        import contextlib
        import io
        import sys

        self._out, self._err = io.StringIO(), io.StringIO()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(contextlib.redirect_stdout(self._out))
        self._stack.enter_context(contextlib.redirect_stderr(self._err))
        del sys

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self.err = self._err.getvalue()
        self.out = self._out.getvalue()


def test_the_error_line_names_file_and_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A certified member whose only ICoCA certification expired before the document's date is
    refused by validate, with the file and the record's path, exactly as check refuses it."""
    from icoc.sample import load_sample

    doc = load_sample()
    data: dict[str, Any] = json.loads(icoc.io.dumps(doc, audience=icoc.io.Audience.FULL))
    i, company = next((i, c) for i, c in enumerate(data["companies"]) if c["status"] == "certified_member")
    for ic in data["icoca_certifications"]:
        if ic["company"] == company["id"]:
            ic["expires"] = (date.fromisoformat(ic["granted"]) + timedelta(days=1)).isoformat()
    path = tmp_path / "bidders.json"
    path.write_text(json.dumps(data))
    assert main(["validate", str(path)]) == 2
    err_validate = capsys.readouterr().err
    assert f"{path}:$.companies[{i}].status" in err_validate, err_validate
    assert main(["check", str(path)]) == 2
    err_check = capsys.readouterr().err
    assert f"{path}:$.companies[{i}].status" in err_check, err_check
