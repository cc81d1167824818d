"""Stores that know their own integrity: hand edits a careless or hostile person could make
(a dropped table, a file cut short, an edited field, two batches swapped and renumbered) are
reported as StoreCorrupted naming the first bad sequence number and never replayed; a full disk
is reported as a full disk; a writer that loses a race reads only the events it missed; format
version 1 stores are still read."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icoc.errors import StoreConflict, StoreCorrupted, StoreFull
from icoc.model.events import Event
from icoc.store import JsonLinesStore, SqliteStore, open_registry, replay
from test_store import KINDS, batch_for, make_store, store_path


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def filled(kind: str, tmp_path: Path) -> Path:
    """Two batches: seq 1-3 and seq 4-9."""
    path = store_path(kind, tmp_path)
    with make_store(kind, path) as store:
        store.append(batch_for(1, 1), 0)
        store.append(batch_for(4, 2), 3)
    return path


def refused(kind: str, path: Path) -> StoreCorrupted:
    """Opening refuses the store, and so does replaying it through a registry."""
    with pytest.raises(StoreCorrupted) as info:
        make_store(kind, path)
    with pytest.raises(StoreCorrupted):
        open_registry(path)
    return info.value


# --- JSON lines -----------------------------------------------------------------------------------


def jsonl_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_a_jsonl_file_cut_back_to_its_header_is_refused(tmp_path: Path) -> None:
    path = filled("jsonl", tmp_path)
    path.write_bytes(jsonl_lines(path)[0])
    error = refused("jsonl", path)
    assert error.seq == 1 and "header records 9" in str(error)


def test_a_jsonl_file_cut_at_a_batch_boundary_is_refused(tmp_path: Path) -> None:
    path = filled("jsonl", tmp_path)
    path.write_bytes(b"".join(jsonl_lines(path)[:4]))  # header + the first batch: looks whole
    error = refused("jsonl", path)
    assert error.seq == 4 and "restore" in str(error)
    with JsonLinesStore(path, check=False) as store, pytest.raises(StoreCorrupted):
        store.repair()  # acknowledged events are never "repaired" away
    assert len(jsonl_lines(path)) == 4


def test_an_edited_jsonl_field_is_refused(tmp_path: Path) -> None:
    path = filled("jsonl", tmp_path)
    lines = jsonl_lines(path)
    assert b'"co-4"' in lines[5]
    lines[5] = lines[5].replace(b'"co-4"', b'"co-X"')  # seq 5: a changed name
    path.write_bytes(b"".join(lines))
    error = refused("jsonl", path)
    assert (error.seq, error.line) == (5, 6)


def test_swapped_and_renumbered_jsonl_batches_are_refused(tmp_path: Path) -> None:
    path = filled("jsonl", tmp_path)
    lines = jsonl_lines(path)
    records = [json.loads(line) for line in lines[1:]]
    second, first = records[3:], records[:3]
    renumbered = []
    for seq, record in enumerate(second + first, 1):
        record["seq"] = seq
        record["end"] = 6 if seq <= 6 else 9
        renumbered.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
    path.write_bytes(lines[0] + b"".join(renumbered))
    assert refused("jsonl", path).seq == 1


def test_jsonl_damage_after_opening_is_caught_when_read(tmp_path: Path) -> None:
    path = filled("jsonl", tmp_path)
    with JsonLinesStore(path) as store:
        lines = jsonl_lines(path)
        lines[2] = lines[2].replace(b'"co-1"', b'"co-Y"')
        path.write_bytes(b"".join(lines))
        with pytest.raises(StoreCorrupted) as info:
            list(store.read())
        assert info.value.seq == 2


# --- SQLite ---------------------------------------------------------------------------------------


def test_a_dropped_events_table_is_refused_not_recreated(tmp_path: Path) -> None:
    path = filled("sqlite", tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE events")
    error = refused("sqlite", path)
    assert error.seq == 1 and "events table is missing" in str(error)
    with sqlite3.connect(path) as conn:  # still missing: opening changed nothing
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "events" not in tables


def test_deleted_sqlite_batches_are_refused(tmp_path: Path) -> None:
    path = filled("sqlite", tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM events WHERE seq > 3")  # a whole batch: the rest looks sound
    error = refused("sqlite", path)
    assert error.seq == 4 and "records 9" in str(error)


def test_an_edited_sqlite_field_is_refused(tmp_path: Path) -> None:
    path = filled("sqlite", tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET event = replace(event, '\"co-4\"', '\"co-X\"') WHERE seq = 5")
        assert conn.total_changes == 1
    assert refused("sqlite", path).seq == 5


def test_swapped_and_renumbered_sqlite_batches_are_refused(tmp_path: Path) -> None:
    path = filled("sqlite", tmp_path)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT seq, batch_end, hash, event FROM events ORDER BY seq").fetchall()
        conn.execute("DELETE FROM events")
        swapped = rows[3:] + rows[:3]
        conn.executemany(
            "INSERT INTO events (seq, batch_end, hash, event) VALUES (?, ?, ?, ?)",
            [(seq, 6 if seq <= 6 else 9, h, e) for seq, (_, _, h, e) in enumerate(swapped, 1)],
        )
    assert refused("sqlite", path).seq == 1


@pytest.mark.parametrize(
    ("statement", "first_bad"),
    [
        ("DELETE FROM events WHERE seq = 5", 5),
        ("DELETE FROM events WHERE seq = 1", 1),
        ("UPDATE events SET seq = seq + 100 WHERE seq > 6", 7),
        ("DELETE FROM events WHERE seq = 9", 4),  # the batch 4..9 is half there: as JSON lines names it
    ],
)
def test_deleted_or_renumbered_sqlite_rows_name_the_first_missing_seq(
    statement: str, first_bad: int, tmp_path: Path
) -> None:
    path = filled("sqlite", tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute(statement)
    error = refused("sqlite", path)
    assert error.seq == first_bad and f"first bad event: {first_bad}" in str(error)


def test_an_empty_sqlite_file_is_not_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    path.write_bytes(b"")
    error = refused("sqlite", path)
    assert "empty file, not an icoc store" in str(error)
    assert path.read_bytes() == b""  # left as it was
    fresh = tmp_path / "new.sqlite"
    with SqliteStore(fresh) as store:  # a path that does not exist is still created
        assert store.last() == 0


# --- both -----------------------------------------------------------------------------------------


def test_an_untouched_store_opens_and_replays(kind: str, tmp_path: Path) -> None:
    path = filled(kind, tmp_path)
    with make_store(kind, path) as store:
        assert store.check() == 9
    registry, seq = replay(make_store(kind, path))
    with registry:
        assert seq == 9 and list(registry.history) == batch_for(1, 1) + batch_for(4, 2)


FULL_DISK_WRITER = textwrap.dedent(
    """
    import os, resource, signal, sys
    sys.path[:0] = [sys.argv[3], sys.argv[4]]
    from test_store import batch_for, make_store
    from icoc.errors import StoreFull
    kind, path = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    limit = os.path.getsize(path) + 16384
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        with make_store(kind, path) as store:
            store.append(batch_for(4, 300), 3)
    except StoreFull as exc:
        print("full:", exc)
    """
)


def test_a_full_disk_is_reported_as_a_full_disk(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    with make_store(kind, path) as store:
        store.append(batch_for(1, 1), 0)
    tests, src = Path(__file__).parent, Path(__file__).parent.parent / "src"
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK_WRITER, kind, str(path), str(tests), str(src)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("full:") and "the disk is full" in done.stdout
    assert "damaged" not in done.stdout
    with make_store(kind, path) as store:  # nothing of the batch, nothing lost
        assert store.check() == 3 and [e for _, e in store.read()] == batch_for(1, 1)
        assert store.append(batch_for(4, 1), 3) == 6  # and the store still works


def test_store_full_is_not_store_corrupted() -> None:
    assert not issubclass(StoreFull, StoreCorrupted)


class CountingStore:
    """A store that records which events each read asked for."""

    def __init__(self, inner: JsonLinesStore | SqliteStore) -> None:
        self.inner = inner
        self.path = inner.path
        self.reads: list[tuple[int, int]] = []  # (after, events yielded)

    def append(self, events: Any, expected_last: int) -> int:
        return self.inner.append(events, expected_last)

    def read(self, after: int = 0) -> Iterator[tuple[int, Event]]:
        n = 0
        for item in self.inner.read(after):
            n += 1
            yield item
        self.reads.append((after, n))

    def last(self) -> int:
        return self.inner.last()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> CountingStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_a_writer_that_loses_a_race_reads_only_what_it_missed(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    with open_registry(path) as a, open_registry(CountingStore(make_store(kind, path))) as b:  # type: ignore[arg-type]
        a.submit_all(batch_for(1, 5, "a"))  # 15 events
        with pytest.raises(StoreConflict):
            b.submit_all(batch_for(16, 1, "b"))  # b knew 0: conflict, and b catches up
        assert b.submit_all(batch_for(16, 1, "b")) == 18
        a.refresh()
        store = b.store
        assert isinstance(store, CountingStore)
        store.reads.clear()
        a.submit_all(batch_for(19, 1, "a"))
        with pytest.raises(StoreConflict):
            b.submit_all(batch_for(22, 1, "b"))
        assert store.reads == [(18, 3)]  # only a's last batch, no replay from 0
        assert b.seq == 21 and b.registry.history == a.registry.history
        assert b.submit_all(batch_for(22, 1, "b")) == 24


def test_format_version_1_stores_are_still_read_and_appended(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    events = batch_for(1, 1)
    texts = [json.dumps(e, separators=(",", ":")) for e in _plain(events)]
    if kind == "jsonl":
        lines = ['{"format":"icoc.events","format_version":1}\n']
        lines += [f'{{"seq":{i},"end":3,"event":{t}}}\n' for i, t in enumerate(texts, 1)]
        path.write_text("".join(lines), encoding="utf-8")
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE events (seq INTEGER PRIMARY KEY, batch_end INTEGER NOT NULL, event TEXT NOT NULL)"
            )
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("format", "icoc.events"), ("format_version", "1")])
            conn.executemany("INSERT INTO events VALUES (?, 3, ?)", list(enumerate(texts, 1)))
        conn.close()
    with make_store(kind, path) as store:
        assert store.format_version == 1
        assert [e for _, e in store.read()] == events
        assert store.append(batch_for(4, 1), 3) == 6
    with make_store(kind, path) as store:
        assert store.check() == 6


def _plain(events: list[Event]) -> list[Any]:
    from icoc.io import converter

    return [converter.unstructure(e) for e in events]


def test_the_trusted_decoder_refuses_a_damaged_cause_even_after_an_equal_good_one() -> None:
    """A cause that lost a key and gained another keeps four keys: it must not be matched with the
    fact-less cause already built in the same read (its extra field would be dropped silently)."""
    from datetime import date

    from icoc.errors import InvalidInput
    from icoc.io import unstructure
    from icoc.store._base import decode_event, trusted_decoder
    from icoc.testing import admit

    good = unstructure(admit("acme", date(2023, 5, 10))[-1])
    assert set(good["cause"]) == {"actor", "rule", "citation", "facts"}
    damaged = json.loads(json.dumps(good))
    del damaged["cause"]["citation"]
    damaged["cause"]["due"] = "2024-01-01"
    decode = trusted_decoder()
    assert decode(good) == decode_event(good)
    with pytest.raises(InvalidInput) as caught:
        decode(damaged)
    assert "$.cause.due" in str(caught.value)
