"""An event store in one JSON-lines file: a header line, then one line per event.

::

    {"format":"icoc.events","format_version":1}
    {"seq":1,"end":3,"event":{"type":"application_submitted",...}}
    {"seq":2,"end":3,"event":{...}}
    {"seq":3,"end":3,"event":{...}}

``end`` is the last sequence number of the line's batch, so a batch is complete exactly when its
line with ``seq == end`` is there and ends with a newline. A batch is written with one ``write``
and fsynced before ``append`` returns; writers serialise on ``fcntl.flock``. A crash can leave a
torn last line or the first lines of a batch: opening, reading or appending then raises
:class:`~icoc.errors.StoreCorrupted` with the line number, and :meth:`JsonLinesStore.repair`
removes that unacknowledged tail on request, never silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from icoc.errors import InvalidInput, Problem, StoreConflict, StoreCorrupted
from icoc.model.events import Event
from icoc.store._base import STORE_FORMAT_VERSION, RepairReport, check_batch, decode_event, encode_event

__all__ = ["FORMAT_NAME", "JsonLinesStore"]

FORMAT_NAME = "icoc.events"

_CHUNK = 1 << 16
_PREFIX = re.compile(rb'\{"seq":(\d+),"end":(\d+),"event":\{')


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _header() -> bytes:
    return (
        json.dumps({"format": FORMAT_NAME, "format_version": STORE_FORMAT_VERSION}, separators=(",", ":")).encode(
            "utf-8"
        )
        + b"\n"
    )


class JsonLinesStore:
    """A durable, append-only event log in one JSON-lines file (created when missing)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, check: bool = True) -> None:
        """Open (or create) the store at ``path``. A damaged tail raises :class:`StoreCorrupted`
        here, unless ``check=False`` (to call :meth:`repair`); every later call checks it again."""
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise InvalidInput(Problem(str(self.path), "no such event store"))
            self._create()
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        try:
            self._start = self._read_header()
            self._offset = self._start  # end of the last complete batch we know of
            self._marks: dict[int, int] = {}  # batch end seq -> the offset after it
            self._last = 0
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
            os.write(fd, _header())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, self.path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        _fsync_dir(self.path.parent)

    def _read_header(self) -> int:
        head = os.pread(self._fd, 4096, 0)
        line, nl, _ = head.partition(b"\n")
        if not nl:
            raise StoreCorrupted(str(self.path), "no complete header line (not an icoc event store?)", 1)
        try:
            header = json.loads(line)
        except ValueError:
            raise StoreCorrupted(str(self.path), "the header line is not JSON (not an icoc event store?)", 1) from None
        if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
            raise StoreCorrupted(str(self.path), f"the header does not name the {FORMAT_NAME!r} format", 1)
        version = header.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise StoreCorrupted(str(self.path), f"bad format_version {version!r} in the header", 1)
        if version > STORE_FORMAT_VERSION:
            raise InvalidInput(
                Problem(
                    str(self.path),
                    f"event store format version {version} is newer than this icoc reads "
                    f"({STORE_FORMAT_VERSION}); upgrade icoc",
                )
            )
        self.format_version = version
        return len(line) + 1

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
        self._marks[self._last] = self._offset

    def _line_number(self, offset: int) -> int:
        """1-based number of the line that starts at ``offset``."""
        count, pos = 0, 0
        while pos < offset:
            chunk = os.pread(self._fd, min(_CHUNK * 16, offset - pos), pos)
            if not chunk:
                break
            count += chunk.count(b"\n")
            pos += len(chunk)
        return count + 1

    def _corrupt(self, offset: int, message: str, repairable: bool) -> StoreCorrupted:
        hint = "repair() drops this unacknowledged tail" if repairable else "restore the file from a backup"
        return StoreCorrupted(str(self.path), f"{message}; {hint}", self._line_number(offset))

    def _catch_up(self) -> None:
        """Bring ``_last``/``_offset`` to the file's end, which must be a complete batch."""
        size = os.fstat(self._fd).st_size
        if size == self._offset:
            return
        if size < self._offset:
            raise StoreCorrupted(str(self.path), f"the file shrank from {self._offset} to {size} bytes behind our back")
        problem = self._tail_problem(size)
        if problem is not None:
            offset, message, _, repairable = problem
            raise self._corrupt(offset, message, repairable)

    def _reverse_lines(self, size: int) -> Iterator[tuple[int, bytes]]:
        """``(offset, line)`` from the file's last line back to the first after the header; a
        line without its newline (torn) can only come first."""
        pos, buf = size, b""
        while True:
            if pos > self._start:
                begin = max(self._start, pos - _CHUNK)
                buf = os.pread(self._fd, pos - begin, begin) + buf
                pos = begin
            if pos > self._start:
                idx = buf.find(b"\n")
                if idx < 0:
                    continue  # the piece may start in an earlier chunk
                region_start, region, buf = pos + idx + 1, buf[idx + 1 :], buf[: idx + 1]
            else:
                region_start, region, buf = pos, buf, b""
            pieces = region.split(b"\n")
            lines = [piece + b"\n" for piece in pieces[:-1]]
            if pieces[-1]:
                lines.append(pieces[-1])
            offsets = []
            at = region_start
            for line in lines:
                offsets.append(at)
                at += len(line)
            yield from reversed(list(zip(offsets, lines, strict=True)))
            if pos <= self._start and not buf:
                return

    def _scan_tail(self, size: int) -> tuple[int, int, int, str | None, bool]:
        """Walk back from the end to the last complete batch. Returns ``(its last seq, the offset
        after it, lines after it, what is wrong after it or None, whether that is a repairable
        interrupted batch)``."""
        torn = False
        partial: list[tuple[int, int]] = []
        garbage = False
        for offset, line in self._reverse_lines(size):
            if not line.endswith(b"\n"):
                torn = True
                continue
            record = _parse(line)
            if record is None:
                garbage = True
                partial.clear()
                first_bad = offset
                continue
            seq, end = record
            if seq == end:
                after = offset + len(line)
                n = (1 if torn else 0) + len(partial)
                if after == size:
                    return seq, after, 0, None, True
                if garbage:
                    return seq, after, n, f"line at byte {first_bad} is not a stored event", False
                ok = _interrupted(partial, seq)
                why = _why(partial, torn)
                return seq, after, n, why, ok
            partial.append((seq, end))
        n = (1 if torn else 0) + len(partial)
        if size == self._start:
            return 0, self._start, 0, None, True
        if garbage:
            return 0, self._start, n, "a line is not a stored event", False
        why = _why(partial, torn)
        return 0, self._start, n, why, _interrupted(partial, 0)

    def _tail_problem(self, size: int) -> tuple[int, str, int, bool] | None:
        """``(offset of the bad tail, why, lines in it, repairable)``, or None (and
        ``_last``/``_offset`` updated) when the file ends on a complete batch."""
        last, after, n, why, repairable = self._scan_tail(size)
        if why is None:
            self._last, self._offset = last, after
            self._mark()
            return None
        return after, why, n, repairable

    # --- the protocol -----------------------------------------------------------------------

    def last(self) -> int:
        """The last acknowledged sequence number, including other writers' appends."""
        with self._locked(fcntl.LOCK_SH):
            self._catch_up()
            return self._last

    def append(self, events: Sequence[Event], expected_last: int) -> int:
        batch = check_batch(events, expected_last)
        lines = [encode_event(e) for e in batch]
        with self._locked(fcntl.LOCK_EX):
            self._catch_up()
            if expected_last != self._last:
                raise StoreConflict(str(self.path), expected_last, self._last)
            if not batch:
                return self._last
            end = self._last + len(batch)
            data = "".join(
                f'{{"seq":{seq},"end":{end},"event":{text}}}\n' for seq, text in enumerate(lines, self._last + 1)
            ).encode("utf-8")
            try:
                view = memoryview(data)
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
                os.fsync(self._fd)
            except BaseException:
                # Nothing of a failed batch may stay behind (ENOSPC, EIO, KeyboardInterrupt...).
                os.ftruncate(self._fd, self._offset)
                os.fsync(self._fd)
                raise
            self._last, self._offset = end, self._offset + len(data)
            self._mark()
            return end

    def read(self, after: int = 0) -> Iterator[tuple[int, Event]]:
        """Every event after ``after`` up to the last acknowledged one when the read starts;
        any unreadable line raises :class:`StoreCorrupted` with its line number."""
        with self._locked(fcntl.LOCK_SH):
            self._catch_up()
            stop, last = self._offset, self._last
        return self._read(after, stop, last)

    def _read(self, after: int, stop: int, last: int) -> Iterator[tuple[int, Event]]:
        if after >= last:
            return
        pos, expected, open_end = self._start, 1, 0
        known = [s for s in self._marks if s <= after]
        if known:  # start at a batch end we know instead of the top of the file
            s = max(known)
            pos, expected = self._marks[s], s + 1
        with open(self.path, "rb") as f:
            f.seek(pos)
            while pos < stop:
                line = f.readline()
                if not line:
                    break
                pos += len(line)
                line_no = expected + 1  # the header is line 1, event n is line n + 1
                if expected <= after:  # skipped: check the numbering only
                    head = _PREFIX.match(line)
                    if head is None or not line.endswith(b"}\n"):
                        raise StoreCorrupted(str(self.path), "not a stored event line", line_no)
                    seq, end, event_data = int(head[1]), int(head[2]), None
                else:
                    record = _record(line)
                    if record is None:
                        raise StoreCorrupted(str(self.path), "not a stored event line", line_no)
                    seq, end, event_data = record
                if seq != expected or end < seq or (open_end and end != open_end):
                    raise StoreCorrupted(
                        str(self.path), f"sequence {seq} (batch end {end}) where {expected} was expected", line_no
                    )
                open_end = 0 if seq == end else end
                expected += 1
                if seq > after:
                    try:
                        event = decode_event(event_data)
                    except InvalidInput as exc:
                        raise StoreCorrupted(str(self.path), f"event {seq} does not load: {exc}", line_no) from None
                    yield seq, event
        if expected - 1 != last:
            raise StoreCorrupted(str(self.path), f"read {expected - 1} events where {last} were acknowledged")

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
            problem = self._tail_problem(size)
            if problem is None:
                return RepairReport(last=self._last)
            offset, why, removed, repairable = problem
            if not repairable:
                raise self._corrupt(offset, f"{why}: damage is not limited to an interrupted last batch", False)
            os.ftruncate(self._fd, offset)
            os.fsync(self._fd)
            if self._tail_problem(offset) is not None:
                raise StoreCorrupted(str(self.path), "still damaged after dropping the tail", self._line_number(offset))
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


def _record(line: bytes) -> tuple[int, int, Any] | None:
    if not line.endswith(b"\n"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"seq", "end", "event"}:
        return None
    seq, end = data["seq"], data["end"]
    if type(seq) is not int or type(end) is not int:
        return None
    return seq, end, data["event"]


def _parse(line: bytes) -> tuple[int, int] | None:
    record = _record(line)
    return None if record is None else (record[0], record[1])


def _interrupted(partial: list[tuple[int, int]], last: int) -> bool:
    """``partial`` (newest first) is the beginning of one batch right after sequence ``last``."""
    if not partial:
        return True
    seqs = [s for s, _ in reversed(partial)]
    ends = {e for _, e in partial}
    return len(ends) == 1 and seqs == list(range(last + 1, last + 1 + len(seqs))) and seqs[-1] < next(iter(ends))


def _why(partial: list[tuple[int, int]], torn: bool) -> str:
    if not partial:
        return "the last line is truncated (a write was interrupted)"
    first, end = partial[-1]
    whole = f"batch {first}..{end} was interrupted after event {partial[0][0]}"
    return whole + (" and a torn line" if torn else "")
