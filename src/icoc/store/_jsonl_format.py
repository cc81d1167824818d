"""The JSON-lines store's file format: the fixed-width header, the record lines and what a scan
reports when they are damaged (see :mod:`icoc.store._jsonl`)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from icoc.errors import InvalidInput, Problem, StoreCorrupted, preview
from icoc.store._base import STORE_FORMAT_VERSION

__all__ = [
    "CHUNK",
    "FORMAT_NAME",
    "Damage",
    "fsync_dir",
    "header",
    "parse_line",
    "read_header",
    "why",
]

FORMAT_NAME = "icoc.events"

CHUNK = 1 << 16
_PREFIX1 = re.compile(rb'\{"seq":(\d+),"end":(\d+),"event":\{')
_PREFIX2 = re.compile(rb'\{"seq":(\d+),"end":(\d+),"hash":"([0-9a-f]{64})","event":\{')
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEADER_WIDTH = 192
"""Bytes in a version-2 header line, newline included: room for any count, the same after every append."""


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Damage(Exception):
    """What a scan found wrong: where the sound part ends, why, and whether only an
    unacknowledged tail (an interrupted append) is at fault."""

    def __init__(self, offset: int, message: str, lines: int, repairable: bool, seq: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.lines = lines
        self.repairable = repairable
        self.seq = seq


def read_header(fd: int, path: Path) -> tuple[int, int, tuple[int, str] | None]:
    """The store's format version, where its records start (the header's length) and, from
    version 2, the event count and last checksum the header records; StoreCorrupted if the
    header is not an icoc store's, InvalidInput if it is of a newer format."""
    head = os.pread(fd, 4096, 0)
    line, nl, _ = head.partition(b"\n")
    if not nl:
        raise StoreCorrupted(str(path), "no complete header line (not an icoc event store?)", 1)
    try:
        header = json.loads(line)
    except ValueError:
        raise StoreCorrupted(str(path), "the header line is not JSON (not an icoc event store?)", 1) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise StoreCorrupted(str(path), f"the header does not name the {FORMAT_NAME!r} format", 1)
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreCorrupted(str(path), f"bad format_version {preview(version)} in the header", 1)
    if version > STORE_FORMAT_VERSION:
        raise InvalidInput(
            Problem(
                str(path),
                f"event store format version {version} is newer than this icoc reads "
                f"({STORE_FORMAT_VERSION}); upgrade icoc",
            )
        )
    recorded = None
    if version >= 2:
        count, digest = header.get("count"), header.get("hash")
        if (
            type(count) is not int
            or count < 0
            or not isinstance(digest, str)
            or not _HEX64.fullmatch(digest)
            or len(line) + 1 != _HEADER_WIDTH
        ):
            raise StoreCorrupted(str(path), "the header's event count or checksum is damaged", 1)
        recorded = (count, digest)
    return version, len(line) + 1, recorded


def parse_line(line: bytes, *, chained: bool) -> tuple[int, int, str | None, bytes] | None:
    """``(seq, end, hash, event JSON)`` of a record line (``hash`` None before version 2), or
    None if the line is not one."""
    head = (_PREFIX2 if chained else _PREFIX1).match(line)
    if head is None or not line.endswith(b"}\n") or len(head[1]) > 18 or len(head[2]) > 18:
        return None
    event_json = line[head.end() - 1 : -2]
    return int(head[1]), int(head[2]), head[3].decode("ascii") if chained else None, event_json


def header(count: int, digest: str) -> bytes:
    """The fixed-width header line: rewriting it in place never moves the records after it."""
    text = json.dumps(
        {"format": FORMAT_NAME, "format_version": STORE_FORMAT_VERSION, "count": count, "hash": digest},
        separators=(",", ":"),
    ).encode("ascii")
    return text.ljust(_HEADER_WIDTH - 1) + b"\n"


def why(partial: list[int], end: int, *, torn: bool) -> str:
    if not partial:
        return "the last line is truncated (a write was interrupted)"
    whole = f"batch {partial[0]}..{end} was interrupted after event {partial[-1]}"
    return whole + (" and a torn line" if torn else "")
