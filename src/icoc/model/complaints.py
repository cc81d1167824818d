"""Complaints (Art. 13): who complains, about what, and which grievance route it took."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import CaseId, ComplaintId, MemberId
from icoc.model.monitoring import ConcernCategory, code_paragraphs
from icoc.model.sensitivity import Sensitivity, hidden, sensitive, withheld

__all__ = [
    "Complainant",
    "Complaint",
    "ComplaintKind",
    "ComplaintOutcome",
    "ComplaintRoute",
    "ComplaintStage",
]


class ComplaintKind(StrEnum):
    """The three kinds of complaint in scope of Art. 13."""

    ALLEGED_HARM = "alleged_harm"
    CREDIBLE_EVIDENCE = "credible_evidence"
    GRIEVANCE_MECHANISM_INADEQUATE = "grievance_mechanism_inadequate"


class ComplaintRoute(StrEnum):
    """The fair and accessible grievance procedure a complaint is referred to."""

    COMPANY_GRIEVANCE_MECHANISM = "company_grievance_mechanism"
    ICOCA_GOOD_OFFICES = "icoca_good_offices"
    OTHER = "other"


class ComplaintOutcome(StrEnum):
    """How a routed complaint ended: remedied or not."""

    REMEDIED = "remedied"
    UNRESOLVED = "unresolved"


class ComplaintStage(StrEnum):
    """Where a complaint is in the Art. 13 procedure."""

    RECEIVED = "received"
    CLASSIFIED = "classified"
    REFERRED = "referred"
    REMEDIED = "remedied"
    UNRESOLVED = "unresolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self is not ComplaintStage.CLOSED


@attrs.frozen(kw_only=True)
class Complainant:
    """Who complained. The identity is confidential by default at every stage (Art. 13)."""

    name: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    contact: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    representative: bool = attrs.field(
        default=False,
        validator=v.typed(bool),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    """The complaint was brought by a representative of the person harmed."""
    confidential: bool = attrs.field(default=True, validator=v.typed(bool))


_ROUTED = (ComplaintStage.REFERRED, ComplaintStage.REMEDIED, ComplaintStage.UNRESOLVED)


def _route(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.enum(ComplaintRoute))(instance, attribute, value)
    value = getattr(instance, attribute.name)  # the member, if a plain value was given
    if instance.stage in _ROUTED and value is None:
        raise v.invalid(instance, attribute.name, f"a complaint at stage {instance.stage.value} names its route")


def _outcome(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.enum(ComplaintOutcome))(instance, attribute, value)
    value = getattr(instance, attribute.name)  # the member, if a plain value was given
    expected = {
        ComplaintStage.REMEDIED: ComplaintOutcome.REMEDIED,
        ComplaintStage.UNRESOLVED: ComplaintOutcome.UNRESOLVED,
    }.get(instance.stage)
    if expected is not None and value is not expected:
        raise v.invalid(
            instance, attribute.name, f"a complaint at stage {instance.stage.value} has outcome {expected.value}"
        )
    if instance.stage in (ComplaintStage.RECEIVED, ComplaintStage.CLASSIFIED, ComplaintStage.REFERRED) and value:
        raise v.invalid(instance, attribute.name, f"a complaint at stage {instance.stage.value} has no outcome yet")


def _closed(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (instance.stage is ComplaintStage.CLOSED) != (value is not None):
        raise v.invalid(instance, attribute.name, "a complaint has a closing date exactly when it is closed")
    v.optional(v.not_before("received", "a complaint cannot close before it was received"))(instance, attribute, value)


_CLASSIFIED = (ComplaintStage.CLASSIFIED, *_ROUTED)


def _kind(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.enum(ComplaintKind))(instance, attribute, value)
    value = getattr(instance, attribute.name)
    if value is None and instance.stage in _CLASSIFIED:
        raise v.invalid(
            instance, attribute.name, f"a complaint at stage {instance.stage} was classified: name its kind"
        )
    if value is None and (instance.route is not None or instance.outcome is not None):
        raise v.invalid(
            instance, attribute.name, "a complaint with a route or an outcome was classified first: name its kind"
        )


def _company_name(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.text)(instance, attribute, value)
    # An export that hides the field marks it even when empty: that loads back.
    if value is not None and instance.company is not None and value != withheld(Sensitivity.SECRETARIAT):
        raise v.invalid(
            instance,
            attribute.name,
            "names a company that is not on record; a complaint whose company is on record gives only company",
        )


def _compliance_case(instance: Complaint, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.identifier)(instance, attribute, value)
    if value is not None and instance.company is None:
        raise v.invalid(
            instance,
            attribute.name,
            "a complaint that names no company on record is never linked to a member's compliance case",
        )


@attrs.frozen(kw_only=True)
class Complaint:
    """A complaint as received (Art. 13), its route to a remedy and its outcome.

    ``company`` is the company on record it concerns, or ``None``: a company that is not on
    record (``company_name``, as the complainant gave it, Secretariat-level) or no identified
    company. Such complaints are kept, counted and routed, never linked to a compliance case.
    ``kind`` is the Secretariat's classification: required once classified (stages classified,
    referred, remedied, unresolved), optional at ``received``; a closed complaint without a kind
    was never classified, i.e. closed as not admissible."""

    id: ComplaintId = attrs.field(validator=v.identifier)
    company: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    company_name: str | None = attrs.field(
        default=None,
        validator=_company_name,
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )
    """The company as the complainant named it, when it is not on record (Secretariat-level)."""
    received: date = attrs.field(validator=v.a_date)
    kind: ComplaintKind | None = attrs.field(default=None, validator=_kind)
    complainant: Complainant = attrs.field(
        factory=Complainant,
        validator=v.typed(Complainant),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    category: ConcernCategory = attrs.field(default=ConcernCategory.OTHER, validator=v.enum(ConcernCategory))
    code_paragraphs: tuple[int, ...] = attrs.field(default=(), validator=code_paragraphs)
    stage: ComplaintStage = attrs.field(default=ComplaintStage.RECEIVED, validator=v.enum(ComplaintStage))
    route: ComplaintRoute | None = attrs.field(default=None, validator=_route)
    outcome: ComplaintOutcome | None = attrs.field(default=None, validator=_outcome)
    closed: date | None = attrs.field(default=None, validator=_closed)
    compliance_case: CaseId | None = attrs.field(default=None, validator=_compliance_case)
    """The Art. 12 case this complaint opened, if it was compliance-relevant."""
    statement: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    """What the complainant said, as received (confidential)."""
