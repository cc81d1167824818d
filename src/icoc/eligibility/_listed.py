"""What a bidder list adds to a decision: the cells it leaves unknown, the statements it makes
without a record, and the companies the register cannot hold. Each check declares what it reads
of a list (:attr:`~icoc.eligibility._kind.Kind.reads` and the rest); nothing here names a check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from icoc.eligibility._decision import Decision, Outcome, Result
from icoc.eligibility._kind import Found, Kind, where
from icoc.eligibility._memo import outcome
from icoc.eligibility._policy import _KINDS, Policy
from icoc.model.events import Fact
from icoc.model.listed import ListedFact, UnregisteredCompany

__all__ = ["by_subject", "overlay", "unregistered"]

_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN
Listed = Mapping[str, ListedFact]
"""A company's listed facts, by field."""


def by_subject(listed: Iterable[ListedFact]) -> dict[str, dict[str, ListedFact]]:
    """A bidder list's facts per company, by field."""
    out: dict[str, dict[str, ListedFact]] = {}
    for f in listed:
        out.setdefault(f.subject, {})[f.field] = f
    return out


def overlay(out: Outcome, kind: Kind[object], args: Mapping[str, object], facts: Listed) -> Outcome:
    """The outcome as the bidder list's unknown cells and statements leave it."""
    fields = kind.reads
    gaps = [f for f in (facts.get(name) for name in fields) if f is not None and f.value is None]
    if gaps:
        if kind.pass_stands and out.result is _PASSED:
            return out
        return attrs.evolve(
            out,
            result=_UNKNOWN,
            reason="; ".join(f"{f.field.replace('_', ' ')} not given ({where(f)})" for f in gaps),
            facts=tuple(Fact(name=f.field, value="unknown") for f in gaps),
            missing=tuple(where(f) for f in gaps),
        )
    fact = facts.get(fields[0]) if fields else None
    if fact is None or fact.value is None or kind.stated is None:
        return out
    return kind.stated(out, args, fact)


def unregistered(u: UnregisteredCompany, facts: Listed, policy: Policy, as_of: date) -> Decision:
    """A decision for a company the register cannot hold: what its listed status decides, the rest unknown."""
    core = ("status", "joined", "status_since", "suspended_from")
    gaps = tuple(where(facts[name]) for name in core if name in facts and facts[name].value is None)
    outcomes = []
    for req in policy.requirements:
        kind = _KINDS[req.check]
        decides = kind.listed_status
        if decides is not None:  # a status check: only the listed status counts
            missing: tuple[str, ...] = (where(facts["status"]),) if "status" in facts else ()
        else:
            own = tuple(where(facts[name]) for name in kind.reads if name in facts and facts[name].value is None)
            missing = (*gaps, *own)
        if u.not_a_member:
            found = Found(_FAILED, "not an ICoCA member" + (f" ({u.where})" if u.where else ""))
        elif decides is not None and u.status is not None:
            found = Found(*decides(req.args, u.status.value))
        elif missing:
            reason = "not decidable without " + ", ".join(m.rsplit(":", 1)[-1] for m in missing)
            found = Found(_UNKNOWN, reason, {}, missing)
        else:
            found = Found(_UNKNOWN, "the company cannot be entered in the register from the list")
        outcomes.append(outcome(req, found))
    return Decision.of(u.id, policy.id, as_of, tuple(outcomes))
