"""Membership events: applications, admission and every member's status (Articles of
Association, Art. 3, 8, 12)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.events._base import Event
from icoc.model.ids import CaseId
from icoc.model.members import GovernmentKind, Ground, ObserverKind, ServiceDomain
from icoc.model.sensitivity import Sensitivity, hidden, sensitive

# --- membership application -------------------------------------------------------------


class ApplicantKind(StrEnum):
    """What applies: a company (security provider or not), a CSO, a government, or other."""

    COMPANY = "company"
    CSO = "cso"
    GOVERNMENT = "government"
    OTHER = "other"


class Admission(StrEnum):
    """What an applicant is admitted as."""

    MEMBER = "member"
    TRANSITIONAL_MEMBER = "transitional_member"
    AFFILIATE = "affiliate"
    OBSERVER = "observer"


def _services(instance: ApplicationSubmitted, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.enums(ServiceDomain)(instance, attribute, value)
    value = getattr(instance, attribute.name)
    if instance.provides_security_services and not value:
        raise v.invalid(instance, attribute.name, "a security provider names at least one service domain")


def _security(instance: ApplicationSubmitted, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.typed(bool)(instance, attribute, value)
    if value and instance.applicant is not ApplicantKind.COMPANY:
        raise v.invalid(instance, attribute.name, "only a company applicant provides security services")


@attrs.frozen(kw_only=True)
class ApplicationSubmitted(Event):
    """An organisation applies to join (any pillar, or as observer)."""

    TYPE: ClassVar[str] = "application_submitted"
    applicant: ApplicantKind = attrs.field(validator=v.enum(ApplicantKind))
    name: str = attrs.field(validator=v.text)
    country: str | None = attrs.field(default=None, validator=v.optional(v.country))
    provides_security_services: bool = attrs.field(default=False, validator=_security)
    services: tuple[ServiceDomain, ...] = attrs.field(default=(), validator=_services)
    swiss_pssa: bool = attrs.field(default=False, validator=v.typed(bool))
    government_kind: GovernmentKind | None = attrs.field(default=None, validator=v.optional(v.enum(GovernmentKind)))
    observer_kind: ObserverKind | None = attrs.field(default=None, validator=v.optional(v.enum(ObserverKind)))


@attrs.frozen(kw_only=True)
class DueDiligenceStarted(Event):
    """The Secretariat starts its review (due diligence for companies)."""

    TYPE: ClassVar[str] = "due_diligence_started"


@attrs.frozen(kw_only=True)
class Admitted(Event):
    """Admission by the Board; for a former member this is the new admission it needs."""

    TYPE: ClassVar[str] = "admitted"
    admission: Admission = attrs.field(validator=v.enum(Admission))


@attrs.frozen(kw_only=True)
class ApplicationRejected(Event):
    """The Board or the Secretariat turns an application down; ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "application_rejected"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )


@attrs.frozen(kw_only=True)
class ApplicationWithdrawn(Event):
    """The applicant withdraws its application before a decision."""

    TYPE: ClassVar[str] = "application_withdrawn"


# --- membership status (every member) ---------------------------------------------------


@attrs.frozen(kw_only=True)
class MovedToTransitional(Event):
    """Under the 2017 amendment an uncertified member became a Transitional Member."""

    TYPE: ClassVar[str] = "moved_to_transitional"


@attrs.frozen(kw_only=True)
class MovedToAffiliate(Event):
    """A member that missed its certification deadline becomes an Affiliate, which needs a
    satisfactory latest self-assessment and a renewed commitment."""

    TYPE: ClassVar[str] = "moved_to_affiliate"
    commitment_renewed: bool = attrs.field(default=True, validator=v.typed(bool))


@attrs.frozen(kw_only=True)
class Suspended(Event):
    """A member is suspended (usually at the end of the Art. 12 ladder); ``case`` names the
    compliance case that led to it, if any. ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "suspended"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""
    case: CaseId | None = attrs.field(default=None, validator=v.optional(v.identifier))


@attrs.frozen(kw_only=True)
class Reinstated(Event):
    """End of a suspension: back to the status held before it."""

    TYPE: ClassVar[str] = "reinstated"


@attrs.frozen(kw_only=True)
class TerminationProposed(Event):
    """A proposal to terminate, for the Board to decide; changes no status by itself."""

    TYPE: ClassVar[str] = "termination_proposed"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.SECRETARIAT), repr=hidden(Sensitivity.SECRETARIAT)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""


@attrs.frozen(kw_only=True)
class DeadlineExtended(Event):
    """A Board decision moving one open deadline of a company to a new last day ``until``.

    ``rule`` names the obligation: a rule id or an obligation family such as
    ``certification-deadline``. The rule then judges against the new date; explanations show both."""

    TYPE: ClassVar[str] = "deadline_extended"
    rule: str = attrs.field(validator=v.text)
    until: date = attrs.field(validator=v.a_date)
    reason: str = attrs.field(
        default="Board decision",
        validator=v.text,
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )


@attrs.frozen(kw_only=True)
class Terminated(Event):
    """Membership ends by the Board's decision (expulsion, or a termination ground such as unpaid dues)."""

    TYPE: ClassVar[str] = "terminated"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""


@attrs.frozen(kw_only=True)
class Withdrew(Event):
    """The member leaves of its own accord (Articles of Association, Art. 8); ``reason`` is
    shared with the company only."""

    TYPE: ClassVar[str] = "withdrew"
    reason: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.COMPANY),
        repr=hidden(Sensitivity.COMPANY),
    )
    """The company's own words on why it leaves, if recorded: shared with the company only."""
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """Why, when the withdrawal answers one of the published grounds (a member leaving before its
    certification deadline); ``other`` otherwise (public)."""


@attrs.frozen(kw_only=True)
class SwissRejoinWindowClosed(Event):
    """A Swiss PSC excluded or withdrawn did not rejoin within the window (6 months): under the
    PSSA its activities abroad are prohibited. Records the fact; the status stays as it is."""

    TYPE: ClassVar[str] = "swiss_rejoin_window_closed"
