"""Complaints, compliance cases and their corrective action plans as events.

- Compliance cases: opened, then each rung of the ladder up to ``stage`` on the opening date;
  corrective action with the case's plan (its recommendation date, deadline and actions), or,
  with no plan recorded, a plan named ``<case>/plan`` recommended on opening whose deadline is the
  next step's date (``as_of`` while open); implemented on ``closed``, resolved on ``closed``,
  suspension proceedings the day after the plan's deadline (capped at ``as_of``).
- Complaints: received (with the company on record, or none: ``company_name`` for a company not
  on record), classified, referred, remedied or unresolved as the stage requires, closed on
  ``closed``; a closed complaint with no ``kind`` was never classified and is closed from
  ``received`` (not admissible); a closed complaint with a route but no outcome, or an outcome but
  no route, is closed from classification with that route or outcome in the closing reason (the
  workflow only closes a referred complaint once it is remedied or unresolved).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from icoc.errors import InvalidInput, Problem
from icoc.importing._common import DAY, RECORDED, Planner
from icoc.model.complaints import Complaint, ComplaintOutcome, ComplaintStage
from icoc.model.events import (
    CaseOpened,
    CaseResolved,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    Event,
    ReferredToBoard,
    SuspensionProceedingsOpened,
)
from icoc.model.ids import PlanId
from icoc.model.monitoring import CaseStage, ComplianceCase, CorrectiveActionPlan

_PLAN_STAGES = (CaseStage.CORRECTIVE_ACTION, CaseStage.IMPLEMENTED, CaseStage.SUSPENSION_PROCEEDINGS)


def plan_complaint(p: Planner, i: int, cp: Complaint) -> None:
    """The events of ``$.complaints[i]``; raises InvalidInput naming its ``closed`` when that
    is after the document's date."""
    path = f"$.complaints[{i}]"
    p.not_after_as_of(f"{path}.closed", cp.closed)
    on = cp.received

    def add(build: Callable[..., Event], when: date = on, **fields: Any) -> None:
        p.complaints.append(p.step(p.make(path, build, subject=cp.id, effective=when, **fields), path))

    add(
        ComplaintReceived,
        company=cp.company,
        company_name=cp.company_name,
        complainant=cp.complainant,
        statement=cp.statement,
        category=cp.category,
        code_paragraphs=cp.code_paragraphs,
    )
    if cp.stage is ComplaintStage.RECEIVED:
        return
    if cp.kind is None:
        # Never classified: closed as not admissible (the model allows no route or outcome).
        assert cp.stage is ComplaintStage.CLOSED and cp.closed is not None
        add(ComplaintClosed, when=cp.closed)
        return
    add(ComplaintClassified, kind=cp.kind)
    if cp.stage is ComplaintStage.CLASSIFIED:
        return
    closing = cp.stage is ComplaintStage.CLOSED
    # A closed complaint went through a referral only if it also has an outcome: the
    # workflow closes a referred complaint once it is remedied or unresolved.
    referred = cp.route is not None and (not closing or cp.outcome is not None)
    if referred:
        add(ComplaintReferred, route=cp.route)
        if cp.outcome is ComplaintOutcome.REMEDIED:
            add(ComplaintRemedied)
        elif cp.outcome is ComplaintOutcome.UNRESOLVED:
            add(ComplaintUnresolved)
    if closing:
        reason: str | None = None
        if cp.route is not None and not referred:
            reason = f"closed after referral to {cp.route.value} without a recorded outcome, {RECORDED}"
        elif cp.outcome is not None and not referred:
            reason = f"closed as {cp.outcome.value} without a recorded grievance route, {RECORDED}"
        assert cp.closed is not None  # the model requires it at stage closed
        add(ComplaintClosed, when=cp.closed, reason=reason)


def plans_by_case(p: Planner) -> dict[str, tuple[int, CorrectiveActionPlan]]:
    """Each case's corrective action plan with its index in the document.

    Raises InvalidInput naming ``$.corrective_action_plans[j]`` for a second plan of one case, a
    plan for a case at a stage not reached through corrective action, or one recommended after
    the document's date.
    """
    plans: dict[str, tuple[int, CorrectiveActionPlan]] = {}
    stages = {case.id: case.stage for case in p.doc.cases}
    for j, plan in enumerate(p.doc.corrective_action_plans):
        path = f"$.corrective_action_plans[{j}]"
        if plan.case in plans:
            raise InvalidInput(
                Problem(
                    f"{path}.case",
                    f"case {plan.case!r} already has plan {plans[plan.case][1].id!r}; "
                    "a case carries one corrective action plan",
                )
            )
        if stages[plan.case] not in _PLAN_STAGES:
            raise InvalidInput(
                Problem(
                    f"{path}.case",
                    f"case {plan.case!r} is at stage {stages[plan.case].value}, which is not reached through "
                    "corrective action (corrective_action, implemented or suspension_proceedings)",
                )
            )
        p.not_after_as_of(f"{path}.recommended", plan.recommended)
        plans[plan.case] = (j, plan)
    return plans


def plan_case(p: Planner, i: int, case: ComplianceCase, planned: tuple[int, CorrectiveActionPlan] | None) -> None:
    """The events of ``$.cases[i]`` with its corrective action plan ``planned`` (index, plan).

    Raises InvalidInput naming the case's ``closed`` when that is after the document's date or,
    for an implemented case, before its plan was recommended.
    """
    path = f"$.cases[{i}]"
    p.not_after_as_of(f"{path}.closed", case.closed)
    opened = case.opened

    def add(build: Callable[..., Event], on: date, where: str = path, **fields: Any) -> None:
        p.cases.append(p.step(p.make(where, build, subject=case.id, effective=on, **fields), where))

    add(
        CaseOpened,
        opened,
        company=case.company,
        source=case.source,
        category=case.category,
        code_paragraphs=case.code_paragraphs,
        severity=case.severity,
        complaint=case.complaint,
    )
    stage = case.stage
    if stage is CaseStage.CONCERN:
        return
    if stage is CaseStage.RESOLVED:
        assert case.closed is not None
        add(CaseResolved, case.closed)
        return
    add(DialogueOpened, opened)
    if stage is CaseStage.DIALOGUE:
        return
    add(ReferredToBoard, opened)
    if stage is CaseStage.REFERRED_TO_BOARD:
        return
    # Corrective action: the document's plan, or (none recorded) one named after the case
    # whose deadline is the next step's date (the document's date while still open).
    next_step = case.closed if case.closed is not None else p.as_of
    if stage is CaseStage.SUSPENSION_PROCEEDINGS and planned is None:
        next_step = opened
    if planned is not None:
        j, plan = planned
        where = f"$.corrective_action_plans[{j}]"
        recommended, deadline, actions, plan_id = plan.recommended, plan.deadline, plan.actions, plan.id
    else:
        where = path
        recommended, deadline, actions, plan_id = opened, next_step, (), PlanId(f"{case.id}/plan")
    add(
        CorrectiveActionRecommended,
        recommended,
        where=where,
        plan=plan_id,
        deadline=deadline,
        actions=actions,
    )
    if stage is CaseStage.IMPLEMENTED:
        assert case.closed is not None
        if case.closed < recommended:
            raise InvalidInput(
                Problem(
                    f"{path}.closed",
                    f"the case closed as implemented on {case.closed.isoformat()}, before its corrective "
                    f"action plan was recommended ({recommended.isoformat()})",
                )
            )
        add(CorrectiveActionVerified, case.closed)
    elif stage is CaseStage.SUSPENSION_PROCEEDINGS:
        # The day after the deadline, or the document's date if earlier (written so that a deadline
        # on the last representable day is refused later, with its path, not by an overflow here).
        on = max(recommended, min(deadline, p.as_of - DAY) + DAY) if planned is not None else opened
        add(SuspensionProceedingsOpened, on, reason=f"suspension proceedings, {RECORDED}")
