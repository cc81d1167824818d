"""Strategies for monitoring (Art. 12: self-assessments, compliance cases, corrective action) and
complaints (Art. 13)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from icoc.model import (
    CaseId,
    CaseStage,
    Complainant,
    Complaint,
    ComplaintId,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintRoute,
    ComplaintStage,
    ComplianceCase,
    ConcernCategory,
    CorrectiveAction,
    CorrectiveActionPlan,
    FindingSource,
    MemberId,
    PlanId,
    SelfAssessment,
    Severity,
)
from icoc.testing._basics import (
    _MAYBE_TEXT,
    _ROUTED,
    _TEXT,
    _YEAR,
    MAX_DATE,
    MIN_DATE,
    _day,
    _enum,
    _maybe,
    _maybe_day,
    code_paragraphs,
    identifiers,
    member_ids,
)

__all__ = [
    "complainants",
    "complaints",
    "compliance_cases",
    "corrective_action_plans",
    "corrective_actions",
    "self_assessments",
]

# --- monitoring (Art. 12) ----------------------------------------------------------------------


@st.composite
def self_assessments(
    draw: st.DrawFn, *, company: MemberId | None = None, cycle: int | None = None, as_of: date = MAX_DATE
) -> SelfAssessment:
    """A yearly self-assessment sent within its cycle year; only a submitted one is rated."""
    cycle = cycle if cycle is not None else draw(st.integers(MIN_DATE.year, min(as_of.year, MAX_DATE.year)))
    start = max(MIN_DATE, date(cycle, 1, 1))
    end = min(date(cycle, 12, 31), as_of)
    sent = _maybe_day(draw, start, end) if start <= end else None
    opens = sent if sent is not None else start
    submitted = _maybe_day(draw, opens, as_of) if opens <= as_of else None
    return SelfAssessment(
        company=company if company is not None else draw(member_ids()),
        cycle=cycle,
        due=_day(draw, opens, min(opens + timedelta(days=120), MAX_DATE)),
        sent=sent,
        submitted=submitted,
        satisfactory=draw(_maybe(st.booleans())) if submitted is not None else None,
    )


@st.composite
def compliance_cases(
    draw: st.DrawFn,
    *,
    id: CaseId | None = None,
    company: MemberId | None = None,
    source: FindingSource | None = None,
    complaint: ComplaintId | None = None,
    stage: CaseStage | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> ComplianceCase:
    """A case on the escalation ladder; it names a complaint exactly when that is its source
    (passing ``complaint`` makes it one), and a closed case has its closing date."""
    if complaint is not None:
        source = FindingSource.COMPLAINT
    source = source if source is not None else draw(_enum(FindingSource))
    if source is FindingSource.COMPLAINT and complaint is None:
        complaint = ComplaintId(draw(identifiers()))
    stage = stage if stage is not None else draw(_enum(CaseStage))
    opened = _day(draw, not_before, as_of)
    return ComplianceCase(
        id=id if id is not None else CaseId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        opened=opened,
        source=source,
        category=draw(_enum(ConcernCategory)),
        code_paragraphs=draw(code_paragraphs()),
        severity=draw(_enum(Severity)),
        stage=stage,
        closed=None if stage.is_open else _day(draw, opened, as_of),
        complaint=complaint if source is FindingSource.COMPLAINT else None,
        summary=draw(_MAYBE_TEXT),
    )


@st.composite
def corrective_actions(
    draw: st.DrawFn,
    *,
    not_before: date = MIN_DATE,
    due_by: date = MAX_DATE,
    completed: bool | None = None,
    as_of: date = MAX_DATE,
) -> CorrectiveAction:
    """An action due in not_before..due_by (a plan's recommendation..deadline), maybe completed."""
    done = completed if completed is not None else draw(st.booleans())
    return CorrectiveAction(
        description=draw(_TEXT),
        due=_day(draw, not_before, due_by),
        completed=_day(draw, not_before, as_of) if done else None,
    )


@st.composite
def corrective_action_plans(
    draw: st.DrawFn,
    *,
    id: PlanId | None = None,
    case: ComplianceCase | None = None,
    company: MemberId | None = None,
    verified: bool | None = None,
    as_of: date = MAX_DATE,
) -> CorrectiveActionPlan:
    """A plan with a deadline within a year; given ``case`` it is that case's, recommended after it
    opened; a verified plan has every action completed, and was verified after the last one."""
    if case is not None:
        case_id, company, lo = case.id, case.company, case.opened
    else:
        case_id, lo = CaseId(draw(identifiers())), MIN_DATE
    recommended = _day(draw, lo, min(as_of, MAX_DATE))
    deadline = _day(draw, recommended, min(recommended + _YEAR, MAX_DATE))
    is_verified = verified if verified is not None else draw(st.booleans())
    actions = draw(
        st.lists(
            corrective_actions(
                not_before=recommended, due_by=deadline, completed=True if is_verified else None, as_of=as_of
            ),
            max_size=3,
        )
    )
    checked_from = max([recommended, *(a.completed for a in actions if a.completed is not None)])
    return CorrectiveActionPlan(
        id=id if id is not None else PlanId(draw(identifiers())),
        case=case_id,
        company=company if company is not None else draw(member_ids()),
        recommended=recommended,
        deadline=deadline,
        actions=tuple(actions),
        verified=_day(draw, checked_from, as_of) if is_verified else None,
    )


# --- complaints (Art. 13) ----------------------------------------------------------------------


def complainants() -> st.SearchStrategy[Complainant]:
    """Named or anonymous, confidential or not: every combination the Art. 13 process must protect."""
    return st.builds(
        Complainant,
        name=_MAYBE_TEXT,
        contact=_MAYBE_TEXT,
        representative=st.booleans(),
        confidential=st.booleans(),
    )


@st.composite
def complaints(
    draw: st.DrawFn,
    *,
    id: ComplaintId | None = None,
    company: MemberId | None = None,
    stage: ComplaintStage | None = None,
    compliance_case: CaseId | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> Complaint:
    """A complaint whose route, outcome and closing date agree with its stage."""
    stage = stage if stage is not None else draw(_enum(ComplaintStage))
    received = _day(draw, not_before, as_of)
    if stage in _ROUTED:
        route: ComplaintRoute | None = draw(_enum(ComplaintRoute))
    elif stage is ComplaintStage.CLOSED:
        route = draw(_maybe(_enum(ComplaintRoute)))
    else:
        route = None
    outcome = {
        ComplaintStage.REMEDIED: ComplaintOutcome.REMEDIED,
        ComplaintStage.UNRESOLVED: ComplaintOutcome.UNRESOLVED,
    }.get(stage)
    if stage is ComplaintStage.CLOSED:
        outcome = draw(_maybe(_enum(ComplaintOutcome)))
    # Unclassified: received, or closed as not admissible (never routed).
    unclassified = stage is ComplaintStage.RECEIVED or (
        stage is ComplaintStage.CLOSED and route is None and outcome is None
    )
    kind = draw(_maybe(_enum(ComplaintKind))) if unclassified else draw(_enum(ComplaintKind))
    return Complaint(
        id=id if id is not None else ComplaintId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        received=received,
        kind=kind,
        complainant=draw(complainants()),
        category=draw(_enum(ConcernCategory)),
        code_paragraphs=draw(code_paragraphs()),
        stage=stage,
        route=route,
        outcome=outcome,
        closed=_day(draw, received, as_of) if stage is ComplaintStage.CLOSED else None,
        compliance_case=compliance_case if compliance_case is not None else draw(_maybe(identifiers().map(CaseId))),
    )
