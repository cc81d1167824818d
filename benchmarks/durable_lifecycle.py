#!/usr/bin/env python3
"""Creating and closing many durable-rules registries leaves threads and memory flat.

Each registry gets its own durable-rules ruleset and session; ``close()`` (here via ``with``)
deletes the session state, then the ruleset. Prints RSS and live threads before and after
``--count`` registries (default 1,000), each admitting a company and advancing past its
certification deadline (so its backend compiles, primes, matches and frees). With
``--leak`` it also runs the same number of registries without closing them and without
letting them be collected, to show what closing saves. Prints only; no assertions.

    python benchmarks/durable_lifecycle.py [--count 1000] [--leak]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from datetime import date

import icoc
from icoc.model import ServiceDomain
from icoc.model.events import Admission, Admitted, ApplicantKind, ApplicationSubmitted, DueDiligenceStarted


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def one(i: int) -> icoc.Registry:
    reg = icoc.Registry(backend="durable")
    cid = f"co-{i}"
    on = date(2023, 5, 10)
    reg.submit_all(
        [
            ApplicationSubmitted(
                subject=cid,
                effective=on,
                applicant=ApplicantKind.COMPANY,
                name=cid,
                country="GB",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
            ),
            DueDiligenceStarted(subject=cid, effective=on),
            Admitted(subject=cid, effective=on, admission=Admission.MEMBER),
        ]
    )
    (event,) = reg.advance_to(date(2027, 1, 1))
    assert event.cause.rule == "ART3.CERT_DEADLINE"
    return reg


def report(label: str, count: int, seconds: float, rss0: float, threads0: int) -> None:
    gc.collect()
    rss1 = rss_mb()
    print(
        f"{label}: {count:,} registries in {seconds:.2f} s; RSS {rss0:.1f} -> {rss1:.1f} MB "
        f"({(rss1 - rss0) * 1e3 / count:+.1f} KB each); threads {threads0} -> {threading.active_count()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--leak", action="store_true", help="also show registries that are never closed")
    args = parser.parse_args(argv)
    if sys.version_info >= (3, 13):
        print("durable-rules does not import on Python 3.13+; nothing to measure")
        return 0
    for i in range(20):  # warm up imports, caches and the allocator
        one(i).close()
    gc.collect()

    rss0, threads0 = rss_mb(), threading.active_count()
    t = time.perf_counter()
    for i in range(args.count):
        with one(i):
            pass
    report("closed", args.count, time.perf_counter() - t, rss0, threads0)

    rss0, threads0 = rss_mb(), threading.active_count()
    t = time.perf_counter()
    for i in range(args.count):
        with one(i):
            pass
    report("closed again", args.count, time.perf_counter() - t, rss0, threads0)

    if args.leak:
        rss0, threads0 = rss_mb(), threading.active_count()
        t = time.perf_counter()
        kept = [one(i) for i in range(args.count)]
        report("never closed (kept alive)", args.count, time.perf_counter() - t, rss0, threads0)
        for reg in kept:
            reg.close()
        del kept
        report("  ...then closed", args.count, 0.0, rss0, threads0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
