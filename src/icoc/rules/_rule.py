"""Rules as data: id, title, citation, effective period, the instances watched, when the rule
falls due, its condition and the event it emits. Exceptions refine a base rule (Catala-style)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, RuleError
from icoc.model.citation import Citation
from icoc.model.events import EVENTS_BY_TYPE, Event
from icoc.rules._conditions import TRUE, Condition, F
from icoc.rules._due import Due
from icoc.rules._params import ParameterSet

__all__ = ["Citation", "Emit", "Period", "Rule", "RuleSet"]


@attrs.frozen(kw_only=True)
class Period:
    """When a rule is in force, both ends inclusive. An end may be a date parameter's name, so
    an unpublished adoption date stays a parameter; ``end_before`` ends the day before one."""

    start: date | str | None = None
    end: date | str | None = None
    end_before: str | None = None

    def contains(self, on: date, params: ParameterSet) -> bool:
        start = self._resolve(self.start, params, on)
        end = self._resolve(self.end, params, on)
        if self.end_before is not None:
            before = self._resolve(self.end_before, params, on)
            assert before is not None
            end = before - timedelta(days=1) if end is None else min(end, before - timedelta(days=1))
        return (start is None or start <= on) and (end is None or on <= end)

    def start_date(self, params: ParameterSet) -> date | None:
        """The first day in force (a date parameter's latest value when the start is one)."""
        return self._resolve(self.start, params, date.max)

    @staticmethod
    def _resolve(x: date | str | None, params: ParameterSet, on: date) -> date | None:
        if x is None or isinstance(x, date):
            return x
        value = params.value(x, on)
        assert isinstance(value, date), f"parameter {x} is not a date"
        return value

    def describe(self) -> str:
        """``always``, ``from 2021-01-01``, ``from param regimes.current.start to 2024-12-31``..."""

        def show(x: date | str) -> str:
            return x.isoformat() if isinstance(x, date) else f"param {x}"

        parts = []
        if self.start is not None:
            parts.append(f"from {show(self.start)}")
        if self.end is not None:
            parts.append(f"to {show(self.end)}")
        if self.end_before is not None:
            parts.append(f"until the day before param {self.end_before}")
        return " ".join(parts) or "always"


@attrs.frozen(kw_only=True)
class Emit:
    """The event a rule emits: its type and payload (constants, or ``F(name)`` read from facts)."""

    event: type[Event]
    payload: Mapping[str, Any] = attrs.field(factory=dict)

    def build(self, subject: str, effective: date, cause: Any, facts: Mapping[str, Any]) -> Event:
        values = {k: (facts.get(v.name) if isinstance(v, F) else v) for k, v in self.payload.items()}
        return self.event(subject=subject, effective=effective, cause=cause, **values)


def _tags(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(tags)


@attrs.frozen(kw_only=True)
class Rule:
    """One rule. It never changes state: on its due date, if its condition holds, it emits an
    event that the workflows apply. An exception (``exception_of``) shares its base rule's
    process and due date and replaces the base's effect when its own condition holds."""

    id: str
    title: str
    citation: Citation
    process: str
    then: Emit
    due: Due | None = None
    when: Condition = TRUE
    effective: Period = Period()
    exception_of: str | None = None
    params: tuple[str, ...] = ()
    """Parameters the rule reads beyond its due date (listed in explanations)."""
    obligation: str | None = None
    """The obligation this rule is one regime of (rules sharing it replace each other over time:
    at most one of them governs an instance at once); the rule's id when omitted."""
    covers_existing: bool | str = False
    """Whether, from the day this rule comes into force, it takes over the open obligations of its
    family governed by earlier regimes (a bool, or the name of a bool parameter)."""
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    """Labels that select rules by what they are (``certification-deadline``), never by id."""
    text: str = ""
    """The sentence of the source text this rule implements."""

    @property
    def family(self) -> str:
        """The obligation this rule is a regime of."""
        return self.obligation or self.id

    def fact_names(self) -> tuple[str, ...]:
        names = list(self.when.fact_names())
        if self.due is not None:
            names += list(self.due.fact_names())
        return tuple(dict.fromkeys(names))

    def param_names(self) -> tuple[str, ...]:
        names = list(self.due.param_names()) if self.due is not None else []
        return tuple(dict.fromkeys([*names, *self.params]))


def _rules_tuple(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(rules)


@attrs.frozen
class RuleSet:
    """An ordered collection of rules; order breaks ties between rules due on the same date."""

    rules: tuple[Rule, ...] = attrs.field(converter=_rules_tuple)

    def __attrs_post_init__(self) -> None:
        from icoc.workflows import PROCESSES

        problems: list[Problem] = []
        ids: dict[str, Rule] = {}
        for i, r in enumerate(self.rules):
            if r.process not in PROCESSES:
                problems.append(Problem(f"rules[{i}].process", f"unknown process {r.process!r}"))
            if r.id in ids:
                problems.append(Problem(f"rules[{i}].id", f"duplicate rule id {r.id!r}"))
            ids[r.id] = r
            if r.then.event not in EVENTS_BY_TYPE.values():
                problems.append(Problem(f"rules[{i}].then", f"{r.then.event!r} is not an event type"))
        for i, r in enumerate(self.rules):
            if r.exception_of is None:
                if r.due is None:
                    problems.append(Problem(f"rules[{i}].due", f"rule {r.id} needs a due date"))
                continue
            base = ids.get(r.exception_of)
            if base is None:
                problems.append(Problem(f"rules[{i}].exception_of", f"no base rule {r.exception_of!r}"))
            elif base.exception_of is not None:
                problems.append(
                    Problem(f"rules[{i}].exception_of", "an exception refines a base rule, not another exception")
                )
            elif base.process != r.process:
                problems.append(Problem(f"rules[{i}].process", f"must watch {base.process!r} like its base rule"))
        if problems:
            raise InvalidInput(problems)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RuleError(rule_id, "no such rule in this rule set")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def tagged(self, tag: str) -> tuple[Rule, ...]:
        """The rules carrying ``tag`` (see :mod:`icoc.rules.tags`), in rule-set order."""
        return tuple(r for r in self.rules if tag in r.tags)

    def bases(self) -> Iterator[Rule]:
        return (r for r in self.rules if r.exception_of is None)

    def exceptions_of(self, base_id: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.exception_of == base_id)

    def with_rules(self, *rules: Rule) -> RuleSet:
        """A copy with ``rules`` added, or replacing rules of the same id in place."""
        new = {r.id: r for r in rules}
        kept = [new.pop(r.id, r) for r in self.rules]
        return RuleSet((*kept, *new.values()))

    def without(self, *rule_ids: str) -> RuleSet:
        """A copy without these rules (and without exceptions of a removed base rule)."""
        unknown = set(rule_ids) - set(self.ids)
        if unknown:
            raise RuleError(sorted(unknown)[0], "no such rule in this rule set")
        return RuleSet(r for r in self.rules if r.id not in rule_ids and r.exception_of not in rule_ids)

    def __add__(self, other: Iterable[Rule]) -> RuleSet:
        return self.with_rules(*other)
