"""Membership application, for every pillar and for observers (Articles of Association, Art. 3-4).

registered -> application submitted -> under review (due diligence for companies) -> admitted as
member, transitional member, affiliate or observer, or rejected. A former member re-enters only
through a new application and admission.
"""

from __future__ import annotations

from icoc.model.citation import Citation
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    DueDiligenceStarted,
    Event,
)
from icoc.workflows._guards import COMPANY_STATUS, MEMBER_STATUS
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "membership"
CITATION = Citation(document="Articles of Association", article="Art. 3 (membership) and Art. 4 (observers)")

_ALLOWED: dict[SubjectKind, frozenset[Admission]] = {
    SubjectKind.COMPANY: frozenset({Admission.MEMBER, Admission.TRANSITIONAL_MEMBER, Admission.AFFILIATE}),
    SubjectKind.CSO: frozenset({Admission.MEMBER, Admission.OBSERVER}),
    SubjectKind.GOVERNMENT: frozenset({Admission.MEMBER, Admission.OBSERVER}),
    SubjectKind.OBSERVER: frozenset({Admission.OBSERVER}),
}


@guard("the admission fits the applicant (a security provider cannot be an observer)")
def _admission_fits(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, Admitted)
    kind = ctx.kind_of(event.subject)
    if kind is None or kind not in _ALLOWED:
        return f"{event.subject!r} is not an applicant"
    if event.admission not in _ALLOWED[kind]:
        if kind is SubjectKind.COMPANY and event.admission is Admission.OBSERVER:
            return "a private security company that provides security services cannot be an observer"
        allowed = ", ".join(sorted(a.value for a in _ALLOWED[kind]))
        return f"a {kind.value} applicant can be admitted as {allowed}, not {event.admission.value}"
    return None


@guard("companies are admitted only after due diligence")
def _not_a_company(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    if ctx.kind_of(event.subject) is SubjectKind.COMPANY:
        return "a company is admitted only after due diligence (due_diligence_started first)"
    return None


@guard("the applicant is not an active member (former members may apply again)")
def _not_active(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    for process in (COMPANY_STATUS, MEMBER_STATUS):
        inst = ctx.instance(process, event.subject)
        if inst is not None and inst.state not in ("terminated", "withdrawn"):
            return f"{event.subject!r} is already {inst.state}"
    return None


@guard("the application does not change what kind of organisation the applicant is")
def _same_kind(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, ApplicationSubmitted)
    from icoc.workflows import subject_kind_of_application

    known = ctx.kind_of(event.subject)
    new = subject_kind_of_application(event)
    if known is not None and known is not new:
        return f"{event.subject!r} applied before as {known.value}, not {new.value}"
    return None


_ALL = frozenset({SubjectKind.COMPANY, SubjectKind.CSO, SubjectKind.GOVERNMENT, SubjectKind.OBSERVER})

TABLE = TransitionTable(
    process=PROCESS,
    title="Membership application",
    subjects=_ALL,
    states=("applied", "under_review", "admitted", "rejected", "withdrawn"),
    final=frozenset({"admitted", "rejected", "withdrawn"}),
    citation=CITATION,
    descriptions={
        "applied": "application submitted",
        "under_review": "Secretariat review; due diligence for companies",
        "admitted": "admitted as member, transitional member, affiliate or observer",
    },
    transitions=(
        Transition(source=NONE, event=ApplicationSubmitted, target="applied", citation=CITATION),
        Transition(source="rejected", event=ApplicationSubmitted, target="applied", guards=(_same_kind,)),
        Transition(source="withdrawn", event=ApplicationSubmitted, target="applied", guards=(_same_kind,)),
        Transition(source="admitted", event=ApplicationSubmitted, target="applied", guards=(_same_kind, _not_active)),
        Transition(source="applied", event=DueDiligenceStarted, target="under_review"),
        Transition(source="applied", event=Admitted, target="admitted", guards=(_not_a_company, _admission_fits)),
        Transition(source="under_review", event=Admitted, target="admitted", guards=(_admission_fits,)),
        Transition(source="applied", event=ApplicationRejected, target="rejected"),
        Transition(source="under_review", event=ApplicationRejected, target="rejected"),
        Transition(source="applied", event=ApplicationWithdrawn, target="withdrawn"),
        Transition(source="under_review", event=ApplicationWithdrawn, target="withdrawn"),
    ),
)
