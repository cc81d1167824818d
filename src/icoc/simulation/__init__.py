"""Seeded what-if runs of ICoCA's oversight on the real registry and rule set, and sweeps.

A :class:`Scenario` describes the population, the actors' behaviour as probabilities and delays,
the rules and parameters in force, the start date and the horizon. :func:`run` simulates it with
one seeded generator (the same seed gives the same history, byte for byte) on a real
:class:`~icoc.registry.Registry`, so changing the rule set changes what happens.
:func:`sweep` runs a grid of variants times seeds on any ``concurrent.futures.Executor``.
Tables need pandas (``icoc[data]``), plots matplotlib (``icoc[plot]``); neither is imported
until asked for.
"""

from icoc.simulation._files import dump_scenario, load_scenario, scenario_from_data, scenario_json, scenario_to_data
from icoc.simulation._results import TABLES, CompanyInfo, SimulationResult, YearState
from icoc.simulation._run import run
from icoc.simulation._scenario import (
    BACKENDS,
    Board,
    Cases,
    Certification,
    Complaints,
    Delay,
    Findings,
    Limits,
    Population,
    RegionProfile,
    Scenario,
    SelfAssessments,
    SizeProfile,
)
from icoc.simulation._sweep import RunRecord, SweepResult, sweep

__all__ = [
    "BACKENDS",
    "TABLES",
    "Board",
    "Cases",
    "Certification",
    "CompanyInfo",
    "Complaints",
    "Delay",
    "Findings",
    "Limits",
    "Population",
    "RegionProfile",
    "RunRecord",
    "Scenario",
    "SelfAssessments",
    "SimulationResult",
    "SizeProfile",
    "SweepResult",
    "YearState",
    "dump_scenario",
    "load_scenario",
    "run",
    "scenario_from_data",
    "scenario_json",
    "scenario_to_data",
    "sweep",
]
