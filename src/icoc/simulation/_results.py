"""What a run returns: its full event history, the population's traits, each company's state at
every year's end, and tidy tables built from them (plain rows here; pandas DataFrames under the
``data`` extra). Seed and scenario travel with every result."""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from icoc import __version__
from icoc.errors import InvalidInput, Problem
from icoc.io import Audience
from icoc.model.certificates import ExternalCertificate
from icoc.model.events import CaseOpened, ComplaintReceived, Event, History
from icoc.model.members import ACTIVE_STATUSES, UNCERTIFIED_STATUSES
from icoc.simulation._files import scenario_to_data
from icoc.simulation._plot import plot_run
from icoc.simulation._scenario import Scenario
from icoc.simulation._tables import (
    _STATUS_FIGURES,
    COMPANY_COLUMNS,
    COMPANY_YEAR_COLUMNS,
    EVENT_COLUMNS,
    FIGURES,
    TABLES,
    YEARLY_COLUMNS,
    CompanyInfo,
    YearState,
    _cell,
    _company_of,
    _frame,
    _pandas,
    _reason,
    write_frame,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SimulationResult"]

_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)
_UNCERTIFIED = frozenset(str(s) for s in UNCERTIFIED_STATUSES)


@attrs.frozen(kw_only=True, eq=False)
class SimulationResult:
    """One run: ``history`` is every event the registry accepted, in order (derived events name
    their rule); ``states`` the companies' year-end states; ``final`` every subject's state at the
    horizon. Tables are computed from these, so a result is fully described by
    ``(scenario, seed)``."""

    scenario: Scenario
    seed: int
    backend: str
    history: tuple[Event, ...] = attrs.field(repr=lambda h: f"<{len(h)} events>")
    companies: tuple[CompanyInfo, ...] = attrs.field(repr=False)
    states: tuple[YearState, ...] = attrs.field(repr=False)
    final: Mapping[str, str | None] = attrs.field(repr=False)
    initial: tuple[str, ...] = attrs.field(default=(), repr=False)
    """For a run from a registry (``Scenario.origin``): the companies, CSOs and governments that
    were members on the start date, by id (empty for a generated population)."""

    # --- records -----------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """Seed and scenario (as :func:`~icoc.simulation.scenario_to_data`), for files and reports."""

        return {
            "icoc": __version__,
            "seed": self.seed,
            "backend": self.backend,
            "scenario": scenario_to_data(self.scenario, Audience.PUBLIC),
        }

    def history_document(self) -> History:
        """The history as a document (``icoc.io.dump(result.history_document(), "run.json")``)."""
        return History(events=self.history)

    # --- plain rows ---------------------------------------------------------------------------

    def event_rows(self) -> list[tuple[Any, ...]]:
        """One tuple per event, in :data:`EVENT_COLUMNS` order."""
        companies = {c.id: c for c in self.companies}
        links: dict[str, str] = {}
        rows = []
        for e in self.history:
            facts = e.facts()
            cert = facts.get("certificate")
            until = facts.get("deadline") or facts.get("expires") or facts.get("due")
            rows.append(
                (
                    self.seed,
                    e.effective.isoformat(),
                    e.TYPE,
                    e.subject,
                    _company_of(e, links, companies),
                    e.cause.rule,
                    e.cause.actor,
                    _cell(facts.get("admission")),
                    _reason(e),
                    _cell(facts.get("ground")),
                    facts.get("cycle"),
                    facts.get("satisfactory"),
                    _cell(facts.get("source")),
                    _cell(facts.get("category")),
                    _cell(facts.get("severity")),
                    _cell(facts.get("kind")),
                    _cell(facts.get("route")),
                    cert.standard if isinstance(cert, ExternalCertificate) else None,
                    _cell(until),
                )
            )
        return rows

    def _counts(self) -> dict[tuple[str, int], Counter[str]]:
        """Per (company, year): how many events of each type concerned the company."""
        companies = {c.id: c for c in self.companies}
        links: dict[str, str] = {}
        out: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        for e in self.history:
            company = _company_of(e, links, companies)
            if company is not None:
                out[(company, e.effective.year)][e.TYPE] += 1
        return out

    def company_year_rows(self) -> list[tuple[Any, ...]]:
        """One tuple per company and calendar year it was a member or affiliate in, in
        ``COMPANY_YEAR_COLUMNS`` order: year-end status and that year's counts."""
        info = {c.id: c for c in self.companies}
        counts = self._counts()
        previous: dict[str, str] = {}
        rows = []
        for st in self.states:
            n = counts.get((st.company, st.year), Counter())
            was = previous.get(st.company, "")
            previous[st.company] = st.status
            if st.status not in _ACTIVE and was not in _ACTIVE and not n["admitted"]:
                continue
            c = info[st.company]
            rows.append(
                (
                    self.seed,
                    st.company,
                    st.year,
                    c.size,
                    c.region,
                    c.country,
                    c.standard,
                    st.status,
                    st.status == "certified_member",
                    st.certification or None,
                    st.self_assessment or None,
                    n["case_opened"],
                    n["complaint_received"],
                    n["suspended"],
                    n["terminated"],
                )
            )
        return rows

    def yearly_rows(self) -> list[tuple[Any, ...]]:
        """One tuple per calendar year (``YEARLY_COLUMNS``): the population's composition at the
        year's end and the year's flows."""
        by_year: dict[int, Counter[str]] = defaultdict(Counter)
        for st in self.states:
            y = by_year[st.year]
            if st.status in _ACTIVE:
                y["active"] += 1
            if st.status == "certified_member":
                y["certified"] += 1
            elif st.status in _UNCERTIFIED:
                y["uncertified_members"] += 1
            elif st.status == "affiliate":
                y["affiliates"] += 1
            elif st.status == "suspended":
                y["suspended"] += 1
        flows: dict[int, Counter[str]] = defaultdict(Counter)
        for e in self.history:
            flows[e.effective.year][e.TYPE] += 1
        rows = []
        for year in range(self.scenario.start.year, self.scenario.end.year + 1):
            y, f = by_year[year], flows[year]
            rows.append(
                (
                    self.seed,
                    year,
                    y["active"],
                    y["certified"],
                    y["uncertified_members"],
                    y["affiliates"],
                    y["suspended"],
                    y["certified"] / y["active"] if y["active"] else None,
                    f["admitted"],
                    f["terminated"],
                    f["withdrew"],
                    f["case_opened"],
                    f["complaint_received"],
                    f["complaint_closed"],
                )
            )
        return rows

    def company_rows(self) -> list[tuple[Any, ...]]:
        return [
            (self.seed, c.id, c.size, c.region, c.country, c.standard, c.affiliate, c.swiss_pssa)
            for c in self.companies
        ]

    def figures(self) -> dict[str, dict[int, float]]:
        """Yearly figures as ICoCA publishes them, for calibration (:data:`FIGURES` names them):
        ``{figure: {year: value}}`` for every calendar year of the run. Flows count only what
        the run simulated (not a starting registry's past); statuses are at each year's end;
        ``cases.active`` counts compliance cases open at some time in the year."""
        first, last = self.scenario.start.year, self.scenario.end.year
        out: dict[str, dict[int, float]] = {name: dict.fromkeys(range(first, last + 1), 0.0) for name in FIGURES}
        for st in self.states:
            key = _STATUS_FIGURES.get(st.status)
            if key is not None and st.year in out[key]:
                out[key][st.year] += 1
            if st.status in _ACTIVE and st.year in out["companies.active"]:
                out["companies.active"][st.year] += 1
        skip = len(self.scenario.origin.events) if self.scenario.origin is not None else 0
        opened: dict[str, date] = {}
        closed: dict[str, date] = {}
        company_ids = self._company_ids()
        for i, e in enumerate(self.history):
            if isinstance(e, CaseOpened):
                opened[e.subject] = e.effective
            elif e.TYPE in ("case_resolved", "corrective_action_verified"):
                closed[e.subject] = e.effective
            if i < skip:
                continue
            year = e.effective.year
            if not first <= year <= last:
                continue
            if e.TYPE == "terminated":
                out["terminations"][year] += 1
                out[f"terminations.{e.facts()['ground'].value}"][year] += 1
            elif e.TYPE == "withdrew":
                out["withdrawals"][year] += 1
            elif e.TYPE == "admitted" and e.subject in company_ids:
                out["admissions"][year] += 1
            elif isinstance(e, ComplaintReceived):
                out["complaints"][year] += 1
                if e.company is not None:
                    out["complaints.members"][year] += 1
            elif isinstance(e, CaseOpened):
                out["cases.opened"][year] += 1
        for case, since in opened.items():
            until = closed.get(case)
            for year in range(max(first, since.year), last + 1):
                if until is not None and until < date(year, 1, 1):
                    break
                out["cases.active"][year] += 1
        return out

    def _company_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.companies)

    def summary(self) -> dict[str, Any]:
        """Headline numbers of the run (pure Python; ``summary_frame`` for pandas).

        Rates are shares of the companies ever admitted; ``time_to_certification_days`` runs from
        a company's first admission to its first ICoCA certification."""
        company_ids = {c.id for c in self.companies}
        first_admitted: dict[str, date] = {}
        first_certified: dict[str, date] = {}
        ever: dict[str, set[str]] = defaultdict(set)
        types: Counter[str] = Counter()
        derived = 0
        for e in self.history:
            types[e.TYPE] += 1
            if e.cause.rule is not None:
                derived += 1
            if e.subject in company_ids:
                ever[e.TYPE].add(e.subject)
                if e.TYPE == "admitted":
                    first_admitted.setdefault(e.subject, e.effective)
                elif e.TYPE == "icoca_certification_granted":
                    first_certified.setdefault(e.subject, e.effective)
        admitted = len(first_admitted)
        waits = [(first_certified[c] - first_admitted[c]).days for c in first_certified]
        last_year = self.scenario.end.year
        at_end = [st for st in self.states if st.year == last_year and st.status in _ACTIVE]
        certified_end = sum(1 for st in at_end if st.status == "certified_member")

        def share(n: int, d: int) -> float | None:
            return n / d if d else None

        return {
            "seed": self.seed,
            "scenario": self.scenario.name,
            "backend": self.backend,
            "companies": admitted,
            "events": len(self.history),
            "derived_events": derived,
            "certification_rate": share(len(first_certified), admitted),
            "certified_share_end": share(certified_end, len(at_end)),
            "time_to_certification_days": statistics.median(waits) if waits else None,
            "suspension_rate": share(len(ever["suspended"]), admitted),
            "termination_rate": share(len(ever["terminated"]), admitted),
            "withdrawal_rate": share(len(ever["withdrew"]), admitted),
            "active_end": len(at_end),
            "moved_to_affiliate": types["moved_to_affiliate"],
            "termination_proposals": types["termination_proposed"],
            "self_assessments_sent": types["self_assessment_sent"],
            "self_assessments_missed": types["self_assessment_missed"],
            "cases_opened": types["case_opened"],
            "corrective_actions": types["corrective_action_recommended"],
            "suspension_proceedings": types["suspension_proceedings_opened"],
            "complaints_received": types["complaint_received"],
            "complaints_remedied": types["complaint_remedied"],
            "complaints_resolved": types["complaint_closed"],
            "complaints_resolved_share": share(types["complaint_closed"], types["complaint_received"]),
        }

    def summary_text(self) -> list[str]:
        """A few lines for people (``icoc simulate`` and ``icoc demo`` print them)."""
        s = self.summary()

        def pct(x: float | None) -> str:
            return "n/a" if x is None else f"{100 * x:.0f}%"

        wait = s["time_to_certification_days"]
        return [
            f"{s['companies']} companies over {self.scenario.years} year{'s' if self.scenario.years != 1 else ''} "
            f"from {self.scenario.start.isoformat()} "
            f"(scenario {self.scenario.name!r}, seed {self.seed}, {self.backend} rules): {s['events']} events, "
            f"{s['derived_events']} fired by rules",
            f"certified at least once {pct(s['certification_rate'])} (median {'n/a' if wait is None else int(wait)} "
            f"days after joining), certified at the end {pct(s['certified_share_end'])} of {s['active_end']} active",
            f"suspended {pct(s['suspension_rate'])}, terminated {pct(s['termination_rate'])}, "
            f"withdrew {pct(s['withdrawal_rate'])}; {s['termination_proposals']} termination proposals",
            f"{s['cases_opened']} compliance cases, {s['corrective_actions']} corrective actions, "
            f"{s['suspension_proceedings']} suspension proceedings; {s['complaints_received']} complaints, "
            f"{s['complaints_resolved']} closed ({pct(s['complaints_resolved_share'])}), "
            f"{s['complaints_remedied']} remedied",
        ]

    # --- pandas (the ``data`` extra) ---------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """One of :data:`TABLES` as a DataFrame."""
        if name == "events":
            return self.events_frame()
        if name == "company-years":
            return self.company_years_frame()
        if name == "yearly":
            return self.yearly_frame()
        if name == "summary":
            return self.summary_frame()
        if name == "companies":
            return _frame(self.company_rows(), COMPANY_COLUMNS)
        raise InvalidInput(Problem("table", f"unknown table {name!r} (known: {', '.join(TABLES)})"))

    def events_frame(self) -> pd.DataFrame:
        """Tidy events: one row per event (``EVENT_COLUMNS``), ``date`` as datetime64."""
        pd = _pandas()
        df = _frame(self.event_rows(), EVENT_COLUMNS)
        df["date"] = pd.to_datetime(df["date"])
        df["cycle"] = df["cycle"].astype("Int64")
        df["satisfactory"] = df["satisfactory"].astype("boolean")
        return df

    def company_years_frame(self) -> pd.DataFrame:
        return _frame(self.company_year_rows(), COMPANY_YEAR_COLUMNS)

    def yearly_frame(self) -> pd.DataFrame:
        df = _frame(self.yearly_rows(), YEARLY_COLUMNS)
        df["certified_share"] = df["certified_share"].astype("Float64")
        return df

    def summary_frame(self) -> pd.DataFrame:
        pd = _pandas()
        return pd.DataFrame([self.summary()])

    def write(self, path: str | os.PathLike[str], table: str = "events") -> Path:
        """Write ``table`` to ``.csv`` or ``.parquet`` (by suffix) and the seed and scenario beside
        it as ``<name>.meta.json`` (parquet files also carry them in their metadata). Returns the
        metadata file's path."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise InvalidInput(Problem(str(p), "write results to a .csv or .parquet file"))
        df = self.table(table)
        meta = json.dumps({**self.metadata(), "table": table}, indent=2, ensure_ascii=False)
        write_frame(df, p, meta)
        side = p.with_suffix(".meta.json")
        side.write_text(meta + "\n", encoding="utf-8")
        return side

    def plot(self, path: str | os.PathLike[str] | None = None) -> Any:
        """The key yearly series as a matplotlib Figure (the ``plot`` extra); saved when ``path``."""

        return plot_run(self, path)
