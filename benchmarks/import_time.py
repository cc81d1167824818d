#!/usr/bin/env python3
"""How long ``import icoc`` takes, next to ``import attrs, cattrs``, in fresh interpreters.

Each import runs in its own subprocess (so nothing is cached in ``sys.modules``), several times;
the median is reported, after one untimed run that writes the bytecode (as an installed
package has it). It also reports whether ``import icoc`` pulled in heavy optional
dependencies (hypothesis, durable-rules, pandas), which it must not. Prints only: no assertions,
exit status 0 (the test suite checks the imports; timings are too noisy to assert on).

    python benchmarks/import_time.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HEAVY = ("hypothesis", "durable", "pandas", "cattrs", "rich", "yaml")

_PROBE = """
import json, sys, time
t0 = time.perf_counter()
{stmt}
elapsed = time.perf_counter() - t0
print(json.dumps({{"seconds": elapsed, "modules": sorted(sys.modules)}}))
"""


def child_env() -> dict[str, str]:
    """The environment of a timed interpreter: bytecode may be written, as on an installed package
    (with PYTHONDONTWRITEBYTECODE set, every run would compile icoc's sources again while the
    baseline's packages come compiled, and the ratio would measure the compiler)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(stmt: str, runs: int) -> tuple[float, list[str]]:
    """Median seconds of ``stmt`` over ``runs`` fresh interpreters (after one untimed run that
    writes the bytecode), and the modules loaded by the last."""
    times = []
    modules: list[str] = []
    env = child_env()
    subprocess.run([sys.executable, "-c", _PROBE.format(stmt=stmt)], capture_output=True, env=env, check=True)
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(stmt=stmt)], capture_output=True, text=True, env=env, check=True
        ).stdout
        result = json.loads(out)
        times.append(result["seconds"])
        modules = result["modules"]
    return statistics.median(times), modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per measurement (default 5)")
    args = parser.parse_args(argv)

    cases = [
        ("import icoc", "import icoc"),
        ("import attrs, cattrs", "import attrs, cattrs"),
        ("import icoc.model", "import icoc.model"),
        ("import icoc.io", "import icoc.io"),
        ("import icoc.cli", "import icoc.cli"),
    ]
    results: dict[str, tuple[float, list[str]]] = {}
    for label, stmt in cases:
        results[label] = measure(stmt, args.runs)

    print(f"median of {args.runs} fresh interpreters (Python {sys.version.split()[0]})")
    for label, (seconds, modules) in results.items():
        print(f"  {label:<24} {seconds * 1000:8.1f} ms  ({len(modules)} modules loaded)")
    icoc_s = results["import icoc"][0]
    base_s = results["import attrs, cattrs"][0]
    print(f"ratio import icoc / import attrs, cattrs: {icoc_s / base_s:.2f}")

    loaded = set(results["import icoc"][1])
    for name in HEAVY:
        hit = sorted(m for m in loaded if m == name or m.startswith(name + "."))
        verdict = f"IMPORTED ({len(hit)} modules)" if hit else "not imported"
        print(f"  import icoc -> {name}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
