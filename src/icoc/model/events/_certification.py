"""Certification events (Art. 11): external certificates and ICoCA certification."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.certificates import ExternalCertificate
from icoc.model.events._base import Event
from icoc.model.ids import CertificateId
from icoc.model.members import ServiceDomain
from icoc.model.sensitivity import Sensitivity, hidden, sensitive

# --- certification (Art. 11) --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ExternalCertificateRecorded(Event):
    """A certification body's certificate to a recognised standard (first stage)."""

    TYPE: ClassVar[str] = "external_certificate_recorded"
    certificate: ExternalCertificate = attrs.field(validator=v.typed(ExternalCertificate))


@attrs.frozen(kw_only=True)
class IcocaApplicationSubmitted(Event):
    """The company applies for ICoCA certification with the human-rights information (second stage)."""

    TYPE: ClassVar[str] = "icoca_application_submitted"
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class IcocaCertificationGranted(Event):
    """ICoCA grants its certification ``certification``, in force until ``expires`` (Art. 11, second stage)."""

    TYPE: ClassVar[str] = "icoca_certification_granted"
    certification: CertificateId = attrs.field(validator=v.identifier)
    expires: date = attrs.field(validator=[v.a_date, v.after("effective", "it must expire after it is granted")])
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class IcocaApplicationRefused(Event):
    """ICoCA refuses the application for certification; ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "icoca_application_refused"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class CertificationRenewed(Event):
    """A new external certificate renews the ICoCA certification of its scope (the scope of its
    standard): that certification stays certified and rests on the new certificate from now on."""

    TYPE: ClassVar[str] = "certification_renewed"
    certificate: ExternalCertificate = attrs.field(validator=v.typed(ExternalCertificate))


@attrs.frozen(kw_only=True)
class ExternalCertificateSuspended(Event):
    """The body suspended an external certificate; the ICoCA certifications resting on it are
    suspended with it [P default]."""

    TYPE: ClassVar[str] = "external_certificate_suspended"
    certificate_id: CertificateId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    """The id of the certificate concerned; ``None``: the certificates the company's ICoCA
    certifications rest on (histories written before a company could hold several)."""


@attrs.frozen(kw_only=True)
class ExternalCertificateReinstated(Event):
    """The certification body lifts the suspension of an external certificate."""

    TYPE: ClassVar[str] = "external_certificate_reinstated"
    certificate_id: CertificateId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    """The id of the certificate concerned; ``None``: the certificates the company's ICoCA
    certifications rest on (histories written before a company could hold several)."""


@attrs.frozen(kw_only=True)
class CertificationExpired(Event):
    """An ICoCA certification lapsed: at its own expiry, or with the certificate it rests on."""

    TYPE: ClassVar[str] = "certification_expired"
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class CertificationWithdrawn(Event):
    """ICoCA withdraws its certification before it expires."""

    TYPE: ClassVar[str] = "certification_withdrawn"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class ExternalCertificateWithdrawn(Event):
    """The certification body withdrew a certificate before its expiry; the ICoCA certifications
    resting on it are withdrawn with it [P default]."""

    TYPE: ClassVar[str] = "external_certificate_withdrawn"
    certificate_id: CertificateId = attrs.field(validator=v.identifier)
    """The id of the certificate withdrawn."""


def certificate_key(company: str, certificate: str) -> str:
    """The key of the ``external-certificate`` instance of one certificate of a company."""
    return f"{company}@{certificate}"


def certification_key(company: str, scope: ServiceDomain | str) -> str:
    """The key of a company's ICoCA ``certification`` instance in one scope (land, maritime)."""
    return f"{company}#{ServiceDomain(scope).value}"
