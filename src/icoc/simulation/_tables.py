"""The tables a run's result is read as: their columns, the yearly figures, the companies' traits
and year-end states the run records, and writing a table to CSV or parquet (pandas and pyarrow
are imported only when a table is asked for)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.events import CaseOpened, ComplaintReceived, Event, Ground
from icoc.model.sensitivity import Sensitivity, level_of, withheld

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COMPANY_COLUMNS",
    "COMPANY_YEAR_COLUMNS",
    "EVENT_COLUMNS",
    "FIGURES",
    "TABLES",
    "YEARLY_COLUMNS",
    "CompanyInfo",
    "YearState",
    "write_frame",
]


def _reason(event: Any) -> str | None:
    """An event's ``reason`` as the public may see it: the marker when the field is above public
    (a suspension's reason is company-level, a closing note secretariat-level)."""
    reason = event.facts().get("reason")
    if reason is None:
        return None
    level = level_of(attrs.fields_dict(type(event))["reason"])
    return reason if level is Sensitivity.PUBLIC else withheld(level)


EVENT_COLUMNS = (
    "seed",
    "date",
    "event",
    "subject",
    "company",
    "rule",
    "actor",
    "admission",
    "reason",
    "ground",
    "cycle",
    "satisfactory",
    "source",
    "category",
    "severity",
    "kind",
    "route",
    "standard",
    "until",
)
"""Columns of the events table: one row per event, payload fields that the event lacks are empty."""

COMPANY_YEAR_COLUMNS = (
    "seed",
    "company",
    "year",
    "size",
    "region",
    "country",
    "standard",
    "status",
    "certified",
    "certification",
    "self_assessment",
    "cases_opened",
    "complaints",
    "suspensions",
    "terminations",
)
YEARLY_COLUMNS = (
    "seed",
    "year",
    "active",
    "certified",
    "uncertified_members",
    "affiliates",
    "suspended",
    "certified_share",
    "admissions",
    "terminations",
    "withdrawals",
    "cases_opened",
    "complaints_received",
    "complaints_closed",
)
COMPANY_COLUMNS = ("seed", "company", "size", "region", "country", "standard", "affiliate", "swiss_pssa")

FIGURES = (
    "companies.active",
    "companies.certified",
    "companies.members",
    "companies.affiliates",
    "companies.suspended",
    "admissions",
    "withdrawals",
    "terminations",
    *(f"terminations.{g.value}" for g in Ground),
    "cases.opened",
    "cases.active",
    "complaints",
    "complaints.members",
)
"""The yearly figures :meth:`SimulationResult.figures` computes and a calibration table may hold:
companies by status at the year's end (``members`` are uncertified Members and Transitional
Members), admissions of companies, withdrawals, terminations (all, and by
:class:`~icoc.model.events.Ground`), compliance cases opened and open at some time in the year,
complaints received (all, and about companies on record)."""

_STATUS_FIGURES = {
    "certified_member": "companies.certified",
    "member": "companies.members",
    "transitional_member": "companies.members",
    "affiliate": "companies.affiliates",
    "suspended": "companies.suspended",
}

TABLES = ("events", "company-years", "yearly", "summary", "companies")
"""The tables a result can write (``SimulationResult.table(name)``)."""


@attrs.frozen(kw_only=True)
class CompanyInfo:
    """A simulated company's traits, drawn once at the start of a run."""

    id: str
    size: str
    region: str
    country: str
    standard: str
    affiliate: bool
    """Joined (and rejoins) as an Affiliate rather than a Member."""
    swiss_pssa: bool


@attrs.frozen(kw_only=True)
class YearState:
    """A company's state on the last simulated day of a calendar year."""

    company: str
    year: int
    status: str
    certification: str
    self_assessment: str
    """The state of that year's self-assessment cycle (empty when none was sent)."""


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _company_of(event: Event, cases: dict[str, str], companies: Mapping[str, Any]) -> str | None:
    if isinstance(event, (CaseOpened, ComplaintReceived)):
        if event.company is not None:
            cases[event.subject] = event.company
        return event.company
    if event.subject in companies:
        return event.subject
    return cases.get(event.subject)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise InvalidInput(Problem("pandas", "tables need pandas: pip install 'icoc[data]'")) from None
    return pd


def _frame(rows: Iterable[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    pd = _pandas()
    return pd.DataFrame(list(rows), columns=list(columns))


def write_frame(df: pd.DataFrame, path: Path, meta: str | None = None) -> None:
    """A DataFrame to CSV (Unix newlines, no index) or parquet (with ``meta`` in its metadata)."""
    if path.suffix.lower() == ".csv":
        df.to_csv(path, index=False, lineterminator="\n")
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InvalidInput(Problem(str(path), "parquet files need pyarrow: pip install pyarrow")) from None
    tbl = pa.Table.from_pandas(df, preserve_index=False)
    if meta is not None:
        tbl = tbl.replace_schema_metadata({**(tbl.schema.metadata or {}), b"icoc.simulation": meta.encode("utf-8")})
    pq.write_table(tbl, path)
