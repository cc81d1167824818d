"""Typed provenance: a rule's cause carries the engine's state (base rule, due and clock-start
dates, extension, process instance) as fields, and its facts only what the rule used. History
format 1 kept that state in facts named ``rule.due``, ``rule.base``...: such histories and stores
(format 1 and 2) still read, replay and explain as before, and every format round-trips a cause."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc
import icoc.testing as t
from icoc import io
from icoc.errors import InvalidInput
from icoc.files import registry_from_data
from icoc.model import ServiceDomain
from icoc.model.events import (
    ENGINE_FACTS,
    HISTORY_FORMAT_VERSION,
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    Cause,
    DeadlineExtended,
    DueDiligenceStarted,
    Event,
    Fact,
    History,
    MovedToAffiliate,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    TerminationProposed,
)
from icoc.store import STORE_FORMAT_VERSION, JsonLinesStore, SqliteStore

CASES = Path(__file__).resolve().parent / "cases"
HISTORY_V1 = CASES / "history-format-1.json"
"""The history of :func:`scenario` as the previous release wrote it (history format 1)."""
STORE_V2 = CASES / "store-format-2.jsonl"
"""The same events in a JSON-lines store the previous release wrote (store format 2)."""

V1_PROPOSAL = (
    '{"format_version":1,"events":[{"type":"termination_proposed","subject":"slow-co","effective":"2027-07-01",'
    '"cause":{"actor":null,"rule":"ART3.CERT_DEADLINE","citation":"ICoCA membership rules, Member vs Affiliate: '
    'certification deadline","facts":[{"name":"standing","value":"member"},'
    '{"name":"param certification.calendar_years","value":"3"},'
    '{"name":"rule.due","value":"2027-07-01"},{"name":"rule.opened","value":"2023-05-10"},'
    '{"name":"rule.process","value":"company-status"},{"name":"rule.instance","value":"slow-co"},'
    '{"name":"rule.extended_from","value":"2027-01-01"},{"name":"rule.base","value":"ART3.BASE"}]},'
    '"reason":"not ICoCA-certified by its certification deadline","ground":"certification_deadline"}]}'
)
"""A small format-1 history: one derived event whose engine state is in ``rule.*`` facts."""


def admit(cid: str, on: date) -> list[Event]:
    return [
        ApplicationSubmitted(
            subject=cid,
            effective=on,
            applicant=ApplicantKind.COMPANY,
            name=cid.title(),
            provides_security_services=True,
            services=(ServiceDomain.LAND,),
        ),
        DueDiligenceStarted(subject=cid, effective=on),
        Admitted(subject=cid, effective=on, admission=Admission.MEMBER),
    ]


def scenario() -> icoc.Registry:
    """Two members past the certification deadline: one extended by the Board (a termination
    proposal on the new date), one with a satisfactory self-assessment (the Affiliate exception)."""
    reg = icoc.Registry()
    reg.submit_all(
        [
            *admit("slow-co", date(2023, 5, 10)),
            *admit("acme", date(2023, 5, 10)),
            SelfAssessmentSent(subject="acme", effective=date(2025, 6, 1), cycle=2025, due=date(2025, 8, 31)),
            SelfAssessmentSubmitted(subject="acme", effective=date(2025, 7, 1), cycle=2025),
            SelfAssessmentRated(subject="acme", effective=date(2025, 9, 1), cycle=2025, satisfactory=True),
            DeadlineExtended(
                subject="slow-co", effective=date(2026, 11, 1), rule="certification-deadline", until=date(2027, 6, 30)
            ),
        ]
    )
    reg.advance_to(date(2027, 7, 1))
    return reg


# --- the engine writes fields ---------------------------------------------------------------------


def test_a_rule_cause_carries_its_provenance_as_fields_and_only_the_facts_it_used() -> None:
    reg = scenario()
    derived = [e for e in reg.history if e.cause.rule is not None]
    (affiliate,) = (e for e in derived if isinstance(e, MovedToAffiliate))
    (proposal,) = (e for e in derived if isinstance(e, TerminationProposed))
    c = affiliate.cause
    assert (c.rule, c.base) == ("ART3.CERT_DEADLINE.AFFILIATE", "ART3.CERT_DEADLINE")
    assert (c.due, c.opened, c.extended_from) == (date(2027, 1, 1), date(2023, 5, 10), None)
    assert (c.process, c.instance) == ("company-status", "acme")
    c = proposal.cause
    assert (c.rule, c.base) == ("ART3.CERT_DEADLINE", None)
    assert (c.due, c.opened, c.extended_from) == (date(2027, 7, 1), date(2023, 5, 10), date(2027, 1, 1))
    assert (c.process, c.instance) == ("company-status", "slow-co")
    for e in derived:
        names = [f.name for f in e.cause.facts]
        assert not set(names) & set(ENGINE_FACTS), names
        assert "company.joined" in names and "param certification.calendar_years" in names
        assert e.cause.due == e.effective


def test_the_explanation_reads_the_fields() -> None:
    text = scenario().explain("slow-co").text()
    assert "due 2027-07-01 (clock started 2023-05-10); extended by a Board decision from 2027-01-01" in text
    assert "rule." not in text


def test_a_cause_refuses_engine_state_in_facts_or_on_an_actor() -> None:
    with pytest.raises(InvalidInput, match=r"Cause\.facts.*'rule\.due' is engine state.*'due' field"):
        Cause(rule="R", facts=(Fact(name="rule.due", value="2027-01-01"),))
    with pytest.raises(InvalidInput, match=r"Cause\.due: only a rule's cause"):
        Cause(actor="board", due=date(2027, 1, 1))
    with pytest.raises(InvalidInput, match=r"Cause\.extended_from: an extended deadline names its new due"):
        Cause(rule="R", extended_from=date(2027, 1, 1))
    with pytest.raises(InvalidInput, match=r"Cause\.opened"):
        Cause(rule="R", opened="2027-01-01")  # type: ignore[arg-type]


def test_an_actor_cause_is_written_as_before() -> None:
    """Events done by an actor keep the four keys of format 1: their bytes in a store are unchanged."""
    data = io.unstructure(Suspended(subject="acme", effective=date(2030, 1, 1), reason="r"), audience=io.Audience.FULL)
    assert data["cause"] == {"actor": "secretariat", "rule": None, "citation": None, "facts": []}


# --- format 1 still reads ---------------------------------------------------------------------


def test_a_small_version_1_history_lifts_its_engine_facts_into_the_fields() -> None:
    history = io.loads(V1_PROPOSAL, History)
    assert history.format_version == HISTORY_FORMAT_VERSION == 2  # upgraded as it was read
    (event,) = history.events
    c = event.cause
    assert (c.rule, c.base, c.process, c.instance) == ("ART3.CERT_DEADLINE", "ART3.BASE", "company-status", "slow-co")
    assert (c.due, c.opened, c.extended_from) == (date(2027, 7, 1), date(2023, 5, 10), date(2027, 1, 1))
    assert [(f.name, f.value) for f in c.facts] == [
        ("standing", "member"),
        ("param certification.calendar_years", "3"),
    ]
    # Written again, it is a format-2 history with the fields, and reads back the same.
    again = io.dumps(history, audience=io.Audience.FULL)
    assert json.loads(again)["format_version"] == 2 and "rule.due" not in again
    assert io.loads(again, History) == history
    # Format 1 wrote engine state as facts of rule causes only; the lifted cause is what the
    # engine builds today, field for field.
    assert c.engine_facts() == tuple(
        Fact(name=f["name"], value=f["value"])
        for f in json.loads(V1_PROPOSAL)["events"][0]["cause"]["facts"]
        if f["name"].startswith("rule.")
    )


def test_a_version_1_history_replays_and_explains_as_the_history_it_recorded() -> None:
    fresh = scenario()
    history = io.load(HISTORY_V1, History)
    assert json.loads(HISTORY_V1.read_text())["format_version"] == 1
    assert history.events == fresh.history  # every cause lifted to what the engine builds now
    replayed = icoc.Registry.from_history(history)
    assert replayed.history == fresh.history
    for subject in ("slow-co", "acme"):
        assert replayed.explain(subject).text() == fresh.explain(subject).text()
        assert replayed.explain(subject) == fresh.explain(subject)
    assert "extended by a Board decision from 2027-01-01" in replayed.explain("slow-co").text()


def test_a_version_1_fact_that_repeats_a_field_is_refused_with_its_path() -> None:
    data = json.loads(V1_PROPOSAL)
    data["events"][0]["cause"]["due"] = "2027-07-01"
    with pytest.raises(InvalidInput) as caught:
        io.loads(json.dumps(data), History)
    assert "$.events[0].cause" in str(caught.value) and "'rule.due' repeats the cause's 'due'" in str(caught.value)


def test_a_format_2_store_of_the_previous_release_verifies_reads_and_is_appended_in_its_own_format(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.jsonl"
    shutil.copyfile(STORE_V2, path)
    before = path.read_bytes()
    fresh = scenario()
    with JsonLinesStore(path) as store:
        assert store.format_version == 2
        assert store.check() == 12
        assert tuple(e for _, e in store.read()) == fresh.history
        later = [e for e in fresh.history if e.cause.rule is not None]
        assert store.append(later, 12) == 14
    raw = path.read_bytes()
    assert raw[len(before.split(b"\n", 1)[0]) :].startswith(before[len(before.split(b"\n", 1)[0]) :])
    tail = raw.splitlines()[-2:]
    assert all(b'"name":"rule.due"' in line and b'"due":' not in line for line in tail)  # format-1 causes
    with JsonLinesStore(path) as store:  # the chain still verifies over old and new records
        assert store.check() == 14
        assert [e for _, e in store.read(after=12)] == later


@pytest.mark.parametrize("version", [1, 2, STORE_FORMAT_VERSION])
def test_a_sqlite_store_writes_causes_in_its_own_format(version: int, tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    _sqlite_of_version(path, version)
    derived = [e for e in scenario().history if e.cause.rule is not None]
    with SqliteStore(path) as store:
        assert store.format_version == version
        assert store.append(derived, 0) == 2
    rows = [r[0] for r in sqlite3.connect(path).execute("SELECT event FROM events ORDER BY seq")]
    assert all(("rule.due" in r) == (version < 3) for r in rows)
    with SqliteStore(path) as store:
        assert [e for _, e in store.read()] == derived


# --- every format round-trips a cause -----------------------------------------------------------


def _jsonl_of_version(path: Path, version: int) -> None:
    if version == 1:
        path.write_text('{"format":"icoc.events","format_version":1}\n', encoding="utf-8")
    elif version == 2:
        header = json.dumps(
            {"format": "icoc.events", "format_version": 2, "count": 0, "hash": "0" * 64}, separators=(",", ":")
        )
        path.write_text(header.ljust(191) + "\n", encoding="utf-8")
    else:
        JsonLinesStore(path).close()


def _sqlite_of_version(path: Path, version: int) -> None:
    if version == 1:  # no checksums: the tables as format 1 made them
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE events (seq INTEGER PRIMARY KEY, batch_end INTEGER NOT NULL, event TEXT NOT NULL)"
            )
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("format", "icoc.events"), ("format_version", "1")])
        conn.close()
        return
    SqliteStore(path).close()
    if version != STORE_FORMAT_VERSION:
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (str(version),))
        conn.close()


@st.composite
def _rule_events(draw: st.DrawFn) -> Event:
    event = draw(t.events())
    cause = draw(t.causes().filter(lambda c: c.due is not None) | t.causes())
    return attrs.evolve(event, cause=cause)


@settings(max_examples=25)
@given(events=st.lists(_rule_events(), min_size=1, max_size=3))
def test_a_cause_round_trips_through_every_format(events: list[Event]) -> None:
    full = io.Audience.FULL
    history = History(events=tuple(events))
    assert io.loads(io.dumps(history, audience=full), History) == history
    for e in events:
        assert io.loads(io.dumps(e, audience=full), Event) == e
        assert io.loads(io.dumps(e.cause, audience=full), Cause) == e.cause
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".json", ".yaml"):
            io.dump(history, Path(tmp) / f"history{suffix}", audience=full)
            assert io.load(Path(tmp) / f"history{suffix}", History) == history
        for version in (1, 2, STORE_FORMAT_VERSION):
            jsonl, db = Path(tmp) / f"v{version}.jsonl", Path(tmp) / f"v{version}.sqlite"
            _jsonl_of_version(jsonl, version)
            _sqlite_of_version(db, version)
            for store in (JsonLinesStore(jsonl), SqliteStore(db)):
                with store:
                    assert store.format_version == version
                    store.append(events, 0)
                with type(store)(store.path) as again:
                    assert [e for _, e in again.read()] == events


# --- a saved derived event's provenance must follow again from the rules -------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due", "2027-07-02"),
        ("opened", "2020-01-01"),
        ("extended_from", "2026-12-31"),
        ("base", "ART3.BASE"),
        ("process", "membership"),
        ("instance", "acme"),
    ],
)
def test_a_history_whose_derived_event_records_other_provenance_is_refused(field: str, value: str) -> None:
    """The rules derive the event again with their own provenance: a file recording another
    due date, clock start, extension, base rule or instance does not follow from them and is
    refused with its path, not absorbed with the file's values silently replaced."""
    data = json.loads(io.dumps(scenario().history_document(), audience=io.Audience.FULL))
    (i,) = (i for i, e in enumerate(data["events"]) if e["type"] == "termination_proposed")
    data["events"][i]["cause"][field] = value
    with pytest.raises(InvalidInput) as caught:
        registry_from_data(data, source="h.json")
    assert str(caught.value).startswith(f"h.json:$.events[{i}]: termination_proposed"), str(caught.value)
    assert "does not follow" in str(caught.value) and f"theirs has cause.{field} " in str(caught.value)


def test_a_history_whose_derived_event_leaves_provenance_out_still_loads() -> None:
    """A field the saved cause leaves unset matches (a history written before it was recorded)."""
    data = json.loads(io.dumps(scenario().history_document(), audience=io.Audience.FULL))
    for e in data["events"]:
        for field in ("base", "due", "opened", "extended_from", "process", "instance"):
            e["cause"].pop(field, None)
    with registry_from_data(data, source="h.json").registry as reg:
        assert reg.history == scenario().history


def test_a_version_1_fact_that_repeats_a_field_is_named_by_its_own_path() -> None:
    data = json.loads(V1_PROPOSAL)
    data["events"][0]["cause"]["facts"].append({"name": "rule.due", "value": "2027-07-02"})
    with pytest.raises(InvalidInput) as caught:
        io.loads(json.dumps(data), History)
    assert str(caught.value).startswith("$.events[0].cause.facts[8]: fact 'rule.due' repeats"), str(caught.value)
