"""A compliance case (Art. 12): concern -> confidential dialogue -> resolved, or referred to the
Board -> corrective action recommended -> implemented, or suspension proceedings."""

from __future__ import annotations

from icoc.model.citation import Citation
from icoc.model.events import (
    CaseOpened,
    CaseResolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    Event,
    ReferredToBoard,
    SuspensionProceedingsOpened,
)
from icoc.workflows._guards import company_active
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "compliance-case"
CITATION = Citation(document="Articles of Association", article="Art. 12; Procedure for Article 12 (2016)")


@guard("the company is an active member or affiliate")
def _company_active(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, CaseOpened)
    return company_active(ctx, event.company, event.effective)


@guard("the complaint it came from is on record for the same company")
def _complaint_known(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, CaseOpened)
    if event.complaint is None:
        return None
    inst = ctx.instance("complaint", event.complaint)
    if inst is None:
        return f"no complaint {event.complaint!r} on record"
    concerns = inst.data.get("company")
    if concerns is None:
        return (
            f"complaint {event.complaint!r} concerns no company on record yet; link it to {event.company!r} "
            "with complaint_company_identified first"
        )
    if concerns != event.company:
        return f"complaint {event.complaint!r} concerns {concerns!r}, not {event.company!r}"
    if event.effective < inst.data["complaint_received_on"]:
        return f"dated before complaint {event.complaint!r} was received"
    return None


TABLE = TransitionTable(
    process=PROCESS,
    title="Compliance case",
    subjects=frozenset({SubjectKind.CASE}),
    states=(
        "concern",
        "dialogue",
        "resolved",
        "referred_to_board",
        "corrective_action",
        "implemented",
        "suspension_proceedings",
    ),
    final=frozenset({"resolved", "implemented"}),
    citation=CITATION,
    descriptions={
        "dialogue": "confidential dialogue between the Secretariat and the company",
        "referred_to_board": "referred by the Executive Director",
        "corrective_action": "the Board first recommends corrective action",
        "suspension_proceedings": "continued or repeated non-compliance, or bad faith",
    },
    transitions=(
        Transition(source=NONE, event=CaseOpened, target="concern", guards=(_company_active, _complaint_known)),
        Transition(source="concern", event=DialogueOpened, target="dialogue"),
        Transition(source="concern", event=CaseResolved, target="resolved"),
        Transition(source="dialogue", event=CaseResolved, target="resolved"),
        Transition(source="dialogue", event=ReferredToBoard, target="referred_to_board"),
        Transition(source="referred_to_board", event=CaseResolved, target="resolved"),
        Transition(source="referred_to_board", event=CorrectiveActionRecommended, target="corrective_action"),
        Transition(source="corrective_action", event=CorrectiveActionVerified, target="implemented"),
        Transition(source="corrective_action", event=SuspensionProceedingsOpened, target="suspension_proceedings"),
        Transition(source="suspension_proceedings", event=CaseResolved, target="resolved"),
    ),
)
