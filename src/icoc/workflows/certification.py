"""ICoCA certification (Articles of Association, Art. 11), one instance per company and scope
(land, maritime): an external certificate to a recognised standard of that scope, ICoCA's review of
the human-rights information, then ICoCA certification resting on that certificate. A company holds
any number of certificates (the ``external-certificate`` process) and is certified in each scope
separately; renewing, suspending, withdrawing or lapsing one certificate moves only the certification
resting on it. ICoCA certification is suspended with its certificate and lapses at its expiry
[P default]."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from icoc.model.certificates import ExternalCertificate
from icoc.model.citation import Citation, Mark
from icoc.model.events import (
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    ExternalCertificateWithdrawn,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    Terminated,
    Withdrew,
    certification_key,
)
from icoc.model.members import ServiceDomain
from icoc.model.standards import DEFAULT_STANDARDS, Standard
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
CITATION = Citation(document="Articles of Association", article="Art. 11; ICoCA Certification Procedure (2015)")
_FIRST_STAGE = Citation(document="Articles of Association", article="Art. 11, first stage")
_SECOND_STAGE = Citation(document="Articles of Association", article="Art. 11, second stage")
# Certification is part of PSC membership (Art. 3, 11): that it ends with the membership is inferred.
_MEMBERSHIP_ENDED = Citation(document="Articles of Association", article="Art. 3 and 11", mark=Mark.INFERRED)


@guard("the certificate is the company's, to a recognised standard, from an accepted body, in force")
def acceptable_certificate(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
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
        refusal = body.refusal(cert.standard, cert.issued)
        if refusal is not None:
            return f"certificate {cert.id!r} issued {cert.issued.isoformat()}: {refusal}"
    if not cert.in_force(event.effective):
        return f"certificate {cert.id!r} is not in force on {event.effective.isoformat()}"
    return None


@guard("ICoCA certification expires no later than the external certificate it rests on")
def _within_external(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, IcocaCertificationGranted)
    cert = resting_on(current) if current is not None else None
    if cert is not None and event.expires > cert.expires:
        return (
            f"expires {event.expires.isoformat()} after the external certificate "
            f"{cert.id!r} ({cert.expires.isoformat()}) it rests on"
        )
    return None


@guard("an event naming no scope (or no certificate) is about one certification only")
def _one_meant(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    """Histories written before scopes name neither; with two certifications able to take the
    event (land and maritime), one application, grant or withdrawal must not move both."""
    field = "scope" if hasattr(event, "scope") else "certificate_id"
    if getattr(event, field, None) is not None:
        return None
    able = [i for i in certifications_of(ctx, event.subject) if TABLE.candidates(i.state, event, ctx, i)]
    if len(able) < 2:
        return None
    where = ", ".join(f"{scope_of_instance(i).value} ({i.state})" for i in able)
    return f"it names no {field} and {len(able)} certifications could take it: {where}; name the {field}"


_DEFAULT_STANDARDS = {s.id: s for s in DEFAULT_STANDARDS}


def scope_of(ctx: GuardContext, certificate: ExternalCertificate) -> ServiceDomain:
    """The scope of ICoCA certification ``certificate`` supports (:attr:`Standard.scope`), read from
    the registry's standards (the default catalogue for a standard it does not list)."""
    standards: Mapping[str, Standard] | None = ctx.setting("standards")
    standard = (standards or {}).get(certificate.standard) or _DEFAULT_STANDARDS.get(certificate.standard)
    return standard.scope if standard is not None else ServiceDomain.LAND


def resting_on(instance: Instance) -> ExternalCertificate | None:
    """The external certificate an ICoCA certification instance rests on (``None``: none recorded)."""
    cert = instance.data.get("certificate")
    return cert if isinstance(cert, ExternalCertificate) else None


def scope_of_instance(instance: Instance) -> ServiceDomain:
    """The scope of a ``certification`` instance, read from its key."""
    return ServiceDomain(instance.key.rpartition("#")[2])


def certifications_of(ctx: GuardContext, company: str) -> list[Instance]:
    """A company's ICoCA certification instances, one per scope, in key order."""
    return list(ctx.instances(PROCESS, company))


_STANDING_ORDER = ("icoca_certified", "suspended", "icoca_review", "externally_certified", "expired", "withdrawn")


def leading(instances: Iterable[Instance]) -> Instance | None:
    """The certification that says most for the company: one in force (the latest to enter its state),
    else suspended, under review, externally certified, expired, withdrawn; ``None`` for none."""
    best: Instance | None = None
    for inst in instances:
        if best is None:
            best = inst
            continue
        rank, best_rank = _STANDING_ORDER.index(inst.state), _STANDING_ORDER.index(best.state)
        if rank < best_rank or (rank == best_rank and inst.since > best.since):
            best = inst
    return best


_EXTERNAL_EVENTS = (ExternalCertificateSuspended, ExternalCertificateReinstated, ExternalCertificateWithdrawn)


def _keys(ctx: GuardContext, event: Event, table: TransitionTable) -> tuple[str, ...]:
    """The scope instances an event moves: the scope of a recorded certificate; the scope an ICoCA
    event names; the certifications resting on a certificate the body suspends, reinstates or
    withdraws; else (histories written before scopes) every certification that can take it."""
    company = event.subject
    if isinstance(event, (ExternalCertificateRecorded, CertificationRenewed)):
        return (certification_key(company, scope_of(ctx, event.certificate)),)
    scope = getattr(event, "scope", None)
    if scope is not None:
        return (certification_key(company, scope),)
    mine = certifications_of(ctx, company)
    if isinstance(event, _EXTERNAL_EVENTS) and event.certificate_id is not None:
        return tuple(i.key for i in mine if (c := resting_on(i)) is not None and c.id == event.certificate_id)
    able = tuple(i.key for i in mine if table.candidates(i.state, event, ctx, i))
    if able or type(event) in table.follows:
        return able
    # Nothing can take it: name one instance so the refusal says where it stands.
    return (mine[0].key,) if mine else (certification_key(company, ServiceDomain.LAND),)


_HOLDING = ("externally_certified", "icoca_review", "icoca_certified", "suspended")

TABLE = TransitionTable(
    process=PROCESS,
    title="Certification",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=("externally_certified", "icoca_review", "icoca_certified", "suspended", "expired", "withdrawn"),
    final=frozenset({"expired", "withdrawn"}),
    # Recording a further certificate (the external-certificate process holds each one) leaves a
    # certification under review, granted or suspended where it is; a body's action on a
    # certificate moves only the certifications resting on it, from where they can move.
    follows=frozenset[type[Event]]((Terminated, Withdrew, ExternalCertificateRecorded, *_EXTERNAL_EVENTS)),
    citation=CITATION,
    keys=_keys,
    descriptions={
        "externally_certified": "certified by an accepted body to a recognised standard of this scope",
        "icoca_review": "ICoCA reviews audit reports and the human rights risk assessment",
        "icoca_certified": "ICoCA certified in this scope",
        "suspended": "suspended with the external certificate it rests on",
    },
    transitions=(
        *(
            Transition(
                source=s,
                event=ExternalCertificateRecorded,
                target="externally_certified",
                guards=(acceptable_certificate,),
                citation=_FIRST_STAGE,
            )
            for s in (NONE, "externally_certified", "expired", "withdrawn")
        ),
        Transition(
            source="externally_certified",
            event=IcocaApplicationSubmitted,
            target="icoca_review",
            guards=(subject_company_active, _one_meant),
            citation=_SECOND_STAGE,
        ),
        Transition(
            source="icoca_review",
            event=IcocaCertificationGranted,
            target="icoca_certified",
            guards=(_within_external, _one_meant),
        ),
        Transition(
            source="icoca_review", event=IcocaApplicationRefused, target="externally_certified", guards=(_one_meant,)
        ),
        # A new certificate of the scope: the certification rests on it from now on.
        *(
            Transition(source=s, event=CertificationRenewed, target=s, guards=(acceptable_certificate,))
            for s in ("externally_certified", "icoca_review", "icoca_certified")
        ),
        # Back to where it was suspended from: renewing the external certificate of a company
        # that ICoCA never certified does not make it ICoCA certified.
        Transition(source="suspended", event=CertificationRenewed, target=PREVIOUS, guards=(acceptable_certificate,)),
        *(
            Transition(source=s, event=ExternalCertificateSuspended, target="suspended", guards=(_one_meant,))
            for s in ("externally_certified", "icoca_review", "icoca_certified")
        ),
        Transition(source="suspended", event=ExternalCertificateReinstated, target=PREVIOUS, guards=(_one_meant,)),
        *(
            Transition(source=s, event=ev, target=target, guards=(_one_meant,))
            for ev, target in ((CertificationExpired, "expired"), (CertificationWithdrawn, "withdrawn"))
            for s in _HOLDING
        ),
        *(
            Transition(source=s, event=ExternalCertificateWithdrawn, target="withdrawn", label="certificate withdrawn")
            for s in _HOLDING
        ),
        # A company that leaves the Association loses ICoCA certification with its membership.
        *(
            Transition(source=s, event=ev, target="withdrawn", label="membership ended", citation=_MEMBERSHIP_ENDED)
            for ev in (Terminated, Withdrew)
            for s in _HOLDING
        ),
    ),
)
