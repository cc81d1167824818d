"""One bidder-list row's cells, parsed one at a time: dates, years, statuses, choices, standards
and the company id a row stands for, each problem naming the file, row and column."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from icoc.bidders._columns import COLUMNS
from icoc.bidders._sheet import Cell
from icoc.errors import Problem
from icoc.model import DEFAULT_STANDARDS, LAST_DATE, CompanyStatus, date_problem

__all__ = ["COLUMN_HEADERS", "STANDARDS", "RowCells", "row_id", "slug"]

_NOT_MEMBER = {"not a member", "not_a_member", "none", "no", "non-member", "non member"}

STANDARDS: dict[str, str] = {s.id.lower(): s.id for s in DEFAULT_STANDARDS}
STANDARDS.update({s.id.lower().replace("-", " "): s.id for s in DEFAULT_STANDARDS})
STANDARDS.update({"psc.1": "PSC.1-2012", "psc1": "PSC.1-2012", "iso 18788": "ISO-18788", "iso 28007": "ISO-28007"})
"""A standard's id by the ways a list writes it (lower case: ``psc.1``, ``iso 18788``...)."""

COLUMN_HEADERS = {c.key: c.header for c in COLUMNS}
"""A column's header by its key, as problems name the column."""


def slug(name: str) -> str:
    """``name`` as an id: lower case, runs of other characters as ``-``, at most 60 characters."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")


def row_id(cells: Mapping[str, Cell]) -> str:
    """The company id a row of :func:`read_rows` stands for: its ``id`` cell, else the id made
    from the company name (lower case, runs of other characters as ``-``: ``North Shield Ltd`` is
    ``north-shield-ltd``)."""
    given = cells.get("id")
    if given is not None and str(given).strip():
        return str(given).strip()
    name = cells.get("company")
    return slug(str(name)) if name is not None else ""


class RowCells:
    """One row's cells with the file, row and column of each, parsed one cell at a time."""

    def __init__(self, path: str, n: int, cells: Mapping[str, Cell], problems: list[Problem]) -> None:
        self.path, self.n, self.cells, self.problems = path, n, cells, problems

    def where(self, key: str) -> str:
        return f"{self.path}:row {self.n}:{COLUMN_HEADERS[key]}"

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.where(key), message))

    def text(self, key: str) -> str | None:
        v = self.cells.get(key)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip() or None

    def word(self, key: str) -> str | None:
        t = self.text(key)
        return " ".join(t.lower().replace("_", " ").replace("-", " ").split()) if t else None

    def day(self, key: str) -> date | None:
        v = self.cells.get(key)
        if v is None:
            return None
        if isinstance(v, date):
            day = v
        else:
            text = str(v).strip()
            try:
                if not text.isascii():
                    raise ValueError(text)
                day = date.fromisoformat(text)
            except ValueError:
                self.bad(key, f"expected a date YYYY-MM-DD, got {v!r}")
                return None
        problem = date_problem(day)
        if problem is not None:
            self.bad(key, problem)
            return None
        return day

    def year(self, key: str) -> int | None:
        t = self.text(key)
        if t is None:
            return None
        if not (t.isascii() and t.isdigit()) or not 2013 <= int(t) <= LAST_DATE.year:
            self.bad(key, f"expected a year such as 2025, got {t!r}")
            return None
        return int(t)

    def status(self, key: str) -> CompanyStatus | str | None:
        w = self.word(key)
        if w is None:
            return None
        if w in _NOT_MEMBER:
            return "not a member"
        try:
            return CompanyStatus(w.replace(" ", "_"))
        except ValueError:
            known = ", ".join(s.value.replace("_", " ") for s in CompanyStatus)
            self.bad(key, f"unknown status {self.text(key)!r} (known: {known}, not a member)")
            return None

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        w = self.word(key)
        if w is not None and w not in allowed:
            self.bad(key, f"expected one of {', '.join(allowed)}, got {self.text(key)!r}")
            return None
        return w
