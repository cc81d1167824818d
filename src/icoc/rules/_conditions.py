"""The rule condition language: a small tree over a subject's facts.

Facts are a flat mapping of names to ints, strings, bools or dates. The safe subset — constant
comparisons, membership in a constant set, existence, and/or/not — compiles to durable-rules;
``Custom`` (any Python predicate) runs on the native backend only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import attrs

from icoc.errors import preview

__all__ = ["And", "Cmp", "Condition", "Custom", "Exists", "F", "In", "Not", "Or", "TRUE", "Scalar"]

Scalar = int | str | bool | date | None
Facts = Mapping[str, Scalar]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a is not None and a < b,
    "<=": lambda a, b: a is not None and a <= b,
    ">": lambda a, b: a is not None and a > b,
    ">=": lambda a, b: a is not None and a >= b,
}


class Condition:
    """Base class: evaluate on facts, list the facts used, combine with ``&``, ``|``, ``~``."""

    def holds(self, facts: Facts) -> bool:
        raise NotImplementedError

    def fact_names(self) -> Iterator[str]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def __and__(self, other: Condition) -> Condition:
        return And((self, other))

    def __or__(self, other: Condition) -> Condition:
        return Or((self, other))

    def __invert__(self) -> Condition:
        return Not(self)


@attrs.frozen(eq=False)
class F:
    """A reference to a fact by name: ``F("state") == "member"``, ``F("state").in_(...)``."""

    name: str

    def __eq__(self, other: object) -> Any:
        if isinstance(other, F):  # comparing references (rules compared for equality)
            return self.name == other.name
        return Cmp(self.name, "==", _scalar(other))

    def __ne__(self, other: object) -> Any:
        if isinstance(other, F):
            return self.name != other.name
        return Cmp(self.name, "!=", _scalar(other))

    def __lt__(self, other: Scalar) -> Cmp:
        return Cmp(self.name, "<", other)

    def __le__(self, other: Scalar) -> Cmp:
        return Cmp(self.name, "<=", other)

    def __gt__(self, other: Scalar) -> Cmp:
        return Cmp(self.name, ">", other)

    def __ge__(self, other: Scalar) -> Cmp:
        return Cmp(self.name, ">=", other)

    def __hash__(self) -> int:
        return hash(self.name)

    def in_(self, *values: Scalar) -> In:
        return In(self.name, tuple(values))

    def exists(self) -> Exists:
        return Exists(self.name)


def _scalar(x: object) -> Scalar:
    if x is None or isinstance(x, (int, str, bool, date)):
        return x
    raise TypeError(f"rule conditions compare facts with ints, strings, bools or dates, not {preview(x)}")


@attrs.frozen
class Cmp(Condition):
    """A fact compared with a constant."""

    name: str
    op: str
    value: Scalar

    def holds(self, facts: Facts) -> bool:
        return _OPS[self.op](facts.get(self.name), self.value)

    def fact_names(self) -> Iterator[str]:
        yield self.name

    def describe(self) -> str:
        return f"{self.name} {self.op} {self.value!r}"


@attrs.frozen
class In(Condition):
    """The fact ``name`` equals one of ``values``."""

    name: str
    values: tuple[Scalar, ...]

    def holds(self, facts: Facts) -> bool:
        return facts.get(self.name) in self.values

    def fact_names(self) -> Iterator[str]:
        yield self.name

    def describe(self) -> str:
        return f"{self.name} in {list(self.values)!r}"


@attrs.frozen
class Exists(Condition):
    """The fact ``name`` is known (not None)."""

    name: str

    def holds(self, facts: Facts) -> bool:
        return facts.get(self.name) is not None

    def fact_names(self) -> Iterator[str]:
        yield self.name

    def describe(self) -> str:
        return f"{self.name} is known"


@attrs.frozen
class And(Condition):
    """Every one of ``parts`` holds (``a & b`` builds one)."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        return all(p.holds(facts) for p in self.parts)

    def fact_names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.fact_names()

    def describe(self) -> str:
        return " and ".join(f"({p.describe()})" for p in self.parts)


@attrs.frozen
class Or(Condition):
    """At least one of ``parts`` holds (``a | b`` builds one)."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        return any(p.holds(facts) for p in self.parts)

    def fact_names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.fact_names()

    def describe(self) -> str:
        return " or ".join(f"({p.describe()})" for p in self.parts)


@attrs.frozen
class Not(Condition):
    """``part`` does not hold (``~a`` builds one)."""

    part: Condition

    def holds(self, facts: Facts) -> bool:
        return not self.part.holds(facts)

    def fact_names(self) -> Iterator[str]:
        yield from self.part.fact_names()

    def describe(self) -> str:
        return f"not ({self.part.describe()})"


@attrs.frozen
class _True(Condition):
    def holds(self, facts: Facts) -> bool:
        return True

    def fact_names(self) -> Iterator[str]:
        return iter(())

    def describe(self) -> str:
        return "always"


TRUE: Condition = _True()
"""The condition that always holds: a rule with it applies whenever it is in force."""


@attrs.frozen
class Custom(Condition):
    """Any Python predicate over the facts; native backend only (the durable compiler refuses it)."""

    label: str
    fn: Callable[[Facts], bool] = attrs.field(eq=False)
    uses: tuple[str, ...] = ()

    def holds(self, facts: Facts) -> bool:
        return self.fn(facts)

    def fact_names(self) -> Iterator[str]:
        yield from self.uses

    def describe(self) -> str:
        return self.label
