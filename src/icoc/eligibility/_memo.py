"""The one memo: a requirement's outcomes over a run, each distinct outcome built once.

A check's outcome is a pure function of its key (see ``_kind.py``), so an outcome built for one
company is the outcome of every company with the same key: a :class:`Column` keeps them by key
for the whole run (every batch). Membership — not admitted on the date, or no longer a member —
is decided here, once, for every check that asks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from icoc.eligibility._context import Context
from icoc.eligibility._decision import Outcome, Result
from icoc.eligibility._kind import LEFT, NOT_ADMITTED, Found, Kind, Membership, left, status_ground
from icoc.eligibility._policy import Requirement
from icoc.model.events import Fact
from icoc.workflows import Instance

__all__ = ["Column", "outcome"]

_NOTHING: frozenset[str] = frozenset()


def _show(x: Any) -> str:
    return x.isoformat() if isinstance(x, date) else str(x)


def outcome(requirement: Requirement, found: Found) -> Outcome:
    """``found`` as the outcome of ``requirement`` (its id, title and citation)."""
    return Outcome(
        requirement=requirement.id,
        title=requirement.title,
        result=found.result,
        reason=found.reason,
        citation=str(requirement.citation),
        facts=tuple(Fact(name=k, value=_show(x)) for k, x in found.facts.items()),
        missing=found.missing,
    )


class Column:
    """One requirement of a policy over a run: each distinct outcome built once and shared.

    ``outcomes`` decides a batch of companies (ids, with their status instances, ``None`` when
    not admitted on the date), in order; ``failed`` is the outcome for a subject that is not a
    company on the date. Outcomes are immutable, so sharing one is safe.
    """

    def __init__(self, context: Context, requirement: Requirement, kind: Kind[Any]) -> None:
        self.context, self.requirement, self.kind = context, requirement, kind
        self._key = kind.key(context, requirement.args)
        self._own: dict[Any, Outcome] = {}  # by the check's key
        self._gate: dict[Any, Outcome] = {}  # by membership (not admitted, left) and other reasons

    def _make(self, found: Found) -> Outcome:
        return outcome(self.requirement, found)

    def _miss(self, key: Any) -> Outcome:
        out = self._own[key] = self._make(self.kind.outcome(self.context.run, self.requirement.args, key))
        return out

    def failed(self, reason: str) -> Outcome:
        """The failed outcome ``reason`` (a subject that is not a company on the date)."""
        hit = self._gate.get(reason)
        if hit is None:
            hit = self._gate[reason] = self._make(Found(Result.FAILED, reason))
        return hit

    def _membership(self, inst: Instance | None) -> Outcome:
        if inst is None:
            hit = self._gate.get(None)
            if hit is None:
                # A check that reads the status records the one it found: none.
                facts = {"status": None} if self.kind.membership is Membership.ADMITTED else {}
                hit = self._gate[None] = self._make(Found(Result.FAILED, NOT_ADMITTED, facts))
            return hit
        key = (inst.state, inst.since, status_ground(inst))
        hit = self._gate.get(key)
        if hit is None:
            hit = self._gate[key] = self._make(left(key))
        return hit

    def outcomes(self, cids: Sequence[str], insts: Sequence[Instance | None]) -> list[Outcome]:
        kind, get, miss = self.kind, self._own.get, self._miss
        key = self._key
        if kind.membership is Membership.ANY:
            return [get(k := key(cid, inst)) or miss(k) for cid, inst in zip(cids, insts, strict=True)]
        gone, member = LEFT if kind.membership is Membership.CURRENT else _NOTHING, self._membership
        return [
            member(inst) if inst is None or inst.state in gone else (get(k := key(cid, inst)) or miss(k))
            for cid, inst in zip(cids, insts, strict=True)
        ]
