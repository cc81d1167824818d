"""One run: a discrete-event simulation that drives a real :class:`~icoc.registry.Registry`.

Time is a heap of ``(date, priority, sequence, kind, args)``; there are no daily ticks. Before any
simulated actor acts on a date, the registry is advanced to that date, so the rule set fires its
deadlines first (missed self-assessments, certification deadlines, corrective-action deadlines,
unremedied suspensions) and the actors react to the events the rules emit. Actors only submit
events their workflow accepts in the current state: an ``IllegalTransition`` in a run is a bug
and propagates. Every draw comes from one ``random.Random(seed)``; nothing reads the wall clock.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from icoc.model.certificates import ExternalCertificate
from icoc.model.complaints import ComplaintKind, ComplaintRoute
from icoc.model.dates import LAST_DATE
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    CaseResolved,
    Cause,
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    Ground,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    MovedToTransitional,
    ReferredToBoard,
    Reinstated,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    SuspensionProceedingsOpened,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.ids import CaseId, CertificateId, CertificationBodyId, ComplaintId, MemberId, PlanId, StandardId
from icoc.model.members import ACTIVE_STATUSES, ENTRY_STATUSES, UNCERTIFIED_STATUSES, GovernmentKind, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.registry import Registry
from icoc.simulation._results import CompanyInfo, SimulationResult, YearState
from icoc.simulation._scenario import Scenario, pick

__all__ = ["run"]

_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)
_ENTRY = frozenset(str(s) for s in ENTRY_STATUSES)
_UNCERTIFIED = frozenset(str(s) for s in UNCERTIFIED_STATUSES)
_HOLDING = frozenset({"externally_certified", "icoca_review", "icoca_certified", "suspended"})

_COMPANY = Cause(actor="company")
_BOARD = Cause(actor="board")
_SECRETARIAT = Cause(actor="secretariat")
_DIRECTOR = Cause(actor="executive-director")
_BODY = Cause(actor="certification-body")
_COMPLAINANT = Cause(actor="complainant")
_MEMBER = Cause(actor="applicant")

_BODIES = (CertificationBodyId("cb-alpha"), CertificationBodyId("cb-beta"), CertificationBodyId("cb-gamma"))
_PARAGRAPHS: dict[str, tuple[int, ...]] = {
    "personnel_misconduct": (28, 30, 31, 32, 33, 35, 38, 42),
    "management_and_governance": (45, 46, 50, 55, 56, 63, 66),
    "other": (),
}

_LATE = 9

_ID_WIDTHS = {"psc": 5, "cso": 3, "gov": 2}
"""Digits in the ids a run gives (``psc-00001``, ``cso-001``, ``gov-01``; cases and complaints 6)."""

_PENDING_PROPOSAL_DAYS = 365
"""A registry records no Board decision to keep a member proposed for termination: a proposal
older than this on the start date of a run from a registry is taken as declined, a younger one
(with no termination, reinstatement or re-admission since) as still awaiting the Board."""
"""Priority of year-end bookkeeping: after every other event of the day."""


@attrs.define
class _Company:
    """What the simulation knows about a company beyond the registry's state (its traits)."""

    info: CompanyInfo
    pursue: bool
    epoch: int = 0
    admitted: date | None = None
    certificate: ExternalCertificate | None = None
    certificates: int = 0
    certifications: int = 0
    scope_certificates: int = 0
    """Certificates renewed for a certification in a second scope (:meth:`_Run.plan_scope_renewal`)."""
    suspension: int = 0
    suspension_cases: list[str] = attrs.Factory(list)


class _Run:
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
        self.companies: dict[str, _Company] = {}
        self.case_company: dict[str, str] = {}
        self.case_severity: dict[str, str] = {}
        self.complaint_route: dict[str, str] = {}
        self.counters: dict[str, int] = {"psc": 0, "case": 0, "complaint": 0, "cso": 0, "gov": 0}
        self.states: list[YearState] = []
        self.handlers: dict[str, Callable[..., None]] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_on_")
        }
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

    def incidents(self, c: _Company, sc: Scenario) -> tuple[dict[tuple[str, str], float], float]:
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

    def traits(self, rng: random.Random, cid: str, affiliate: bool, sc: Scenario) -> _Company:
        """A new company's traits, drawn from ``sc``'s population profiles."""
        pop = sc.population
        size = pick(rng, {k: p.weight for k, p in pop.sizes.items()})
        region = pick(rng, {k: p.weight for k, p in pop.regions.items()})
        country = rng.choice(pop.regions[region].countries)
        standard = pick(rng, pop.standards)
        factor = sc.certification.affiliate_factor if affiliate else 1.0
        pursue = rng.random() < pop.sizes[size].certification * factor
        info = CompanyInfo(
            id=cid,
            size=size,
            region=region,
            country=country,
            standard=standard,
            affiliate=affiliate,
            swiss_pssa=country == "CH",
        )
        return _Company(info=info, pursue=pursue)

    def arrivals(self) -> None:
        """New companies over the run (``population.arrivals``), drawn up front from their own
        generator so that variants which leave arrivals alone share them."""
        rng = random.Random(f"icoc-arrivals-{self.seed}")
        for status in self.scheduled("population.arrivals", self.s.population.arrivals):
            when = self.s.start
            while True:
                wait = self.waiting(_arrival_rate(status), rng, since=when)
                if wait is None:
                    break
                when = when + wait
                if when > self.end:
                    break
                c = self.traits(rng, self.new_id(), status == "affiliate", self.year(when.year))
                self.companies[c.info.id] = c
                self.push(when, "join", c.info.id, priority=0)

    def carry_on(self) -> None:
        """Take over the registry the run starts from: every company, CSO and government that is
        a member on the start date, with its status, joining date, certificate and pending steps
        (a termination proposal of the last :data:`_PENDING_PROPOSAL_DAYS` days awaits the Board;
        open cases and complaints take their next step). Traits the registry does not hold (size,
        and the region when the country is in none) are drawn from the population's profiles."""
        from icoc.workflows import SubjectKind

        reg, rng, sc = self.reg, self.rng, self.sy
        initial: list[str] = []
        last_cert: dict[str, ExternalCertificate] = {}
        certificates: dict[str, int] = {}
        proposals: dict[str, TerminationProposed] = {}
        for e in reg.history:
            if isinstance(e, (ExternalCertificateRecorded, CertificationRenewed)):
                last_cert[e.subject] = e.certificate
                certificates[e.subject] = certificates.get(e.subject, 0) + 1
            elif isinstance(e, TerminationProposed):
                if (self.now - e.effective).days <= _PENDING_PROPOSAL_DAYS:
                    proposals[e.subject] = e
            elif isinstance(e, (Terminated, Reinstated, Admitted)):
                proposals.pop(e.subject, None)
        region_of = {c: r for r, p in sc.population.regions.items() for c in p.countries}
        for kind in (SubjectKind.CSO, SubjectKind.GOVERNMENT):
            initial.extend(m for m in reg.subjects(kind) if reg.state_of(m) == "active")
        for cid in reg.subjects(SubjectKind.COMPANY):
            status = self.status(cid)
            if status not in _ACTIVE:
                continue
            initial.append(cid)
            record = reg.instance("membership", cid)
            data = record.data if record is not None else {}
            country = str(data.get("country") or "")
            cert = last_cert.get(cid)
            standard = str(cert.standard) if cert is not None else pick(rng, sc.population.standards)
            size = pick(rng, {k: p.weight for k, p in sc.population.sizes.items()})
            region = region_of.get(country) or pick(rng, {k: p.weight for k, p in sc.population.regions.items()})
            affiliate = status == "affiliate"
            factor = sc.certification.affiliate_factor if affiliate else 1.0
            pursue = cert is not None or rng.random() < sc.population.sizes[size].certification * factor
            info = CompanyInfo(
                id=cid,
                size=size,
                region=region,
                country=country,
                standard=standard,
                affiliate=affiliate,
                swiss_pssa=bool(data.get("swiss_pssa", False)),
            )
            c = _Company(info=info, pursue=pursue, certificate=cert, certificates=certificates.get(cid, 0))
            inst = reg.instance("company-status", cid)
            c.epoch = 1
            c.admitted = inst.data.get("admitted_on", self.now) if inst is not None else self.now
            self.companies[cid] = c
            self.resume_company(c, status or "", proposals.get(cid))
        self.initial = tuple(sorted(initial))
        self.resume_cases()

    def resume_company(self, c: _Company, status: str, proposal: TerminationProposed | None) -> None:
        """Schedule what a company on record does next, from the state it is in."""
        cid, rng, sc = c.info.id, self.rng, self.sy
        self.watch(c)
        if proposal is not None:
            self.later(
                sc.board.decision_delay.draw(rng),
                "termination_decided",
                cid,
                proposal.cause.rule or "",
                proposal.cause.instance or "",
                proposal.reason,
                proposal.ground,
            )
        if status == "suspended":
            c.suspension = 1
            c.suspension_cases = [
                i.key
                for i in self.reg.instances("compliance-case")
                if i.data.get("company") == cid and i.state == "suspension_proceedings"
            ]
            if self.chance(sc.board.reinstatement_probability):
                self.later(sc.board.remedy_delay.draw(rng), "remedied", cid, c.suspension)
        cert_state = self.state("certification", cid)
        if cert_state == "externally_certified":
            self.later(sc.certification.application_delay.draw(rng), "icoca_applied", cid, c.epoch)
        elif cert_state == "icoca_review":
            self.later(sc.certification.review_delay.draw(rng), "icoca_decided", cid, c.epoch)
        elif cert_state == "icoca_certified" and c.certificate is not None:
            self.plan_renewal(c)
        elif cert_state in (None, "expired", "withdrawn") and c.pursue:
            self.later(sc.certification.external_delay.draw(rng), "certified_externally", cid, c.epoch)
        for (process, _), inst in self.reg.states_of(cid).items():
            # A certification in another scope (land and maritime) on a certificate of its own.
            other = inst.data.get("certificate")
            if (
                process == "certification"
                and inst.state in ("icoca_certified", "suspended")
                and isinstance(other, ExternalCertificate)
                and (c.certificate is None or other.id != c.certificate.id)
            ):
                self.plan_scope_renewal(cid, c.epoch, inst.key, other)
        for (process, _), inst in self.reg.states_of(cid).items():
            if process != "self-assessment":
                continue
            if inst.state == "sent" and self.chance(sc.self_assessments.submit_probability):
                due = inst.data.get("due")
                last = (due - self.now).days if isinstance(due, date) and due > self.now else 0
                self.later(
                    timedelta(days=rng.randrange(last + 1)), "self_assessment_submitted", cid, inst.data["cycle"]
                )
            elif inst.state == "submitted":
                self.later(sc.self_assessments.rating_delay.draw(rng), "self_assessment_rated", cid, inst.data["cycle"])

    def resume_cases(self) -> None:
        """Schedule the next step of every open compliance case and complaint on record."""
        rng, sc = self.rng, self.sy
        steps = {
            "concern": "case_concern",
            "dialogue": "case_dialogue",
            "referred_to_board": "case_board",
            "suspension_proceedings": "suspension_decided",
        }
        for inst in self.reg.instances("compliance-case"):
            company = inst.data.get("company")
            severity = inst.data.get("severity")
            if company is None or company not in self.companies:
                continue
            self.case_company[inst.key] = str(company)
            self.case_severity[inst.key] = getattr(severity, "value", str(severity or "medium"))
            step = steps.get(inst.state)
            if step is not None:
                self.later(sc.cases.concern_delay.draw(rng), step, inst.key)
            elif inst.state == "corrective_action" and self.chance(sc.cases.corrective_action_probability):
                self.later(sc.cases.corrective_action_delay.draw(rng), "case_verified", inst.key)
        kinds = {k: v for k, v in sc.complaints.rates.items() if v > 0} or {"alleged_harm": 1.0}
        for inst in self.reg.instances("complaint"):
            cmp, company = inst.key, inst.data.get("company")
            cid = str(company) if company is not None and str(company) in self.companies else ""
            route = inst.data.get("route")
            if route is not None:
                self.complaint_route[cmp] = getattr(route, "value", str(route))
            if inst.state == "received":
                category = inst.data.get("category")
                self.later(
                    sc.complaints.classification_delay.draw(rng),
                    "complaint_classified",
                    cmp,
                    cid,
                    pick(rng, kinds),
                    getattr(category, "value", "other"),
                )
            elif inst.state in ("classified", "unresolved"):
                self.later(sc.complaints.referral_delay.draw(rng), "complaint_referred", cmp)
            elif inst.state == "referred" and cmp in self.complaint_route:
                self.later(sc.complaints.outcome_delay.draw(rng), "complaint_outcome", cmp)
            elif inst.state == "remedied":
                self.later(sc.complaints.closing_delay.draw(rng), "complaint_closed", cmp)

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

    def run(self) -> SimulationResult:
        try:
            self.populate()
            reg = self.reg
            while True:
                due = reg.next_due()
                step = self.heap[0][0] if self.heap else None
                if due is not None and due <= self.end and (step is None or due <= step):
                    self.now = max(self.now, due)
                    for event in reg.advance_to(due):
                        self.react(event)
                    continue
                if step is None:
                    break
                when, _, _, kind, args = heapq.heappop(self.heap)
                self.now = when
                self.handlers[kind](*args)
            self.now = self.end
            for event in reg.advance_to(self.end):
                self.react(event)
            final = {s: reg.state_of(s) for s in reg.subjects()}
            return SimulationResult(
                initial=self.initial,
                scenario=self.s,
                seed=self.seed,
                backend=self.backend,
                history=reg.history,
                companies=tuple(c.info for c in self.companies.values()),
                states=tuple(self.states),
                final=final,
            )
        finally:
            self.reg.close()

    # --- helpers ------------------------------------------------------------------------------

    def status(self, cid: str) -> str | None:
        inst = self.reg.instance("company-status", cid)
        return inst.state if inst is not None else None

    def state(self, process: str, key: str) -> str | None:
        inst = self.reg.instance(process, key)
        return inst.state if inst is not None else None

    def active(self, cid: str) -> bool:
        return self.status(cid) in _ACTIVE

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

    def admission(self, c: _Company) -> Admission:
        if c.info.affiliate:
            return Admission.AFFILIATE
        params = self.reg.parameters
        transitional = params.value("regimes.transitional.start", self.now)
        current = params.value("regimes.current.start", self.now)
        assert isinstance(transitional, date) and isinstance(current, date)
        if transitional <= self.now < current:
            return Admission.TRANSITIONAL_MEMBER
        return Admission.MEMBER

    # --- population -----------------------------------------------------------------------------

    def populate(self) -> None:
        """Draw every company's traits and joining date up front, so a seed fixes the population
        whatever the dynamics (variants compared on one seed share their population)."""
        s, rng = self.sy, self.rng
        pop = s.population
        days = (self.end - s.start).days + 1
        sizes = {k: p.weight for k, p in pop.sizes.items()}
        regions = {k: p.weight for k, p in pop.regions.items()}
        if self.s.origin is not None:
            self.carry_on()
        for _ in range(pop.companies):
            cid = self.new_id()
            size = pick(rng, sizes)
            region = pick(rng, regions)
            country = rng.choice(pop.regions[region].countries)
            standard = pick(rng, pop.standards)
            early = rng.random() < pop.initial_share
            offset = rng.randrange(min(90, days)) if early else rng.randrange(days)
            affiliate = rng.random() < pop.affiliate_share
            factor = s.certification.affiliate_factor if affiliate else 1.0
            pursue = rng.random() < pop.sizes[size].certification * factor
            info = CompanyInfo(
                id=cid,
                size=size,
                region=region,
                country=country,
                standard=standard,
                affiliate=affiliate,
                swiss_pssa=country == "CH",
            )
            self.companies[cid] = _Company(info=info, pursue=pursue)
            self.push(s.start + timedelta(days=offset), "join", cid, priority=0)
        self.arrivals()
        if self.ever("complaints.non_member_rate", s.complaints.non_member_rate):
            wait = self.waiting(lambda sc: sc.complaints.non_member_rate)
            if wait is not None:
                self.later(wait, "outside_complaint")
        countries = sorted({c for r in pop.regions.values() for c in r.countries})
        for _ in range(pop.csos):
            self.push(
                s.start + timedelta(days=rng.randrange(min(90, days))),
                "member_joins",
                self.fresh("cso"),
                ApplicantKind.CSO,
                rng.choice(countries),
                priority=0,
            )
        for _ in range(pop.governments):
            self.push(
                s.start + timedelta(days=rng.randrange(min(90, days))),
                "member_joins",
                self.fresh("gov"),
                ApplicantKind.GOVERNMENT,
                rng.choice(countries),
                priority=0,
            )
        first_cycle = self.reg.parameters.value("self_assessment.first_cycle", s.start)
        assert isinstance(first_cycle, int)
        for year in range(s.start.year, self.end.year + 1):
            if year >= first_cycle:
                sent = self.param_day("self_assessment.sent", year)
                if s.start <= sent:
                    self.push(sent, "self_assessments_sent", year)
            self.push(min(date(year, 12, 31), self.end), "year_end", year, priority=_LATE)
        transitional = self.reg.parameters.value("regimes.transitional.start", s.start)
        assert isinstance(transitional, date)
        if s.start < transitional <= self.end:
            self.push(transitional, "transitional_regime")

    # --- reactions to what the rules emitted ----------------------------------------------------------

    def react(self, event: Event) -> None:
        if isinstance(event, TerminationProposed):
            self.later(
                self.sy.board.decision_delay.draw(self.rng),
                "termination_decided",
                event.subject,
                event.cause.rule or "",
                event.cause.instance or "",
                event.reason,
                event.ground,
            )
        elif isinstance(event, SuspensionProceedingsOpened):
            self.later(self.sy.board.decision_delay.draw(self.rng), "suspension_decided", event.subject)
        elif isinstance(event, CertificationExpired):
            c = self.companies.get(event.subject)
            if (
                c is not None
                and self.active(event.subject)
                and self.chance(self.sy.certification.recertify_probability)
            ):
                self.later(
                    self.sy.certification.external_delay.draw(self.rng), "certified_externally", c.info.id, c.epoch
                )

    # --- membership ---------------------------------------------------------------------------------------

    def _application(self, c: _Company) -> list[Event]:
        info, now = c.info, self.now
        services = (ServiceDomain.MARITIME,) if info.standard == "ISO-28007" else (ServiceDomain.LAND,)
        return [
            ApplicationSubmitted(
                subject=info.id,
                effective=now,
                cause=_MEMBER,
                applicant=ApplicantKind.COMPANY,
                name=f"Simulated Security {info.id[4:]}",
                country=info.country or None,  # a registry need not record it
                provides_security_services=True,
                services=services,
                swiss_pssa=info.swiss_pssa,
            ),
            DueDiligenceStarted(subject=info.id, effective=now),
            Admitted(subject=info.id, effective=now, cause=_BOARD, admission=self.admission(c)),
        ]

    def _on_join(self, cid: str) -> None:
        c = self.companies[cid]
        self.submit(*self._application(c))
        self.started(c)

    def _on_rejoin(self, cid: str) -> None:
        if self.status(cid) in ("terminated", "withdrawn"):
            c = self.companies[cid]
            self.submit(*self._application(c))
            self.started(c)

    def started(self, c: _Company) -> None:
        """A company was admitted: its incidents, its withdrawal and its path to certification start."""
        c.epoch += 1
        c.admitted = self.now
        rng = self.rng
        self.watch(c)
        if c.pursue:
            self.later(self.sy.certification.external_delay.draw(rng), "certified_externally", c.info.id, c.epoch)

    def watch(self, c: _Company) -> None:
        """Start a member company's Poisson processes: incidents, withdrawal, and the Board's
        terminations on grounds outside the rules (``board.termination_rates``)."""
        wait = self.waiting(lambda sc: self.incidents(c, sc)[1])
        if wait is not None:
            self.later(wait, "incident", c.info.id, c.epoch)
        wait = self.waiting(lambda sc: sc.board.withdrawal_rate)
        if wait is not None:
            self.later(wait, "withdrawal", c.info.id, c.epoch)
        for ground in self.scheduled("board.termination_rates", self.s.board.termination_rates):
            wait = self.waiting(_ground_rate(ground))
            if wait is not None:
                self.later(wait, "board_terminates", c.info.id, c.epoch, ground)

    def _on_board_terminates(self, cid: str, epoch: int, ground: str) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or not self.active(cid):
            return
        reason = (
            "annual dues not paid" if ground == Ground.NON_PAYMENT_OF_DUES else f"terminated by the Board ({ground})"
        )
        self.leave(c, Terminated(subject=cid, effective=self.now, cause=_BOARD, reason=reason, ground=Ground(ground)))

    def gap(self, rate_per_year: float) -> timedelta:
        """The wait until the next event of a Poisson process with this yearly rate (at least a day)."""
        days = self.rng.expovariate(rate_per_year) * 365.25
        return timedelta(days=max(1, math.ceil(days)) if days < 36525 else 36525)

    def _on_member_joins(self, mid: str, applicant: ApplicantKind, country: str) -> None:
        now = self.now
        kind = GovernmentKind.STATE if applicant is ApplicantKind.GOVERNMENT else None
        label = "Government" if applicant is ApplicantKind.GOVERNMENT else "Civil Society Organisation"
        self.submit(
            ApplicationSubmitted(
                subject=mid,
                effective=now,
                cause=_MEMBER,
                applicant=applicant,
                name=f"Simulated {label} {mid.split('-')[1]}",
                country=country,
                government_kind=kind,
            ),
            Admitted(subject=mid, effective=now, cause=_BOARD, admission=Admission.MEMBER),
        )

    def _on_transitional_regime(self) -> None:
        moved = [
            MovedToTransitional(subject=cid, effective=self.now, cause=_BOARD)
            for cid in self.companies
            if self.status(cid) == "member"
        ]
        if moved:
            self.submit(*moved)

    def _on_withdrawal(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch == epoch and self.active(cid):
            self.leave(c, Withdrew(subject=cid, effective=self.now, cause=_COMPANY))

    def leave(self, c: _Company, event: Event) -> None:
        """Termination or withdrawal; ICoCA certification of a former member ends with it (the
        certification workflow withdraws it; if it did not, the Secretariat would)."""
        self.submit(event)
        if self.state("certification", c.info.id) in _HOLDING:
            self.submit(
                CertificationWithdrawn(subject=c.info.id, effective=self.now, reason=f"membership ended ({event.TYPE})")
            )
        c.epoch += 1  # stops its incident and withdrawal processes and pending steps
        board = self.sy.board
        p = board.swiss_rejoin_probability if c.info.swiss_pssa else board.rejoin_probability
        if self.chance(p):
            self.later(board.rejoin_delay.draw(self.rng), "rejoin", c.info.id)

    def _on_termination_decided(
        self, cid: str, rule: str, instance: str, reason: str, ground: Ground = Ground.OTHER
    ) -> None:
        """The Board decides on a termination proposal whose ground still holds."""
        status = self.status(cid)
        if status not in _ACTIVE:
            return
        rules = self.reg.rules
        if rules is not None and rule in rules.ids and "certification-deadline" in rules[rule].tags:
            holds = status in _UNCERTIFIED
        elif rule == "ART12.CSA_MISSED.TERMINATION":
            holds = self.state("self-assessment", instance) == "missed"
        elif rule == "ART12.SUSPENSION_UNREMEDIED":
            holds = status == "suspended"
        else:
            holds = True
        if holds and self.chance(self.sy.board.termination_probability):
            self.leave(
                self.companies[cid],
                Terminated(subject=cid, effective=self.now, cause=_BOARD, reason=reason, ground=ground),
            )

    # --- annual self-assessment ------------------------------------------------------------------------------

    def _on_self_assessments_sent(self, year: int) -> None:
        sa = self.sy.self_assessments
        sent = self.now
        due = self.param_day("self_assessment.due", year)
        if due < sent:
            due = sent
        events: list[Event] = []
        plans: list[tuple[str, timedelta]] = []
        rng = self.rng
        for cid, c in self.companies.items():
            if c.admitted is None or not self.active(cid):
                continue
            events.append(SelfAssessmentSent(subject=cid, effective=sent, cycle=year, due=due))
            if rng.random() < sa.submit_probability:
                if rng.random() < sa.late_share:
                    when = (due - sent) + sa.late_delay.draw(rng) + timedelta(days=1)
                else:
                    when = timedelta(days=rng.randrange((due - sent).days + 1))
                plans.append((cid, when))
        if events:
            self.submit(*events)
        for cid, when in plans:
            self.later(when, "self_assessment_submitted", cid, year)

    def _on_self_assessment_submitted(self, cid: str, year: int) -> None:
        if self.state("self-assessment", f"{cid}#{year}") in ("sent", "missed") and self.active(cid):
            self.submit(SelfAssessmentSubmitted(subject=cid, effective=self.now, cause=_COMPANY, cycle=year))
            self.later(self.sy.self_assessments.rating_delay.draw(self.rng), "self_assessment_rated", cid, year)

    def _on_self_assessment_rated(self, cid: str, year: int) -> None:
        if self.state("self-assessment", f"{cid}#{year}") != "submitted" or not self.active(cid):
            return
        sa = self.sy.self_assessments
        good = self.chance(sa.satisfactory_probability)
        self.submit(SelfAssessmentRated(subject=cid, effective=self.now, cycle=year, satisfactory=good))
        if not good and self.chance(sa.finding_probability) and self.active(cid):
            self.open_case(cid, FindingSource.SELF_ASSESSMENT)

    # --- certification (Art. 11) ----------------------------------------------------------------------------------

    def _on_certified_externally(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or not self.active(cid):
            return
        if self.state("certification", cid) not in (None, "externally_certified", "expired", "withdrawn"):
            return
        c.certificates += 1
        issued = self.now
        cert = ExternalCertificate(
            id=CertificateId(f"{cid}-ext-{c.certificates}"),
            company=MemberId(cid),
            standard=StandardId(c.info.standard),
            body=self.rng.choice(_BODIES),
            issued=issued,
            expires=self.expiry(issued),
        )
        c.certificate = cert
        self.submit(ExternalCertificateRecorded(subject=cid, effective=issued, cause=_BODY, certificate=cert))
        self.later(self.sy.certification.application_delay.draw(self.rng), "icoca_applied", cid, epoch)

    def _on_icoca_applied(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or not self.active(cid) or self.state("certification", cid) != "externally_certified":
            return
        assert c.certificate is not None
        if self.now >= c.certificate.expires:
            return
        self.submit(IcocaApplicationSubmitted(subject=cid, effective=self.now, cause=_COMPANY))
        self.later(self.sy.certification.review_delay.draw(self.rng), "icoca_decided", cid, epoch)

    def _on_icoca_decided(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or self.state("certification", cid) != "icoca_review":
            return
        cert = self.sy.certification
        if self.status(cid) not in _ENTRY:  # suspended: the decision waits
            self.later(cert.review_delay.draw(self.rng), "icoca_decided", cid, epoch)
            return
        assert c.certificate is not None
        if self.now >= c.certificate.expires:  # lapsed during the review: nothing to certify on
            self.submit(
                IcocaApplicationRefused(
                    subject=cid, effective=self.now, reason="the external certificate is no longer in force"
                )
            )
            if self.chance(cert.recertify_probability):
                self.later(cert.external_delay.draw(self.rng), "certified_externally", cid, epoch)
            return
        if self.chance(cert.grant_probability):
            c.certifications += 1
            self.submit(
                IcocaCertificationGranted(
                    subject=cid,
                    effective=self.now,
                    certification=CertificateId(f"{cid}-icoca-{c.certifications}"),
                    expires=c.certificate.expires,
                )
            )
            self.plan_renewal(c)
        else:
            self.submit(
                IcocaApplicationRefused(subject=cid, effective=self.now, reason="human rights information incomplete")
            )
            if self.chance(cert.reapply_probability):
                self.later(cert.application_delay.draw(self.rng), "icoca_applied", cid, epoch)

    def expiry(self, issued: date) -> date:
        """A new external certificate's expiry: ``validity_years`` after ``issued``, at the
        latest the last supported date (a run may end in 2998)."""
        return min(issued + relativedelta(years=self.sy.certification.validity_years), LAST_DATE)

    def plan_renewal(self, c: _Company) -> None:
        cert = self.sy.certification
        assert c.certificate is not None
        if self.chance(cert.renewal_probability):
            when = c.certificate.expires - cert.renewal_lead.draw(self.rng)
            self.push(max(when, self.now + timedelta(days=1)), "renewed", c.info.id, c.epoch, c.certificates)

    def plan_scope_renewal(self, cid: str, epoch: int, key: str, cert: ExternalCertificate) -> None:
        """Renew, before it lapses, the certificate a company's certification in a second scope
        rests on (only companies carried on from a registry hold two)."""
        sc = self.sy.certification
        if self.chance(sc.renewal_probability):
            when = cert.expires - sc.renewal_lead.draw(self.rng)
            self.push(max(when, self.now + timedelta(days=1)), "scope_renewed", cid, epoch, key, cert.id)

    def _on_scope_renewed(self, cid: str, epoch: int, key: str, cert_id: str) -> None:
        c = self.companies[cid]
        inst = self.reg.instance("certification", key)
        old = inst.data.get("certificate") if inst is not None else None
        if (
            c.epoch != epoch
            or not self.active(cid)
            or inst is None
            or inst.state not in ("icoca_certified", "suspended")
        ):
            return
        if not isinstance(old, ExternalCertificate) or old.id != cert_id:
            return
        c.scope_certificates += 1  # not c.certificates: that would cancel the main scope's renewal
        cert = ExternalCertificate(
            id=CertificateId(f"{cid}-{key.rpartition('#')[2]}-ext-{c.scope_certificates}"),
            company=MemberId(cid),
            standard=old.standard,
            body=self.rng.choice(_BODIES),
            issued=self.now,
            expires=self.expiry(self.now),
        )
        self.submit(CertificationRenewed(subject=cid, effective=self.now, cause=_BODY, certificate=cert))
        self.plan_scope_renewal(cid, epoch, key, cert)

    def _on_renewed(self, cid: str, epoch: int, number: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or c.certificates != number or not self.active(cid):
            return
        if self.state("certification", cid) not in ("icoca_certified", "suspended"):
            return
        c.certificates += 1
        issued = self.now
        cert = ExternalCertificate(
            id=CertificateId(f"{cid}-ext-{c.certificates}"),
            company=MemberId(cid),
            standard=StandardId(c.info.standard),
            body=self.rng.choice(_BODIES),
            issued=issued,
            expires=self.expiry(issued),
        )
        c.certificate = cert
        self.submit(CertificationRenewed(subject=cid, effective=issued, cause=_BODY, certificate=cert))
        self.plan_renewal(c)

    # --- monitoring and compliance cases (Art. 12) -----------------------------------------------------------

    def _on_incident(self, cid: str, epoch: int) -> None:
        """The company's next concern or complaint (one Poisson process over every source and kind)."""
        c = self.companies[cid]
        if c.epoch != epoch or not self.active(cid):
            return
        weights, total = self.incidents(c, self.sy)
        if total > 0:
            what, which = pick_pair(self.rng, weights, total)
            if what == "finding":
                self.open_case(cid, FindingSource(which))
            else:
                self.receive_complaint(cid, ComplaintKind(which))
        wait = self.waiting(lambda sc: self.incidents(c, sc)[1])
        if wait is not None:
            self.later(wait, "incident", cid, epoch)

    def open_case(
        self, cid: str, source: FindingSource, complaint: str | None = None, category: str | None = None
    ) -> None:
        rng = self.rng
        f = self.sy.findings
        case = self.fresh("case")
        category = category or pick(rng, f.categories)
        severity = pick(rng, f.severities)
        self.submit(
            CaseOpened(
                subject=case,
                effective=self.now,
                company=MemberId(cid),
                source=source,
                category=ConcernCategory(category),
                code_paragraphs=self.paragraphs(category),
                severity=Severity(severity),
                complaint=ComplaintId(complaint) if complaint is not None else None,
            )
        )
        self.case_company[case] = cid
        self.case_severity[case] = severity
        self.later(self.sy.cases.concern_delay.draw(rng), "case_concern", case)

    def paragraphs(self, category: str) -> tuple[int, ...]:
        pool = _PARAGRAPHS.get(category, ())
        if not pool:
            return ()
        return tuple(sorted(self.rng.sample(pool, k=min(len(pool), 1 + self.rng.randrange(2)))))

    def _on_case_concern(self, case: str) -> None:
        if self.state("compliance-case", case) != "concern":
            return
        cs = self.sy.cases
        if self.chance(cs.dialogue_probability):
            self.submit(DialogueOpened(subject=case, effective=self.now))
            self.later(cs.dialogue_delay.draw(self.rng), "case_dialogue", case)
        else:
            self.submit(CaseResolved(subject=case, effective=self.now))

    def _on_case_dialogue(self, case: str) -> None:
        if self.state("compliance-case", case) != "dialogue":
            return
        cs = self.sy.cases
        if self.chance(cs.referral_probability.get(self.case_severity[case], 0.0)):
            self.submit(ReferredToBoard(subject=case, effective=self.now, cause=_DIRECTOR))
            self.later(cs.board_delay.draw(self.rng), "case_board", case)
        else:
            self.submit(CaseResolved(subject=case, effective=self.now))

    def _on_case_board(self, case: str) -> None:
        if self.state("compliance-case", case) != "referred_to_board":
            return
        cs = self.sy.cases
        if not self.active(self.case_company[case]) or self.chance(cs.board_resolves_probability):
            self.submit(CaseResolved(subject=case, effective=self.now, cause=_BOARD))
            return
        self.submit(
            CorrectiveActionRecommended(
                subject=case,
                effective=self.now,
                cause=_BOARD,
                plan=PlanId(f"cap-{case[5:]}"),
                deadline=self.now + timedelta(days=cs.corrective_action_days),
            )
        )
        if self.chance(cs.corrective_action_probability):
            self.later(cs.corrective_action_delay.draw(self.rng), "case_verified", case)

    def _on_case_verified(self, case: str) -> None:
        # Past the deadline (plus grace) the rules have opened suspension proceedings first.
        if self.state("compliance-case", case) == "corrective_action" and self.active(self.case_company[case]):
            self.submit(CorrectiveActionVerified(subject=case, effective=self.now))

    def _on_suspension_decided(self, case: str) -> None:
        if self.state("compliance-case", case) != "suspension_proceedings":
            return
        cid = self.case_company.get(case)
        if cid is None:  # a case the simulation did not open (cannot happen with its own history)
            return
        c = self.companies[cid]
        status = self.status(cid)
        board = self.sy.board
        if status not in _ACTIVE:
            self.submit(CaseResolved(subject=case, effective=self.now, cause=_BOARD))
        elif status == "suspended":
            if case not in c.suspension_cases:
                c.suspension_cases.append(case)  # joins the suspension already running
        elif self.chance(board.suspension_probability):
            c.suspension += 1
            c.suspension_cases = [case]
            self.submit(
                Suspended(
                    subject=cid,
                    effective=self.now,
                    cause=_BOARD,
                    reason=f"suspension proceedings on {case}",
                    case=CaseId(case),
                )
            )
            if self.chance(board.reinstatement_probability):
                self.later(board.remedy_delay.draw(self.rng), "remedied", cid, c.suspension)
        else:
            self.submit(CaseResolved(subject=case, effective=self.now, cause=_BOARD))

    def _on_remedied(self, cid: str, suspension: int) -> None:
        c = self.companies[cid]
        if c.suspension != suspension or self.status(cid) != "suspended":
            return
        events: list[Event] = [Reinstated(subject=cid, effective=self.now, cause=_BOARD)]
        for case in c.suspension_cases:
            if self.state("compliance-case", case) == "suspension_proceedings":
                events.append(CaseResolved(subject=case, effective=self.now, cause=_BOARD))
        c.suspension_cases = []
        self.submit(*events)

    # --- complaints (Art. 13) -------------------------------------------------------------------------------------

    def _on_outside_complaint(self) -> None:
        """A complaint about a company not on record (or none identified): counted and routed,
        never the ground of a compliance case."""
        rates = {k: v for k, v in self.sy.complaints.rates.items() if v > 0} or {"alleged_harm": 1.0}
        self.receive_complaint("", ComplaintKind(pick(self.rng, rates)))
        wait = self.waiting(lambda sc: sc.complaints.non_member_rate)
        if wait is not None:
            self.later(wait, "outside_complaint")

    def receive_complaint(self, cid: str, kind: ComplaintKind) -> None:
        """A complaint about company ``cid`` (``""``: about a company not on record, named as the
        complainant gave it)."""
        cmp = self.fresh("complaint")
        category = pick(self.rng, self.sy.findings.categories)
        self.submit(
            ComplaintReceived(
                subject=cmp,
                effective=self.now,
                cause=_COMPLAINANT,
                company=MemberId(cid) if cid else None,
                company_name=None if cid else f"Non-member Security {cmp.rsplit('-', 1)[-1]}",
                category=ConcernCategory(category),
                code_paragraphs=self.paragraphs(category),
            )
        )
        self.later(
            self.sy.complaints.classification_delay.draw(self.rng),
            "complaint_classified",
            cmp,
            cid,
            kind.value,
            category,
        )

    def _on_complaint_classified(self, cmp: str, cid: str, kind: str, category: str) -> None:
        if self.state("complaint", cmp) != "received":
            return
        cp = self.sy.complaints
        self.submit(ComplaintClassified(subject=cmp, effective=self.now, kind=ComplaintKind(kind)))
        if self.chance(cp.out_of_scope_probability if cid else cp.non_member_out_of_scope_probability):
            self.submit(ComplaintClosed(subject=cmp, effective=self.now, reason="out of scope"))
            return
        if cid and self.chance(cp.case_probability.get(kind, 0.0)) and self.active(cid):
            self.open_case(cid, FindingSource.COMPLAINT, complaint=cmp, category=category)
        self.later(cp.referral_delay.draw(self.rng), "complaint_referred", cmp)

    def _on_complaint_referred(self, cmp: str) -> None:
        if self.state("complaint", cmp) not in ("classified", "unresolved"):
            return
        routes = dict(self.sy.complaints.routes)
        tried = self.complaint_route.get(cmp)
        if tried is not None and len([w for k, w in routes.items() if k != tried and w > 0]) > 0:
            routes.pop(tried)
        route = pick(self.rng, routes)
        self.complaint_route[cmp] = route
        self.submit(ComplaintReferred(subject=cmp, effective=self.now, route=ComplaintRoute(route)))
        self.later(self.sy.complaints.outcome_delay.draw(self.rng), "complaint_outcome", cmp)

    def _on_complaint_outcome(self, cmp: str) -> None:
        if self.state("complaint", cmp) != "referred":
            return
        cp = self.sy.complaints
        if self.chance(cp.remedy_probability.get(self.complaint_route[cmp], 0.0)):
            self.submit(ComplaintRemedied(subject=cmp, effective=self.now))
            self.later(cp.closing_delay.draw(self.rng), "complaint_closed", cmp)
        else:
            self.submit(ComplaintUnresolved(subject=cmp, effective=self.now))
            if self.chance(cp.rerefer_probability):
                self.later(cp.referral_delay.draw(self.rng), "complaint_referred", cmp)
            else:
                self.later(cp.closing_delay.draw(self.rng), "complaint_closed", cmp)

    def _on_complaint_closed(self, cmp: str) -> None:
        if self.state("complaint", cmp) in ("remedied", "unresolved"):
            self.submit(ComplaintClosed(subject=cmp, effective=self.now))

    # --- bookkeeping ---------------------------------------------------------------------------------------------

    def _on_year_end(self, year: int) -> None:
        """Each admitted company's status, certification and self-assessment at the year's end."""
        for cid, c in self.companies.items():
            if c.admitted is None:
                continue
            self.states.append(
                YearState(
                    company=cid,
                    year=year,
                    status=self.status(cid) or "",
                    certification=self.state("certification", cid) or "",
                    self_assessment=self.state("self-assessment", f"{cid}#{year}") or "",
                )
            )


def _arrival_rate(status: str) -> Callable[[Scenario], float]:
    return lambda sc: sc.population.arrivals.get(status, 0.0)


def _ground_rate(ground: str) -> Callable[[Scenario], float]:
    return lambda sc: sc.board.termination_rates.get(ground, 0.0)


def pick_pair(rng: random.Random, weights: dict[tuple[str, str], float], total: float) -> tuple[str, str]:
    x = rng.random() * total
    last = next(iter(weights))
    for key, w in weights.items():
        last = key
        x -= w
        if x < 0:
            return key
    return last


def run(scenario: Scenario | None = None, seed: int = 0, *, backend: str | None = None) -> SimulationResult:
    """Simulate ``scenario`` (the default one when omitted) with ``seed`` on the real registry and
    rule set. The result is a pure function of ``(scenario, seed)``; ``backend`` overrides the
    scenario's rules backend (``"native"`` or ``"durable"``), which must not change it."""
    from icoc.errors import InvalidInput, Problem

    scenario = scenario if scenario is not None else Scenario()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput(Problem("seed", f"expected an integer seed, got {seed!r}"))
    chosen = backend if backend is not None else scenario.backend
    if chosen != scenario.backend:
        scenario = attrs.evolve(scenario, backend=chosen)
    return _Run(scenario, seed, scenario.backend).run()
