"""The facts a rule sees about one process instance: a flat mapping of scalars.

Besides the instance's own state and recorded values, a company's instances see the company's
status, joining date, Swiss flag, certification and latest completed self-assessment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from icoc.model.certificates import ExternalCertificate
from icoc.workflows._table import GuardContext, Instance, SubjectKind
from icoc.workflows.company_status import latest_completed_self_assessment

__all__ = ["facts_for"]

_SCALARS = (int, str, bool, date)


def _company_facts(ctx: GuardContext, company: str, out: dict[str, Any], prefix: str = "company.") -> None:
    status = ctx.instance("company-status", company)
    out[f"{prefix}status"] = status.state if status is not None else None
    out[f"{prefix}joined"] = status.data.get("admitted_on") if status is not None else None
    membership = ctx.instance("membership", company)
    out[f"{prefix}swiss_pssa"] = bool(membership.data.get("swiss_pssa", False)) if membership is not None else False
    cert = ctx.instance("certification", company)
    out["certification.state"] = cert.state if cert is not None else None
    out["certification.expires"] = _certification_expiry(cert) if cert is not None else None
    latest = latest_completed_self_assessment(ctx, company)
    out["csa.latest"] = latest.state if latest is not None else None
    out["csa.latest_cycle"] = latest.data["cycle"] if latest is not None else None


def _certification_expiry(cert: Instance) -> date | None:
    """When certification lapses: the external certificate's expiry, or ICoCA's own if earlier
    (a renewal after the grant carries ICoCA certification to the new certificate's expiry)."""
    external: ExternalCertificate | None = cert.data.get("certificate")
    ext = external.expires if external is not None else None
    icoca = cert.data.get("expires")
    granted = cert.data.get("icoca_certification_granted_on")
    renewed = cert.data.get("certification_renewed_on")
    recorded = cert.data.get("external_certificate_recorded_on")
    # ICoCA's own expiry counts only for the certificate it was granted on: a renewal after the
    # grant, or a new certificate recorded after it lapsed, runs to the new certificate's expiry.
    superseded = granted is None or (renewed is not None and renewed >= granted) or (
        recorded is not None and recorded > granted
    )
    if not isinstance(icoca, date) or superseded:
        return ext
    return icoca if ext is None else min(icoca, ext)


def facts_for(
    ctx: GuardContext, inst: Instance, company_cache: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Flat facts for ``inst``: ``state``, ``since``, scalar payload values, company context.

    ``company_cache`` (company id -> its facts) lets a caller that handles several instances
    of one company in one go compute the company's facts once.
    """
    out: dict[str, Any] = {"subject": inst.subject, "state": inst.state, "since": inst.since}
    for key, value in inst.data.items():
        if isinstance(value, _SCALARS):
            out[key] = value
        elif isinstance(value, ExternalCertificate):
            out[f"{key}.id"] = value.id
            out[f"{key}.standard"] = value.standard
            out[f"{key}.expires"] = value.expires
    kind = ctx.kind_of(inst.subject)
    company: Any = None
    if kind is SubjectKind.COMPANY:
        company = inst.subject
    elif kind is SubjectKind.CASE or kind is SubjectKind.COMPLAINT:
        company = inst.data.get("company")
    if isinstance(company, str):
        cached = company_cache.get(company) if company_cache is not None else None
        if cached is None:
            cached = {}
            _company_facts(ctx, company, cached)
            if company_cache is not None:
                company_cache[company] = cached
        out.update(cached)
    return out
