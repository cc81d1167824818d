"""The release check of the input contract: the CI fuzz suite (``tests/test_fuzz.py``) with ten
times the examples, printing per file kind how many inputs were tried, refused cleanly
(``InvalidInput`` naming the file), accepted, and crashed (anything else: must be 0).

Usage: ``PYTHONPATH=src python scripts/fuzz_inputs.py [--examples 3000] [--kind document ...]``.
Exit status 1 when anything crashed; the first crash of each kind is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_kinds import KINDS, attempt, mutated


def fuzz(name: str, examples: int) -> tuple[Counter[str], str | None, float]:
    kind = KINDS[name]
    counts: Counter[str] = Counter()
    first: list[str] = []
    started = time.perf_counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        suffix, text = data.draw(mutated(kind))
        cli = data.draw(st.integers(0, 9)) == 0
        counts["tried"] += 1
        with tempfile.TemporaryDirectory() as d:
            try:
                counts[attempt(kind, suffix, text, Path(d), cli=cli)] += 1
            except Exception:  # the contract broken: count it, keep going
                counts["crashed"] += 1
                if not first:
                    first.append(f"{text[:300]!r}\n{traceback.format_exc()}")

    run()
    return counts, (first[0] if first else None), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=3000, help="examples per kind (CI runs 300)")
    parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="only these kinds")
    args = parser.parse_args()
    total_crashed = 0
    print(f"{'kind':<10} {'tried':>7} {'refused':>8} {'accepted':>9} {'crashed':>8} {'seconds':>8}")
    for name in args.kind or sorted(KINDS):
        counts, crash, seconds = fuzz(name, args.examples)
        total_crashed += counts["crashed"]
        print(
            f"{name:<10} {counts['tried']:>7} {counts['refused']:>8} {counts['accepted']:>9} "
            f"{counts['crashed']:>8} {seconds:>8.1f}",
            flush=True,
        )
        if crash:
            print(f"  first crash:\n{crash}", file=sys.stderr)
    return 1 if total_crashed else 0


if __name__ == "__main__":
    sys.exit(main())
