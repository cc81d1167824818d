"""The registry's state on a past date without a replay from zero: every instance's versions, dated.

Each committed change of an instance is kept with the effective date of the event that made it
(several changes on one date keep only the last: a view as of a date sees the end of that day).
While the history is in effective-date order (always with rules: the clock refuses earlier
events), the events dated on or before ``D`` are a prefix of it, so the state as of ``D`` is, for
every instance, its last version dated on or before ``D``: found by bisection, with no event
planned again. A history out of date order (possible without rules, across subjects) marks the
index unusable and callers replay instead.

An index restored from a store snapshot (an image) lacks the versions before the image; it is
rebuilt from the whole history the first time a past date is asked for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from weakref import WeakSet

from icoc.model.events import Event
from icoc.registry._core import _Core
from icoc.rules import NO_JOURNAL, Journal
from icoc.workflows import Instance, SubjectKind

__all__ = ["AsOfIndex"]

_Change = tuple[str, str, Instance]
_Slot = tuple[list[date], list[Instance]]


class AsOfIndex:
    """Per process, per instance key: the dates its versions took effect and the versions; per
    subject, the date its first instance was created.

    ``ordered``: every event so far came on or after the latest date before it (the index answers);
    ``complete``: it holds every version since the first event (False after an image, until
    :meth:`rebuild`)."""

    __slots__ = ("born", "complete", "latest", "ordered", "versions", "waiting")

    def __init__(self, *, complete: bool = True, latest: date | None = None) -> None:
        self.versions: dict[str, dict[str, _Slot]] = {}
        self.born: dict[str, date] = {}
        self.ordered = True
        self.complete = complete
        self.latest = latest
        # States handed out whose subject index is still to be computed from these versions.
        self.waiting: WeakSet[_Core] = WeakSet()

    def record(self, on: date, changes: Sequence[_Change], journal: Journal) -> None:
        """Keep the versions ``changes`` made on ``on`` (undone with ``journal``); nothing until the
        index is built (:meth:`rebuild` records the whole history then)."""
        if not self.complete:
            return
        latest = self.latest
        if latest is None or on > latest:
            self.latest = on
            journal.call(lambda: setattr(self, "latest", latest))
        elif on < latest:
            # A version dated before the latest would land inside the dates a state handed out
            # still reads: compute what those states defer first.
            for core in list(self.waiting):
                core.by_subject  # noqa: B018 (read to compute it)
            self.waiting.clear()
            if self.ordered:
                self.ordered = False
                journal.call(lambda: setattr(self, "ordered", True))
        versions = self.versions
        born = self.born
        for process, key, inst in changes:
            per = versions.get(process)
            if per is None:
                per = versions[process] = {}  # an empty mapping left by an undo is harmless
            slot = per.get(key)
            if slot is None:
                journal.set(per, key, ([on], [inst]))
                if inst.subject not in born:
                    journal.set(born, inst.subject, on)
                continue
            dates, insts = slot
            if dates[-1] == on:
                if journal is not NO_JOURNAL:
                    journal.call(_put_back(insts, insts[-1]))
                insts[-1] = inst
            else:
                dates.append(on)
                insts.append(inst)
                if journal is not NO_JOURNAL:
                    journal.call(_drop_last(dates, insts))

    @property
    def usable(self) -> bool:
        return self.ordered and self.complete

    def slots(self) -> Iterator[tuple[tuple[str, str], _Slot]]:
        """``((process, key), (dates, versions))`` for every instance, by process."""
        for process, per in self.versions.items():
            for key, slot in per.items():
                yield (process, key), slot

    def rebuild(self, events: Iterable[Event], changes_of: Callable[[Event], Sequence[_Change]]) -> None:
        """Record the whole history again (``changes_of(event)``: what it changed, in order)."""
        before = (self.versions, self.born, self.ordered, self.complete, self.latest)
        self.versions, self.born = {}, {}
        self.ordered, self.complete, self.latest = True, True, None
        try:
            for event in events:
                self.record(event.effective, changes_of(event), NO_JOURNAL)
        except BaseException:  # never left half built: as it was, and the next query starts again
            self.versions, self.born, self.ordered, self.complete, self.latest = before
            raise

    def instance(self, process: str, key: str, as_of: date) -> Instance | None:
        """The version of one instance in force at the end of ``as_of`` (None: not yet created)."""
        slot = self.versions.get(process, {}).get(key)
        if slot is None:
            return None
        dates, insts = slot
        if dates[-1] <= as_of:
            return insts[-1]
        i = bisect_right(dates, as_of)
        return insts[i - 1] if i else None

    def state(self, as_of: date, kinds: dict[str, SubjectKind], processes: Iterable[str]) -> _Core:
        """The whole state at the end of ``as_of``, as a replay up to it gives (each process's
        instances in the order they were created). ``kinds``: every subject's kind now;
        ``processes``: the processes the state names (each with its instances, maybe none).

        Instances and kinds are found at once; instances by subject and subjects' last dates
        when first read (from these versions: until then a version dated on or before ``as_of``
        cannot be recorded without computing them first)."""
        instances: dict[str, dict[str, Instance]] = {name: {} for name in processes}
        for process, per in self.versions.items():
            found = instances.get(process)
            if found is None:
                found = instances[process] = {}
            for key, (dates, insts) in per.items():
                if dates[-1] <= as_of:
                    found[key] = insts[-1]
                elif dates[0] <= as_of:
                    found[key] = insts[bisect_right(dates, as_of) - 1]
        core = _Core()
        core.instances = instances
        core.kinds = {s: kinds[s] for s, on in self.born.items() if on <= as_of}
        versions = self.versions
        core.defer(lambda: _by_subject(instances, versions, as_of), ("by_subject", "last"))
        if self.latest is not None and as_of >= self.latest:
            core.by_subject  # noqa: B018 (a later version could be dated as_of: compute it now)
        else:
            self.waiting.add(core)
        return core


def _by_subject(
    instances: dict[str, dict[str, Instance]], versions: dict[str, dict[str, _Slot]], as_of: date
) -> tuple[dict[str, dict[tuple[str, str], Instance]], dict[str, date]]:
    by_subject: dict[str, dict[tuple[str, str], Instance]] = {}
    last: dict[str, date] = {}
    for process, found in instances.items():
        per = versions.get(process, {})
        for key, inst in found.items():
            dates = per[key][0]
            on = dates[-1] if dates[-1] <= as_of else dates[bisect_right(dates, as_of) - 1]
            subject = inst.subject
            mine = by_subject.get(subject)
            if mine is None:
                mine = by_subject[subject] = {}
                last[subject] = on
            elif on > last[subject]:
                last[subject] = on
            mine[process, key] = inst
    return by_subject, last


def _put_back(insts: list[Instance], old: Instance) -> Callable[[], None]:
    def undo() -> None:
        insts[-1] = old

    return undo


def _drop_last(dates: list[date], insts: list[Instance]) -> Callable[[], None]:
    def undo() -> None:
        dates.pop()
        insts.pop()

    return undo
