"""Builders for the set-ups most tests start from: admit a company, certify it, open a case.

Each returns the events, in order, that a :class:`~icoc.registry.Registry` accepts as one batch
(``registry.submit_all(admit("acme", on=day))``), so tests can combine, date and inspect them
before submitting. Ids of what the events create (certificates, certifications) derive from the
subject, so a test can refer to them without keeping the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from icoc.model.certificates import ExternalCertificate
from icoc.model.events import (
    SECRETARIAT,
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    Cause,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from icoc.model.ids import CertificateId, CertificationBodyId, ComplaintId, MemberId, StandardId
from icoc.model.members import GovernmentKind, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.model.standards import PSC_1

__all__ = ["admit", "certify", "open_case"]

_DAY = timedelta(days=1)


def admit(
    subject: str,
    on: date,
    *,
    admission: Admission = Admission.MEMBER,
    applicant: ApplicantKind = ApplicantKind.COMPANY,
    provides_security_services: bool | None = None,
    services: Sequence[ServiceDomain] = (ServiceDomain.LAND,),
    name: str | None = None,
    country: str | None = None,
    cause: Cause = SECRETARIAT,
) -> list[Event]:
    """Apply, (for a company) pass due diligence, and be admitted, all on day ``on``.

    A company applicant provides security services unless ``provides_security_services=False``
    (it can then only be admitted as an observer); a government applies as a State. The Board
    admits (Articles of Association, Art. 3 and 6). Raises
    :class:`~icoc.errors.InvalidInput` for an argument the events refuse (a bad id or country).
    """
    security = applicant is ApplicantKind.COMPANY if provides_security_services is None else provides_security_services
    application = ApplicationSubmitted(
        subject=subject,
        effective=on,
        cause=cause,
        applicant=applicant,
        name=name if name is not None else f"Organisation {subject}",
        country=country,
        provides_security_services=security,
        services=tuple(services) if security else (),
        government_kind=GovernmentKind.STATE if applicant is ApplicantKind.GOVERNMENT else None,
    )
    events: list[Event] = [application]
    if applicant is ApplicantKind.COMPANY:
        events.append(DueDiligenceStarted(subject=subject, effective=on, cause=cause))
    events.append(Admitted(subject=subject, effective=on, cause=cause, admission=admission))
    return events


def certify(
    company: str,
    on: date,
    *,
    years: int = 3,
    standard: str = PSC_1.id,
    body: str = "body-1",
    cause: Cause = SECRETARIAT,
) -> list[Event]:
    """Both stages of ICoCA certification on day ``on`` (Articles of Association, Art. 11): an
    external certificate ``ext-<company>`` to ``standard`` issued by ``body``, the application to
    ICoCA and its grant as ``icoca-<company>``. Both run ``years * 365`` days from ``on``.

    The company must be admitted first; a registry refuses the batch otherwise
    (:class:`~icoc.errors.IllegalTransition`).
    """
    expires = on + years * 365 * _DAY
    certificate = ExternalCertificate(
        id=CertificateId(f"ext-{company}"),
        company=MemberId(company),
        standard=StandardId(standard),
        body=CertificationBodyId(body),
        issued=on,
        expires=expires,
    )
    return [
        ExternalCertificateRecorded(subject=company, effective=on, cause=cause, certificate=certificate),
        IcocaApplicationSubmitted(subject=company, effective=on, cause=cause),
        IcocaCertificationGranted(
            subject=company,
            effective=on,
            cause=cause,
            certification=CertificateId(f"icoca-{company}"),
            expires=expires,
        ),
    ]


def open_case(
    case: str,
    company: str,
    on: date,
    *,
    source: FindingSource = FindingSource.REMOTE_MONITORING,
    category: ConcernCategory = ConcernCategory.OTHER,
    severity: Severity = Severity.MEDIUM,
    complaint: str | None = None,
    cause: Cause = SECRETARIAT,
) -> list[Event]:
    """Open compliance case ``case`` about ``company`` on day ``on`` (Articles of Association,
    Art. 12). Passing ``complaint`` makes the complaint its source."""
    return [
        CaseOpened(
            subject=case,
            effective=on,
            cause=cause,
            company=MemberId(company),
            source=FindingSource.COMPLAINT if complaint is not None else source,
            category=category,
            severity=severity,
            complaint=ComplaintId(complaint) if complaint is not None else None,
        )
    ]
