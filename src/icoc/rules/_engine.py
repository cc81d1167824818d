"""The agenda: obligations opened when their clock starts, each judged once on its due date.

How time works (docs/rules.md, "How time works"):

- An *obligation* is one rule's deadline for one process instance. It opens when its clock starts
  (the instance enters a state where the rule's condition holds: joining, a self-assessment sent,
  corrective action recommended...), under the rule of its *family* in force on that date, and its
  due date is fixed then with the parameter values in force then (lex temporis). A later regime
  takes over open obligations only when its rule says so (``covers_existing``), on the date the
  regime starts.
- An obligation whose condition stops holding before its due date is *met* and never fires; one
  with the same due date is never opened again for that instance (a certification granted in time
  and lapsed later does not resurrect the joining deadline).
- On its due date (the first day of breach) an obligation is *judged* once, against the facts as
  they stood at the end of the day before: every obligation due that day is judged before any of
  that day's consequences is applied. It then either *fires* (one consequence, its base rule or
  the one exception that applies) or is met.
- A Board decision extending a deadline (``DeadlineExtended``) moves one open obligation's date;
  the explanation shows both dates.

Time is ours: a heap of ``(date, phase, rule order, process, key, family)``; no wall clock and no
durable-rules timers.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from icoc.errors import IcocError, RuleError
from icoc.model.events import Event
from icoc.rules._decide import Backend, NativeBackend, decide
from icoc.rules._facts import COMPANY_FACT_NAMES, LazyFacts, facts_for
from icoc.rules._obligations import NO_JOURNAL, Journal, Obligation, ObligationStatus, _Book
from icoc.rules._params import ParameterSet
from icoc.rules._rule import Rule, RuleSet
from icoc.workflows import GuardContext, Instance, SubjectKind

__all__ = ["NO_JOURNAL", "Backend", "Journal", "NativeBackend", "Obligation", "ObligationStatus", "RulesEngine"]


class RulesEngine(_Book):
    """Opens, judges and closes one rule set's obligations for one registry (the obligations
    themselves are kept by the book it extends, :mod:`icoc.rules._obligations`)."""

    def __init__(self, rules: RuleSet, params: ParameterSet, backend: Backend) -> None:
        super().__init__({r.id: i for i, r in enumerate(rules)})
        self.rules = rules
        self.params = params
        self.backend = backend
        # process -> [(family, [rules of the family in rule-set order])]
        self._families: dict[str, list[tuple[str, list[Rule]]]] = {}
        for r in rules.bases():
            fams = self._families.setdefault(r.process, [])
            for name, members in fams:
                if name == r.family:
                    members.append(r)
                    break
            else:
                fams.append((r.family, [r]))
        self._exceptions = {r.id: rules.exceptions_of(r.id) for r in rules.bases()}
        # Regimes that take over open obligations on the day they start.
        for r in rules.bases():
            if r.effective.start is not None and self._covers_existing(r):
                start = r.effective.start_date(params)
                assert start is not None
                heapq.heappush(self._heap, (start, 0, self._order[r.id], "", "", r.id))

    def _covers_existing(self, rule: Rule) -> bool:
        flag = rule.covers_existing
        if isinstance(flag, str):
            value = self.params.value(flag, rule.effective.start_date(self.params) or date.min)
            return bool(value)
        return flag

    # --- scheduling ----------------------------------------------------------------------

    def _due(self, rule: Rule, facts: Mapping[str, Any], at: date) -> date | None:
        assert rule.due is not None
        try:
            return rule.due.on(facts, self.params, at)
        except (OverflowError, ValueError) as exc:
            raise RuleError(
                rule.id, f"cannot compute its due date from {at.isoformat()}: {exc}", str(rule.citation)
            ) from exc
        except IcocError as exc:
            raise RuleError(rule.id, f"cannot compute its due date: {exc}", str(rule.citation)) from exc

    @staticmethod
    def _holds(rule: Rule, facts: Mapping[str, Any]) -> bool:
        """The rule's condition, natively; a failure names the rule, never escapes bare."""
        try:
            return rule.when.holds(facts)
        except IcocError:
            raise
        except Exception as exc:
            raise RuleError(rule.id, f"its condition failed: {type(exc).__name__}: {exc}", str(rule.citation)) from exc

    @staticmethod
    def _local(rule: Rule, kind: SubjectKind | None) -> bool:
        """Whether the condition reads only facts that change through this subject's own events
        (so a condition failing now cannot hold before the subject's next event)."""
        return kind is SubjectKind.COMPANY or not any(n in COMPANY_FACT_NAMES for n in rule.when.fact_names())

    def reschedule(self, ctx: GuardContext, instances: Iterable[Instance], on: date, by: str) -> None:
        """After an event dated ``on`` (of type ``by``) moved these instances: close the
        obligations it met, open those whose clock it started, follow due dates that rest on
        changed facts (a renewed certificate's expiry)."""
        companies: dict[str, dict[str, Any]] = {}
        for inst in instances:
            families = self._families.get(inst.process)
            if not families:
                continue
            facts = LazyFacts(ctx, inst, companies)
            kind = ctx.kind_of(inst.subject)
            for family, rules in families:
                serial = self._open.get((family, inst.process, inst.key))
                if serial is not None:
                    ob = self._records[serial]
                    rule = self.rules[ob.rule]
                    if self._local(rule, kind) and not self._holds(rule, facts):
                        self._close(serial, ObligationStatus.MET, on, by)
                        self.journal.pop(self._held, (family, inst.process, inst.key))
                    elif ob.extended_from is None:
                        due = self._due(rule, facts, ob.opened)
                        if due is None:
                            self._close(serial, ObligationStatus.MET, on, by)
                        elif due != ob.due:
                            if (family, inst.process, inst.key, due) in self._closed:
                                self._close(serial, ObligationStatus.MET, on, by)
                            else:
                                self._record(serial, attrs.evolve(ob, due=due))
                                self._push(self._records[serial])
                    continue
                held = (family, inst.process, inst.key)
                if held in self._held:
                    # Its obligation fired (or was overridden) and the condition still held: one
                    # missed obligation, one consequence. A new clock starts only once the
                    # condition has stopped holding (a company rejoins, a suspension ends).
                    if all(self._local(r, kind) and not self._holds(r, facts) for r in rules):
                        self.journal.pop(self._held, held)
                    else:
                        continue
                self._open_first(family, rules, inst, facts, kind, on)

    def _open_first(
        self,
        family: str,
        rules: list[Rule],
        inst: Instance,
        facts: Mapping[str, Any],
        kind: SubjectKind | None,
        on: date,
    ) -> None:
        # Lex temporis: a family that governed this instance before keeps the regime it had (a
        # company certified in time under the transitional regime whose certification lapses is
        # not given the current regime's joining deadline).
        # A new membership (another joining date: the facts the due date rests on changed) starts
        # afresh under the regime in force then.
        before = self._regime.get((family, inst.process, inst.key))
        if before is not None and before[1] != self._anchor(self.rules[before[0]], facts):
            before = None
        for rule in rules:
            if before is not None:
                if rule.id != before[0]:
                    continue
            elif not rule.effective.contains(on, self.params):
                continue
            if self._local(rule, kind) and not self._holds(rule, facts):
                continue
            due = self._due(rule, facts, on)
            # A clock that would start after its own deadline opens nothing (a member certified in
            # time whose certification lapses later does not get its joining deadline back).
            if due is None or due <= on or (family, inst.process, inst.key, due) in self._closed:
                continue
            self._open_new(
                Obligation(
                    rule=rule.id,
                    family=family,
                    process=inst.process,
                    key=inst.key,
                    subject=inst.subject,
                    opened=on,
                    due=due,
                ),
                self._anchor(rule, facts),
            )
            return

    def _switch(self, rule: Rule, on: date, ctx: GuardContext) -> None:
        """A regime covering existing members starts: it takes over every open obligation of its
        family (governed by another rule) whose instance meets its condition on that day, and
        starts the clock of every instance that meets it with no obligation of the family yet (a
        Transitional Member admitted before the 2017 regime began)."""
        companies: dict[str, dict[str, Any]] = {}
        for each in list(ctx.instances(rule.process)):
            k = (rule.family, each.process, each.key)
            if k in self._open or k in self._held or k in self._regime:
                continue
            facts = LazyFacts(ctx, each, companies)
            if not self._holds(rule, facts):
                continue
            due = self._due(rule, facts, on)
            if due is None or due <= on or (rule.family, each.process, each.key, due) in self._closed:
                continue
            self._open_new(
                Obligation(
                    rule=rule.id,
                    family=rule.family,
                    process=each.process,
                    key=each.key,
                    subject=each.subject,
                    opened=on,
                    due=due,
                ),
                self._anchor(rule, facts),
            )
        for (family, process, key), serial in sorted(self._open.items()):
            if family != rule.family or process != rule.process:
                continue
            ob = self._records[serial]
            if ob.rule == rule.id or ob.extended_from is not None:
                continue
            inst = ctx.instance(process, key)
            if inst is None:
                continue
            facts = LazyFacts(ctx, inst, companies)
            if not self._holds(rule, facts):
                continue
            due = self._due(rule, facts, on)
            if due is None or due <= on:
                continue
            self._close(serial, ObligationStatus.SUPERSEDED, on, rule.id)
            self._open_new(
                Obligation(
                    rule=rule.id, family=family, process=process, key=key, subject=ob.subject, opened=on, due=due
                ),
                self._anchor(rule, facts),
            )

    # --- firing ----------------------------------------------------------------------------

    def advance(
        self,
        target: date,
        ctx: Callable[[], GuardContext],
        apply: Callable[[Event, Obligation], None],
    ) -> list[Event]:
        """Judge everything due up to ``target`` in date order and apply each consequence with
        ``apply``; return the derived events in order."""
        derived: list[Event] = []
        while self._heap and self._heap[0][0] <= target:
            day = self._heap[0][0]
            switches: list[Rule] = []
            due: dict[int, None] = {}  # ordered, and membership in O(1)
            while self._heap and self._heap[0][0] == day:
                entry = self._pop()
                serial = self._valid(entry)
                if serial == -1:
                    switches.append(self.rules[entry[5]])
                elif serial is not None:
                    due[serial] = None
            view = ctx()
            for rule in switches:
                self._switch(rule, day, view)
            if switches:  # a switch may open obligations due this very day
                while self._heap and self._heap[0][0] == day:
                    serial = self._valid(self._pop())
                    if serial is not None and serial >= 0:
                        due[serial] = None
            # Judge every obligation due today on the facts at the end of yesterday...
            decided: list[tuple[int, Event | None, Instance]] = []
            for serial in sorted(due, key=lambda s: self._sort_key(self._records[s])):
                ob = self._records[serial]
                inst = view.instance(ob.process, ob.key)
                if inst is None:
                    continue
                decided.append((serial, self._decide(ob, facts_for(view, inst), inst), inst))
            # ...then apply today's consequences in rule order.
            for serial, event, inst in decided:
                ob = self._records[serial]
                if event is None:
                    self._close(serial, ObligationStatus.MET, day, "condition not met on the due date")
                    self.journal.pop(self._held, (ob.family, ob.process, ob.key))
                    continue
                self._close(serial, ObligationStatus.FIRED, day, event.cause.rule or ob.rule)
                try:
                    apply(event, self._records[serial])
                except RuleError:
                    raise  # another rule failed while this consequence was applied: it names itself
                except IcocError as exc:
                    raise RuleError(
                        event.cause.rule or ob.rule,
                        f"emitted {event.TYPE} for {inst.subject!r} on {day.isoformat()} but it was refused: {exc}",
                        event.cause.citation,
                    ) from exc
                derived.append(event)
        self.set_clock(target)
        return derived

    def _sort_key(self, ob: Obligation) -> tuple[int, str, str]:
        return (self._order[ob.rule], ob.process, ob.key)

    def _decide(self, ob: Obligation, facts: Mapping[str, Any], inst: Instance) -> Event | None:
        rule = self.rules[ob.rule]
        return decide(rule, self._exceptions.get(rule.id, ()), ob, facts, inst, self.params, self.backend)
