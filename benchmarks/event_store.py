#!/usr/bin/env python3
"""Event-store throughput: append rate (events/s, durable: fsync or SQLite commit per batch) and
replay time (read and decode every event) for the JSON-lines and SQLite stores, and the time to
open a store, which verifies every record's checksum.

The events are a realistic, registry-valid mix: each company applies, passes due diligence, is
admitted, then sends, submits and has rated one self-assessment a year. ``--registry`` also times
rebuilding a :class:`icoc.Registry` from the store (workflows, guards and rules for every event).
Prints only; not run by the tests.

    python benchmarks/event_store.py [--events 1000000] [--batch 1000] [--registry]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Event,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
)
from icoc.model.members import ServiceDomain
from icoc.store import JsonLinesStore, SqliteStore, replay

STORES = {"jsonl": (JsonLinesStore, "events.jsonl"), "sqlite": (SqliteStore, "events.sqlite")}


def company_events(k: int) -> list[Event]:
    cid = f"co-{k:07d}"
    joined = date(2018, 1 + k % 12, 1 + k % 28)
    events: list[Event] = [
        ApplicationSubmitted(
            subject=cid,
            effective=joined,
            applicant=ApplicantKind.COMPANY,
            name=f"Company {k}",
            country="GB",
            provides_security_services=True,
            services=(ServiceDomain.LAND,),
        ),
        DueDiligenceStarted(subject=cid, effective=joined),
        Admitted(subject=cid, effective=joined, admission=Admission.AFFILIATE),
    ]
    for cycle in range(2019, 2027):
        events += [
            SelfAssessmentSent(subject=cid, effective=date(cycle, 7, 1), cycle=cycle, due=date(cycle, 9, 23)),
            SelfAssessmentSubmitted(subject=cid, effective=date(cycle, 9, 1), cycle=cycle),
            SelfAssessmentRated(subject=cid, effective=date(cycle, 10, 1), cycle=cycle, satisfactory=True),
        ]
    return events


def events(n: int) -> Iterator[Event]:
    """``n`` events of successive companies, in date order (a registry with rules refuses an event
    dated before its clock, so a store's history is in date order)."""
    chosen: list[Event] = []
    k = 0
    while len(chosen) < n:
        chosen += company_events(k)[: n - len(chosen)]
        k += 1
    yield from sorted(chosen, key=lambda e: e.effective)


def batches(n: int, size: int) -> Iterator[list[Event]]:
    batch: list[Event] = []
    for e in events(n):
        batch.append(e)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bench(kind: str, directory: Path, n: int, size: int, singles: int, registry: bool) -> dict[str, float]:
    cls, name = STORES[kind]
    path = directory / name
    out: dict[str, float] = {}
    with cls(path) as store:
        # Durable single-event appends: the cost of one fsync/commit each.
        single_path = directory / f"single-{name}"
        with cls(single_path) as small:
            last = 0
            t0 = time.perf_counter()
            for e in events(singles):
                last = small.append([e], last)
            out["single_per_s"] = singles / (time.perf_counter() - t0) if singles else 0.0
        append = 0.0  # encoding, writing and fsync/commit; building the events is not counted
        last = 0
        for batch in batches(n, size):
            t0 = time.perf_counter()
            last = store.append(batch, last)
            append += time.perf_counter() - t0
        out["append_s"] = append
        out["append_per_s"] = n / append
    size_mb = sum(p.stat().st_size for p in directory.glob(name + "*")) / 1e6
    out["size_mb"] = size_mb
    t0 = time.perf_counter()
    opened = cls(path)  # verifies every record's checksum, the count and the last checksum
    out["open_s"] = time.perf_counter() - t0
    with opened as store:
        t0 = time.perf_counter()
        count = sum(1 for _ in store.read())
        out["replay_s"] = time.perf_counter() - t0
        assert count == n, (count, n)
        t0 = time.perf_counter()
        tail = sum(1 for _ in store.read(n - min(n, 1000)))
        out["tail_read_s"] = time.perf_counter() - t0
        assert tail == min(n, 1000)
        if registry:
            t0 = time.perf_counter()
            reg, seq = replay(store)
            out["registry_s"] = time.perf_counter() - t0
            assert seq == n and len(reg) >= n  # the rules add the events they derive
            reg.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--events", type=int, default=1_000_000, help="events to append (default 1,000,000)")
    p.add_argument("--batch", type=int, default=1000, help="events per append (default 1000)")
    p.add_argument("--singles", type=int, default=200, help="single-event appends to time (default 200)")
    p.add_argument("--stores", default="jsonl,sqlite", help="comma-separated: jsonl, sqlite")
    p.add_argument("--registry", action="store_true", help="also time rebuilding a Registry from the store")
    p.add_argument("--dir", type=Path, help="where to write the stores (default: a temporary directory)")
    args = p.parse_args(argv)
    kinds = [k.strip() for k in args.stores.split(",") if k.strip()]
    for k in kinds:
        if k not in STORES:
            p.error(f"unknown store {k!r} (jsonl, sqlite)")
    print(f"{args.events:,} events, appended {args.batch} per batch; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for kind in kinds:
            directory = Path(tmp) / kind
            directory.mkdir()
            r = bench(kind, directory, args.events, args.batch, args.singles, args.registry)
            print(
                f"{kind:7} append {r['append_per_s']:>10,.0f} events/s ({r['append_s']:.1f} s, "
                f"{r['size_mb']:.0f} MB); single-event appends {r['single_per_s']:,.0f}/s"
            )
            line = (
                f"{'':7} replay {r['replay_s']:>8.1f} s ({args.events / r['replay_s']:,.0f} events/s read and "
                f"decoded); last 1,000 events {r['tail_read_s'] * 1000:.0f} ms; "
                f"opened and verified in {r['open_s']:.2f} s"
            )
            if "registry_s" in r:
                line += f"; Registry rebuilt in {r['registry_s']:.1f} s"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
