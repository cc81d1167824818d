"""Standards and certification bodies: the first stage of certification (Art. 11).

Recognised standards are data, not an enum: the Association can recognise more, and a user
extends the catalogue by adding a :class:`Standard` to a registry document.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import attrs

from icoc.model import validators as v
from icoc.model.ids import CertificationBodyId, StandardId
from icoc.model.members import ServiceDomain

__all__ = [
    "AccreditationRoute",
    "BodyAcceptance",
    "CertificationBody",
    "DEFAULT_STANDARDS",
    "ISO_9001",
    "ISO_18788",
    "ISO_28007",
    "PSC_1",
    "Standard",
]


@attrs.frozen(kw_only=True)
class Standard:
    """A management-system standard, recognised by ICoCA or not (ISO 9001 is not)."""

    id: StandardId = attrs.field(validator=v.identifier)
    title: str = attrs.field(validator=v.text)
    domains: tuple[ServiceDomain, ...] = attrs.field(
        validator=[v.enums(ServiceDomain), v.unique(lambda d: d, "domain")]
    )
    recognised: bool = attrs.field(validator=v.typed(bool))
    recognised_from: date | None = attrs.field(default=None, validator=v.optional(v.a_date))

    @property
    def scope(self) -> ServiceDomain:
        """The scope of ICoCA certification a certificate to this standard supports: maritime for
        a standard for maritime work only (ISO 28007), land otherwise (PSC.1, ISO 18788). ICoCA
        lists PSC.1 and ISO 18788 for land-based and ISO 28007 for maritime companies."""
        return ServiceDomain.MARITIME if self.domains == (ServiceDomain.MARITIME,) else ServiceDomain.LAND


PSC_1 = Standard(
    id=StandardId("PSC.1-2012"),
    title="ANSI/ASIS PSC.1-2012 Management System for Quality of Private Security Company Operations",
    domains=(ServiceDomain.LAND, ServiceDomain.MARITIME),
    recognised=True,
)
"""ANSI/ASIS PSC.1-2012, recognised for ICoCA certification (land and maritime)."""
ISO_18788 = Standard(
    id=StandardId("ISO-18788"),
    title="ISO 18788:2015 Management system for private security operations",
    domains=(ServiceDomain.LAND,),
    recognised=True,
)
"""ISO 18788:2015, recognised for ICoCA certification (land)."""
ISO_28007 = Standard(
    id=StandardId("ISO-28007"),
    title="ISO 28007-1:2015 Guidelines for Private Maritime Security Companies",
    domains=(ServiceDomain.MARITIME,),
    recognised=True,
)
"""ISO 28007-1:2015, recognised for ICoCA certification (maritime)."""
ISO_9001 = Standard(
    id=StandardId("ISO-9001"),
    title="ISO 9001 Quality management systems (not recognised for ICoCA certification)",
    domains=(ServiceDomain.LAND, ServiceDomain.MARITIME),
    recognised=False,
)
"""ISO 9001: a quality standard ICoCA does not recognise; kept so it can be refused by name."""

DEFAULT_STANDARDS: tuple[Standard, ...] = (PSC_1, ISO_18788, ISO_28007, ISO_9001)
"""The catalogue a registry document starts with; ISO 9001 is listed so it can be refused by name."""


class AccreditationRoute(StrEnum):
    """How a certification body is accepted (Art. 11): accredited to the standard itself, or to
    ISO/IEC 17021 plus ICoCA's competency checks."""

    DIRECT_TO_STANDARD = "direct_to_standard"
    ISO_17021_PLUS_ICOCA = "iso_17021_plus_icoca"


@attrs.frozen(kw_only=True)
class BodyAcceptance:
    """ICoCA accepts a body for one standard from ``accepted_from`` (inclusive) until
    ``accepted_until`` (exclusive; ``None``: still accepted), on one accreditation route.

    ICoCA lists bodies per standard and dates additions (a February 2024 announcement adds a body
    "for certification to ISO 28007"); a certificate counts only if its body was accepted for its
    standard on the day it was issued. ``source`` names where the acceptance is read from.
    """

    standard: StandardId = attrs.field(validator=v.identifier)
    accepted_from: date | None = attrs.field(default=None, validator=v.optional(v.a_date))
    """``None``: the source does not date the acceptance (accepted for every issue date up to
    ``accepted_until``)."""
    accepted_until: date | None = attrs.field(
        default=None,
        validator=[
            v.optional(v.a_date),
            v.after("accepted_from", "an acceptance cannot end before it starts"),
        ],
    )
    route: AccreditationRoute | None = attrs.field(default=None, validator=v.optional(v.enum(AccreditationRoute)))
    """``None`` when the source does not say."""
    source: str | None = attrs.field(default=None, validator=v.optional(v.text))

    def covers(self, standard: str, on: date) -> bool:
        """Whether this acceptance is for ``standard`` and in force on ``on``."""
        return (
            self.standard == standard
            and (self.accepted_from is None or self.accepted_from <= on)
            and (self.accepted_until is None or on < self.accepted_until)
        )


@attrs.frozen(kw_only=True)
class CertificationBody:
    """An auditor accredited by a national accreditation body (IAF/MLA signatory)."""

    id: CertificationBodyId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    accreditation_body: str | None = attrs.field(validator=v.optional(v.text))
    """``None`` when the source does not say (a bidder list names the body only)."""
    route: AccreditationRoute | None = attrs.field(validator=v.optional(v.enum(AccreditationRoute)))
    """``None`` when the source does not say."""
    iaf_mla_signatory: bool = attrs.field(default=True, validator=v.typed(bool))
    """Whether ``accreditation_body`` signs the IAF multilateral recognition arrangement."""
    icoca_competency_checked: bool = attrs.field(default=False, validator=v.typed(bool))
    icoca_listed: bool = attrs.field(default=False, validator=v.typed(bool))
    """ICoCA itself names the body as accepted: on its list of bodies, or behind an ICoCA
    certification the source records (ICoCA certifies only on an accepted body's certificate)."""
    acceptances: tuple[BodyAcceptance, ...] = attrs.field(default=(), validator=v.tuple_of(BodyAcceptance))
    """ICoCA's acceptance per standard and date; empty: the source gives none (then
    :attr:`accepted` decides for every standard and date)."""

    @property
    def accepted(self) -> bool:
        """Accepted by ICoCA: listed by ICoCA, or IAF/MLA-accredited and competency-checked on the
        17021 route; a body whose accreditation is not known is not taken as accepted."""
        if self.icoca_listed:
            return True
        if self.route is None or not self.iaf_mla_signatory:
            return False
        return self.route is AccreditationRoute.DIRECT_TO_STANDARD or self.icoca_competency_checked

    def accepted_for(self, standard: str, on: date) -> bool:
        """Whether a certificate to ``standard`` issued on ``on`` by this body counts (Art. 11).

        With dated :attr:`acceptances`, only they decide; without, :attr:`accepted` does."""
        if self.acceptances:
            return any(a.covers(standard, on) for a in self.acceptances)
        return self.accepted

    def refusal(self, standard: str, on: date) -> str | None:
        """Why a certificate to ``standard`` issued on ``on`` does not count, or ``None``."""
        if self.accepted_for(standard, on):
            return None
        if not self.acceptances:
            return f"{self.id!r} is not an accepted certification body (IAF/MLA accreditation required)"
        dated = [a for a in self.acceptances if a.standard == standard]
        if not dated:
            known = ", ".join(sorted({a.standard for a in self.acceptances}))
            return f"{self.id!r} is accepted for {known} only, not for {standard}"
        spans = "; ".join(
            (f"from {a.accepted_from.isoformat()}" if a.accepted_from else "")
            + (f" until {a.accepted_until.isoformat()}" if a.accepted_until else "")
            for a in dated
        ).strip()
        return f"{self.id!r} was not accepted for {standard} on {on.isoformat()} (accepted {spans})"
