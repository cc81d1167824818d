"""Procurement policies as data: requirements, each citing where it comes from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from icoc.eligibility._kind import Kind
from icoc.eligibility._record_checks import (
    CERTIFIED_TO_STANDARD,
    EXTERNAL_CERTIFICATE,
    ICOCA_CERTIFIED,
    NO_DISCIPLINARY_PROCEEDINGS,
    NO_OPEN_CASES,
    NO_OPEN_COMPLAINTS,
)
from icoc.eligibility._status_checks import (
    CERTIFICATION_DEADLINE,
    NOT_SUSPENDED,
    SELF_ASSESSMENT_SUBMITTED,
    STATUS_IN,
)
from icoc.errors import InvalidInput, Problem, preview
from icoc.model import validators as v
from icoc.model.citation import Citation

__all__ = ["CHECKS", "Policy", "Requirement"]

_KINDS: Mapping[str, Kind[Any]] = {
    "status_in": STATUS_IN,
    "not_suspended": NOT_SUSPENDED,
    "certification_deadline": CERTIFICATION_DEADLINE,
    "self_assessment_submitted": SELF_ASSESSMENT_SUBMITTED,
    "no_disciplinary_proceedings": NO_DISCIPLINARY_PROCEEDINGS,
    "icoca_certified": ICOCA_CERTIFIED,
    "certified_to_standard": CERTIFIED_TO_STANDARD,
    "external_certificate": EXTERNAL_CERTIFICATE,
    "no_open_complaints": NO_OPEN_COMPLAINTS,
    "no_open_cases": NO_OPEN_CASES,
}
"""Every check a requirement can name, by name: the one registry of checks. A new kind of
requirement is declared once (a :class:`~icoc.eligibility._kind.Kind` in ``_status_checks.py`` or
``_record_checks.py``) and named here; policy files read and write its arguments from its
declaration, and decisions evaluate it through the one memo."""

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


def _citation(value: Citation | str) -> Citation:
    """A citation given as text is a document named by it (``"RFP 2026-17, section 4.2"``)."""
    return Citation(document=value) if isinstance(value, str) else value


def _cited(instance: Requirement, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Citation):
        raise v.invalid(instance, attribute.name, f"expected a citation, got {preview(value)}")
    v.text(instance, attribute, value.document)


@attrs.frozen(kw_only=True)
class Requirement:
    """One condition of a policy: a named check (one of :data:`CHECKS`) with its arguments and
    its source, a :class:`~icoc.model.Citation` (text is read as the document it names).

    Raises :class:`~icoc.errors.InvalidInput` for an unknown check, an argument the check does
    not take, a required one missing or a value of the wrong type, an empty id, title or citation.
    """

    id: str = attrs.field(validator=v.identifier)
    title: str = attrs.field(validator=v.text)
    check: str = attrs.field(validator=_check)
    citation: Citation = attrs.field(converter=_citation, validator=_cited)
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
