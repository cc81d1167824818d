"""Art. 13 complaints as complainants, the Secretariat and grievance routes act them: received,
classified, closed as out of scope or referred to a route, remedied or not, re-referred or
closed; a compliance-relevant one opens an Art. 12 case (mirrors ``icoc.workflows.complaints``)."""

from __future__ import annotations

from collections.abc import Callable

from icoc.model.complaints import ComplaintKind, ComplaintRoute
from icoc.model.events import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
)
from icoc.model.ids import MemberId
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.simulation._actors.compliance import open_case, paragraphs
from icoc.simulation._agenda import COMPLAINANT, Run
from icoc.simulation._values import pick

__all__ = ["STEPS", "receive_complaint"]


def outside_complaint(run: Run) -> None:
    """A complaint about a company not on record (or none identified): counted and routed,
    never the ground of a compliance case."""
    rates = {k: v for k, v in run.sy.complaints.rates.items() if v > 0} or {"alleged_harm": 1.0}
    receive_complaint(run, "", ComplaintKind(pick(run.rng, rates)))
    wait = run.waiting(lambda sc: sc.complaints.non_member_rate)
    if wait is not None:
        run.later(wait, "outside_complaint")


def receive_complaint(run: Run, cid: str, kind: ComplaintKind) -> None:
    """A complaint about company ``cid`` (``""``: about a company not on record, named as the
    complainant gave it)."""
    cmp = run.fresh("complaint")
    category = pick(run.rng, run.sy.findings.categories)
    run.submit(
        ComplaintReceived(
            subject=cmp,
            effective=run.now,
            cause=COMPLAINANT,
            company=MemberId(cid) if cid else None,
            company_name=None if cid else f"Non-member Security {cmp.rsplit('-', 1)[-1]}",
            category=ConcernCategory(category),
            code_paragraphs=paragraphs(run, category),
        )
    )
    run.later(
        run.sy.complaints.classification_delay.draw(run.rng),
        "complaint_classified",
        cmp,
        cid,
        kind.value,
        category,
    )


def complaint_classified(run: Run, cmp: str, cid: str, kind: str, category: str) -> None:
    if run.state("complaint", cmp) != "received":
        return
    cp = run.sy.complaints
    run.submit(ComplaintClassified(subject=cmp, effective=run.now, kind=ComplaintKind(kind)))
    if run.chance(cp.out_of_scope_probability if cid else cp.non_member_out_of_scope_probability):
        run.submit(ComplaintClosed(subject=cmp, effective=run.now, reason="out of scope"))
        return
    if cid and run.chance(cp.case_probability.get(kind, 0.0)) and run.active(cid):
        open_case(run, cid, FindingSource.COMPLAINT, complaint=cmp, category=category)
    run.later(cp.referral_delay.draw(run.rng), "complaint_referred", cmp)


def complaint_referred(run: Run, cmp: str) -> None:
    if run.state("complaint", cmp) not in ("classified", "unresolved"):
        return
    routes = dict(run.sy.complaints.routes)
    tried = run.complaint_route.get(cmp)
    if tried is not None and len([w for k, w in routes.items() if k != tried and w > 0]) > 0:
        routes.pop(tried)
    route = pick(run.rng, routes)
    run.complaint_route[cmp] = route
    run.submit(ComplaintReferred(subject=cmp, effective=run.now, route=ComplaintRoute(route)))
    run.later(run.sy.complaints.outcome_delay.draw(run.rng), "complaint_outcome", cmp)


def complaint_outcome(run: Run, cmp: str) -> None:
    if run.state("complaint", cmp) != "referred":
        return
    cp = run.sy.complaints
    if run.chance(cp.remedy_probability.get(run.complaint_route[cmp], 0.0)):
        run.submit(ComplaintRemedied(subject=cmp, effective=run.now))
        run.later(cp.closing_delay.draw(run.rng), "complaint_closed", cmp)
    else:
        run.submit(ComplaintUnresolved(subject=cmp, effective=run.now))
        if run.chance(cp.rerefer_probability):
            run.later(cp.referral_delay.draw(run.rng), "complaint_referred", cmp)
        else:
            run.later(cp.closing_delay.draw(run.rng), "complaint_closed", cmp)


def complaint_closed(run: Run, cmp: str) -> None:
    if run.state("complaint", cmp) in ("remedied", "unresolved"):
        run.submit(ComplaintClosed(subject=cmp, effective=run.now))


STEPS: dict[str, Callable[..., None]] = {
    "outside_complaint": outside_complaint,
    "complaint_classified": complaint_classified,
    "complaint_referred": complaint_referred,
    "complaint_outcome": complaint_outcome,
    "complaint_closed": complaint_closed,
}
"""The steps this module's actors take, by the kind the agenda names them with."""
