"""The registry's state: current instances, subject kinds and last dates (a fold over events), and
the view guards and the interpreter read while events are planned."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from icoc.model.events import Event
from icoc.rules import DEFAULT_PARAMETERS, NO_JOURNAL, Journal, ParameterSet
from icoc.workflows import PROCESSES, Change, Instance, SubjectKind

__all__ = ["View"]


CoreState = tuple[
    dict[str, dict[str, Instance]],
    dict[str, dict[tuple[str, str], Instance]],
    dict[str, SubjectKind],
    dict[str, date],
]
"""``(instances by process and key, instances by subject, subject kinds, subjects' last dates)``."""

_FIELDS = ("instances", "by_subject", "kinds", "last")


class _Core:
    """Current instances, subject kinds and last dates; a fold over events.

    Restored from an image, its fields may be *deferred* (:meth:`defer`): taken from the image's
    encoded section the first time one of them is read."""

    def __init__(self) -> None:
        self.instances: dict[str, dict[str, Instance]] = {name: {} for name in PROCESSES}
        self.by_subject: dict[str, dict[tuple[str, str], Instance]] = {}
        self.kinds: dict[str, SubjectKind] = {}
        self.last: dict[str, date] = {}

    def defer(self, load: Callable[[], tuple[Any, ...]], fields: tuple[str, ...] = _FIELDS) -> None:
        """Take ``fields`` (all by default) from ``load()`` (their values in that order) when one
        of them is first read (not before)."""
        for name in fields:
            self.__dict__.pop(name, None)
        self.__dict__["_load"] = (load, fields)

    def state(self) -> CoreState:
        return self.instances, self.by_subject, self.kinds, self.last

    if not TYPE_CHECKING:  # a deferred field read for the first time (normal reads never get here)

        def __getattr__(self, name: str) -> Any:
            deferred = self.__dict__.get("_load")
            if deferred is None or name not in deferred[1]:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            load, fields = deferred
            values = load()
            if len(values) != len(fields):
                raise ValueError(f"deferred state of {len(values)} parts, not {len(fields)}")
            self.__dict__.update(zip(fields, values, strict=True))
            del self.__dict__["_load"]
            return self.__dict__[name]

    def commit(
        self, event: Event, kind: SubjectKind | None, changes: Sequence[Change], journal: Journal = NO_JOURNAL
    ) -> None:
        if kind is not None:
            journal.set(self.kinds, event.subject, kind)
        journal.set(self.last, event.subject, event.effective)
        for process, key, inst in changes:
            journal.set(self.instances.setdefault(process, {}), key, inst)
            mine = self.by_subject.get(inst.subject)
            if mine is None:
                mine = {}
                journal.set(self.by_subject, inst.subject, mine)
            journal.set(mine, (process, key), inst)


class View:
    """A registry state as guards, rules and the interpreter read it (a
    :class:`~icoc.workflows.StateView`): instances, subject kinds, last event dates, the
    registry's settings and its parameters' values on the date being planned (``on``).

    Obtained from :meth:`Registry.view <icoc.registry.Registry.view>`; read-only."""

    __slots__ = ("_core", "_params", "_settings", "on")

    def __init__(self, core: _Core, settings: Mapping[str, Any], params: ParameterSet = DEFAULT_PARAMETERS) -> None:
        self._core = core
        self._settings = settings
        self._params = params
        self.on: date | None = None

    def instance(self, process: str, key: str) -> Instance | None:
        """The instance of ``process`` with ``key``, or None."""
        return self._core.instances.get(process, {}).get(key)

    def instances(self, process: str, subject: str | None = None) -> Iterable[Instance]:
        """The instances of ``process`` (of ``subject`` only, when given), in key order."""
        if subject is None:
            keys = set(self._core.instances.get(process, {}))
        else:
            keys = {k for p, k in self._core.by_subject.get(subject, {}) if p == process}
        for key in sorted(keys):
            inst = self.instance(process, key)
            if inst is not None:
                yield inst

    def kind_of(self, subject: str) -> SubjectKind | None:
        """What ``subject`` is, or None when it is not on record."""
        return self._core.kinds.get(subject)

    def setting(self, name: str) -> Any:
        """A registry setting (standards, bodies) or a parameter's value on the event's date."""
        if name in self._settings:
            return self._settings[name]
        return self._params.value(name, self.on or date.max)

    def last_date(self, subject: str) -> date | None:
        """The date of ``subject``'s latest event, or None."""
        return self._core.last.get(subject)
