"""Strategies for the members of the three pillars and for observers."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from icoc.model import (
    CivilSocietyOrganisation,
    Company,
    CompanyStatus,
    Government,
    GovernmentKind,
    MemberId,
    MembershipStatus,
    Observer,
    ObserverKind,
    ServiceDomain,
)
from icoc.model.members import Ground
from icoc.testing._basics import (
    _GROUNDED,
    _MAYBE_COUNTRY,
    _MAYBE_TEXT,
    _SUSPENDABLE,
    _TEXT,
    MAX_DATE,
    MIN_DATE,
    _day,
    _distinct,
    _enum,
    _maybe,
    _maybe_day,
    countries,
    member_ids,
)

__all__ = ["civil_society_organisations", "companies", "governments", "observers"]

# --- members -----------------------------------------------------------------------------------


@st.composite
def companies(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    status: CompanyStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
    provides_security_services: bool | None = True,
) -> Company:
    """A private security company; a suspended one records the active status it left.
    ``provides_security_services=None`` draws it (a company that does not cannot be admitted
    as a PSC member by the workflows)."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    status = status if status is not None else draw(_enum(CompanyStatus))
    provides = draw(st.booleans()) if provides_security_services is None else provides_security_services
    return Company(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(countries()),
        joined=joined,
        status=status,
        status_since=_day(draw, joined, as_of),
        suspended_from=draw(st.sampled_from(_SUSPENDABLE)) if status is CompanyStatus.SUSPENDED else None,
        provides_security_services=provides,
        services=draw(_distinct(list(ServiceDomain), min_size=1 if provides else 0)),
        swiss_pssa=draw(st.booleans()),
        revenue_band=draw(_maybe(st.sampled_from("ABCD"))),
        status_ground=draw(_maybe(_enum(Ground))) if status in _GROUNDED else None,
        status_reason=draw(_MAYBE_TEXT) if status in (CompanyStatus.SUSPENDED, CompanyStatus.TERMINATED) else None,
    )


@st.composite
def _membership(
    draw: st.DrawFn, status: MembershipStatus | None, joined: date, as_of: date
) -> tuple[MembershipStatus, date | None]:
    """Status and status date shared by CSOs, governments and observers."""
    chosen = status if status is not None else draw(_enum(MembershipStatus))
    return chosen, _maybe_day(draw, joined, as_of)


@st.composite
def civil_society_organisations(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> CivilSocietyOrganisation:
    """A member of the civil society pillar, possibly suspended or gone."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return CivilSocietyOrganisation(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(countries()),
        joined=joined,
        status=chosen,
        status_since=since,
    )


@st.composite
def governments(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    kind: GovernmentKind | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> Government:
    """A State (always with its country) or an intergovernmental organisation (country optional)."""
    kind = kind if kind is not None else draw(_enum(GovernmentKind))
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return Government(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        kind=kind,
        joined=joined,
        country=draw(countries() if kind is GovernmentKind.STATE else _MAYBE_COUNTRY),
        status=chosen,
        status_since=since,
    )


@st.composite
def observers(
    draw: st.DrawFn,
    *,
    id: MemberId | None = None,
    kind: ObserverKind | None = None,
    status: MembershipStatus | None = None,
    joined: date | None = None,
    as_of: date = MAX_DATE,
) -> Observer:
    """An observer; never a company providing security services, which the Articles exclude."""
    joined = joined if joined is not None else _day(draw, MIN_DATE, as_of)
    chosen, since = draw(_membership(status, joined, as_of))
    return Observer(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        kind=kind if kind is not None else draw(_enum(ObserverKind)),
        joined=joined,
        country=draw(_MAYBE_COUNTRY),
        provides_security_services=False,
        fee_waived=draw(st.booleans()),
        status=chosen,
        status_since=since,
    )
