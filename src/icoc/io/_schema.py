"""JSON Schema (draft 2020-12) generated from the attrs classes, so it cannot drift from them."""

from __future__ import annotations

import types
import typing
from datetime import date
from enum import Enum
from typing import Any, get_args, get_origin

import attrs


def _is_newtype(tp: Any) -> bool:
    return hasattr(tp, "__supertype__")


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of documents that :func:`icoc.io.loads` accepts for ``cls``."""
    defs: dict[str, Any] = {}
    root = _schema_for(cls, defs)
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if "$ref" in root:
        name = root["$ref"].rsplit("/", 1)[1]
        out.update(defs.pop(name))
        out["title"] = name
        # The note a redacted export carries (see icoc.io.redact); loaders accept and drop it.
        out["properties"] = {
            **out["properties"],
            "redacted": {
                "type": "object",
                "description": "Present when an export hid fields from its audience: which audience, which paths.",
                "properties": {"audience": {"type": "string"}, "paths": {"type": "array", "items": {"type": "string"}}},
                "required": ["audience", "paths"],
                "additionalProperties": False,
            },
        }
    else:
        out.update(root)
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if _is_newtype(tp):
        return _schema_for(tp.__supertype__, defs)
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_schema_for(a, defs) for a in get_args(tp)]
        return {"anyOf": options}
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_for(args[0], defs)}
        return {"type": "array", "prefixItems": [_schema_for(a, defs) for a in args], "items": False}
    if tp is type(None):
        return {"type": "null"}
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            props: dict[str, Any] = {}
            required: list[str] = []
            for a in attrs.fields(tp):
                s = _schema_for(hints[a.name], defs)
                if a.default is attrs.NOTHING:
                    required.append(a.name)
                props[a.name] = s
            entry: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
            if required:
                entry["required"] = required
            doc = (tp.__doc__ or "").strip().split("\n\n")[0]
            if doc:
                entry["description"] = " ".join(doc.split())
            defs[name] = entry
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")
