"""The history: a list of events, whose head may be read from an event store only on demand."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from icoc.errors import InvalidInput, Problem
from icoc.model.events import Event

__all__: list[str] = []


class _History:
    """The history: a list of events, whose part before a store snapshot is read from the store
    only when something asks for it (an image restores the state, not the events)."""

    __slots__ = ("_events", "_head", "_load")

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._head = 0  # events not loaded yet, before ``_events``
        self._load: Callable[[], Iterable[Event]] | None = None

    def defer(self, count: int, load: Callable[[], Iterable[Event]]) -> None:
        """The first ``count`` events are ``load()``'s first ``count`` (read when needed)."""
        assert not self._events and self._load is None
        self._head, self._load = count, load

    @property
    def loaded(self) -> bool:
        return self._load is None

    def all(self) -> list[Event]:
        load = self._load
        if load is not None:
            head = list(itertools.islice(load(), self._head))
            if len(head) != self._head:
                raise InvalidInput(
                    Problem("history", f"the store holds {len(head)} events before its snapshot, not {self._head}")
                )
            self._events[:0] = head
            self._head, self._load = 0, None
        return self._events

    def __len__(self) -> int:
        return self._head + len(self._events)

    def append(self, event: Event) -> None:
        self._events.append(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.all())

    def __getitem__(self, i: int) -> Event:
        if self._load is not None and i >= self._head:
            return self._events[i - self._head]
        return self.all()[i]

    def since(self, start: int) -> list[Event]:
        """The events from index ``start`` on."""
        if self._load is not None and start >= self._head:
            return self._events[start - self._head :]
        return self.all()[start:]

    def truncate(self, n: int) -> None:
        if self._load is not None and n >= self._head:
            del self._events[n - self._head :]
        else:
            del self.all()[n:]
