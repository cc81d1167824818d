"""Store snapshots: a registry restored from an image and fed the rest of the history is the
registry a full replay builds (state, history, obligations, agenda, clock, and what it does next);
a snapshot that is missing, stale, damaged or of another format is ignored and reported."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc
from icoc.errors import InvalidInput, StoreCorrupted
from icoc.model import ServiceDomain
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Event,
    SelfAssessmentSent,
    Suspended,
)
from icoc.registry import Registry
from icoc.store import (
    JsonLinesStore,
    SnapshotIgnored,
    SnapshotPolicy,
    SqliteStore,
    open_registry,
)
from icoc.testing import valid_histories
from icoc.workflows import PROCESSES

MANUAL = SnapshotPolicy(every=None, on_close=False)


def everything(reg: Registry) -> tuple[object, ...]:
    """All a caller can observe of a registry."""
    return (
        reg.history,
        len(reg),
        {p: list(reg.instances(p)) for p in PROCESSES},
        {s: (reg.kind_of(s), reg.states_of(s)) for s in reg.subjects()},
        reg.clock,
        reg.obligations(),
        reg.next_due(),
        reg.pending_rules(date.max),
        reg.discrepancies,
    )


def admission(company: str, on: date) -> list[Event]:
    return [
        ApplicationSubmitted(
            subject=company,
            effective=on,
            applicant=ApplicantKind.COMPANY,
            name=company.title(),
            country="GB",
            provides_security_services=True,
            services=(ServiceDomain.LAND,),
        ),
        DueDiligenceStarted(subject=company, effective=on),
        Admitted(subject=company, effective=on, admission=Admission.MEMBER),
    ]


def story() -> list[Event]:
    events = admission("acme", date(2023, 5, 10)) + admission("beta", date(2023, 6, 1))
    events.append(SelfAssessmentSent(subject="acme", effective=date(2023, 7, 1), cycle=2023, due=date(2023, 9, 23)))
    events.append(Suspended(subject="beta", effective=date(2023, 8, 1), reason="test"))
    return events


@pytest.fixture
def tmp() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


# --- property: an image plus the tail is a full replay ----------------------------------------------


@settings(max_examples=60, deadline=None)
@given(events=valid_histories(max_steps=30), data=st.data())
def test_image_then_tail_equals_full_replay(events: list[Event], data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(events)), label="cut")
    live = Registry()
    for event in events[:cut]:
        live.submit(event)
    restored = Registry.from_image(live.image(), lambda: iter(live.history))
    assert everything(restored) == everything(live)
    for event in events[cut:]:  # the same later submissions, one by one, on both
        live.submit(event)
        restored.submit(event)
    full = Registry.from_history(live.history_document())
    assert everything(restored) == everything(live) == everything(full)
    # ...and the same behaviour afterwards: the agenda fires the same consequences.
    later = (events[-1].effective if events else date(2024, 1, 1)) + timedelta(days=data.draw(st.integers(0, 4000)))
    assert restored.advance_to(later) == live.advance_to(later) == full.advance_to(later)
    assert everything(restored) == everything(live) == everything(full)


_FIRST_QUERIES = {
    "submit": None,
    "image": lambda r: Registry.from_image(r.image(), lambda: iter(r.history)).obligations(),
    "clock": lambda r: (r.clock, r.next_due()),
    "obligations": lambda r: r.obligations(),
    "pending": lambda r: r.pending_rules(date.max),
    "subjects": lambda r: [(s, r.kind_of(s), r.state_of(s)) for s in r.subjects()],
    "instances": lambda r: {p: list(r.instances(p)) for p in PROCESSES},
    "discrepancies": lambda r: r.discrepancies,
    "past": lambda r: r.snapshot(date(2023, 6, 30)),
    "history": lambda r: (len(r), r.history),
}


@settings(max_examples=40, deadline=None)
@given(events=valid_histories(max_steps=25), data=st.data())
def test_a_lazily_restored_registry_answers_anything_first(events: list[Event], data: st.DataObject) -> None:
    """An image is decoded part by part when first needed: whatever is asked first (an event, a
    query of any part), the restored registry answers and goes on exactly like the live one."""
    cut = data.draw(st.integers(0, len(events)), label="cut")
    live = Registry()
    live.submit_all(events[:cut])
    restored = Registry.from_image(live.image(), lambda: iter(live.history))
    assert "_load" in restored._core.__dict__  # nothing large decoded yet
    first = data.draw(st.sampled_from(sorted(_FIRST_QUERIES)), label="first")
    query = _FIRST_QUERIES[first]
    if query is None:
        for event in events[cut:]:
            live.submit(event)
            restored.submit(event)
    else:
        assert query(restored) == query(live)
    assert everything(restored) == everything(live)
    later = (events[-1].effective if events else date(2024, 1, 1)) + timedelta(days=400)
    assert restored.advance_to(later) == live.advance_to(later)
    assert everything(restored) == everything(live)


def test_a_refused_event_on_a_lazily_restored_registry_changes_nothing() -> None:
    live = Registry()
    live.submit_all(story())
    restored = Registry.from_image(live.image(), lambda: iter(live.history))
    before = everything(live)
    with pytest.raises(icoc.errors.IllegalTransition):
        restored.submit(DueDiligenceStarted(subject="acme", effective=date(2023, 9, 1)))
    assert everything(restored) == before


@settings(max_examples=15, deadline=None)
@given(events=valid_histories(max_steps=25), data=st.data())
@pytest.mark.parametrize("name", ["events.sqlite", "events.jsonl"])
def test_store_snapshot_then_tail_equals_full_replay(name: str, events: list[Event], data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(events)), label="cut")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        with open_registry(path, snapshots=MANUAL) as stored:
            if cut:
                stored.submit_all(events[:cut])
                assert stored.save_snapshot()
            covered = stored.seq
            for event in events[cut:]:
                stored.submit(event)
            last = stored.seq
        with (
            open_registry(path, snapshots=MANUAL) as snap,
            open_registry(path, snapshots=SnapshotPolicy(use=False, every=None, on_close=False)) as full,
        ):
            assert snap.snapshot_report.used == (covered or None)
            assert snap.snapshot_report.replayed == last - covered
            assert snap.snapshot_report.ignored is None
            assert full.snapshot_report.used is None
            assert everything(snap.registry) == everything(full.registry)
            later = date(2035, 1, 1)
            assert snap.registry.advance_to(later) == full.registry.advance_to(later)
            assert everything(snap.registry) == everything(full.registry)


# --- policy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["events.sqlite", "events.jsonl"])
def test_default_policy_snapshots_on_close_and_every_n(tmp: Path, name: str) -> None:
    path = tmp / name
    with open_registry(path) as stored:
        stored.submit_all(story())
    with open_registry(path, snapshots=SnapshotPolicy(every=3, on_close=False)) as stored:
        assert stored.snapshot_report.used == 8 and stored.snapshot_report.replayed == 0
        stored.submit_all(admission("gamma", date(2023, 9, 1)))  # 3 more: a snapshot
        stored.submit(Suspended(subject="gamma", effective=date(2023, 9, 2), reason="test"))  # not yet
    with open_registry(path) as stored:
        assert (stored.snapshot_report.used, stored.snapshot_report.replayed) == (11, 1)


@pytest.mark.parametrize("name", ["events.sqlite", "events.jsonl"])
def test_no_policy_writes_nothing(tmp: Path, name: str) -> None:
    path = tmp / name
    with open_registry(path, snapshots=MANUAL) as stored:
        stored.submit_all(story())
    with open_registry(path) as stored:
        assert stored.snapshot_report.used is None and stored.snapshot_report.replayed == 8


def test_policy_is_checked() -> None:
    with pytest.raises(InvalidInput, match="every"):
        SnapshotPolicy(every=0)


def test_history_before_the_snapshot_is_read_when_asked(tmp: Path) -> None:
    path = tmp / "events.sqlite"
    with open_registry(path) as stored:
        stored.submit_all(story())
        history = stored.registry.history
    with open_registry(path) as stored:
        assert stored.snapshot_report.used == 8
        assert len(stored.registry) == 8
        assert stored.registry.state_of("beta", as_of=date(2023, 7, 1)) == "member"
        assert stored.registry.history == history


# --- a snapshot that cannot be trusted is ignored and reported ----------------------------------------


def reopen_ignoring(path: Path, why: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_registry(path, snapshots=MANUAL) as stored:
            report = stored.snapshot_report
            with open_registry(path, snapshots=SnapshotPolicy(use=False, every=None, on_close=False)) as full:
                assert everything(stored.registry) == everything(full.registry)
    assert report.used is None and report.replayed == full.seq
    assert report.ignored is not None and why in report.ignored, report.ignored
    assert any(issubclass(w.category, SnapshotIgnored) and why in str(w.message) for w in caught)


def sqlite_rows(path: Path) -> tuple[str, bytes]:
    with sqlite3.connect(path) as db:
        meta, image = db.execute("SELECT meta, image FROM snapshots").fetchone()
    return str(meta), bytes(image)


def sqlite_put(path: Path, meta: str, image: bytes) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE snapshots SET meta = ?, image = ?", (meta, image))
    db.close()


def jsonl_parts(path: Path) -> tuple[str, bytes]:
    meta, _, image = (path.with_name(path.name + ".snapshot")).read_bytes().partition(b"\n")
    return meta.decode(), image


def jsonl_put(path: Path, meta: str, image: bytes) -> None:
    path.with_name(path.name + ".snapshot").write_bytes(meta.encode() + b"\n" + image)


STORES = {"events.sqlite": (sqlite_rows, sqlite_put), "events.jsonl": (jsonl_parts, jsonl_put)}


def with_snapshot(path: Path) -> None:
    with open_registry(path) as stored:
        stored.submit_all(story())


@pytest.mark.parametrize("name", list(STORES))
def test_a_damaged_image_is_ignored(tmp: Path, name: str) -> None:
    path = tmp / name
    with_snapshot(path)
    get, put = STORES[name]
    meta, image = get(path)
    put(path, meta, image[:100] + bytes([image[100] ^ 1]) + image[101:])
    reopen_ignoring(path, "does not match its checksum")


@pytest.mark.parametrize("name", list(STORES))
def test_a_damaged_description_is_ignored(tmp: Path, name: str) -> None:
    path = tmp / name
    with_snapshot(path)
    get, put = STORES[name]
    meta, image = get(path)
    put(path, meta[:-5], image)
    reopen_ignoring(path, "not JSON")


@pytest.mark.parametrize("name", list(STORES))
def test_another_format_version_is_ignored(tmp: Path, name: str) -> None:
    path = tmp / name
    with_snapshot(path)
    get, put = STORES[name]
    meta, image = get(path)
    put(path, json.dumps({**json.loads(meta), "format_version": 99}), image)
    reopen_ignoring(path, "snapshot format version 99")


@pytest.mark.parametrize("name", list(STORES))
def test_an_image_of_another_release_is_ignored(tmp: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp / name
    monkeypatch.setattr(icoc, "__version__", "0.0.1")
    with_snapshot(path)
    monkeypatch.undo()
    reopen_ignoring(path, "of icoc 0.0.1")


@pytest.mark.parametrize("name", list(STORES))
def test_a_snapshot_taken_with_other_rules_is_ignored(tmp: Path, name: str) -> None:
    path = tmp / name
    with open_registry(path, rules=None) as stored:
        stored.submit_all(story())
    reopen_ignoring(path, "other rules")


@pytest.mark.parametrize("name", list(STORES))
def test_a_snapshot_of_a_replaced_store_is_stale(tmp: Path, name: str) -> None:
    path = tmp / name
    with_snapshot(path)
    get, put = STORES[name]
    meta, image = get(path)
    # The store is replaced by another with fewer events, then by one with as many, but different.
    other = admission("zeta", date(2023, 1, 1)) + admission("eta", date(2023, 1, 2))
    other += [Suspended(subject=s, effective=date(2023, 2, 1), reason="test") for s in ("zeta", "eta")]
    for events in (story()[:3], other):
        for p in tmp.iterdir():
            p.unlink()
        with open_registry(path, snapshots=MANUAL) as stored:
            stored.submit_all(events)
        if name.endswith(".sqlite"):
            with sqlite3.connect(path) as db:
                db.execute(
                    "CREATE TABLE snapshots (id INTEGER PRIMARY KEY CHECK (id = 1), meta TEXT NOT NULL, "
                    "image BLOB NOT NULL)"
                )
                db.execute("INSERT INTO snapshots VALUES (1, ?, ?)", (meta, image))
            db.close()
        else:
            put(path, meta, image)
        reopen_ignoring(path, "stale")


def test_an_image_naming_other_code_does_not_load() -> None:
    import pickle

    evil = pickle.dumps(("icoc.registry-image", 1, icoc.__version__, 0, None, print))
    with pytest.raises(InvalidInput, match=r"may not name builtins\.print"):
        Registry.from_image(evil, lambda: iter(()))


def test_format_1_stores_keep_no_snapshots(tmp: Path) -> None:
    store = SqliteStore(tmp / "events.sqlite")
    store.format_version = 1
    store._chained = False
    with pytest.raises(InvalidInput, match="format-1"):
        store.save_snapshot(1, b"")
    store.close()
    jstore = JsonLinesStore(tmp / "events.jsonl")
    jstore._chained = False
    with pytest.raises(InvalidInput, match="format-1"):
        jstore.save_snapshot(1, b"")
    jstore.close()


def test_a_store_lacking_derived_events_gets_no_snapshot(tmp: Path) -> None:
    path = tmp / "events.sqlite"
    with SqliteStore(path) as store:  # raw appends: the rules derive more on replay than is stored
        store.append(admission("acme", date(2023, 5, 10)), 0)
        store.append([Suspended(subject="acme", effective=date(2030, 1, 1), reason="test")], 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_registry(path) as stored:
            assert len(stored.registry) > stored.seq == 4
            with pytest.raises(InvalidInput, match="lacks events the rules derived"):
                stored.save_snapshot()
    assert any(issubclass(w.category, SnapshotIgnored) and "no snapshot written" in str(w.message) for w in caught)
    with open_registry(path, snapshots=MANUAL) as stored:
        assert stored.snapshot_report.used is None


def test_an_image_covering_other_events_than_stored_is_ignored(tmp: Path) -> None:
    path = tmp / "events.sqlite"
    with_snapshot(path)
    meta, _ = sqlite_rows(path)
    other = Registry.from_history(story()[:3]).image()  # a sound image, of 3 events, stored for 8
    described = json.loads(meta)
    described.update(size=len(other), sha256=hashlib.sha256(other).hexdigest())
    sqlite_put(path, json.dumps(described), other)
    reopen_ignoring(path, "covers 3 events, not the 8")


def test_history_before_the_snapshot_after_closing_says_why(tmp: Path) -> None:
    path = tmp / "events.jsonl"
    with_snapshot(path)
    with open_registry(path) as stored:
        registry = stored.registry
        assert registry.state_of("acme") is not None  # the state needs no events
    with pytest.raises(InvalidInput, match="read the history before closing"):
        registry.history  # noqa: B018


# --- opening from a snapshot verifies the checksum chain from the snapshot's event on -------------


def test_opening_from_a_snapshot_verifies_the_rows_after_it(tmp: Path) -> None:
    path = tmp / "events.sqlite"
    with open_registry(path, snapshots=MANUAL) as stored:
        stored.submit_all(story()[:6])
        stored.save_snapshot()
        stored.submit_all(story()[6:])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET event = replace(event, '\"beta\"', '\"beto\"') WHERE seq = 8")
    with pytest.raises(StoreCorrupted, match="event 8 does not match its checksum"):
        open_registry(path, snapshots=MANUAL)


def test_a_row_before_the_snapshot_is_verified_when_the_history_is_read(tmp: Path) -> None:
    path = tmp / "events.sqlite"
    with_snapshot(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET event = replace(event, '\"acme\"', '\"acmx\"') WHERE seq = 2")
    with open_registry(path, snapshots=MANUAL) as stored:
        assert stored.snapshot_report.used == 8
        assert stored.registry.state_of("beta") == "suspended"
        with pytest.raises(StoreCorrupted, match="event 2 does not match its checksum"):
            _ = stored.registry.history
    with pytest.raises(StoreCorrupted, match="event 2"):
        SqliteStore(path)  # opened directly, the whole chain is verified at once
    with SqliteStore(path, check=False) as store:
        assert store.verify(8) == 8  # the part after the snapshot is sound
        with pytest.raises(StoreCorrupted, match="event 2"):
            store.verify()
