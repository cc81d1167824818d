"""Certification (Articles of Association, Art. 11): an external certificate to a recognised
standard, then ICoCA's review of the human-rights information, then ICoCA certification. ICoCA
certification is suspended with the external certificate and lapses at its expiry [P default]."""

from __future__ import annotations

from icoc.model.events import (
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    Terminated,
    Withdrew,
)
from icoc.workflows._guards import subject_company_active
from icoc.workflows._table import (
    NONE,
    PREVIOUS,
    GuardContext,
    Instance,
    SubjectKind,
    Transition,
    TransitionTable,
    guard,
)

PROCESS = "certification"
CITATION = "Articles of Association, Art. 11; ICoCA Certification Procedure (2015)"


@guard("the certificate is the company's, to a recognised standard, from an accepted body, in force")
def _acceptable_certificate(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, (ExternalCertificateRecorded, CertificationRenewed))
    cert = event.certificate
    if cert.company != event.subject:
        return f"certificate {cert.id!r} belongs to {cert.company!r}, not {event.subject!r}"
    standards = ctx.setting("standards")
    standard = standards.get(cert.standard)
    if standard is None:
        return f"unknown standard {cert.standard!r} (known: {', '.join(sorted(standards))})"
    if not standard.recognised:
        return f"{standard.id} is not a standard ICoCA recognises for certification"
    bodies = ctx.setting("certification_bodies")
    if bodies is not None:
        body = bodies.get(cert.body)
        if body is None:
            return f"unknown certification body {cert.body!r}"
        if not body.accepted:
            return f"{body.id!r} is not an accepted certification body (IAF/MLA accreditation required)"
    if not cert.in_force(event.effective):
        return f"certificate {cert.id!r} is not in force on {event.effective.isoformat()}"
    return None


@guard("ICoCA certification expires no later than the external certificate")
def _within_external(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, IcocaCertificationGranted)
    cert = current.data.get("certificate") if current is not None else None
    if cert is not None and event.expires > cert.expires:
        return (
            f"expires {event.expires.isoformat()} after the external certificate "
            f"{cert.id!r} ({cert.expires.isoformat()})"
        )
    return None


_HOLDING = ("externally_certified", "icoca_review", "icoca_certified", "suspended")

TABLE = TransitionTable(
    process=PROCESS,
    title="Certification",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=("externally_certified", "icoca_review", "icoca_certified", "suspended", "expired", "withdrawn"),
    final=frozenset({"expired", "withdrawn"}),
    follows=frozenset[type[Event]]((Terminated, Withdrew)),
    citation=CITATION,
    descriptions={
        "externally_certified": "certified by an accepted body to PSC.1, ISO 18788 or ISO 28007",
        "icoca_review": "ICoCA reviews audit reports and the human rights risk assessment",
        "icoca_certified": "ICoCA certified",
        "suspended": "suspended with the external certificate",
    },
    transitions=(
        *(
            Transition(
                source=s,
                event=ExternalCertificateRecorded,
                target="externally_certified",
                guards=(_acceptable_certificate,),
                citation="Art. 11, first stage",
            )
            for s in (NONE, "externally_certified", "expired", "withdrawn")
        ),
        Transition(
            source="externally_certified",
            event=IcocaApplicationSubmitted,
            target="icoca_review",
            guards=(subject_company_active,),
            citation="Art. 11, second stage",
        ),
        Transition(
            source="icoca_review", event=IcocaCertificationGranted, target="icoca_certified", guards=(_within_external,)
        ),
        Transition(source="icoca_review", event=IcocaApplicationRefused, target="externally_certified"),
        Transition(
            source="icoca_certified",
            event=CertificationRenewed,
            target="icoca_certified",
            guards=(_acceptable_certificate,),
        ),
        # Back to where it was suspended from: renewing the external certificate of a company
        # that ICoCA never certified does not make it ICoCA certified.
        Transition(source="suspended", event=CertificationRenewed, target=PREVIOUS, guards=(_acceptable_certificate,)),
        *(
            Transition(source=s, event=ExternalCertificateSuspended, target="suspended")
            for s in ("externally_certified", "icoca_review", "icoca_certified")
        ),
        Transition(source="suspended", event=ExternalCertificateReinstated, target=PREVIOUS),
        *(Transition(source=s, event=CertificationExpired, target="expired") for s in _HOLDING),
        *(Transition(source=s, event=CertificationWithdrawn, target="withdrawn") for s in _HOLDING),
        # A company that leaves the Association loses ICoCA certification with its membership.
        *(
            Transition(source=s, event=ev, target="withdrawn", label="membership ended", citation=CITATION)
            for ev in (Terminated, Withdrew)
            for s in _HOLDING
        ),
    ),
)
