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

from icoc.eligibility._context import copy_of
from icoc.eligibility._decide import Batches
from icoc.eligibility._decision import Consequence, Decision, Result, Verdict
from icoc.eligibility._listed import Listed
from icoc.eligibility._policy import Policy
from icoc.model.events import Event
from icoc.registry import Registry

__all__ = ["Forward"]

_DAY = timedelta(days=1)


class Forward:
    """The rules run forward from ``as_of`` to ``until`` (inclusive), and the verdicts that change.

    On a copy of ``registry`` rebuilt from its history, or, with ``in_place``, on ``registry``
    itself when the caller owns it (``check_document`` builds its own). The registry is advanced
    one scheduled date at a time, and each date's decisions read its live state: no replay.
    """

    def __init__(self, registry: Registry, as_of: date, until: date, *, in_place: bool = False) -> None:
        self.registry, self.as_of, self.until, self.in_place = registry, as_of, until, in_place

    def consequences(
        self, policy: Policy, decisions: Sequence[Decision], listed: Mapping[str, Listed]
    ) -> dict[str, list[Consequence]]:
        """Per member of ``decisions`` (all made on ``as_of``), the scheduled changes that change
        its verdict, in date order. Advances the registry when ``in_place``."""
        as_of, until = self.as_of, self.until
        members = {d.member for d in decisions}
        if not members or self.registry.rules is None:
            return {}
        # Known in advance: events already on record inside the period, each self-assessment
        # falling due (the day after its due date), each certification deadline (the day after).
        candidates: dict[date, dict[str, tuple[str, str]]] = {}
        for e in self.registry.history:
            if e.subject in members and as_of < e.effective <= until:
                cause = (e.cause.rule or e.cause.actor or "recorded", _words(e))
                candidates.setdefault(e.effective, {}).setdefault(e.subject, cause)
        params = self.registry.parameters
        for year in range(as_of.year, until.year + 1):
            month, day = (int(x) for x in str(params.value("self_assessment.due", date(year, 1, 1))).split("-"))
            owed = date(year, month, day) + _DAY
            if as_of < owed <= until:
                what = f"self-assessment cycle {year} due {date(year, month, day).isoformat()}"
                for m in members:
                    candidates.setdefault(owed, {}).setdefault(m, ("self_assessment.due", what))
        for d in decisions:
            for o in d.outcomes:
                facts = {f.name: f.value for f in o.facts}
                if o.result is Result.PASSED and "deadline" in facts and "rule" in facts:
                    last = date.fromisoformat(facts["deadline"])
                    if as_of < last + _DAY <= until:
                        cause = (facts["rule"], f"certification deadline {last.isoformat()}")
                        candidates.setdefault(last + _DAY, {})[d.member] = cause
        reg = self.registry if self.in_place else copy_of(self.registry)
        rules = reg.rules
        assert rules is not None  # the copy has the original's rules (checked above)
        if reg.clock is None or reg.clock < as_of:
            reg.advance_to(as_of)
        verdict: dict[str, Verdict] = {d.member: d.verdict for d in decisions}
        out: dict[str, list[Consequence]] = {}
        current = as_of
        while True:
            due = reg.next_due()
            known = min((on for on in candidates if on > current), default=None)
            nexts = [x for x in (due, known) if x is not None and current < x <= until]
            if not nexts:
                break
            current = min(nexts)
            for e in reg.advance_to(current):
                if e.subject in members and as_of < e.effective <= until:
                    rid = e.cause.rule or "rule"
                    title = rules[rid].title if e.cause.rule and rid in rules.ids else _words(e)
                    candidates.setdefault(e.effective, {}).setdefault(e.subject, (rid, title))
            who = candidates.pop(current, {})
            if not who:
                continue
            for later in Batches(reg, policy, current, list(who), listed).all():
                if later.verdict is not verdict[later.member]:
                    rule, what = who[later.member]
                    out.setdefault(later.member, []).append(
                        Consequence(on=current, rule=rule, what=what, verdict=later.verdict)
                    )
                    verdict[later.member] = later.verdict
        return out


def _words(e: Event) -> str:
    name = type(e).__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
