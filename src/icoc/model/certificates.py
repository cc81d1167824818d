"""External certificates (first stage of Art. 11) and ICoCA certification (second stage)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId

__all__ = [
    "AuditOutcome",
    "ExternalCertificate",
    "ExternalCertificateStatus",
    "IcocaCertification",
    "IcocaCertificationStatus",
    "SurveillanceAudit",
]


class AuditOutcome(StrEnum):
    """What a surveillance audit by the certification body found."""

    PASSED = "passed"
    MINOR_NONCONFORMITIES = "minor_nonconformities"
    MAJOR_NONCONFORMITIES = "major_nonconformities"


@attrs.frozen(kw_only=True)
class SurveillanceAudit:
    """A periodic audit inside the certificate's cycle (every 6 or 12 months in ISO 17021 practice)."""

    held: date = attrs.field(validator=v.a_date)
    outcome: AuditOutcome = attrs.field(validator=v.enum(AuditOutcome))


class ExternalCertificateStatus(StrEnum):
    """As reported by the certification body; expiry is read from ``expires``, not stored."""

    VALID = "valid"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


def _audits_in_cycle(instance: ExternalCertificate, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, audit in enumerate(value):
        if not instance.issued <= audit.held <= instance.expires:
            raise v.invalid(
                instance,
                f"{attribute.name}[{i}].held",
                f"{audit.held.isoformat()} is outside the certificate's validity "
                f"{instance.issued.isoformat()}..{instance.expires.isoformat()}",
            )
    helds = [a.held for a in value]
    if helds != sorted(helds):
        raise v.invalid(instance, attribute.name, "surveillance audits must be listed in date order")


@attrs.frozen(kw_only=True)
class ExternalCertificate:
    """A certification body's certificate to a standard; the company's first stage of Art. 11."""

    id: CertificateId = attrs.field(validator=v.identifier)
    company: MemberId = attrs.field(validator=v.identifier)
    standard: StandardId = attrs.field(validator=v.identifier)
    body: CertificationBodyId = attrs.field(validator=v.identifier)
    issued: date = attrs.field(validator=v.a_date)
    expires: date = attrs.field(
        validator=[v.a_date, v.after("issued", "a certificate cannot expire before it is issued")]
    )
    status: ExternalCertificateStatus = attrs.field(
        default=ExternalCertificateStatus.VALID, validator=v.enum(ExternalCertificateStatus)
    )
    surveillance: tuple[SurveillanceAudit, ...] = attrs.field(
        default=(), validator=[v.tuple_of(SurveillanceAudit), _audits_in_cycle]
    )
    conditions: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(v.text))
    """Scope limits or conditions the body attached (sites, services, corrective actions)."""

    def in_force(self, on: date) -> bool:
        """Valid, not suspended or withdrawn, and ``on`` within issued..expires."""
        return self.status is ExternalCertificateStatus.VALID and self.issued <= on < self.expires


class IcocaCertificationStatus(StrEnum):
    """Where an ICoCA certification stands: in force, suspended with its external certificate, expired or withdrawn."""

    CERTIFIED = "certified"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@attrs.frozen(kw_only=True)
class IcocaCertification:
    """ICoCA certification, granted on top of an external certificate (Art. 11, second stage).

    It is complementary to the external certificate and, by default, lapses at its expiry.
    """

    id: CertificateId = attrs.field(validator=v.identifier)
    company: MemberId = attrs.field(validator=v.identifier)
    based_on: CertificateId = attrs.field(validator=v.identifier)
    granted: date = attrs.field(validator=v.a_date)
    expires: date = attrs.field(
        validator=[v.a_date, v.after("granted", "a certification cannot expire before it is granted")]
    )
    status: IcocaCertificationStatus = attrs.field(
        default=IcocaCertificationStatus.CERTIFIED, validator=v.enum(IcocaCertificationStatus)
    )
    human_rights_risk_assessment: bool = attrs.field(default=True, validator=v.typed(bool))
    """Whether the application carried the company's human rights risk assessment."""

    def in_force(self, on: date) -> bool:
        return self.status is IcocaCertificationStatus.CERTIFIED and self.granted <= on < self.expires
