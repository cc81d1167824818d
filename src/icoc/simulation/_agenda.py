"""The state of one run and its agenda: the registry, the seeded generator, the heap of actor
steps, and what the simulation knows about companies beyond the registry (their traits).

Time is a heap of ``(date, priority, sequence, kind, args)``; there are no daily ticks. The
actors (:mod:`icoc.simulation._actors`, one module per process) read and schedule through a
:class:`Run`; every draw comes from ``Run.rng`` (one ``random.Random(seed)``), so a run is a pure
function of its scenario and seed. Nothing here reads the wall clock.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import attrs

from icoc.model.certificates import ExternalCertificate
from icoc.model.events import Cause, Event
from icoc.model.members import ACTIVE_STATUSES, ENTRY_STATUSES, UNCERTIFIED_STATUSES
from icoc.registry import Registry
from icoc.simulation._scenario import Scenario
from icoc.simulation._tables import CompanyInfo, YearState

__all__ = ["ACTIVE", "ENTRY", "UNCERTIFIED", "Company", "Run"]

ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)
ENTRY = frozenset(str(s) for s in ENTRY_STATUSES)
UNCERTIFIED = frozenset(str(s) for s in UNCERTIFIED_STATUSES)

COMPANY = Cause(actor="company")
BOARD = Cause(actor="board")
DIRECTOR = Cause(actor="executive-director")
BODY = Cause(actor="certification-body")
COMPLAINANT = Cause(actor="complainant")
APPLICANT = Cause(actor="applicant")

LATE = 9
"""Priority of year-end bookkeeping: after every other event of the day."""

_ID_WIDTHS = {"psc": 5, "cso": 3, "gov": 2}
"""Digits in the ids a run gives (``psc-00001``, ``cso-001``, ``gov-01``; cases and complaints 6)."""


@attrs.define
class Company:
    """What the simulation knows about a company beyond the registry's state (its traits)."""

    info: CompanyInfo
    pursue: bool
    epoch: int = 0
    admitted: date | None = None
    certificate: ExternalCertificate | None = None
    certificates: int = 0
    certifications: int = 0
    scope_certificates: int = 0
    """Certificates renewed for a certification in a second scope (``certification.plan_scope_renewal``)."""
    suspension: int = 0
    suspension_cases: list[str] = attrs.Factory(list)


class Run:
    """The state of one run: the registry, the agenda of actor steps, the companies' traits."""

    def __init__(self, scenario: Scenario, seed: int, backend: str) -> None:
        self.s = scenario
        self.seed = seed
        self.rng = random.Random(seed)
        self.backend = backend
        self.end = scenario.end
        self.now = scenario.start
        self.heap: list[tuple[date, int, int, str, tuple[Any, ...]]] = []
        self.seq = 0
        self.companies: dict[str, Company] = {}
        self.case_company: dict[str, str] = {}
        self.case_severity: dict[str, str] = {}
        self.complaint_route: dict[str, str] = {}
        self.counters: dict[str, int] = {"psc": 0, "case": 0, "complaint": 0, "cso": 0, "gov": 0}
        self.states: list[YearState] = []
        self.years: dict[int, Scenario] = {}
        self.weights: dict[tuple[str, str, int], tuple[dict[tuple[str, str], float], float]] = {}
        self.initial: tuple[str, ...] = ()
        config: dict[str, Any] = {"rules": scenario.rules, "parameters": scenario.parameters, "backend": backend}
        if scenario.origin is not None:
            self.reg = Registry.from_history(scenario.origin, **config)
        else:
            self.reg = Registry(**config)

    # --- the scenario in force ------------------------------------------------------------------

    def year(self, year: int) -> Scenario:
        """The scenario with every scheduled number at its value for ``year`` (cached)."""
        sc = self.years.get(year)
        if sc is None:
            sc = self.years[year] = self.s.in_year(year)
        return sc

    @property
    def sy(self) -> Scenario:
        """The scenario in force today."""
        return self.year(self.now.year) if self.s.schedules else self.s

    def incidents(self, c: Company, sc: Scenario) -> tuple[dict[tuple[str, str], float], float]:
        """The company's incident weights by (finding or complaint, source or kind) and their total
        per year under ``sc`` (its size's exposure times its region's multipliers)."""
        key = (c.info.size, c.info.region, id(sc))  # scenarios in force live as long as the run
        hit = self.weights.get(key)
        if hit is not None:
            return hit
        pop = sc.population
        exposure = pop.sizes[c.info.size].exposure if c.info.size in pop.sizes else 1.0
        rp = pop.regions.get(c.info.region)
        fmul = rp.findings if rp is not None else 1.0
        cmul = rp.complaints if rp is not None else 1.0
        weights: dict[tuple[str, str], float] = {}
        for source, rate in sc.findings.rates.items():
            if rate > 0:
                weights[("finding", source)] = rate * exposure * fmul
        for kind, rate in sc.complaints.rates.items():
            if rate > 0:
                weights[("complaint", kind)] = rate * exposure * cmul
        hit = self.weights[key] = (weights, sum(weights.values()))
        return hit

    def waiting(
        self, rate_of: Callable[[Scenario], float], rng: random.Random | None = None, since: date | None = None
    ) -> timedelta | None:
        """The wait from ``since`` (today) to the next event of a Poisson process whose yearly rate
        ``rate_of(scenario in force)`` may change each 1 January; ``None`` when none comes by the
        horizon (or the rate is 0). Without schedules this is one exponential draw."""
        rng = rng if rng is not None else self.rng
        start = since if since is not None else self.now
        if not self.s.schedules:
            rate = rate_of(self.s)
            if rate <= 0:
                return None
            days = rng.expovariate(rate) * 365.25
            return timedelta(days=max(1, math.ceil(days)) if days < 36525 else 36525)
        budget = rng.expovariate(1.0)
        t = start
        while t <= self.end:
            rate = rate_of(self.year(t.year))
            boundary = date(t.year + 1, 1, 1) if t.year < 9999 else t
            span = (boundary - t).days / 365.25
            if rate > 0 and budget <= rate * span:
                days = (t - start).days + budget / rate * 365.25
                return timedelta(days=max(1, math.ceil(days)))
            budget -= rate * span
            if boundary <= t:
                break
            t = boundary
        return None

    def fresh(self, kind: str) -> str:
        """A new id for a company (``psc-00001``), case, complaint, CSO (``cso-001``) or
        government (``gov-01``), never one the registry the run started from already holds."""
        width = _ID_WIDTHS.get(kind, 6)
        while True:
            self.counters[kind] += 1
            ident = f"{kind}-{self.counters[kind]:0{width}d}"
            if self.s.origin is None or self.reg.kind_of(ident) is None:
                return ident

    def new_id(self) -> str:
        return self.fresh("psc")

    def ever(self, path: str, value: float) -> bool:
        """Whether the number at ``path`` (today ``value``) is positive now or in a scheduled year."""
        sched = self.s.schedules.get(path)
        return value > 0 or (sched is not None and any(v > 0 for _, v in sched.steps))

    def scheduled(self, prefix: str, base: Any) -> list[str]:
        """Keys of the mapping at ``prefix`` that have a rate now or in some scheduled year."""
        keys = [k for k, v in base.items() if v > 0]
        for path in self.s.schedules:
            if path.startswith(prefix + "."):
                key = path[len(prefix) + 1 :]
                if key not in keys and any(v > 0 for _, v in self.s.schedules[path].steps):
                    keys.append(key)
        return keys

    # --- the clock --------------------------------------------------------------------------

    def push(self, when: date, kind: str, *args: Any, priority: int = 1) -> None:
        """Schedule an actor's step; steps past the horizon never happen."""
        if when < self.now:
            when = self.now
        if when > self.end:
            return
        self.seq += 1
        heapq.heappush(self.heap, (when, priority, self.seq, kind, args))

    def later(self, delay: timedelta, kind: str, *args: Any) -> None:
        self.push(self.now + delay, kind, *args)

    # --- helpers ------------------------------------------------------------------------------

    def status(self, cid: str) -> str | None:
        inst = self.reg.instance("company-status", cid)
        return inst.state if inst is not None else None

    def state(self, process: str, key: str) -> str | None:
        inst = self.reg.instance(process, key)
        return inst.state if inst is not None else None

    def active(self, cid: str) -> bool:
        return self.status(cid) in ACTIVE

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def submit(self, *events: Event) -> None:
        if len(events) == 1:
            self.reg.submit(events[0])
        else:
            self.reg.submit_all(events)

    def param_day(self, name: str, year: int) -> date:
        value = self.reg.parameters.value(name, date(year, 1, 1))
        month, day = str(value).split("-")
        return date(year, int(month), int(day))
