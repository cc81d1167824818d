"""The annual company self-assessment (Art. 12): sent, submitted, rated, or missed. One instance
per company and cycle."""

from __future__ import annotations

from icoc.model.citation import Citation
from icoc.model.events import (
    Event,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
)
from icoc.workflows._guards import subject_company_active
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "self-assessment"
CITATION = Citation(
    document="Articles of Association", article="Art. 12; Art. 12 procedure (annual company self-assessment)"
)


@guard("the due date has passed")
def _past_due(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    due = current.data["due"] if current is not None else None
    if due is not None and event.effective <= due:
        return f"not missed before its due date {due.isoformat()}"
    return None


def _satisfactory(e: Event) -> bool:
    return isinstance(e, SelfAssessmentRated) and e.satisfactory


TABLE = TransitionTable(
    process=PROCESS,
    title="Annual company self-assessment",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=("sent", "submitted", "satisfactory", "unsatisfactory", "missed"),
    final=frozenset({"satisfactory", "unsatisfactory", "missed"}),
    citation=CITATION,
    transitions=(
        Transition(source=NONE, event=SelfAssessmentSent, target="sent", guards=(subject_company_active,)),
        Transition(source="sent", event=SelfAssessmentSubmitted, target="submitted"),
        Transition(source="missed", event=SelfAssessmentSubmitted, target="submitted", label="late"),
        Transition(source="sent", event=SelfAssessmentMissed, target="missed", guards=(_past_due,)),
        Transition(
            source="submitted",
            event=SelfAssessmentRated,
            target="satisfactory",
            when=_satisfactory,
            label="satisfactory",
        ),
        Transition(
            source="submitted",
            event=SelfAssessmentRated,
            target="unsatisfactory",
            when=lambda e: not _satisfactory(e),
            label="unsatisfactory",
        ),
    ),
)
