"""Membership and company status as companies, CSOs and governments act them: applying and
being admitted, withdrawing, rejoining, the move to the transitional regime, and the Board's
terminations on grounds outside the rules (mirrors ``icoc.workflows.membership`` and
``icoc.workflows.company_status``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CertificationWithdrawn,
    DueDiligenceStarted,
    Event,
    Ground,
    MovedToTransitional,
    Terminated,
    Withdrew,
)
from icoc.model.members import CompanyStatus, GovernmentKind, ServiceDomain
from icoc.simulation._agenda import APPLICANT, BOARD, COMPANY, Company, Run
from icoc.simulation._scenario import Scenario

__all__ = ["STEPS", "leave", "started", "watch"]

_HOLDING = frozenset({"externally_certified", "icoca_review", "icoca_certified", "suspended"})
"""Certification states a leaving member's ICoCA certification is withdrawn from."""


def admission(run: Run, c: Company) -> Admission:
    """How a company joining today is admitted: as an Affiliate, or as a Member or (under the
    transitional regime) a Transitional Member, by the regimes' dated parameters."""
    if c.info.affiliate:
        return Admission.AFFILIATE
    params = run.reg.parameters
    transitional = params.value("regimes.transitional.start", run.now)
    current = params.value("regimes.current.start", run.now)
    assert isinstance(transitional, date) and isinstance(current, date)
    if transitional <= run.now < current:
        return Admission.TRANSITIONAL_MEMBER
    return Admission.MEMBER


def _application(run: Run, c: Company) -> list[Event]:
    info, now = c.info, run.now
    services = (ServiceDomain.MARITIME,) if info.standard == "ISO-28007" else (ServiceDomain.LAND,)
    return [
        ApplicationSubmitted(
            subject=info.id,
            effective=now,
            cause=APPLICANT,
            applicant=ApplicantKind.COMPANY,
            name=f"Simulated Security {info.id[4:]}",
            country=info.country or None,  # a registry need not record it
            provides_security_services=True,
            services=services,
            swiss_pssa=info.swiss_pssa,
        ),
        DueDiligenceStarted(subject=info.id, effective=now),
        Admitted(subject=info.id, effective=now, cause=BOARD, admission=admission(run, c)),
    ]


def join(run: Run, cid: str) -> None:
    c = run.companies[cid]
    run.submit(*_application(run, c))
    started(run, c)


def rejoin(run: Run, cid: str) -> None:
    if run.status(cid) in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN):
        c = run.companies[cid]
        run.submit(*_application(run, c))
        started(run, c)


def started(run: Run, c: Company) -> None:
    """A company was admitted: its incidents, its withdrawal and its path to certification start."""
    c.epoch += 1
    c.admitted = run.now
    rng = run.rng
    watch(run, c)
    if c.pursue:
        run.later(run.sy.certification.external_delay.draw(rng), "certified_externally", c.info.id, c.epoch)


def watch(run: Run, c: Company) -> None:
    """Start a member company's Poisson processes: incidents, withdrawal, and the Board's
    terminations on grounds outside the rules (``board.termination_rates``)."""
    wait = run.waiting(lambda sc: run.incidents(c, sc)[1])
    if wait is not None:
        run.later(wait, "incident", c.info.id, c.epoch)
    wait = run.waiting(lambda sc: sc.board.withdrawal_rate)
    if wait is not None:
        run.later(wait, "withdrawal", c.info.id, c.epoch)
    for ground in run.scheduled("board.termination_rates", run.s.board.termination_rates):
        wait = run.waiting(_ground_rate(ground))
        if wait is not None:
            run.later(wait, "board_terminates", c.info.id, c.epoch, ground)


def _ground_rate(ground: str) -> Callable[[Scenario], float]:
    return lambda sc: sc.board.termination_rates.get(ground, 0.0)


def board_terminates(run: Run, cid: str, epoch: int, ground: str) -> None:
    c = run.companies[cid]
    if c.epoch != epoch or not run.active(cid):
        return
    reason = "annual dues not paid" if ground == Ground.NON_PAYMENT_OF_DUES else f"terminated by the Board ({ground})"
    leave(run, c, Terminated(subject=cid, effective=run.now, cause=BOARD, reason=reason, ground=Ground(ground)))


def member_joins(run: Run, mid: str, applicant: ApplicantKind, country: str) -> None:
    now = run.now
    kind = GovernmentKind.STATE if applicant is ApplicantKind.GOVERNMENT else None
    label = "Government" if applicant is ApplicantKind.GOVERNMENT else "Civil Society Organisation"
    run.submit(
        ApplicationSubmitted(
            subject=mid,
            effective=now,
            cause=APPLICANT,
            applicant=applicant,
            name=f"Simulated {label} {mid.split('-')[1]}",
            country=country,
            government_kind=kind,
        ),
        Admitted(subject=mid, effective=now, cause=BOARD, admission=Admission.MEMBER),
    )


def transitional_regime(run: Run) -> None:
    moved = [
        MovedToTransitional(subject=cid, effective=run.now, cause=BOARD)
        for cid in run.companies
        if run.status(cid) == CompanyStatus.MEMBER
    ]
    if moved:
        run.submit(*moved)


def withdrawal(run: Run, cid: str, epoch: int) -> None:
    c = run.companies[cid]
    if c.epoch == epoch and run.active(cid):
        leave(run, c, Withdrew(subject=cid, effective=run.now, cause=COMPANY))


def leave(run: Run, c: Company, event: Event) -> None:
    """Termination or withdrawal; ICoCA certification of a former member ends with it (the
    certification workflow withdraws it; if it did not, the Secretariat would)."""
    run.submit(event)
    if run.state("certification", c.info.id) in _HOLDING:
        run.submit(
            CertificationWithdrawn(subject=c.info.id, effective=run.now, reason=f"membership ended ({event.TYPE})")
        )
    c.epoch += 1  # stops its incident and withdrawal processes and pending steps
    board = run.sy.board
    p = board.swiss_rejoin_probability if c.info.swiss_pssa else board.rejoin_probability
    if run.chance(p):
        run.later(board.rejoin_delay.draw(run.rng), "rejoin", c.info.id)


STEPS: dict[str, Callable[..., None]] = {
    "join": join,
    "rejoin": rejoin,
    "member_joins": member_joins,
    "transitional_regime": transitional_regime,
    "withdrawal": withdrawal,
    "board_terminates": board_terminates,
}
"""The steps this module's actors take, by the kind the agenda names them with."""
