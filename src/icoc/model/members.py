"""Members of the three pillars (Art. 3.1), affiliates and observers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import MemberId
from icoc.model.sensitivity import Sensitivity, hidden, sensitive, withheld

__all__ = [
    "CivilSocietyOrganisation",
    "Company",
    "CompanyStatus",
    "Government",
    "GovernmentKind",
    "Ground",
    "Member",
    "MembershipStatus",
    "Observer",
    "ObserverKind",
    "Pillar",
    "ServiceDomain",
]


class Pillar(StrEnum):
    """The three membership pillars of the Association (Articles of Association, Art. 3.1)."""

    PSC = "psc"
    CSO = "cso"
    GOVERNMENT = "government"


class CompanyStatus(StrEnum):
    """Where a private security company stands with the Association.

    ``member`` is an uncertified member under the current regime (certification deadline
    running); ``transitional_member`` the 2017-regime equivalent; ``affiliate`` a company that
    joined as, or became, an affiliate; ``certified_member`` holds ICoCA certification.
    """

    MEMBER = "member"
    TRANSITIONAL_MEMBER = "transitional_member"
    AFFILIATE = "affiliate"
    CERTIFIED_MEMBER = "certified_member"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    WITHDRAWN = "withdrawn"

    @property
    def is_active(self) -> bool:
        """Still a member or affiliate of the Association (suspension included)."""
        return self in ACTIVE_STATUSES

    @property
    def is_member(self) -> bool:
        """A member status (affiliates and observers are not members)."""
        return self in MEMBER_STATUSES

    @property
    def is_uncertified_member(self) -> bool:
        """A member whose certification deadline runs (``member``, ``transitional_member``)."""
        return self in UNCERTIFIED_STATUSES


ENTRY_STATUSES: tuple[CompanyStatus, ...] = (
    CompanyStatus.MEMBER,
    CompanyStatus.TRANSITIONAL_MEMBER,
    CompanyStatus.AFFILIATE,
)
"""The statuses a company enters with (ICoCA Articles of Association, Art. 3 and the 2017
transitional regime); the ones from which ICoCA certification makes a certified member."""

UNCERTIFIED_STATUSES: tuple[CompanyStatus, ...] = (CompanyStatus.MEMBER, CompanyStatus.TRANSITIONAL_MEMBER)
"""Members not (yet) ICoCA-certified: their certification deadline runs (Art. 3.3)."""

MEMBER_STATUSES: tuple[CompanyStatus, ...] = (*UNCERTIFIED_STATUSES, CompanyStatus.CERTIFIED_MEMBER)
"""The member statuses (affiliates and observers are not members; a suspended member is counted
apart)."""

STANDING_STATUSES: tuple[CompanyStatus, ...] = (*ENTRY_STATUSES, CompanyStatus.CERTIFIED_MEMBER)
"""Active and not suspended: the statuses from which a company can be suspended."""

ACTIVE_STATUSES: tuple[CompanyStatus, ...] = (*STANDING_STATUSES, CompanyStatus.SUSPENDED)
"""Still a member or affiliate of the Association, suspension included (not terminated, not
withdrawn)."""


class Ground(StrEnum):
    """Why a membership is suspended, proposed for termination, terminated or given up: the
    categories ICoCA's annual monitoring summaries count terminations by (ICoCA monitoring
    summaries, e.g. 2021: 12 terminations, 3 for no self-assessment, 2 for not cooperating in good
    faith). The free text beside it (``reason``) keeps its own, higher level; the ground is public."""

    CERTIFICATION_DEADLINE = "certification_deadline"
    """Not ICoCA-certified by its certification deadline (or again after a lapse) [C]."""
    SELF_ASSESSMENT_NOT_SUBMITTED = "self_assessment_not_submitted"
    """The annual self-assessment was not submitted [C]."""
    NOT_COOPERATING_IN_GOOD_FAITH = "not_cooperating_in_good_faith"
    """The member did not cooperate in good faith (Art. 12 ladder, corrective actions) [C]."""
    NON_PAYMENT_OF_DUES = "non_payment_of_dues"
    """Annual dues not paid [C]."""
    OTHER = "other"
    """Any other ground, and the ground of a record that names none."""


class MembershipStatus(StrEnum):
    """Status of a CSO, a government or an observer."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    WITHDRAWN = "withdrawn"


class GovernmentKind(StrEnum):
    """A State, or an intergovernmental organisation (which may have no country)."""

    STATE = "state"
    INTERGOVERNMENTAL = "intergovernmental"


class ServiceDomain(StrEnum):
    """Where a company provides security services; maritime work calls for ISO 28007."""

    LAND = "land"
    MARITIME = "maritime"


class ObserverKind(StrEnum):
    """What kind of organisation an observer is (Articles of Association, Art. 4)."""

    COMPANY = "company"
    CIVIL_SOCIETY = "civil_society"
    GOVERNMENT = "government"
    ACADEMIC = "academic"
    INDUSTRY_ASSOCIATION = "industry_association"
    OTHER = "other"


def _suspended_from(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.enum(CompanyStatus))(instance, attribute, value)
    value = getattr(instance, attribute.name)  # the member, if a plain value was given
    if instance.status is CompanyStatus.SUSPENDED:
        if value is None:
            raise v.invalid(
                instance, attribute.name, "a suspended company must record the status it was suspended from"
            )
        if not isinstance(value, CompanyStatus) or not value.is_active or value is CompanyStatus.SUSPENDED:
            raise v.invalid(
                instance,
                attribute.name,
                f"a company can only be suspended from an active status, not {value!r}",
            )
    elif value is not None:
        raise v.invalid(instance, attribute.name, "only a suspended company has suspended_from")


_LEFT_OR_SUSPENDED = ("suspended", "terminated", "withdrawn")


def _status_ground(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.enum(Ground))(instance, attribute, value)
    if value is not None and instance.status.value not in _LEFT_OR_SUSPENDED:
        raise v.invalid(
            instance,
            attribute.name,
            f"only a suspended, terminated or withdrawn company records a ground, not a {instance.status.value}",
        )


def _status_reason(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.text)(instance, attribute, value)
    if value is None or value == withheld(Sensitivity.COMPANY):
        return  # an export that hides the field marks it whatever the status: it loads back
    if instance.status.value not in _LEFT_OR_SUSPENDED:
        raise v.invalid(
            instance,
            attribute.name,
            f"only a suspended, terminated or withdrawn company records a reason, not a {instance.status.value}",
        )


def _domains(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.provides_security_services and not value:
        raise v.invalid(instance, attribute.name, "a company providing security services names at least one domain")


@attrs.frozen(kw_only=True)
class Company:
    """A private security company: member, transitional member, affiliate or former member."""

    id: MemberId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    country: str | None = attrs.field(validator=v.optional(v.country))
    """ISO 3166-1 alpha-2; ``None`` when the source does not say (a bidder list's empty cell)."""
    joined: date = attrs.field(validator=v.a_date)
    status: CompanyStatus = attrs.field(validator=v.enum(CompanyStatus))
    status_since: date = attrs.field(
        validator=[v.a_date, v.not_before("joined", "a status cannot start before the company joined")]
    )
    suspended_from: CompanyStatus | None = attrs.field(default=None, validator=_suspended_from)
    provides_security_services: bool = attrs.field(default=True, validator=v.typed(bool))
    services: tuple[ServiceDomain, ...] = attrs.field(
        default=(ServiceDomain.LAND,),
        validator=[v.enums(ServiceDomain), v.unique(lambda d: d, "domain"), _domains],
    )
    swiss_pssa: bool = attrs.field(default=False, validator=v.typed(bool))
    """Subject to the Swiss Federal Act on Private Security Services provided Abroad."""
    revenue_band: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.MEMBERS),
        repr=hidden(Sensitivity.MEMBERS),
    )

    status_ground: Ground | None = attrs.field(default=None, validator=_status_ground)
    """Why a suspended, terminated or withdrawn company is so, in ICoCA's published categories
    (public); ``None`` (absent) is imported as ``other``, the ground of a record that names none."""
    status_reason: str | None = attrs.field(
        default=None,
        validator=_status_reason,
        metadata=sensitive(Sensitivity.COMPANY),
        repr=hidden(Sensitivity.COMPANY),
    )
    """The suspension or termination decision in words, shared with the company only (the level
    of the ``reason`` of :class:`~icoc.model.events.Suspended` and ``Terminated``); a withdrawal has none."""

    @property
    def pillar(self) -> Pillar:
        return Pillar.PSC


@attrs.frozen(kw_only=True)
class CivilSocietyOrganisation:
    """A member of the civil society pillar."""

    id: MemberId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    country: str = attrs.field(validator=v.country)
    joined: date = attrs.field(validator=v.a_date)
    status: MembershipStatus = attrs.field(default=MembershipStatus.ACTIVE, validator=v.enum(MembershipStatus))
    status_since: date | None = attrs.field(
        default=None,
        validator=v.optional(v.not_before("joined", "a status cannot start before the member joined")),
    )

    @property
    def pillar(self) -> Pillar:
        return Pillar.CSO


def _state_country(instance: Government, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.kind is GovernmentKind.STATE:
        v.country(instance, attribute, value)
    elif value is not None:
        v.country(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Government:
    """A State or an intergovernmental organisation (the government pillar)."""

    id: MemberId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    kind: GovernmentKind = attrs.field(validator=v.enum(GovernmentKind))
    joined: date = attrs.field(validator=v.a_date)
    country: str | None = attrs.field(default=None, validator=_state_country)
    status: MembershipStatus = attrs.field(default=MembershipStatus.ACTIVE, validator=v.enum(MembershipStatus))
    status_since: date | None = attrs.field(
        default=None,
        validator=v.optional(v.not_before("joined", "a status cannot start before the member joined")),
    )

    @property
    def pillar(self) -> Pillar:
        return Pillar.GOVERNMENT


def _not_a_psc(instance: Observer, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.typed(bool)(instance, attribute, value)
    if value:
        raise v.invalid(
            instance,
            attribute.name,
            "a private security company that provides security services cannot be an observer "
            "(it may join as a member or affiliate instead)",
        )


@attrs.frozen(kw_only=True)
class Observer:
    """A non-voting observer admitted at the Board's discretion; its annual fee may be waived."""

    id: MemberId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    kind: ObserverKind = attrs.field(validator=v.enum(ObserverKind))
    joined: date = attrs.field(validator=v.a_date)
    country: str | None = attrs.field(default=None, validator=v.optional(v.country))
    provides_security_services: bool = attrs.field(default=False, validator=_not_a_psc)
    fee_waived: bool = attrs.field(default=False, validator=v.typed(bool))
    status: MembershipStatus = attrs.field(default=MembershipStatus.ACTIVE, validator=v.enum(MembershipStatus))
    status_since: date | None = attrs.field(
        default=None,
        validator=v.optional(v.not_before("joined", "a status cannot start before admission")),
    )

    @property
    def pillar(self) -> None:
        """Observers belong to no pillar and do not vote."""
        return None


Member = Company | CivilSocietyOrganisation | Government | Observer
"""Anything with a membership id: a member of any pillar, an affiliate or an observer."""
