"""Parameter sweeps: a factorial grid of scenario variants times seeds, run on any
``concurrent.futures.Executor`` (a process pool by default; ``client.get_executor()`` of a Dask
distributed client for a cluster). Results come back in grid order whatever order runs finish in,
so a sweep is as reproducible as a single run."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

import attrs

from icoc import __version__
from icoc.errors import InvalidInput, Problem
from icoc.io import Audience
from icoc.rules import Duration
from icoc.simulation._files import scenario_to_data
from icoc.simulation._plot import plot_sweep
from icoc.simulation._run import run
from icoc.simulation._scenario import Scenario
from icoc.simulation._score import Calibration, CalibrationTable, score
from icoc.simulation._tables import YEARLY_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunRecord", "SweepResult", "sweep"]


@attrs.frozen(kw_only=True)
class RunRecord:
    """What a sweep keeps of one run: its grid labels, seed, summary and yearly series."""

    labels: tuple[str, ...]
    seed: int
    summary: Mapping[str, Any]
    yearly: tuple[tuple[Any, ...], ...]
    figures: Mapping[str, Mapping[int, float]] = attrs.field(factory=dict)
    """The run's yearly figures (``SimulationResult.figures``), for calibration."""


@attrs.frozen(kw_only=True, eq=False)
class SweepResult:
    """Every run of a sweep, in grid order (the first grid key varies slowest, seeds fastest)."""

    scenario: Scenario
    grid_keys: tuple[str, ...]
    grid_labels: tuple[tuple[str, ...], ...]
    seeds: tuple[int, ...]
    records: tuple[RunRecord, ...] = attrs.field(repr=lambda r: f"<{len(r)} runs>")

    def metadata(self) -> dict[str, Any]:
        """The base scenario, the grid's labels and the seeds."""

        return {
            "icoc": __version__,
            "seeds": list(self.seeds),
            "grid": {k: list(v) for k, v in zip(self.grid_keys, self.grid_labels, strict=True)},
            "scenario": scenario_to_data(self.scenario, Audience.PUBLIC),
        }

    def frame(self) -> pd.DataFrame:
        """One row per run: the grid labels, then the run's summary (``SimulationResult.summary``)."""
        import pandas as pd

        return pd.DataFrame([{**dict(zip(self.grid_keys, r.labels, strict=True)), **r.summary} for r in self.records])

    def yearly_frame(self) -> pd.DataFrame:
        """One row per run and year: the grid labels, then the yearly table's columns."""
        import pandas as pd

        rows = [
            {**dict(zip(self.grid_keys, r.labels, strict=True)), **dict(zip(YEARLY_COLUMNS, y, strict=True))}
            for r in self.records
            for y in r.yearly
        ]
        df = pd.DataFrame(rows)
        if "certified_share" in df:
            df["certified_share"] = df["certified_share"].astype("Float64")
        return df

    def groups(self) -> list[tuple[tuple[str, ...], list[RunRecord]]]:
        """The runs grouped by grid combination (in grid order), each with its labels."""
        out: dict[tuple[str, ...], list[RunRecord]] = {}
        for r in self.records:
            out.setdefault(r.labels, []).append(r)
        return list(out.items())

    def scores(self, table: CalibrationTable) -> list[tuple[tuple[str, ...], Calibration]]:
        """Each grid combination's :class:`~icoc.simulation.Calibration` against ``table`` (a
        :class:`~icoc.simulation.CalibrationTable`), in grid order."""
        return [(labels, score(records, table)) for labels, records in self.groups()]

    def best(self, table: CalibrationTable) -> tuple[dict[str, str], Calibration]:
        """The grid combination with the lowest total calibration error: its ``{grid key: label}``
        and its :class:`~icoc.simulation.Calibration` (the first in grid order on a tie)."""
        ranked = self.scores(table)
        labels, cal = min(ranked, key=lambda lc: lc[1].total)
        return dict(zip(self.grid_keys, labels, strict=True)), cal

    def plot(
        self, series: str = "certified_share", by: str | None = None, path: str | os.PathLike[str] | None = None
    ) -> Any:
        """A yearly series per grid value: mean over seeds and its range (the ``plot`` extra)."""

        return plot_sweep(self, series, by, path)


def _label(value: Any, index: int) -> str:
    if isinstance(value, (str, int, float, bool)):
        return str(value)

    if isinstance(value, Duration):
        return str(value)
    return f"#{index}"


def _axes(grid: Mapping[str, Sequence[Any] | Mapping[str, Any]]) -> list[tuple[str, list[tuple[str, Any]]]]:
    if not isinstance(grid, Mapping):
        raise InvalidInput(Problem("grid", "expected a mapping of scenario paths to lists (or {label: value})"))
    axes = []
    for key, values in grid.items():
        if isinstance(values, Mapping):
            pairs = [(str(k), v) for k, v in values.items()]
        elif isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise InvalidInput(Problem(f"grid.{key}", "expected a list of values or a mapping of labels to values"))
        else:
            pairs = [(_label(v, i), v) for i, v in enumerate(values)]
        if not pairs:
            raise InvalidInput(Problem(f"grid.{key}", "no values"))
        axes.append((key, pairs))
    return axes


def _run_one(scenario: Scenario, seed: int, labels: tuple[str, ...]) -> RunRecord:
    """One run of a sweep, in a worker: only the summary and yearly series travel back."""

    result = run(scenario, seed)
    return RunRecord(
        labels=labels,
        seed=seed,
        summary=result.summary(),
        yearly=tuple(result.yearly_rows()),
        figures=result.figures(),
    )


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[Any] | Mapping[str, Any]],
    seeds: int | Iterable[int],
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
) -> SweepResult:
    """Run every combination of ``grid`` values times every seed.

    ``grid`` maps a scenario path (as :meth:`Scenario.updated` takes: ``"rules"``,
    ``"parameters.suspension.period"``, ``"population.regions.africa.complaints"``) to a list of
    values, or to ``{label: value}`` when values print badly (rule sets). ``seeds`` is a count
    (``range(n)``) or the seeds themselves. ``executor`` is any ``concurrent.futures.Executor``;
    by default a process pool on every core, shut down afterwards (an executor you pass stays
    yours). ``progress`` shows a bar on stderr (default: when stderr is a terminal).
    """
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    for i, s in enumerate(seed_list):
        if isinstance(s, bool) or not isinstance(s, int):
            raise InvalidInput(Problem(f"seeds[{i}]", f"expected an integer seed, got {s!r}"))
    if not seed_list:
        raise InvalidInput(Problem("seeds", "no seeds"))
    axes = _axes(grid)
    keys = tuple(k for k, _ in axes)
    tasks: list[tuple[Scenario, int, tuple[str, ...]]] = []
    for combo in itertools.product(*(pairs for _, pairs in axes)):
        variant = scenario
        for key, (_, value) in zip(keys, combo, strict=True):
            variant = variant.updated(key, value)
        labels = tuple(label for label, _ in combo)
        tasks.extend((variant, seed, labels) for seed in seed_list)
    own = executor is None
    pool: Executor = (
        ProcessPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(tasks)))) if executor is None else executor
    )
    try:
        futures: list[Future[RunRecord]] = [pool.submit(_run_one, *task) for task in tasks]
        show = sys.stderr.isatty() if progress is None else progress
        if show:
            from rich.console import Console
            from rich.progress import Progress

            with Progress(console=Console(file=sys.stderr), transient=False) as bar:
                job = bar.add_task(f"sweep: {len(tasks)} runs", total=len(tasks))
                for _ in as_completed(futures):
                    bar.advance(job)
        records = tuple(f.result() for f in futures)
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    return SweepResult(
        scenario=scenario,
        grid_keys=keys,
        grid_labels=tuple(tuple(label for label, _ in pairs) for _, pairs in axes),
        seeds=tuple(seed_list),
        records=records,
    )
