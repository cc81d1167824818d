"""An event store in SQLite (standard library ``sqlite3``), WAL mode, one transaction per append.

Tables: ``meta(key, value)`` holds ``format`` and ``format_version``; ``events(seq, batch_end,
event)`` one row per event, ``event`` its JSON. ``synchronous=FULL`` makes a commit durable when
``append`` returns; SQLite rolls an interrupted transaction back when the database is next
opened, so a batch is never half there, and ``batch_end`` lets :meth:`SqliteStore.check` prove it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from icoc.errors import InvalidInput, Problem, StoreConflict, StoreCorrupted
from icoc.model.events import Event
from icoc.store._base import STORE_FORMAT_VERSION, RepairReport, check_batch, decode_event, encode_event

__all__ = ["SqliteStore"]

FORMAT_NAME = "icoc.events"
_PAGE = 5000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, batch_end INTEGER NOT NULL, event TEXT NOT NULL)",
)


class SqliteStore:
    """A durable, append-only event log in an SQLite database (created when missing)."""

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, check: bool = True, timeout: float = 60.0
    ) -> None:
        """Open (or create) the store at ``path``; with ``check`` (the default) the last batch
        and the sequence numbers are checked at once. ``timeout``: seconds to wait for a writer."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise InvalidInput(Problem(str(self.path), "no such event store"))
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreCorrupted(str(self.path), f"cannot open the database: {exc}") from None
        try:
            self._setup()
            if check:
                self._check_tail()
        except BaseException:
            self._db.close()
            raise

    def _fail(self, exc: sqlite3.Error) -> StoreCorrupted:
        return StoreCorrupted(str(self.path), f"the database is damaged or not an icoc event store: {exc}")

    def _setup(self) -> None:
        db = self._db
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreCorrupted(str(self.path), f"cannot switch the database to WAL mode (it is {mode})")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")  # two processes creating the store at once: one waits
            for statement in _SCHEMA:
                db.execute(statement)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if not meta:
                count = db.execute("SELECT count(*) FROM events").fetchone()[0]
                if count:
                    db.execute("ROLLBACK")
                    raise StoreCorrupted(str(self.path), "events without a format version (meta table is empty)")
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", FORMAT_NAME), ("format_version", str(STORE_FORMAT_VERSION))],
                )
                meta = {"format": FORMAT_NAME, "format_version": str(STORE_FORMAT_VERSION)}
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise self._fail(exc) from None
        if meta.get("format") != FORMAT_NAME:
            raise StoreCorrupted(str(self.path), f"the meta table does not name the {FORMAT_NAME!r} format")
        try:
            version = int(meta.get("format_version", ""))
        except ValueError:
            raise StoreCorrupted(str(self.path), f"bad format_version {meta.get('format_version')!r}") from None
        if version > STORE_FORMAT_VERSION:
            raise InvalidInput(
                Problem(
                    str(self.path),
                    f"event store format version {version} is newer than this icoc reads "
                    f"({STORE_FORMAT_VERSION}); upgrade icoc",
                )
            )
        self.format_version = version

    def _check_tail(self) -> int:
        """The last committed row ends its batch, and no sequence number is missing."""
        try:
            row = self._db.execute(
                "SELECT seq, batch_end, (SELECT count(*) FROM events) FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        if row is None:
            return 0
        seq, end, count = row
        if seq != end:
            raise StoreCorrupted(str(self.path), f"batch ending at {end} stops at event {seq} (half applied)")
        if count != seq:
            raise StoreCorrupted(str(self.path), f"{count} events stored for last sequence number {seq}")
        return int(seq)

    # --- the protocol -------------------------------------------------------------------------

    def last(self) -> int:
        try:
            row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return int(row[0] or 0)

    def append(self, events: Sequence[Event], expected_last: int) -> int:
        batch = check_batch(events, expected_last)
        texts = [encode_event(e) for e in batch]
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        try:
            last = int(db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])
            if last != expected_last:
                raise StoreConflict(str(self.path), expected_last, last)
            end = last + len(texts)
            db.executemany(
                "INSERT INTO events (seq, batch_end, event) VALUES (?, ?, ?)",
                ((seq, end, text) for seq, text in enumerate(texts, last + 1)),
            )
            db.execute("COMMIT")
            return end
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._fail(exc) from None
            raise

    def read(self, after: int = 0) -> Iterator[tuple[int, Event]]:
        """Every event after ``after`` up to the last one committed when the read starts."""
        return self._read(after, self.last())

    def _read(self, after: int, stop: int) -> Iterator[tuple[int, Event]]:
        expected = after + 1
        while expected <= stop:
            try:
                rows = self._db.execute(
                    "SELECT seq, event FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                    (expected, stop, _PAGE),
                ).fetchall()
            except sqlite3.Error as exc:
                raise self._fail(exc) from None
            if not rows:
                break
            for seq, text in rows:
                if seq != expected:
                    raise StoreCorrupted(str(self.path), f"event {expected} is missing (next is {seq})")
                try:
                    event = decode_event(json.loads(text))
                except (ValueError, InvalidInput) as exc:
                    raise StoreCorrupted(str(self.path), f"event {seq} does not load: {exc}") from None
                yield seq, event
                expected += 1
        if expected <= stop:
            raise StoreCorrupted(str(self.path), f"event {expected} is missing (last is {stop})")

    # --- maintenance --------------------------------------------------------------------------

    def check(self) -> int:
        """SQLite's integrity check, then every event read and decoded; returns the count."""
        try:
            result = [r[0] for r in self._db.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        if result != ["ok"]:
            raise StoreCorrupted(str(self.path), "integrity check failed: " + "; ".join(map(str, result[:5])))
        n = 0
        for n, _ in self._read(0, self.last()):  # noqa: B007
            pass
        self._check_tail()
        return n

    def repair(self) -> RepairReport:
        """Nothing to drop: SQLite rolls interrupted transactions back by itself. Checks the tail."""
        return RepairReport(last=self._check_tail())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"
