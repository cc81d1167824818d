"""Validators for model fields that fail with :class:`icoc.errors.InvalidInput`, for the model's
records and for the records other packages (rules, eligibility) and applications build on them.

attrs' own validators raise ``TypeError``/``ValueError`` with messages about Python types;
these name the class, the field and the domain reason instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}")
"""Matched whole (``fullmatch``): a trailing newline is not part of any id."""
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
"""An ISO 3166-1 alpha-2 country code; match it whole (``fullmatch``)."""


def invalid(instance: object, field: str, message: str) -> InvalidInput:
    """An InvalidInput whose path is ``ClassName.field``."""
    return InvalidInput(Problem(f"{type(instance).__name__}.{field}", message))


def _describe(value: object, attribute: attrs.Attribute[Any] | None = None) -> str:
    """The type and a bounded preview of ``value``; only the type for a field above public, so an
    error message never repeats a confidential value (``str [redacted: confidential]``)."""
    level = int(((attribute.metadata or {}) if attribute is not None else {}).get("icoc.sensitivity", 0))
    if level:
        names = ("public", "members", "company", "secretariat", "confidential")
        return f"{type(value).__name__} [redacted: {names[min(level, 4)]}]"
    return f"{type(value).__name__} {preview(value)}"


def typed(tp: type | tuple[type, ...], what: str | None = None) -> _Validator:
    """The value is an instance of ``tp`` (``bool`` is not accepted where ``int`` is asked)."""
    name = what or (tp.__name__ if isinstance(tp, type) else " or ".join(t.__name__ for t in tp))

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tp) or (isinstance(value, bool) and tp is int):
            raise invalid(instance, attribute.name, f"expected {name}, got {_describe(value, attribute)}")
        if isinstance(value, date) and type(value) is not date and tp is date:
            raise invalid(instance, attribute.name, f"expected a date, got {_describe(value, attribute)}")

    return check


def optional(inner: _Validator) -> _Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A non-empty string without surrounding blanks."""
    if not isinstance(value, str):
        raise invalid(instance, attribute.name, f"expected text, got {_describe(value, attribute)}")
    if not value.strip():
        raise invalid(instance, attribute.name, "must not be empty")


def identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Ids are short, printable and safe in paths, URLs and file names."""
    if not isinstance(value, str):
        raise invalid(instance, attribute.name, f"expected an id string, got {_describe(value, attribute)}")
    if not ID_PATTERN.fullmatch(value):
        raise invalid(
            instance,
            attribute.name,
            f"{preview(value)} is not a valid id "
            "(letters, digits and . _ : / -, at most 80, starting with a letter or digit)",
        )


def country(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An ISO 3166-1 alpha-2 code, upper case."""
    if not isinstance(value, str) or not COUNTRY_PATTERN.fullmatch(value):
        raise invalid(instance, attribute.name, f"expected an ISO 3166 alpha-2 code such as 'CH', got {preview(value)}")


def a_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not date:
        raise invalid(instance, attribute.name, f"expected a date, got {_describe(value, attribute)}")


def tuple_of(item: _Validator | type) -> _Validator:
    """A tuple whose every item passes ``item`` (a validator or a type)."""
    inner = typed(item) if isinstance(item, type) else item

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise invalid(instance, attribute.name, f"expected a tuple, got {_describe(value, attribute)}")
        for i, v in enumerate(value):
            try:
                inner(instance, attribute, v)
            except InvalidInput as exc:
                raise InvalidInput(Problem(f"{p.path}[{i}]", p.message) for p in exc.problems) from None

    return check


def not_before(other: str, reason: str) -> _Validator:
    """This date field is on or after the date field ``other`` (when both are set)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        earlier = getattr(instance, other)
        if value is not None and earlier is not None and value < earlier:
            raise invalid(
                instance,
                attribute.name,
                f"{value.isoformat()} is before {other} {earlier.isoformat()}: {reason}",
            )

    return check


def after(other: str, reason: str) -> _Validator:
    """This date field is strictly after the date field ``other`` (when both are set)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        earlier = getattr(instance, other)
        if value is not None and earlier is not None and value <= earlier:
            raise invalid(
                instance,
                attribute.name,
                f"{value.isoformat()} is not after {other} {earlier.isoformat()}: {reason}",
            )

    return check


def enum(tp: type[Enum]) -> _Validator:
    """A member of ``tp``; a field holding one of its values (``"member"``) gets the member.

    Why here rather than in an attrs converter: attrs' mypy plugin cannot type a converter made
    per enum, and a converter cannot name the class and field in its error. So the declared type
    stays exact for type checkers, plain values work at run time, and a value that is no member
    fails naming the enum to use. The field is set once, inside ``__init__``, before the instance
    is seen by anyone (attrs sets frozen fields the same way). An item of a tuple field is only
    checked, not replaced.
    """
    by_value = {m.value: m for m in tp}

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, tp):
            return
        member = by_value.get(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if member is not None and getattr(instance, attribute.name, None) is value:
            object.__setattr__(instance, attribute.name, member)
            return
        allowed = ", ".join(repr(m.value) for m in tp)
        raise invalid(
            instance, attribute.name, f"expected {tp.__name__} (one of {allowed}), got {_describe(value, attribute)}"
        )

    return check


def enums(tp: type[Enum]) -> _Validator:
    """A tuple of members of ``tp``; a tuple holding their values (``("land",)``) gets the members."""
    by_value = {m.value: m for m in tp}
    each = tuple_of(enum(tp))

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, tuple) and not all(isinstance(m, tp) for m in value):
            members = tuple(by_value.get(m, m) if isinstance(m, str | int) else m for m in value)
            if all(isinstance(m, tp) for m in members) and getattr(instance, attribute.name, None) is value:
                object.__setattr__(instance, attribute.name, members)
                value = members
        each(instance, attribute, value)

    return check


def int_range(lo: int, hi: int | None = None) -> _Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(instance, attribute.name, f"expected an integer, got {_describe(value, attribute)}")
        if value < lo or (hi is not None and value > hi):
            bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise invalid(instance, attribute.name, f"{value} is not {bound}")

    return check


def unique(key: Callable[[Any], object], what: str) -> _Validator:
    """No two items of a tuple share ``key``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        seen: dict[object, int] = {}
        for i, v in enumerate(value):
            k = key(v)
            if k in seen:
                raise invalid(
                    instance,
                    f"{attribute.name}[{i}]",
                    f"duplicate {what} {k!r} (first at index {seen[k]})",
                )
            seen[k] = i

    return check
