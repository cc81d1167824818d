"""Policies as YAML or JSON files: start from a built-in policy, add, replace or drop requirements.

A requirement is an object tagged by its ``check``, its arguments beside the common fields
(``{id: active, title: ..., check: status_in, citation: ..., statuses: [member]}``). Each check's
form is made from its entry in ``_KINDS`` (``_policy.py``), so a new check is read and written
with no change here. A citation is text (the document it names) or an object with ``document``
and, when they are given, ``article``, ``url`` and ``mark`` (``confirmed``, ``inferred``,
``parameter``); one naming only a document is written as text. Files are read by the one
converter of :mod:`icoc.io`, configured here, so problems read as in every other file
(``policy.yaml:$.requirements[0].check: unknown check ...``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from icoc.eligibility._policy import _KINDS, CHECKS, Policy, Requirement
from icoc.eligibility.builtin import BUILTIN_POLICIES
from icoc.errors import InvalidInput, Problem, preview
from icoc.io import Refused, converter, load_with, register_object, structure
from icoc.model.citation import Citation, Mark

__all__ = ["load_policy", "policy_from_data", "policy_to_data"]

_COMMON = ("id", "title", "check", "citation")


def _text(value: object, _: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"expected text, got {preview(value)}")
    return value


@attrs.frozen(kw_only=True)
class _CitationForm:
    """A citation written as an object."""

    document: str
    article: str = ""
    url: str | None = None
    mark: Mark = Mark.CONFIRMED


register_object(_CitationForm, name="a citation", hooks={"document": _text})


def _read_citation(value: object, _: object) -> Citation:
    if isinstance(value, str):
        return Citation(document=value)
    if not isinstance(value, dict):
        raise Refused(f"expected a citation (text, or an object with a document), got {preview(value)}")
    read: _CitationForm = converter.structure(value, _CitationForm)
    return Citation(document=read.document, article=read.article, url=read.url, mark=read.mark)


def _write_citation(c: Citation) -> str | dict[str, Any]:
    if c == Citation(document=c.document):
        return c.document
    out: dict[str, Any] = {"document": c.document}
    if c.article:
        out["article"] = c.article
    if c.url is not None:
        out["url"] = c.url
    if c.mark is not Mark.CONFIRMED:
        out["mark"] = c.mark.value
    return out


def _form(check: str) -> type:
    """The attrs class of a requirement naming ``check``: the common fields, then its arguments."""
    fields = {name: attrs.field(type=str) for name in _COMMON}
    fields["citation"] = attrs.field(type=Citation)
    for name, tp in _KINDS[check].args.items():
        optional = type(None) in getattr(tp, "__args__", ())
        fields[name] = attrs.field(type=tp, default=None) if optional else attrs.field(type=tp)
    form = attrs.make_class(f"_{check}", fields, frozen=True, kw_only=True)
    register_object(form, name=f"a {check} requirement", hooks={"citation": _read_citation})
    return form


_FORMS = {check: _form(check) for check in _KINDS}


def _plain(value: Any) -> Any:
    """An argument as ``Requirement.args`` holds it: enum members by value, lists as tuples."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.value if isinstance(value, Enum) else value


def _structure_requirement(value: object, _: type) -> Requirement:
    if not isinstance(value, dict):
        raise Refused(f"expected an object (a requirement), got {type(value).__name__} {preview(value)}")
    if "check" not in value:
        raise InvalidInput(Problem("$.check", "required field missing"))
    check = value["check"]
    form = _FORMS.get(check) if isinstance(check, str) else None
    if form is None:
        raise InvalidInput(Problem("$.check", f"unknown check {preview(check)} (known: {', '.join(CHECKS)})"))
    read: Any = converter.structure(value, form)
    args = {k: _plain(getattr(read, k)) for k in _KINDS[check].args if getattr(read, k) is not None}
    return Requirement(id=read.id, title=read.title, check=check, citation=read.citation, args=args)


def _unstructure_requirement(r: Requirement) -> dict[str, Any]:
    common = {"id": r.id, "title": r.title, "check": r.check, "citation": _write_citation(r.citation)}
    return {**common, **{k: converter.unstructure(x) for k, x in r.args.items()}}


converter.register_structure_hook(Requirement, _structure_requirement)
converter.register_unstructure_hook(Requirement, _unstructure_requirement)


def _extends(value: object, _: object) -> str:
    if not isinstance(value, str) or value not in BUILTIN_POLICIES:
        raise Refused(f"no built-in policy {preview(value)} ({', '.join(BUILTIN_POLICIES)})")
    return value


def _ids(value: object, _: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise Refused(f"expected a list of requirement ids, got {preview(value)}")
    return tuple(value)


@attrs.frozen(kw_only=True)
class _PolicyFile:
    """The shape of a policy file."""

    id: str
    title: str
    description: str | None = None
    extends: str | None = None
    remove: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()


register_object(_PolicyFile, name="a policy", hooks={"id": _text, "title": _text, "extends": _extends, "remove": _ids})
register_object(Policy, name="a policy")


def policy_from_data(data: Any) -> Policy:
    """A policy from plain data; every problem is reported with its path (``$.requirements[1].check``).

    Raises :class:`icoc.errors.InvalidInput` listing every problem found."""
    problems: list[Problem] = []
    doc: _PolicyFile | None = None
    try:
        doc = structure(data, _PolicyFile)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    raw = data if isinstance(data, dict) else {}
    base = BUILTIN_POLICIES.get(raw["extends"]) if isinstance(raw.get("extends"), str) else None
    reqs = {r.id: r for r in base.requirements} if base else {}
    remove = raw.get("remove", [])
    if isinstance(remove, list):
        problems += [
            Problem(f"$.remove[{i}]", f"no requirement {preview(rid)} to remove")
            for i, rid in enumerate(remove)
            if isinstance(rid, str) and rid not in reqs
        ]
    if problems or doc is None:
        order = {k: i for i, k in enumerate(attrs.fields_dict(_PolicyFile))}
        raise InvalidInput(sorted(problems, key=lambda p: order.get(p.path[2:].split(".")[0].split("[")[0], -1)))
    for rid in doc.remove:
        reqs.pop(rid)
    reqs.update((r.id, r) for r in doc.requirements)
    description = doc.description if doc.description is not None else (base.description if base else "")
    try:
        return Policy(id=doc.id, title=doc.title, requirements=tuple(reqs.values()), description=description)
    except InvalidInput as exc:
        raise exc.under("$") from None


def load_policy(path: str | Path) -> Policy:
    """Read a policy from a ``.json``, ``.yaml`` or ``.yml`` file; problems name the file and the
    path inside it."""
    return load_with(path, policy_from_data)


def policy_to_data(policy: Policy) -> dict[str, Any]:
    """A policy as plain data in the file format (``policy_from_data`` reads it back)."""
    data: dict[str, Any] = converter.unstructure(policy)
    return {k: data[k] for k in ("id", "title", "description", "requirements")}
