"""Event stores: round trips, optimistic concurrency, damage detection and repair, crash tests
that SIGKILL a writer at random moments, and two writers appending to one store at once.

This file is also the writer those tests start: ``python tests/test_store.py writer ...``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from icoc.errors import InvalidInput, StoreConflict, StoreCorrupted
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    ComplaintReceived,
    DueDiligenceStarted,
    Event,
    Suspended,
)
from icoc.model.members import ServiceDomain
from icoc.store import (
    STORE_FORMAT_VERSION,
    EventStore,
    JsonLinesStore,
    SqliteStore,
    open_registry,
    open_store,
    replay,
)

KINDS = ("jsonl", "sqlite")
START = date(2020, 1, 6)


def make_store(kind: str, path: Path, **kw: bool) -> JsonLinesStore | SqliteStore:
    return JsonLinesStore(path, **kw) if kind == "jsonl" else SqliteStore(path, **kw)


def store_path(kind: str, directory: Path) -> Path:
    return directory / ("events.jsonl" if kind == "jsonl" else "events.sqlite")


def admission(subject: str, on: date) -> list[Event]:
    """The three events that admit a company: each is legal only after the one before."""
    return [
        ApplicationSubmitted(
            subject=subject,
            effective=on,
            applicant=ApplicantKind.COMPANY,
            name=f"Company {subject}",
            country="GB",
            provides_security_services=True,
            services=(ServiceDomain.LAND,),
        ),
        DueDiligenceStarted(subject=subject, effective=on),
        Admitted(subject=subject, effective=on, admission=Admission.MEMBER),
    ]


def batch_for(first_seq: int, companies: int, prefix: str = "co") -> list[Event]:
    """The batch a writer appends at ``first_seq``: a function of its position alone, so the test
    can rebuild every batch it was told about (and the one in flight when the writer died)."""
    out: list[Event] = []
    for k in range(companies):
        seq = first_seq + 3 * k
        out += admission(f"{prefix}-{seq}", START + timedelta(days=seq % 2000))
    return out


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- the protocol -------------------------------------------------------------------------------


def test_both_stores_implement_the_protocol(kind: str, tmp_path: Path) -> None:
    with make_store(kind, store_path(kind, tmp_path)) as store:
        assert isinstance(store, EventStore)
        assert store.last() == 0 and list(store.read()) == []
        assert store.format_version == STORE_FORMAT_VERSION


def test_append_read_and_reopen(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    first = batch_for(1, 2)
    second = [
        Suspended(subject="co-1", effective=date(2024, 1, 1), reason="Bad faith — “dialogue” refused"),
        ComplaintReceived(subject="CMP-1", effective=date(2024, 2, 1), company="co-4"),
    ]
    with make_store(kind, path) as store:
        assert store.append(first, 0) == 6
        assert store.append([], 6) == 6  # an empty batch changes nothing
        assert store.append(second, 6) == 8
        assert [s for s, _ in store.read()] == list(range(1, 9))
        assert [e for _, e in store.read(5)] == [first[5], *second]
        assert list(store.read(8)) == []
    with make_store(kind, path) as again:  # everything survives closing, faithfully (no redaction)
        assert again.last() == 8
        assert [e for _, e in again.read()] == [*first, *second]


def test_optimistic_concurrency_refuses_a_stale_append(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    with make_store(kind, path) as a, make_store(kind, path) as b:
        a.append(batch_for(1, 1), 0)
        with pytest.raises(StoreConflict) as info:
            b.append(batch_for(1, 1), 0)
        assert (info.value.expected, info.value.actual) == (0, 3)
        assert "another writer" in str(info.value)
        assert b.last() == 3 and b.append(batch_for(4, 1), 3) == 6
        assert a.last() == 6 and [s for s, _ in a.read(3)] == [4, 5, 6]


def test_bad_arguments_are_refused_and_change_nothing(kind: str, tmp_path: Path) -> None:
    with make_store(kind, store_path(kind, tmp_path)) as store:
        with pytest.raises(InvalidInput):
            store.append(["not an event"], 0)  # type: ignore[list-item]
        with pytest.raises(InvalidInput):
            store.append(batch_for(1, 1), -1)
        assert store.last() == 0


def test_open_store_by_suffix_and_missing_stores(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as s:
        assert isinstance(s, SqliteStore)
    with open_store(tmp_path / "a.jsonl") as j:
        assert isinstance(j, JsonLinesStore)
    for kind in KINDS:
        with pytest.raises(InvalidInput, match="no such event store"):
            make_store(kind, tmp_path / f"missing.{kind}", create=False)


def test_a_newer_format_version_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "new.jsonl"
    path.write_text('{"format":"icoc.events","format_version":99}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="format version 99 is newer"):
        JsonLinesStore(path)
    db = tmp_path / "new.sqlite"
    SqliteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    with pytest.raises(InvalidInput, match="format version 99 is newer"):
        SqliteStore(db)


def test_foreign_files_are_reported_not_overwritten(tmp_path: Path) -> None:
    text = tmp_path / "notes.jsonl"
    text.write_text("hello\n", encoding="utf-8")
    with pytest.raises(StoreCorrupted, match="header"):
        JsonLinesStore(text)
    assert text.read_text(encoding="utf-8") == "hello\n"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupted, match="not an icoc event store"):
        SqliteStore(junk)


# --- damage: detected, reported with its line, repaired only on request -------------------------


def _filled_jsonl(tmp_path: Path) -> tuple[Path, bytes]:
    """A store as a crash while the second batch was being written leaves it: the header is
    rewritten only after a batch is durable, so it still records the first batch. Cutting this
    file inside the second batch is what a crash can do; cutting an acknowledged file is not."""
    path = tmp_path / "events.jsonl"
    with JsonLinesStore(path) as store:
        store.append(batch_for(1, 1), 0)  # seq 1-3: lines 2-4
        header = path.read_bytes().splitlines(keepends=True)[0]
        store.append(batch_for(4, 2), 3)  # seq 4-9: lines 5-10
    full = header + b"".join(path.read_bytes().splitlines(keepends=True)[1:])
    path.write_bytes(full)
    return path, full


def rechained(lines: list[bytes]) -> list[bytes]:
    """``lines`` (header first) with every checksum and the header recomputed, as someone who
    knows the format would after editing a record by hand."""
    digest, out = "0" * 64, []
    for line in lines[1:]:
        head = re.match(rb'\{"seq":(\d+),"end":(\d+),(?:"hash":"[0-9a-f]{64}",)?"event":', line)
        assert head is not None
        seq, end, event = int(head[1]), int(head[2]), line[head.end() : -2]
        digest = hashlib.sha256(digest.encode() + b"%d:%d:" % (seq, end) + event).hexdigest()
        out.append(b'{"seq":%d,"end":%d,"hash":"%s","event":%s}\n' % (seq, end, digest.encode(), event))
    header = json.loads(lines[0])
    count = int(re.match(rb'\{"seq":(\d+)', out[-1])[1]) if out else 0  # type: ignore[index]
    header.update(count=count, hash=digest)
    return [json.dumps(header, separators=(",", ":")).encode().ljust(len(lines[0]) - 1) + b"\n", *out]


def test_every_truncation_inside_the_last_batch_is_detected_and_repaired(tmp_path: Path) -> None:
    path, full = _filled_jsonl(tmp_path)
    lines = full.splitlines(keepends=True)
    committed = len(b"".join(lines[:4]))  # header + the first batch
    for cut in sorted(random.Random(7).sample(range(committed + 1, len(full)), 25)):
        path.write_bytes(full[:cut])
        with pytest.raises(StoreCorrupted) as info:
            JsonLinesStore(path)
        assert info.value.line is not None and 5 <= info.value.line <= 10
        assert "repair()" in str(info.value)
        with JsonLinesStore(path, check=False) as store:
            with pytest.raises(StoreCorrupted):
                store.last()  # every call reports it until it is repaired
            with pytest.raises(StoreCorrupted):
                store.append(batch_for(4, 1), 3)
            report = store.repair()
            assert report.repaired and report.last == 3 and report.removed_bytes == cut - committed
            assert store.last() == 3 and [e for _, e in store.read()] == batch_for(1, 1)
        assert path.read_bytes() == full[:committed]


def test_a_missing_final_newline_is_a_torn_line(tmp_path: Path) -> None:
    path, full = _filled_jsonl(tmp_path)
    path.write_bytes(full[:-1])
    with pytest.raises(StoreCorrupted, match=r"batch 4\.\.9 was interrupted after event 8 and a torn line") as info:
        JsonLinesStore(path)
    assert info.value.line == 5  # where the interrupted batch starts
    single = tmp_path / "single.jsonl"
    with JsonLinesStore(single) as store:
        store.append(batch_for(1, 1), 0)
        header = single.read_bytes().splitlines(keepends=True)[0]  # as a crash leaves it: see _filled_jsonl
        store.append([Suspended(subject="co-1", effective=date(2024, 1, 1), reason="r")], 3)  # one line...
    single.write_bytes(header + b"".join(single.read_bytes().splitlines(keepends=True)[1:])[:-1])  # ...torn
    with pytest.raises(StoreCorrupted, match="the last line is truncated") as info:
        JsonLinesStore(single)
    assert info.value.line == 5
    with JsonLinesStore(single, check=False) as store:
        assert (store.repair().removed_lines, store.last()) == (1, 3)


def test_an_interrupted_batch_names_its_first_line(tmp_path: Path) -> None:
    path, full = _filled_jsonl(tmp_path)
    lines = full.splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:7]))  # seq 4, 5, 6 of the batch 4..9
    with pytest.raises(StoreCorrupted, match=r"batch 4\.\.9 was interrupted after event 6") as info:
        JsonLinesStore(path)
    assert info.value.line == 5
    with JsonLinesStore(path, check=False) as store:
        report = store.repair()
        assert (report.last, report.removed_lines) == (3, 3)
        assert store.repair().repaired is False  # nothing left to do


def test_damage_before_the_tail_is_reported_and_never_repaired(tmp_path: Path) -> None:
    path, full = _filled_jsonl(tmp_path)
    lines = full.splitlines(keepends=True)
    lines[2] = b'{"seq":2,"end":3,"event":{"type":"no_such_event"}}\n'  # no checksum
    path.write_bytes(b"".join(lines))
    with pytest.raises(StoreCorrupted, match="not a stored event record") as info:
        JsonLinesStore(path)  # opening verifies every record
    assert (info.value.line, info.value.seq) == (3, 2)
    path.write_bytes(b"".join(rechained(lines)))  # checksums that fit: only decoding can tell
    with JsonLinesStore(path) as store:
        with pytest.raises(StoreCorrupted, match="event 2 does not load") as info:
            store.check()
        assert (info.value.line, info.value.seq) == (3, 2)
        assert store.repair().repaired is False
    lines[2] = b"garbage\n"
    path.write_bytes(b"".join(lines[:6]) + b"garbage\n")
    with JsonLinesStore(path, check=False) as store, pytest.raises(StoreCorrupted, match="backup"):
        store.repair()
    assert path.read_bytes() == b"".join(lines[:6]) + b"garbage\n"  # untouched


def test_sqlite_reports_a_half_applied_batch(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    with SqliteStore(path) as store:
        store.append(batch_for(1, 2), 0)
    with sqlite3.connect(path) as conn:  # what no crash can do, but a bad copy might
        conn.execute("DELETE FROM events WHERE seq = 6")
    with pytest.raises(StoreCorrupted, match="batch ending at 6 stops at event 5"):
        SqliteStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM events WHERE seq = 2")
        conn.execute("UPDATE events SET batch_end = 5 WHERE seq = 5")
    with pytest.raises(StoreCorrupted, match="4 events stored for last sequence number 5"):
        SqliteStore(path)
    with SqliteStore(path, check=False) as store, pytest.raises(StoreCorrupted, match="event 2 is missing"):
        store.check()


# --- registries over stores -----------------------------------------------------------------------


def test_a_stored_registry_appends_what_it_accepts_and_replays_equal(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    with open_registry(make_store(kind, path)) as stored:
        assert stored.seq == 0
        assert stored.submit_all(batch_for(1, 2)) == 6
        # The rules due before 2024-01-01 fire first (the clock moves with inputs): they are stored too.
        seq = stored.submit(Suspended(subject="co-1", effective=date(2024, 1, 1), reason="bad faith"))
        assert seq == len(stored.registry.history) > 7 and stored.store.last() == seq
        with pytest.raises(Exception, match=r"refused|no transition"):
            stored.submit(Suspended(subject="co-1", effective=date(2024, 2, 1), reason="again"))
        assert stored.seq == seq and stored.store.last() == seq  # a refused event is not stored
        derived = stored.advance_to(date(2027, 6, 1))
        assert derived and stored.seq == seq + len(derived)
        history, snapshot = stored.registry.history, stored.registry.snapshot()
    registry, seq = replay(make_store(kind, path))
    with registry:
        assert seq == len(history) and registry.history == history and registry.snapshot() == snapshot
        assert registry.advance_to(date(2027, 6, 1)) == []  # derived events were stored, not re-fired


def test_a_conflicting_writer_reloads_and_can_retry(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    with open_registry(path) as a, open_registry(make_store(kind, path)) as b:
        a.submit_all(batch_for(1, 1, "a"))
        with pytest.raises(StoreConflict):
            b.submit_all(batch_for(1, 1, "b"))
        assert b.seq == 3 and b.registry.history == a.registry.history  # reloaded from the store
        assert b.submit_all(batch_for(1, 1, "b")) == 6
        assert a.refresh() == 3 and a.registry.history == b.registry.history


def test_open_registry_refuses_what_is_not_a_store() -> None:
    with pytest.raises(InvalidInput, match="EventStore"):
        open_registry(42)  # type: ignore[arg-type]


# --- crash tests: SIGKILL a writer at random moments ---------------------------------------------


def _writer_main(argv: list[str]) -> int:
    """Append batches through a StoredRegistry until killed; print ``first last`` per
    acknowledged batch (after append returned), flushed at once."""
    kind, path, seed, prefix, count = argv[0], Path(argv[1]), int(argv[2]), argv[3], int(argv[4])
    rng = random.Random(seed)
    done = 0
    # Crash safety of the store, not rules: the registry applies the events as written.
    with open_registry(make_store(kind, path), rules=None) as stored:
        print("ready", stored.seq, flush=True)
        while count < 0 or done < count:
            first = stored.seq + 1
            batch = batch_for(first, rng.randint(1, 10), prefix)
            try:
                last = stored.submit_all(batch)
            except StoreConflict:
                continue  # the registry reloaded itself: rebuild the batch at the new position
            print(first, last, flush=True)
            done += 1
    return 0


def _spawn(kind: str, path: Path, seed: int, prefix: str = "co", count: int = -1) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "writer", kind, str(path), str(seed), prefix, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acknowledged(out: str) -> list[tuple[int, int]]:
    """The batches the writer acknowledged: complete lines only (a SIGKILL can cut the last
    one mid-print, and a half-printed acknowledgement was never made)."""
    acks = []
    for line in out.split("\n")[:-1]:
        a, b = line.split()
        if a != "ready":
            acks.append((int(a), int(b)))
    return acks


def _expected(batches: list[tuple[int, int]], prefix: str = "co") -> Iterator[Event]:
    for first, last in batches:
        yield from batch_for(first, (last - first + 1) // 3, prefix)


def test_a_killed_writer_loses_nothing_acknowledged_and_duplicates_nothing(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    rng = random.Random(2026)
    acknowledged: list[tuple[int, int]] = []
    kills = 0
    deadline = time.monotonic() + 30
    while kills < 6 and time.monotonic() < deadline:
        writer = _spawn(kind, path, rng.randrange(10**6))
        assert writer.stdout is not None
        ready = writer.stdout.readline()
        assert ready.startswith("ready"), writer.stderr.read() if writer.stderr else ready
        time.sleep(rng.uniform(0.0, 0.4))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        kills += 1
        acknowledged += _acknowledged(out)
        # Reopen: the store opens cleanly (or, for a torn JSON-lines tail, is repaired explicitly)
        # and holds every acknowledged batch, in order, once.
        try:
            store = make_store(kind, path)
        except StoreCorrupted:
            store = make_store(kind, path, check=False)
            report = store.repair()
            assert report.repaired and report.last >= (acknowledged[-1][1] if acknowledged else 0)
        with store:
            last = store.last()
            stored = [e for _, e in store.read()]
        acked = acknowledged[-1][1] if acknowledged else 0
        assert last >= acked
        expected = list(_expected(acknowledged))
        assert stored[: len(expected)] == expected
        if last > acked:  # the batch in flight when the writer died reached the disk, whole
            in_flight = stored[len(expected) :]
            assert in_flight == batch_for(acked + 1, len(in_flight) // 3) and len(in_flight) % 3 == 0
            acknowledged.append((acked + 1, last))  # the next writer builds on it
    assert kills >= 3 and acknowledged, "the writer never got to append"
    registry, seq = replay(make_store(kind, path), rules=None)  # the store's events as written
    with registry:
        assert registry.history == tuple(_expected(acknowledged)) and seq == acknowledged[-1][1]
        assert len(set(registry.history)) == len(registry.history)  # nothing twice


def test_two_writers_interleave_without_losing_or_duplicating(kind: str, tmp_path: Path) -> None:
    path = store_path(kind, tmp_path)
    make_store(kind, path).close()
    per_writer = 12
    writers = [_spawn(kind, path, seed, prefix, per_writer) for seed, prefix in ((1, "a"), (2, "b"))]
    outs = []
    for w in writers:
        out, err = w.communicate(timeout=60)
        assert w.returncode == 0, err
        outs.append(_acknowledged(out))
    registry, seq = replay(make_store(kind, path), rules=None)
    with registry:
        history = registry.history
    batches = sorted((first, last, prefix) for acks, prefix in zip(outs, "ab", strict=True) for first, last in acks)
    assert [len(acks) for acks in outs] == [per_writer, per_writer]
    assert seq == len(history) == batches[-1][1]
    position = 1
    for first, last, prefix in batches:  # contiguous, each batch whole and exactly once
        assert first == position
        assert list(history[first - 1 : last]) == batch_for(first, (last - first + 1) // 3, prefix)
        position = last + 1
    assert len({e.subject for e in history}) == len(history) // 3


if __name__ == "__main__" and sys.argv[1:2] == ["writer"]:
    sys.exit(_writer_main(sys.argv[2:]))


def test_a_json_lines_store_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    """A directory, or a path whose folder does not exist, is an InvalidInput naming the path
    (was a bare IsADirectoryError / FileNotFoundError from os.open)."""
    (tmp_path / "d.jsonl").mkdir()
    for path in (tmp_path / "d.jsonl", tmp_path / "nodir" / "x.jsonl"):
        with pytest.raises(InvalidInput, match=rf"^{re.escape(str(path))}: cannot open the event store: "):
            open_store(path)
        with pytest.raises(InvalidInput, match=rf"^{re.escape(str(path))}: cannot open the event store: "):
            open_registry(path)
    assert not list((tmp_path).glob("**/.*.new"))
