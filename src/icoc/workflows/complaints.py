"""A complaint (Art. 13): received -> classified -> referred to a grievance procedure (company
mechanism, ICoCA good offices, other) -> remedied or unresolved -> closed."""

from __future__ import annotations

from icoc.model.events import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    Event,
)
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "complaint"
CITATION = "Articles of Association, Art. 13; Procedure for Article 13 (2016)"


@guard("the complaint concerns a company on record")
def _known_company(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, ComplaintReceived)
    if ctx.kind_of(event.company) is not SubjectKind.COMPANY:
        return f"{event.company!r} is not a company on record"
    # Complaints about former members are in scope, but not about a company before it existed.
    first = ctx.instance("membership", event.company)
    if first is not None and event.effective < first.data["application_submitted_on"]:
        return f"dated before {event.company!r} applied on {first.data['application_submitted_on'].isoformat()}"
    return None


TABLE = TransitionTable(
    process=PROCESS,
    title="Complaint",
    subjects=frozenset({SubjectKind.COMPLAINT}),
    states=("received", "classified", "referred", "remedied", "unresolved", "closed"),
    final=frozenset({"closed"}),
    citation=CITATION,
    descriptions={
        "classified": "alleged harm, credible evidence, or grievance mechanism inadequate",
        "referred": "company grievance mechanism, ICoCA good offices, or other",
    },
    transitions=(
        Transition(source=NONE, event=ComplaintReceived, target="received", guards=(_known_company,)),
        Transition(source="received", event=ComplaintClassified, target="classified"),
        Transition(source="classified", event=ComplaintReferred, target="referred"),
        Transition(source="unresolved", event=ComplaintReferred, target="referred", label="another route"),
        Transition(source="referred", event=ComplaintRemedied, target="remedied"),
        Transition(source="referred", event=ComplaintUnresolved, target="unresolved"),
        *(
            Transition(source=s, event=ComplaintClosed, target="closed")
            for s in ("received", "classified", "remedied", "unresolved")
        ),
    ),
)
