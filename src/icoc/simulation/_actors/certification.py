"""Art. 11 certification as companies, certification bodies and the Secretariat act it: an
external certificate, the application to ICoCA, the decision, renewals before expiry and
recertification after a lapse (mirrors ``icoc.workflows.certification`` and
``icoc.workflows.external_certificate``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from icoc.model.certificates import ExternalCertificate
from icoc.model.dates import LAST_DATE
from icoc.model.events import (
    CertificationExpired,
    CertificationRenewed,
    Event,
    ExternalCertificateRecorded,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId
from icoc.simulation._agenda import BODY, COMPANY, ENTRY, Company, Run

__all__ = ["REACTIONS", "STEPS", "plan_renewal", "plan_scope_renewal"]

_BODIES = (CertificationBodyId("cb-alpha"), CertificationBodyId("cb-beta"), CertificationBodyId("cb-gamma"))


def expiry(run: Run, issued: date) -> date:
    """A new external certificate's expiry: ``validity_years`` after ``issued``, at the
    latest the last supported date (a run may end in 2998)."""
    return min(issued + relativedelta(years=run.sy.certification.validity_years), LAST_DATE)


def certified_externally(run: Run, cid: str, epoch: int) -> None:
    c = run.companies[cid]
    if c.epoch != epoch or not run.active(cid):
        return
    if run.state("certification", cid) not in (None, "externally_certified", "expired", "withdrawn"):
        return
    c.certificates += 1
    issued = run.now
    cert = ExternalCertificate(
        id=CertificateId(f"{cid}-ext-{c.certificates}"),
        company=MemberId(cid),
        standard=StandardId(c.info.standard),
        body=run.rng.choice(_BODIES),
        issued=issued,
        expires=expiry(run, issued),
    )
    c.certificate = cert
    run.submit(ExternalCertificateRecorded(subject=cid, effective=issued, cause=BODY, certificate=cert))
    run.later(run.sy.certification.application_delay.draw(run.rng), "icoca_applied", cid, epoch)


def icoca_applied(run: Run, cid: str, epoch: int) -> None:
    c = run.companies[cid]
    if c.epoch != epoch or not run.active(cid) or run.state("certification", cid) != "externally_certified":
        return
    assert c.certificate is not None
    if run.now >= c.certificate.expires:
        return
    run.submit(IcocaApplicationSubmitted(subject=cid, effective=run.now, cause=COMPANY))
    run.later(run.sy.certification.review_delay.draw(run.rng), "icoca_decided", cid, epoch)


def icoca_decided(run: Run, cid: str, epoch: int) -> None:
    c = run.companies[cid]
    if c.epoch != epoch or run.state("certification", cid) != "icoca_review":
        return
    cert = run.sy.certification
    if run.status(cid) not in ENTRY:  # suspended: the decision waits
        run.later(cert.review_delay.draw(run.rng), "icoca_decided", cid, epoch)
        return
    assert c.certificate is not None
    if run.now >= c.certificate.expires:  # lapsed during the review: nothing to certify on
        run.submit(
            IcocaApplicationRefused(
                subject=cid, effective=run.now, reason="the external certificate is no longer in force"
            )
        )
        if run.chance(cert.recertify_probability):
            run.later(cert.external_delay.draw(run.rng), "certified_externally", cid, epoch)
        return
    if run.chance(cert.grant_probability):
        c.certifications += 1
        run.submit(
            IcocaCertificationGranted(
                subject=cid,
                effective=run.now,
                certification=CertificateId(f"{cid}-icoca-{c.certifications}"),
                expires=c.certificate.expires,
            )
        )
        plan_renewal(run, c)
    else:
        run.submit(
            IcocaApplicationRefused(subject=cid, effective=run.now, reason="human rights information incomplete")
        )
        if run.chance(cert.reapply_probability):
            run.later(cert.application_delay.draw(run.rng), "icoca_applied", cid, epoch)


def plan_renewal(run: Run, c: Company) -> None:
    cert = run.sy.certification
    assert c.certificate is not None
    if run.chance(cert.renewal_probability):
        when = c.certificate.expires - cert.renewal_lead.draw(run.rng)
        run.push(max(when, run.now + timedelta(days=1)), "renewed", c.info.id, c.epoch, c.certificates)


def plan_scope_renewal(run: Run, cid: str, epoch: int, key: str, cert: ExternalCertificate) -> None:
    """Renew, before it lapses, the certificate a company's certification in a second scope
    rests on (only companies carried on from a registry hold two)."""
    sc = run.sy.certification
    if run.chance(sc.renewal_probability):
        when = cert.expires - sc.renewal_lead.draw(run.rng)
        run.push(max(when, run.now + timedelta(days=1)), "scope_renewed", cid, epoch, key, cert.id)


def scope_renewed(run: Run, cid: str, epoch: int, key: str, cert_id: str) -> None:
    c = run.companies[cid]
    inst = run.reg.instance("certification", key)
    old = inst.data.get("certificate") if inst is not None else None
    if c.epoch != epoch or not run.active(cid) or inst is None or inst.state not in ("icoca_certified", "suspended"):
        return
    if not isinstance(old, ExternalCertificate) or old.id != cert_id:
        return
    c.scope_certificates += 1  # not c.certificates: that would cancel the main scope's renewal
    cert = ExternalCertificate(
        id=CertificateId(f"{cid}-{key.rpartition('#')[2]}-ext-{c.scope_certificates}"),
        company=MemberId(cid),
        standard=old.standard,
        body=run.rng.choice(_BODIES),
        issued=run.now,
        expires=expiry(run, run.now),
    )
    run.submit(CertificationRenewed(subject=cid, effective=run.now, cause=BODY, certificate=cert))
    plan_scope_renewal(run, cid, epoch, key, cert)


def renewed(run: Run, cid: str, epoch: int, number: int) -> None:
    c = run.companies[cid]
    if c.epoch != epoch or c.certificates != number or not run.active(cid):
        return
    if run.state("certification", cid) not in ("icoca_certified", "suspended"):
        return
    c.certificates += 1
    issued = run.now
    cert = ExternalCertificate(
        id=CertificateId(f"{cid}-ext-{c.certificates}"),
        company=MemberId(cid),
        standard=StandardId(c.info.standard),
        body=run.rng.choice(_BODIES),
        issued=issued,
        expires=expiry(run, issued),
    )
    c.certificate = cert
    run.submit(CertificationRenewed(subject=cid, effective=issued, cause=BODY, certificate=cert))
    plan_renewal(run, c)


def expired(run: Run, event: CertificationExpired) -> None:
    """A lapsed certification: an active company certifies again with ``recertify_probability``."""
    c = run.companies.get(event.subject)
    if c is not None and run.active(event.subject) and run.chance(run.sy.certification.recertify_probability):
        run.later(run.sy.certification.external_delay.draw(run.rng), "certified_externally", c.info.id, c.epoch)


STEPS: dict[str, Callable[..., None]] = {
    "certified_externally": certified_externally,
    "icoca_applied": icoca_applied,
    "icoca_decided": icoca_decided,
    "renewed": renewed,
    "scope_renewed": scope_renewed,
}
"""The steps this module's actors take, by the kind the agenda names them with."""

REACTIONS: dict[type[Event], Callable[..., None]] = {CertificationExpired: expired}
"""What companies do when the rules emit these events."""
