"""Art. 12 monitoring and compliance cases as the Secretariat, the Executive Director, the Board
and companies act them: incidents found by monitoring, concern, dialogue or early resolution,
referral to the Board, corrective action and its verification (mirrors
``icoc.workflows.compliance``). Incidents, concerns and complaints alike, come from :mod:`.incidents`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from icoc.model.events import (
    CaseOpened,
    CaseResolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    ReferredToBoard,
)
from icoc.model.ids import ComplaintId, MemberId, PlanId
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.simulation._agenda import BOARD, DIRECTOR, Run
from icoc.simulation._values import pick

__all__ = ["STEPS", "open_case", "paragraphs"]

_PARAGRAPHS: dict[str, tuple[int, ...]] = {
    "personnel_misconduct": (28, 30, 31, 32, 33, 35, 38, 42),
    "management_and_governance": (45, 46, 50, 55, 56, 63, 66),
    "other": (),
}
"""Paragraphs of the Code a concern of each category cites (drawn from)."""


def paragraphs(run: Run, category: str) -> tuple[int, ...]:
    """One or two Code paragraphs for a concern of ``category`` (none for ``other``)."""
    pool = _PARAGRAPHS.get(category, ())
    if not pool:
        return ()
    return tuple(sorted(run.rng.sample(pool, k=min(len(pool), 1 + run.rng.randrange(2)))))


def open_case(
    run: Run, cid: str, source: FindingSource, complaint: str | None = None, category: str | None = None
) -> None:
    """Open a compliance case on company ``cid`` (category and severity drawn from ``findings``)."""
    rng = run.rng
    f = run.sy.findings
    case = run.fresh("case")
    category = category or pick(rng, f.categories)
    severity = pick(rng, f.severities)
    run.submit(
        CaseOpened(
            subject=case,
            effective=run.now,
            company=MemberId(cid),
            source=source,
            category=ConcernCategory(category),
            code_paragraphs=paragraphs(run, category),
            severity=Severity(severity),
            complaint=ComplaintId(complaint) if complaint is not None else None,
        )
    )
    run.case_company[case] = cid
    run.case_severity[case] = severity
    run.later(run.sy.cases.concern_delay.draw(rng), "case_concern", case)


def case_concern(run: Run, case: str) -> None:
    if run.state("compliance-case", case) != "concern":
        return
    cs = run.sy.cases
    if run.chance(cs.dialogue_probability):
        run.submit(DialogueOpened(subject=case, effective=run.now))
        run.later(cs.dialogue_delay.draw(run.rng), "case_dialogue", case)
    else:
        run.submit(CaseResolved(subject=case, effective=run.now))


def case_dialogue(run: Run, case: str) -> None:
    if run.state("compliance-case", case) != "dialogue":
        return
    cs = run.sy.cases
    if run.chance(cs.referral_probability.get(run.case_severity[case], 0.0)):
        run.submit(ReferredToBoard(subject=case, effective=run.now, cause=DIRECTOR))
        run.later(cs.board_delay.draw(run.rng), "case_board", case)
    else:
        run.submit(CaseResolved(subject=case, effective=run.now))


def case_board(run: Run, case: str) -> None:
    if run.state("compliance-case", case) != "referred_to_board":
        return
    cs = run.sy.cases
    if not run.active(run.case_company[case]) or run.chance(cs.board_resolves_probability):
        run.submit(CaseResolved(subject=case, effective=run.now, cause=BOARD))
        return
    run.submit(
        CorrectiveActionRecommended(
            subject=case,
            effective=run.now,
            cause=BOARD,
            plan=PlanId(f"cap-{case[5:]}"),
            deadline=run.now + timedelta(days=cs.corrective_action_days),
        )
    )
    if run.chance(cs.corrective_action_probability):
        run.later(cs.corrective_action_delay.draw(run.rng), "case_verified", case)


def case_verified(run: Run, case: str) -> None:
    # Past the deadline (plus grace) the rules have opened suspension proceedings first.
    if run.state("compliance-case", case) == "corrective_action" and run.active(run.case_company[case]):
        run.submit(CorrectiveActionVerified(subject=case, effective=run.now))


STEPS: dict[str, Callable[..., None]] = {
    "case_concern": case_concern,
    "case_dialogue": case_dialogue,
    "case_board": case_board,
    "case_verified": case_verified,
}
"""The steps this module's actors take, by the kind the agenda names them with."""
