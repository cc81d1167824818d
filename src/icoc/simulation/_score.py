"""Scoring runs against observed figures: a table of ICoCA's yearly figures with their sources
and a tolerance (read from YAML or JSON), and each figure-year's error in tolerances over many
seeds, per figure and in total (lower is better)."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.simulation._plot import plot_calibration
from icoc.simulation._tables import FIGURES

__all__ = ["Calibration", "CalibrationTable", "FigureScore", "Observed", "score", "table_from_data"]


@attrs.frozen(kw_only=True)
class Observed:
    """One figure as published: ``values`` by year, each year's ``sources`` (URL and date), and
    what the figure counts (``description``)."""

    figure: str
    description: str = ""
    values: Mapping[int, float] = attrs.field(factory=dict)
    sources: Mapping[int, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class CalibrationTable:
    """Observed figures with a tolerance: a simulated yearly mean is within tolerance when it is
    at most ``max(absolute, relative * observed)`` away from the observed value."""

    title: str
    figures: tuple[Observed, ...]
    absolute: float = 2.0
    relative: float = 0.5
    notes: tuple[str, ...] = ()

    def tolerance(self, observed: float) -> float:
        """The largest distance from ``observed`` still within tolerance."""
        return max(self.absolute, self.relative * abs(observed))

    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y for f in self.figures for y in f.values}))


def _number(value: Any, path: str) -> float:
    """A finite number of at least 0 (tolerances and observed counts are never negative)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(Problem(path, f"expected a number, got {preview(value)}"))
    if value < 0:
        raise InvalidInput(Problem(path, f"expected a number of at least 0, got {preview(value)}"))
    return float(value)


def _year(key: Any, path: str) -> int:
    year = int(key) if isinstance(key, str) and key.isdigit() else key
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise InvalidInput(Problem(path, f"expected a year, got {preview(key)}"))
    return year


def table_from_data(data: Any) -> CalibrationTable:
    """A :class:`CalibrationTable` from plain data (the YAML file's shape: ``title``,
    ``tolerance: {absolute, relative}``, ``figures: {NAME: {description, values: {YEAR: N},
    sources: {YEAR: TEXT}}}``, ``notes``). Figure names are those of :data:`FIGURES`. Raises
    :class:`~icoc.errors.InvalidInput` naming every problem's path."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InvalidInput(Problem("$", f"expected a calibration table object, got {preview(data)}"))
    for key in data:
        if key not in ("title", "tolerance", "figures", "notes"):
            problems.append(Problem(f"$.{key}", "unknown key (expected title, tolerance, figures, notes)"))
    tol = data.get("tolerance", {})
    absolute = relative = 0.0
    if not isinstance(tol, Mapping) or set(tol) - {"absolute", "relative"}:
        problems.append(Problem("$.tolerance", "expected {absolute: N, relative: SHARE}"))
    else:
        try:
            absolute = _number(tol.get("absolute", 2.0), "$.tolerance.absolute")
            relative = _number(tol.get("relative", 0.5), "$.tolerance.relative")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    figures: list[Observed] = []
    raw = data.get("figures")
    if not isinstance(raw, Mapping) or not raw:
        problems.append(Problem("$.figures", "expected a mapping of figure names to their yearly values"))
        raw = {}
    for name, spec in raw.items():
        where = f"$.figures.{name}"
        if name not in FIGURES:
            problems.append(Problem(where, f"unknown figure (known: {', '.join(FIGURES)})"))
            continue
        if not isinstance(spec, Mapping) or not isinstance(spec.get("values"), Mapping):
            problems.append(Problem(where, "expected {description, values: {YEAR: N}, sources: {YEAR: TEXT}}"))
            continue
        values: dict[int, float] = {}
        sources: dict[int, str] = {}
        for k, v in spec["values"].items():
            try:
                values[_year(k, f"{where}.values.{k}")] = _number(v, f"{where}.values.{k}")
            except InvalidInput as exc:
                problems.extend(exc.problems)
        for k, v in (spec.get("sources") or {}).items():
            try:
                sources[_year(k, f"{where}.sources.{k}")] = str(v)
            except InvalidInput as exc:
                problems.extend(exc.problems)
        for y in values:
            if y not in sources:
                problems.append(Problem(f"{where}.sources", f"no source for {y}: cite where the figure was published"))
        figures.append(
            Observed(figure=name, description=str(spec.get("description", "")), values=values, sources=sources)
        )
    notes = data.get("notes") or ()
    if not isinstance(notes, (list, tuple)):
        problems.append(Problem("$.notes", f"expected a list of notes, got {preview(notes)}"))
    if problems:
        raise InvalidInput(problems)
    return CalibrationTable(
        title=str(data.get("title", "")),
        figures=tuple(figures),
        absolute=absolute,
        relative=relative,
        notes=tuple(str(n) for n in notes),
    )


@attrs.frozen(kw_only=True)
class FigureScore:
    """One figure in one year: the observed value, the simulated mean and standard deviation
    over the seeds, and the error in tolerances (``|simulated - observed| / tolerance``: at most
    1 is within tolerance)."""

    figure: str
    year: int
    observed: float
    simulated: float
    spread: float
    tolerance: float
    error: float

    @property
    def within(self) -> bool:
        return self.error <= 1.0


@attrs.frozen(kw_only=True)
class Calibration:
    """A scenario's score against a table over ``seeds`` runs: every figure-year, each figure's
    mean error (in tolerances) and the ``total`` (the mean over figures; lower is better)."""

    table: CalibrationTable
    seeds: int
    rows: tuple[FigureScore, ...]

    @property
    def per_figure(self) -> dict[str, float]:
        out: dict[str, list[float]] = {}
        for r in self.rows:
            out.setdefault(r.figure, []).append(r.error)
        return {k: sum(v) / len(v) for k, v in out.items()}

    @property
    def total(self) -> float:
        """The mean over figures of their mean error; infinite when the runs cover none of the
        table's years (nothing was compared: never the best of a sweep)."""
        errors = list(self.per_figure.values())
        return sum(errors) / len(errors) if errors else math.inf

    @property
    def within(self) -> bool:
        """Every figure-year within tolerance (False when the runs cover none of them)."""
        return bool(self.rows) and all(r.within for r in self.rows)

    def lines(self) -> list[str]:
        """A plain-text table for people: one line per figure-year, then the totals."""
        out = [f"{'figure':<44} {'year':>4} {'observed':>8} {'simulated':>9} {'sd':>5} {'tol':>5}  within"]
        for r in self.rows:
            out.append(
                f"{r.figure:<44} {r.year:>4} {r.observed:>8g} {r.simulated:>9.2f} {r.spread:>5.2f} "
                f"{r.tolerance:>5.1f}  {'yes' if r.within else 'NO'}"
            )
        for name, err in self.per_figure.items():
            out.append(f"error {name:<38} {err:.2f} tolerances")
        n = sum(r.within for r in self.rows)
        out.append(
            f"total error {self.total:.2f}; {n} of {len(self.rows)} figure-years within tolerance ({self.seeds} seeds)"
        )
        return out

    def plot(self, path: str | os.PathLike[str] | None = None) -> Any:
        """Observed (points) against simulated (mean and +/- one standard deviation) per figure
        (the ``plot`` extra)."""
        return plot_calibration(self, path)


def score(records: Sequence[Any], table: CalibrationTable) -> Calibration:
    """Score runs (:class:`RunRecord` from a sweep, or :class:`SimulationResult`) against a table.
    A figure-year the runs do not cover is left out."""
    if not records:
        raise InvalidInput(Problem("records", "no runs to score"))
    figures = [r.figures() if callable(r.figures) else r.figures for r in records]
    rows: list[FigureScore] = []
    for obs in table.figures:
        for year, value in sorted(obs.values.items()):
            xs = [f[obs.figure][year] for f in figures if year in f.get(obs.figure, {})]
            if not xs:
                continue
            mean = statistics.fmean(xs)
            sd = statistics.pstdev(xs) if len(xs) > 1 else 0.0
            tol = table.tolerance(value)
            rows.append(
                FigureScore(
                    figure=obs.figure,
                    year=year,
                    observed=value,
                    simulated=mean,
                    spread=sd,
                    tolerance=tol,
                    error=abs(mean - value) / tol if tol > 0 else (0.0 if mean == value else math.inf),
                )
            )
    return Calibration(table=table, seeds=len(records), rows=tuple(rows))
