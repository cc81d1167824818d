"""The contract period: what the rules have scheduled between the decision date and a contract's
end that would change a company's verdict.

A tender decides on one date; a multi-year contract needs to know that a bidder eligible today
reaches its certification deadline, owes a self-assessment or loses its certification before
the contract ends. The rules run forward on a copy of the registry (rebuilt from its history
through the public API), never on the registry itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from icoc.eligibility._check import Consequence, Decision, Result, Verdict, check_all
from icoc.eligibility._policy import Policy
from icoc.model.listed import ListedFact

__all__ = ["Forward", "consequences"]

_DAY = timedelta(days=1)


class Forward:
    """A copy of a registry advanced to ``until``, and the dates on which something is scheduled
    for each subject: rule firings (with the rule id) and later events already on record."""

    def __init__(self, registry: Any, as_of: date, until: date) -> None:
        from icoc.registry import Registry

        self.as_of, self.until = as_of, until
        self.params = registry.parameters
        self.copy: Any = None
        self.scheduled: dict[str, dict[date, tuple[str, str]]] = {}
        rules = registry.rules
        for e in registry.history:  # events already on record inside the period
            if as_of < e.effective <= until:
                self._add(e.subject, e.effective, e.cause.rule or (e.cause.actor or "recorded"), _words(e))
        if rules is None:
            return
        bodies = registry.settings["certification_bodies"]
        self.copy = Registry.from_history(
            registry.history,
            rules=rules,
            parameters=registry.parameters,
            standards=tuple(registry.settings["standards"].values()),
            certification_bodies=None if bodies is None else tuple(bodies.values()),
        )
        for e in self.copy.advance_to(until):
            if as_of < e.effective <= until:
                rid = e.cause.rule or "rule"
                title = rules[rid].title if e.cause.rule and rid in rules.ids else _words(e)
                self._add(e.subject, e.effective, rid, title)
        # The day after each self-assessment due date: a new cycle is owed from then.
        self.csa: list[tuple[date, str]] = []
        for year in range(as_of.year, until.year + 1):
            md = self.params.value("self_assessment.due", date(year, 1, 1))
            month, day = (int(x) for x in str(md).split("-"))
            owed = date(year, month, day) + _DAY
            if as_of < owed <= until:
                self.csa.append((owed, f"self-assessment cycle {year} due {date(year, month, day).isoformat()}"))

    def _add(self, subject: str, on: date, rule: str, what: str) -> None:
        self.scheduled.setdefault(subject, {}).setdefault(on, (rule, what))

    def consequences(
        self, policy: Policy, decisions: Sequence[Decision], listed: Mapping[str, Mapping[str, ListedFact]]
    ) -> dict[str, list[Consequence]]:
        """Per member of ``decisions``, the scheduled changes that change its verdict, in date order."""
        if self.copy is None:
            return {}
        candidates: dict[date, dict[str, tuple[str, str]]] = {}
        for d in decisions:
            for on, cause in self.scheduled.get(d.member, {}).items():
                candidates.setdefault(on, {})[d.member] = cause
            for on, what in self.csa:
                candidates.setdefault(on, {}).setdefault(d.member, ("self_assessment.due", what))
            for o in d.outcomes:
                facts = {f.name: f.value for f in o.facts}
                if "deadline" in facts and "rule" in facts and o.result is Result.PASSED:
                    last = date.fromisoformat(facts["deadline"])
                    if self.as_of < last + _DAY <= self.until:
                        cause = (facts["rule"], f"certification deadline {last.isoformat()}")
                        candidates.setdefault(last + _DAY, {})[d.member] = cause
        verdict: dict[str, Verdict] = {d.member: d.verdict for d in decisions}
        facts_of = [f for m in verdict for f in listed.get(m, {}).values()]
        out: dict[str, list[Consequence]] = {}
        for on in sorted(candidates):
            who = candidates[on]
            for later in check_all(self.copy, policy, as_of=on, members=list(who), listed=facts_of):
                if later.verdict is not verdict[later.member]:
                    rule, what = who[later.member]
                    out.setdefault(later.member, []).append(
                        Consequence(on=on, rule=rule, what=what, verdict=later.verdict)
                    )
                    verdict[later.member] = later.verdict
        return out


def _words(e: Any) -> str:
    name = type(e).__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def consequences(
    registry: Any,
    policy: Policy,
    decisions: Sequence[Decision],
    until: date,
    listed: Mapping[str, Mapping[str, ListedFact]],
    forward: Forward | None = None,
) -> dict[str, list[Consequence]]:
    """The scheduled changes inside the contract period for each of ``decisions`` (one date)."""
    if not decisions:
        return {}
    forward = forward or Forward(registry, decisions[0].as_of, until)
    return forward.consequences(policy, decisions, listed)
