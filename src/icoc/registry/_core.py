"""The registry's state: current instances, subject kinds and last dates (a fold over events), and
the view guards and the interpreter read while events are planned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from icoc.model.events import Event
from icoc.rules import DEFAULT_PARAMETERS, NO_JOURNAL, Journal, ParameterSet
from icoc.workflows import PROCESSES, Change, Instance, SubjectKind

__all__ = ["View"]


class _Core:
    """Current instances, subject kinds and last dates; a fold over events."""

    def __init__(self) -> None:
        self.instances: dict[str, dict[str, Instance]] = {name: {} for name in PROCESSES}
        self.by_subject: dict[str, dict[tuple[str, str], Instance]] = {}
        self.kinds: dict[str, SubjectKind] = {}
        self.last: dict[str, date] = {}

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
