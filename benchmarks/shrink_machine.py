#!/usr/bin/env python3
"""How long Hypothesis takes to find, then to shrink, a deliberately broken invariant added to a
subclass of a public :mod:`icoc.testing` state machine (the "your own invariant" recipe of the
testing page).

The broken invariant claims no company ever reaches a state (``--never certified``: certified
member, which :class:`~icoc.testing.CertificationMachine` reaches within a few steps;
``--never suspended`` needs a suspension too). Each run is derandomized
(the same examples every time): one run with generation only times the finding, one with
shrinking too times the whole; their difference is the shrinking. It prints the times and the
shrunk steps. Prints only, no assertions (timings are too noisy to assert on).

    python benchmarks/shrink_machine.py [--machine certification|company-status|process] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from icoc.testing import CertificationMachine, CompanyStatusMachine, ProcessMachine, RegistryMachine

BASES: dict[str, type[RegistryMachine]] = {
    "certification": CertificationMachine,
    "company-status": CompanyStatusMachine,
    "process": ProcessMachine,
}


BROKEN = {
    "certified": "certified_member",
    "suspended": "suspended",
}
"""Company states the broken invariant claims are never reached (``--never``)."""


def broken(base: type[RegistryMachine], never: str) -> type[RegistryMachine]:
    class NeverReached(base):  # type: ignore[valid-type,misc]
        @invariant()
        def never_reached(self) -> None:
            """Deliberately wrong: companies do get certified and suspended."""
            states = [i.state for i in self.registry.instances("company-status")]
            assert never not in states, f"a company reached {never}"

    return NeverReached


def run(machine: type[RegistryMachine], shrink: bool) -> tuple[float, str]:
    phases = [Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])]
    config = settings(
        max_examples=200,
        derandomize=True,
        database=None,
        phases=phases,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    start = time.perf_counter()
    try:
        run_state_machine_as_test(machine, settings=config)
    except AssertionError as exc:
        notes = "\n".join(getattr(exc, "__notes__", []))
        return time.perf_counter() - start, notes
    raise SystemExit(f"{machine.__name__}: the broken invariant was not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", choices=sorted(BASES), default="certification")
    parser.add_argument("--never", choices=sorted(BROKEN), default="certified")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    machine = broken(BASES[args.machine], BROKEN[args.never])
    finds, totals = [], []
    steps = ""
    for _ in range(args.runs):
        found, _notes = run(machine, shrink=False)
        total, steps = run(machine, shrink=True)
        finds.append(found)
        totals.append(total)
    shrinks = [t - f for t, f in zip(totals, finds, strict=True)]
    print(
        f"machine: {BASES[args.machine].__name__} + 'no company is ever {BROKEN[args.never]}', "
        f"{args.runs} derandomized runs"
    )
    print(f"find:   median {statistics.median(finds):6.2f} s  (min {min(finds):.2f}, max {max(finds):.2f})")
    print(f"shrink: median {statistics.median(shrinks):6.2f} s  (min {min(shrinks):.2f}, max {max(shrinks):.2f})")
    markers = ("hypothesis_stateful_rule", "hypothesis_stateful_initialize_rule")
    rules = [n for n in dir(machine) if any(getattr(getattr(machine, n), m, None) for m in markers)]
    lines = [line for line in steps.splitlines() if line.startswith("state.") and line[6:].split("(")[0] in rules]
    print(f"shrunk to {len(lines)} rule steps (invariant checks between them are printed too):")
    print(steps)


if __name__ == "__main__":
    main()
