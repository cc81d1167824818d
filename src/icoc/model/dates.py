"""The range of dates icoc accepts from input, stated once.

Dates outside it are refused where input is read (files, the CLI's ``--as-of``), with room left
on both sides for the date arithmetic the rules do (deadlines years ahead, look-backs): a
document with ``joined: 9998-01-01`` is refused as input instead of failing later with
``year 10000 is out of range``.
"""

from __future__ import annotations

from datetime import date, datetime

from icoc.errors import InvalidInput, Problem, preview

__all__ = ["FIRST_DATE", "LAST_DATE", "checked_date", "date_problem"]

FIRST_DATE = date(1900, 1, 1)
"""The earliest date accepted as input."""

LAST_DATE = date(2999, 12, 31)
"""The latest date accepted as input."""


def date_problem(value: date) -> str | None:
    """Why ``value`` is outside the supported range, or None when it is inside."""
    if FIRST_DATE <= value <= LAST_DATE:
        return None
    return f"{value.isoformat()} is outside the supported dates {FIRST_DATE.isoformat()}..{LAST_DATE.isoformat()}"


def checked_date(value: object, name: str, *, supported: bool = True) -> date:
    """``value`` as a plain :class:`datetime.date` (a subclass of date is copied), for an argument
    called ``name`` (``as_of``, ``until``). Raises :class:`~icoc.errors.InvalidInput` naming
    ``name`` when ``value`` is not a date (a ``datetime`` is refused: icoc counts whole days) or,
    with ``supported`` (the default; a query of recorded state may pass False and ask about any
    day), is outside :data:`FIRST_DATE`..:data:`LAST_DATE`."""
    if type(value) is not date:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise InvalidInput(Problem(name, f"expected a date, got {preview(value)}"))
        value = date(value.year, value.month, value.day)
    problem = date_problem(value) if supported else None
    if problem is not None:
        raise InvalidInput(Problem(name, problem))
    return value
