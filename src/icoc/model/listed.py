"""What a bidder list says that a registry record cannot hold: cells left empty (unknown),
statements with no record behind them, and companies the register cannot take.

A procurement officer's spreadsheet knows less than the Association's registry: often not the
self-assessment, nor whether proceedings are open. A registry document read from such a list
keeps every such cell here, with where it was read, so that a decision reading it is *unknown*
and names the cell that would settle it; nothing is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import MemberId
from icoc.model.members import CompanyStatus

__all__ = ["LISTED_FIELDS", "ListedFact", "UnregisteredCompany"]

LISTED_FIELDS: Mapping[str, frozenset[str] | None] = {
    "status": None,
    "joined": None,
    "status_since": None,
    "suspended_from": None,
    "country": None,
    "certification": frozenset({"none"}),
    "self_assessment": frozenset(),
    "proceedings": frozenset({"none", "open"}),
    "complaints": frozenset({"none", "open"}),
    "cases": frozenset({"none", "low", "medium", "high", "critical"}),
}
"""The facts a bidder list may leave unknown, with the values it can state without a record
(``None``: only unknown; an empty set: only unknown, a stated value is a record). ``cases``
states the worst severity of the open compliance cases."""


def _field(instance: ListedFact, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in LISTED_FIELDS:
        raise v.invalid(instance, attribute.name, f"unknown field {value!r} (known: {', '.join(LISTED_FIELDS)})")


def _value(instance: ListedFact, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    allowed = LISTED_FIELDS.get(instance.field) or frozenset()
    if value not in allowed:
        shown = ", ".join(sorted(allowed)) or "none: it is stated by a record"
        raise v.invalid(instance, attribute.name, f"{instance.field} cannot be {value!r} here (allowed: {shown})")


@attrs.frozen(kw_only=True)
class ListedFact:
    """One fact about a company as a bidder list gives it: ``value`` ``None`` means the cell was
    empty (unknown); otherwise a statement with no record behind it ("open" proceedings).

    ``where`` names the cell (``bidders.xlsx:row 7:open proceedings``).
    """

    subject: MemberId = attrs.field(validator=v.identifier)
    field: str = attrs.field(validator=_field)
    value: str | None = attrs.field(default=None, validator=_value)
    where: str = attrs.field(default="", validator=v.typed(str))

    @property
    def unknown(self) -> bool:
        return self.value is None


def _not_a_member(instance: UnregisteredCompany, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.typed(bool)(instance, attribute, value)
    if value and instance.status is not None:
        raise v.invalid(instance, attribute.name, f"a company with status {instance.status.value!r} is a member")


@attrs.frozen(kw_only=True)
class UnregisteredCompany:
    """A company a bidder list names that the register cannot hold: not an ICoCA member, or one
    whose status or joining date the list leaves empty (its ``ListedFact`` entries say which).

    ``status`` is the status the list gives, if any; ``not_a_member`` says the list states the
    company is not an ICoCA member.
    """

    id: MemberId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    country: str | None = attrs.field(default=None, validator=v.optional(v.country))
    status: CompanyStatus | None = attrs.field(default=None, validator=v.optional(v.enum(CompanyStatus)))
    not_a_member: bool = attrs.field(default=False, validator=_not_a_member)
    where: str = attrs.field(default="", validator=v.typed(str))
