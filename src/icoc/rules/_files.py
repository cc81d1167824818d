"""Rule sets as YAML or JSON documents, so users change rules without touching library code.

A document has ``rules`` (new rules, or replacements of rules with the same id), ``remove``
(ids to drop) and ``base`` (``default`` to start from the shipped rules, ``none`` for an empty
set). Conditions, due dates and effects use a small vocabulary; every problem is reported with
its path (``$.rules[2].when.all[0].in``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.dates import date_problem
from icoc.model.events import EVENTS_BY_TYPE
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Custom, Exists, In, Not, Or
from icoc.rules._due import After, DayAfter, Due, EndOfCalendarYear, FactDate, Latest, Param, ParamDate
from icoc.rules._params import DEFAULT_PARAMETERS, Duration
from icoc.rules._rule import Citation, Emit, Period, Rule, RuleSet

__all__ = ["load_rules", "rule_to_data", "rules_from_data"]

_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_CMP_NAME = {v: k for k, v in _CMP.items()}


class _Errors:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


def _obj(x: Any, path: str, errs: _Errors, keys: set[str], required: set[str] = frozenset()) -> dict[str, Any] | None:  # type: ignore[assignment]
    if not isinstance(x, dict):
        errs.add(path, f"expected an object, got {type(x).__name__}")
        return None
    for k in sorted(set(x) - keys):
        errs.add(f"{path}.{k}", f"unknown key (expected one of {', '.join(sorted(keys))})")
    for k in sorted(required - set(x)):
        errs.add(f"{path}.{k}", "required field missing")
    return x


def _text(x: Any, path: str, errs: _Errors) -> str:
    if not isinstance(x, str) or not x.strip():
        errs.add(path, f"expected text, got {preview(x)}")
        return ""
    return x


def _scalar(x: Any, path: str, errs: _Errors) -> Any:
    if isinstance(x, str):
        try:
            d = date.fromisoformat(x) if len(x) == 10 and x[4] == "-" else None
        except ValueError:
            return x
        if d is None:
            return x
        return _in_range(d, path, errs)
    if type(x) is date:
        return _in_range(x, path, errs)
    if x is None or isinstance(x, (bool, int)):
        return x
    errs.add(path, f"expected a string, integer, boolean or ISO date, got {preview(x)}")
    return None


def _condition(x: Any, path: str, errs: _Errors) -> Condition:
    if x is True or x == "always":
        return TRUE
    if not isinstance(x, dict):
        errs.add(path, "expected a condition object ({fact: ..., eq: ...}, {all: [...]}, {any: [...]}, {not: ...})")
        return TRUE
    if "all" in x or "any" in x:
        key = "all" if "all" in x else "any"
        _obj(x, path, errs, {key})
        parts = x[key]
        if not isinstance(parts, list) or not parts:
            errs.add(f"{path}.{key}", "expected a non-empty list of conditions")
            return TRUE
        conds = tuple(_condition(p, f"{path}.{key}[{i}]", errs) for i, p in enumerate(parts))
        return And(conds) if key == "all" else Or(conds)
    if "not" in x:
        _obj(x, path, errs, {"not"})
        return Not(_condition(x["not"], f"{path}.not", errs))
    ops = set(x) & ({"in", "exists"} | set(_CMP))
    _obj(x, path, errs, {"fact", "in", "exists", *_CMP}, {"fact"})
    name = _text(x.get("fact"), f"{path}.fact", errs)
    if len(ops) != 1:
        errs.add(path, "a fact test has exactly one of eq, ne, lt, le, gt, ge, in, exists")
        return TRUE
    (op,) = ops
    if op == "in":
        values = x["in"]
        if not isinstance(values, list):
            errs.add(f"{path}.in", "expected a list of values")
            return TRUE
        return In(name, tuple(_scalar(v, f"{path}.in[{i}]", errs) for i, v in enumerate(values)))
    if op == "exists":
        if x["exists"] is not True:
            errs.add(f"{path}.exists", "write {not: {fact: ..., exists: true}} for a missing fact")
        return Exists(name)
    return Cmp(name, _CMP[op], _scalar(x[op], f"{path}.{op}", errs))


def _param_kind(name: str, kind: type, what: str, path: str, errs: _Errors) -> None:
    """A parameter the default set defines must hold ``kind`` (a date where a date is due)."""
    known = DEFAULT_PARAMETERS.parameters.get(name)
    if known is not None and not isinstance(known.history[-1].value, kind):
        value = known.history[-1].value
        errs.add(path, f"parameter {name} is {type(value).__name__} {preview(str(value))}, not {what}")


def _due(x: Any, path: str, errs: _Errors) -> Due | None:
    if not isinstance(x, dict) or len(x) == 0:
        errs.add(path, "expected a due-date object such as {fact: due} or {after: ..., period: ...}")
        return None
    if "fact" in x:
        _obj(x, path, errs, {"fact"})
        return FactDate(_text(x["fact"], f"{path}.fact", errs))
    if "param" in x:
        _obj(x, path, errs, {"param"})
        name = _text(x["param"], f"{path}.param", errs)
        _param_kind(name, date, "a date", f"{path}.param", errs)
        return ParamDate(name)
    if "day_after" in x:
        _obj(x, path, errs, {"day_after"})
        inner = _due(x["day_after"], f"{path}.day_after", errs)
        return DayAfter(inner) if inner else None
    if "after" in x:
        _obj(x, path, errs, {"after", "period"}, {"period"})
        inner = _due(x["after"], f"{path}.after", errs)
        period = _text(x.get("period"), f"{path}.period", errs)
        _param_kind(period, Duration, "a period", f"{path}.period", errs)
        return After(inner, Param(period)) if inner else None
    for form in ("latest", "latest_known"):
        if form in x:
            _obj(x, path, errs, {form})
            if not isinstance(x[form], list) or not x[form]:
                errs.add(f"{path}.{form}", "expected a non-empty list")
                return None
            parts = [_due(p, f"{path}.{form}[{i}]", errs) for i, p in enumerate(x[form])]
            return Latest(tuple(p for p in parts if p is not None), known_only=form == "latest_known")
    if "end_of_calendar_year" in x:
        _obj(x, path, errs, {"end_of_calendar_year", "years", "count_joining_year"}, {"years", "count_joining_year"})
        inner = _due(x["end_of_calendar_year"], f"{path}.end_of_calendar_year", errs)
        years = _text(x.get("years"), f"{path}.years", errs)
        count = _text(x.get("count_joining_year"), f"{path}.count_joining_year", errs)
        return EndOfCalendarYear(inner, years, count) if inner else None
    errs.add(
        path,
        f"unknown due-date form {sorted(x)} "
        "(fact, param, day_after, after, latest, latest_known, end_of_calendar_year)",
    )
    return None


def _in_range(d: date, path: str, errs: _Errors) -> date | None:
    problem = date_problem(d)
    if problem is None:
        return d
    errs.add(path, problem)
    return None


def _bound(x: Any, path: str, errs: _Errors) -> date | str | None:
    if x is None:
        return x
    if type(x) is date:
        return _in_range(x, path, errs)
    if isinstance(x, str):
        try:
            return _in_range(date.fromisoformat(x), path, errs)
        except ValueError:
            return x  # a date parameter's name
    errs.add(path, f"expected an ISO date or a date parameter's name, got {preview(x)}")
    return None


def _rule(x: Any, path: str, errs: _Errors) -> Rule | None:
    keys = {
        "id",
        "title",
        "citation",
        "process",
        "due",
        "when",
        "then",
        "effective",
        "exception_of",
        "params",
        "obligation",
        "covers_existing",
        "tags",
        "text",
    }
    before = len(errs.problems)
    obj = _obj(x, path, errs, keys, {"id", "title", "citation", "process", "then"})
    if obj is None:
        return None
    exception_of = obj.get("exception_of")
    if exception_of is not None and not isinstance(exception_of, str):
        errs.add(f"{path}.exception_of", f"expected the id of the base rule, got {preview(exception_of)}")
    params = obj.get("params", [])
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        errs.add(f"{path}.params", f"expected a list of parameter names, got {preview(params)}")
    cit = _obj(obj.get("citation"), f"{path}.citation", errs, {"document", "article", "url"}, {"document", "article"})
    cit = cit or {}
    citation = Citation(
        document=_text(cit["document"], f"{path}.citation.document", errs) if "document" in cit else "",
        article=_text(cit["article"], f"{path}.citation.article", errs) if "article" in cit else "",
        url=cit.get("url"),
    )
    then = _obj(obj.get("then"), f"{path}.then", errs, {"event", "payload"}, {"event"}) or {}
    event_type = EVENTS_BY_TYPE.get(then.get("event", ""))
    if event_type is None:
        errs.add(f"{path}.then.event", f"unknown event type {preview(then.get('event'))}")
    payload_raw = then.get("payload", {})
    payload: dict[str, Any] = {}
    if not isinstance(payload_raw, dict):
        errs.add(f"{path}.then.payload", "expected an object")
    else:
        from icoc.rules._conditions import F

        fields = set(attrs.fields_dict(event_type)) - {"subject", "effective", "cause"} if event_type else None
        for k, val in payload_raw.items():
            if fields is not None and k not in fields:
                errs.add(
                    f"{path}.then.payload.{k if isinstance(k, str) and len(k) <= 40 else preview(k, 40)}",
                    f"not a field of {then.get('event')} (fields: {', '.join(sorted(fields)) or 'none'})",
                )
                continue
            if isinstance(val, dict) and set(val) == {"fact"}:
                payload[k] = F(val["fact"])
            else:
                payload[k] = _scalar(val, f"{path}.then.payload.{k}", errs)
    eff = _obj(obj.get("effective", {}), f"{path}.effective", errs, {"start", "end", "end_before"}) or {}
    period = Period(
        start=_bound(eff.get("start"), f"{path}.effective.start", errs),
        end=_bound(eff.get("end"), f"{path}.effective.end", errs),
        end_before=eff.get("end_before"),
    )
    due = _due(obj["due"], f"{path}.due", errs) if "due" in obj else None
    when = _condition(obj.get("when", True), f"{path}.when", errs)
    obligation = _text(obj["obligation"], f"{path}.obligation", errs) if "obligation" in obj else None
    covers = obj.get("covers_existing", False)
    if not isinstance(covers, (bool, str)):
        errs.add(f"{path}.covers_existing", "expected true, false or the name of a bool parameter")
        covers = False
    tags = obj.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errs.add(f"{path}.tags", "expected a list of strings")
        tags = []
    text = _text(obj["text"], f"{path}.text", errs) if "text" in obj else ""
    if len(errs.problems) > before or event_type is None:
        return None
    return Rule(
        id=_text(obj["id"], f"{path}.id", errs),
        title=_text(obj["title"], f"{path}.title", errs),
        citation=citation,
        process=_text(obj["process"], f"{path}.process", errs),
        due=due,
        when=when,
        then=Emit(event=event_type, payload=payload),
        effective=period,
        exception_of=exception_of,
        params=tuple(params),
        obligation=obligation,
        covers_existing=covers,
        tags=frozenset(tags),
        text=text,
    )


def rules_from_data(data: Any, base: RuleSet | None = None) -> RuleSet:
    """A rule set from plain data (parsed YAML/JSON); see the module docstring for the shape."""
    from icoc.rules.default import DEFAULT_RULES
    from icoc.workflows import PROCESSES

    errs = _Errors()
    doc = _obj(data, "$", errs, {"base", "rules", "remove"})
    if doc is None:
        raise InvalidInput(errs.problems)
    start = doc.get("base", "default")
    if start not in ("default", "none"):
        errs.add("$.base", "expected 'default' or 'none'")
    ruleset = base if base is not None else (DEFAULT_RULES if start == "default" else RuleSet(()))
    removed = doc.get("remove", [])
    if not isinstance(removed, list):
        errs.add("$.remove", "expected a list of rule ids")
        removed = []
    for i, rid in enumerate(removed):
        if rid not in ruleset.ids:
            errs.add(f"$.remove[{i}]", f"no rule {preview(rid)} to remove")
    raw = doc.get("rules", [])
    if not isinstance(raw, list):
        errs.add("$.rules", "expected a list of rules")
        raw = []
    rules = []
    for i, r in enumerate(raw):
        rule = _rule(r, f"$.rules[{i}]", errs)
        if rule is not None:
            if rule.process not in PROCESSES:
                errs.add(f"$.rules[{i}].process", f"unknown process {rule.process!r} (known: {', '.join(PROCESSES)})")
            rules.append(rule)
    if errs.problems:
        raise InvalidInput(errs.problems)
    valid_removed = [r for r in removed if r in ruleset.ids]
    if valid_removed:
        ruleset = ruleset.without(*valid_removed)
    return ruleset.with_rules(*rules)


def load_rules(path: str | Path, base: RuleSet | None = None) -> RuleSet:
    """Read a rule-set document from a ``.json``, ``.yaml`` or ``.yml`` file."""
    from icoc.io import load_with

    return load_with(path, lambda data: rules_from_data(data, base))


def _condition_data(c: Condition) -> Any:
    if c is TRUE:
        return True
    if isinstance(c, Cmp):
        return {"fact": c.name, _CMP_NAME[c.op]: _plain(c.value)}
    if isinstance(c, In):
        return {"fact": c.name, "in": [_plain(v) for v in c.values]}
    if isinstance(c, Exists):
        return {"fact": c.name, "exists": True}
    if isinstance(c, And):
        return {"all": [_condition_data(p) for p in c.parts]}
    if isinstance(c, Or):
        return {"any": [_condition_data(p) for p in c.parts]}
    if isinstance(c, Not):
        return {"not": _condition_data(c.part)}
    if isinstance(c, Custom):
        return {"custom": c.label}
    raise TypeError(f"cannot write condition {preview(c)}")


def _due_data(d: Due) -> Any:
    if isinstance(d, FactDate):
        return {"fact": d.name}
    if isinstance(d, ParamDate):
        return {"param": d.name}
    if isinstance(d, DayAfter):
        return {"day_after": _due_data(d.deadline)}
    if isinstance(d, After):
        return {"after": _due_data(d.start), "period": d.period.name}
    if isinstance(d, Latest):
        return {"latest_known" if d.known_only else "latest": [_due_data(p) for p in d.parts]}
    if isinstance(d, EndOfCalendarYear):
        return {"end_of_calendar_year": _due_data(d.start), "years": d.years_param, "count_joining_year": d.count_param}
    raise TypeError(f"cannot write due date {preview(d)}")


def _plain(v: Any) -> Any:
    if isinstance(v, Enum):  # a ground, a kind: written by value, read back by value
        return v.value
    return v.isoformat() if isinstance(v, date) else v


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """A rule as plain data in the file format (``rules_from_data`` reads it back)."""
    out: dict[str, Any] = {
        "id": rule.id,
        "title": rule.title,
        "citation": {"document": rule.citation.document, "article": rule.citation.article},
        "process": rule.process,
    }
    if rule.citation.url:
        out["citation"]["url"] = rule.citation.url
    if rule.due is not None:
        out["due"] = _due_data(rule.due)
    out["when"] = _condition_data(rule.when)
    payload: Mapping[str, Any] = rule.then.payload
    from icoc.rules._conditions import F

    out["then"] = {
        "event": rule.then.event.TYPE,
        "payload": {k: ({"fact": v.name} if isinstance(v, F) else _plain(v)) for k, v in payload.items()},
    }
    eff = {k: _plain(getattr(rule.effective, k)) for k in ("start", "end", "end_before") if getattr(rule.effective, k)}
    if eff:
        out["effective"] = eff
    if rule.exception_of:
        out["exception_of"] = rule.exception_of
    if rule.params:
        out["params"] = list(rule.params)
    if rule.obligation:
        out["obligation"] = rule.obligation
    if rule.covers_existing:
        out["covers_existing"] = rule.covers_existing
    if rule.tags:
        out["tags"] = sorted(rule.tags)
    if rule.text:
        out["text"] = rule.text
    return out
