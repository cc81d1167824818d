"""Procurement policies as data: requirements, each citing where it comes from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.model import validators as v
from icoc.model.members import ServiceDomain
from icoc.model.monitoring import Severity

__all__ = ["CHECKS", "Policy", "Requirement"]

Names = tuple[str, ...]
"""An argument holding a list of names (statuses, standards, categories)."""


@attrs.frozen
class _Kind:
    """A check a requirement can name: what it asks, and its arguments with their types (an
    argument typed ``T | None`` may be left out)."""

    description: str
    args: Mapping[str, Any] = attrs.field(factory=dict)


_KINDS: Mapping[str, _Kind] = {
    "status_in": _Kind("the company's status is one of `statuses`", {"statuses": Names}),
    "not_suspended": _Kind("the company is not suspended"),
    "certification_deadline": _Kind("ICoCA-certified, or its certification deadline has not passed"),
    "self_assessment_submitted": _Kind("the latest annual self-assessment due was submitted"),
    "no_disciplinary_proceedings": _Kind("no compliance case before the Board or in suspension proceedings"),
    "icoca_certified": _Kind(
        "holds ICoCA certification in force (in one of `scopes`, land or maritime, when given)",
        {"scopes": tuple[ServiceDomain, ...] | None},
    ),
    "certified_to_standard": _Kind(
        "ICoCA certification in force and a certificate to one of `standards` in force from a body accepted for "
        "its standard on its issue date",
        {"standards": Names},
    ),
    "external_certificate": _Kind(
        "a certificate to one of `standards` in force on the decision date, from a body accepted for that standard "
        "on its issue date (ICoCA certification not asked for)",
        {"standards": Names},
    ),
    "no_open_complaints": _Kind("no open complaint (of `categories`, when given)", {"categories": Names | None}),
    "no_open_cases": _Kind("no open compliance case of `min_severity` or worse", {"min_severity": Severity}),
}
"""Every check a requirement can name: the one place a new kind of requirement is declared (its
evaluation goes in ``_check.py``). Policy files read and write the arguments from these types."""

CHECKS: Mapping[str, str] = {name: kind.description for name, kind in _KINDS.items()}
"""The checks a requirement can name, with what each asks."""


def _required(tp: Any) -> bool:
    return type(None) not in get_args(tp)


def _arg_problem(tp: Any, x: Any) -> str | None:
    """Why ``x`` is not a value of the argument type ``tp`` (None: it is). Enum values are held
    by value (``"maritime"``), lists as tuples."""
    (kind,) = [t for t in (get_args(tp) if get_origin(tp) in (UnionType, Union) else (tp,)) if t is not type(None)]
    if get_origin(kind) is tuple:
        (item,) = [t for t in get_args(kind) if t is not Ellipsis]
        if not isinstance(x, tuple):
            return "expected a list"
        for i in x:
            problem = _arg_problem(item, i)
            if problem is not None:
                return problem
        return None
    if kind is str:
        return None if isinstance(x, str) else f"expected a name, got {preview(x)}"
    known = [m.value for m in kind]
    return None if x in known else f"unknown value {preview(x)} (known: {', '.join(map(str, known))})"


def _check(instance: Requirement, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in _KINDS:
        raise v.invalid(instance, attribute.name, f"unknown check {preview(value)} (known: {', '.join(CHECKS)})")


def _args(instance: Requirement, attribute: attrs.Attribute[Any], value: Any) -> None:
    allowed = _KINDS[instance.check].args
    for k in value:
        if k not in allowed:
            raise v.invalid(
                instance, f"{attribute.name}.{k}", f"check {preview(instance.check)} takes no argument {preview(k)}"
            )
    for k, tp in allowed.items():
        if _required(tp) and k not in value:
            raise v.invalid(instance, f"{attribute.name}.{k}", f"check {preview(instance.check)} needs {preview(k)}")
    for k, x in value.items():
        problem = _arg_problem(allowed[k], x)
        if problem is not None:
            raise v.invalid(instance, f"{attribute.name}.{k}", problem)


def _as_dict(m: Mapping[str, Any]) -> dict[str, Any]:
    return dict(m)


@attrs.frozen(kw_only=True)
class Requirement:
    """One condition of a policy: a named check with its arguments and its source."""

    id: str = attrs.field(validator=v.identifier)
    title: str = attrs.field(validator=v.text)
    check: str = attrs.field(validator=_check)
    citation: str = attrs.field(validator=v.text)
    args: Mapping[str, Any] = attrs.field(factory=dict, validator=_args, converter=_as_dict)


def _not_empty(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:  # a policy without requirements would find every company eligible, non-members too
        raise v.invalid(instance, attribute.name, "a policy needs at least one requirement")


@attrs.frozen(kw_only=True)
class Policy:
    """A named set of requirements; a member is eligible when every one passes."""

    id: str = attrs.field(validator=v.identifier)
    title: str = attrs.field(validator=v.text)
    requirements: tuple[Requirement, ...] = attrs.field(
        validator=[v.tuple_of(Requirement), v.unique(lambda r: r.id, "requirement id"), _not_empty]
    )
    description: str = ""

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def requirement(self, rid: str) -> Requirement:
        for r in self.requirements:
            if r.id == rid:
                return r
        raise InvalidInput(Problem(f"{self.id}.requirements", f"no requirement {preview(rid)}"))

    def tightened(self, *extra: Requirement, id: str | None = None, title: str | None = None) -> Policy:
        """A stricter copy: ``extra`` requirements added (same id: replaced)."""
        new = {r.id: r for r in extra}
        kept = [new.pop(r.id, r) for r in self.requirements]
        return Policy(
            id=id or f"{self.id}.tightened",
            title=title or self.title,
            requirements=(*kept, *new.values()),
            description=self.description,
        )

    def loosened(self, *drop: str, id: str | None = None, title: str | None = None) -> Policy:
        """A more lenient copy without the requirements ``drop``."""
        for rid in drop:
            self.requirement(rid)
        return Policy(
            id=id or f"{self.id}.loosened",
            title=title or self.title,
            requirements=tuple(r for r in self.requirements if r.id not in drop),
            description=self.description,
        )
