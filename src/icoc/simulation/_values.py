"""The numbers a scenario holds, checked: validators that raise :class:`~icoc.errors.InvalidInput`
naming ``Class.field`` (like :mod:`icoc.model`'s), the weighted draw every actor uses
(:func:`pick`), and :class:`Schedule`, a number that changes by year."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.dates import LAST_DATE

__all__ = ["MAX_DELAY_DAYS", "MAX_VALIDITY_YEARS", "Schedule", "pick"]

# --- validators (InvalidInput naming Class.field, like icoc.model's) ---------------------------


def _bad(instance: object, field: str, message: str) -> InvalidInput:
    return InvalidInput(Problem(f"{type(instance).__name__}.{field}", message))


def _num(instance: object, field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise _bad(instance, field, f"expected a number, got {preview(value)}")
    if value < 0:
        raise _bad(instance, field, f"{preview(value)} is negative")
    if not math.isfinite(value) or value > _MAX_NUMBER:
        raise _bad(instance, field, f"{preview(value)} is too large (at most {_MAX_NUMBER:g})")


def _number(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _num(instance, attribute.name, value)


def _probability(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _num(instance, attribute.name, value)
    if value > 1:
        raise _bad(instance, attribute.name, f"{value} is not a probability (between 0 and 1)")


def _count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(instance, attribute.name, f"expected a whole number of at least 0, got {preview(value)}")
    if value > _MAX_NUMBER:
        raise _bad(instance, attribute.name, f"{preview(value)} is too large (at most {_MAX_NUMBER:g})")


_MAX_NUMBER = 1e12
"""No count, rate or number of days in a scenario is larger (sizes have their own :class:`Limits`)."""

MAX_DELAY_DAYS = 36_525
"""A delay's ``mean_days`` and ``max_days`` are at most 100 years."""

MAX_VALIDITY_YEARS = 100
"""A certificate's ``validity_years`` is at most 100: every date a run makes stays in the supported range."""


def _days(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A number of days: a whole number up to :data:`MAX_DELAY_DAYS` (100 years)."""
    _count(instance, attribute, value)
    if value > MAX_DELAY_DAYS:
        raise _bad(instance, attribute.name, f"{preview(value)} days is more than {MAX_DELAY_DAYS} (100 years)")


def _keys(
    allowed: tuple[str, ...] | None, values: type | None = None, nonempty: bool = True, probabilities: bool = False
) -> Any:
    """A mapping whose keys are among ``allowed`` (any text when None) and whose values are
    instances of ``values`` (non-negative numbers when None)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Mapping):
            raise _bad(instance, attribute.name, f"expected a mapping, got {value!r}")
        if nonempty and not value:
            raise _bad(instance, attribute.name, "must not be empty")
        for k, x in value.items():
            if not isinstance(k, str) or (allowed is not None and k not in allowed):
                known = f" (known: {', '.join(allowed)})" if allowed is not None else ""
                raise _bad(instance, f"{attribute.name}.{k}", f"unknown key {k!r}{known}")
            if values is None:
                _num(instance, f"{attribute.name}.{k}", x)
                if probabilities and x > 1:
                    raise _bad(instance, f"{attribute.name}.{k}", f"{x} is not a probability (between 0 and 1)")
            elif not isinstance(x, values):
                raise _bad(instance, f"{attribute.name}.{k}", f"expected {values.__name__}, got {x!r}")

    return check


def _weights(allowed: tuple[str, ...] | None) -> Any:
    inner = _keys(allowed)

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        inner(instance, attribute, value)
        if not any(x > 0 for x in value.values()):
            raise _bad(instance, attribute.name, "at least one weight must be positive")

    return check


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _dict(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _values(e: Any) -> tuple[str, ...]:
    return tuple(m.value for m in e)


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """One key of ``weights``, with probability proportional to its weight (in mapping order)."""
    total = sum(weights.values())
    x = rng.random() * total
    last = ""
    for key, w in weights.items():
        if w <= 0:
            continue
        last = key
        x -= w
        if x < 0:
            return key
    return last


# --- dated values -----------------------------------------------------------------------------------

_FIRST_YEAR, _LAST_YEAR = 1900, LAST_DATE.year


def _schedule_steps(value: Any) -> tuple[tuple[int, float], ...]:
    """``{year: value}`` (years as integers or digit strings) as sorted ``(year, value)`` pairs."""
    if isinstance(value, Schedule):
        return value.steps
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = [tuple(x) if isinstance(x, (list, tuple)) else (x, None) for x in value]
    else:
        raise InvalidInput(Problem("Schedule", f"expected a mapping of years to values, got {preview(value)}"))
    if not items:
        raise InvalidInput(Problem("Schedule", "name at least one year"))
    steps: dict[int, float] = {}
    for item in items:
        if len(item) != 2:
            raise InvalidInput(Problem("Schedule", f"expected (year, value) pairs, got {preview(item)}"))
        key, x = item
        year = int(key) if isinstance(key, str) and key.isdigit() else key
        if isinstance(year, bool) or not isinstance(year, int) or not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise InvalidInput(
                Problem(
                    f"Schedule.{key}", f"expected a year between {_FIRST_YEAR} and {_LAST_YEAR}, got {preview(key)}"
                )
            )
        if isinstance(x, bool) or not isinstance(x, (int, float)) or x != x or not math.isfinite(x):
            raise InvalidInput(Problem(f"Schedule.{year}", f"expected a number, got {preview(x)}"))
        if year in steps:
            raise InvalidInput(Problem(f"Schedule.{year}", "the year is named twice"))
        steps[year] = x
    return tuple(sorted(steps.items()))


@attrs.frozen
class Schedule:
    """A value per year, like a dated rule parameter: ``Schedule({2020: 0.6, 2023: 0.2})`` is 0.6
    in every year up to 2022 and 0.2 from 2023 on (before its first year it holds its first value).

    Any number in a scenario may follow one (``Scenario.schedules`` maps its path to it); a year's
    value holds from 1 January to 31 December. Raises :class:`~icoc.errors.InvalidInput` for a key
    that is not a year or a value that is not a finite number."""

    steps: tuple[tuple[int, float], ...] = attrs.field(converter=_schedule_steps)
    """``(year, value)`` pairs in year order."""

    def at(self, year: int) -> float:
        """The value in force in ``year``."""
        value = self.steps[0][1]
        for y, x in self.steps:
            if y > year:
                break
            value = x
        return value

    def years(self) -> tuple[int, ...]:
        """The years the value changes in."""
        return tuple(y for y, _ in self.steps)

    def to_data(self) -> dict[str, float]:
        """``{"year": value}``, as a scenario file writes it (years as text: YAML and JSON keys)."""
        return {str(y): x for y, x in self.steps}


def _schedules(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: v if isinstance(v, Schedule) else Schedule(v) for k, v in value.items()}
    return value
