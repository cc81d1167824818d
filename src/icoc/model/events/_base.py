"""The base of every event: :class:`Fact`, :class:`Cause` (who or what made an event happen,
with a rule's typed provenance) and :class:`Event`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.sensitivity import Audience, Sensitivity, level_of, withheld

__all__ = ["ENGINE_FACTS", "SECRETARIAT", "Cause", "Event", "Fact", "payload_level", "register_event_types"]


@attrs.frozen(kw_only=True, repr=False)
class Fact:
    """A named value a rule or guard used, kept as text so it serializes and prints as it was, with
    the level of the field it was read from."""

    name: str = attrs.field(validator=v.text)
    value: str = attrs.field(validator=v.typed(str))
    level: Sensitivity = attrs.field(default=Sensitivity.PUBLIC, validator=v.enum(Sensitivity))
    """The sensitivity of the value's source (a payload field's level): an export for an audience
    that may not see it shows ``[redacted: LEVEL]`` instead of the value. Never below the level
    of the payload field the fact is named after (:func:`payload_level`): ``Fact(name="reason",
    value=...)`` is secretariat-level even when given public."""

    def __attrs_post_init__(self) -> None:
        # A fact named after a protected payload field (``reason``, ``statement``) is at least at
        # that field's level, whatever level it was given or loaded with (a file saved before
        # facts carried levels has none): the level follows the data, never the file.
        floor = payload_level(self.name)
        if floor > self.level:
            object.__setattr__(self, "level", floor)

    def __repr__(self) -> str:
        value = self.value if self.level is Sensitivity.PUBLIC else withheld(self.level)
        level = "" if self.level is Sensitivity.PUBLIC else f", level={self.level.label!r}"
        return f"Fact(name={self.name!r}, value={value!r}{level})"

    def shown(self, audience: Audience, owner: str | None = None) -> str:
        """The value as ``audience`` may see it (about member ``owner``), else the marker."""
        return self.value if audience.sees(self.level, owner) else withheld(self.level)


ENGINE_FACTS: Mapping[str, str] = MappingProxyType(
    {
        "rule.due": "due",
        "rule.opened": "opened",
        "rule.process": "process",
        "rule.instance": "instance",
        "rule.extended_from": "extended_from",
        "rule.base": "base",
    }
)
"""The facts in which history format 1 kept a rule's engine state, each with the :class:`Cause`
field that holds it now (in the order format 1 wrote them). Reading a format-1 file lifts them
into those fields; a cause's ``facts`` may no longer use these names."""

_DATE_FIELDS = frozenset({"due", "opened", "extended_from"})


def _cause_check(instance: Cause, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (instance.actor is None) == (instance.rule is None):
        raise v.invalid(instance, attribute.name, "a cause names exactly one of actor or rule")


def _rule_only(instance: Cause, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and instance.rule is None:
        raise v.invalid(instance, attribute.name, "only a rule's cause records the engine's state")


def _facts_check(instance: Cause, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.tuple_of(Fact)(instance, attribute, value)
    for f in instance.facts:
        if f.name in ENGINE_FACTS:
            raise v.invalid(
                instance,
                attribute.name,
                f"fact {f.name!r} is engine state: give it as the cause's {ENGINE_FACTS[f.name]!r} field",
            )


def _extended_check(instance: Cause, attribute: attrs.Attribute[Any], value: Any) -> None:
    _rule_only(instance, attribute, value)
    if value is not None and instance.due is None:
        raise v.invalid(instance, attribute.name, "an extended deadline names its new due date (due)")


@attrs.frozen(kw_only=True)
class Cause:
    """Who or what made an event happen: an actor (``secretariat``, ``board``, the company...) or
    a rule, with the rule's citation, the facts and parameter values it used, and the engine's
    state that fixed the event's date (its provenance):

    - ``rule``: the id of the rule that fired (an exception's id when one applied);
    - ``base``: the base rule ``rule`` is an exception of (``None`` when the base rule itself fired);
    - ``due``: the day the obligation fell due (the event's effective date);
    - ``opened``: the day its clock started (which rules and parameter values apply);
    - ``extended_from``: the due date before a Board decision extended it (``None``: not extended);
    - ``process`` and ``instance``: the process instance the rule watched (``certification``,
      ``acme#land``).

    An actor's cause records none of these. Every field is public: only a fact carries the level
    of the payload field it was read from."""

    actor: str | None = attrs.field(default=None, validator=v.optional(v.text))
    rule: str | None = attrs.field(default=None, validator=[v.optional(v.text), _cause_check])
    citation: str | None = attrs.field(default=None, validator=v.optional(v.text))
    facts: tuple[Fact, ...] = attrs.field(default=(), validator=_facts_check)
    base: str | None = attrs.field(default=None, validator=[v.optional(v.text), _rule_only])
    due: date | None = attrs.field(default=None, validator=[v.optional(v.a_date), _rule_only])
    opened: date | None = attrs.field(default=None, validator=[v.optional(v.a_date), _rule_only])
    extended_from: date | None = attrs.field(default=None, validator=[v.optional(v.a_date), _extended_check])
    process: str | None = attrs.field(default=None, validator=[v.optional(v.text), _rule_only])
    instance: str | None = attrs.field(default=None, validator=[v.optional(v.text), _rule_only])

    @classmethod
    def by(cls, actor: str) -> Cause:
        return cls(actor=actor)

    def engine_facts(self) -> tuple[Fact, ...]:
        """The engine state as history format 1 wrote it: one public fact per field set, named
        and ordered as in :data:`ENGINE_FACTS` (``rule.due = 2027-01-01``)."""
        out = []
        for name, field in ENGINE_FACTS.items():
            value = getattr(self, field)
            if value is not None:
                out.append(Fact(name=name, value=value.isoformat() if field in _DATE_FIELDS else value))
        return tuple(out)

    def __str__(self) -> str:
        if self.rule is not None:
            return f"rule {self.rule}" + (f" [{self.citation}]" if self.citation else "")
        return f"{self.actor}"


SECRETARIAT = Cause(actor="secretariat")
"""The default cause of an event: the Secretariat acting on its own records."""


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event. ``subject`` is the id of the member, case, complaint or seat."""

    TYPE: ClassVar[str] = ""

    subject: str = attrs.field(validator=v.identifier)
    effective: date = attrs.field(validator=v.a_date)
    cause: Cause = attrs.field(default=SECRETARIAT, validator=v.typed(Cause))

    @property
    def key(self) -> str:
        """The process instance this event concerns; the subject unless a process has several
        instances per subject (self-assessment cycles)."""
        return self.subject

    def facts(self) -> dict[str, Any]:
        """Values this event records on the instances it moves (payload fields by default)."""
        names = _PAYLOAD_NAMES.get(type(self))
        if names is None:
            names = tuple(a.name for a in attrs.fields(type(self)) if a.name not in _ENVELOPE)
            _PAYLOAD_NAMES[type(self)] = names
        return {name: getattr(self, name) for name in names}


_ENVELOPE = frozenset({"subject", "effective", "cause"})
"""The fields every event has; the rest is its payload (:meth:`Event.facts`)."""

_PAYLOAD_NAMES: dict[type[Event], tuple[str, ...]] = {}
"""Each event class's payload field names, in field order (read once per class)."""


_EVENT_TYPES: tuple[type[Event], ...] = ()
_PAYLOAD_LEVELS: dict[str, Sensitivity] | None = None


def register_event_types(types: tuple[type[Event], ...]) -> None:
    """Name the concrete event classes whose fields :func:`payload_level` reads (``icoc.model.events``
    registers every one once they are all defined)."""
    global _EVENT_TYPES, _PAYLOAD_LEVELS
    _EVENT_TYPES, _PAYLOAD_LEVELS = tuple(types), None


def payload_level(name: str) -> Sensitivity:
    """The sensitivity of a value recorded under payload field ``name`` (a process instance's
    data key, a rule's fact ``reason`` or ``certificate.id``): the highest level of a field of
    that name in any event type, public for every other name (``<type>_on`` dates, states).

    The highest level is taken because an instance's data does not remember which event wrote a
    key (``reason`` is company-level on a suspension, secretariat-level on a proposal): a value
    may then be shown to fewer audiences than its source allows, never to more."""
    global _PAYLOAD_LEVELS
    if _PAYLOAD_LEVELS is None:
        found: dict[str, Sensitivity] = {}
        for cls in _EVENT_TYPES:
            for a in attrs.fields(cls):
                level = level_of(a)
                if level > found.get(a.name, Sensitivity.PUBLIC):
                    found[a.name] = level
        if not _EVENT_TYPES:  # not registered yet (only while icoc.model.events is importing)
            return found.get(name, Sensitivity.PUBLIC)
        _PAYLOAD_LEVELS = found
    return _PAYLOAD_LEVELS.get(name, _PAYLOAD_LEVELS.get(name.split(".", 1)[0], Sensitivity.PUBLIC))
