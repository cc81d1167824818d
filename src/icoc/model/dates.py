"""The range of dates icoc accepts from input, stated once.

Dates outside it are refused where input is read (files, the CLI's ``--as-of``), with room left
on both sides for the date arithmetic the rules do (deadlines years ahead, look-backs): a
document with ``joined: 9998-01-01`` is refused as input instead of failing later with
``year 10000 is out of range``.
"""

from __future__ import annotations

from datetime import date

__all__ = ["FIRST_DATE", "LAST_DATE", "date_problem"]

FIRST_DATE = date(1900, 1, 1)
"""The earliest date accepted as input."""

LAST_DATE = date(2999, 12, 31)
"""The latest date accepted as input."""


def date_problem(value: date) -> str | None:
    """Why ``value`` is outside the supported range, or None when it is inside."""
    if FIRST_DATE <= value <= LAST_DATE:
        return None
    return f"{value.isoformat()} is outside the supported dates {FIRST_DATE.isoformat()}..{LAST_DATE.isoformat()}"
