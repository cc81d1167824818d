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
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from icoc.errors import IcocError, InvalidInput, Problem, StoreConflict
from icoc.model.events import Event
from icoc.registry import Registry
from icoc.store._base import EventStore
from icoc.store._jsonl import JsonLinesStore
from icoc.store._sqlite import SqliteStore

__all__ = ["StoredRegistry", "open_registry", "open_store", "replay"]

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


def replay(store: EventStore, **config: Any) -> tuple[Registry, int]:
    """A new :class:`Registry` (``config`` as for its constructor) holding every event of
    ``store``, each checked again, and the store's last sequence number it reflects."""
    registry = Registry(**config)
    try:
        return registry, _catch_up(registry, store, 0)
    except BaseException:
        registry.close()
        raise


class StoredRegistry:
    """A :class:`Registry` kept in step with an :class:`EventStore`.

    Query it through :attr:`registry`; change it through :meth:`submit`, :meth:`submit_all` and
    :meth:`advance_to`, which append the accepted (and rule-derived) events to the store before
    returning. :meth:`refresh` reads what other writers appended.
    """

    def __init__(self, store: EventStore, **config: Any) -> None:
        self._store = store
        self._config = config
        self._registry, self._seq = replay(store, **config)

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
            return self._registry.advance_to(when, before_commit=self._append)
        except StoreConflict:
            self.refresh()
            raise

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
        self._registry, self._seq = replay(self._store, **self._config)
        old.close()

    def close(self) -> None:
        """Close the registry and the store."""
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


def open_registry(store: EventStore | str | os.PathLike[str], **config: Any) -> StoredRegistry:
    """A :class:`StoredRegistry` over ``store`` (a store, or a path for :func:`open_store`)."""
    if isinstance(store, (str, os.PathLike)):
        store = open_store(store)
    elif not isinstance(store, EventStore):
        raise InvalidInput(Problem("store", f"expected an EventStore or a path, got {type(store).__name__}"))
    return StoredRegistry(store, **config)
