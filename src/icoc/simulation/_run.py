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
from icoc.model.members import GovernmentKind, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.registry import Registry
from icoc.simulation._results import CompanyInfo, SimulationResult, YearState
from icoc.simulation._scenario import Scenario, pick

__all__ = ["run"]

_ACTIVE = frozenset({"member", "transitional_member", "affiliate", "certified_member", "suspended"})
_ENTRY = frozenset({"member", "transitional_member", "affiliate"})
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
"""Priority of year-end bookkeeping: after every other event of the day."""


@attrs.define
class _Company:
    """What the simulation knows about a company beyond the registry's state (its traits)."""

    info: CompanyInfo
    pursue: bool
    incident_weights: dict[tuple[str, str], float]
    incident_rate: float
    epoch: int = 0
    admitted: date | None = None
    certificate: ExternalCertificate | None = None
    certificates: int = 0
    certifications: int = 0
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
        self.cases = 0
        self.complaints = 0
        self.states: list[YearState] = []
        self.handlers: dict[str, Callable[..., None]] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_on_")
        }
        self.reg = Registry(rules=scenario.rules, parameters=scenario.parameters, backend=backend)

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
        s, rng = self.s, self.rng
        pop = s.population
        days = (self.end - s.start).days + 1
        sizes = {k: p.weight for k, p in pop.sizes.items()}
        regions = {k: p.weight for k, p in pop.regions.items()}
        findings = s.findings.rates
        complaints = s.complaints.rates
        for i in range(pop.companies):
            cid = f"psc-{i + 1:05d}"
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
            exposure = pop.sizes[size].exposure
            rp = pop.regions[region]
            weights: dict[tuple[str, str], float] = {}
            for source, rate in findings.items():
                if rate > 0:
                    weights[("finding", source)] = rate * exposure * rp.findings
            for kind, rate in complaints.items():
                if rate > 0:
                    weights[("complaint", kind)] = rate * exposure * rp.complaints
            self.companies[cid] = _Company(
                info=info, pursue=pursue, incident_weights=weights, incident_rate=sum(weights.values())
            )
            self.push(s.start + timedelta(days=offset), "join", cid, priority=0)
        countries = sorted({c for r in pop.regions.values() for c in r.countries})
        for i in range(pop.csos):
            self.push(
                s.start + timedelta(days=rng.randrange(min(90, days))),
                "member_joins",
                f"cso-{i + 1:03d}",
                ApplicantKind.CSO,
                rng.choice(countries),
                priority=0,
            )
        for i in range(pop.governments):
            self.push(
                s.start + timedelta(days=rng.randrange(min(90, days))),
                "member_joins",
                f"gov-{i + 1:02d}",
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
            facts = {f.name: f.value for f in event.cause.facts}
            self.later(
                self.s.board.decision_delay.draw(self.rng),
                "termination_decided",
                event.subject,
                event.cause.rule or "",
                facts.get("rule.instance", ""),
                event.reason,
                event.ground,
            )
        elif isinstance(event, SuspensionProceedingsOpened):
            self.later(self.s.board.decision_delay.draw(self.rng), "suspension_decided", event.subject)
        elif isinstance(event, CertificationExpired):
            c = self.companies.get(event.subject)
            if c is not None and self.active(event.subject) and self.chance(self.s.certification.recertify_probability):
                self.later(
                    self.s.certification.external_delay.draw(self.rng), "certified_externally", c.info.id, c.epoch
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
                country=info.country,
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
        if c.incident_rate > 0:
            self.later(self.gap(c.incident_rate), "incident", c.info.id, c.epoch)
        if self.s.board.withdrawal_rate > 0:
            self.later(self.gap(self.s.board.withdrawal_rate), "withdrawal", c.info.id, c.epoch)
        if c.pursue:
            self.later(self.s.certification.external_delay.draw(rng), "certified_externally", c.info.id, c.epoch)

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
        board = self.s.board
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
            holds = status in ("member", "transitional_member")
        elif rule == "ART12.CSA_MISSED.TERMINATION":
            holds = self.state("self-assessment", instance) == "missed"
        elif rule == "ART12.SUSPENSION_UNREMEDIED":
            holds = status == "suspended"
        else:
            holds = True
        if holds and self.chance(self.s.board.termination_probability):
            self.leave(
                self.companies[cid],
                Terminated(subject=cid, effective=self.now, cause=_BOARD, reason=reason, ground=ground),
            )

    # --- annual self-assessment ------------------------------------------------------------------------------

    def _on_self_assessments_sent(self, year: int) -> None:
        sa = self.s.self_assessments
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
            self.later(self.s.self_assessments.rating_delay.draw(self.rng), "self_assessment_rated", cid, year)

    def _on_self_assessment_rated(self, cid: str, year: int) -> None:
        if self.state("self-assessment", f"{cid}#{year}") != "submitted" or not self.active(cid):
            return
        sa = self.s.self_assessments
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
            expires=issued + relativedelta(years=self.s.certification.validity_years),
        )
        c.certificate = cert
        self.submit(ExternalCertificateRecorded(subject=cid, effective=issued, cause=_BODY, certificate=cert))
        self.later(self.s.certification.application_delay.draw(self.rng), "icoca_applied", cid, epoch)

    def _on_icoca_applied(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or not self.active(cid) or self.state("certification", cid) != "externally_certified":
            return
        assert c.certificate is not None
        if self.now >= c.certificate.expires:
            return
        self.submit(IcocaApplicationSubmitted(subject=cid, effective=self.now, cause=_COMPANY))
        self.later(self.s.certification.review_delay.draw(self.rng), "icoca_decided", cid, epoch)

    def _on_icoca_decided(self, cid: str, epoch: int) -> None:
        c = self.companies[cid]
        if c.epoch != epoch or self.state("certification", cid) != "icoca_review":
            return
        cert = self.s.certification
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

    def plan_renewal(self, c: _Company) -> None:
        cert = self.s.certification
        assert c.certificate is not None
        if self.chance(cert.renewal_probability):
            when = c.certificate.expires - cert.renewal_lead.draw(self.rng)
            self.push(max(when, self.now + timedelta(days=1)), "renewed", c.info.id, c.epoch, c.certificates)

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
            expires=issued + relativedelta(years=self.s.certification.validity_years),
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
        what, which = pick_pair(self.rng, c.incident_weights, c.incident_rate)
        if what == "finding":
            self.open_case(cid, FindingSource(which))
        else:
            self.receive_complaint(cid, ComplaintKind(which))
        self.later(self.gap(c.incident_rate), "incident", cid, epoch)

    def open_case(
        self, cid: str, source: FindingSource, complaint: str | None = None, category: str | None = None
    ) -> None:
        rng = self.rng
        f = self.s.findings
        self.cases += 1
        case = f"case-{self.cases:06d}"
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
        self.later(self.s.cases.concern_delay.draw(rng), "case_concern", case)

    def paragraphs(self, category: str) -> tuple[int, ...]:
        pool = _PARAGRAPHS.get(category, ())
        if not pool:
            return ()
        return tuple(sorted(self.rng.sample(pool, k=min(len(pool), 1 + self.rng.randrange(2)))))

    def _on_case_concern(self, case: str) -> None:
        if self.state("compliance-case", case) != "concern":
            return
        cs = self.s.cases
        if self.chance(cs.dialogue_probability):
            self.submit(DialogueOpened(subject=case, effective=self.now))
            self.later(cs.dialogue_delay.draw(self.rng), "case_dialogue", case)
        else:
            self.submit(CaseResolved(subject=case, effective=self.now))

    def _on_case_dialogue(self, case: str) -> None:
        if self.state("compliance-case", case) != "dialogue":
            return
        cs = self.s.cases
        if self.chance(cs.referral_probability.get(self.case_severity[case], 0.0)):
            self.submit(ReferredToBoard(subject=case, effective=self.now, cause=_DIRECTOR))
            self.later(cs.board_delay.draw(self.rng), "case_board", case)
        else:
            self.submit(CaseResolved(subject=case, effective=self.now))

    def _on_case_board(self, case: str) -> None:
        if self.state("compliance-case", case) != "referred_to_board":
            return
        cs = self.s.cases
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
        board = self.s.board
        if status not in _ACTIVE:
            self.submit(CaseResolved(subject=case, effective=self.now, cause=_BOARD))
        elif status == "suspended":
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

    def receive_complaint(self, cid: str, kind: ComplaintKind) -> None:
        self.complaints += 1
        cmp = f"complaint-{self.complaints:06d}"
        category = pick(self.rng, self.s.findings.categories)
        self.submit(
            ComplaintReceived(
                subject=cmp,
                effective=self.now,
                cause=_COMPLAINANT,
                company=MemberId(cid),
                category=ConcernCategory(category),
                code_paragraphs=self.paragraphs(category),
            )
        )
        self.later(
            self.s.complaints.classification_delay.draw(self.rng),
            "complaint_classified",
            cmp,
            cid,
            kind.value,
            category,
        )

    def _on_complaint_classified(self, cmp: str, cid: str, kind: str, category: str) -> None:
        if self.state("complaint", cmp) != "received":
            return
        cp = self.s.complaints
        self.submit(ComplaintClassified(subject=cmp, effective=self.now, kind=ComplaintKind(kind)))
        if self.chance(cp.out_of_scope_probability):
            self.submit(ComplaintClosed(subject=cmp, effective=self.now, reason="out of scope"))
            return
        if self.chance(cp.case_probability.get(kind, 0.0)) and self.active(cid):
            self.open_case(cid, FindingSource.COMPLAINT, complaint=cmp, category=category)
        self.later(cp.referral_delay.draw(self.rng), "complaint_referred", cmp)

    def _on_complaint_referred(self, cmp: str) -> None:
        if self.state("complaint", cmp) not in ("classified", "unresolved"):
            return
        routes = dict(self.s.complaints.routes)
        tried = self.complaint_route.get(cmp)
        if tried is not None and len([w for k, w in routes.items() if k != tried and w > 0]) > 0:
            routes.pop(tried)
        route = pick(self.rng, routes)
        self.complaint_route[cmp] = route
        self.submit(ComplaintReferred(subject=cmp, effective=self.now, route=ComplaintRoute(route)))
        self.later(self.s.complaints.outcome_delay.draw(self.rng), "complaint_outcome", cmp)

    def _on_complaint_outcome(self, cmp: str) -> None:
        if self.state("complaint", cmp) != "referred":
            return
        cp = self.s.complaints
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
