"""Self-assessments (ICoCA's monitoring of its members) as events.

Sent on ``sent`` (else the usual dispatch date, parameter ``self_assessment.sent``, no later than
``due``), never before joining; one sent after the company left or after ``as_of`` is not
imported. Submitted and rated on the submission date; missed the day after ``due`` when not
submitted by then (a late one is missed, then submitted).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from icoc.errors import InvalidInput
from icoc.importing._common import DAY, Group, Planner
from icoc.model.events import (
    Event,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
)
from icoc.model.members import CompanyStatus
from icoc.model.monitoring import SelfAssessment


def _month_day(value: object, year: int) -> date | None:
    """``"07-01"`` in ``year``, or None when the parameter is not a month-day."""
    if not isinstance(value, str):
        return None
    try:
        month, day = (int(x) for x in value.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _default_sent(p: Planner, sa: SelfAssessment) -> date:
    try:
        value = p.params.value("self_assessment.sent", date(sa.cycle, 1, 1))
    except InvalidInput:
        value = None
    usual = _month_day(value, sa.cycle)
    return sa.due if usual is None else min(usual, sa.due)


def plan_self_assessment(p: Planner, i: int, sa: SelfAssessment) -> None:
    """The events of ``$.self_assessments[i]``, in its company's history."""
    path = f"$.self_assessments[{i}]"
    c = p.companies[sa.company]
    if sa.sent is not None:
        sent = sa.sent
    else:
        sent = min(_default_sent(p, sa), p.as_of)
        if sa.submitted is not None:
            sent = min(sent, sa.submitted)
    if sent > p.as_of:
        return  # not sent yet on the document's date: nothing has happened
    if c.status in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN) and sent > c.status_since:
        return  # sent after the company left: the registry sends them to members only
    sent = max(sent, c.joined)
    due = max(sa.due, sent)

    def add(build: Callable[..., Event], on: date, **fields: Any) -> None:
        event = p.make(path, build, subject=sa.company, effective=on, cycle=sa.cycle, **fields)
        p.life(sa.company, event, path, Group.SELF_ASSESSMENT)

    add(SelfAssessmentSent, sent, due=due)
    if sa.submitted is None:
        if due < p.as_of:
            add(SelfAssessmentMissed, due + DAY)
        return
    submitted = max(sa.submitted, sent)
    if submitted > due:
        add(SelfAssessmentMissed, due + DAY)
    add(SelfAssessmentSubmitted, submitted)
    if sa.satisfactory is not None:
        add(SelfAssessmentRated, submitted, satisfactory=sa.satisfactory)
