"""Strategies for standards, certification bodies and their acceptance, external certificates with
their surveillance audits, and ICoCA certifications (Art. 11)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from icoc.model import (
    DEFAULT_STANDARDS,
    AccreditationRoute,
    AuditOutcome,
    BodyAcceptance,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    ExternalCertificate,
    ExternalCertificateStatus,
    IcocaCertification,
    IcocaCertificationStatus,
    MemberId,
    ServiceDomain,
    Standard,
    StandardId,
    SurveillanceAudit,
)
from icoc.testing._basics import (
    _ACCREDITATION_BODIES,
    _DAY,
    _LAST_START,
    _TEXT,
    _YEAR,
    MAX_DATE,
    MIN_DATE,
    _day,
    _distinct,
    _enum,
    _maybe_day,
    dates,
    identifiers,
    member_ids,
)

__all__ = [
    "body_acceptances",
    "certification_bodies",
    "external_certificates",
    "icoca_certifications",
    "standards",
    "surveillance_audits",
]

# --- standards and certification --------------------------------------------------------------


@st.composite
def standards(
    draw: st.DrawFn, *, id: StandardId | None = None, recognised: bool | None = None, as_of: date = MAX_DATE
) -> Standard:
    """A standard; a recognised one may record since when (on or before ``as_of``)."""
    recognised = recognised if recognised is not None else draw(st.booleans())
    return Standard(
        id=id if id is not None else StandardId(draw(identifiers())),
        title=draw(_TEXT),
        domains=draw(_distinct(list(ServiceDomain))),
        recognised=recognised,
        recognised_from=_maybe_day(draw, MIN_DATE, as_of) if recognised else None,
    )


@st.composite
def certification_bodies(
    draw: st.DrawFn, *, id: CertificationBodyId | None = None, accepted: bool | None = None
) -> CertificationBody:
    """A certification body; ``accepted`` picks the accreditation facts that make ICoCA accept it or not."""
    route = draw(_enum(AccreditationRoute))
    if accepted is None:
        iaf, checked = draw(st.booleans()), draw(st.booleans())
    elif accepted:
        iaf = True
        checked = True if route is AccreditationRoute.ISO_17021_PLUS_ICOCA else draw(st.booleans())
    elif route is AccreditationRoute.DIRECT_TO_STANDARD:
        iaf, checked = False, draw(st.booleans())
    else:
        iaf, checked = draw(st.sampled_from([(False, False), (False, True), (True, False)]))
    return CertificationBody(
        id=id if id is not None else CertificationBodyId(draw(identifiers())),
        name=draw(_TEXT),
        accreditation_body=draw(st.sampled_from(_ACCREDITATION_BODIES)),
        route=route,
        iaf_mla_signatory=iaf,
        icoca_competency_checked=checked,
    )


@st.composite
def body_acceptances(draw: st.DrawFn, *, standard: StandardId | None = None) -> BodyAcceptance:
    """ICoCA's acceptance of a body for one standard over a (possibly open) span of dates."""
    start = draw(st.dates(MIN_DATE, MAX_DATE - timedelta(days=1)))
    until = draw(st.none() | st.dates(start + timedelta(days=1), MAX_DATE))
    return BodyAcceptance(
        standard=standard
        if standard is not None
        else StandardId(draw(st.sampled_from(("PSC.1-2012", "ISO-18788", "ISO-28007")))),
        accepted_from=start,
        accepted_until=until,
        route=draw(st.none() | _enum(AccreditationRoute)),
        source=draw(st.none() | _TEXT),
    )


def surveillance_audits(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[SurveillanceAudit]:
    """Audits held in min_value..max_value (pass a certificate's validity to fit its cycle)."""
    return st.builds(SurveillanceAudit, held=dates(min_value, max_value), outcome=_enum(AuditOutcome))


@st.composite
def external_certificates(
    draw: st.DrawFn,
    *,
    id: CertificateId | None = None,
    company: MemberId | None = None,
    standard: StandardId | None = None,
    body: CertificationBodyId | None = None,
    status: ExternalCertificateStatus | None = None,
    as_of: date = MAX_DATE,
) -> ExternalCertificate:
    """A certificate on a 3-year cycle at most, with date-ordered surveillance audits held by ``as_of``."""
    issued = _day(draw, MIN_DATE, min(as_of, _LAST_START))
    expires = _day(draw, issued + _DAY, min(issued + 3 * _YEAR, MAX_DATE))
    audits: list[SurveillanceAudit] = []
    if issued <= min(expires, as_of):
        audits = [
            SurveillanceAudit(held=_day(draw, issued, min(expires, as_of)), outcome=draw(_enum(AuditOutcome)))
            for _ in range(draw(st.integers(0, 3)))
        ]
    return ExternalCertificate(
        id=id if id is not None else CertificateId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        standard=standard if standard is not None else draw(st.sampled_from([s.id for s in DEFAULT_STANDARDS])),
        body=body if body is not None else CertificationBodyId(draw(identifiers())),
        issued=issued,
        expires=expires,
        status=status if status is not None else draw(_enum(ExternalCertificateStatus)),
        surveillance=tuple(sorted(audits, key=lambda a: a.held)),
        conditions=tuple(draw(st.lists(_TEXT, max_size=2))),
    )


@st.composite
def icoca_certifications(
    draw: st.DrawFn,
    *,
    id: CertificateId | None = None,
    based_on: ExternalCertificate | None = None,
    company: MemberId | None = None,
    status: IcocaCertificationStatus | None = None,
    as_of: date = MAX_DATE,
    in_force_on: date | None = None,
) -> IcocaCertification:
    """ICoCA certification; given ``based_on`` it is that certificate's company's, granted while
    it runs and lapsing no later than it (the library's default reading of Art. 11). With
    ``in_force_on`` (inside ``based_on``'s validity) it is granted by then and expires after."""
    if based_on is not None:
        company, base = based_on.company, based_on.id
        granted = _day(draw, based_on.issued, min(as_of, based_on.expires - _DAY))
        last = based_on.expires
    else:
        base = CertificateId(draw(identifiers()))
        granted = _day(draw, MIN_DATE, min(as_of, _LAST_START))
        last = min(granted + 3 * _YEAR, MAX_DATE)
    if in_force_on is not None and based_on is not None and based_on.issued <= in_force_on < based_on.expires:
        granted = _day(draw, based_on.issued, in_force_on)
        first_expiry = in_force_on + _DAY
    else:
        first_expiry = granted + _DAY
    return IcocaCertification(
        id=id if id is not None else CertificateId(draw(identifiers())),
        company=company if company is not None else draw(member_ids()),
        based_on=base,
        granted=granted,
        expires=_day(draw, first_expiry, last),
        status=status if status is not None else draw(_enum(IcocaCertificationStatus)),
        human_rights_risk_assessment=draw(st.booleans()),
    )
