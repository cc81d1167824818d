"""Rule sets as YAML or JSON documents, so users change rules without touching library code.

A document has ``rules`` (new rules, or replacements of rules with the same id), ``remove``
(ids to drop) and ``base`` (``default`` to start from the shipped rules, ``none`` for an empty
set). Conditions and due dates are unions told apart by the key an object holds
(``{fact: state, eq: member}``, ``{all: [...]}``, ``{after: ..., period: ...}``). Everything is
read by the one converter of :mod:`icoc.io`, configured here, so every problem is reported as in
a registry document, with its path (``$.rules[2].when.all[0].in``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.io import Form, Refused, converter, keyed_union, load_with, register_object, structure
from icoc.model.dates import date_problem
from icoc.model.events import EVENTS_BY_TYPE, Event
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Custom, Exists, F, In, Not, Or, Scalar
from icoc.rules._due import After, DayAfter, Due, EndOfCalendarYear, FactDate, Latest, Param, ParamDate
from icoc.rules._params import DEFAULT_PARAMETERS, Duration
from icoc.rules._rule import Citation, Emit, Period, Rule, RuleSet
from icoc.rules.default import DEFAULT_RULES
from icoc.workflows import PROCESSES

__all__ = ["load_rules", "rule_to_data", "rules_from_data"]

# --- values -------------------------------------------------------------------------------------------


def _text(value: object, _: object = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"expected text, got {preview(value)}")
    return value


def _in_range(d: date) -> date:
    problem = date_problem(d)
    if problem is not None:
        raise Refused(problem)
    return d


def _scalar(value: object, _: object = None) -> Scalar:
    """A constant a fact is compared with: text (an ISO date read as a date), an integer, a
    boolean or null."""
    if isinstance(value, str):
        try:
            d = date.fromisoformat(value) if len(value) == 10 and value[4] == "-" else None
        except ValueError:
            return value
        return value if d is None else _in_range(d)
    if type(value) is date:
        return _in_range(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    raise Refused(f"expected a string, integer, boolean or ISO date, got {preview(value)}")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):  # a ground, a kind: written by value, read back by value
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def _each(value: object, read: Any, what: str) -> list[Any]:
    """``read`` applied to every item of a list, every failure reported at its index."""
    if not isinstance(value, list):
        raise Refused(f"expected {what}, got {preview(value)}")
    out, problems = [], []
    for i, item in enumerate(value):
        try:
            out.append(read(item))
        except Refused as exc:
            problems.append(Problem(f"$[{i}]", str(exc)))
    if problems:
        raise InvalidInput(problems)
    return out


def _scalars(value: object, _: object) -> tuple[Scalar, ...]:
    return tuple(_each(value, _scalar, "a list of values"))


def _names(what: str) -> Any:
    def hook(value: object, _: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise Refused(f"expected {what}, got {preview(value)}")
        return tuple(value)

    return hook


def _list_of(what: str, *, non_empty: bool = False) -> Any:
    """A list (non-empty when asked) of values of the field's item type, each read by its hook."""

    def hook(value: object, tp: Any) -> Any:
        if not isinstance(value, list) or (non_empty and not value):
            raise Refused(f"expected a {'non-empty ' if non_empty else ''}list of {what}")
        return converter.structure(value, tp)

    return hook


def _parameter(kind: type, what: str) -> Any:
    """The name of a parameter which, when the default set defines it, holds ``kind``."""

    def hook(value: object, _: object) -> str:
        name = _text(value)
        known = DEFAULT_PARAMETERS.parameters.get(name)
        if known is not None and not isinstance(known.history[-1].value, kind):
            held = known.history[-1].value
            raise Refused(f"parameter {name} is {type(held).__name__} {preview(str(held))}, not {what}")
        return name

    return hook


# --- conditions ---------------------------------------------------------------------------------------

_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


@attrs.frozen
class _Exists:
    fact: str
    exists: bool


def _exists_true(value: object, _: object) -> bool:
    if value is not True:
        raise Refused("write {not: {fact: ..., exists: true}} for a missing fact")
    return True


def _comparison(key: str, op: str) -> Form:
    """The form ``{fact: NAME, KEY: constant}`` of ``Cmp(NAME, op, constant)``."""
    shape = attrs.make_class(f"_Cmp_{key}", {"fact": attrs.field(type=str), key: attrs.field(type=Any)}, frozen=True)
    register_object(shape, name="a fact test", hooks={"fact": _text, key: _scalar}, writers={key: _plain})
    return Form(
        key,
        shape,
        build=lambda s: Cmp(s.fact, op, getattr(s, key)),
        write=lambda c: shape(c.name, c.value) if isinstance(c, Cmp) and c.op == op else None,
    )


def _read_always(value: object) -> Condition:
    if value is True or value == "always":
        return TRUE
    raise Refused("expected a condition object ({fact: ..., eq: ...}, {all: [...]}, {any: [...]}, {not: ...})")


def _write_other(c: Condition) -> Any:
    if c is TRUE:
        return True
    if isinstance(c, Custom):  # written for people; a file cannot hold Python code, so not read back
        return {"custom": c.label}
    raise TypeError(f"cannot write condition {preview(c)}")


keyed_union(
    Condition,
    [
        Form("all", And),
        Form("any", Or),
        Form("not", Not),
        *(_comparison(key, op) for key, op in _CMP.items()),
        Form("in", In),
        Form(
            "exists",
            _Exists,
            build=lambda s: Exists(s.fact),
            write=lambda c: _Exists(c.name, True) if isinstance(c, Exists) else None,
        ),
    ],
    what="a condition",
    read_other=_read_always,
    write_other=_write_other,
)

register_object(And, name="a condition", keys={"parts": "all"}, hooks={"parts": _list_of("conditions", non_empty=True)})
register_object(Or, name="a condition", keys={"parts": "any"}, hooks={"parts": _list_of("conditions", non_empty=True)})
register_object(Not, name="a condition", keys={"part": "not"})
register_object(
    In, name="a fact test", keys={"name": "fact", "values": "in"}, hooks={"name": _text, "values": _scalars},
    writers={"values": lambda vs: [_plain(v) for v in vs]},
)  # fmt: skip
register_object(_Exists, name="a fact test", hooks={"fact": _text, "exists": _exists_true})

# --- due dates ----------------------------------------------------------------------------------------


@attrs.frozen
class _Latest:
    latest: tuple[Due, ...]


@attrs.frozen
class _LatestKnown:
    latest_known: tuple[Due, ...]


keyed_union(
    Due,
    [
        Form("fact", FactDate),
        Form("param", ParamDate),
        Form("day_after", DayAfter),
        Form("after", After),
        Form(
            "latest",
            _Latest,
            build=lambda s: Latest(s.latest),
            write=lambda d: _Latest(d.parts) if isinstance(d, Latest) and not d.known_only else None,
        ),
        Form(
            "latest_known",
            _LatestKnown,
            build=lambda s: Latest(s.latest_known, known_only=True),
            write=lambda d: _LatestKnown(d.parts) if isinstance(d, Latest) and d.known_only else None,
        ),
        Form("end_of_calendar_year", EndOfCalendarYear),
    ],
    what="a due date",
)

register_object(FactDate, name="a due date", keys={"name": "fact"}, hooks={"name": _text})
register_object(ParamDate, name="a due date", keys={"name": "param"}, hooks={"name": _parameter(date, "a date")})
register_object(DayAfter, name="a due date", keys={"deadline": "day_after"})
register_object(
    After,
    name="a due date",
    keys={"start": "after"},
    hooks={"period": lambda v, _: Param(_parameter(Duration, "a period")(v, _))},
    writers={"period": lambda p: p.name},
)
register_object(_Latest, name="a due date", hooks={"latest": _list_of("due dates", non_empty=True)})
register_object(_LatestKnown, name="a due date", hooks={"latest_known": _list_of("due dates", non_empty=True)})
register_object(
    EndOfCalendarYear,
    name="a due date",
    keys={"start": "end_of_calendar_year", "years_param": "years", "count_param": "count_joining_year"},
    hooks={"years_param": _text, "count_param": _text},
)

# --- rules --------------------------------------------------------------------------------------------


def _bound(value: object, _: object) -> date | str | None:
    """A period's end: an ISO date, or the name of a date parameter."""
    if value is None:
        return None
    if type(value) is date:
        return _in_range(value)
    if isinstance(value, str):
        try:
            d = date.fromisoformat(value)
        except ValueError:
            return value  # a date parameter's name
        return _in_range(d)
    raise Refused(f"expected an ISO date or a date parameter's name, got {preview(value)}")


def _event_type(value: object, _: object) -> type[Event]:
    event = EVENTS_BY_TYPE.get(value) if isinstance(value, str) else None
    if event is None:
        raise Refused(f"unknown event type {preview(value)}")
    return event


def _key(k: object) -> str:
    return k if isinstance(k, str) and len(k) <= 40 else preview(k, 40)


def _payload(value: object, _: object) -> dict[str, Any]:
    """Constants, or ``{fact: NAME}`` for the value of a fact when the rule fires."""
    if not isinstance(value, dict):
        raise Refused("expected an object")
    out: dict[str, Any] = {}
    problems = []
    for k, v in value.items():
        try:
            out[k] = F(_text(v["fact"])) if isinstance(v, dict) and set(v) == {"fact"} else _scalar(v)
        except Refused as exc:
            problems.append(Problem(f"$.{_key(k)}", str(exc)))
    if problems:
        raise InvalidInput(problems)
    return out


def _payload_fields(emit: Emit) -> None:
    fields = set(attrs.fields_dict(emit.event)) - {"subject", "effective", "cause"}
    unknown = [k for k in emit.payload if k not in fields]
    if unknown:
        known = ", ".join(sorted(fields)) or "none"
        raise InvalidInput(
            Problem(f"$.payload.{_key(k)}", f"not a field of {emit.event.TYPE} (fields: {known})") for k in unknown
        )


def _process(value: object, _: object) -> str:
    name = _text(value)
    if name not in PROCESSES:
        raise Refused(f"unknown process {name!r} (known: {', '.join(PROCESSES)})")
    return name


def _base_id(value: object, _: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise Refused(f"expected the id of the base rule, got {preview(value)}")
    return value


def _covers(value: object, _: object) -> bool | str:
    if not isinstance(value, (bool, str)):
        raise Refused("expected true, false or the name of a bool parameter")
    return value


register_object(Citation, name="a citation", hooks={"document": _text, "article": _text}, omit_defaults=True)


def _citation(value: object, _: object) -> Citation:
    """A rule's citation: ``{document, article, url?, mark?}`` (``mark``: confirmed, the default,
    inferred or parameter), or the short form ``"document, article"``. A rule cites an article."""
    if isinstance(value, str):
        cited = Citation.parse(_text(value))
        if not cited.article:
            raise Refused(f"expected 'document, article' or an object with document and article, got {preview(value)}")
        return cited
    cited = converter.structure(value, Citation)
    if not cited.article:
        raise InvalidInput(Problem("$.article", "required field missing"))
    return cited


register_object(
    Period, name="an effective period", hooks={"start": _bound, "end": _bound},
    writers={"start": _plain, "end": _plain}, omit_defaults=True,
)  # fmt: skip
register_object(
    Emit,
    name="an effect",
    hooks={"event": _event_type, "payload": _payload},
    writers={"event": lambda e: e.TYPE, "payload": lambda p: {k: _plain_or_fact(v) for k, v in p.items()}},
    check=_payload_fields,
)


def _plain_or_fact(value: Any) -> Any:
    return {"fact": value.name} if isinstance(value, F) else _plain(value)


_ORDER = ("id", "title", "citation", "process", "due", "when", "then", "effective")
"""Keys written first, in this order (the rest follow in field order)."""

register_object(
    Rule,
    name="a rule",
    hooks={
        "id": _text,
        "title": _text,
        "citation": _citation,
        "process": _process,
        "exception_of": _base_id,
        "params": _names("a list of parameter names"),
        "obligation": _text,
        "covers_existing": _covers,
        "tags": lambda v, _: frozenset(_names("a list of strings")(v, _)),
        "text": _text,
    },
    writers={"params": list, "tags": sorted},
    omit_defaults=True,
    always=("when",),
)


@attrs.frozen
class _RuleFile:
    """The shape of a rule-set document."""

    base: str = "default"
    remove: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()


def _base(value: object, _: object) -> str:
    if value not in ("default", "none"):
        raise Refused("expected 'default' or 'none'")
    return str(value)


register_object(
    _RuleFile,
    name="a rule set",
    hooks={"base": _base, "remove": _names("a list of rule ids"), "rules": _list_of("rules")},
)

# --- reading and writing ------------------------------------------------------------------------------


def _in_order(problems: Iterable[Problem], keys: Iterable[str]) -> list[Problem]:
    """``problems`` ordered by the top-level key they concern (stable within one key)."""
    rank = {k: i for i, k in enumerate(keys)}

    def key(p: Problem) -> int:
        top = p.path.removeprefix("$.").split(".", 1)[0].split("[", 1)[0]
        return rank.get(top, -1)

    return sorted(problems, key=key)


def rules_from_data(data: Any, base: RuleSet | None = None) -> RuleSet:
    """A rule set from plain data (parsed YAML/JSON); see the module docstring for the shape.

    Raises :class:`icoc.errors.InvalidInput` listing every problem with its path
    (``$.rules[0].when.in: expected a list of values, got 3``)."""
    problems: list[Problem] = []
    doc: _RuleFile | None = None
    try:
        doc = structure(data, _RuleFile)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    raw = data if isinstance(data, dict) else {}
    start = doc.base if doc is not None else raw.get("base", "default")
    ruleset = base if base is not None else (DEFAULT_RULES if start == "default" else RuleSet(()))
    removed = raw.get("remove", [])
    if isinstance(removed, list):
        problems += [
            Problem(f"$.remove[{i}]", f"no rule {preview(rid)} to remove")
            for i, rid in enumerate(removed)
            if isinstance(rid, str) and rid not in ruleset.ids
        ]
    listed = raw.get("rules", [])
    if isinstance(listed, list):  # a second rule with the same id would silently replace the first
        first: dict[str, int] = {}
        for i, item in enumerate(listed):
            rid = item.get("id") if isinstance(item, dict) else None
            if isinstance(rid, str) and rid in first:
                message = f"rule {preview(rid)} is already given at $.rules[{first[rid]}]"
                problems.append(Problem(f"$.rules[{i}].id", message))
            elif isinstance(rid, str):
                first[rid] = i
    if problems or doc is None:
        raise InvalidInput(_in_order(problems, attrs.fields_dict(_RuleFile)))
    if doc.remove:
        ruleset = ruleset.without(*doc.remove)
    return ruleset.with_rules(*doc.rules)


def load_rules(path: str | Path, base: RuleSet | None = None) -> RuleSet:
    """Read a rule-set document from a ``.json``, ``.yaml`` or ``.yml`` file; problems name the
    file and the path inside it (``rules.yaml:$.rules[0].then.event: unknown event type 'zzz'``)."""
    return load_with(path, lambda data: rules_from_data(data, base))


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """A rule as plain data in the file format (``rules_from_data`` reads it back)."""
    data: Mapping[str, Any] = converter.unstructure(rule)
    return {**{k: data[k] for k in _ORDER if k in data}, **{k: v for k, v in data.items() if k not in _ORDER}}
