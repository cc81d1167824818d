#!/usr/bin/env python3
"""A ten-year registry, opened and queried: every figure beside a plain-Python baseline measured
in the same run (issue #17). Prints only; not run by the tests, no timing assertions.

Measures, for a registry-valid history of ``--events`` events (companies joining over 2018, then
one self-assessment cycle a year: sent, submitted, rated), in date order:

1. reopening the SQLite store as a registry with a snapshot vs without (a full replay), and
   reopening then decoding the whole image (the first query that reads every part of it);
2. ``Registry.from_history`` (every event checked) vs a plain fold of the same events into dicts,
   beside the floor of any replay building icoc's state: the events folded, unchecked and without
   rules, into the frozen ``Instance`` objects the registry holds;
3. the store's ``read()`` vs ``SELECT`` + ``json.loads`` of the same rows;
4. the cost per event of one more cycle with 0, 5 and 10 cycles of history per subject;
5. ``check_all`` as of a date before the latest event vs the same check on live state;
6. memory per company of a registry rebuilt by ``from_history`` vs one built live;
7. ``from icoc import Registry`` vs ``import attrs, cattrs`` (fresh interpreters).

CPU-bound timings are the minimum of ``--rounds`` rounds. ``--markdown`` prints the table for
docs/storage.md.

    python benchmarks/history_scale.py [--events 1000000] [--rounds 3] [--markdown]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icoc import Registry
from icoc.eligibility import check_all
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
from icoc.store import SnapshotPolicy, SqliteStore, open_registry
from icoc.workflows import Instance

PER_COMPANY_CYCLES = 8
NEVER = SnapshotPolicy(every=None, on_close=False)
NO_SNAPSHOT = SnapshotPolicy(every=None, on_close=False, use=False)


def joining(k: int) -> list[Event]:
    cid = f"co-{k:07d}"
    joined = date(2018, 1 + k % 12, 1 + k % 28)
    return [
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


def cycle(k: int, year: int) -> list[Event]:
    cid = f"co-{k:07d}"
    return [
        SelfAssessmentSent(subject=cid, effective=date(year, 7, 1), cycle=year, due=date(year, 9, 23)),
        SelfAssessmentSubmitted(subject=cid, effective=date(year, 9, 1), cycle=year),
        SelfAssessmentRated(subject=cid, effective=date(year, 10, 1), cycle=year, satisfactory=True),
    ]


def history(n: int) -> list[Event]:
    """About ``n`` events in date order (whole companies)."""
    per = 3 + 3 * PER_COMPANY_CYCLES
    companies = max(1, -(-n // per))
    events = [e for k in range(companies) for e in joining(k)]
    for year in range(2019, 2019 + PER_COMPANY_CYCLES):
        events += [e for k in range(companies) for e in cycle(k, year)]
    events.sort(key=lambda e: e.effective)  # stable
    return events


def best(rounds: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest of ``rounds`` CPU times of ``fn()`` (garbage of the previous round collected first)."""
    times, out = [], None
    for _ in range(rounds):
        out = None
        gc.collect()
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return min(times), out


def wall(rounds: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def plain_fold(events: list[Event]) -> dict[str, Any]:
    """The baseline for a replay: the same events folded into dicts by hand, with a date-order
    check per subject and a per-subject state and per-cycle record."""
    state: dict[str, str] = {}
    last: dict[str, date] = {}
    cycles: dict[tuple[str, int], str] = {}
    for e in events:
        s = e.subject
        prev = last.get(s)
        if prev is not None and e.effective < prev:
            raise ValueError(s)
        last[s] = e.effective
        t = e.TYPE
        if t == "application_submitted":
            state[s] = "applicant"
        elif t == "due_diligence_started":
            state[s] = "due_diligence"
        elif t == "admitted":
            state[s] = "affiliate"
        else:
            cycles[(s, getattr(e, "cycle", 0))] = t
    return {"state": state, "cycles": cycles}


def instance_fold(events: list[Event]) -> dict[tuple[str, str], Instance]:
    """The floor of any replay that builds icoc's state: the same events folded, with no checks
    and no rules, into the frozen :class:`~icoc.workflows.Instance` objects the registry holds
    (one new instance per event, its data carried over as the interpreter does)."""
    held: dict[tuple[str, str], Instance] = {}
    for e in events:
        k = ("self_assessment", e.key) if hasattr(e, "cycle") else ("membership", e.subject)
        prev = held.get(k)
        if prev is not None and e.effective < prev.since:
            raise ValueError(e.subject)
        data = dict(prev.data) if prev is not None else {}
        data.update(e.facts())
        data[e.TYPE + "_on"] = e.effective
        held[k] = Instance(
            process=k[0],
            key=k[1],
            subject=e.subject,
            state=e.TYPE,
            since=e.effective,
            previous=prev.state if prev is not None else None,
            data=MappingProxyType(data),
        )
    return held


def build_store(path: Path, reg: Registry) -> int:
    with SqliteStore(path) as store:
        hist = reg.history
        seq = 0
        for i in range(0, len(hist), 10_000):
            seq = store.append(hist[i : i + 10_000], seq)
        return seq


def per_event_at(cycles: int, subjects: int, rounds: int) -> float:
    """µs per event of one more cycle for ``subjects`` companies with ``cycles`` cycles of history each."""
    base = [e for k in range(subjects) for e in joining(k)]
    for year in range(2019, 2019 + cycles):
        base += [e for k in range(subjects) for e in cycle(k, year)]
    base.sort(key=lambda e: e.effective)
    extra = [e for k in range(subjects) for e in cycle(k, 2019 + cycles)]
    extra.sort(key=lambda e: e.effective)
    times = []
    for _ in range(rounds):
        reg = Registry.from_history(base)
        gc.collect()
        t0 = time.process_time()
        for i in range(0, len(extra), 3):  # one batch per company's cycle step, live
            reg.submit_all(extra[i : i + 3])
        times.append(time.process_time() - t0)
    return min(times) / len(extra) * 1e6


def memory_per_company(companies: int) -> tuple[float, float]:
    events = [e for k in range(companies) for e in joining(k)]
    for year in range(2019, 2022):
        events += [e for k in range(companies) for e in cycle(k, year)]
    events.sort(key=lambda e: e.effective)

    def measure(build: Callable[[], Registry]) -> float:
        gc.collect()
        tracemalloc.start()
        reg = build()
        gc.collect()
        used = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del reg
        return used / companies / 1024

    def live() -> Registry:
        reg = Registry()
        for i in range(0, len(events), 3):
            reg.submit_all(events[i : i + 3])
        return reg

    held = list(events)  # the events themselves are not billed to either side
    replayed = measure(lambda: Registry.from_history(held))
    built = measure(live)
    return replayed, built


def import_time(statement: str, rounds: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    env = dict(os.environ)
    # Bytecode may be written, as for an installed package; the first run writes it and is not timed.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout)
        for _ in range(rounds)
    ]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="print the table for docs/storage.md")
    args = parser.parse_args()
    n, rounds = args.events, args.rounds
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, value: str, baseline: str, ratio: str) -> None:
        rows.append((what, value, baseline, ratio))
        print(f"{what:<58} {value:>14} {baseline:>24} {ratio:>8}", flush=True)

    events = history(n)
    n = len(events)
    print(f"{n:,} events, {n // (3 + 3 * PER_COMPANY_CYCLES):,} companies; CPU seconds, best of {rounds}", flush=True)

    # 2. full replay vs a plain fold
    t_fold, _ = best(rounds, lambda: plain_fold(events))
    t_floor, _ = best(rounds, lambda: instance_fold(events))
    t_replay, reg = best(min(rounds, 2), lambda: Registry.from_history(events))
    row(
        "Registry.from_history (full replay)",
        f"{t_replay / n * 1e6:.1f} µs/event",
        f"plain fold {t_fold / n * 1e6:.2f} µs",
        f"{t_replay / t_fold:.1f}x",
    )
    row(
        "  floor: the same events into frozen Instance objects, unchecked",
        f"{t_floor / n * 1e6:.1f} µs/event",
        f"plain fold {t_fold / n * 1e6:.2f} µs",
        f"{t_floor / t_fold:.1f}x",
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.sqlite"
        seq = build_store(path, reg)
        assert seq == len(reg)

        # 3. read() vs SELECT + json.loads
        def raw() -> list[Any]:
            db = sqlite3.connect(path)
            out = [json.loads(t) for (t,) in db.execute("SELECT event FROM events ORDER BY seq")]
            db.close()
            return out

        def decoded() -> list[Any]:
            with SqliteStore(path, check=False) as store:
                return [e for _, e in store.read()]

        t_raw, _ = best(rounds, raw)
        t_read, got = best(rounds, decoded)
        assert got == list(reg.history)
        row(
            "SqliteStore.read(), every event",
            f"{t_read:.2f} s",
            f"SELECT + json.loads {t_raw:.2f} s",
            f"{t_read / t_raw:.1f}x",
        )
        del got

        # 1. reopen with a snapshot vs a full replay
        t_open_full = wall(1, lambda: open_registry(path, snapshots=NO_SNAPSHOT).close())
        with open_registry(path, snapshots=NO_SNAPSHOT) as stored:
            t0 = time.perf_counter()
            stored.save_snapshot()
            t_save = time.perf_counter() - t0
            full_state = (stored.registry.snapshot(), stored.registry.obligations())
        size = os.path.getsize(path)

        def reopen() -> None:
            with open_registry(path, snapshots=NEVER) as stored:
                assert stored.snapshot_report.used == seq

        def reopen_and_decode() -> None:
            with open_registry(path, snapshots=NEVER) as stored:
                r = stored.registry  # the image's sections are decoded when first read:
                r.obligations()  # the rules' obligations and agenda
                r.kinds()  # instances, kinds, last dates
                r.discrepancies  # noqa: B018 (the registry's books)

        t_open_snap = wall(rounds, reopen)
        t_open_snap_cpu, _ = best(rounds, reopen)
        t_open_decode = wall(rounds, reopen_and_decode)
        with open_registry(path, snapshots=NEVER) as stored:
            assert (stored.registry.snapshot(), stored.registry.obligations()) == full_state
        row(
            f"reopen the SQLite store ({size / 1e6:.0f} MB) with its snapshot, wall",
            f"{t_open_snap:.2f} s",
            f"without: {t_open_full:.1f} s",
            f"{t_open_full / t_open_snap:.0f}x less",
        )
        row("  the same, CPU", f"{t_open_snap_cpu:.2f} s", "", "")
        row(
            "  reopen and decode the whole image (first full query), wall",
            f"{t_open_decode:.2f} s",
            "",
            f"{t_open_full / t_open_decode:.0f}x less",
        )
        row("  writing the snapshot, wall", f"{t_save:.2f} s", "", "")
        t_verify, _ = best(rounds, lambda: SqliteStore(path).close())

        def verify_after() -> None:
            with SqliteStore(path, check=False) as store:
                store.verify(seq)

        t_tail, _ = best(rounds, verify_after)
        row(
            "  of which verifying the checksum chain after the snapshot, CPU",
            f"{t_tail:.2f} s",
            f"whole chain {t_verify:.2f} s",
            "",
        )

    # 5. check_all as of a past date vs live
    live_on = reg.clock or date.max
    past = date(2024, 6, 30)
    t_live, a = best(rounds, lambda: list(check_all(reg, as_of=live_on)))
    # The index of dated versions is built on the first past-date query (a registry never asked
    # about the past pays nothing for it), then kept up to date: time that first build apart.
    t0 = time.process_time()
    reg.snapshot(past)
    t_build = time.process_time() - t0
    row("building the index of dated versions (first past-date query)", f"{t_build:.2f} s", "", "")
    t_past, b = best(rounds, lambda: list(check_all(reg, as_of=past)))
    assert len(a) == len(b)
    row(
        f"check_all as of {past} ({len(a):,} companies)",
        f"{t_past:.2f} s",
        f"as of {live_on} (live) {t_live:.2f} s",
        f"{t_past / t_live:.1f}x",
    )
    del a, b
    gc.collect()

    # 4. per-event cost as a subject's history grows
    subjects = max(100, min(20_000, n // 100))
    costs = {c: per_event_at(c, subjects, rounds) for c in (0, 5, 10)}
    row(
        f"µs/event of one more cycle at 0 / 5 / 10 cycles ({subjects:,} cos)",
        " / ".join(f"{costs[c]:.1f}" for c in (0, 5, 10)),
        "flat",
        f"{costs[10] / costs[0]:.2f}x",
    )

    # 6. memory per company
    replayed, built = memory_per_company(min(5000, max(500, n // 200)))
    row(
        "memory per company (3 cycles), KiB",
        f"replayed {replayed:.1f}",
        f"live {built:.1f}",
        f"{replayed / built:.2f}x",
    )

    # 7. import time
    t_icoc = import_time("from icoc import Registry", rounds)
    t_base = import_time("import attrs, cattrs", rounds)
    row(
        "from icoc import Registry, wall",
        f"{t_icoc * 1e3:.0f} ms",
        f"import attrs, cattrs {t_base * 1e3:.0f} ms",
        f"{t_icoc / t_base:.1f}x",
    )

    if args.markdown:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        print()
        print(
            f"`python benchmarks/history_scale.py --events {args.events} --rounds {args.rounds}` on {stamp}, "
            f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, {n:,} events:"
        )
        print()
        print("| measured | icoc | baseline in the same run | ratio |")
        print("|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(x.strip() or "" for x in r) + " |")


if __name__ == "__main__":
    main()
