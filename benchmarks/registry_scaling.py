"""Cost of one event as the registry grows: it must stay flat (O(1) or O(log n) per event).

Admits N companies (3 events each), then times a fixed batch of 2,000 suspend/reinstate events
spread over the population, at N = 1k, 10k and 100k. Prints microseconds per event and the ratio
to the smallest N measured in the same run. (The number of Python calls per event is the same at
every size; what ratio remains above 1 is memory locality and the garbage collector.)
"""

from __future__ import annotations

import argparse
import gc
import time
from datetime import date

import icoc
from icoc.model import ServiceDomain
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Reinstated,
    Suspended,
)


def build(n: int) -> icoc.Registry:
    reg = icoc.Registry()
    on = date(2024, 1, 10)
    for i in range(n):
        cid = f"co-{i:06d}"
        reg.submit_all(
            [
                ApplicationSubmitted(
                    subject=cid,
                    effective=on,
                    applicant=ApplicantKind.COMPANY,
                    name=cid,
                    provides_security_services=True,
                    services=(ServiceDomain.LAND,),
                ),
                DueDiligenceStarted(subject=cid, effective=on),
                Admitted(subject=cid, effective=on, admission=Admission.AFFILIATE),
            ]
        )
    return reg


def per_event(reg: icoc.Registry, n: int, events: int = 2000) -> float:
    gc.collect()  # do not bill the timed events for the build's garbage
    step = max(1, n // (events // 2))
    targets = [f"co-{i:06d}" for i in range(0, n, step)][: events // 2]
    start = time.perf_counter()
    # In date order: the registry refuses an event dated before its clock (rules judged up to it).
    for cid in targets:
        reg.submit(Suspended(subject=cid, effective=date(2024, 3, 1), reason="benchmark"))
    for cid in targets:
        reg.submit(Reinstated(subject=cid, effective=date(2024, 4, 1)))
    return (time.perf_counter() - start) / (2 * len(targets)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    sizes = [int(x) for x in parser.parse_args().sizes.split(",")]
    base = None
    print(f"{'members':>10} {'build s':>9} {'us/event':>9} {'ratio':>6}")
    for n in sizes:
        t0 = time.perf_counter()
        reg = build(n)
        built = time.perf_counter() - t0
        us = per_event(reg, n)
        base = base or us
        print(f"{n:>10} {built:>9.2f} {us:>9.1f} {us / base:>6.2f}")


if __name__ == "__main__":
    main()
