"""The facts a rule sees about one process instance: a flat mapping of scalars.

Besides the instance's own state and recorded values, a company's instances see the company's
status, joining date, Swiss flag, certification and latest completed self-assessment.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def _local_facts(inst: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {"subject": inst.subject, "state": inst.state, "since": inst.since}
    for key, value in inst.data.items():
        if isinstance(value, _SCALARS):
            out[key] = value
        elif isinstance(value, ExternalCertificate):
            out[f"{key}.id"] = value.id
            out[f"{key}.standard"] = value.standard
            out[f"{key}.expires"] = value.expires
    return out


def _company_of(ctx: GuardContext, inst: Instance) -> str | None:
    kind = ctx.kind_of(inst.subject)
    if kind is SubjectKind.COMPANY:
        return inst.subject
    if kind is SubjectKind.CASE or kind is SubjectKind.COMPLAINT:
        company = inst.data.get("company")
        return company if isinstance(company, str) else None
    return None


def _company_context(ctx: GuardContext, company: str, cache: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    cached = cache.get(company) if cache is not None else None
    if cached is None:
        cached = {}
        _company_facts(ctx, company, cached)
        if cache is not None:
            cache[company] = cached
    return cached


def facts_for(
    ctx: GuardContext, inst: Instance, company_cache: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Flat facts for ``inst``: ``state``, ``since``, scalar payload values, company context.

    ``company_cache`` (company id -> its facts) lets a caller that handles several instances
    of one company in one go compute the company's facts once.
    """
    out = _local_facts(inst)
    company = _company_of(ctx, inst)
    if company is not None:
        out.update(_company_context(ctx, company, company_cache))
    return out


class LazyFacts(Mapping[str, Any]):
    """The same facts as :func:`facts_for`, but the company context is computed only when a
    rule asks for it: the scheduler tests many conditions that fail on the instance's own state."""

    def __init__(self, ctx: GuardContext, inst: Instance, cache: dict[str, dict[str, Any]]) -> None:
        self._local = _local_facts(inst)
        self._ctx = ctx
        self._inst = inst
        self._cache = cache
        self._all: dict[str, Any] | None = None

    def _full(self) -> dict[str, Any]:
        if self._all is None:
            company = _company_of(self._ctx, self._inst)
            extra = _company_context(self._ctx, company, self._cache) if company is not None else {}
            self._all = {**self._local, **extra}
        return self._all

    def __getitem__(self, name: str) -> Any:
        if name in self._local:
            return self._local[name]
        return self._full()[name]

    def get(self, name: str, default: Any = None) -> Any:
        if name in self._local:
            return self._local[name]
        return self._full().get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._full())

    def __len__(self) -> int:
        return len(self._full())
