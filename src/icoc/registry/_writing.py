"""The write side of the registry: committing an event, judging rules up to its date, absorbing
derived events restated by inputs, and undoing a failed batch."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from icoc.errors import IcocError, IllegalTransition, InvalidInput, Problem
from icoc.model.dates import FIRST_DATE, LAST_DATE, date_problem
from icoc.model.events import Cause, DeadlineExtended, Event
from icoc.registry._asof import AsOfIndex
from icoc.registry._core import View, _Core
from icoc.registry._history import _History
from icoc.registry._queries import Discrepancy
from icoc.rules import NO_JOURNAL, Journal, Obligation, ParameterSet, RulesEngine
from icoc.workflows import Change, Interpreter

__all__: list[str] = []


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a bulk load of events (``from_history``, a store's
    replay): it allocates millions of objects and frees none, so the collector would walk the
    growing heap again and again for nothing. The collector is on again after the block if it was
    on before, however the block ends."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_BOOKS = ("_subject_events", "_discrepancies", "_claimed", "_derived")
"""The registry's books beside its state, which an image restores only when first read."""


class _Writing:
    """The registry's state and how inputs and derived events change it (the methods
    :class:`~icoc.registry.Registry`'s ``submit_all`` and ``advance_to`` run)."""

    _core: _Core
    _engine: RulesEngine | None
    _history: _History
    _interpreter: Interpreter
    _settings: dict[str, Any]
    _params: ParameterSet
    _latest: date | None
    _subject_events: dict[str, list[int]]
    _discrepancies: list[Discrepancy]
    _loading: bool
    _asof: AsOfIndex
    _claimed: dict[int, bool]
    _derived: dict[tuple[type[Event], str, str, date], list[int]]
    _veto: Callable[[Event, list[Change]], str | None] | None

    def _defer_books(self, load: Callable[[], tuple[Any, ...]]) -> None:
        """Take the books (:data:`_BOOKS`) from ``load()`` when one of them is first read."""
        for name in _BOOKS:
            self.__dict__.pop(name, None)
        self.__dict__["_load_books"] = load

    if not TYPE_CHECKING:  # a deferred book read for the first time (normal reads never get here)

        def __getattr__(self, name: str) -> Any:
            load = self.__dict__.get("_load_books")
            if load is None or name not in _BOOKS:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            books = load()
            if len(books) != len(_BOOKS):
                raise ValueError(f"deferred books of {len(books)} parts, not {len(_BOOKS)}")
            self.__dict__.update(zip(_BOOKS, books, strict=True))
            del self.__dict__["_load_books"]
            return self.__dict__[name]

    def _transaction(self) -> _Transaction:
        return _Transaction(self, undo=not self._loading)

    def _advance(self, when: date, tx: _Transaction) -> list[Event]:
        assert self._engine is not None
        return self._engine.advance(when, self._view, lambda ev, ob: self._apply_derived(ev, ob, tx))

    def _apply_derived(self, event: Event, obligation: Obligation, tx: _Transaction) -> None:
        if self._veto is not None:
            view = self._view()
            view.on = event.effective
            _, changes = self._interpreter.plan(view, event, check=True)
            moved = [
                (p, k, i)
                for p, k, i in changes
                if (now := self._core.instances.get(p, {}).get(k)) is None
                or now.state != i.state
                or now.previous != i.previous
            ]
            reason = self._veto(event, moved) if moved else None
            if reason is not None:
                assert self._engine is not None
                expected, recorded, path = (*reason.split("|", 2), "", "")[:3]
                self._engine.override(obligation, f"kept out: the record says {recorded}")
                n = len(self._discrepancies)
                tx.journal.call(lambda: self._discrepancies.__delitem__(slice(n, None)))
                self._discrepancies.append(
                    Discrepancy(
                        subject=event.subject,
                        rule=event.cause.rule or obligation.rule,
                        on=event.effective,
                        expected=expected,
                        recorded=recorded,
                        path=path,
                    )
                )
                return
        self._commit(event, tx, derived=True)

    def _apply_input(self, event: Event, tx: _Transaction) -> None:
        for name, value in _dates_of(event):
            if not FIRST_DATE <= value <= LAST_DATE:
                problem = date_problem(value)
                raise InvalidInput(Problem(name, f"{event.TYPE} for {event.subject!r}: {problem}"))
        engine = self._engine
        if engine is not None:
            clock = engine.clock
            if clock is not None and event.effective < clock:
                raise self._before_clock(event, clock)
            self._advance(event.effective, tx)
            engine.set_clock(event.effective)
            if event.cause.rule is not None:
                self._reconcile(event, tx)
                return
            if self._restates_derived(event, tx):
                return
        self._commit(event, tx, derived=False)

    def _restates_derived(self, event: Event, tx: _Transaction) -> bool:
        """Whether a rule already derived this very event (type, subject, instance, date): an
        input recording what a rule did that day is absorbed, not applied twice."""
        return self._claim((type(event), event.subject, event.key, event.effective), None, tx)

    def _claim(self, key: tuple[type[Event], str, str, date], like: Event | None, tx: _Transaction) -> bool:
        """Claim an unclaimed derived event with this key (and, given ``like``, the same rule,
        citation and payload)."""
        for j in self._derived.get(key, ()):
            mine = self._history[j]
            if j in self._claimed:
                continue
            if like is not None and (
                mine.cause.rule != like.cause.rule
                or mine.cause.citation != like.cause.citation
                or not _same_payload(mine, like)
                or not _same_provenance(mine.cause, like.cause)
            ):
                continue
            tx.journal.set(self._claimed, j, True)
            return True
        return False

    def _reconcile(self, event: Event, tx: _Transaction) -> None:
        """A derived event met in the input (a saved history): the rules must derive it again."""
        if self._claim((type(event), event.subject, event.key, event.effective), event, tx):
            return
        found = [e for e in self._history.since(tx.start) if e.effective == event.effective and e.cause.rule]
        derived = ", ".join(f"{e.TYPE} for {e.subject!r} by {e.cause.rule}" for e in found[:5]) or "nothing"
        differ = _provenance_differs(event, found)
        differ = f"; theirs has {differ}" if differ is not None else ""
        raise InvalidInput(
            Problem(
                "",  # the event itself (a history names it: $.events[7])
                f"{event.TYPE} for {event.subject!r} on {event.effective.isoformat()} by rule {event.cause.rule} "
                f"does not follow from this registry's rules and the events before it (they derive {derived} "
                f"on that date{differ}); pass rules=None to load a history as recorded",
            )
        )

    def _before_clock(self, event: Event, clock: date) -> IllegalTransition:
        later = [e for e in self._history if e.cause.rule is not None and e.effective >= event.effective]
        mine = [e for e in later if e.subject == event.subject] or later
        shown = "; ".join(f"{e.effective.isoformat()} {e.TYPE} for {e.subject!r} by {e.cause.rule}" for e in mine[:3])
        more = f" and {len(mine) - 3} more" if len(mine) > 3 else ""
        contradicts = f"; it could contradict the derived events {shown}{more}" if shown else ""
        return IllegalTransition(
            "clock",
            event.subject,
            None,
            event.TYPE,
            f"dated {event.effective.isoformat()}, before the registry's clock {clock.isoformat()} "
            f"(rules have been judged up to then){contradicts}",
        )

    def _commit(self, event: Event, tx: _Transaction, *, derived: bool) -> None:
        view = self._view()
        kind, changes = self._interpreter.plan(view, event, check=True)
        if self._engine is not None and type(event) is DeadlineExtended:
            self._extend(event)
        self._core.commit(event, kind, changes, tx.journal)
        self._asof.record(event.effective, changes, tx.journal)
        if self._latest is None or event.effective > self._latest:
            self._latest = event.effective
        idx = self._subject_events.get(event.subject)
        if idx is None:
            idx = []
            tx.journal.set(self._subject_events, event.subject, idx)
        idx.append(len(self._history))
        tx.journal.call(idx.pop)
        if derived:
            key = (type(event), event.subject, event.key, event.effective)
            same = self._derived.get(key)
            if same is None:
                same = []
                tx.journal.set(self._derived, key, same)
            same.append(len(self._history))
            tx.journal.call(same.pop)
        self._history.append(event)
        if self._engine is not None:
            self._engine.reschedule(self._view(), (inst for _, _, inst in changes), event.effective, event.TYPE)

    def _extend(self, event: DeadlineExtended) -> None:
        assert self._engine is not None
        for current in self._engine.open_obligation(event.subject, event.rule):
            if event.until < current.deadline:
                raise IllegalTransition(
                    "rules",
                    event.subject,
                    None,
                    event.TYPE,
                    f"an extension cannot bring the deadline forward: {event.rule!r} runs to "
                    f"{current.deadline.isoformat()}, later than {event.until.isoformat()}",
                )
        try:
            ob = self._engine.extend(event.subject, event.rule, event.until, event.effective)
        except LookupError as exc:
            found = self._engine.open_obligation(event.subject, event.rule)
            what = "no open obligation" if not found else f"{len(found)} open obligations"
            raise IllegalTransition(
                "rules", event.subject, None, event.TYPE, f"{what} {event.rule!r} to extend for {event.subject!r}"
            ) from exc
        if ob.due <= event.effective:
            raise IllegalTransition(
                "rules",
                event.subject,
                None,
                event.TYPE,
                f"the new deadline {event.until.isoformat()} is before the decision date {event.effective.isoformat()}",
            )

    def _view(self) -> View:
        return View(self._core, self._settings, self._params)


class _Transaction:
    """Everything one batch or advance changes, undone together if anything raises."""

    def __init__(self, registry: _Writing, undo: bool = True) -> None:
        self.registry = registry
        self.start = len(registry._history)
        # A registry built from nothing is discarded on failure by its builder: no undo needed.
        self.journal: Journal = Journal() if undo else NO_JOURNAL
        self._latest = registry._latest

    def __enter__(self) -> _Transaction:
        engine = self.registry._engine
        if engine is not None:
            engine.journal = self.journal
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        reg = self.registry
        if reg._engine is not None:
            reg._engine.journal = NO_JOURNAL
        if exc_type is None:
            return
        self.journal.rollback()
        reg._history.truncate(self.start)
        reg._latest = self._latest
        if isinstance(exc, (OverflowError, ValueError)) and not isinstance(exc, IcocError):
            raise InvalidInput(
                Problem("event", f"a date the rules cannot compute with ({exc}); nothing was applied")
            ) from exc


def _same_payload(derived: Event, saved: Event) -> bool:
    """Whether a saved derived event records the payload the rules derive again; a field the
    saved copy leaves ``None`` matches (a history written before the field existed, such as a
    ``TermEnded`` without ``outgoing``): the rules' copy, with the value, is kept."""
    mine, theirs = derived.facts(), saved.facts()
    return all(theirs.get(k) == v or theirs.get(k) is None for k, v in mine.items())


_PROVENANCE = ("base", "due", "opened", "extended_from", "process", "instance")
"""The fields of a rule's cause that record the engine's state (:class:`~icoc.model.events.Cause`)."""


def _same_provenance(derived: Cause, saved: Cause) -> bool:
    """Whether a saved derived event's cause records the engine state the rules derive again; a
    field the saved cause leaves ``None`` matches (written before it was recorded), as in
    :func:`_same_payload`."""
    for name in _PROVENANCE:
        theirs = getattr(saved, name)
        if theirs is not None and theirs != getattr(derived, name):
            return False
    return True


def _provenance_differs(saved: Event, found: list[Event]) -> str | None:
    """The first provenance field by which ``saved`` differs from the same event the rules
    derived (same type, instance, rule, citation and payload), shown as both values."""
    for e in found:
        if (type(e), e.key, e.cause.rule, e.cause.citation) != (
            type(saved),
            saved.key,
            saved.cause.rule,
            saved.cause.citation,
        ):
            continue
        for name in _PROVENANCE:
            theirs, mine = getattr(saved.cause, name), getattr(e.cause, name)
            if theirs is not None and theirs != mine:
                return f"cause.{name} {mine} where the history records {theirs}"
    return None


def _dates_of(event: Event) -> Iterator[tuple[str, date]]:
    """Every date an event carries: its own, its payload's, its certificate's."""
    yield "effective", event.effective
    for name, value in event.facts().items():
        if isinstance(value, date):
            yield name, value
        elif value is not None and (fields := getattr(type(value), "__attrs_attrs__", None)) is not None:
            for field in fields:
                inner = getattr(value, field.name)
                if isinstance(inner, date):
                    yield f"{name}.{field.name}", inner
