"""The Board's decisions: on termination proposals (when their ground still holds), on suspension
proceedings, and the reinstatement of suspended companies that remedy (mirrors
``icoc.workflows.board`` and the Board's transitions of ``icoc.workflows.company_status``)."""

from __future__ import annotations

from collections.abc import Callable

from icoc.model.events import (
    CaseResolved,
    Event,
    Ground,
    Reinstated,
    Suspended,
    SuspensionProceedingsOpened,
    Terminated,
    TerminationProposed,
)
from icoc.model.ids import CaseId
from icoc.model.members import CompanyStatus
from icoc.rules import tags
from icoc.simulation._actors.membership import leave
from icoc.simulation._agenda import ACTIVE, BOARD, UNCERTIFIED, Run

__all__ = ["DEADLINE_TAG", "REACTIONS", "STEPS", "consider_termination"]

DEADLINE_TAG = tags.CERTIFICATION_DEADLINE
"""The tag of the rules that propose termination for a missed certification deadline."""


def consider_termination(run: Run, proposal: TerminationProposed) -> None:
    """Put a termination proposal on the Board's agenda (after ``board.decision_delay``)."""
    run.later(
        run.sy.board.decision_delay.draw(run.rng),
        "termination_decided",
        proposal.subject,
        proposal.cause.rule or "",
        proposal.cause.instance or "",
        proposal.reason,
        proposal.ground,
    )


def _still_holds(run: Run, status: str, rule: str, instance: str, ground: Ground) -> bool:
    """Whether the ground of a termination proposal still holds when the Board decides: read
    from the proposing rule's tag and the proposal's ground, never from rule ids. A missed
    certification deadline holds while the company is uncertified, a missed self-assessment
    while the cycle the rule fired on is still missed, an unremedied suspension while the
    company is suspended; any other ground (and a proposal carried over from the record, which
    names no rule) holds."""
    rules = run.reg.rules
    if rules is not None and rule in rules.ids and DEADLINE_TAG in rules[rule].tags:
        return status in UNCERTIFIED
    if ground == Ground.SELF_ASSESSMENT_NOT_SUBMITTED and instance:
        return run.state("self-assessment", instance) == "missed"
    if ground == Ground.NOT_COOPERATING_IN_GOOD_FAITH and rule:
        return status == CompanyStatus.SUSPENDED
    return True


def termination_decided(
    run: Run, cid: str, rule: str, instance: str, reason: str, ground: Ground = Ground.OTHER
) -> None:
    """The Board decides on a termination proposal whose ground still holds."""
    status = run.status(cid)
    if status not in ACTIVE:
        return
    assert status is not None
    holds = _still_holds(run, status, rule, instance, ground)
    if holds and run.chance(run.sy.board.termination_probability):
        leave(
            run,
            run.companies[cid],
            Terminated(subject=cid, effective=run.now, cause=BOARD, reason=reason, ground=ground),
        )


def proceedings_opened(run: Run, event: SuspensionProceedingsOpened) -> None:
    run.later(run.sy.board.decision_delay.draw(run.rng), "suspension_decided", event.subject)


def suspension_decided(run: Run, case: str) -> None:
    if run.state("compliance-case", case) != "suspension_proceedings":
        return
    cid = run.case_company.get(case)
    if cid is None:  # a case the simulation did not open (cannot happen with its own history)
        return
    c = run.companies[cid]
    status = run.status(cid)
    board = run.sy.board
    if status not in ACTIVE:
        run.submit(CaseResolved(subject=case, effective=run.now, cause=BOARD))
    elif status == CompanyStatus.SUSPENDED:
        if case not in c.suspension_cases:
            c.suspension_cases.append(case)  # joins the suspension already running
    elif run.chance(board.suspension_probability):
        c.suspension += 1
        c.suspension_cases = [case]
        run.submit(
            Suspended(
                subject=cid,
                effective=run.now,
                cause=BOARD,
                reason=f"suspension proceedings on {case}",
                case=CaseId(case),
            )
        )
        if run.chance(board.reinstatement_probability):
            run.later(board.remedy_delay.draw(run.rng), "remedied", cid, c.suspension)
    else:
        run.submit(CaseResolved(subject=case, effective=run.now, cause=BOARD))


def remedied(run: Run, cid: str, suspension: int) -> None:
    c = run.companies[cid]
    if c.suspension != suspension or run.status(cid) != CompanyStatus.SUSPENDED:
        return
    events: list[Event] = [Reinstated(subject=cid, effective=run.now, cause=BOARD)]
    for case in c.suspension_cases:
        if run.state("compliance-case", case) == "suspension_proceedings":
            events.append(CaseResolved(subject=case, effective=run.now, cause=BOARD))
    c.suspension_cases = []
    run.submit(*events)


STEPS: dict[str, Callable[..., None]] = {
    "termination_decided": termination_decided,
    "suspension_decided": suspension_decided,
    "remedied": remedied,
}
"""The steps this module's actors take, by the kind the agenda names them with."""

REACTIONS: dict[type[Event], Callable[..., None]] = {
    TerminationProposed: consider_termination,
    SuspensionProceedingsOpened: proceedings_opened,
}
"""What the Board does when the rules emit these events."""
