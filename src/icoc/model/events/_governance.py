"""Governance events: Board seats, elections and terms."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.events._base import Event
from icoc.model.ids import DirectorId, MemberId
from icoc.model.members import Pillar

# --- board seats ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SeatCreated(Event):
    """A Board seat of a pillar; ``subject`` is the seat id."""

    TYPE: ClassVar[str] = "seat_created"
    pillar: Pillar = attrs.field(validator=v.enum(Pillar))


@attrs.frozen(kw_only=True)
class NominationsOpened(Event):
    """Nominations for a Board seat open (before an election in its pillar)."""

    TYPE: ClassVar[str] = "nominations_opened"


@attrs.frozen(kw_only=True)
class DirectorElected(Event):
    """The pillar elected its director; results are announced at the General Assembly."""

    TYPE: ClassVar[str] = "director_elected"
    director: DirectorId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    organisation: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))


@attrs.frozen(kw_only=True)
class DirectorTookOffice(Event):
    """The elected director takes office until ``term_end``, the first day out of office (the
    next term may start on it; at most ``board.term_years``, 3 by default, after ``effective``),
    as :class:`icoc.model.Director` counts it. Rule ``BOARD.TERM_END`` ends the term on that day."""

    TYPE: ClassVar[str] = "director_took_office"
    term_end: date = attrs.field(validator=[v.a_date, v.after("effective", "a term must end after it starts")])


@attrs.frozen(kw_only=True)
class TermEnded(Event):
    """A director's term ended; the seat is vacant until the next election. ``outgoing`` names
    the director whose term it was (the rule ending a term by the calendar fills it in), so the
    pillar's re-election limit still knows them once their seat has elected someone else."""

    TYPE: ClassVar[str] = "term_ended"
    outgoing: DirectorId | None = attrs.field(default=None, validator=v.optional(v.identifier))


@attrs.frozen(kw_only=True)
class DirectorLeft(Event):
    """A director left office before the end of the term; the seat is vacant."""

    TYPE: ClassVar[str] = "director_left"
