"""Sensitivity levels and audience-aware exports: no field above an audience's level appears in
its export (for every model type and event type, on random values), a company sees only its own
company-level data, redaction is visible, and redacted documents load back."""

from __future__ import annotations

import itertools
import json
import re
import typing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc.testing as t
from icoc import io
from icoc.cli import main
from icoc.errors import InvalidInput
from icoc.io import Audience, Sensitivity
from icoc.io._redact import _placeholder
from icoc.model import (
    CaseStage,
    CompanyStatus,
    Complainant,
    Complaint,
    ComplaintKind,
    ComplianceCase,
    ConcernCategory,
    CorrectiveAction,
    CorrectiveActionPlan,
    FindingSource,
    RegistryDocument,
)
from icoc.model.events import (
    EVENT_TYPES,
    SECRETARIAT,
    CaseOpened,
    Cause,
    ComplaintReceived,
    CorrectiveActionRecommended,
    Event,
    Fact,
    History,
    Suspended,
    TerminationProposed,
)
from icoc.model.sensitivity import level_of, sensitive
from icoc.sample import load_sample

ROOT = Path(__file__).resolve().parent.parent
NOBODY = "zz-nobody-at-all"
LEVELED = [Audience.PUBLIC, Audience.MEMBERS, Audience.SECRETARIAT, Audience.CONFIDENTIAL]

# --- the checker ---------------------------------------------------------------------------------


def _check(obj: Any, full: Any, out: Any, path: str, audience: Audience, noted: set[str], seen: set[str]) -> None:
    cls = type(obj)
    if attrs.has(cls):
        assert isinstance(out, dict) and set(out) == set(full), path
        for field in attrs.fields(cls):
            if field.name not in full:  # left out as its default (a public fact's level)
                continue
            where = f"{path}.{field.name}"
            level = level_of(field)
            if isinstance(obj, Fact) and field.name == "value":
                # A fact carries the level of the field it was read from.
                if where in noted or obj.level > audience.level:
                    assert where in noted, f"{where} ({obj.level.label}) is above {audience} but was not redacted"
                    by_scope = obj.level is Sensitivity.COMPANY and audience.level is Sensitivity.COMPANY
                    assert obj.level > audience.level or by_scope, f"{where} was hidden from {audience} for no reason"
                    assert out["value"] == f"[redacted: {obj.level.label}]", where
                    seen.add(where)
                    continue
            if level > audience.level or where in noted:
                assert where in noted, f"{where} ({level.label}) is above {audience} but was not redacted"
                by_scope = level is Sensitivity.COMPANY and audience.level is Sensitivity.COMPANY
                assert level > audience.level or by_scope, f"{where} was hidden from {audience} for no reason"
                assert out[field.name] == _placeholder(cls, field, level), where
                seen.add(where)
            else:
                _check(getattr(obj, field.name), full[field.name], out[field.name], where, audience, noted, seen)
    elif isinstance(obj, tuple):
        assert isinstance(out, list) and len(out) == len(full) == len(obj), path
        for i, (o, f, x) in enumerate(zip(obj, full, out, strict=True)):
            _check(o, f, x, f"{path}[{i}]", audience, noted, seen)
    else:
        assert out == full, f"{path}: a visible value changed"


def assert_redacted_for(value: Any, audience: Audience) -> dict[str, Any]:
    """Every field above ``audience`` is replaced by its placeholder and listed in the note;
    every other value is exactly as in the full export. Returns the export."""
    full = io.unstructure(value, audience=Audience.FULL)
    out = io.unstructure(value, audience=audience)
    assert json.loads(io.dumps(value, audience=audience)) == out
    note = out.get("redacted") if isinstance(out, dict) and "redacted" not in full else None
    exported = {k: v for k, v in out.items() if k != "redacted"} if note is not None else out
    noted: set[str] = set()
    if note is not None:
        assert note["audience"] == str(audience) and note["paths"], "an empty note is never written"
        noted = set(note["paths"])
        assert len(noted) == len(note["paths"])
    seen: set[str] = set()
    _check(value, full, exported, "$", audience, noted, seen)
    assert seen == noted, f"noted but not hidden: {sorted(noted - seen)}"
    return out


def _members_of(value: Any) -> list[str]:
    """Ids that could be a company audience's: every ``company``/``member``/``subject``/``id``."""
    found: set[str] = set()
    stack = [value]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            stack.extend(x)
        elif attrs.has(type(x)):
            for field in attrs.fields(type(x)):
                v = getattr(x, field.name)
                if field.name in ("company", "member", "subject", "id") and isinstance(v, str):
                    found.add(v)
                elif isinstance(v, tuple) or attrs.has(type(v)):
                    stack.append(v)
    return sorted(found)


def _audiences(value: Any) -> st.SearchStrategy[Audience]:
    members = _members_of(value)
    options = [*LEVELED, Audience.company(NOBODY)]
    if members:
        return st.one_of(st.sampled_from(options), st.sampled_from(members).map(Audience.company))
    return st.sampled_from(options)


def _same_but_the_note(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        a = {**a, "redacted": {**a["redacted"], "audience": "-"}} if "redacted" in a else a
        b = {**b, "redacted": {**b["redacted"], "audience": "-"}} if "redacted" in b else b
    return bool(a == b)


# --- event strategies (icoc.testing has none for single events) ----------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and bool(s)
)
_EARLY = t.dates(date(2014, 1, 1), date(2019, 12, 31))
_LATE = t.dates(date(2020, 1, 1), date(2030, 12, 31))
_CAUSES = st.one_of(
    st.just(SECRETARIAT),
    st.builds(Cause, actor=_TEXT),
    st.builds(
        Cause,
        rule=_TEXT,
        citation=st.none() | _TEXT,
        facts=st.lists(st.builds(Fact, name=_TEXT, value=st.text(max_size=8)), max_size=2).map(tuple),
    ),
)


def _field_strategy(name: str, tp: Any) -> st.SearchStrategy[Any]:
    special: dict[str, st.SearchStrategy[Any]] = {
        "subject": t.identifiers(),
        "cause": _CAUSES,
        "effective": _EARLY,
        "country": st.none() | t.countries(),
        "code_paragraphs": t.code_paragraphs(),
        "cycle": st.integers(2013, 2100),
    }
    if name in special:
        return special[name]
    if tp is str:
        return _TEXT
    if tp == (str | None):
        return st.none() | _TEXT
    if tp is date:
        return _LATE
    return st.from_type(tp)


def _build(cls: type[Event], kwargs: dict[str, Any]) -> Event | None:
    try:
        return cls(**kwargs)
    except InvalidInput:
        return None


@st.composite
def events_of(draw: st.DrawFn, cls: type[Event]) -> Event:
    hints = typing.get_type_hints(cls)
    for _ in range(20):
        kwargs = {f.name: draw(_field_strategy(f.name, hints[f.name])) for f in attrs.fields(cls)}
        event = _build(cls, kwargs)
        if event is not None:
            return event
    raise AssertionError(f"could not build a valid {cls.__name__}")  # pragma: no cover


def any_events() -> st.SearchStrategy[Event]:
    return st.sampled_from(EVENT_TYPES).flatmap(events_of)


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_field_above_the_audience_appears_for_any_model_type(attrs_class: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(attrs_class))
    audience = data.draw(_audiences(value))
    assert_redacted_for(value, audience)
    faithful = json.dumps(io.converter.unstructure(value), indent=2, ensure_ascii=False)
    assert io.dumps(value, audience=Audience.FULL) == faithful


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=[e.__name__ for e in EVENT_TYPES])
@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_no_field_above_the_audience_appears_for_any_event_type(event_type: type[Event], data: st.DataObject) -> None:
    event = data.draw(events_of(event_type))
    audience = data.draw(_audiences(event))
    assert_redacted_for(event, audience)
    assert io.loads(io.dumps(event, audience=Audience.FULL), Event) == event


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_histories_are_redacted_event_by_event(data: st.DataObject) -> None:
    history = History(events=tuple(data.draw(st.lists(any_events(), max_size=6))))
    audience = data.draw(_audiences(history))
    out = assert_redacted_for(history, audience)
    text = io.dumps(history, audience=audience)
    if "redacted" in out:  # a redacted history is never replayed as if it were whole
        with pytest.raises(InvalidInput, match="cannot be replayed faithfully"):
            io.loads(text, History)
    else:
        assert io.loads(text, History) == history


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(doc=t.registries(max_companies=4), data=st.data())
def test_every_audience_export_of_a_registry_loads_and_is_stable(doc: RegistryDocument, data: st.DataObject) -> None:
    audience = data.draw(_audiences(doc))
    text = io.dumps(doc, audience=audience)
    again = io.loads(text, RegistryDocument)  # still valid input for the public loader
    assert io.dumps(again, audience=audience) == text  # and exporting it again hides the same things
    assert io.loads(io.dumps(doc, audience=Audience.FULL), RegistryDocument) == doc


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_company_audience_for_nobody_sees_what_members_see(data: st.DataObject) -> None:
    value = data.draw(st.one_of(t.registries(max_companies=3), st.lists(any_events(), max_size=5).map(tuple)))
    members = io.unstructure(value, audience=Audience.MEMBERS)
    assert _same_but_the_note(io.unstructure(value, audience=Audience.company(NOBODY)), members)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(doc=t.registries(max_companies=4))
def test_audiences_are_ordered(doc: RegistryDocument) -> None:
    hidden = []
    for audience in LEVELED:
        out = io.unstructure(doc, audience=audience)
        hidden.append(set(out.get("redacted", {}).get("paths", [])))
    assert all(later <= earlier for earlier, later in itertools.pairwise(hidden))
    assert hidden[-1] == set()


# --- examples: what each audience sees --------------------------------------------------------------

D = date(2025, 3, 1)


def _case_doc() -> RegistryDocument:
    sample = load_sample()
    companies = tuple(c for c in sample.companies if c.status is not CompanyStatus.CERTIFIED_MEMBER)[:2]
    a, b = companies[0].id, companies[1].id
    cases = (
        ComplianceCase(
            id="CASE-A", company=a, opened=D, source=FindingSource.FIELD_BASED_REVIEW,
            category=ConcernCategory.OTHER, stage=CaseStage.CORRECTIVE_ACTION, summary="SECRET field notes on A",
        ),
        ComplianceCase(
            id="CASE-B", company=b, opened=D, source=FindingSource.REMOTE_MONITORING,
            category=ConcernCategory.OTHER, stage=CaseStage.CORRECTIVE_ACTION,
        ),
    )  # fmt: skip
    plans = tuple(
        CorrectiveActionPlan(
            id=f"CAP-{c.id}", case=c.id, company=c.company, recommended=D, deadline=D + timedelta(days=90),
            actions=(CorrectiveAction(description=f"Action for {c.company}", due=D + timedelta(days=30)),),
        )
        for c in cases
    )  # fmt: skip
    complaint = Complaint(
        id="CMP-X", company=a, received=D, kind=ComplaintKind.ALLEGED_HARM,
        complainant=Complainant(name="SECRET Person", contact="secret@example.org", representative=True),
    )  # fmt: skip
    return RegistryDocument(
        as_of=sample.as_of, companies=companies, standards=sample.standards,
        cases=cases, corrective_action_plans=plans, complaints=(complaint,),
    )  # fmt: skip


def test_a_company_sees_its_own_case_data_and_only_its_own() -> None:
    doc = _case_doc()
    a, b = doc.companies[0].id, doc.companies[1].id
    for me, other in ((a, b), (b, a)):
        out = assert_redacted_for(doc, Audience.company(me))
        actions = {p["company"]: p["actions"][0]["description"] for p in out["corrective_action_plans"]}
        assert actions == {me: f"Action for {me}", other: "[redacted: company]"}
        assert all(c["revenue_band"] != "[redacted: members]" for c in out["companies"])  # members level
        assert out["cases"][0]["summary"] == "[redacted: confidential]"  # never the company's to see
    public = io.dumps(doc)
    assert "SECRET" not in public and "secret@" not in public and "Action for" not in public
    assert "[redacted: confidential]" in public and '"redacted": {' in public
    secretariat = io.unstructure(doc, audience=Audience.SECRETARIAT)
    assert {p["actions"][0]["description"] for p in secretariat["corrective_action_plans"]} == {
        f"Action for {a}",
        f"Action for {b}",
    }
    assert "SECRET" not in json.dumps(secretariat)
    assert io.loads(io.dumps(doc, audience=Audience.CONFIDENTIAL), RegistryDocument) == doc


def test_events_about_a_case_belong_to_its_company() -> None:
    events = (
        CaseOpened(subject="CASE-1", effective=D, company="acme", source=FindingSource.REMOTE_MONITORING,
                   category=ConcernCategory.OTHER),
        CorrectiveActionRecommended(subject="CASE-1", effective=D, plan="CAP-1", deadline=D,
                                    actions=(CorrectiveAction(description="fix the register", due=D),)),
        Suspended(subject="acme", effective=D, reason="plan CAP-1 not verified"),
        Suspended(subject="other-co", effective=D, reason="bad faith"),
        TerminationProposed(subject="acme", effective=D, reason="board to decide"),
        ComplaintReceived(subject="CMP-1", effective=D, company="acme", complainant=Complainant(name="Jo")),
    )  # fmt: skip
    history = History(events=events)
    out = assert_redacted_for(history, Audience.company("acme"))["events"]
    assert out[1]["actions"][0]["description"] == "fix the register"
    assert out[2]["reason"] == "plan CAP-1 not verified"
    assert out[3]["reason"] == "[redacted: company]"  # another company's
    assert out[4]["reason"] == "[redacted: secretariat]"
    assert out[5]["complainant"] == {
        "name": "[redacted: confidential]", "contact": "[redacted: confidential]",
        "representative": False, "confidential": True,
    }  # fmt: skip
    # Without its CaseOpened, a case event cannot be shown to belong to anyone: hidden.
    alone = io.unstructure(events[1], audience=Audience.company("acme"))
    assert alone["actions"][0]["description"] == "[redacted: company]"
    assert alone["redacted"] == {"audience": "company:acme", "paths": ["$.actions[0].description"]}


def test_the_default_export_is_public_everywhere(tmp_path: Path) -> None:
    sample = load_sample()
    names = {c.complainant.name for c in sample.complaints} | {c.complainant.contact for c in sample.complaints}
    summaries = {c.summary for c in sample.cases}
    secrets = {s for s in names | summaries if s}
    assert secrets
    io.dump(sample, tmp_path / "s.json")
    io.dump(sample, tmp_path / "s.yaml")
    texts = [io.dumps(sample), json.dumps(io.unstructure(sample)), *(p.read_text() for p in tmp_path.iterdir())]
    for text in texts:
        assert not [s for s in secrets if s in text]
    assert io.loads(io.dumps(sample), RegistryDocument).complaints[0].complainant.name == "[redacted: confidential]"
    assert io.load(tmp_path / "s.yaml", RegistryDocument).cases[0].summary == "[redacted: confidential]"
    assert io.load(tmp_path / "s.json", RegistryDocument) == io.loads(io.dumps(sample), RegistryDocument)


def test_the_cli_exports_for_an_audience(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample"]) == 0
    public = capsys.readouterr().out
    assert public == io.dumps(load_sample()) + "\n"
    assert "complainant-a@example.org" not in public
    assert io.loads(public, RegistryDocument).as_of == load_sample().as_of
    assert main(["sample", "--audience", "secretariat"]) == 0
    assert "complainant-a@example.org" not in capsys.readouterr().out
    assert main(["sample", "--audience", "confidential"]) == 0
    assert "complainant-a@example.org" in capsys.readouterr().out
    assert main(["sample", "--audience", "company"]) == 2
    assert "company:ID" in capsys.readouterr().err


def test_audiences_parse_print_and_validate() -> None:
    assert Audience.parse("public") is not None and Audience.parse("PUBLIC") == Audience.PUBLIC
    assert Audience.parse("full") == Audience.FULL == Audience.CONFIDENTIAL
    assert Audience.parse("company:acme-01") == Audience.company("acme-01")
    assert str(Audience.company("acme-01")) == "company:acme-01" and str(Audience.MEMBERS) == "members"
    for bad in ("", "nobody", "members:acme", "company", "company:bad id"):
        with pytest.raises(ValueError):
            Audience.parse(bad)
    with pytest.raises(InvalidInput):
        Audience(Sensitivity.PUBLIC, "acme")
    with pytest.raises(InvalidInput, match="Audience"):
        io.dumps(load_sample(), audience="public")  # type: ignore[arg-type]
    assert list(Sensitivity) == sorted(Sensitivity)
    assert Audience.SECRETARIAT.sees(Sensitivity.COMPANY, None)
    assert not Audience.company("a").sees(Sensitivity.COMPANY, None)
    with pytest.raises(TypeError):
        sensitive("confidential")  # type: ignore[arg-type]


def test_a_stray_note_is_not_silently_accepted() -> None:
    data = io.unstructure(load_sample(), audience=Audience.FULL)
    data["redacted"] = "yes please"
    with pytest.raises(InvalidInput, match=r"\$\.redacted: unknown key"):
        io.structure(data, RegistryDocument)


def test_the_docs_table_is_generated_from_the_model() -> None:
    page = (ROOT / "docs" / "confidentiality.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- sensitivity-table -->\n(.*?)<!-- /sensitivity-table -->", page, re.DOTALL)
    assert found, "docs/confidentiality.md lost its table markers"
    assert found.group(1) == io.sensitivity_table(), (
        "regenerate the table: python -c 'import icoc.io; print(icoc.io.sensitivity_table(), end=\"\")'"
    )
