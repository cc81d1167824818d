"""Decisions: every requirement of a policy checked against a registry on a date, with reasons.

A run reads the registry once (:class:`~icoc.eligibility._context.Context`), then decides the
members in batches: each requirement is a column (``_memo.py``) deciding a batch of companies at
once, sharing each distinct outcome; a decision is a row of the columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

from icoc.eligibility._context import Context
from icoc.eligibility._decision import Decision, Outcome, Result
from icoc.eligibility._listed import Listed, overlay
from icoc.eligibility._memo import Column
from icoc.eligibility._policy import _KINDS, Policy
from icoc.eligibility.builtin import BUILTIN_POLICIES
from icoc.errors import InvalidInput, Problem, UnknownMember
from icoc.model.events import Fact
from icoc.registry import Registry
from icoc.workflows import SubjectKind

__all__ = ["Batches", "policy_named"]

_BATCH = 1024  # companies decided together: large enough to amortize, small enough to stream


def policy_named(policy: Policy | str) -> Policy:
    """``policy``, or the built-in policy of that id; raises :class:`~icoc.errors.InvalidInput`
    for an unknown id, listing the built-in ones."""
    if isinstance(policy, Policy):
        return policy
    try:
        return BUILTIN_POLICIES[policy]
    except KeyError:
        raise InvalidInput(
            Problem("policy", f"unknown policy {policy!r} (built in: {', '.join(BUILTIN_POLICIES)})")
        ) from None


def _stale(as_of: date, due: date, rule_id: str) -> Outcome:
    return Outcome(
        requirement="registry-current",
        title="registry advanced to the decision date",
        result=Result.UNKNOWN,
        reason=f"rule {rule_id} fell due on {due.isoformat()} and has not been applied; "
        f"advance the registry to {as_of.isoformat()} first",
        citation="icoc: a decision reads the registry after every rule due by its date has fired",
        facts=(Fact(name="rule", value=rule_id), Fact(name="due", value=due.isoformat())),
        missing=(f"the registry advanced to {as_of.isoformat()} (rule {rule_id} due {due.isoformat()})",),
    )


class Batches:
    """The decisions of one run: ``policy`` on ``as_of`` for ``members`` (every company when
    ``None``), with a bidder list's facts per company (``listed``).

    Everything is read when the run is made: the registry (one :class:`Context`), the policy
    (:class:`~icoc.errors.InvalidInput` for an unknown id) and every member
    (:class:`~icoc.errors.UnknownMember` for an id the registry has never seen). Each
    requirement is a :class:`~icoc.eligibility._memo.Column` for the whole run.
    """

    def __init__(
        self,
        registry: Registry,
        policy: Policy | str,
        as_of: date,
        members: Iterable[str] | None = None,
        listed: Mapping[str, Listed] | None = None,
    ) -> None:
        ctx = self.context = Context(registry, as_of)
        self.policy = policy_named(policy)
        self.companies = members is None  # every member is a company on as_of
        self.members: Sequence[str] = ctx.companies() if members is None else [self._known(m) for m in members]
        self.listed: Mapping[str, Listed] = listed or {}
        self.columns = [Column(ctx, req, _KINDS[req.check]) for req in self.policy.requirements]

    def _known(self, member: str) -> str:
        if not self.context.ever_known(member):
            raise UnknownMember(member)
        return member

    def __iter__(self) -> Iterator[Decision]:
        """The decisions, in member order, batch by batch; raises
        :class:`~icoc.errors.RegistryChanged` at the next batch when the registry changed."""
        for batch in self.context.batches(self.members, _BATCH):
            yield from self.decide(batch)

    def all(self) -> list[Decision]:
        """Every decision at once (the registry must not have changed)."""
        self.context.unchanged()
        return self.decide(self.members)

    def decide(self, members: Sequence[str]) -> list[Decision]:
        """Decisions for ``members`` (known subjects), in order."""
        ctx, listed, columns = self.context, self.listed, self.columns
        kinds, pending, as_of, company = ctx.kinds, ctx.pending, ctx.as_of, SubjectKind.COMPANY
        companies = self.companies
        cids = members if companies else [m for m in members if kinds.get(m) is company]
        insts = list(map(ctx.statuses.get, cids))
        rows = iter(zip(*(c.outcomes(cids, insts) for c in columns), strict=True))
        decided, pid = Decision.of, self.policy.id
        if companies and not listed and not pending:  # every row as it is
            return [decided(member, pid, as_of, outcomes) for member, outcomes in zip(members, rows, strict=True)]
        decisions = []
        for member in members:
            outcomes: tuple[Outcome, ...]
            if companies or kinds.get(member) is company:
                outcomes = next(rows)
                facts = listed.get(member) if listed else None
                if facts:
                    outcomes = tuple(
                        overlay(o, c.kind, c.requirement.args, facts) for o, c in zip(outcomes, columns, strict=True)
                    )
            else:
                kind = kinds.get(member)
                if kind is None:  # known to the registry, but not yet on the decision date
                    reason = f"not yet a member on {as_of.isoformat()}"
                    if ctx.ever_known(member) is not company:
                        reason = f"{member!r} does not exist yet on {as_of.isoformat()}"
                else:
                    reason = f"{member!r} is a {kind.value}, not a private security company"
                outcomes = tuple(c.failed(reason) for c in columns)
            stale = pending.get(member) if pending else None
            if stale is not None:
                outcomes = (_stale(as_of, *stale), *outcomes)
            decisions.append(decided(member, pid, as_of, outcomes))
        return decisions
