"""The tables ICoCA publishes in its annual monitoring summaries, counted from a registry.

:func:`monitoring_report` counts, for one calendar year:

- **members by status** on 31 December (private security companies by company status), and
  civil society and government members by pillar and status;
- **self-assessments** sent and received (submitted) during the year;
- **cases by source and category** opened during the year (Art. 12 concerns);
- **complaints received** during the year by admissibility and by whether they concern a member,
  a company that is not a member, or no identified company (Art. 13);
- **terminations by ground** decided during the year (:class:`~icoc.model.events.Ground`).

Every cell is a count of public facts (statuses, event types, enumerations), so the report is
public: it reads no payload text. ICoCA's summaries (e.g. 2021: 7 complaints received, 2 alleging
a Code violation, 1 against a member; 12 terminations, 3 for no self-assessment, 2 for not
cooperating in good faith) are the shape it follows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.dates import checked_date
from icoc.model.events import (
    CaseOpened,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    Event,
    Ground,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Terminated,
)
from icoc.model.members import ACTIVE_STATUSES, CompanyStatus, MembershipStatus
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.registry import Registry
from icoc.workflows import SubjectKind
from icoc.workflows.company_status import PROCESS as COMPANY_STATUS
from icoc.workflows.member_status import PROCESS as MEMBER_STATUS

__all__ = ["COMPLAINT_ABOUT", "MonitoringReport", "Table", "monitoring_report"]

_MEMBER_STATUSES = frozenset(str(s) for s in ACTIVE_STATUSES)

COMPLAINT_ABOUT = ("member", "non_member", "unidentified")
"""Whom a complaint concerns in the report: a company that was a member (any active status,
suspended included) on the day it was received or identified, a company that was not (never a
member, or no longer one), or no identified company."""

_ADMISSIBILITY = ("admissible", "not_admissible", "pending")


@attrs.frozen(kw_only=True)
class Table:
    """One published table: a name, a title, column names and rows of labels then counts.

    ``summable`` is false for a table whose rows count different things (self-assessments sent
    and received): it then has no ``total`` row in text or CSV and no entry in JSON ``totals``."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    summable: bool = True

    @property
    def total(self) -> int:
        """The sum of the table's counts (the last column)."""
        return sum(int(r[-1]) for r in self.rows)

    def text(self) -> str:
        """The table as aligned plain text, its title first and a ``total`` row last (when
        :attr:`summable`)."""
        total = ["total", *([""] * (len(self.columns) - 2)), str(self.total)]
        cells = [list(self.columns), *[[str(c) for c in r] for r in self.rows], *([total] if self.summable else [])]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.title]
        for row in cells:
            lines.append(
                "  "
                + "  ".join(
                    c.ljust(w) if i < len(row) - 1 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
        return "\n".join(lines)

    def records(self) -> list[dict[str, str | int]]:
        """The rows as dicts keyed by column name (for JSON and CSV)."""
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@attrs.frozen(kw_only=True)
class MonitoringReport:
    """The monitoring tables of one calendar year ``year`` (counts only; public), counted up to
    ``as_of``: 31 December, or an earlier day when the registry (or the caller) stops before the
    end of the year; :attr:`complete` says which."""

    year: int
    tables: tuple[Table, ...]
    as_of: date

    @property
    def complete(self) -> bool:
        """Whether the whole year was counted (``as_of`` is 31 December)."""
        return self.as_of == date(self.year, 12, 31)

    def table(self, name: str) -> Table:
        """The table called ``name`` (``members_by_status``, ``other_members_by_status``, ``self_assessments``,
        ``cases_by_source_and_category``, ``complaints``, ``terminations_by_ground``);
        :class:`~icoc.errors.InvalidInput` for another name."""
        for t in self.tables:
            if t.name == name:
                return t
        known = ", ".join(t.name for t in self.tables)
        raise InvalidInput(Problem("table", f"no table {name!r} (known: {known})"))

    def counts(self, name: str) -> dict[tuple[str, ...], int]:
        """Table ``name`` as {labels: count}, e.g. ``counts("terminations_by_ground")[("other",)]``."""
        return {tuple(str(c) for c in r[:-1]): int(r[-1]) for r in self.table(name).rows}

    def text(self) -> str:
        """Every table as plain text, one after the other; the heading says when the year was
        counted only in part."""
        head = f"ICoCA monitoring summary {self.year}"
        if not self.complete:
            head += f" (counted up to {self.as_of.isoformat()}, not the whole year)"
        return head + "\n\n" + "\n\n".join(t.text() for t in self.tables)

    def data(self) -> dict[str, Any]:
        """Plain data: ``{"year": Y, "as_of": "YYYY-MM-DD", "complete": bool, "tables": {name: [row
        dicts]}, "totals": {name: int}}`` (totals apart, so the rows stay one per category)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "complete": self.complete,
            "tables": {t.name: t.records() for t in self.tables},
            "totals": {t.name: t.total for t in self.tables if t.summable},
        }

    def csv_rows(self) -> list[list[str | int]]:
        """The report as CSV rows: a header ``year, as_of, complete, table, labels, count``, then
        one row per table row (labels joined by ``/``) and a ``total`` row after each summable table; every
        row carries the year, the day counted up to and whether the year is complete."""
        head: list[str | int] = [self.year, self.as_of.isoformat(), "true" if self.complete else "false"]
        out: list[list[str | int]] = [["year", "as_of", "complete", "table", "labels", "count"]]
        for t in self.tables:
            out.extend([*head, t.name, "/".join(str(c) for c in r[:-1]), r[-1]] for r in t.rows)
            if t.summable:
                out.append([*head, t.name, "total", t.total])
        return out


def _in(event: Event, year: int) -> bool:
    return event.effective.year == year


def monitoring_report(registry: Registry, year: int, *, as_of: date | None = None) -> MonitoringReport:
    """The monitoring tables of calendar ``year`` from ``registry`` (an :class:`icoc.Registry`).

    Counted up to 31 December of ``year``, or up to an earlier day: ``as_of`` when given, or the
    registry's clock (:attr:`icoc.Registry.clock`) when the rules have not been judged to the end
    of the year; the report's ``as_of`` records it and its text says so. Statuses are read on that
    day from the registry's history; events dated in the year up to it count. Complaints count as
    received: their admissibility is what the history says by then (classified: admissible;
    closed unclassified: not admissible; otherwise pending), whom they concern is the company
    named on receipt or identified later (:data:`COMPLAINT_ABOUT`). Raises
    :class:`~icoc.errors.InvalidInput` for a year outside 1..9999, an ``as_of`` before the year
    starts, a registry of another type, or a registry whose clock is before the year starts.
    """
    if not isinstance(registry, Registry):
        raise InvalidInput(Problem("registry", f"expected an icoc.Registry, got {type(registry).__name__}"))
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
        raise InvalidInput(Problem("year", f"expected a calendar year, got {year!r}"))
    if as_of is not None:
        as_of = checked_date(as_of, "as_of", supported=False)
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of is not None and as_of < start:
        raise InvalidInput(Problem("as_of", f"{as_of.isoformat()} is before {year} starts: nothing of {year} to count"))
    clock = registry.clock
    if clock is not None and clock < start:
        raise InvalidInput(
            Problem(
                "registry",
                f"its clock {clock.isoformat()} is before {year} starts: advance it (advance_to) into {year} first",
            )
        )
    end = min(d for d in (end, as_of, clock) if d is not None)
    history = [e for e in registry.history if e.effective <= end]
    snap = registry.snapshot(end)

    statuses: Counter[str] = Counter()
    for inst in snap.instances(COMPANY_STATUS):
        statuses[inst.state] += 1
    members = Table(
        name="members_by_status",
        title=f"Private security companies by status on {end.isoformat()}",
        columns=("status", "companies"),
        rows=tuple((s.value, statuses[s.value]) for s in CompanyStatus),
    )

    pillars: Counter[tuple[str, str]] = Counter()
    for inst in snap.instances(MEMBER_STATUS):
        kind = snap.kind_of(inst.subject)
        if kind in (SubjectKind.CSO, SubjectKind.GOVERNMENT):
            pillars[(str(kind), inst.state)] += 1
    others = Table(
        name="other_members_by_status",
        title=f"Civil society and government members by status on {end.isoformat()}",
        columns=("pillar", "status", "members"),
        rows=tuple(
            (k.value, st.value, pillars[(k.value, st.value)])
            for k in (SubjectKind.CSO, SubjectKind.GOVERNMENT)
            for st in MembershipStatus
        ),
    )

    sent = sum(1 for e in history if isinstance(e, SelfAssessmentSent) and _in(e, year))
    received = sum(1 for e in history if isinstance(e, SelfAssessmentSubmitted) and _in(e, year))
    csa = Table(
        name="self_assessments",
        title=f"Self-assessments in {year}",
        columns=("self_assessments", "count"),
        rows=(("sent", sent), ("received", received)),
        summable=False,  # a report received is not another report sent
    )

    cases: Counter[tuple[str, str]] = Counter(
        (e.source.value, e.category.value) for e in history if isinstance(e, CaseOpened) and _in(e, year)
    )
    case_table = Table(
        name="cases_by_source_and_category",
        title=f"Compliance cases opened in {year}, by source and category",
        columns=("source", "category", "cases"),
        rows=tuple((s.value, c.value, cases[(s.value, c.value)]) for s in FindingSource for c in ConcernCategory),
    )

    classified = {e.subject for e in history if isinstance(e, ComplaintClassified)}
    closed = {e.subject for e in history if isinstance(e, ComplaintClosed)}
    identified = {e.subject: e for e in history if isinstance(e, ComplaintCompanyIdentified)}
    complaints: Counter[tuple[str, str]] = Counter()
    for e in history:
        if not (isinstance(e, ComplaintReceived) and _in(e, year)):
            continue
        admissible = "admissible" if e.subject in classified else "not_admissible" if e.subject in closed else "pending"
        company, on = e.company, e.effective
        if company is None and e.subject in identified:
            company, on = identified[e.subject].company, identified[e.subject].effective
        if company is None:
            about = "non_member" if e.company_name is not None else "unidentified"
        else:
            about = "member" if _status_on(registry, company, on) in _MEMBER_STATUSES else "non_member"
        complaints[(admissible, about)] += 1
    complaint_table = Table(
        name="complaints",
        title=f"Complaints received in {year}, by admissibility and by whom they concern",
        columns=("admissibility", "about", "complaints"),
        rows=tuple((a, b, complaints[(a, b)]) for a in _ADMISSIBILITY for b in COMPLAINT_ABOUT),
    )

    grounds: Counter[str] = Counter(e.ground.value for e in history if isinstance(e, Terminated) and _in(e, year))
    terminations = Table(
        name="terminations_by_ground",
        title=f"Terminations in {year}, by ground",
        columns=("ground", "terminations"),
        rows=tuple((g.value, grounds[g.value]) for g in Ground),
    )
    return MonitoringReport(
        year=year, tables=(members, others, csa, case_table, complaint_table, terminations), as_of=end
    )


def _status_on(registry: Registry, company: str, on: date) -> str | None:
    """The company status of ``company`` on ``on`` (``None``: not a company on record then)."""
    inst = registry.snapshot(on).instance(COMPANY_STATUS, company)
    return inst.state if inst is not None else None
