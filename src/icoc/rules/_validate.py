"""Rule sets checked when a registry is built, not when a rule first fires.

:func:`validate_rules` walks every rule of a rule set and lists every problem at once, each
with a path inside the rule (``rules[3](ART3.CERT_DEADLINE).when.parts[0].value``) and a
message naming the rule:

- state literals compared with ``state``, ``standing`` or ``previous`` are states of the watched
  process's transition table (``company.status``, ``certification.state`` and ``csa.latest``
  literals are states of their own processes); literals compared with an enum-valued fact are
  values of that enum, and any literal has the fact's type;
- every fact a rule reads exists for the watched process: the instance's own facts, the scalar
  payload fields of the events that drive the process (and ``<event type>_on``), the
  ``.id/.standard/.expires`` of an external certificate in a payload, the company context;
- every parameter exists and has the type its use needs (a date for ``ParamDate`` and period
  bounds, a ``Duration`` for ``After``, an int and a bool for ``EndOfCalendarYear``);
- the emitted event is a known event type, its payload names fields of that event with values
  of the field's type (or facts of the process), and every required field is given.

The known facts derive from the code: the tables' event types and their attrs fields, as the
registry records them (``data.update(event.facts())``, ``data[f"{event.TYPE}_on"]``).
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import attrs

from icoc.errors import InvalidRuleSet, Problem
from icoc.model.certificates import ExternalCertificate
from icoc.model.events import EVENTS_BY_TYPE, Event
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Custom, Exists, F, In, Not, Or, Scalar
from icoc.rules._due import After, DayAfter, Due, EndOfCalendarYear, FactDate, Latest, ParamDate
from icoc.rules._facts import _GROUP_OF, COMPUTED_FACT_TYPES
from icoc.rules._params import Duration, ParameterSet
from icoc.rules._rule import Rule, RuleSet
from icoc.workflows import PROCESSES, Instance, SubjectKind, TransitionTable

__all__ = ["check_rules", "validate_rules"]

FactType = type | None
"""A fact's type: ``str``, ``int``, ``bool``, ``date``, an ``Enum`` subclass, or ``None`` (unknown)."""

_EQUALITY = ("==", "!=")

STANDING = "standing"
"""The state, or the state held before a suspension: an instance-level fact like ``state``."""

_INSTANCE_NOT_FACTS = frozenset({"process", "key", "data"})
"""Fields of :class:`Instance` that are not facts (the rest are: subject, state, since, previous)."""

_STATE_FACTS_OF_PROCESS = frozenset({"state", "previous", STANDING})
"""Facts whose values are states of the watched process."""

_STATE_FACTS_OF: Mapping[str, str] = {
    "company.status": "company-status",
    "certification.state": "certification",
    "csa.latest": "self-assessment",
}
"""Company-context facts whose values are states of another process."""

_COMPANY_FACT_TYPES: Mapping[str, type] = {
    "company.status": str,
    "company.joined": date,
    "company.swiss_pssa": bool,
    "certification.state": str,
    "certification.expires": date,
    "csa.latest": str,
    "csa.latest_cycle": int,
}
"""Types of the company context facts (a context fact missing here is known, of unknown type)."""

_COMPANY_SUBJECTS = frozenset({SubjectKind.COMPANY, SubjectKind.CASE, SubjectKind.COMPLAINT})
"""Subjects whose instances see the company context (a company, or a case or complaint about one)."""

_CERTIFICATE_FACTS = ("id", "standard", "expires")
"""Facts read off an :class:`ExternalCertificate` payload value: ``<key>.id`` etc."""

_EVENT_BASE = frozenset({"subject", "effective", "cause"})


# --- types ---------------------------------------------------------------------------------


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """``(type, optional)``: ``X | None`` becomes ``(X, True)``; a NewType its supertype."""
    optional = False
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        tp = args[0] if len(args) == 1 else tp
    while hasattr(tp, "__supertype__"):
        tp = tp.__supertype__
    return tp, optional


def _scalar_type(tp: Any) -> FactType:
    """The fact type of a field annotation, or ``None`` if values of it are not scalar facts."""
    tp, _ = _unwrap(tp)
    if isinstance(tp, type) and (issubclass(tp, Enum) or tp in (str, int, bool, date)):
        return tp
    return None


def _type_name(tp: type) -> str:
    return tp.__name__


def _is_of(value: object, tp: type) -> bool:
    """``value`` is a ``tp`` (a bool is not an int, a datetime is not a date)."""
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, tp)


def _compatible(fact: type, literal: Scalar) -> bool:
    """A literal may be compared with a fact of this type (an enum fact compares with its values)."""
    if literal is None:
        return True
    if issubclass(fact, Enum):
        return isinstance(literal, str) and literal in {str(m.value) for m in fact}
    return _is_of(literal, fact)


# --- known facts, derived from the tables and the event types ------------------------------


_HINTS: dict[str, dict[str, Any]] = {}


def _event_hints(event: type[Event]) -> dict[str, Any]:
    hints = _HINTS.get(event.TYPE)
    if hints is None:
        hints = _HINTS[event.TYPE] = typing.get_type_hints(event)
    return hints


def _payload_fields(event: type[Event]) -> dict[str, attrs.Attribute[Any]]:
    return {a.name: a for a in attrs.fields(event) if a.name not in _EVENT_BASE}


def _instance_facts() -> dict[str, FactType]:
    hints = typing.get_type_hints(Instance)
    out = {a.name: _scalar_type(hints[a.name]) for a in attrs.fields(Instance) if a.name not in _INSTANCE_NOT_FACTS}
    out[STANDING] = str
    return out


def _certificate_facts(key: str) -> dict[str, FactType]:
    hints = typing.get_type_hints(ExternalCertificate)
    return {f"{key}.{attr}": _scalar_type(hints[attr]) for attr in _CERTIFICATE_FACTS}


def _event_facts(event: type[Event]) -> dict[str, FactType]:
    """What an event records on the instances it moves, as facts (see ``_facts._local_facts``)."""
    hints = _event_hints(event)
    out: dict[str, FactType] = {}
    for name in _payload_fields(event):
        tp, _ = _unwrap(hints[name])
        if isinstance(tp, type) and issubclass(tp, ExternalCertificate):
            out.update(_certificate_facts(name))
        else:
            scalar = _scalar_type(tp)
            if scalar is not None:
                out[name] = scalar
    out[f"{event.TYPE}_on"] = date
    return out


@functools.cache
def known_facts(process: str) -> Mapping[str, FactType]:
    """Every fact a rule watching ``process`` may read, with its type (``None``: unknown)."""
    table = PROCESSES[process]
    out: dict[str, FactType] = {}
    if table.subjects & _COMPANY_SUBJECTS:
        out.update({name: _COMPANY_FACT_TYPES.get(name) for name in _GROUP_OF})
    for event in sorted(table.events, key=lambda e: e.TYPE):
        for name, tp in _event_facts(event).items():
            # Two events recording one name with different types: the type is unknown.
            out[name] = tp if out.get(name, tp) == tp else None
    out.update(_instance_facts())
    out.update(COMPUTED_FACT_TYPES.get(process, {}))
    return out


def _tables_handling(event: type[Event]) -> list[TransitionTable]:
    return [t for t in PROCESSES.values() if event in t.events]


# --- the walk --------------------------------------------------------------------------------


def _close(name: str, known: Iterable[str]) -> str:
    matches = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(m) for m in matches)}?)" if matches else ""


@attrs.define
class _Checker:
    index: int
    rule: Rule
    params: ParameterSet
    problems: list[Problem] = attrs.field(factory=list)

    @property
    def facts(self) -> Mapping[str, FactType]:
        return known_facts(self.rule.process)

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(f"rules[{self.index}]({self.rule.id}){path}", f"rule {self.rule.id}: {message}"))

    # facts

    def fact(self, name: str, path: str) -> FactType | None:
        """Check ``name`` is a known fact; its type, or ``None``."""
        if name not in self.facts:
            self.add(path, f"unknown fact {name!r} for process {self.rule.process}{_close(name, self.facts)}")
            return None
        return self.facts[name]

    def states_of(self, name: str) -> tuple[str, str] | None:
        """``(process, what)`` if the fact ``name`` holds states of a process."""
        if name in _STATE_FACTS_OF_PROCESS:
            return self.rule.process, f"{self.rule.process} states"
        if name in _STATE_FACTS_OF:
            process = _STATE_FACTS_OF[name]
            return process, f"{process} states"
        return None

    def literal(self, name: str, tp: FactType, op: str, value: Scalar, path: str) -> None:
        if value is None:
            return
        states = self.states_of(name) if op in _EQUALITY else None
        if states is not None:
            process, what = states
            known = PROCESSES[process].states
            if value not in known:
                self.add(
                    path,
                    f"{value!r} is not a state of {process} (fact {name}; {what}: {', '.join(known)})"
                    + _close(str(value), known),
                )
            return
        if tp is None or _compatible(tp, value):
            return
        if issubclass(tp, Enum):
            allowed = [str(m.value) for m in tp]
            close = _close(str(value), allowed)
            self.add(path, f"{value!r} is not a value of fact {name} ({', '.join(allowed)}){close}")
        else:
            self.add(path, f"fact {name} is a {_type_name(tp)}, compared with {value!r}")

    def condition(self, c: Condition, path: str) -> None:
        if isinstance(c, Cmp):
            tp = self.fact(c.name, f"{path}.name")
            if c.name in self.facts:
                self.literal(c.name, tp, c.op, c.value, f"{path}.value")
        elif isinstance(c, In):
            tp = self.fact(c.name, f"{path}.name")
            if c.name in self.facts:
                for j, value in enumerate(c.values):
                    self.literal(c.name, tp, "==", value, f"{path}.values[{j}]")
        elif isinstance(c, Exists):
            self.fact(c.name, f"{path}.name")
        elif isinstance(c, (And, Or)):
            for j, part in enumerate(c.parts):
                self.condition(part, f"{path}.parts[{j}]")
        elif isinstance(c, Not):
            self.condition(c.part, f"{path}.part")
        elif isinstance(c, Custom):
            for j, name in enumerate(c.uses):
                self.fact(name, f"{path}.uses[{j}]")
        elif c is not TRUE:
            for name in dict.fromkeys(c.fact_names()):
                self.fact(name, path)

    # parameters

    def param(self, name: str, path: str, want: type | None, use: str) -> None:
        known = self.params.parameters
        if name not in known:
            self.add(path, f"unknown parameter {name!r}{_close(name, known)}")
            return
        if want is None:
            return
        value = known[name].history[0].value
        if not _is_of(value, want):
            self.add(
                path,
                f"parameter {name} is a {type(value).__name__} ({value}), but {use} needs a {_type_name(want)}",
            )

    def due(self, d: Due, path: str) -> None:
        if isinstance(d, FactDate):
            tp = self.fact(d.name, f"{path}.name")
            if tp is not None and tp is not date:
                self.add(f"{path}.name", f"fact {d.name} is a {_type_name(tp)}, not a date")
        elif isinstance(d, ParamDate):
            self.param(d.name, f"{path}.name", date, "ParamDate")
        elif isinstance(d, After):
            self.due(d.start, f"{path}.start")
            self.param(d.period.name, f"{path}.period.name", Duration, "After")
        elif isinstance(d, DayAfter):
            self.due(d.deadline, f"{path}.deadline")
        elif isinstance(d, Latest):
            for j, part in enumerate(d.parts):
                self.due(part, f"{path}.parts[{j}]")
        elif isinstance(d, EndOfCalendarYear):
            self.due(d.start, f"{path}.start")
            self.param(d.years_param, f"{path}.years_param", int, "EndOfCalendarYear's years")
            self.param(d.count_param, f"{path}.count_param", bool, "EndOfCalendarYear's count")
        else:
            for name in dict.fromkeys(d.fact_names()):
                self.fact(name, path)
            for name in dict.fromkeys(d.param_names()):
                self.param(name, path, None, "")

    def period(self) -> None:
        p = self.rule.effective
        for field, bound in (("start", p.start), ("end", p.end), ("end_before", p.end_before)):
            if isinstance(bound, str):
                self.param(bound, f".effective.{field}", date, "a period bound")

    # the event

    def emit(self) -> None:
        event = self.rule.then.event
        if not (isinstance(event, type) and EVENTS_BY_TYPE.get(getattr(event, "TYPE", "")) is event):
            self.add(".then.event", f"{getattr(event, '__name__', event)!r} is not a known event type")
            return
        watched = PROCESSES[self.rule.process].subjects if self.rule.process in PROCESSES else frozenset()
        if watched and not any(t.subjects & watched for t in _tables_handling(event)):
            self.add(
                ".then.event",
                f"{event.TYPE} moves no process of a {self.rule.process} instance's subject "
                f"({', '.join(sorted(s.value for s in watched))})",
            )
        fields = _payload_fields(event)
        hints = _event_hints(event)
        for key, value in self.rule.then.payload.items():
            path = f".then.payload.{key}"
            if key not in fields:
                self.add(path, f"{event.TYPE} has no field {key!r}{_close(key, fields)} (fields: {', '.join(fields)})")
                continue
            tp, optional = _unwrap(hints[key])
            if isinstance(value, F):
                fact_tp = self.fact(value.name, path)
                if fact_tp is not None and isinstance(tp, type) and not _fact_fits(fact_tp, tp):
                    needs = _show(hints[key])
                    self.add(path, f"fact {value.name} is a {_type_name(fact_tp)}, field {key} needs {needs}")
            elif not _value_fits(value, tp, optional):
                self.add(path, f"{value!r} is not a valid {key} for {event.TYPE} (needs {_show(hints[key])})")
        given = self.rule.then.payload
        missing = [name for name, a in fields.items() if a.default is attrs.NOTHING and name not in given]
        if missing:
            self.add(".then.payload", f"{event.TYPE} needs {', '.join(missing)}, missing from the payload")

    def run(self) -> list[Problem]:
        if self.rule.process not in PROCESSES:  # RuleSet refuses it; a plain iterable may not
            self.add(".process", f"unknown process {self.rule.process!r}{_close(self.rule.process, PROCESSES)}")
        else:
            self.condition(self.rule.when, ".when")
            if self.rule.due is not None:
                self.due(self.rule.due, ".due")
        self.period()
        for j, name in enumerate(self.rule.params):
            self.param(name, f".params[{j}]", None, "")
        if isinstance(self.rule.covers_existing, str):
            self.param(self.rule.covers_existing, ".covers_existing", bool, "covers_existing")
            if self.rule.effective.start is None:
                self.add(".covers_existing", "a rule covering existing members needs an effective start")
        if self.rule.process in PROCESSES:
            self.emit()
        return self.problems


def _show(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("icoc.model.", "")


def _value_fits(value: object, tp: Any, optional: bool) -> bool:
    if value is None:
        return optional
    origin = typing.get_origin(tp)
    if origin is tuple:
        return isinstance(value, tuple)
    if isinstance(tp, type) and issubclass(tp, Enum) and not isinstance(value, Enum):
        # a rule file gives an enumeration's value (``"other"``); the event's validator converts it
        return isinstance(value, str) and value in {m.value for m in tp}
    if isinstance(tp, type):
        return _is_of(value, tp)
    return True  # an annotation this check does not understand: the event's validators decide


def _fact_fits(fact: type, field: type) -> bool:
    """A fact of type ``fact`` may fill a field of type ``field``."""
    if issubclass(field, Enum):
        return fact is field
    if field is int:
        return fact is int
    return issubclass(fact, field)


def validate_rules(rules: RuleSet | Iterable[Rule], params: ParameterSet) -> list[Problem]:
    """Every problem of every rule, by rule index: unknown states, facts, parameters, event
    fields; parameters and payload values of the wrong type. Empty when the rules are sound."""
    problems: list[Problem] = []
    for i, rule in enumerate(rules):
        problems += _Checker(i, rule, params).run()
    return problems


def check_rules(rules: RuleSet | Iterable[Rule], params: ParameterSet) -> None:
    """Raise :class:`~icoc.errors.InvalidRuleSet` (a RuleError and an InvalidInput) listing every
    problem :func:`validate_rules` finds."""
    problems = validate_rules(rules, params)
    if problems:
        raise InvalidRuleSet(problems)
