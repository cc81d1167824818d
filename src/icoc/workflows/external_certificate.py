"""External certificates (Articles of Association, Art. 11, first stage): one instance per
certificate, so a company holds any number of them (PSC.1 for land beside ISO 28007 for
maritime, overlapping validity). Recording one is legal whatever the company's ICoCA
certification is doing; whether it is in force is read from its dates on the day asked."""

from __future__ import annotations

from icoc.model.events import CertificationRenewed, Event, ExternalCertificateRecorded, certificate_key
from icoc.workflows._table import NONE, SubjectKind, Transition, TransitionTable
from icoc.workflows.certification import acceptable_certificate

PROCESS = "external-certificate"
CITATION = "Articles of Association, Art. 11, first stage"


def _key(event: Event) -> str:
    assert isinstance(event, (ExternalCertificateRecorded, CertificationRenewed))
    return certificate_key(event.subject, event.certificate.id)


TABLE = TransitionTable(
    process=PROCESS,
    title="External certificate",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=("recorded",),
    final=frozenset(),
    citation=CITATION,
    key=_key,
    descriptions={"recorded": "a body's certificate to a recognised standard; in force between its dates"},
    transitions=tuple(
        Transition(source=s, event=ev, target="recorded", guards=(acceptable_certificate,), citation=CITATION)
        for s in (NONE, "recorded")
        for ev in (ExternalCertificateRecorded, CertificationRenewed)
    ),
)
