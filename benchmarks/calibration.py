#!/usr/bin/env python3
"""The example calibration: the shipped example scenario over 20 seeds against ICoCA's published
figures 2020-2025 (icoc.simulation.icoca_figures), each figure-year with its observed value, the
simulated mean and standard deviation, the tolerance, and whether it is within it. Prints only:
no assertions, exit status 0 (a benchmark-style report, not a test).

    python benchmarks/calibration.py [--seeds 20] [--first-seed 0] [--workers N] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from icoc.simulation import calibrate, example_scenario, icoca_figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run from here (default 0)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plot", metavar="FILE", help="also plot observed vs simulated to FILE (icoc[plot])")
    args = parser.parse_args(argv)
    scenario = example_scenario()
    table = icoca_figures()
    print(f"{table.title}; scenario {scenario.name!r}, {args.seeds} seeds, {args.workers} worker processes")
    print(f"tolerance: max({table.absolute:g}, {table.relative:g} x observed) per figure-year")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        cal = calibrate(scenario, table, seeds=seeds, executor=pool, progress=False)
    seconds = time.perf_counter() - t0
    for line in cal.lines():
        print(line)
    worst = max(cal.rows, key=lambda r: r.error)
    print(f"largest error: {worst.figure} {worst.year} ({worst.error:.2f} tolerances)")
    print(f"all figure-years within tolerance: {'yes' if cal.within else 'no'}; {seconds:.1f} s")
    if args.plot:
        cal.plot(args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
