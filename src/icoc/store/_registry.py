"""A registry backed by an event store: replayed from it on open, appending what it accepts.

The registry checks an event first (workflows and guards) and the store records it second. Before
applying anything it asks the store whether another writer appended: if so, it reads only the
events it missed and raises :class:`~icoc.errors.StoreConflict` for the caller to decide again on
the fresh state (no full replay). If the store still refuses afterwards (a writer won in the
moment between, or the disk failed), the in-memory registry is rebuilt from the store, so the two
never disagree.
"""

from __future__ import annotations

import os
import pickle
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Self, Unpack

import attrs

from icoc.errors import IcocError, InvalidInput, Problem, StoreConflict
from icoc.model.events import Event
from icoc.registry import Registry, RegistryConfig, collector_paused
from icoc.store._base import EventStore, SnapshotUnusable
from icoc.store._jsonl import JsonLinesStore
from icoc.store._sqlite import SqliteStore

__all__ = [
    "SnapshotIgnored",
    "SnapshotPolicy",
    "SnapshotReport",
    "StoredRegistry",
    "open_registry",
    "open_store",
    "replay",
]

_REPLAY_BATCH = 10_000

_SQLITE_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


def open_store(path: str | os.PathLike[str], *, create: bool = True) -> JsonLinesStore | SqliteStore:
    """A store by file suffix: ``.sqlite``, ``.sqlite3`` or ``.db`` is SQLite, anything else JSON lines."""
    p = Path(path)
    if p.suffix.lower() in _SQLITE_SUFFIXES:
        return SqliteStore(p, create=create)
    return JsonLinesStore(p, create=create)


def _chunks(items: Iterator[tuple[int, Event]], size: int) -> Iterator[tuple[int, list[Event]]]:
    batch: list[Event] = []
    last = 0
    for seq, event in items:
        batch.append(event)
        last = seq
        if len(batch) >= size:
            yield last, batch
            batch = []
    if batch:
        yield last, batch


def _catch_up(registry: Registry, store: EventStore, after: int) -> int:
    last = after
    for seq, batch in _chunks(store.read(after), _REPLAY_BATCH):
        try:
            registry.submit_all(batch)
        except IcocError as exc:
            exc.add_note(f"replaying events {seq - len(batch) + 1}..{seq} of {store!r}")
            raise
        last = seq
    return last


def replay(store: EventStore, **config: Unpack[RegistryConfig]) -> tuple[Registry, int]:
    """A new :class:`Registry` (``config`` as for its constructor) holding every event of
    ``store``, each checked again, and the store's last sequence number it reflects."""
    registry = Registry(**config)
    try:
        with collector_paused():
            return registry, _catch_up(registry, store, 0)
    except BaseException:
        registry.close()
        raise


@attrs.frozen(kw_only=True)
class SnapshotPolicy:
    """When a :class:`StoredRegistry` keeps a snapshot of its registry in its store.

    ``every``: once this many events were stored (or replayed on opening) since the last
    snapshot (``None``: never on that account); ``on_close``: when the registry is closed with
    events stored since the last snapshot. :meth:`StoredRegistry.save_snapshot` takes one on
    demand whatever the policy. ``SnapshotPolicy(every=None, on_close=False)`` never writes one
    (a store's snapshot is still used on opening: pass ``use=False`` to replay everything)."""

    every: int | None = 100_000
    on_close: bool = True
    use: bool = True

    def __attrs_post_init__(self) -> None:
        if self.every is not None and (type(self.every) is not int or self.every < 1):
            raise InvalidInput(Problem("every", f"expected a number of events >= 1 or None, got {self.every!r}"))


@attrs.frozen(kw_only=True)
class SnapshotReport:
    """What opening a store did with its snapshot.

    ``used``: the sequence number the snapshot covered (``None``: no snapshot used, everything
    replayed); ``replayed``: the events replayed after it; ``ignored``: why a snapshot found in
    the store was not trusted (damaged, stale, another format or release, other rules...), or
    ``None``."""

    used: int | None
    replayed: int
    ignored: str | None = None


class SnapshotIgnored(UserWarning):
    """A store's snapshot was not trusted (the registry was replayed from the events instead), or
    an automatic snapshot could not be written; the message says why."""


class StoredRegistry:
    """A :class:`Registry` kept in step with an :class:`EventStore`.

    Query it through :attr:`registry`; change it through :meth:`submit`, :meth:`submit_all` and
    :meth:`advance_to`, which append the accepted (and rule-derived) events to the store before
    returning. :meth:`refresh` reads what other writers appended.

    Opening loads the store's snapshot if it has a valid one and replays only the events after
    it (:attr:`snapshot_report` says what happened; an ignored snapshot also warns
    :class:`SnapshotIgnored`); ``snapshots`` (a :class:`SnapshotPolicy`) says when new ones are
    written.
    """

    def __init__(
        self,
        store: EventStore,
        *,
        snapshots: SnapshotPolicy | None = None,
        _verify: bool = False,
        **config: Unpack[RegistryConfig],
    ) -> None:
        self._store = store
        # A store opened here without its checks: verified on opening from the snapshot's event on.
        self._verify = _verify
        self._config = config
        self._policy = snapshots if snapshots is not None else SnapshotPolicy()
        self._snapped = 0
        self._closed = False
        self._registry, self._seq = self._open()

    @property
    def registry(self) -> Registry:
        return self._registry

    @property
    def store(self) -> EventStore:
        return self._store

    @property
    def seq(self) -> int:
        """The store's sequence number this registry reflects."""
        return self._seq

    def submit(self, event: Event) -> int:
        """Apply one event and store it; returns its sequence number."""
        return self.submit_all((event,))

    def submit_all(self, events: Iterable[Event]) -> int:
        """Apply a batch atomically and store it as one append; returns the last sequence number.

        Raises :class:`~icoc.errors.StoreConflict` (after reloading) when another writer appended
        since this registry last read the store: :meth:`refresh` is implied, retry if still valid.
        """
        self._check_current()
        try:
            self._registry.submit_all(events, before_commit=self._append)
        except StoreConflict:
            self.refresh()
            raise
        self._auto(self._seq - self._snapped)
        return self._seq

    def _check_current(self) -> None:
        """Raise StoreConflict, after reading only the events missed, if the store moved on."""
        last = self._store.last()
        if last != self._seq:
            before = self._seq
            self.refresh()
            raise StoreConflict(str(getattr(self._store, "path", self._store)), before, last)

    def advance_to(self, when: date) -> list[Event]:
        """Fire the rules due up to ``when`` and store the events they derived (StoreConflict,
        after catching up, if another writer appended since this registry last read)."""
        self._check_current()
        try:
            derived = self._registry.advance_to(when, before_commit=self._append)
        except StoreConflict:
            self.refresh()
            raise
        self._auto(self._seq - self._snapped)
        return derived

    def _append(self, added: Sequence[Event]) -> None:
        """Store what a batch adds (inputs and derived events) before the registry commits it:
        if the append fails the registry takes nothing back, so memory and store never differ."""
        if added:
            self._seq = self._store.append(list(added), self._seq)

    def refresh(self) -> int:
        """Apply the events other writers appended since the last read; returns how many."""
        before = self._seq
        self._seq = _catch_up(self._registry, self._store, self._seq)
        return self._seq - before

    def reload(self) -> None:
        """Rebuild the registry from the store (after a refused append, or to drop derived state)."""
        old = self._registry
        self._registry, self._seq = self._open()
        old.close()

    # --- snapshots -------------------------------------------------------------------------------

    @property
    def snapshot_report(self) -> SnapshotReport:
        """What the last opening (or :meth:`reload`) did with the store's snapshot."""
        return self._report

    def _open(self) -> tuple[Registry, int]:
        store = self._store
        found = None
        ignored = None
        load = getattr(store, "load_snapshot", None)
        if self._policy.use and load is not None:
            try:
                found = load()
            except SnapshotUnusable as exc:
                ignored = str(exc)
        registry = None
        start = 0
        if self._verify and isinstance(store, SqliteStore):
            # The rows after the snapshot now; those before it, whose state the (checksummed)
            # image stands for, when the history before it is read.
            store.verify(found[0] if found is not None else 0)
        if found is not None:
            seq, image = found
            try:
                registry = Registry.from_image(image, self._read_head, **self._config)
                start = seq
                count = len(registry)
                if count != seq:
                    registry.close()
                    registry, start = None, 0
                    ignored = f"its image covers {count} events, not the {seq} it is stored for (damaged)"
            except InvalidInput as exc:
                ignored = "; ".join(p.message for p in exc.problems) or str(exc)
        if ignored is not None:
            message = f"{store!r}: snapshot ignored, replaying every event: {ignored}"
            warnings.warn(message, SnapshotIgnored, stacklevel=3)
        if registry is None:
            registry = Registry(**self._config)
        try:
            with collector_paused():
                last = _catch_up(registry, store, start)
        except BaseException:
            registry.close()
            raise
        self._report = SnapshotReport(used=start or None, replayed=last - start, ignored=ignored)
        self._snapped = start
        self._registry, self._seq = registry, last
        self._auto(last - start)
        return registry, last

    def _read_head(self) -> Iterator[Event]:
        """The store's events, for the history before the snapshot (read when first asked for)."""
        if self._closed:
            raise InvalidInput(
                Problem(
                    "history",
                    f"the events before the snapshot are read from {self._store!r} when first asked for, and it "
                    "is closed: read the history before closing",
                )
            )
        return (e for _, e in self._store.read())

    def save_snapshot(self) -> bool:
        """Keep the registry's state in the store now, covering every event it has; returns
        False if the store already has a later one. Raises InvalidInput if the store keeps no
        snapshots (a format-1 store, or an :class:`EventStore` without ``save_snapshot``)."""
        save = getattr(self._store, "save_snapshot", None)
        if save is None:
            raise InvalidInput(Problem("store", f"{self._store!r} keeps no snapshots"))
        if self._seq == 0:
            return False
        if len(self._registry) != self._seq:
            raise InvalidInput(
                Problem(
                    "store",
                    f"the registry holds {len(self._registry)} events and the store {self._seq}: the store lacks "
                    "events the rules derived on replay (it was not written through a StoredRegistry), so no "
                    "snapshot can stand for it",
                )
            )
        saved = bool(save(self._seq, self._registry.image()))
        self._snapped = self._seq
        return saved

    def _auto(self, since: int) -> None:
        """A snapshot because the policy asks for one; a failure warns and changes nothing else
        (the events are stored: the next opening replays a little more)."""
        every = self._policy.every
        if every is None or since < every or getattr(self._store, "format_version", 2) < 2:
            return
        self._try_snapshot()

    def _try_snapshot(self) -> None:
        if getattr(self._store, "save_snapshot", None) is None:
            return
        try:
            self.save_snapshot()
        except (IcocError, OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            warnings.warn(f"{self._store!r}: no snapshot written: {exc}", SnapshotIgnored, stacklevel=3)

    def close(self) -> None:
        """Close the registry and the store (after a snapshot, if the policy asks for one on close)."""
        try:
            if self._policy.on_close and self._seq > self._snapped and getattr(self._store, "format_version", 2) >= 2:
                self._try_snapshot()
        finally:
            self._closed = True
            self._registry.close()
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StoredRegistry({self._store!r}, seq={self._seq})"


def open_registry(
    store: EventStore | str | os.PathLike[str],
    *,
    snapshots: SnapshotPolicy | None = None,
    **config: Unpack[RegistryConfig],
) -> StoredRegistry:
    """A :class:`StoredRegistry` over ``store`` (a store, or a path for :func:`open_store`),
    starting from the store's snapshot when it has a valid one; ``snapshots`` says when to write
    new ones (default :class:`SnapshotPolicy`: every 100,000 events and on close).

    A SQLite store opened from a path is verified as :class:`SqliteStore` verifies it, except
    that with a snapshot the checksum chain is verified from the snapshot's event on (the rows
    before it are verified when the history before the snapshot is first read): opening costs
    what changed since the snapshot, not the whole store."""
    verify = False
    if isinstance(store, (str, os.PathLike)):
        p = Path(store)
        if p.suffix.lower() in _SQLITE_SUFFIXES:
            store, verify = SqliteStore(p, check=False), True
        else:
            store = open_store(p)
    elif not isinstance(store, EventStore):
        raise InvalidInput(Problem("store", f"expected an EventStore or a path, got {type(store).__name__}"))
    try:
        return StoredRegistry(store, snapshots=snapshots, _verify=verify, **config)
    except BaseException:
        if verify:
            store.close()
        raise
