"""Plots of the key series (the ``plot`` extra). Figures are built with ``matplotlib.figure.Figure``
directly, never ``pyplot``, so plotting neither needs a display nor changes global state."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from icoc.errors import InvalidInput, Problem
from icoc.simulation._tables import YEARLY_COLUMNS

if TYPE_CHECKING:
    from icoc.simulation._results import SimulationResult
    from icoc.simulation._score import Calibration
    from icoc.simulation._sweep import SweepResult

__all__ = ["plot_run", "plot_sweep"]


def _figure(**kw: Any) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InvalidInput(Problem("matplotlib", "plots need matplotlib: pip install 'icoc[plot]'")) from None
    return Figure(**kw)


def _save(fig: Any, path: str | os.PathLike[str] | None) -> None:
    if path is not None:
        fig.savefig(os.fspath(path), dpi=100, metadata={"Software": None})


def plot_run(result: SimulationResult, path: str | os.PathLike[str] | None = None) -> Any:
    """Three panels over the years of one run: the companies' status at each year's end, the
    year's exits, and the year's compliance cases and complaints."""
    rows = [dict(zip(YEARLY_COLUMNS, r, strict=True)) for r in result.yearly_rows()]
    years = [r["year"] for r in rows]
    fig = _figure(figsize=(12, 3.8), layout="constrained")
    status, exits, flows = fig.subplots(1, 3)
    status.stackplot(
        years,
        [r["certified"] for r in rows],
        [r["uncertified_members"] for r in rows],
        [r["affiliates"] for r in rows],
        [r["suspended"] for r in rows],
        labels=["certified", "uncertified members", "affiliates", "suspended"],
    )
    status.set_title("Companies at year end")
    status.legend(loc="upper left", fontsize="small")
    exits.bar([y - 0.2 for y in years], [r["terminations"] for r in rows], width=0.4, label="terminated")
    exits.bar([y + 0.2 for y in years], [r["withdrawals"] for r in rows], width=0.4, label="withdrew")
    exits.set_title("Exits per year")
    exits.yaxis.get_major_locator().set_params(integer=True)
    exits.legend(fontsize="small")
    flows.plot(years, [r["cases_opened"] for r in rows], marker="o", label="compliance cases opened")
    flows.plot(years, [r["complaints_received"] for r in rows], marker="s", label="complaints received")
    flows.plot(years, [r["complaints_closed"] for r in rows], marker="^", label="complaints closed")
    flows.set_title("Cases and complaints per year")
    flows.legend(fontsize="small")
    for ax in (status, exits, flows):
        ax.set_xlabel("year")
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(f"Scenario {result.scenario.name!r}, seed {result.seed}")
    _save(fig, path)
    return fig


def plot_sweep(
    sweep: SweepResult,
    series: str = "certified_share",
    by: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Any:
    """A yearly ``series`` (a column of the yearly table) per value of the grid key ``by`` (the
    first grid key when omitted): the mean over seeds as a line, the range over seeds as a band."""
    if series not in YEARLY_COLUMNS or series in ("seed", "year"):
        raise InvalidInput(
            Problem("series", f"unknown yearly series {series!r} (known: {', '.join(YEARLY_COLUMNS[2:])})")
        )
    keys = list(sweep.grid_keys)
    if by is None:
        by = keys[0] if keys else None
    if by is not None and by not in keys:
        raise InvalidInput(Problem("by", f"{by!r} is not a grid key (grid keys: {', '.join(keys) or 'none'})"))
    col = YEARLY_COLUMNS.index(series)
    groups: dict[str, dict[int, list[float]]] = {}
    for rec in sweep.records:
        label = rec.labels[keys.index(by)] if by is not None else "all"
        for row in rec.yearly:
            value = row[col]
            if value is not None:
                groups.setdefault(label, {}).setdefault(row[1], []).append(float(value))
    fig = _figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.subplots()
    for label, per_year in groups.items():
        years = sorted(per_year)
        means = [sum(per_year[y]) / len(per_year[y]) for y in years]
        ax.plot(years, means, marker="o", label=f"{label} (mean)")
        ax.fill_between(years, [min(per_year[y]) for y in years], [max(per_year[y]) for y in years], alpha=0.2)
    seeds = len({rec.seed for rec in sweep.records})
    ax.set_title(f"{series.replace('_', ' ')} by {by or 'run'} ({seeds} seeds; band: min to max)")
    ax.set_xlabel("year")
    ax.set_ylabel(series.replace("_", " "))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize="small")
    _save(fig, path)
    return fig


def plot_calibration(cal: Calibration, path: str | os.PathLike[str] | None = None) -> Any:
    """One panel per figure of a :class:`~icoc.simulation.Calibration`: the observed values as
    points, the simulated mean over seeds as a line with a band of +/- one standard deviation."""
    figures: dict[str, list[Any]] = {}
    for r in cal.rows:
        figures.setdefault(r.figure, []).append(r)
    n = len(figures)
    cols = min(3, n) or 1
    rows = (n + cols - 1) // cols
    fig = _figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, (name, items) in zip(axes.flat, figures.items(), strict=False):
        years = [r.year for r in items]
        mean = [r.simulated for r in items]
        ax.fill_between(
            years,
            [max(0.0, m - r.spread) for m, r in zip(mean, items, strict=True)],  # counts: never below 0
            [m + r.spread for m, r in zip(mean, items, strict=True)],
            alpha=0.2,
            label="simulated (1 sd)",
        )
        ax.plot(years, mean, marker="o", label="simulated (mean)")
        ax.plot(years, [r.observed for r in items], "ks", label="observed")
        ax.set_title(name.replace("_", " "), fontsize="medium")
        # The table's years, not a locator's guess (one year alone spans a century otherwise).
        ax.set_xticks(years)
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
        ax.legend(fontsize="x-small")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"{cal.table.title}: observed vs simulated ({cal.seeds} seeds)")
    _save(fig, path)
    return fig
