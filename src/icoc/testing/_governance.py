"""Strategies for governance and fees: directors, Boards, dues bands, fee schedules, payments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from hypothesis import strategies as st

from icoc.model import (
    Board,
    Director,
    DirectorId,
    DuesBand,
    FeeKind,
    FeeSchedule,
    MemberId,
    Payment,
    Pillar,
)
from icoc.model.governance import SEATS_PER_PILLAR
from icoc.testing._basics import (
    _DAY,
    _LAST_START,
    _MAYBE_MEMBER_ID,
    _TEXT,
    _YEAR,
    MAX_DATE,
    MIN_DATE,
    _day,
    _enum,
    _fresh,
    _maybe,
    identifiers,
    member_ids,
)

__all__ = ["boards", "directors", "dues_bands", "fee_schedules", "payments"]

# --- governance and fees -----------------------------------------------------------------------


def _term_end(draw: st.DrawFn, start: date) -> date:
    """A term of at most three years (the usual term; shorter ones fill a vacated seat)."""
    return _day(draw, start + _DAY, min(start + 3 * _YEAR, MAX_DATE))


@st.composite
def directors(
    draw: st.DrawFn,
    *,
    id: DirectorId | None = None,
    pillar: Pillar | None = None,
    organisation: MemberId | None = None,
    term_start: date | None = None,
    as_of: date = MAX_DATE,
) -> Director:
    """A director elected for a term of at most three years, starting by ``as_of``."""
    start = term_start if term_start is not None else _day(draw, MIN_DATE, min(as_of, _LAST_START))
    return Director(
        id=id if id is not None else DirectorId(draw(identifiers())),
        name=draw(_TEXT),
        pillar=pillar if pillar is not None else draw(_enum(Pillar)),
        term_start=start,
        term_end=_term_end(draw, start),
        organisation=organisation if organisation is not None else draw(_MAYBE_MEMBER_ID),
    )


def _seat_terms(draw: st.DrawFn, on: date, filled: bool) -> list[tuple[date, date]]:
    """Consecutive terms of one seat, newest first: the last one covers ``on`` if ``filled``,
    else ended by then; earlier ones end before the next starts, so they never overlap."""
    if filled:
        start = _day(draw, max(MIN_DATE, on - 3 * _YEAR + _DAY), on)
        end = _day(draw, on + _DAY, min(start + 3 * _YEAR, MAX_DATE))
    else:
        end = _day(draw, MIN_DATE + _DAY, on)
        start = _day(draw, max(MIN_DATE, end - 3 * _YEAR), end - _DAY)
    terms = [(start, end)]
    for _ in range(draw(st.integers(0, 1))):
        end = start - timedelta(days=draw(st.integers(0, 200)))
        if end <= MIN_DATE:
            break
        start = _day(draw, max(MIN_DATE, end - 3 * _YEAR), end - _DAY)
        terms.append((start, end))
    return terms


@st.composite
def boards(
    draw: st.DrawFn,
    *,
    organisations: Mapping[Pillar, Sequence[MemberId]] | None = None,
    on: date | None = None,
    as_of: date = MAX_DATE,
) -> Board:
    """Directors past and present, built seat by seat (at most 4 per pillar, consecutive terms
    per seat) so no date ever has more than 4 per pillar or 12 in office.

    ``on`` is the day whose sitting Board is built (any number of seats filled, full pillars
    included); it defaults to a day on or before ``as_of``, and no term starts after ``as_of``.
    With ``organisations``, a director's organisation is one of its own pillar's members.
    """
    on = on if on is not None else _day(draw, MIN_DATE, min(as_of, _LAST_START))
    ids: set[str] = set()
    chosen: list[Director] = []
    for pillar in Pillar:
        pool = organisations.get(pillar, ()) if organisations is not None else None
        filled = draw(st.integers(0, SEATS_PER_PILLAR)) if on < MAX_DATE else 0
        vacant = draw(st.integers(0, SEATS_PER_PILLAR - filled))
        for seat in range(filled + vacant):
            for start, end in _seat_terms(draw, on, filled=seat < filled):
                if pool is None:
                    org = draw(_MAYBE_MEMBER_ID)
                else:
                    org = draw(_maybe(st.sampled_from(pool))) if pool else None
                chosen.append(
                    Director(
                        id=DirectorId(_fresh(draw, ids)),
                        name=draw(_TEXT),
                        pillar=pillar,
                        term_start=start,
                        term_end=end,
                        organisation=org,
                    )
                )
    return Board(directors=tuple(chosen))


def dues_bands() -> st.SearchStrategy[DuesBand]:
    """A single band; :func:`fee_schedules` orders bands into a valid schedule."""
    return st.builds(
        DuesBand,
        name=_TEXT,
        min_revenue_usd=st.integers(0, 10**9),
        annual_usd=st.integers(0, 100_000),
    )


@st.composite
def fee_schedules(draw: st.DrawFn) -> FeeSchedule:
    """Fees whose dues bands ascend from revenue 0, so every revenue falls in exactly one band."""
    floors: list[int] = []
    if draw(st.integers(0, 4)):  # mostly some bands; an empty schedule is valid too
        floors = [0, *sorted(draw(st.lists(st.integers(1, 10**9), unique=True, max_size=3)))]
    bands = tuple(
        DuesBand(name=f"Band {i + 1}", min_revenue_usd=floor, annual_usd=draw(st.integers(0, 100_000)))
        for i, floor in enumerate(floors)
    )
    return FeeSchedule(
        joining_fee_usd=draw(st.integers(0, 10_000)),
        dues_bands=bands,
        cso_annual_usd=draw(st.integers(0, 10_000)),
        observer_annual_usd=draw(st.integers(0, 10_000)),
    )


@st.composite
def payments(
    draw: st.DrawFn,
    *,
    member: MemberId | None = None,
    kind: FeeKind | None = None,
    not_before: date = MIN_DATE,
    as_of: date = MAX_DATE,
) -> Payment:
    """A payment made by ``as_of`` for a year close to when it was paid."""
    paid = _day(draw, not_before, as_of)
    return Payment(
        member=member if member is not None else draw(member_ids()),
        kind=kind if kind is not None else draw(_enum(FeeKind)),
        year=draw(st.integers(max(MIN_DATE.year, paid.year - 1), min(MAX_DATE.year, paid.year + 1))),
        amount_usd=draw(st.integers(0, 100_000)),
        paid=paid,
    )
