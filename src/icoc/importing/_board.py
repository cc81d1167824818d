"""The Board of Directors as events.

Four seats per pillar, created when the earliest imported director took office; each director in
office on ``as_of`` is nominated, elected and takes office on ``term_start``. Each seat of a pillar
left vacant on ``as_of`` receives one of the pillar's past directors, latest term end first (the
document does not say which seat a director held): elected, in office, and its term ended on
``term_end``, so the pillar's re-election limit (``board.reelection.<pillar>``) applies to that
outgoing director after the import. A past director the Board workflow could not have seated (a
term longer than ``board.term_years``, an organisation not an active member of the pillar when the
term started) is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dateutil.relativedelta import relativedelta

from icoc.errors import InvalidInput
from icoc.importing._common import Planner
from icoc.model.events import (
    DirectorElected,
    DirectorTookOffice,
    Event,
    NominationsOpened,
    SeatCreated,
    TermEnded,
)
from icoc.model.governance import SEATS_PER_PILLAR, Director
from icoc.model.members import Pillar


def plan_board(p: Planner) -> None:
    """Four seats per pillar: every director in office on ``as_of`` in one of them, and in each
    seat left vacant the latest outgoing director of its pillar whose term has ended."""
    sitting = [(i, d) for i, d in enumerate(p.doc.board.directors) if d.in_office(p.as_of)]
    outgoing = _outgoing_directors(p, sitting)
    created = min((d.term_start for _, d in (*sitting, *outgoing)), default=p.as_of)
    taken: set[str] = {m.id for m in p.doc.members()}
    taken.update(x.id for x in p.doc.cases)
    taken.update(x.id for x in p.doc.complaints)
    for pillar in Pillar:
        seats: list[str] = []
        for n in range(1, SEATS_PER_PILLAR + 1):
            seat = f"seat-{pillar.value}-{n}"
            while seat in taken:
                seat += "-board"
            taken.add(seat)
            seats.append(seat)
            event = p.make("$.board", SeatCreated, subject=seat, effective=created, pillar=pillar)
            p.board.append(p.step(event, "$.board"))
        mine = sorted(((i, d) for i, d in sitting if d.pillar is pillar), key=lambda x: (x[1].term_start, x[1].id))
        gone = sorted(((i, d) for i, d in outgoing if d.pillar is pillar), key=lambda x: (x[1].term_start, x[1].id))
        for seat, (i, d) in zip(seats, [*mine, *gone], strict=False):
            path = f"$.board.directors[{i}]"
            on = d.term_start
            steps: tuple[Event, ...] = (
                p.make(path, NominationsOpened, subject=seat, effective=on),
                p.make(
                    path,
                    DirectorElected,
                    subject=seat,
                    effective=on,
                    director=d.id,
                    name=d.name,
                    organisation=d.organisation,
                ),
                p.make(path, DirectorTookOffice, subject=seat, effective=on, term_end=d.term_end),
            )
            p.board.extend(p.step(event, path) for event in steps)
            if d.term_end <= p.as_of:
                # The seat's term ends on its end date (rule BOARD.TERM_END derives the same
                # when the rules run; the import records it so a registry without rules agrees).
                p.board.append(p.step(p.make(path, TermEnded, subject=seat, effective=d.term_end), path))


def _outgoing_directors(p: Planner, sitting: list[tuple[int, Director]]) -> list[tuple[int, Director]]:
    """For each seat of a pillar left vacant on ``as_of``, the latest director of that pillar
    whose term had ended (by term end, then term start, then id): the document does not say
    which seat a director held, so the most recent terms are taken to be the vacant seats'.
    A director whose term the Board workflow would refuse (longer than ``board.term_years``,
    or for an organisation that was not an active member of the pillar when it started) is
    left out: it cannot be the last holder of a seat in the registry's history."""
    chosen: list[tuple[int, Director]] = []
    members: dict[str, Any] = {m.id: m for m in p.doc.members()}
    for pillar in Pillar:
        vacant = SEATS_PER_PILLAR - sum(1 for _, d in sitting if d.pillar is pillar)
        past = [(i, d) for i, d in enumerate(p.doc.board.directors) if d.pillar is pillar and d.term_end <= p.as_of]
        past.sort(key=lambda x: (x[1].term_end, x[1].term_start, x[1].id), reverse=True)
        for i, d in past:
            if vacant <= 0:
                break
            if _importable_term(p, d, members):
                chosen.append((i, d))
                vacant -= 1
    return chosen


def _importable_term(p: Planner, d: Director, members: Mapping[str, Any]) -> bool:
    try:
        years = p.params.value("board.term_years", d.term_start)
    except InvalidInput:
        return False
    if not isinstance(years, int) or d.term_end > d.term_start + relativedelta(years=years):
        return False
    if d.organisation is None:
        return True
    org = members.get(d.organisation)
    if org is None or org.joined > d.term_start:
        return False
    left = org.status.value in ("terminated", "withdrawn")
    since = getattr(org, "status_since", None)
    return not (left and (since is None or since <= d.term_start))
