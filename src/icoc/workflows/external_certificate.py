"""External certificates (Articles of Association, Art. 11, first stage): one instance per
certificate, so a company holds any number of them (PSC.1 for land beside ISO 28007 for maritime,
overlapping validity, renewals). Recording one is legal whatever the company's ICoCA certification is
doing; the body may suspend, reinstate or withdraw it; whether it is in force on a day is read from its
state and its dates (it lapses at ``expires`` without an event)."""

from __future__ import annotations

from icoc.model.citation import Citation, Mark
from icoc.model.events import (
    CertificationRenewed,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    ExternalCertificateWithdrawn,
    certificate_key,
)
from icoc.workflows._table import NONE, GuardContext, SubjectKind, Transition, TransitionTable
from icoc.workflows.certification import acceptable_certificate, certifications_of, resting_on

PROCESS = "external-certificate"
# That ICoCA follows the 3-year ISO/IEC 17021 cycle with surveillance audits is inferred.
CITATION = Citation(
    document="Articles of Association",
    article="Art. 11, first stage; ISO/IEC 17021 certification practice",
    mark=Mark.INFERRED,
)


def _keys(ctx: GuardContext, event: Event, table: TransitionTable) -> tuple[str, ...]:
    """The certificate an event is about; a body's action naming no certificate (histories written
    before a company could hold several) is about the certificates its certifications rest on."""
    if isinstance(event, (ExternalCertificateRecorded, CertificationRenewed)):
        return (certificate_key(event.subject, event.certificate.id),)
    assert isinstance(
        event, (ExternalCertificateSuspended, ExternalCertificateReinstated, ExternalCertificateWithdrawn)
    )
    if event.certificate_id is not None:
        return (certificate_key(event.subject, event.certificate_id),)
    keys: list[str] = []
    for inst in certifications_of(ctx, event.subject):
        cert = resting_on(inst)
        if cert is None:
            continue
        key = certificate_key(event.subject, cert.id)
        mine = ctx.instance(PROCESS, key)
        if mine is not None and table.candidates(mine.state, event, ctx, mine) and key not in keys:
            keys.append(key)
    return tuple(keys)


_RECORDING = (ExternalCertificateRecorded, CertificationRenewed)

TABLE = TransitionTable(
    process=PROCESS,
    title="External certificate",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=("valid", "suspended", "withdrawn"),
    final=frozenset({"withdrawn"}),
    # A suspension or reinstatement naming no certificate moves the certification process.
    follows=frozenset({ExternalCertificateSuspended, ExternalCertificateReinstated}),
    citation=CITATION,
    keys=_keys,
    descriptions={
        "valid": "a body's certificate to a recognised standard; in force from its issue to its expiry",
        "suspended": "suspended by the certification body",
        "withdrawn": "withdrawn by the certification body before its expiry",
    },
    transitions=(
        # Recorded again (a renewal under the same number, a correction): the latest record counts.
        *(
            Transition(source=s, event=ev, target="valid", guards=(acceptable_certificate,), citation=CITATION)
            for s in (NONE, "valid")
            for ev in _RECORDING
        ),
        Transition(source="valid", event=ExternalCertificateSuspended, target="suspended"),
        Transition(source="suspended", event=ExternalCertificateReinstated, target="valid"),
        *(Transition(source=s, event=ExternalCertificateWithdrawn, target="withdrawn") for s in ("valid", "suspended")),
    ),
)
