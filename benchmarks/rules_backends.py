#!/usr/bin/env python3
"""Rules backends compared: derived-event throughput (native vs durable-rules) and the durable
backend's cost per match next to a raw durable-rules ``post`` on an equivalent ruleset.

1. N companies (default 10,000) join in 2021-2022, answer annual self-assessments (some
   late or never, some unsatisfactory) and some get certified with varied expiries; the
   inputs of each year are submitted, then the registry advances to 31 December, for 10
   simulated years. The same inputs run on ``backend="native"`` and ``backend="durable"``;
   the derived events must be identical. Prints derived events per second of ``advance_to``
   and the time spent inside ``Backend.matching``.
2. One default rule (ART12.CSA_MISSED.TERMINATION: a state test and a five-way ``In``) is
   matched on realistic facts (half matching) through ``DurableBackend.matching`` and, written
   the natural way, through a raw thread-less durable host's ``post``. Prints microseconds per
   match and the ratio (target: within 3x).

Prints only; no assertions (timings are too noisy to assert on; the tests check behaviour).

    python benchmarks/rules_backends.py [--companies 10000] [--years 10] [--matches 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import icoc
from icoc.model import ExternalCertificate, ServiceDomain
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
)
from icoc.rules import DEFAULT_RULES, Backend, NativeBackend, Rule, RuleSet

START = 2021


# --- workload ----------------------------------------------------------------------------------------


def inputs(companies: int, years: int, seed: int) -> dict[int, list[list[Event]]]:
    """Input batches by year, each batch one subject's events on one day, in date order."""
    rng = random.Random(seed)
    batches: list[tuple[date, int, list[Event]]] = []
    for i in range(companies):
        cid = f"co-{i:06d}"
        joined = date(START, 1, 4) + timedelta(days=rng.randrange(700))
        admission = Admission.AFFILIATE if rng.random() < 0.2 else Admission.MEMBER
        batches.append(
            (
                joined,
                i,
                [
                    ApplicationSubmitted(
                        subject=cid,
                        effective=joined,
                        applicant=ApplicantKind.COMPANY,
                        name=cid,
                        country="GB",
                        provides_security_services=True,
                        services=(ServiceDomain.LAND,),
                    ),
                    DueDiligenceStarted(subject=cid, effective=joined),
                    Admitted(subject=cid, effective=joined, admission=admission),
                ],
            )
        )
        for cycle in range(joined.year + 1, START + years):
            sent, due = date(cycle, 7, 1), date(cycle, 9, 23)
            batches.append((sent, i, [SelfAssessmentSent(subject=cid, effective=sent, cycle=cycle, due=due)]))
            if rng.random() < 0.85:
                answered = due - timedelta(days=rng.randrange(60)) if rng.random() < 0.9 else due + timedelta(days=10)
                rated = answered + timedelta(days=20)
                batches.append((answered, i, [SelfAssessmentSubmitted(subject=cid, effective=answered, cycle=cycle)]))
                rating = SelfAssessmentRated(subject=cid, effective=rated, cycle=cycle, satisfactory=rng.random() < 0.8)
                batches.append((rated, i, [rating]))
        if admission is Admission.MEMBER and rng.random() < 0.5:
            on = date(joined.year + 1 + rng.randrange(2), 3, 1) + timedelta(days=rng.randrange(200))
            expires = on + timedelta(days=365 * rng.choice((1, 2, 3)) + rng.randrange(200))
            cert = ExternalCertificate(
                id=f"{cid}-c1", company=cid, standard="PSC.1-2012", body="cb", issued=on, expires=expires
            )
            batches.append(
                (
                    on,
                    i,
                    [
                        ExternalCertificateRecorded(subject=cid, effective=on, certificate=cert),
                        IcocaApplicationSubmitted(subject=cid, effective=on),
                        IcocaCertificationGranted(subject=cid, effective=on, certification=f"{cid}-i", expires=expires),
                    ],
                )
            )
    batches.sort(key=lambda b: (b[0], b[1]))
    by_year: dict[int, list[list[Event]]] = {}
    for day, _, events in batches:
        by_year.setdefault(day.year, []).append(events)
    return by_year


class Timed:
    """A backend wrapper counting ``matching`` calls and the time spent in them."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.seconds = 0.0

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        t = time.perf_counter()
        try:
            return self.inner.matching(rules, facts)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1

    def close(self) -> None:
        self.inner.close()


def simulate(backend: str, by_year: dict[int, list[list[Event]]], years: int) -> tuple[list[Event], dict[str, float]]:
    from icoc.rules._durable import DurableBackend

    inner: Backend = NativeBackend(DEFAULT_RULES) if backend == "native" else DurableBackend(DEFAULT_RULES)
    timed = Timed(inner)
    derived: list[Event] = []
    submit_s = advance_s = 0.0
    gc.collect()
    with icoc.Registry(backend=timed) as reg:
        for year in range(START, START + years):
            t = time.perf_counter()
            for batch in by_year.get(year, []):
                reg.submit_all(batch)
            t2 = time.perf_counter()
            derived += reg.advance_to(date(year, 12, 31))
            t3 = time.perf_counter()
            submit_s += t2 - t
            advance_s += t3 - t2
    return derived, {"submit": submit_s, "advance": advance_s, "match": timed.seconds, "calls": timed.calls}


# --- cost per match vs raw durable-rules ---------------------------------------------------------------------


def per_match(n: int) -> tuple[float, float, float]:
    """Microseconds per match: DurableBackend.matching, raw durable post, native."""
    from icoc.rules._durable import DurableBackend, _import_durable, _quiet_host

    rule = DEFAULT_RULES["ART12.CSA_MISSED.TERMINATION"]
    statuses = ["member", "transitional_member", "affiliate", "certified_member", "suspended"]
    base: dict[str, Any] = {
        "subject": "co-000001#2024",
        "state": "missed",
        "since": date(2024, 9, 24),
        "cycle": 2024,
        "due": date(2024, 9, 23),
        "self_assessment_sent_on": date(2024, 7, 1),
        "self_assessment_missed_on": date(2024, 9, 24),
        "company.status": "member",
        "company.joined": date(2021, 3, 4),
        "company.swiss_pssa": False,
        "certification.state": None,
        "certification.expires": None,
        "csa.latest": "satisfactory",
        "csa.latest_cycle": 2023,
    }
    facts = [{**base, "state": "missed" if i % 2 else "submitted", "company.status": statuses[i % 5]} for i in range(n)]

    backend = DurableBackend(RuleSet([rule]))
    backend.matching([rule], facts[0])  # start the session
    t = time.perf_counter()
    ours = sum(len(backend.matching([rule], f)) for f in facts)
    ours_us = (time.perf_counter() - t) / n * 1e6
    backend.close()

    engine, core = _import_durable()
    host = _quiet_host(engine)()
    hits: list[int] = []
    host.register_rulesets(
        {
            "raw": {
                "r": {
                    "all": [
                        {"m": {"$and": [{"state": "missed"}, {"$or": [{"company__status": s} for s in statuses]}]}}
                    ],
                    "run": lambda c: hits.append(1),
                }
            }
        }
    )
    host.post("raw", {"sid": "0", "id": "warm", "state": "missed", "company__status": "member"})
    hits.clear()
    messages = [
        {"sid": "0", "id": str(i), "state": f["state"], "company__status": f["company.status"]}
        for i, f in enumerate(facts)
    ]
    not_handled = engine.MessageNotHandledException
    t = time.perf_counter()
    for m in messages:
        try:
            host.post("raw", m)
        except not_handled:
            pass
    raw_us = (time.perf_counter() - t) / n * 1e6
    host.delete_state("raw", "0")
    core.delete_ruleset(host.get_ruleset("raw")._handle)
    assert len(hits) == ours, (len(hits), ours)

    native = NativeBackend(RuleSet([rule]))
    t = time.perf_counter()
    assert sum(len(native.matching([rule], f)) for f in facts) == ours
    native_us = (time.perf_counter() - t) / n * 1e6
    return ours_us, raw_us, native_us


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--matches", type=int, default=20_000, help="samples for the cost-per-match comparison")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if sys.version_info >= (3, 13):
        print("durable-rules does not import on Python 3.13+; nothing to compare")
        return 0

    print(f"Python {sys.version.split()[0]}; {args.companies:,} companies, {args.years} simulated years")
    by_year = inputs(args.companies, args.years, args.seed)
    n_inputs = sum(len(b) for batches in by_year.values() for b in batches)
    print(f"{n_inputs:,} input events\n")
    results: dict[str, list[Event]] = {}
    head = ("backend", "derived", "advance s", "derived/s", "matches", "in match s", "submit s")
    print("{:8} {:>9} {:>10} {:>10} {:>9} {:>11} {:>9}".format(*head))
    for backend in ("native", "durable"):
        derived, t = simulate(backend, by_year, args.years)
        results[backend] = derived
        print(
            f"{backend:8} {len(derived):9,} {t['advance']:10.2f} {len(derived) / t['advance']:10,.0f}"
            f" {int(t['calls']):9,} {t['match']:11.2f} {t['submit']:9.2f}"
        )
    same = results["native"] == results["durable"]
    print(f"derived events identical on both backends: {same}")
    by_rule: dict[str, int] = {}
    for e in results["native"]:
        by_rule[e.cause.rule or "?"] = by_rule.get(e.cause.rule or "?", 0) + 1
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_rule.items())))

    ours, raw, native = per_match(args.matches)
    print(f"\ncost per match, {args.matches:,} matches of ART12.CSA_MISSED.TERMINATION (half match):")
    print(f"  DurableBackend.matching {ours:8.1f} us")
    print(f"  raw durable-rules post  {raw:8.1f} us   (equivalent ruleset, thread-less host)")
    print(f"  NativeBackend.matching  {native:8.1f} us")
    print(f"  overhead vs raw post: {ours / raw:.2f}x (target within 3x); durable vs native: {ours / native:.0f}x")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
