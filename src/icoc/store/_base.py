"""The event-store protocol and the one way events become bytes in a store."""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

import attrs
import orjson

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.events import Event

__all__ = [
    "GENESIS",
    "STORE_FORMAT_VERSION",
    "TYPED_CAUSES",
    "EventStore",
    "RepairReport",
    "chain",
    "decode_event",
    "encode_event",
    "is_full_disk",
    "snapshot_meta",
]

STORE_FORMAT_VERSION = 3
"""The on-disk format this release writes; a store records the version it was created with, so a
later release can migrate it (and this one refuses a newer one). Version 2 chains a checksum
through every record and records the event count and last checksum; version 3 writes a rule's
engine state as typed fields of the event's cause (history format 2). Version 1 stores (no
checksums) and version 2 stores (engine state in ``rule.*`` facts) are still read, their causes
lifted into the fields as they are read, and appended to in their own format."""

TYPED_CAUSES = 3
"""The first store format whose events carry typed causes (:data:`icoc.model.events.ENGINE_FACTS`)."""

SNAPSHOT_FORMAT_VERSION = 1
"""The container a store keeps a registry snapshot in: a JSON description (format, version, the
sequence number covered, the checksum of that event, the SHA-256 and size of the image) and the
image (:meth:`icoc.Registry.image`)."""

SNAPSHOT_FORMAT = "icoc.snapshot"

GENESIS = "0" * 64
"""The checksum "before" event 1."""


def chain(previous: str, seq: int, end: int, event_json: bytes) -> str:
    """The checksum of the record ``seq`` (of the batch ending at ``end``) holding ``event_json``
    (its exact stored bytes), chained to the record before it: SHA-256 hex. Editing, moving,
    renumbering or dropping a record breaks the chain at the first record touched."""
    h = hashlib.sha256(previous.encode("ascii"))
    h.update(b"%d:%d:" % (seq, end))
    h.update(event_json)
    return h.hexdigest()


def is_full_disk(exc: BaseException) -> bool:
    """An OSError saying the disk, the quota or the process's file-size limit is exhausted."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@runtime_checkable
class EventStore(Protocol):
    """An append-only, durable log of events numbered 1, 2, 3, ... (0 means "empty").

    ``append`` is atomic (all the batch or none of it) and durable when it returns (fsync or
    SQLite commit); it refuses with :class:`~icoc.errors.StoreConflict` unless ``expected_last``
    is the store's last sequence number (optimistic concurrency).
    """

    def append(self, events: Sequence[Event], expected_last: int) -> int:
        """Append ``events`` after ``expected_last``; returns the new last sequence number."""
        ...

    def read(self, after: int = 0) -> Iterator[tuple[int, Event]]:
        """``(seq, event)`` for every event after ``after``, in order."""
        ...

    def last(self) -> int:
        """The last acknowledged sequence number (0 when empty)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


@attrs.frozen(kw_only=True)
class RepairReport:
    """What :meth:`JsonLinesStore.repair` removed: an unacknowledged tail, never a committed event."""

    last: int
    """The store's last sequence number after the repair."""
    removed_lines: int = 0
    """Whole lines of an interrupted batch, plus one for a torn final line."""
    removed_bytes: int = 0

    @property
    def repaired(self) -> bool:
        return self.removed_bytes > 0


def encode_event(event: Event, version: int = STORE_FORMAT_VERSION) -> str:
    """Compact JSON of a faithful (full-audience) event; stores are not exports. For a store of
    format ``version`` below 3, a rule's engine state is written as format 1 wrote it: facts
    named ``rule.due``, ``rule.opened``... after the facts the rule used."""
    from icoc.io import converter

    if not isinstance(event, Event):
        raise InvalidInput(Problem("events", f"expected an Event, got {type(event).__name__}"))
    data = converter.unstructure(event)
    if version < TYPED_CAUSES:
        cause = event.cause
        engine = cause.engine_facts()
        if engine:
            data["cause"] = {
                "actor": cause.actor,
                "rule": cause.rule,
                "citation": cause.citation,
                "facts": converter.unstructure(cause.facts + engine),
            }
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_event(data: Any) -> Event:
    """An event from its stored JSON data; InvalidInput if it is not one."""
    from icoc.io import structure

    return structure(data, Event)


_FACTLESS_CAUSE = frozenset({"actor", "rule", "citation", "facts"})
"""The keys of a cause as written for an input (no facts, no engine provenance): only a cause with
exactly these keys is matched with the causes already built in a read."""


class _Decoder:
    """Events from stored JSON data that passed its checksum: per-class structuring functions
    generated from the one converter without cattrs' detailed-validation bookkeeping (the same
    leaf hooks and attrs validators run), and each distinct cause without facts (every input's
    cause is one of a few) built once. Anything this path refuses goes through
    :func:`decode_event`, which names the problem."""

    def __init__(self) -> None:
        self._hooks: dict[str, tuple[type[Event], Any]] = {}
        self._causes: dict[tuple[Any, ...], Any] = {}
        self._cause_hook: Any = None

    def _hook(self, tag: str) -> tuple[type[Event], Any]:
        from cattrs.gen import make_dict_structure_fn, override

        from icoc.io import converter
        from icoc.model.events import EVENTS_BY_TYPE, Cause

        cls = EVENTS_BY_TYPE[tag]
        if self._cause_hook is None:
            self._cause_hook = converter.get_structure_hook(Cause)
        fn = make_dict_structure_fn(
            cls, converter, _cattrs_detailed_validation=False, cause=override(struct_hook=self._cause)
        )
        self._hooks[tag] = (cls, fn)
        return cls, fn

    def _cause(self, value: Any, tp: Any) -> Any:
        if type(value) is dict and value.keys() == _FACTLESS_CAUSE:
            actor, rule, citation = value.get("actor"), value.get("rule"), value.get("citation")
            if (
                (actor is None or type(actor) is str)
                and (rule is None or type(rule) is str)
                and (citation is None or type(citation) is str)
                and value.get("facts") == []
            ):
                key = (actor, rule, citation)
                found = self._causes.get(key)
                if found is None:
                    found = self._causes[key] = self._cause_hook(value, tp)
                return found
        return self._cause_hook(value, tp)

    def __call__(self, data: Any) -> Event:
        try:
            tag = data["type"]
            cls, fn = self._hooks.get(tag) or self._hook(tag)
            event: Event = fn({k: v for k, v in data.items() if k != "type"}, cls)
            return event
        except Exception:
            return decode_event(data)


def trusted_decoder() -> Callable[[Any], Event]:
    """A decoder for the events of one read (see :class:`_Decoder`); same results as
    :func:`decode_event`, faster."""
    return _Decoder()


def parse_json(text: str | bytes) -> Any:
    """A stored event's JSON: orjson (about twice as fast as ``json.loads`` on event rows), and
    the standard library for what orjson refuses but Python's JSON allows (lone surrogates,
    ``NaN``). orjson reads an integer beyond 64 bits as a float; no event field takes either
    (integers are range-checked), so such a row is refused as before, with another message."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def check_batch(events: Sequence[Event], expected_last: int) -> list[Event]:
    batch = list(events)
    if isinstance(expected_last, bool) or not isinstance(expected_last, int) or expected_last < 0:
        raise InvalidInput(Problem("expected_last", f"expected a sequence number >= 0, got {expected_last!r}"))
    for i, e in enumerate(batch):
        if not isinstance(e, Event):
            raise InvalidInput(Problem(f"events[{i}]", f"expected an Event, got {type(e).__name__}"))
    return batch


class SnapshotUnusable(Exception):
    """Why a stored snapshot cannot be trusted (the store replays instead and reports it)."""


def snapshot_meta(seq: int, digest: str, image: bytes, **extra: Any) -> str:
    """The JSON description stored with an image covering events 1..``seq`` (``digest``: the
    checksum of event ``seq``)."""
    meta = {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_FORMAT_VERSION,
        "seq": seq,
        "hash": digest,
        "sha256": hashlib.sha256(image).hexdigest(),
        "size": len(image),
        **extra,
    }
    return json.dumps(meta, separators=(",", ":"))


def check_snapshot(text: str | bytes, image: bytes) -> dict[str, Any]:
    """The description of a stored snapshot, checked against its image; SnapshotUnusable if the
    two do not belong together or the format is not this release's."""
    try:
        meta = json.loads(text)
    except ValueError:
        raise SnapshotUnusable("its description is not JSON (damaged)") from None
    if not isinstance(meta, dict) or meta.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotUnusable(f"its description does not name the {SNAPSHOT_FORMAT!r} format (damaged)")
    if meta.get("format_version") != SNAPSHOT_FORMAT_VERSION:
        raise SnapshotUnusable(
            f"snapshot format version {preview(meta.get('format_version'))}, this icoc reads {SNAPSHOT_FORMAT_VERSION}"
        )
    seq, digest = meta.get("seq"), meta.get("hash")
    if type(seq) is not int or seq < 1 or not isinstance(digest, str):
        raise SnapshotUnusable("its description lacks the sequence number or checksum it covers (damaged)")
    if meta.get("size") != len(image) or meta.get("sha256") != hashlib.sha256(image).hexdigest():
        raise SnapshotUnusable(f"the image does not match its checksum (damaged; snapshot of event {seq})")
    return meta
