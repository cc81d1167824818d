"""``icoc simulate``: a seeded simulation of the Association's oversight, summarised, with its
tables and plots written on request."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    from pathlib import Path

    import attrs

    from icoc.errors import InvalidInput, Problem
    from icoc.simulation import Scenario, load_scenario, scenario_json
    from icoc.simulation import run as simulate

    scenario = load_scenario(args.scenario, for_registry=bool(args.registry)) if args.scenario else Scenario()
    start = None
    if args.start is not None:
        try:
            start = date.fromisoformat(args.start)
        except ValueError:
            raise InvalidInput(Problem("--start", f"expected an ISO date YYYY-MM-DD, got {args.start!r}")) from None
    if args.registry:
        from icoc.simulation import registry_source

        source = registry_source(args.registry, start)
        # The scenario's behaviour over the registry's population; without --scenario the
        # generated population stays empty (arrivals only), as Scenario.from_registry makes it.
        keep = {f.name for f in attrs.fields(Scenario)} - {"start", "origin"}
        if not args.scenario:
            keep -= {"population", "name"}
        fields = {name: getattr(scenario, name) for name in keep}
        fields.setdefault("name", f"from {Path(args.registry).name}")
        try:
            scenario = Scenario.from_registry(source, start, **fields)
        except InvalidInput as exc:  # the library's `start` and `source`: the command's --start and file
            options = {"start": "--start", "source": args.registry}
            raise InvalidInput(Problem(options.get(p.path, p.path), p.message) for p in exc.problems) from None
    elif start is not None:
        scenario = scenario.updated("start", start)
    for option, path, value in (
        ("--companies", "population.companies", args.companies),
        ("--years", "years", args.years),
        ("--backend", "backend", args.backend),
    ):
        if value is not None:
            try:
                scenario = scenario.updated(path, value)
            except InvalidInput as exc:  # the scenario names its field; the user typed the option
                raise InvalidInput(Problem(option, p.message) for p in exc.problems) from None
    if args.print_scenario:
        sys.stdout.write(scenario_json(scenario) + "\n")
        return EXIT_OK
    if args.out and Path(args.out).suffix.lower() not in (".csv", ".parquet"):
        raise InvalidInput(Problem("--out", f"{args.out}: write results to a .csv or .parquet file"))
    if args.plot and Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InvalidInput(Problem("--plot", f"{args.plot}: plots are written as .png, .svg or .pdf"))
    result = simulate(scenario, args.seed)
    for line in result.summary_text():
        sys.stdout.write(line + "\n")
    if args.out:
        meta = result.write(args.out, args.table)
        sys.stdout.write(f"wrote {args.out} ({args.table}) and {meta}\n")
    if args.plot:
        result.plot(args.plot)
        sys.stdout.write(f"wrote {args.plot}\n")
    return EXIT_OK


_SIMULATION_TABLES = ("events", "company-years", "yearly", "summary", "companies")
"""``icoc.simulation.TABLES``, spelled out so that building the parser imports nothing."""


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="run a seeded simulation of the Association's oversight and summarise it",
        description="Simulate companies joining, self-assessing, certifying, being monitored and complained "
        "about, on the real registry and rule set, from a scenario (default: the built-in one). The same seed "
        "gives the same results, byte for byte. Prints a summary; --out writes a table (with the seed and "
        "scenario beside it as NAME.meta.json), --plot the key yearly series.",
    )
    p.add_argument("--scenario", metavar="FILE", help="a scenario file (JSON or YAML) over the defaults")
    p.add_argument(
        "--registry",
        metavar="FILE",
        help="start from this registry as it stands on --start: a registry document or history (JSON, YAML) "
        "or a bidder list (CSV, XLSX); new companies come from the scenario's population.arrivals",
    )
    p.add_argument("--start", metavar="DATE", help="first simulated day (default: the registry's date)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="the random seed (default 0)")
    p.add_argument("--companies", type=int, metavar="N", help="number of companies (overrides the scenario)")
    p.add_argument("--years", type=int, metavar="N", help="years simulated (overrides the scenario)")
    p.add_argument("--backend", choices=("native", "durable"), help="rules backend (overrides the scenario)")
    p.add_argument("--out", metavar="FILE", help="write a table to FILE.csv or FILE.parquet (needs icoc[data])")
    p.add_argument(
        "--table", choices=_SIMULATION_TABLES, default="events", help="which table --out writes (default: events)"
    )
    p.add_argument("--plot", metavar="FILE", help="plot the yearly series to FILE.png (needs icoc[plot])")
    p.add_argument("--print-scenario", action="store_true", help="print the scenario as JSON and stop")
    p.set_defaults(handler=execute)
