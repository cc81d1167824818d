#!/usr/bin/env python3
"""How fast the simulation runs, in one go: 1,000 companies over 10 simulated years on each rules
backend (wall time and events per second; target under 10 s on the fastest backend on a 2-core
machine), then the scaling from 100 to 1,000 to 10,000 companies on the fastest backend (target:
linear, i.e. a flat time per company-year). Each run is one process-local, single-threaded run of
the default scenario with seed 1. Prints only: no assertions, exit status 0.

    python benchmarks/simulation.py [--years 10] [--sizes 100,1000,10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from icoc.simulation import BACKENDS, Population, Scenario, run


def timed(companies: int, years: int, seed: int, backend: str) -> tuple[float, int]:
    scenario = Scenario(name="benchmark", years=years, population=Population(companies=companies))
    t0 = time.perf_counter()
    result = run(scenario, seed, backend=backend)
    return time.perf_counter() - t0, len(result.history)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--companies", type=int, default=1000, help="population of the backend comparison")
    parser.add_argument("--sizes", default="100,1000,10000", help="populations of the scaling series")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    print(
        f"icoc simulation benchmark: Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, seed {args.seed}, {args.years} simulated years"
    )
    print(f"\n{args.companies} companies x {args.years} years, per rules backend:")
    timings: dict[str, tuple[float, int]] = {}
    for backend in BACKENDS:
        try:
            seconds, events = timed(args.companies, args.years, args.seed, backend)
        except Exception as exc:  # a backend that cannot run here is reported, not fatal
            print(f"  {backend:<8} unavailable: {type(exc).__name__}: {exc}")
            continue
        timings[backend] = (seconds, events)
        verdict = "under" if seconds < 10 else "OVER"
        print(
            f"  {backend:<8} {seconds:7.2f} s  {events:8d} events  {events / seconds:9.0f} events/s  "
            f"({verdict} the 10 s target)"
        )
    if not timings:
        print("no backend could run")
        return 0
    fastest = min(timings, key=lambda b: timings[b][0])
    print(f"  fastest: {fastest}")
    if len({events for _, events in timings.values()}) > 1:
        print("  WARNING: the backends produced histories of different lengths")

    print(f"\nscaling on the {fastest} backend ({args.years} years):")
    print(f"  {'companies':>9}  {'seconds':>8}  {'events':>8}  {'events/s':>9}  {'ms per company-year':>19}  vs first")
    base: float | None = None
    for n in sizes:
        if n == args.companies and fastest in timings:
            seconds, events = timings[fastest]
        else:
            seconds, events = timed(n, args.years, args.seed, fastest)
        per = 1000 * seconds / (n * args.years)
        base = per if base is None else base
        print(f"  {n:>9}  {seconds:8.2f}  {events:8d}  {events / seconds:9.0f}  {per:19.3f}  {per / base:7.2f}x")
        sys.stdout.flush()
    print("  (linear scaling keeps 'ms per company-year' flat: 'vs first' near 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
