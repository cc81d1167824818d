"""The Board of Directors: 12 elected directors, 4 per pillar, 3-year terms."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import DirectorId, MemberId
from icoc.model.members import Pillar

__all__ = ["BOARD_SEATS", "SEATS_PER_PILLAR", "Board", "Director"]

SEATS_PER_PILLAR = 4
"""Equal representation: four directors per pillar (confirmed)."""
BOARD_SEATS = 12
"""The Board has twelve seats, four per pillar (confirmed)."""


@attrs.frozen(kw_only=True)
class Director:
    """A director elected by one pillar for a term (3 years by default, a parameter)."""

    id: DirectorId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    pillar: Pillar = attrs.field(validator=v.enum(Pillar))
    term_start: date = attrs.field(validator=v.a_date)
    term_end: date = attrs.field(validator=[v.a_date, v.after("term_start", "a term must end after it starts")])
    organisation: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))

    def in_office(self, on: date) -> bool:
        return self.term_start <= on < self.term_end


def _seat_limits(instance: Board, attribute: attrs.Attribute[Any], value: Any) -> None:
    # The count only changes at term starts, so checking each start date covers every date.
    for d in sorted({x.term_start for x in value}):
        sitting = [x for x in value if x.in_office(d)]
        per_pillar = Counter(x.pillar for x in sitting)
        for pillar, n in sorted(per_pillar.items()):
            if n > SEATS_PER_PILLAR:
                raise v.invalid(
                    instance,
                    attribute.name,
                    f"{n} {pillar.value} directors in office on {d.isoformat()}: at most {SEATS_PER_PILLAR} per pillar",
                )
        if len(sitting) > BOARD_SEATS:
            raise v.invalid(
                instance,
                attribute.name,
                f"{len(sitting)} directors in office on {d.isoformat()}: at most {BOARD_SEATS}",
            )


@attrs.frozen(kw_only=True)
class Board:
    """Directors past and present; never more than 4 per pillar nor 12 in office on any date."""

    directors: tuple[Director, ...] = attrs.field(
        default=(),
        validator=[v.tuple_of(Director), v.unique(lambda d: d.id, "director id"), _seat_limits],
    )

    def in_office(self, on: date) -> tuple[Director, ...]:
        return tuple(d for d in self.directors if d.in_office(on))

    def vacancies(self, on: date) -> dict[Pillar, int]:
        """Unfilled seats per pillar on a date."""
        sitting = Counter(d.pillar for d in self.in_office(on))
        return {p: SEATS_PER_PILLAR - sitting[p] for p in Pillar}
