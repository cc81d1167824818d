"""The annual company self-assessment as the Secretariat and companies act it: sent on the date
the parameters give, submitted on time, late or not at all, rated, and an unsatisfactory rating
sometimes opening an Art. 12 case (mirrors ``icoc.workflows.self_assessment``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from icoc.model.events import Event, SelfAssessmentRated, SelfAssessmentSent, SelfAssessmentSubmitted
from icoc.model.monitoring import FindingSource
from icoc.simulation._actors.compliance import open_case
from icoc.simulation._agenda import COMPANY, Run

__all__ = ["STEPS"]


def self_assessments_sent(run: Run, year: int) -> None:
    sa = run.sy.self_assessments
    sent = run.now
    due = run.param_day("self_assessment.due", year)
    if due < sent:
        due = sent
    events: list[Event] = []
    plans: list[tuple[str, timedelta]] = []
    rng = run.rng
    for cid, c in run.companies.items():
        if c.admitted is None or not run.active(cid):
            continue
        events.append(SelfAssessmentSent(subject=cid, effective=sent, cycle=year, due=due))
        if rng.random() < sa.submit_probability:
            if rng.random() < sa.late_share:
                when = (due - sent) + sa.late_delay.draw(rng) + timedelta(days=1)
            else:
                when = timedelta(days=rng.randrange((due - sent).days + 1))
            plans.append((cid, when))
    if events:
        run.submit(*events)
    for cid, when in plans:
        run.later(when, "self_assessment_submitted", cid, year)


def self_assessment_submitted(run: Run, cid: str, year: int) -> None:
    if run.state("self-assessment", f"{cid}#{year}") in ("sent", "missed") and run.active(cid):
        run.submit(SelfAssessmentSubmitted(subject=cid, effective=run.now, cause=COMPANY, cycle=year))
        run.later(run.sy.self_assessments.rating_delay.draw(run.rng), "self_assessment_rated", cid, year)


def self_assessment_rated(run: Run, cid: str, year: int) -> None:
    if run.state("self-assessment", f"{cid}#{year}") != "submitted" or not run.active(cid):
        return
    sa = run.sy.self_assessments
    good = run.chance(sa.satisfactory_probability)
    run.submit(SelfAssessmentRated(subject=cid, effective=run.now, cycle=year, satisfactory=good))
    if not good and run.chance(sa.finding_probability) and run.active(cid):
        open_case(run, cid, FindingSource.SELF_ASSESSMENT)


STEPS: dict[str, Callable[..., None]] = {
    "self_assessments_sent": self_assessments_sent,
    "self_assessment_submitted": self_assessment_submitted,
    "self_assessment_rated": self_assessment_rated,
}
"""The steps this module's actors take, by the kind the agenda names them with."""
