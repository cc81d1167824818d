"""Who may see a field: a sensitivity level in each field's attrs metadata, and the audience an
export is made for.

ICoCA protects the confidentiality of complainants and of its dialogue with companies at every
stage (Art. 13, Art. 12 procedures), so the level lives on the field itself, next to its type:
an exporter cannot forget it. A field without a level is public.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, ClassVar

import attrs

from icoc.model import validators as v

__all__ = [
    "PAYLOAD_KEY",
    "SENSITIVITY_KEY",
    "Audience",
    "Sensitivity",
    "hidden",
    "level_of",
    "payload_values",
    "sensitive",
    "withheld",
]

SENSITIVITY_KEY = "icoc.sensitivity"
"""The attrs metadata key that holds a field's :class:`Sensitivity`."""
PAYLOAD_KEY = "icoc.payload"
"""The attrs metadata key marking a mapping field whose values were recorded from event payload
fields (a process instance's ``data``): each value is as sensitive as the event field it came
from (:func:`icoc.model.events.payload_level`), and exports redact it so."""


class Sensitivity(IntEnum):
    """How far a value may travel, from anyone to the Secretariat's confidential files (ordered)."""

    PUBLIC = 0
    """Anyone: what ICoCA publishes (membership, statuses, certifications, the Board)."""
    MEMBERS = 1
    """Members of the Association (General Assembly papers: dues bands, fee waivers)."""
    COMPANY = 2
    """The member concerned: its own case data (corrective actions, the reasons of decisions on it)."""
    SECRETARIAT = 3
    """The Secretariat and the Board: internal deliberation (proposals, proceedings, closing notes)."""
    CONFIDENTIAL = 4
    """Complainant identity and contact, statements, dialogue contents, field-review notes."""

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Sensitivity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            known = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown sensitivity {text!r} (known: {known})") from None

    def __str__(self) -> str:
        return self.label


def sensitive(level: Sensitivity, **metadata: Any) -> dict[str, Any]:
    """attrs ``metadata`` that marks a field ``level``: ``attrs.field(metadata=sensitive(...))``."""
    if not isinstance(level, Sensitivity):
        raise TypeError(f"expected a Sensitivity, got {level!r}")
    return {**metadata, SENSITIVITY_KEY: level}


def payload_values(**metadata: Any) -> dict[str, Any]:
    """attrs metadata for a mapping field of values recorded from event payloads (see
    :data:`PAYLOAD_KEY`)."""
    return {PAYLOAD_KEY: True, **metadata}


def withheld(level: Sensitivity) -> str:
    """The text that stands for a value at ``level`` where no audience is known (``repr``, error
    messages, derived text): ``[redacted: company]``. Same text as an export's marker."""
    return f"[redacted: {level.label}]"


def hidden(level: Sensitivity) -> Any:
    """An attrs ``repr=`` argument that prints :func:`withheld` for a field above public, so the
    default ``repr()``/``str()`` of a record never shows what its field's level protects:
    ``attrs.field(metadata=sensitive(level), repr=hidden(level))``."""
    if level is Sensitivity.PUBLIC:
        return True
    text = withheld(level)
    return lambda _value: text


def level_of(field: attrs.Attribute[Any]) -> Sensitivity:
    """A field's level; a field with none is public."""
    meta: Mapping[str, Any] = field.metadata or {}
    level = meta.get(SENSITIVITY_KEY, Sensitivity.PUBLIC)
    assert isinstance(level, Sensitivity)
    return level


def _company_check(instance: Audience, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.identifier)(instance, attribute, value)
    if (instance.level is Sensitivity.COMPANY) != (value is not None):
        raise v.invalid(instance, attribute.name, "a company audience names its company, and only it names one")


@attrs.frozen
class Audience:
    """Who an export is for: a level, and for the company audience the member whose own data it
    may see (other members' company-level data stays redacted).

    Use the constants (``Audience.PUBLIC``, ``Audience.MEMBERS``, ``Audience.SECRETARIAT``,
    ``Audience.CONFIDENTIAL`` and its alias ``Audience.FULL``) or ``Audience.company(id)``.
    """

    level: Sensitivity = attrs.field(validator=v.enum(Sensitivity))
    member: str | None = attrs.field(default=None, validator=_company_check)

    PUBLIC: ClassVar[Audience]
    MEMBERS: ClassVar[Audience]
    SECRETARIAT: ClassVar[Audience]
    CONFIDENTIAL: ClassVar[Audience]
    FULL: ClassVar[Audience]

    @classmethod
    def company(cls, member: str) -> Audience:
        """The member ``member`` (usually a company): public and members data, and its own
        company-level data."""
        return cls(Sensitivity.COMPANY, member)

    @classmethod
    def parse(cls, text: str) -> Audience:
        """``public``, ``members``, ``company:ID``, ``secretariat``, ``confidential`` or ``full``."""
        name, _, member = text.strip().partition(":")
        if name.lower() == "full":
            return cls.FULL
        try:
            level = Sensitivity.parse(name)
        except ValueError:
            known = "public, members, company:ID, secretariat, confidential, full"
            raise ValueError(f"unknown audience {text!r} (known: {known})") from None
        if level is Sensitivity.COMPANY:
            if not member:
                raise ValueError("the company audience names its member: company:ID")
            return cls.company(member)
        if member:
            raise ValueError(f"only the company audience takes an id, not {level.label}")
        return cls(level)

    def sees(self, level: Sensitivity, owner: str | None = None) -> bool:
        """Whether a value at ``level`` about member ``owner`` (``None``: unknown) may be shown."""
        if level is Sensitivity.COMPANY and self.level is Sensitivity.COMPANY:
            return owner is not None and owner == self.member
        return level <= self.level

    def __str__(self) -> str:
        if self.member is not None:
            return f"{self.level.label}:{self.member}"
        return self.level.label


Audience.PUBLIC = Audience(Sensitivity.PUBLIC)
Audience.MEMBERS = Audience(Sensitivity.MEMBERS)
Audience.SECRETARIAT = Audience(Sensitivity.SECRETARIAT)
Audience.CONFIDENTIAL = Audience(Sensitivity.CONFIDENTIAL)
Audience.FULL = Audience.CONFIDENTIAL
