"""The checks that read a company's records: compliance cases, complaints, ICoCA certification
and external certificates. Each is declared once (:class:`~icoc.eligibility._kind.Kind`): what it
asks, its arguments, the inputs it reads (its key) and the outcome of a key."""

from __future__ import annotations

from typing import Any

import attrs

from icoc.eligibility._context import Context, Run
from icoc.eligibility._decision import Outcome, Result
from icoc.eligibility._kind import Args, Found, KeyOf, Kind, Names, where
from icoc.model.certificates import ExternalCertificate, ExternalCertificateStatus
from icoc.model.events import Fact
from icoc.model.listed import ListedFact
from icoc.model.members import ServiceDomain
from icoc.model.monitoring import Severity
from icoc.workflows import Instance
from icoc.workflows.certification import leading, resting_on, scope_of_instance

__all__ = [
    "CERTIFIED_TO_STANDARD",
    "EXTERNAL_CERTIFICATE",
    "ICOCA_CERTIFIED",
    "NO_DISCIPLINARY_PROCEEDINGS",
    "NO_OPEN_CASES",
    "NO_OPEN_COMPLAINTS",
]

Key = tuple[Any, ...]

_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN
_NONE: Key = ("none",)
_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_DISCIPLINARY = ("referred_to_board", "corrective_action", "suspension_proceedings")
_CASE_OPEN = ("concern", "dialogue", *_DISCIPLINARY)


def _stated(fact: ListedFact) -> tuple[Fact, ...]:
    return (Fact(name=fact.field, value=str(fact.value)), Fact(name="source", value=where(fact)))


# --- no_disciplinary_proceedings ---------------------------------------------------------------------------


def _proceedings_key(ctx: Context, args: Args) -> KeyOf[Key]:
    cases = ctx.cases

    def key(cid: str, inst: Instance | None) -> Key:
        for c in cases.get(cid, ()):
            if c.state in _DISCIPLINARY:
                return ("open", c.key, c.state, c.since)
        return _NONE

    return key


def _proceedings_outcome(run: Run, args: Args, key: Key) -> Found:
    if key[0] == "none":
        return Found(_PASSED, "no proceedings open", {"open_disciplinary_cases": 0})
    _, case, state, since = key
    return Found(
        _FAILED, f"case {case} {state.replace('_', ' ')} since {since.isoformat()}", {"case": case, "stage": state}
    )


def _proceedings_stated(out: Outcome, args: Args, fact: ListedFact) -> Outcome:
    if fact.value == "open":
        return attrs.evolve(out, result=_FAILED, reason=f"proceedings open ({where(fact)})", facts=_stated(fact))
    return out


NO_DISCIPLINARY_PROCEEDINGS = Kind(
    description="no compliance case before the Board or in suspension proceedings",
    key=_proceedings_key,
    outcome=_proceedings_outcome,
    reads=("proceedings",),
    stated=_proceedings_stated,
)


# --- icoca_certified ---------------------------------------------------------------------------------------


def _certified_key(ctx: Context, args: Args) -> KeyOf[Key]:
    held, scopes = ctx.scopes, args.get("scopes")

    def key(cid: str, inst: Instance | None) -> Key:
        mine = held.get(cid, ())
        if scopes:
            mine = [i for i in mine if scope_of_instance(i).value in scopes]
        cert = leading(mine)
        if cert is None:
            return _NONE
        if cert.state != "icoca_certified":
            return ("not in force", cert.state, cert.since)
        granted = cert.data.get("icoca_certification_granted_on", cert.since)
        return ("in force", granted, scope_of_instance(cert).value)

    return key


def _certified_outcome(run: Run, args: Args, key: Key) -> Found:
    """ICoCA certification in force (in one of ``scopes``, when the requirement names them)."""
    scopes = args.get("scopes")
    where = f" ({' or '.join(scopes)})" if scopes else ""
    if key[0] == "none":
        return Found(_FAILED, f"no certification{where} on record")
    if key[0] == "not in force":
        _, state, since = key
        reason = f"certification{where} {state.replace('_', ' ')} since {since.isoformat()}"
        return Found(_FAILED, reason, {"certification.state": state})
    _, granted, scope = key
    return Found(
        _PASSED, f"certified ({scope}) since {granted}", {"certification.state": "icoca_certified", "scope": scope}
    )


ICOCA_CERTIFIED = Kind(
    description="holds ICoCA certification in force (in one of `scopes`, land or maritime, when given)",
    args={"scopes": tuple[ServiceDomain, ...] | None},
    key=_certified_key,
    outcome=_certified_outcome,
    reads=("certification",),
)


# --- external certificates ---------------------------------------------------------------------------------

Held = tuple[tuple[ExternalCertificate, str], ...]
"""A company's external certificates with their states, by expiry then id."""


def _judge(run: Run, x: ExternalCertificate, state: str) -> str | None:
    """Why ``x`` (in ``state`` in the external-certificate process) does not count on the decision
    date (suspended or withdrawn, not in force, body not accepted for its standard on its issue
    date), or ``None``."""
    as_of = run.as_of
    if state != "valid" or x.status is not ExternalCertificateStatus.VALID:
        status = state if state != "valid" else x.status.value
        return f"certificate {x.id} to {x.standard} from {x.body} is {status}"
    if as_of < x.issued:
        return f"certificate {x.id} to {x.standard} from {x.body} is issued only on {x.issued.isoformat()}"
    if as_of >= x.expires:
        return f"certificate {x.id} to {x.standard} from {x.body} expired on {x.expires.isoformat()}"
    if run.bodies is not None:
        body = run.bodies.get(x.body)
        if body is None:
            return f"certificate {x.id} to {x.standard}: unknown certification body {x.body!r}"
        refusal = body.refusal(x.standard, x.issued)
        if refusal is not None:
            return f"certificate {x.id} issued {x.issued.isoformat()}: {refusal}"
    return None


def _held(run: Run, x: ExternalCertificate, state: str) -> str:
    """``x`` as listed among a company's certificates: standard and id, and why it is not in
    force on the decision date when it is not (expired, suspended, withdrawn)."""
    if state != "valid" or x.status is not ExternalCertificateStatus.VALID:
        return f"{x.standard} ({x.id}, {state if state != 'valid' else x.status.value})"
    if run.as_of >= x.expires:
        return f"{x.standard} ({x.id}, expired {x.expires.isoformat()})"
    return f"{x.standard} ({x.id})"


def _certificate(ctx: Context, cid: str, args: Args, lead: str, resting: frozenset[str] = frozenset()) -> Key:
    """The company's certificate to one of the wanted standards that counts on the decision date
    (the one running longest): ``("certificate", lead, certificate)``; else every certificate it
    holds, ``("no certificate", lead, held)``. ``resting``: the certificates its ICoCA
    certifications rest on (the lead says so when the one found is among them)."""
    wanted = args["standards"]
    mine: Held = tuple(sorted(ctx.external.get(cid, ()), key=lambda pair: (pair[0].expires, pair[0].id)))
    good = [x for x, st in mine if x.standard in wanted and _judge(ctx.run, x, st) is None]
    if not good:
        return ("no certificate", lead, mine)
    x = good[-1]
    if resting:
        # Say on what the certification rests only when it does rest on this certificate.
        lead = "ICoCA certified on " if x.id in resting else "ICoCA certified (on another certificate), and "
    return ("certificate", lead, x)


def _certificate_outcome(run: Run, args: Args, key: Key) -> Found:
    wanted = args["standards"]
    if key[0] == "not certified":
        return Found(_FAILED, f"no ICoCA certification in force (needs {', '.join(wanted)})")
    what, lead, found = key
    if what == "certificate":
        x: ExternalCertificate = found
        facts = {
            "certificate": x.id,
            "standard": x.standard,
            "body": x.body,
            "issued": x.issued.isoformat(),
            "expires": x.expires.isoformat(),
        }
        reason = (
            f"{lead}certificate {x.id} to {x.standard} from {x.body}, issued {x.issued.isoformat()}, "
            f"in force until {x.expires.isoformat()}"
        )
        return Found(_PASSED, reason, facts)
    mine: Held = found
    judged = [why for x, st in mine if x.standard in wanted and (why := _judge(run, x, st)) is not None]
    if judged:
        reason = "; ".join(judged)
    else:
        held = ", ".join(_held(run, x, st) for x, st in mine) or "none"
        reason = f"no certificate to {' or '.join(wanted)} on record (its certificates: {held})"
    return Found(_FAILED, lead + reason, {"standards": ", ".join(wanted)})


def _to_standard_key(ctx: Context, args: Args) -> KeyOf[Key]:
    def key(cid: str, inst: Instance | None) -> Key:
        resting = frozenset(
            c.id for i in ctx.scopes.get(cid, ()) if i.state == "icoca_certified" and (c := resting_on(i)) is not None
        )
        if not resting:
            return ("not certified",)
        return _certificate(ctx, cid, args, "ICoCA certified, but ", resting)

    return key


CERTIFIED_TO_STANDARD = Kind(
    description="ICoCA certification in force and a certificate to one of `standards` in force from a body "
    "accepted for its standard on its issue date",
    args={"standards": Names},
    key=_to_standard_key,
    outcome=_certificate_outcome,
    reads=("certification",),
)
"""ICoCA certification in force (in any scope) and a certificate to one of ``standards`` that
counts on the decision date, whichever of the company's certificates was recorded first and
whichever the certification rests on (each certificate and each scope is its own instance). A
policy that wants the certification itself in a scope adds ``icoca_certified`` with ``scopes``."""


def _external_key(ctx: Context, args: Args) -> KeyOf[Key]:
    def key(cid: str, inst: Instance | None) -> Key:
        return _certificate(ctx, cid, args, "")

    return key


EXTERNAL_CERTIFICATE = Kind(
    description="a certificate to one of `standards` in force on the decision date, from a body accepted for that "
    "standard on its issue date (ICoCA certification not asked for)",
    args={"standards": Names},
    key=_external_key,
    outcome=_certificate_outcome,
    reads=("certification",),
)
"""ICoCA certification is not asked for: the 2013 U.S. text asks for PSC.1 conformance, shipping
contracts for ISO 28007."""


# --- no_open_complaints ------------------------------------------------------------------------------------


def _complaints_key(ctx: Context, args: Args) -> KeyOf[Key]:
    complaints, cats = ctx.complaints, args.get("categories")

    def key(cid: str, inst: Instance | None) -> Key:
        found = [
            c for c in complaints.get(cid, ()) if c.state != "closed" and (not cats or c.data.get("category") in cats)
        ]
        if not found:
            return _NONE
        return ("open", len(found), found[0].key, found[0].state)

    return key


def _complaints_outcome(run: Run, args: Args, key: Key) -> Found:
    if key[0] == "none":
        cats = args.get("categories")
        what = f" of {', '.join(cats)}" if cats else ""
        return Found(_PASSED, f"no open complaints{what}", {"open_complaints": 0})
    _, count, first, state = key
    return Found(_FAILED, f"{count} open complaint(s), e.g. {first} ({state})", {"open_complaints": count})


def _complaints_stated(out: Outcome, args: Args, fact: ListedFact) -> Outcome:
    if fact.value != "open":
        return out
    if args.get("categories"):
        return attrs.evolve(
            out,
            result=_UNKNOWN,
            reason=f"open complaints of unstated category ({where(fact)})",
            facts=_stated(fact),
            missing=(f"{where(fact)}: the category of each open complaint",),
        )
    return attrs.evolve(out, result=_FAILED, reason=f"open complaints ({where(fact)})", facts=_stated(fact))


NO_OPEN_COMPLAINTS = Kind(
    description="no open complaint (of `categories`, when given)",
    args={"categories": Names | None},
    key=_complaints_key,
    outcome=_complaints_outcome,
    reads=("complaints",),
    stated=_complaints_stated,
)


# --- no_open_cases -----------------------------------------------------------------------------------------


def _cases_key(ctx: Context, args: Args) -> KeyOf[Key]:
    cases, threshold = ctx.cases, _SEVERITY_ORDER[Severity(args["min_severity"])]

    def key(cid: str, inst: Instance | None) -> Key:
        for c in cases.get(cid, ()):
            if c.state in _CASE_OPEN and _SEVERITY_ORDER[c.data.get("severity", Severity.MEDIUM)] >= threshold:
                return ("open", c.key, c.data.get("severity"))
        return _NONE

    return key


def _cases_outcome(run: Run, args: Args, key: Key) -> Found:
    if key[0] == "none":
        threshold = Severity(args["min_severity"]).value
        return Found(_PASSED, f"no open case of severity {threshold} or worse", {"min_severity": threshold})
    _, case, severity = key
    return Found(_FAILED, f"open case {case} of severity {severity}", {"case": case})


def _cases_stated(out: Outcome, args: Args, fact: ListedFact) -> Outcome:
    if fact.value == "none" or fact.value is None:
        return out
    worst = Severity(fact.value)
    if _SEVERITY_ORDER[worst] >= _SEVERITY_ORDER[Severity(args["min_severity"])]:
        reason = f"open case of severity {worst.value} ({where(fact)})"
        return attrs.evolve(out, result=_FAILED, reason=reason, facts=_stated(fact))
    return out


NO_OPEN_CASES = Kind(
    description="no open compliance case of `min_severity` or worse",
    args={"min_severity": Severity},
    key=_cases_key,
    outcome=_cases_outcome,
    reads=("cases",),
    stated=_cases_stated,
)
