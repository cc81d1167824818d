"""Calibration: a table of observed yearly figures (YAML, with its sources) and a score of a
scenario against it over many seeds, per figure and in total. Runs go through :func:`sweep`, so
they spread over any ``concurrent.futures.Executor``; a sweep's grid can be searched for the
best-scoring combination (:meth:`SweepResult.best`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor
from importlib.resources import files

from icoc.io import load_with, parse_yaml
from icoc.simulation._files import scenario_from_data
from icoc.simulation._scenario import Scenario
from icoc.simulation._score import Calibration, CalibrationTable, score, table_from_data
from icoc.simulation._sweep import sweep

__all__ = ["ICOCA_FIGURES", "calibrate", "example_scenario", "icoca_figures", "load_calibration"]

ICOCA_FIGURES = "icoca-2020-2025.yaml"
"""The shipped table of ICoCA's published yearly figures (package data of ``icoc.simulation``)."""

_EXAMPLE = "icoca-example.yaml"


def load_calibration(path: str | os.PathLike[str]) -> CalibrationTable:
    """Read a calibration table from a YAML or JSON file; problems name the file and the path
    inside it (``table.yaml:$.figures.terminations.values.2021: ...``)."""
    return load_with(path, table_from_data)


def icoca_figures() -> CalibrationTable:
    """The shipped table of ICoCA's published figures for 2020-2025 (:data:`ICOCA_FIGURES`)."""
    text = files("icoc.simulation").joinpath("data", ICOCA_FIGURES).read_text(encoding="utf-8")
    return table_from_data(parse_yaml(text, ICOCA_FIGURES))


def example_scenario() -> Scenario:
    """The documented example scenario calibrated to :func:`icoca_figures` (package data
    ``icoca-example.yaml``): a generated population of about ICoCA's size from 2018, with
    arrivals and behaviour that change by year."""
    text = files("icoc.simulation").joinpath("data", _EXAMPLE).read_text(encoding="utf-8")
    return scenario_from_data(parse_yaml(text, _EXAMPLE))


def calibrate(
    scenario: Scenario,
    table: CalibrationTable | None = None,
    seeds: int | Iterable[int] = 20,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
) -> Calibration:
    """Run ``scenario`` on every seed (a count or the seeds; 20 by default) on ``executor`` (a
    process pool by default, as :func:`sweep`) and score it against ``table`` (ICoCA's
    published figures by default)."""
    table = table if table is not None else icoca_figures()
    result = sweep(scenario, {}, seeds, executor, progress=progress)
    return score(result.records, table)
