"""A complaint (Art. 13): received -> classified -> referred to a grievance procedure (company
mechanism, ICoCA good offices, other) -> remedied or unresolved -> closed."""

from __future__ import annotations

from datetime import date

from icoc.model.citation import Citation
from icoc.model.events import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintCompanyIdentified,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    Event,
)
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "complaint"
CITATION = Citation(document="Articles of Association", article="Art. 13; Procedure for Article 13 (2016)")


def _company_problem(ctx: GuardContext, company: str, on: date) -> str | None:
    if ctx.kind_of(company) is not SubjectKind.COMPANY:
        return f"{company!r} is not a company on record"
    # Complaints about former members are in scope, but not about a company before it existed.
    first = ctx.instance("membership", company)
    if first is not None and on < first.data["application_submitted_on"]:
        return f"dated before {company!r} applied on {first.data['application_submitted_on'].isoformat()}"
    return None


@guard("the complaint concerns a company on record, or names none on record")
def _known_company(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, ComplaintReceived)
    if event.company is None:
        return None  # a non-member or an unidentified company: kept and counted, never a member's case
    return _company_problem(ctx, event.company, event.effective)


@guard("the complaint names no company on record yet, and the one identified is on record")
def _identifiable(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, ComplaintCompanyIdentified)
    if current is not None and current.data.get("company") is not None:
        return f"the complaint already concerns {current.data['company']!r}"
    return _company_problem(ctx, event.company, event.effective)


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
        *(
            Transition(source=s, event=ComplaintCompanyIdentified, target=s, guards=(_identifiable,))
            for s in ("received", "classified", "referred", "remedied", "unresolved")
        ),
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
