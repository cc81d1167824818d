"""An event store in SQLite (standard library ``sqlite3``), WAL mode, one transaction per append.

Tables: ``meta(key, value)`` holds ``format``, ``format_version``, ``count`` and ``last_hash``;
``events(seq, batch_end, hash, event)`` one row per event, ``event`` its JSON and ``hash`` its
checksum chained to the row before (:func:`~icoc.store._base.chain`). ``synchronous=FULL`` makes a
commit durable when ``append`` returns; SQLite rolls an interrupted transaction back when the
database is next opened, so a batch is never half there, and ``batch_end`` lets
:meth:`SqliteStore.check` prove it. Opening verifies the chain, the count and the last checksum,
so a dropped table, deleted, edited or renumbered rows are reported, not replayed. Version 1
databases (no checksums) are still read and appended to as version 1.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from icoc.errors import InvalidInput, Problem, StoreConflict, StoreCorrupted, StoreFull, preview
from icoc.model.events import Event
from icoc.store._base import (
    GENESIS,
    STORE_FORMAT_VERSION,
    RepairReport,
    SnapshotUnusable,
    chain,
    check_batch,
    check_snapshot,
    encode_event,
    parse_json,
    snapshot_meta,
    trusted_decoder,
)

__all__ = ["SqliteStore"]

FORMAT_NAME = "icoc.events"
_PAGE = 5000

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, batch_end INTEGER NOT NULL, hash TEXT NOT NULL, "
    "event TEXT NOT NULL)",
)
_SNAPSHOT_TABLE = (
    "CREATE TABLE IF NOT EXISTS snapshots (id INTEGER PRIMARY KEY CHECK (id = 1), meta TEXT NOT NULL, "
    "image BLOB NOT NULL)"
)
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_LOW_SPACE = 1 << 20


class SqliteStore:
    """A durable, append-only event log in an SQLite database (created when missing)."""

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, check: bool = True, timeout: float = 60.0
    ) -> None:
        """Open (or create) the store at ``path``; with ``check`` (the default) the last batch,
        the sequence numbers, every row's checksum and the recorded count and last checksum are
        verified at once (:class:`StoreCorrupted` names the first bad sequence number).
        ``timeout``: seconds to wait for a writer."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise InvalidInput(Problem(str(self.path), "no such event store"))
        try:
            empty = self.path.is_file() and self.path.stat().st_size == 0
        except OSError:
            empty = False
        if empty:  # SQLite would make it a new store: a file that lost its content is not one
            raise StoreCorrupted(str(self.path), "empty file, not an icoc store")
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreCorrupted(str(self.path), f"cannot open the database: {exc}") from None
        try:
            self._recorded = (0, GENESIS)
            self._setup()
            if check:
                self._check_tail()
                self._verify()
        except BaseException:
            self._db.close()
            raise

    def _fail(self, exc: sqlite3.Error) -> StoreCorrupted | StoreFull:
        code = getattr(exc, "sqlite_errorcode", None)
        if (code is not None and code & 0xFF == _SQLITE_FULL) or "disk is full" in str(exc):
            return StoreFull(str(self.path), str(exc))
        if code is not None and code & 0xFF == _SQLITE_IOERR:
            full = self._out_of_space()
            if full is not None:
                return StoreFull(str(self.path), f"{exc}: {full}")
        return StoreCorrupted(str(self.path), f"the database is damaged or not an icoc event store: {exc}")

    def _out_of_space(self) -> str | None:
        """Why a write error is a full disk, if it is one: SQLite reports a write past the
        process's file-size limit (EFBIG) as a plain I/O error."""
        try:
            import resource

            soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
            if soft != resource.RLIM_INFINITY:
                sizes = [os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if p.exists()]
                if max(sizes, default=0) + _LOW_SPACE >= soft:
                    return f"the file-size limit of {soft} bytes is reached"
            stat = os.statvfs(self.path.parent)
            if stat.f_bavail * stat.f_frsize < _LOW_SPACE:
                return f"{stat.f_bavail * stat.f_frsize} bytes free"
        except (OSError, ImportError, ValueError):
            return None
        return None

    def _setup(self) -> None:
        db = self._db
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreCorrupted(str(self.path), f"cannot switch the database to WAL mode (it is {mode})")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")  # two processes creating the store at once: one waits
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:  # a new store; never recreate a table that has gone missing
                for statement in _SCHEMA:
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("format", FORMAT_NAME),
                        ("format_version", str(STORE_FORMAT_VERSION)),
                        ("count", "0"),
                        ("last_hash", GENESIS),
                    ],
                )
                tables = {"meta", "events"}
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise self._fail(exc) from None
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if meta.get("format") != FORMAT_NAME:
            raise StoreCorrupted(str(self.path), f"the meta table does not name the {FORMAT_NAME!r} format")
        try:
            version = int(meta.get("format_version", ""))
        except ValueError:
            raise StoreCorrupted(str(self.path), f"bad format_version {preview(meta.get('format_version'))}") from None
        if version > STORE_FORMAT_VERSION:
            raise InvalidInput(
                Problem(
                    str(self.path),
                    f"event store format version {version} is newer than this icoc reads "
                    f"({STORE_FORMAT_VERSION}); upgrade icoc",
                )
            )
        self.format_version = version
        self._chained = version >= 2
        if self._chained:
            count, last_hash = meta.get("count", ""), meta.get("last_hash", "")
            if not count.isdigit() or len(last_hash) != 64:
                raise StoreCorrupted(str(self.path), "the meta table's event count or checksum is damaged")
            self._recorded = (int(count), last_hash)
        if "events" not in tables:
            first = 1 if not self._chained or self._recorded[0] else None
            raise StoreCorrupted(str(self.path), "the events table is missing (dropped?)", seq=first)

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
        if seq != end or count != seq:
            gap = self._first_gap()
            if gap is not None:
                raise StoreCorrupted(
                    str(self.path),
                    f"event {gap} is missing ({count} events stored for last sequence number {seq}; "
                    "rows deleted or renumbered?)",
                    seq=gap,
                )
        if seq != end:
            raise StoreCorrupted(
                str(self.path), f"batch ending at {end} stops at event {seq} (half applied)", seq=self._batch_start(end)
            )
        return int(seq)

    def _first_gap(self) -> int | None:
        """The first sequence number missing from 1, 2, 3...: where rows were deleted or renumbered."""
        try:
            expected = 1
            for (seq,) in self._db.execute("SELECT seq FROM events ORDER BY seq"):
                if seq != expected:
                    return expected
                expected += 1
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return None

    def _batch_start(self, end: int) -> int | None:
        """The first event of the batch ending at ``end``: the first of a half-applied batch."""
        try:
            row = self._db.execute("SELECT min(seq) FROM events WHERE batch_end = ?", (end,)).fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return int(row[0]) if row and row[0] is not None else None

    def verify(self, after: int = 0) -> int:
        """Verify what opening with ``check=True`` verifies, for the rows after ``after`` only:
        the last batch complete, no sequence number missing, each row after ``after`` chained
        from the checksum stored with row ``after``, and the count and last checksum the meta table
        records. Returns the last sequence number; raises :class:`StoreCorrupted` naming the first
        bad one. For a registry opened from a snapshot of event ``after`` (whose description holds
        that row's checksum): the rows up to it are verified when they are read."""
        self._check_tail()
        return self._verify(after)

    def _verify(self, after: int = 0) -> int:
        """Every row (after ``after``) in order, its checksum chained to the one before, and the
        count and last checksum the meta table records; one read transaction, so a writer cannot
        move them."""
        db = self._db
        try:
            db.execute("BEGIN")
            try:
                if self._chained:
                    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('count', 'last_hash')"))
                    count, recorded = int(meta.get("count", "-1")), meta.get("last_hash", "")
                seq = after
                for seq, _ in self._rows(after, None):  # noqa: B007
                    pass
                if self._chained:
                    if seq != count:
                        raise StoreCorrupted(
                            str(self.path),
                            f"the meta table records {count} events but the table holds {seq} (rows deleted?)",
                            seq=min(seq, count) + 1,
                        )
                    if self._digest != recorded:
                        raise StoreCorrupted(
                            str(self.path), f"event {seq} does not match the checksum the meta table records", seq=seq
                        )
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return seq

    def _rows(self, after: int, stop: int | None) -> Iterator[tuple[int, str]]:
        """``(seq, event JSON)`` after ``after`` (to ``stop``, or the end), numbering and
        checksums verified; leaves the checksum of the last row in ``_digest``."""
        digest = GENESIS
        if after and self._chained:
            row = self._db.execute("SELECT hash FROM events WHERE seq = ?", (after,)).fetchone()
            if row is None:
                raise StoreCorrupted(str(self.path), f"event {after} is missing", seq=after)
            digest = row[0]
        expected = after + 1
        columns = "seq, batch_end, hash, event" if self._chained else "seq, batch_end, NULL, event"
        while stop is None or expected <= stop:
            rows = self._db.execute(
                f"SELECT {columns} FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                (expected, stop if stop is not None else 2**62, _PAGE),
            ).fetchall()
            if not rows:
                break
            for seq, end, stored, text in rows:
                if seq != expected:
                    raise StoreCorrupted(str(self.path), f"event {expected} is missing (next is {seq})", seq=expected)
                if self._chained:
                    if not isinstance(text, str) or not isinstance(end, int):
                        raise StoreCorrupted(str(self.path), f"event {seq} is not a stored event row", seq=seq)
                    digest = chain(digest, seq, end, text.encode("utf-8", "surrogatepass"))
                    if digest != stored:
                        raise StoreCorrupted(
                            str(self.path),
                            f"event {seq} does not match its checksum (edited, moved or copied)",
                            seq=seq,
                        )
                self._digest = digest
                yield seq, text
                expected += 1
        self._digest = digest
        if stop is not None and expected <= stop:
            raise StoreCorrupted(str(self.path), f"event {expected} is missing (last is {stop})", seq=expected)

    # --- the protocol -------------------------------------------------------------------------

    def last(self) -> int:
        try:
            row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return int(row[0] or 0)

    def append(self, events: Sequence[Event], expected_last: int) -> int:
        batch = check_batch(events, expected_last)
        texts = [encode_event(e, self.format_version) for e in batch]
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
            if self._chained:
                meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('count', 'last_hash')"))
                row = db.execute("SELECT hash FROM events WHERE seq = ?", (last,)).fetchone()
                digest = GENESIS if last == 0 else (row[0] if row else None)
                if meta.get("count") != str(last) or meta.get("last_hash") != digest:
                    raise StoreCorrupted(
                        str(self.path), f"the meta table does not record event {last} as the last", seq=last or 1
                    )
                rows = []
                for seq, text in enumerate(texts, last + 1):
                    digest = chain(str(digest), seq, end, text.encode("utf-8"))
                    rows.append((seq, end, digest, text))
                db.executemany("INSERT INTO events (seq, batch_end, hash, event) VALUES (?, ?, ?, ?)", rows)
                db.executemany(
                    "UPDATE meta SET value = ? WHERE key = ?", [(str(end), "count"), (str(digest), "last_hash")]
                )
            else:
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
        """Every event after ``after`` up to the last one committed when the read starts, each
        row's checksum verified before its event is yielded."""
        return self._read(after, self.last())

    def _read(self, after: int, stop: int) -> Iterator[tuple[int, Event]]:
        if after >= stop:
            return
        decode = trusted_decoder()
        try:
            for seq, text in self._rows(after, stop):
                try:
                    event = decode(parse_json(text))
                except (ValueError, TypeError, InvalidInput) as exc:
                    raise StoreCorrupted(
                        str(self.path), f"event {seq} does not load: {preview(str(exc), 200)}", seq=seq
                    ) from None
                yield seq, event
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    # --- snapshots ----------------------------------------------------------------------------

    def save_snapshot(self, seq: int, image: bytes) -> bool:
        """Keep ``image`` (a registry's state after events 1..``seq``) as the store's snapshot, in
        the ``snapshots`` table, in one transaction with the checksum of event ``seq`` it rests
        on. A later snapshot already there is kept (returns False). Only format-2 stores (with
        checksums) keep snapshots; InvalidInput for others or an unknown ``seq``."""
        if not self._chained:
            raise InvalidInput(Problem(str(self.path), "a format-1 store (no checksums) keeps no snapshots"))
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
                if row is None:
                    raise InvalidInput(Problem("seq", f"the store holds no event {seq}"))
                db.execute(_SNAPSHOT_TABLE)
                old = db.execute("SELECT meta FROM snapshots WHERE id = 1").fetchone()
                if old is not None:
                    try:
                        if int(json.loads(old[0]).get("seq", 0)) > seq:
                            return False
                    except (ValueError, TypeError, AttributeError):
                        pass  # a damaged description: replace it
                db.execute(
                    "INSERT OR REPLACE INTO snapshots (id, meta, image) VALUES (1, ?, ?)",
                    (snapshot_meta(seq, row[0], image), image),
                )
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._fail(exc) from None
        return True

    def load_snapshot(self) -> tuple[int, bytes] | None:
        """``(seq, image)`` of the stored snapshot, or None if there is none. Raises
        SnapshotUnusable (why) if it is damaged, of another format version, or does not rest on
        this store's event ``seq`` (the store was cut back, replaced or rewritten since)."""
        try:
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "snapshots" not in tables:
                return None
            row = self._db.execute("SELECT meta, image FROM snapshots WHERE id = 1").fetchone()
            if row is None:
                return None
            text, image = row
            if not isinstance(text, str) or not isinstance(image, bytes):
                raise SnapshotUnusable("its row is not a stored snapshot (damaged)")
            meta = check_snapshot(text, image)
            seq = meta["seq"]
            found = self._db.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        except sqlite3.Error as exc:
            raise SnapshotUnusable(f"cannot be read: {exc}") from None
        if found is None:
            raise SnapshotUnusable(f"stale: it covers event {seq} and the store holds {self.last()}")
        if found[0] != meta["hash"]:
            raise SnapshotUnusable(f"stale: event {seq} is not the event it was taken after (store rewritten?)")
        return seq, image

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
        self._verify()
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
