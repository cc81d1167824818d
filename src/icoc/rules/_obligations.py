"""Obligations and the book that keeps them: one rule's deadline for one process instance, the
agenda heap, and the undo journal every change goes through (a refused transaction leaves the book
as it was). How obligations open, move and close is told in :mod:`icoc.rules._engine`."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from icoc.rules._rule import Rule

__all__ = ["NO_JOURNAL", "Journal", "Obligation", "ObligationStatus"]


class ObligationStatus(StrEnum):
    """Where an obligation stands."""

    OPEN = "open"
    """Its clock runs; it will be judged on its due date."""
    MET = "met"
    """Its condition stopped holding before or on its due date: no consequence, ever."""
    FIRED = "fired"
    """Judged on its due date and not met: its consequence was emitted."""
    SUPERSEDED = "superseded"
    """Taken over by a later regime that covers existing members."""
    OVERRIDDEN = "overridden"
    """Its consequence contradicted a registry document's recorded facts; the document wins."""


@attrs.frozen(kw_only=True)
class Obligation:
    """One rule's deadline for one process instance.

    ``due`` is the first day of breach (the deadline is the day before); ``opened`` is the day its
    clock started, whose rules and parameter values fixed it. ``extended_from`` is the due date
    before a Board decision moved it. ``closed`` is the day it was met, fired or superseded, and
    ``closed_by`` says by what (an event type, or the superseding rule)."""

    rule: str
    family: str
    process: str
    key: str
    subject: str
    opened: date
    due: date
    status: ObligationStatus = ObligationStatus.OPEN
    closed: date | None = None
    closed_by: str | None = None
    extended_from: date | None = None

    @property
    def deadline(self) -> date:
        """The last day to comply: the day before ``due``."""
        return self.due - timedelta(days=1)

    def as_of(self, on: date) -> Obligation | None:
        """This obligation as it stood on ``on`` (None if its clock had not started)."""
        if on < self.opened:
            return None
        if self.closed is not None and on < self.closed:
            return attrs.evolve(self, status=ObligationStatus.OPEN, closed=None, closed_by=None)
        return self


_OpenKey = tuple[str, str, str]  # family, process, instance key
_MISSING: Any = object()


class Journal:
    """Undo records for one transaction: each mutation registers how to take it back."""

    def __init__(self) -> None:
        self._undo: list[Any] = []

    def set(self, d: dict[Any, Any], k: Any, v: Any) -> None:
        self._undo.append((d, k, d.get(k, _MISSING)))
        d[k] = v

    def pop(self, d: dict[Any, Any], k: Any) -> None:
        if k in d:
            self._undo.append((d, k, d[k]))
            del d[k]

    def call(self, undo: Callable[[], object]) -> None:
        self._undo.append(undo)

    def rollback(self) -> None:
        for item in reversed(self._undo):
            if callable(item):
                item()
                continue
            d, k, old = item
            if old is _MISSING:
                d.pop(k, None)
            else:
                d[k] = old
        self._undo.clear()


class _NoJournal(Journal):
    """Used when nothing needs undoing (a registry built from scratch is discarded on failure)."""

    def set(self, d: dict[Any, Any], k: Any, v: Any) -> None:
        d[k] = v

    def pop(self, d: dict[Any, Any], k: Any) -> None:
        d.pop(k, None)

    def call(self, undo: Callable[[], object]) -> None:
        pass


NO_JOURNAL: Journal = _NoJournal()
"""The journal of work outside a transaction (a bulk load): it records nothing."""


_DEFERRED = ("_heap", "_open", "_records", "_by_subject", "_closed", "_held", "_regime")
"""The parts of a :meth:`_Book.state` that :meth:`_Book.restore_later` decodes on first use."""

_Entry = tuple[date, int, int, str, str, str]
"""An agenda entry: ``(date, phase, rule order, process, key, family)``; phase 0 is a regime
switch (``family`` is then the switching rule's id), phase 1 an obligation falling due."""


class _Book:
    """The obligations of one engine, by serial, by subject and by open ``(family, process, key)``,
    and the agenda heap. Every mutation goes through :attr:`journal`."""

    def __init__(self, order: Mapping[str, int]) -> None:
        self.journal: Journal = NO_JOURNAL
        self._order = order
        self._heap: list[_Entry] = []
        self._open: dict[_OpenKey, int] = {}
        self._records: dict[int, Obligation] = {}
        self._by_subject: dict[str, list[int]] = {}
        self._closed: dict[tuple[str, str, str, date], bool] = {}
        # Families whose condition held when their last obligation opened and has not stopped
        # holding since (no new clock starts for them).
        self._held: dict[_OpenKey, bool] = {}
        # The rule (regime) that last governed each family's obligation for an instance.
        self._regime: dict[_OpenKey, tuple[str, tuple[Any, ...]]] = {}
        self._serial = [0]
        self.clock: date | None = None

    def state(self) -> tuple[Any, ...]:
        """Everything the engine learnt from a history (agenda, obligations, clock), to restore
        with :meth:`restore` in an engine of the same rules and parameters (a store snapshot)."""
        return (
            self._heap,
            self._open,
            self._records,
            self._by_subject,
            self._closed,
            self._held,
            self._regime,
            self._serial[0],
            self.clock,
        )

    def restore_later(self, clock: date | None, serial: int, load: Callable[[], tuple[Any, ...]]) -> None:
        """Take over a :meth:`state` whose clock and serial are given and whose obligations and
        agenda ``load()`` returns, the first time they are read (a registry restored from an
        image that answers ``clock`` without decoding every obligation)."""
        for name in _DEFERRED:
            self.__dict__.pop(name, None)
        self.clock, self._serial = clock, [serial]
        self.__dict__["_load"] = load

    if not TYPE_CHECKING:  # a deferred field read for the first time (normal reads never get here)

        def __getattr__(self, name: str) -> Any:
            load = self.__dict__.get("_load")
            if load is None or name not in _DEFERRED:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            state = load()
            if len(state) != len(_DEFERRED):
                raise ValueError(f"a deferred rules state of {len(state)} parts, not {len(_DEFERRED)}")
            self.__dict__.update(zip(_DEFERRED, state, strict=True))
            del self.__dict__["_load"]
            return self.__dict__[name]

    def restore(self, state: tuple[Any, ...]) -> None:
        """Take over a :meth:`state` (of an engine with the same rules and parameters)."""
        (
            self._heap,
            self._open,
            self._records,
            self._by_subject,
            self._closed,
            self._held,
            self._regime,
            serial,
            self.clock,
        ) = state
        self._serial = [serial]

    # --- obligations ----------------------------------------------------------------------

    def _record(self, serial: int, ob: Obligation) -> None:
        self.journal.set(self._records, serial, ob)

    @staticmethod
    def _anchor(rule: Rule, facts: Mapping[str, Any]) -> tuple[Any, ...]:
        """The facts a rule's due date rests on (a joining date): the same anchor, the same clock."""
        return tuple(facts.get(n) for n in rule.due.fact_names()) if rule.due is not None else ()

    def _open_new(self, ob: Obligation, anchor: tuple[Any, ...]) -> None:
        serial = self._serial[0]
        self._serial[0] += 1
        self.journal.call(lambda: self._serial.__setitem__(0, serial))
        self._record(serial, ob)
        self.journal.set(self._open, (ob.family, ob.process, ob.key), serial)
        self.journal.set(self._held, (ob.family, ob.process, ob.key), True)
        self.journal.set(self._regime, (ob.family, ob.process, ob.key), (ob.rule, anchor))
        lst = self._by_subject.get(ob.subject)
        if lst is None:
            lst = []
            self.journal.set(self._by_subject, ob.subject, lst)
        lst.append(serial)
        self.journal.call(lst.pop)
        self._push(ob)

    def _push(self, ob: Obligation) -> None:
        heapq.heappush(self._heap, (ob.due, 1, self._order[ob.rule], ob.process, ob.key, ob.family))

    def _close(self, serial: int, status: ObligationStatus, on: date, by: str) -> None:
        ob = self._records[serial]
        self._record(serial, attrs.evolve(ob, status=status, closed=on, closed_by=by))
        self.journal.pop(self._open, (ob.family, ob.process, ob.key))
        self.journal.set(self._closed, (ob.family, ob.process, ob.key, ob.due), True)
        if ob.extended_from is not None:
            self.journal.set(self._closed, (ob.family, ob.process, ob.key, ob.extended_from), True)

    def obligations(self, subject: str | None = None, as_of: date | None = None) -> list[Obligation]:
        """Obligations (of one subject, or all) as they stood on ``as_of`` (now when omitted),
        in the order they were opened."""
        serials: Iterable[int]
        if subject is None:
            serials = sorted(self._records)
        else:
            serials = self._by_subject.get(subject, ())
        out = []
        for s in serials:
            ob = self._records[s]
            seen = ob if as_of is None else ob.as_of(as_of)
            if seen is not None:
                out.append(seen)
        return out

    def open_obligation(self, subject: str, name: str) -> list[Obligation]:
        """Open obligations of ``subject`` whose rule id or family is ``name``."""
        return [
            ob
            for s in self._by_subject.get(subject, ())
            if (ob := self._records[s]).status is ObligationStatus.OPEN and name in (ob.rule, ob.family)
        ]

    def extend(self, subject: str, name: str, until: date, on: date) -> Obligation:
        """Move the one open obligation named ``name`` of ``subject`` to the deadline ``until``."""
        found = self.open_obligation(subject, name)
        if len(found) != 1:
            raise LookupError(len(found))
        ob = found[0]
        serial = self._open[(ob.family, ob.process, ob.key)]
        new = attrs.evolve(ob, due=until + timedelta(days=1), extended_from=ob.extended_from or ob.due)
        self._record(serial, new)
        self._push(new)
        return new

    # --- the agenda ----------------------------------------------------------------------

    def _valid(self, entry: _Entry) -> int | None:
        d, phase, _, process, key, family = entry
        if phase == 0:
            return -1
        serial = self._open.get((family, process, key))
        if serial is None or self._records[serial].due != d:
            return None
        return serial

    def pending(self, until: date) -> list[tuple[str, str, str, date]]:
        """Open ``(rule id, process, key, due)`` obligations due on or before ``until``.

        Only the heap's top down to ``until`` is read (a child is never earlier than its parent):
        asking an advanced registry costs nothing however many obligations are open."""
        heap, out, seen, todo = self._heap, [], set(), [0]
        while todo:
            j = todo.pop()
            if j >= len(heap) or heap[j][0] > until:
                continue
            serial = self._valid(heap[j])
            if serial is not None and serial >= 0 and serial not in seen:
                seen.add(serial)
                ob = self._records[serial]
                out.append((ob.rule, ob.process, ob.key, ob.due))
            todo += (2 * j + 1, 2 * j + 2)
        return out

    def next_due(self) -> date | None:
        """The earliest date on the agenda, if any."""
        while self._heap:
            if self._valid(self._heap[0]) is not None:
                return self._heap[0][0]
            self._pop()
        return None

    def _pop(self) -> _Entry:
        entry = heapq.heappop(self._heap)
        self.journal.call(lambda: heapq.heappush(self._heap, entry))
        return entry

    def set_clock(self, when: date) -> None:
        if self.clock is None or when > self.clock:
            old = self.clock
            self.journal.call(lambda: setattr(self, "clock", old))
            self.clock = when

    def override(self, ob: Obligation, reason: str) -> None:
        """Mark a fired obligation as overridden by recorded facts (a registry document)."""
        for serial in self._by_subject.get(ob.subject, ()):  # the subject's own, not every record
            rec = self._records[serial]
            if rec == ob:
                self._record(serial, attrs.evolve(rec, status=ObligationStatus.OVERRIDDEN, closed_by=reason))
                return

    def __iter__(self) -> Iterator[Obligation]:
        return iter(self._records.values())
