"""A Board seat: vacant -> nominations -> elected -> in office -> term ended. At most 4 seats per
pillar and 12 in all, so never more than 4 directors per pillar nor 12 in office."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from icoc.model.citation import Citation
from icoc.model.events import (
    DirectorElected,
    DirectorLeft,
    DirectorTookOffice,
    Event,
    NominationsOpened,
    SeatCreated,
    TermEnded,
)
from icoc.model.governance import BOARD_SEATS, SEATS_PER_PILLAR
from icoc.model.members import Pillar
from icoc.workflows._table import NONE, GuardContext, Instance, SubjectKind, Transition, TransitionTable, guard

PROCESS = "board-seat"
CITATION = Citation(
    document="Articles of Association",
    article="Board of Directors (12 directors, equal representation of the pillars)",
)

_PILLAR_KIND = {Pillar.PSC: SubjectKind.COMPANY, Pillar.CSO: SubjectKind.CSO, Pillar.GOVERNMENT: SubjectKind.GOVERNMENT}


@guard("at most 4 seats per pillar and 12 in all")
def _seat_limits(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, SeatCreated)
    seats = list(ctx.instances(PROCESS))
    same = sum(1 for s in seats if s.data["pillar"] is event.pillar)
    if same >= SEATS_PER_PILLAR:
        return f"the {event.pillar.value} pillar already has {SEATS_PER_PILLAR} seats"
    if len(seats) >= BOARD_SEATS:
        return f"the Board already has {BOARD_SEATS} seats"
    return None


@guard("the director's organisation is an active member of the seat's pillar")
def _organisation_in_pillar(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, DirectorElected) and current is not None
    if event.organisation is None:
        return None
    pillar: Pillar = current.data["pillar"]
    kind = ctx.kind_of(event.organisation)
    if kind is not _PILLAR_KIND[pillar]:
        return f"{event.organisation!r} is not a member of the {pillar.value} pillar"
    for process in ("company-status", "member-status"):
        inst = ctx.instance(process, event.organisation)
        if inst is not None and inst.state in ("terminated", "withdrawn"):
            return f"{event.organisation!r} is {inst.state}"
    return None


@guard("an outgoing director is re-elected only where the pillar's re-election parameter allows it")
def _reelection(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    """``board.reelection.<pillar>`` (dated; CSO seats from the 2023 call: false) refuses a director
    whose term in a seat of the same pillar was the last to end there: the ``outgoing`` director
    its ``TermEnded`` names (until that seat's next term ends), else the seat's latest director
    not yet succeeded in office. A seat that has already elected a successor still knows its
    outgoing director, so the refusal does not depend on the order of the pillar's elections."""
    assert isinstance(event, DirectorElected) and current is not None
    pillar: Pillar = current.data["pillar"]
    if ctx.setting(f"board.reelection.{pillar.value}"):
        return None
    for seat in ctx.instances(PROCESS):
        data = seat.data
        if data.get("pillar") is not pillar:
            continue
        ended = data.get("term_ended_on")
        if ended is None:
            continue
        outgoing = data.get("outgoing")
        if outgoing is None:  # a TermEnded recorded without its director: the seat's latest one
            took = data.get("director_took_office_on")
            if took is not None and took > ended:
                continue  # a successor has taken office since
            outgoing = data.get("director")
        if outgoing == event.director:
            return (
                f"{event.director!r} is the outgoing director of seat {seat.subject!r} (term ended "
                f"{ended.isoformat()}); the {pillar.value} pillar's outgoing directors may not be re-elected "
                f"(parameter board.reelection.{pillar.value})"
            )
    return None


@guard("the term is no longer than the term length (3 years by default)")
def _term_length(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, DirectorTookOffice)
    years: int = ctx.setting("board.term_years")
    limit = event.effective + relativedelta(years=years)
    if event.term_end > limit:
        return f"a term ends at the latest {years} years after it starts ({limit.isoformat()})"
    return None


@guard("the term has run to its end")
def _term_over(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    end = current.data.get("term_end") if current is not None else None
    if end is not None and event.effective < end:
        return f"the term runs to {end.isoformat()}; a director leaving early is director_left"
    return None


TABLE = TransitionTable(
    process=PROCESS,
    title="Board seat",
    subjects=frozenset({SubjectKind.SEAT}),
    states=("vacant", "nominations", "elected", "in_office", "term_ended"),
    final=frozenset({"term_ended"}),
    citation=CITATION,
    descriptions={
        "nominations": "the pillar nominates candidates; eligibility check",
        "elected": "elected by the pillar; announced at the General Assembly",
    },
    transitions=(
        Transition(source=NONE, event=SeatCreated, target="vacant", guards=(_seat_limits,)),
        Transition(source="vacant", event=NominationsOpened, target="nominations"),
        Transition(source="term_ended", event=NominationsOpened, target="nominations"),
        Transition(
            source="nominations",
            event=DirectorElected,
            target="elected",
            guards=(_organisation_in_pillar, _reelection),
        ),
        Transition(source="elected", event=DirectorTookOffice, target="in_office", guards=(_term_length,)),
        Transition(source="in_office", event=TermEnded, target="term_ended", guards=(_term_over,)),
        Transition(source="in_office", event=DirectorLeft, target="vacant"),
    ),
)
