"""The facts a rule sees about one process instance: a flat mapping of scalars.

Besides the instance's own state and recorded values, a company's instances see the company's
status, joining date, Swiss flag, certification and latest completed self-assessment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from icoc.model.certificates import ExternalCertificate
from icoc.model.events import payload_level
from icoc.model.members import ServiceDomain
from icoc.model.sensitivity import Sensitivity
from icoc.workflows import GuardContext, Instance, SubjectKind
from icoc.workflows.certification import certifications_of, leading, scope_of_instance
from icoc.workflows.company_status import latest_completed_self_assessment

__all__ = ["COMPANY_FACT_NAMES", "COMPUTED_FACT_TYPES", "INSTANCE_FACT_NAMES", "fact_level", "facts_for"]

_SCALARS = (int, str, bool, date)


# Facts read off the company's status instance.
_FROM_STATUS: Mapping[str, Callable[[Instance], Any]] = {
    "company.status": lambda status: status.state,
    "company.joined": lambda status: status.data.get("admitted_on"),
}


def _status_facts(ctx: GuardContext, company: str, out: dict[str, Any]) -> None:
    status = ctx.instance("company-status", company)
    for name, read in _FROM_STATUS.items():
        out[name] = read(status) if status is not None else None


def _membership_facts(ctx: GuardContext, company: str, out: dict[str, Any]) -> None:
    membership = ctx.instance("membership", company)
    out["company.swiss_pssa"] = bool(membership.data.get("swiss_pssa", False)) if membership is not None else False


def _certification_facts(ctx: GuardContext, company: str, out: dict[str, Any]) -> None:
    # The certification that says most for the company across its scopes (one in force first).
    cert = leading(certifications_of(ctx, company))
    out["certification.state"] = cert.state if cert is not None else None
    out["certification.expires"] = _certification_expiry(cert) if cert is not None else None


def _csa_facts(ctx: GuardContext, company: str, out: dict[str, Any]) -> None:
    latest = latest_completed_self_assessment(ctx, company)
    out["csa.latest"] = latest.state if latest is not None else None
    out["csa.latest_cycle"] = latest.data["cycle"] if latest is not None else None


# The company context in groups computed together; a reader asking for one fact pays for its group only.
_GROUPS: tuple[tuple[tuple[str, ...], Callable[[GuardContext, str, dict[str, Any]], None]], ...] = (
    (("company.status", "company.joined"), _status_facts),
    (("company.swiss_pssa",), _membership_facts),
    (("certification.state", "certification.expires"), _certification_facts),
    (("csa.latest", "csa.latest_cycle"), _csa_facts),
)
_GROUP_OF = {name: fill for names, fill in _GROUPS for name in names}
COMPANY_FACT_NAMES: frozenset[str] = frozenset(_GROUP_OF)
"""Facts about the company an instance belongs to (changed by the company's own events)."""
INSTANCE_FACT_NAMES: frozenset[str] = frozenset({"subject", "state", "since", "previous", "standing"})
"""Facts every instance has: ``standing`` is the state, or the one held before a suspension."""


def _standing(inst: Instance) -> str:
    return inst.previous if inst.state == "suspended" and inst.previous else inst.state


def _company_facts(ctx: GuardContext, company: str, out: dict[str, Any]) -> None:
    for names, fill in _GROUPS:
        if names[0] not in out:
            fill(ctx, company, out)


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
    superseded = (
        granted is None or (renewed is not None and renewed >= granted) or (recorded is not None and recorded > granted)
    )
    if not isinstance(icoca, date) or superseded:
        return ext
    return icoca if ext is None else min(icoca, ext)


def _local_facts(inst: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": inst.subject,
        "state": inst.state,
        "since": inst.since,
        "previous": inst.previous,
        "standing": _standing(inst),
    }
    for key, value in inst.data.items():
        if isinstance(value, _SCALARS):
            out[key] = value
        elif isinstance(value, ExternalCertificate):
            out[f"{key}.id"] = value.id
            out[f"{key}.standard"] = value.standard
            out[f"{key}.expires"] = value.expires
    computed = _COMPUTED.get(inst.process)
    if computed is not None:
        for name, read in computed.items():
            out[name] = read(inst)
    return out


_COMPUTED: Mapping[str, Mapping[str, Callable[[Instance], Any]]] = {
    "certification": {
        "scope": scope_of_instance,
        "lapses": lambda inst: _certification_expiry(inst),
    },
}
"""Facts an instance of a process has beyond its recorded values: a certification's scope (land,
maritime) and the day it lapses (its own expiry or its certificate's, whichever comes first)."""
COMPUTED_FACT_TYPES: Mapping[str, Mapping[str, type]] = {"certification": {"scope": ServiceDomain, "lapses": date}}
"""The types of :data:`_COMPUTED` facts, per process (for rule validation)."""


_MISSING: Any = object()


def _local_fact(inst: Instance, name: str) -> Any:
    """One of :func:`_local_facts` without building them all; ``_MISSING`` when absent."""
    value = inst.data.get(name, _MISSING)
    if value is not _MISSING and isinstance(value, _SCALARS):
        return value
    if name == "state":
        return inst.state
    if name == "since":
        return inst.since
    if name == "subject":
        return inst.subject
    if name == "standing":
        return _standing(inst)
    if name == "previous":
        return inst.previous
    computed = _COMPUTED.get(inst.process)
    if computed is not None and name in computed:
        return computed[name](inst)
    key, dot, attr = name.rpartition(".")
    if dot and attr in ("id", "standard", "expires"):
        cert = inst.data.get(key)
        if isinstance(cert, ExternalCertificate):
            return getattr(cert, attr)
    return _MISSING


def _company_of(ctx: GuardContext, inst: Instance) -> str | None:
    kind = ctx.kind_of(inst.subject)
    if kind is SubjectKind.COMPANY:
        return inst.subject
    if kind is SubjectKind.CASE or kind is SubjectKind.COMPLAINT:
        company = inst.data.get("company")
        return company if isinstance(company, str) else None
    return None


def _company_context(ctx: GuardContext, company: str, cache: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    cached = cache.setdefault(company, {}) if cache is not None else {}
    if len(cached) < len(_GROUP_OF):
        _company_facts(ctx, company, cached)
    return cached


def _company_fact(ctx: GuardContext, company: str, name: str, cache: dict[str, dict[str, Any]]) -> Any:
    """One company fact, computing (and caching) only the group it belongs to."""
    cached = cache.setdefault(company, {})
    if name not in cached:
        _GROUP_OF[name](ctx, company, cached)
    return cached[name]


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
    """The same facts as :func:`facts_for`, computed only when a rule asks: an instance's own
    values one by one, the company context by group. Most conditions fail on the instance's own
    state, and a deadline reads the joining date, not the self-assessment history."""

    def __init__(self, ctx: GuardContext, inst: Instance, cache: dict[str, dict[str, Any]], **override: Any) -> None:
        self._ctx = ctx
        self._inst = inst
        self._cache = cache
        self._override = override
        self._company: str | None = _MISSING

    def _owner(self) -> str | None:
        if self._company is _MISSING:
            self._company = _company_of(self._ctx, self._inst)
        return self._company

    def _full(self) -> dict[str, Any]:
        company = self._owner()
        extra = _company_context(self._ctx, company, self._cache) if company is not None else {}
        return {**extra, **_local_facts(self._inst), **self._override}

    def __getitem__(self, name: str) -> Any:
        if name in self._override:
            return self._override[name]
        value = _local_fact(self._inst, name)
        if value is not _MISSING:
            return value
        if name in _GROUP_OF:
            company = self._owner()
            if company is not None:
                return _company_fact(self._ctx, company, name, self._cache)
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._full())

    def __len__(self) -> int:
        return len(self._full())


def fact_reader(name: str) -> Callable[[GuardContext, Instance, dict[str, dict[str, Any]]], Any]:
    """A function reading one fact of an instance as :func:`facts_for` would (``None`` when
    absent), without building the others: callers that read the same few facts of many
    instances (an eligibility check over a registry) pay for those only."""
    from_status = _FROM_STATUS.get(name)
    if from_status is None:

        def read(ctx: GuardContext, inst: Instance, cache: dict[str, dict[str, Any]]) -> Any:
            value = _local_fact(inst, name)
            return LazyFacts(ctx, inst, cache).get(name) if value is _MISSING else value

        return read

    def read_company(ctx: GuardContext, inst: Instance, cache: dict[str, dict[str, Any]]) -> Any:
        # Only a payload value of that name could shadow a company fact read off the status.
        value = inst.data.get(name, _MISSING)
        if value is not _MISSING and isinstance(value, _SCALARS):
            return value
        if inst.process == "company-status":
            return from_status(inst)
        return LazyFacts(ctx, inst, cache).get(name)

    return read_company


def fact_level(name: str) -> Sensitivity:
    """The sensitivity of fact ``name``: the highest level of a payload field of that name in any
    event type (``reason`` is company- or secretariat-level), public for everything else.

    The highest level is taken because a fact does not remember which event recorded it; the
    cause facts of a derived event carry it, so the value travels no further than its source
    (:func:`icoc.model.events.payload_level`).
    """
    return payload_level(name)
