"""A run that starts from a registry (``Scenario.origin``) takes over its members and pending
steps: each company, CSO and government that is a member on the start date, with its status,
joining date and certificate, and the next step of every certification, self-assessment,
termination proposal, compliance case and complaint on record."""

from __future__ import annotations

from datetime import date, timedelta

from icoc.model.certificates import ExternalCertificate
from icoc.model.events import (
    Admitted,
    CertificationRenewed,
    ExternalCertificateRecorded,
    Reinstated,
    Terminated,
    TerminationProposed,
)
from icoc.model.members import CompanyStatus
from icoc.simulation._actors.board import consider_termination
from icoc.simulation._actors.certification import plan_renewal, plan_scope_renewal
from icoc.simulation._actors.membership import watch
from icoc.simulation._agenda import ACTIVE, Company, Run
from icoc.simulation._tables import CompanyInfo
from icoc.simulation._values import pick
from icoc.workflows import SubjectKind

__all__ = ["PENDING_PROPOSAL_DAYS", "carry_on"]

PENDING_PROPOSAL_DAYS = 365
"""A registry records no Board decision to keep a member proposed for termination: a proposal
older than this on the start date of a run from a registry is taken as declined, a younger one
(with no termination, reinstatement or re-admission since) as still awaiting the Board."""


def carry_on(run: Run) -> None:
    """Take over the registry the run starts from: every company, CSO and government that is
    a member on the start date, with its status, joining date, certificate and pending steps
    (a termination proposal of the last :data:`PENDING_PROPOSAL_DAYS` days awaits the Board;
    open cases and complaints take their next step). Traits the registry does not hold (size,
    and the region when the country is in none) are drawn from the population's profiles."""
    reg, rng, sc = run.reg, run.rng, run.sy
    initial: list[str] = []
    last_cert: dict[str, ExternalCertificate] = {}
    certificates: dict[str, int] = {}
    proposals: dict[str, TerminationProposed] = {}
    for e in reg.history:
        if isinstance(e, (ExternalCertificateRecorded, CertificationRenewed)):
            last_cert[e.subject] = e.certificate
            certificates[e.subject] = certificates.get(e.subject, 0) + 1
        elif isinstance(e, TerminationProposed):
            if (run.now - e.effective).days <= PENDING_PROPOSAL_DAYS:
                proposals[e.subject] = e
        elif isinstance(e, (Terminated, Reinstated, Admitted)):
            proposals.pop(e.subject, None)
    region_of = {c: r for r, p in sc.population.regions.items() for c in p.countries}
    for kind in (SubjectKind.CSO, SubjectKind.GOVERNMENT):
        initial.extend(m for m in reg.subjects(kind) if reg.state_of(m) == "active")
    for cid in reg.subjects(SubjectKind.COMPANY):
        status = run.status(cid)
        if status not in ACTIVE:
            continue
        initial.append(cid)
        record = reg.instance("membership", cid)
        data = record.data if record is not None else {}
        country = str(data.get("country") or "")
        cert = last_cert.get(cid)
        standard = str(cert.standard) if cert is not None else pick(rng, sc.population.standards)
        size = pick(rng, {k: p.weight for k, p in sc.population.sizes.items()})
        region = region_of.get(country) or pick(rng, {k: p.weight for k, p in sc.population.regions.items()})
        affiliate = status == CompanyStatus.AFFILIATE
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
        c = Company(info=info, pursue=pursue, certificate=cert, certificates=certificates.get(cid, 0))
        inst = reg.instance("company-status", cid)
        c.epoch = 1
        c.admitted = inst.data.get("admitted_on", run.now) if inst is not None else run.now
        run.companies[cid] = c
        _resume_company(run, c, status or "", proposals.get(cid))
    run.initial = tuple(sorted(initial))
    _resume_cases(run)
    _resume_complaints(run)


def _resume_company(run: Run, c: Company, status: str, proposal: TerminationProposed | None) -> None:
    """Schedule what a company on record does next, from the state it is in."""
    cid, rng, sc = c.info.id, run.rng, run.sy
    watch(run, c)
    if proposal is not None:
        consider_termination(run, proposal)
    if status == CompanyStatus.SUSPENDED:
        c.suspension = 1
        c.suspension_cases = [
            i.key
            for i in run.reg.instances("compliance-case")
            if i.data.get("company") == cid and i.state == "suspension_proceedings"
        ]
        if run.chance(sc.board.reinstatement_probability):
            run.later(sc.board.remedy_delay.draw(rng), "remedied", cid, c.suspension)
    cert_state = run.state("certification", cid)
    if cert_state == "externally_certified":
        run.later(sc.certification.application_delay.draw(rng), "icoca_applied", cid, c.epoch)
    elif cert_state == "icoca_review":
        run.later(sc.certification.review_delay.draw(rng), "icoca_decided", cid, c.epoch)
    elif cert_state == "icoca_certified" and c.certificate is not None:
        plan_renewal(run, c)
    elif cert_state in (None, "expired", "withdrawn") and c.pursue:
        run.later(sc.certification.external_delay.draw(rng), "certified_externally", cid, c.epoch)
    for (process, _), inst in run.reg.states_of(cid).items():
        # A certification in another scope (land and maritime) on a certificate of its own.
        other = inst.data.get("certificate")
        if (
            process == "certification"
            and inst.state in ("icoca_certified", "suspended")
            and isinstance(other, ExternalCertificate)
            and (c.certificate is None or other.id != c.certificate.id)
        ):
            plan_scope_renewal(run, cid, c.epoch, inst.key, other)
    for (process, _), inst in run.reg.states_of(cid).items():
        if process != "self-assessment":
            continue
        if inst.state == "sent" and run.chance(sc.self_assessments.submit_probability):
            due = inst.data.get("due")
            last = (due - run.now).days if isinstance(due, date) and due > run.now else 0
            run.later(timedelta(days=rng.randrange(last + 1)), "self_assessment_submitted", cid, inst.data["cycle"])
        elif inst.state == "submitted":
            run.later(sc.self_assessments.rating_delay.draw(rng), "self_assessment_rated", cid, inst.data["cycle"])


_CASE_STEPS = {
    "concern": "case_concern",
    "dialogue": "case_dialogue",
    "referred_to_board": "case_board",
    "suspension_proceedings": "suspension_decided",
}
"""The agenda step that takes an open compliance case on from each state."""


def _resume_cases(run: Run) -> None:
    """Schedule the next step of every open compliance case on record."""
    rng, sc = run.rng, run.sy
    for inst in run.reg.instances("compliance-case"):
        company = inst.data.get("company")
        severity = inst.data.get("severity")
        if company is None or company not in run.companies:
            continue
        run.case_company[inst.key] = str(company)
        run.case_severity[inst.key] = getattr(severity, "value", str(severity or "medium"))
        step = _CASE_STEPS.get(inst.state)
        if step is not None:
            run.later(sc.cases.concern_delay.draw(rng), step, inst.key)
        elif inst.state == "corrective_action" and run.chance(sc.cases.corrective_action_probability):
            run.later(sc.cases.corrective_action_delay.draw(rng), "case_verified", inst.key)


def _resume_complaints(run: Run) -> None:
    """Schedule the next step of every open complaint on record."""
    rng, sc = run.rng, run.sy
    kinds = {k: v for k, v in sc.complaints.rates.items() if v > 0} or {"alleged_harm": 1.0}
    for inst in run.reg.instances("complaint"):
        cmp, company = inst.key, inst.data.get("company")
        cid = str(company) if company is not None and str(company) in run.companies else ""
        route = inst.data.get("route")
        if route is not None:
            run.complaint_route[cmp] = getattr(route, "value", str(route))
        if inst.state == "received":
            category = inst.data.get("category")
            run.later(
                sc.complaints.classification_delay.draw(rng),
                "complaint_classified",
                cmp,
                cid,
                pick(rng, kinds),
                getattr(category, "value", "other"),
            )
        elif inst.state in ("classified", "unresolved"):
            run.later(sc.complaints.referral_delay.draw(rng), "complaint_referred", cmp)
        elif inst.state == "referred" and cmp in run.complaint_route:
            run.later(sc.complaints.outcome_delay.draw(rng), "complaint_outcome", cmp)
        elif inst.state == "remedied":
            run.later(sc.complaints.closing_delay.draw(rng), "complaint_closed", cmp)
