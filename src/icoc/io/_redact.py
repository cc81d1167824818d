"""Audience-aware exports: every field above the audience's level is replaced by a visible marker.

The value is first unstructured by the one converter, then walked beside the object it came from:
each attrs field's level (:func:`icoc.model.sensitivity.level_of`) decides whether the audience
sees it. A field the audience may not see becomes a marker of the same shape where one exists, so
the result still loads:

- a text field (declared ``str`` or ``str | None``): the string ``"[redacted: <level>]"``;
- another optional field: ``null``;
- a nested attrs object: the same object with every one of its fields replaced by a marker;
- a tuple: ``[]``; another field with a default: its default;
- anything else: the text marker (such a document does not load back).

Each redacted field's JSON path is listed in a top-level note, ``"redacted": {"audience": ...,
"paths": [...]}``, when the exported value is an object; the loader accepts and drops the note.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.io import _convert
from icoc.io._parse import guarded
from icoc.model.events import Fact
from icoc.model.sensitivity import PAYLOAD_KEY, Audience, Sensitivity, level_of

__all__ = ["NOTE_KEY", "marker", "redact", "sensitivity_table", "structure", "strip_note", "unstructure"]

T = TypeVar("T")

NOTE_KEY = "redacted"
"""The top-level key of the note that lists what an export left out."""


_FACTORY: type[Any] = type(attrs.Factory(list))


def marker(level: Sensitivity) -> str:
    """The text that stands in for a value at ``level``: ``[redacted: confidential]``."""
    return f"[redacted: {level.label}]"


@cache
def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # annotations that cannot be resolved here (a class defined in exec'd code)
        return {a.name: a.type for a in attrs.fields(cls)}


@cache
def _levels(cls: type) -> tuple[tuple[attrs.Attribute[Any], Sensitivity], ...]:
    return tuple((a, level_of(a)) for a in attrs.fields(cls))


def _union_args(tp: Any) -> tuple[Any, ...]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        return get_args(tp)
    return (tp,)


def _placeholder(cls: type, field: attrs.Attribute[Any], level: Sensitivity) -> Any:
    """What a hidden field of ``cls`` becomes: a marker that keeps its shape where possible."""
    tp = _hints(cls).get(field.name, Any)
    if isinstance(tp, str):  # an unresolved annotation: read its text
        names = {part.strip() for part in tp.replace("Optional[", "").rstrip("]").split("|")}
        if "str" in names:
            return marker(level)
        if "None" in names:
            return None
    options = _union_args(tp)
    if str in options:
        return marker(level)
    if type(None) in options:
        return None
    if isinstance(tp, type) and attrs.has(tp):
        return _blank(tp, level)
    if get_origin(tp) is tuple:
        return []
    default: Any = field.default
    if default is attrs.NOTHING:
        return marker(level)
    if isinstance(default, _FACTORY):
        return marker(level) if default.takes_self else _convert.unstructure(default.factory())
    return _convert.unstructure(default)


def _blank(cls: type, level: Sensitivity) -> dict[str, Any]:
    """An object of ``cls`` with every field hidden at ``level``."""
    out: dict[str, Any] = {}
    tag = getattr(cls, "TYPE", None)
    if isinstance(tag, str) and tag:
        out["type"] = tag
    for field, _ in _levels(cls):
        out[field.name] = _placeholder(cls, field, level)
    return out


def _owners(obj: object) -> dict[str, str]:
    """Case, complaint and plan ids -> the member they concern, from everything inside ``obj``.

    Events about a case name the case, not the company; this index lets the company audience see
    its own case data in a history or a registry document.
    """
    from icoc.model.events import Event

    index: dict[str, str] = {}
    stack: list[object] = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, (tuple, list)):
            stack.extend(x)
        elif isinstance(x, Mapping):
            stack.extend(x.values())
        elif attrs.has(cls := type(x)):
            company = getattr(x, "company", None) if _has_field(cls, "company") else None
            ident = getattr(x, "id", None) if _has_field(cls, "id") else None
            if isinstance(company, str):
                if isinstance(x, Event):
                    index.setdefault(x.subject, company)
                elif isinstance(ident, str):
                    index.setdefault(ident, company)
            for field, _ in _levels(cls):
                value = getattr(x, field.name)
                if isinstance(value, (tuple, list, Mapping)) or attrs.has(type(value)):
                    stack.append(value)
    return index


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(a.name for a in attrs.fields(cls))


def _has_field(cls: type, name: str) -> bool:
    return name in _field_names(cls)


def _owner(obj: Any, inherited: str | None, index: Mapping[str, str]) -> str | None:
    """The member a record concerns: its ``company`` (or ``member``), a member's own id, an
    event's subject (through the index for cases and complaints), else the enclosing record's."""
    from icoc.model.events import Event
    from icoc.model.members import CivilSocietyOrganisation, Company, Government, Observer

    cls = type(obj)
    for name in ("company", "member"):
        if _has_field(cls, name):
            value = getattr(obj, name)
            if isinstance(value, str):
                return value
    if isinstance(obj, (Company, CivilSocietyOrganisation, Government, Observer)):
        return obj.id
    if isinstance(obj, Event):
        return index.get(obj.subject, obj.subject)
    if inherited is None and _has_field(cls, "subject") and isinstance(subject := obj.subject, str):
        return index.get(subject, subject)  # an explanation of a member's (or its case's) history
    return inherited


class _Walk:
    def __init__(self, audience: Audience, index: Mapping[str, str]) -> None:
        self.audience = audience
        self.index = index
        self.paths: list[str] = []

    def value(self, obj: Any, data: Any, path: str, owner: str | None) -> Any:
        cls = type(obj)
        if attrs.has(cls) and isinstance(data, dict):
            owner = _owner(obj, owner, self.index)
            out = dict(data)
            for field, level in _levels(cls):
                name = field.name
                if name not in out:
                    continue
                where = f"{path}.{name}"
                if self.audience.sees(level, owner):
                    out[name] = self.value(getattr(obj, name), out[name], where, owner)
                else:
                    out[name] = _placeholder(cls, field, level)
                    self.paths.append(where)
            if isinstance(obj, Fact) and "value" in out and not self.audience.sees(obj.level, owner):
                # A fact carries the level of the field it was read from.
                out["value"] = marker(obj.level)
                self.paths.append(f"{path}.value")
            for field in attrs.fields(cls):
                if field.metadata.get(PAYLOAD_KEY) and isinstance(out.get(field.name), dict):
                    out[field.name] = self.instance_data(obj, out[field.name], f"{path}.{field.name}")
            return out
        if isinstance(obj, (tuple, list)) and isinstance(data, list) and len(obj) == len(data):
            return [self.value(o, d, f"{path}[{i}]", owner) for i, (o, d) in enumerate(zip(obj, data, strict=True))]
        if isinstance(obj, Mapping) and isinstance(data, dict):
            return {k: self.value(obj[k], d, f"{path}.{k}", owner) if k in obj else d for k, d in data.items()}
        return data

    def instance_data(self, inst: Any, data: dict[str, Any], path: str) -> dict[str, Any]:
        """A process instance's recorded payload values, each at the level of the event field it
        was recorded from (:func:`icoc.model.events.payload_level`), about the instance's company
        (a case's or complaint's ``company``, else its subject)."""
        from icoc.model.events import payload_level

        company = inst.data.get("company")
        owner = company if isinstance(company, str) else inst.subject
        out = dict(data)
        for key in data:
            level = payload_level(key)
            if not self.audience.sees(level, owner):
                out[key] = marker(level)
                self.paths.append(f"{path}.{key}")
        return out


def redact(obj: object, audience: Audience) -> tuple[Any, list[str]]:
    """Plain data for ``obj`` as ``audience`` may see it, and the JSON paths of what was hidden."""
    if not isinstance(audience, Audience):
        raise InvalidInput(Problem("audience", f"expected an icoc.io.Audience, got {type(audience).__name__}"))
    data = _convert.unstructure(obj)
    if audience.level is Sensitivity.CONFIDENTIAL:
        return data, []
    walk = _Walk(audience, _owners(obj))
    return walk.value(obj, data, "$", None), walk.paths


def unstructure(obj: object, *, audience: Audience = Audience.PUBLIC) -> Any:
    """Plain data (dicts, lists, strings, numbers) for any icoc value, as ``audience`` may see it.

    The default is the public view; pass ``audience=Audience.FULL`` for a faithful copy. When
    something was hidden and the value is an object, a top-level ``"redacted"`` note lists the
    JSON paths of the hidden fields.
    """
    data, paths = redact(obj, audience)
    if paths and isinstance(data, dict) and NOTE_KEY not in data:
        data[NOTE_KEY] = {"audience": str(audience), "paths": paths}
    return data


def _is_note(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"audience", "paths"}
        and isinstance(value["audience"], str)
        and isinstance(value["paths"], list)
        and all(isinstance(p, str) for p in value["paths"])
    )


def strip_note(data: object, cls: type, path: str = "$") -> object:
    """``data`` without the top-level redaction note an export adds, when ``cls`` has no field of
    that name. Histories and events refuse it: a redacted record cannot be replayed faithfully."""
    if not (isinstance(data, dict) and _is_note(data.get(NOTE_KEY))):
        return data
    if not (isinstance(cls, type) and attrs.has(cls)) or _has_field(cls, NOTE_KEY):
        return data
    from icoc.model.events import Event, History

    if issubclass(cls, (History, Event)):
        note = data[NOTE_KEY]
        raise InvalidInput(
            Problem(
                f"{path}.{NOTE_KEY}",
                f"this {cls.__name__} was exported for audience {note['audience']} with "
                f"{len(note['paths'])} values redacted, so it cannot be replayed faithfully; export it with "
                "audience=Audience.FULL (CLI: --audience full) or keep it in an icoc.store event store",
            )
        )
    return {k: v for k, v in data.items() if k != NOTE_KEY}


def structure(data: object, cls: type[T], path: str = "$") -> T:
    """Build a ``cls`` from plain data (dicts, lists, strings), or raise InvalidInput.

    A redacted export loads too: its top-level ``"redacted"`` note is dropped (except for
    histories and events, which must not be replayed from a redacted copy).
    """
    if not isinstance(cls, type) and get_origin(cls) is None:
        raise InvalidInput(Problem(path, f"cannot build a {preview(cls)}: not a class"))
    return guarded(lambda: _convert.structure(strip_note(data, cls, path), cls, path), root=path)


def _model_classes() -> list[type]:
    import inspect

    import icoc.model
    from icoc.model.events import EVENT_TYPES, Cause, Fact, History

    found = [obj for name in icoc.model.__all__ if inspect.isclass(obj := getattr(icoc.model, name)) and attrs.has(obj)]
    return [*found, Cause, Fact, History, *EVENT_TYPES]


def sensitivity_table() -> str:
    """The Markdown table of every model field above public, with its level and what a redacted
    export puts in its place (``docs/confidentiality.md`` holds this text, checked by a test)."""
    rows = ["| class | field | level | in an export that may not show it |", "|---|---|---|---|"]
    for cls in _model_classes():
        for field, level in _levels(cls):
            if level is Sensitivity.PUBLIC:
                continue
            tp = _hints(cls).get(field.name)
            if isinstance(tp, type) and attrs.has(tp):
                shown = f"a `{tp.__name__}` with every field redacted"
            else:
                placeholder = _placeholder(cls, field, level)
                shown = f"`{json.dumps(placeholder)}`"
                if placeholder not in (None, [], marker(level)):
                    shown += " (its default)"
            rows.append(f"| `{cls.__name__}` | `{field.name}` | {level.label} | {shown} |")
    return "\n".join(rows) + "\n"
