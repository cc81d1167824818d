"""An event store in one JSON-lines file: a header line, then one line per event.

::

    {"format":"icoc.events","format_version":3,"count":3,"hash":"9f2c..."}      (padded)
    {"seq":1,"end":3,"hash":"5d1e...","event":{"type":"application_submitted",...}}
    {"seq":2,"end":3,"hash":"07aa...","event":{...}}
    {"seq":3,"end":3,"hash":"9f2c...","event":{...}}

``end`` is the last sequence number of the line's batch, so a batch is complete exactly when its
line with ``seq == end`` is there and ends with a newline. ``hash`` chains each record to the one
before it (:func:`~icoc.store._base.chain`), and the fixed-width header, rewritten in place after
each append, records the event count and the last checksum: an edited, moved or renumbered
record breaks the chain, and a file cut short holds fewer events than its header records.
Opening verifies both. A batch is written with one ``pwrite`` and fsynced before ``append``
returns; writers serialise on ``fcntl.flock``. A crash can leave a torn last line or the first
lines of a batch (the header still records the batch before): opening, reading or appending then
raises :class:`~icoc.errors.StoreCorrupted` with the line number, and
:meth:`JsonLinesStore.repair` removes that unacknowledged tail on request, never silently.
Version 1 files (no checksums, no count) are still read and appended to as version 1, and
version 2 files (engine state in ``rule.*`` facts) as version 2 (see :func:`~icoc.store._base.encode_event`).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from icoc.errors import InvalidInput, Problem, StoreConflict, StoreCorrupted, StoreFull, preview
from icoc.model.events import Event
from icoc.store._base import (
    GENESIS,
    RepairReport,
    SnapshotUnusable,
    chain,
    check_batch,
    check_snapshot,
    encode_event,
    is_full_disk,
    parse_json,
    snapshot_meta,
    trusted_decoder,
)
from icoc.store._jsonl_format import (
    CHUNK,
    FORMAT_NAME,
    Damage,
    fsync_dir,
    header,
    parse_line,
    read_header,
    why,
)

__all__ = ["FORMAT_NAME", "JsonLinesStore"]


class JsonLinesStore:
    """A durable, append-only event log in one JSON-lines file (created when missing)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, check: bool = True) -> None:
        """Open (or create) the store at ``path`` and verify it: every record's checksum, the
        numbering, and the event count and last checksum the header records. Damage raises
        :class:`StoreCorrupted` naming the first bad sequence number, unless ``check=False``
        (to call :meth:`repair`); every later call checks again what it reads."""
        self.path = Path(path)
        try:
            if not self.path.exists():
                if not create:
                    raise InvalidInput(Problem(str(self.path), "no such event store"))
                self._create()
            self._fd = os.open(self.path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:  # a directory, a folder that does not exist, no permission
            if is_full_disk(exc):
                raise
            raise InvalidInput(Problem(str(self.path), f"cannot open the event store: {exc.strerror or exc}")) from None
        try:
            self._start, self._recorded = self._read_header()
            self._offset = self._start  # end of the last complete batch we know of
            self._hash = GENESIS  # the checksum of the record at _last
            self._marks: dict[int, tuple[int, str]] = {}  # batch end seq -> (offset after it, its checksum)
            self._last = 0
            self._verified = False
            self._at_recorded = GENESIS if self._recorded is not None and self._recorded[0] == 0 else None
            if check:
                with self._locked(fcntl.LOCK_SH):
                    self._catch_up()
        except BaseException:
            os.close(self._fd)
            raise

    # --- opening ----------------------------------------------------------------------------

    def _create(self) -> None:
        """Write the header to a temporary file and link it into place: never a half header."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, header(0, GENESIS))
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            os.unlink(tmp)
            if is_full_disk(exc):
                raise StoreFull(str(self.path), exc.strerror or str(exc)) from None
            raise
        os.close(fd)
        try:
            os.link(tmp, self.path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        fsync_dir(self.path.parent)

    def _read_header(self) -> tuple[int, tuple[int, str] | None]:
        self.format_version, start, recorded = read_header(self._fd, self.path)
        self._chained = self.format_version >= 2
        return start, recorded

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        fcntl.flock(self._fd, mode)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _mark(self) -> None:
        """Remember where the last batch we know of ends, so reading after it need not rescan."""
        if self._last in self._marks or self._last == 0:
            return
        if len(self._marks) >= 64:
            del self._marks[min(self._marks)]
        self._marks[self._last] = (self._offset, self._hash)

    def _line_number(self, offset: int) -> int:
        """1-based number of the line that starts at ``offset``."""
        count, pos = 0, 0
        while pos < offset:
            chunk = os.pread(self._fd, min(CHUNK * 16, offset - pos), pos)
            if not chunk:
                break
            count += chunk.count(b"\n")
            pos += len(chunk)
        return count + 1

    def _corrupt(self, damage: Damage) -> StoreCorrupted:
        hint = "repair() drops this unacknowledged tail" if damage.repairable else "restore the file from a backup"
        return StoreCorrupted(
            str(self.path), f"{damage.message}; {hint}", self._line_number(damage.offset), seq=damage.seq
        )

    def _catch_up(self) -> None:
        """Verify the records appended since the last complete batch we know of (all of them the
        first time) and move ``_last``/``_offset``/``_hash`` to the file's end, which must be a
        complete batch; the first time, also check the header's count and checksum."""
        size = os.fstat(self._fd).st_size
        if size == self._offset and self._verified:
            return
        if size < self._offset:
            raise StoreCorrupted(
                str(self.path),
                f"the file shrank from {self._offset} to {size} bytes behind our back",
                seq=self._last + 1 if self._last else None,
            )
        try:
            self._scan(size)
        except Damage as damage:
            raise self._corrupt(damage) from None

    def _scan(self, size: int) -> None:
        """Walk forward from ``_offset`` to ``size``, verifying numbering, batches and checksums;
        advance past every complete batch; raise :class:`Damage` at the first fault."""
        recorded = None if self._verified else self._recorded
        pos, digest = self._offset, self._hash
        partial: list[int] = []  # seqs of the open (incomplete) batch
        open_end = 0
        torn = False
        with open(self.path, "rb") as f:
            f.seek(pos)
            while pos < size:
                line = f.readline(size - pos)
                seq = self._last + len(partial) + 1
                if not line.endswith(b"\n"):
                    torn = True
                    break
                parsed = self._parse_line(line)
                if parsed is None:
                    raise Damage(pos, "a line that is not a stored event record", 0, False, seq)
                got, end, stored_hash, event_json = parsed
                if got != seq or end < got or (open_end and end != open_end):
                    raise Damage(pos, f"sequence {got} (batch end {end}) where {seq} was expected", 0, False, seq)
                if self._chained:
                    digest = chain(digest, got, end, event_json)
                    if stored_hash != digest:
                        raise Damage(
                            pos, f"event {got} does not match its checksum (edited, moved or copied)", 0, False, got
                        )
                pos += len(line)
                if got == end:
                    partial.clear()
                    open_end = 0
                    self._last, self._offset, self._hash = got, pos, digest
                    self._mark()
                    if recorded is not None and got == recorded[0]:
                        self._at_recorded = digest
                else:
                    partial.append(got)
                    open_end = end
        if recorded is not None:
            count, recorded_hash = recorded
            if self._last < count:
                raise Damage(
                    self._offset,
                    f"the header records {count} acknowledged events but the file holds {self._last} "
                    "(cut short or batches removed)",
                    0,
                    False,
                    self._last + 1,
                )
            if self._at_recorded != recorded_hash:
                raise Damage(
                    self._start, f"event {count} does not match the checksum the header records", 0, False, count
                )
        if partial or torn:
            first = partial[0] if partial else self._last + 1
            raise Damage(self._offset, why(partial, open_end, torn=torn), len(partial) + int(torn), True, first)
        self._verified = True

    def _parse_line(self, line: bytes) -> tuple[int, int, str | None, bytes] | None:
        return parse_line(line, chained=self._chained)

    # --- the protocol -----------------------------------------------------------------------

    def last(self) -> int:
        """The last acknowledged sequence number, including other writers' appends."""
        with self._locked(fcntl.LOCK_SH):
            self._catch_up()
            return self._last

    def append(self, events: Sequence[Event], expected_last: int) -> int:
        batch = check_batch(events, expected_last)
        texts = [encode_event(e, self.format_version).encode("utf-8") for e in batch]
        with self._locked(fcntl.LOCK_EX):
            self._catch_up()  # reads only what other writers appended since we last looked
            if expected_last != self._last:
                raise StoreConflict(str(self.path), expected_last, self._last)
            if not batch:
                return self._last
            end = self._last + len(batch)
            digest = self._hash
            parts = []
            for seq, text in enumerate(texts, self._last + 1):
                if self._chained:
                    digest = chain(digest, seq, end, text)
                    parts.append(b'{"seq":%d,"end":%d,"hash":"%s","event":%s}\n' % (seq, end, digest.encode(), text))
                else:
                    parts.append(b'{"seq":%d,"end":%d,"event":%s}\n' % (seq, end, text))
            data = b"".join(parts)
            try:
                view = memoryview(data)
                at = self._offset
                while view:
                    written = os.pwrite(self._fd, view, at)
                    view, at = view[written:], at + written
                os.fsync(self._fd)
            except BaseException as exc:
                # Nothing of a failed batch may stay behind (ENOSPC, EIO, KeyboardInterrupt...).
                os.ftruncate(self._fd, self._offset)
                os.fsync(self._fd)
                if is_full_disk(exc):
                    raise StoreFull(str(self.path), getattr(exc, "strerror", None) or str(exc)) from None
                raise
            self._last, self._offset, self._hash = end, self._offset + len(data), digest
            if self._chained:
                # The header follows the data: after a crash it may lag (never lead) the records.
                os.pwrite(self._fd, header(end, digest), 0)
            self._mark()
            return end

    def read(self, after: int = 0) -> Iterator[tuple[int, Event]]:
        """Every event after ``after`` up to the last acknowledged one when the read starts;
        any unreadable line or broken checksum raises :class:`StoreCorrupted` with its line and
        sequence number, before that event is yielded."""
        with self._locked(fcntl.LOCK_SH):
            self._catch_up()
            stop, last = self._offset, self._last
        return self._read(after, stop, last)

    def _read(self, after: int, stop: int, last: int) -> Iterator[tuple[int, Event]]:
        if after >= last:
            return
        decode = trusted_decoder()
        pos, expected, open_end, digest = self._start, 1, 0, GENESIS
        known = [s for s in self._marks if s <= after]
        if known:  # start at a batch end we know instead of the top of the file
            s = max(known)
            (pos, digest), expected = self._marks[s], s + 1
        with open(self.path, "rb") as f:
            f.seek(pos)
            while pos < stop:
                line = f.readline(stop - pos)
                if not line:
                    break
                pos += len(line)
                line_no = expected + 1  # the header is line 1, event n is line n + 1
                parsed = self._parse_line(line)
                if parsed is None:
                    raise StoreCorrupted(str(self.path), "not a stored event line", line_no, seq=expected)
                seq, end, stored_hash, event_json = parsed
                if seq != expected or end < seq or (open_end and end != open_end):
                    raise StoreCorrupted(
                        str(self.path),
                        f"sequence {seq} (batch end {end}) where {expected} was expected",
                        line_no,
                        seq=expected,
                    )
                if self._chained:
                    digest = chain(digest, seq, end, event_json)
                    if digest != stored_hash:
                        raise StoreCorrupted(
                            str(self.path), f"event {seq} does not match its checksum", line_no, seq=seq
                        )
                open_end = 0 if seq == end else end
                expected += 1
                if seq > after:
                    try:
                        event = decode(parse_json(event_json))
                    except (ValueError, InvalidInput) as exc:
                        raise StoreCorrupted(
                            str(self.path), f"event {seq} does not load: {preview(str(exc), 200)}", line_no, seq=seq
                        ) from None
                    yield seq, event
        if expected - 1 != last:
            raise StoreCorrupted(
                str(self.path), f"read {expected - 1} events where {last} were acknowledged", seq=expected
            )

    # --- snapshots --------------------------------------------------------------------------

    @property
    def snapshot_path(self) -> Path:
        """Where the store keeps its snapshot: beside the events, ``<name>.snapshot``."""
        return self.path.with_name(self.path.name + ".snapshot")

    def save_snapshot(self, seq: int, image: bytes) -> bool:
        """Keep ``image`` (a registry's state after events 1..``seq``) as the store's snapshot:
        written beside the file and renamed into place (never half there), with the checksum
        and offset of event ``seq`` it rests on. ``seq`` must be the end of a batch this store
        wrote or read since it was opened (the last one, typically). A later snapshot already
        there is kept (returns False). InvalidInput for a format-1 store or an unknown ``seq``."""
        if not self._chained:
            raise InvalidInput(Problem(str(self.path), "a format-1 store (no checksums) keeps no snapshots"))
        target = self.snapshot_path
        with self._locked(fcntl.LOCK_EX):
            self._catch_up()
            if seq == self._last:
                offset, digest = self._offset, self._hash
            elif seq in self._marks:
                offset, digest = self._marks[seq]
            else:
                raise InvalidInput(Problem("seq", f"event {seq} is not the end of a batch this store knows"))
            try:
                with open(target, "rb") as f:
                    if int(json.loads(f.readline()).get("seq", 0)) > seq:
                        return False
            except (OSError, ValueError, TypeError, AttributeError):
                pass  # none, or damaged: replace it
            tmp = target.with_name(f".{target.name}.{os.getpid()}.new")
            data = snapshot_meta(seq, digest, image, offset=offset).encode("ascii") + b"\n" + image
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except BaseException as exc:
                os.close(fd)
                os.unlink(tmp)
                if is_full_disk(exc):
                    raise StoreFull(str(target), getattr(exc, "strerror", None) or str(exc)) from None
                raise
            os.close(fd)
            os.replace(tmp, target)
            fsync_dir(target.parent)
        return True

    def load_snapshot(self) -> tuple[int, bytes] | None:
        """``(seq, image)`` of the snapshot beside the file, or None if there is none. Raises
        SnapshotUnusable (why) if it is damaged, of another format version, or does not rest on
        this file's event ``seq`` (the file was cut back, replaced or rewritten since)."""
        try:
            with open(self.snapshot_path, "rb") as f:
                text = f.readline()
                image = f.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SnapshotUnusable(f"cannot be read: {exc}") from None
        meta = check_snapshot(text, image)
        seq, offset = meta["seq"], meta.get("offset")
        if type(offset) is not int or offset <= self._start:
            raise SnapshotUnusable("its description lacks the offset of the event it covers (damaged)")
        with self._locked(fcntl.LOCK_SH):
            self._catch_up()
            if seq > self._last or offset > self._offset:
                raise SnapshotUnusable(f"stale: it covers event {seq} and the store holds {self._last}")
            parsed = self._parse_line(self._line_ending_at(offset))
            if parsed is None or parsed[0] != seq or parsed[0] != parsed[1] or parsed[2] != meta["hash"]:
                raise SnapshotUnusable(f"stale: event {seq} is not the event it was taken after (store rewritten?)")
            if seq not in self._marks:  # reading after it starts there, not at the top of the file
                if len(self._marks) >= 64:
                    del self._marks[min(self._marks)]
                self._marks[seq] = (offset, meta["hash"])
        return seq, image

    def _line_ending_at(self, offset: int) -> bytes:
        """The whole line that ends (with its newline) just before ``offset``."""
        size = 4096
        while True:
            start = max(self._start, offset - size)
            chunk = os.pread(self._fd, offset - start, start)
            cut = chunk.rfind(b"\n", 0, len(chunk) - 1)
            if cut >= 0 or start == self._start:
                return chunk[cut + 1 :]
            size *= 4

    # --- maintenance ------------------------------------------------------------------------

    def check(self) -> int:
        """Read and decode every event; returns the count or raises :class:`StoreCorrupted`."""
        n = 0
        for n, _ in self.read():  # noqa: B007
            pass
        return n

    def repair(self) -> RepairReport:
        """Drop a torn last line or an interrupted batch (events never acknowledged), fsync, and
        report what was removed. Any other damage is refused: restore that from a backup."""
        with self._locked(fcntl.LOCK_EX):
            size = os.fstat(self._fd).st_size
            try:
                self._scan(size)
                return RepairReport(last=self._last)
            except Damage as damage:
                if not damage.repairable:
                    damage.message += ": damage is not limited to an interrupted last batch"
                    raise self._corrupt(damage) from None
                offset, removed = damage.offset, damage.lines
            os.ftruncate(self._fd, offset)
            os.fsync(self._fd)
            try:
                self._scan(offset)
            except Damage as damage:
                raise self._corrupt(damage) from None
            return RepairReport(last=self._last, removed_lines=removed, removed_bytes=size - offset)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"JsonLinesStore({str(self.path)!r})"
