"""When a rule falls due: date expressions over facts and dated parameters.

The engine keeps an agenda of these dates (no wall clock, no durable-rules timers). A due date
is the first day the rule's consequence applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import attrs

from icoc.rules._conditions import Facts
from icoc.rules._params import Duration, ParameterSet

__all__ = ["After", "DayAfter", "Due", "EndOfCalendarYear", "FactDate", "Latest", "Param", "ParamDate"]


class Due:
    """A date computed from facts and parameters (``None`` when a fact is missing)."""

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def fact_names(self) -> Iterator[str]:
        return iter(())

    def param_names(self) -> Iterator[str]:
        return iter(())


@attrs.frozen
class FactDate(Due):
    """The date held by the fact ``name`` (e.g. ``certification_deadline``); None when the fact is not a date."""

    name: str

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        value = facts.get(self.name)
        return value if isinstance(value, date) else None

    def describe(self) -> str:
        return self.name

    def fact_names(self) -> Iterator[str]:
        yield self.name


@attrs.frozen
class ParamDate(Due):
    """The date held by the dated parameter ``name``, in its value in force on the day evaluated."""

    name: str

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        value = params.value(self.name, at)
        assert isinstance(value, date), f"parameter {self.name} is not a date"
        return value

    def describe(self) -> str:
        return self.name

    def param_names(self) -> Iterator[str]:
        yield self.name


@attrs.frozen
class Param:
    """A Duration parameter, for ``After``."""

    name: str


@attrs.frozen
class After(Due):
    """``start`` plus a period (a Duration parameter), with relativedelta's end-of-month clipping."""

    start: Due
    period: Param

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        start = self.start.on(facts, params, at)
        if start is None:
            return None
        period = params.value(self.period.name, at)
        assert isinstance(period, Duration), f"parameter {self.period.name} is not a Duration"
        return period.after(start)

    def describe(self) -> str:
        return f"{self.start.describe()} + {self.period.name}"

    def fact_names(self) -> Iterator[str]:
        yield from self.start.fact_names()

    def param_names(self) -> Iterator[str]:
        yield from self.start.param_names()
        yield self.period.name


@attrs.frozen
class DayAfter(Due):
    """The day after a deadline: the first day in breach of it."""

    deadline: Due

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        d = self.deadline.on(facts, params, at)
        return None if d is None else d + timedelta(days=1)

    def describe(self) -> str:
        return f"the day after {self.deadline.describe()}"

    def fact_names(self) -> Iterator[str]:
        yield from self.deadline.fact_names()

    def param_names(self) -> Iterator[str]:
        yield from self.deadline.param_names()


@attrs.frozen
class Latest(Due):
    """The later of several dates: ``None`` if any is unknown, or with ``known_only`` the latest
    of those known (``None`` only when none is)."""

    parts: tuple[Due, ...]
    known_only: bool = False

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        dates = [p.on(facts, params, at) for p in self.parts]
        if any(d is None for d in dates) and not self.known_only:
            return None
        known = [d for d in dates if d is not None]
        return max(known) if known else None

    def describe(self) -> str:
        return ("the latest known of " if self.known_only else "the later of ") + ", ".join(
            p.describe() for p in self.parts
        )

    def fact_names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.fact_names()

    def param_names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.param_names()


@attrs.frozen
class EndOfCalendarYear(Due):
    """31 December of the ``years_param``-th calendar year after ``start``; the joining year counts
    as year one only when ``count_param`` is true."""

    start: Due
    years_param: str
    count_param: str

    def on(self, facts: Facts, params: ParameterSet, at: date) -> date | None:
        start = self.start.on(facts, params, at)
        if start is None:
            return None
        years = params.value(self.years_param, at)
        counts = params.value(self.count_param, at)
        assert isinstance(years, int)
        year = start.year + years - (1 if counts else 0)
        return date(year, 12, 31)

    def describe(self) -> str:
        return f"31 December of the {self.years_param}-th calendar year after {self.start.describe()}"

    def fact_names(self) -> Iterator[str]:
        yield from self.start.fact_names()

    def param_names(self) -> Iterator[str]:
        yield from self.start.param_names()
        yield self.years_param
        yield self.count_param
