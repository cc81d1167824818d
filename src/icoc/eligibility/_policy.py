"""Procurement policies as data: requirements, each citing where it comes from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, preview
from icoc.model import _validate as v
from icoc.model.members import ServiceDomain

__all__ = ["CHECKS", "Policy", "Requirement"]

CHECKS: Mapping[str, str] = {
    "status_in": "the company's status is one of `statuses`",
    "not_suspended": "the company is not suspended",
    "certification_deadline": "ICoCA-certified, or its certification deadline has not passed",
    "self_assessment_submitted": "the latest annual self-assessment due was submitted",
    "no_disciplinary_proceedings": "no compliance case before the Board or in suspension proceedings",
    "icoca_certified": "holds ICoCA certification in force (in one of `scopes`, land or maritime, when given)",
    "certified_to_standard": "ICoCA certification in force and a certificate to one of `standards` in force "
    "from a body accepted for its standard on its issue date",
    "external_certificate": "a certificate to one of `standards` in force on the decision date, from a body "
    "accepted for that standard on its issue date (ICoCA certification not asked for)",
    "no_open_complaints": "no open complaint (of `categories`, when given)",
    "no_open_cases": "no open compliance case of `min_severity` or worse",
}
"""The checks a requirement can name, with what each asks."""

_ARGS: Mapping[str, frozenset[str]] = {
    "status_in": frozenset({"statuses"}),
    "icoca_certified": frozenset({"scopes"}),
    "certified_to_standard": frozenset({"standards"}),
    "external_certificate": frozenset({"standards"}),
    "no_open_complaints": frozenset({"categories"}),
    "no_open_cases": frozenset({"min_severity"}),
}


def _check(instance: Requirement, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in CHECKS:
        raise v.invalid(instance, attribute.name, f"unknown check {preview(value)} (known: {', '.join(CHECKS)})")


_SCOPES = frozenset(d.value for d in ServiceDomain)
_OPTIONAL = frozenset({"categories", "scopes"})
"""Arguments a check may go without."""


def _args(instance: Requirement, attribute: attrs.Attribute[Any], value: Any) -> None:
    allowed = _ARGS.get(instance.check, frozenset())
    for k in value:
        if k not in allowed:
            raise v.invalid(
                instance, f"{attribute.name}.{k}", f"check {preview(instance.check)} takes no argument {preview(k)}"
            )
    for k in allowed:
        if k not in _OPTIONAL and k not in value:
            raise v.invalid(instance, f"{attribute.name}.{k}", f"check {preview(instance.check)} needs {preview(k)}")
    for k, x in value.items():
        if k != "min_severity" and (not isinstance(x, tuple) or not all(isinstance(i, str) for i in x)):
            raise v.invalid(instance, f"{attribute.name}.{k}", "expected a list of names")
    for j, scope in enumerate(value.get("scopes", ())):
        if scope not in _SCOPES:
            raise v.invalid(
                instance,
                f"{attribute.name}.scopes[{j}]",
                f"unknown scope {preview(scope)} (known: {', '.join(sorted(_SCOPES))})",
            )


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
