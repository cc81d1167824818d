"""The agenda: when each rule falls due for each instance, fired in date order on ``advance_to``.

Time is ours: a heap of ``(date, rule order, process, key)``; no wall clock and no durable-rules
timers. Entries for the same date fire in rule-set order, then by process and instance key.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from icoc.errors import IcocError, RuleConflict, RuleError
from icoc.model.events import Cause, Event, Fact
from icoc.rules._facts import LazyFacts, facts_for
from icoc.rules._params import ParameterSet
from icoc.rules._rule import Rule, RuleSet
from icoc.workflows._table import GuardContext, Instance, SubjectKind

__all__ = ["Backend", "NativeBackend", "RulesEngine"]


class Backend(Protocol):
    """Decides which of some candidate rules' conditions hold on a set of facts."""

    name: str

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        """Ids of the rules in ``rules`` whose condition holds, in the given order."""
        ...

    def close(self) -> None: ...


class NativeBackend:
    """Plain Python evaluation of the condition trees: the default and the oracle."""

    name = "native"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        return [r.id for r in rules if r.when.holds(facts)]

    def close(self) -> None:
        pass


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


_Key = tuple[str, str, str]  # rule id, process, instance key


class RulesEngine:
    """Schedules and fires one rule set for one registry."""

    def __init__(self, rules: RuleSet, params: ParameterSet, backend: Backend) -> None:
        self.rules = rules
        self.params = params
        self.backend = backend
        self._order = {r.id: i for i, r in enumerate(rules)}
        self._bases: dict[str, list[Rule]] = {}
        for r in rules.bases():
            self._bases.setdefault(r.process, []).append(r)
        self._exceptions = {r.id: rules.exceptions_of(r.id) for r in rules.bases()}
        self._heap: list[tuple[date, int, str, str, str]] = []
        self._scheduled: dict[_Key, date] = {}
        self._fired: dict[_Key, date] = {}
        self.clock: date | None = None

    # --- scheduling ----------------------------------------------------------------------

    def _due(self, rule: Rule, facts: Mapping[str, Any], at: date) -> date | None:
        assert rule.due is not None
        first = rule.due.on(facts, self.params, at)
        if first is None:
            return None
        # Parameters in force on the due date itself decide it; one refinement step.
        return rule.due.on(facts, self.params, first)

    def reschedule(self, ctx: GuardContext, instances: Iterable[Instance]) -> None:
        """Recompute the due dates of every rule watching these instances."""
        companies: dict[str, dict[str, Any]] = {}
        for inst in instances:
            rules = self._bases.get(inst.process)
            if not rules:
                continue
            facts = LazyFacts(ctx, inst, companies)
            # A company's facts change only through its own events, each of which reschedules:
            # a rule whose condition fails now cannot fire before the next one.
            local = ctx.kind_of(inst.subject) is SubjectKind.COMPANY
            for rule in rules:
                k = (rule.id, inst.process, inst.key)
                if local and not rule.when.holds(facts):
                    self._scheduled.pop(k, None)
                    continue
                try:
                    due = self._due(rule, facts, inst.since)
                except IcocError as exc:
                    raise RuleError(rule.id, f"cannot compute its due date: {exc}", str(rule.citation)) from exc
                if due is None or self._fired.get(k) == due or not rule.effective.contains(due, self.params):
                    self._scheduled.pop(k, None)
                    continue
                if self._scheduled.get(k) != due:
                    self._scheduled[k] = due
                    heapq.heappush(self._heap, (due, self._order[rule.id], inst.process, inst.key, rule.id))

    def mark_fired(self, event: Event) -> None:
        """Record a derived event met again in a replayed history, so it does not fire twice."""
        cause = event.cause
        if cause.rule is None:
            return
        facts = {f.name: f.value for f in cause.facts}
        base = facts.get("rule.base", cause.rule)
        process, key, due = facts.get("rule.process"), facts.get("rule.instance"), facts.get("rule.due")
        if process and key and due:
            self._fired[(base, process, key)] = date.fromisoformat(due)

    def pending(self, until: date) -> list[tuple[str, str, str, date]]:
        """Scheduled ``(rule id, process, key, due)`` entries due on or before ``until``.

        Every scheduled entry is on the heap, so only the heap's top down to ``until`` is read
        (a child is never earlier than its parent): asking an advanced registry costs nothing
        however many rules are scheduled later."""
        heap, out, seen, todo = self._heap, [], set(), [0]
        while todo:
            j = todo.pop()
            if j >= len(heap) or heap[j][0] > until:
                continue
            d, _, process, key, rid = heap[j]
            k = (rid, process, key)
            if self._scheduled.get(k) == d and k not in seen:
                seen.add(k)
                out.append((rid, process, key, d))
            todo += (2 * j + 1, 2 * j + 2)
        return out

    def next_due(self) -> date | None:
        """The earliest date on the agenda, if any."""
        while self._heap:
            d, _, process, key, rid = self._heap[0]
            if self._scheduled.get((rid, process, key)) == d:
                return d
            heapq.heappop(self._heap)
        return None

    # --- firing ----------------------------------------------------------------------------

    def advance(
        self,
        target: date,
        ctx: Callable[[], GuardContext],
        submit: Callable[[Event], None],
        last_date: Callable[[str], date | None],
    ) -> list[Event]:
        """Fire everything due up to ``target``; return the derived events in order."""
        derived: list[Event] = []
        while self._heap and self._heap[0][0] <= target:
            d, _, process, key, rid = heapq.heappop(self._heap)
            k = (rid, process, key)
            if self._scheduled.get(k) != d:
                continue  # superseded by a later reschedule
            del self._scheduled[k]
            view = ctx()
            inst = view.instance(process, key)
            if inst is None:
                continue
            rule = self.rules[rid]
            facts = facts_for(view, inst)
            self._fired[k] = d
            if not rule.effective.contains(d, self.params):
                continue
            event = self._decide(rule, facts, d, inst, last_date(inst.subject))
            if event is None:
                continue
            try:
                submit(event)
            except IcocError as exc:
                raise RuleError(
                    event.cause.rule or rid,
                    f"emitted {event.TYPE} for {inst.subject!r} on {d.isoformat()} but it was refused: {exc}",
                    event.cause.citation,
                ) from exc
            derived.append(event)
        self.clock = target if self.clock is None else max(self.clock, target)
        return derived

    def _decide(
        self, rule: Rule, facts: Mapping[str, Any], due: date, inst: Instance, last: date | None
    ) -> Event | None:
        exceptions = [e for e in self._exceptions.get(rule.id, ()) if e.effective.contains(due, self.params)]
        try:
            matched = set(self.backend.matching([rule, *exceptions], facts))
        except RuleError:
            raise
        except Exception as exc:  # a backend failure must name the rule, never vanish
            raise RuleError(rule.id, f"the {self.backend.name} backend failed: {exc}", str(rule.citation)) from exc
        if rule.id not in matched:
            return None
        applying = [e for e in exceptions if e.id in matched]
        if len(applying) > 1:
            raise RuleConflict(rule.id, [e.id for e in applying], inst.key)
        chosen = applying[0] if applying else rule
        used = dict.fromkeys([*rule.fact_names(), *chosen.fact_names()])
        explanation = [Fact(name=n, value=_show(facts.get(n))) for n in used]
        explanation += [
            Fact(name=f"param {p}", value=_show(self.params.value(p, due)))
            for p in dict.fromkeys([*rule.param_names(), *chosen.param_names()])
        ]
        explanation += [
            Fact(name="rule.due", value=due.isoformat()),
            Fact(name="rule.process", value=inst.process),
            Fact(name="rule.instance", value=inst.key),
        ]
        if chosen is not rule:
            explanation.append(Fact(name="rule.base", value=rule.id))
        cause = Cause(rule=chosen.id, citation=str(chosen.citation), facts=tuple(explanation))
        effective = due if last is None or last <= due else last
        try:
            return chosen.then.build(inst.subject, effective, cause, facts)
        except IcocError as exc:
            raise RuleError(
                chosen.id, f"cannot build its {chosen.then.event.TYPE} event: {exc}", str(chosen.citation)
            ) from exc
