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
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from icoc.model.events import Event
from icoc.rules import NO_JOURNAL, Journal
from icoc.workflows import Instance, SubjectKind

__all__ = ["AsOfIndex", "AsOfState"]

AsOfState = tuple[
    dict[str, dict[str, Instance]],
    dict[str, dict[tuple[str, str], Instance]],
    dict[str, SubjectKind],
    dict[str, date],
]
"""``(instances by process and key, instances by subject, subject kinds, subjects' last dates)``."""

_Change = tuple[str, str, Instance]


class AsOfIndex:
    """Per instance ``(process, key)``: the dates its versions took effect and the versions.

    ``ordered``: every event so far came on or after the latest date before it (the index answers);
    ``complete``: it holds every version since the first event (False after an image, until
    :meth:`rebuild`)."""

    __slots__ = ("complete", "latest", "ordered", "versions")

    def __init__(self, *, complete: bool = True, latest: date | None = None) -> None:
        self.versions: dict[tuple[str, str], tuple[list[date], list[Instance]]] = {}
        self.ordered = True
        self.complete = complete
        self.latest = latest

    def record(self, on: date, changes: Sequence[_Change], journal: Journal) -> None:
        """Keep the versions ``changes`` made on ``on`` (undone with ``journal``)."""
        latest = self.latest
        if latest is None or on > latest:
            self.latest = on
            journal.call(lambda: setattr(self, "latest", latest))
        elif on < latest and self.ordered:
            self.ordered = False
            journal.call(lambda: setattr(self, "ordered", True))
        versions = self.versions
        for process, key, inst in changes:
            slot = versions.get((process, key))
            if slot is None:
                journal.set(versions, (process, key), ([on], [inst]))
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

    def rebuild(self, events: Iterable[Event], changes_of: Callable[[Event], Sequence[_Change]]) -> None:
        """Record the whole history again (``changes_of(event)``: what it changed, in order)."""
        self.versions = {}
        self.ordered, self.complete, self.latest = True, True, None
        for event in events:
            self.record(event.effective, changes_of(event), NO_JOURNAL)

    def instance(self, process: str, key: str, as_of: date) -> Instance | None:
        """The version of one instance in force at the end of ``as_of`` (None: not yet created)."""
        slot = self.versions.get((process, key))
        if slot is None:
            return None
        dates, insts = slot
        if dates[-1] <= as_of:
            return insts[-1]
        i = bisect_right(dates, as_of)
        return insts[i - 1] if i else None

    def state(self, as_of: date, kinds: dict[str, SubjectKind], processes: Iterable[str]) -> AsOfState:
        """The whole state at the end of ``as_of``, in the insertion order a replay gives
        (instances in the order they were created). ``kinds``: every subject's kind now;
        ``processes``: the processes the state names (each with its instances, maybe none)."""
        instances: dict[str, dict[str, Instance]] = {name: {} for name in processes}
        by_subject: dict[str, dict[tuple[str, str], Instance]] = {}
        last: dict[str, date] = {}
        for pk, (dates, insts) in self.versions.items():
            on = dates[-1]
            if on <= as_of:
                inst = insts[-1]
            else:
                i = bisect_right(dates, as_of)
                if not i:
                    continue
                inst, on = insts[i - 1], dates[i - 1]
            per = instances.get(pk[0])
            if per is None:
                per = instances[pk[0]] = {}
            per[pk[1]] = inst
            subject = inst.subject
            mine = by_subject.get(subject)
            if mine is None:
                mine = by_subject[subject] = {}
                last[subject] = on
            elif on > last[subject]:
                last[subject] = on
            mine[pk] = inst
        return instances, by_subject, {s: kinds[s] for s in by_subject}, last


def _put_back(insts: list[Instance], old: Instance) -> Callable[[], None]:
    def undo() -> None:
        insts[-1] = old

    return undo


def _drop_last(dates: list[date], insts: list[Instance]) -> Callable[[], None]:
    def undo() -> None:
        dates.pop()
        insts.pop()

    return undo
