"""Seeded what-if runs of ICoCA's oversight on the real registry and rule set, and sweeps.

A :class:`Scenario` describes the population, the actors' behaviour as probabilities and delays,
the rules and parameters in force, the start date and the horizon. :func:`run` simulates it with
one seeded generator (the same seed gives the same history, byte for byte) on a real
:class:`~icoc.registry.Registry`, so changing the rule set changes what happens.
:func:`sweep` runs a grid of variants times seeds on any ``concurrent.futures.Executor``.
Tables need pandas (``icoc[data]``), plots matplotlib (``icoc[plot]``); neither is imported
until asked for. A scenario may start from a real registry (:meth:`Scenario.from_registry`),
let any behavioural number follow a :class:`Schedule` by year, and be scored against ICoCA's
published figures (:func:`calibrate`, :func:`icoca_figures`).
"""

from icoc.simulation._behaviour import (
    ARRIVAL_STATUSES,
    Board,
    Cases,
    Certification,
    Complaints,
    Delay,
    Findings,
    Population,
    RegionProfile,
    SelfAssessments,
    SizeProfile,
)
from icoc.simulation._calibrate import ICOCA_FIGURES, calibrate, example_scenario, icoca_figures, load_calibration
from icoc.simulation._files import (
    dump_scenario,
    load_scenario,
    registry_source,
    scenario_from_data,
    scenario_json,
    scenario_to_data,
)
from icoc.simulation._results import SimulationResult
from icoc.simulation._run import run
from icoc.simulation._scenario import BACKENDS, Limits, Scenario
from icoc.simulation._score import Calibration, CalibrationTable, FigureScore, Observed, score
from icoc.simulation._sweep import RunRecord, SweepResult, sweep
from icoc.simulation._tables import FIGURES, TABLES, CompanyInfo, YearState
from icoc.simulation._values import Schedule

__all__ = [
    "ARRIVAL_STATUSES",
    "BACKENDS",
    "FIGURES",
    "ICOCA_FIGURES",
    "TABLES",
    "Board",
    "Calibration",
    "CalibrationTable",
    "Cases",
    "Certification",
    "CompanyInfo",
    "Complaints",
    "Delay",
    "FigureScore",
    "Findings",
    "Limits",
    "Observed",
    "Population",
    "RegionProfile",
    "RunRecord",
    "Scenario",
    "Schedule",
    "SelfAssessments",
    "SimulationResult",
    "SizeProfile",
    "SweepResult",
    "YearState",
    "calibrate",
    "dump_scenario",
    "example_scenario",
    "icoca_figures",
    "load_calibration",
    "load_scenario",
    "registry_source",
    "run",
    "scenario_from_data",
    "scenario_json",
    "scenario_to_data",
    "score",
    "sweep",
]
