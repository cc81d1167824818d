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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

import attrs

from icoc.errors import IcocError, RuleConflict, RuleError
from icoc.model.events import Cause, Event, Fact
from icoc.rules._facts import COMPANY_FACT_NAMES, LazyFacts, fact_level, facts_for
from icoc.rules._params import ParameterSet
from icoc.rules._rule import Rule, RuleSet
from icoc.workflows import GuardContext, Instance, SubjectKind

__all__ = ["Backend", "NativeBackend", "Obligation", "ObligationStatus", "RulesEngine"]


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


class ObligationStatus(StrEnum):
    """Where an obligation stands."""

    OPEN = "open"
    """Its clock runs; it will be judged on its due date."""
    MET = "met"
    """Its condition stopped holding before or on its due date: no consequence, ever."""
    FIRED = "fired"
    """Judged on its due date and not met: its consequence was emitted."""
    SUPERSEDED = "superseded"
    """Taken over by a later regime that covers existing members."""
    OVERRIDDEN = "overridden"
    """Its consequence contradicted a registry document's recorded facts; the document wins."""


@attrs.frozen(kw_only=True)
class Obligation:
    """One rule's deadline for one process instance.

    ``due`` is the first day of breach (the deadline is the day before); ``opened`` is the day its
    clock started, whose rules and parameter values fixed it. ``extended_from`` is the due date
    before a Board decision moved it. ``closed`` is the day it was met, fired or superseded, and
    ``closed_by`` says by what (an event type, or the superseding rule)."""

    rule: str
    family: str
    process: str
    key: str
    subject: str
    opened: date
    due: date
    status: ObligationStatus = ObligationStatus.OPEN
    closed: date | None = None
    closed_by: str | None = None
    extended_from: date | None = None

    @property
    def deadline(self) -> date:
        """The last day to comply: the day before ``due``."""
        return self.due - timedelta(days=1)

    def as_of(self, on: date) -> Obligation | None:
        """This obligation as it stood on ``on`` (None if its clock had not started)."""
        if on < self.opened:
            return None
        if self.closed is not None and on < self.closed:
            return attrs.evolve(self, status=ObligationStatus.OPEN, closed=None, closed_by=None)
        return self


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


_OpenKey = tuple[str, str, str]  # family, process, instance key
_MISSING: Any = object()


class Journal:
    """Undo records for one transaction: each mutation registers how to take it back."""

    def __init__(self) -> None:
        self._undo: list[Any] = []

    def set(self, d: dict[Any, Any], k: Any, v: Any) -> None:
        self._undo.append((d, k, d.get(k, _MISSING)))
        d[k] = v

    def pop(self, d: dict[Any, Any], k: Any) -> None:
        if k in d:
            self._undo.append((d, k, d[k]))
            del d[k]

    def call(self, undo: Callable[[], object]) -> None:
        self._undo.append(undo)

    def rollback(self) -> None:
        for item in reversed(self._undo):
            if callable(item):
                item()
                continue
            d, k, old = item
            if old is _MISSING:
                d.pop(k, None)
            else:
                d[k] = old
        self._undo.clear()


class _NoJournal(Journal):
    """Used when nothing needs undoing (a registry built from scratch is discarded on failure)."""

    def set(self, d: dict[Any, Any], k: Any, v: Any) -> None:
        d[k] = v

    def pop(self, d: dict[Any, Any], k: Any) -> None:
        d.pop(k, None)

    def call(self, undo: Callable[[], object]) -> None:
        pass


NO_JOURNAL: Journal = _NoJournal()
"""The journal of work outside a transaction (a bulk load): it records nothing."""


class RulesEngine:
    """Opens, judges and closes one rule set's obligations for one registry."""

    def __init__(self, rules: RuleSet, params: ParameterSet, backend: Backend) -> None:
        self.rules = rules
        self.params = params
        self.backend = backend
        self.journal: Journal = NO_JOURNAL
        self._order = {r.id: i for i, r in enumerate(rules)}
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
        self._heap: list[tuple[date, int, int, str, str, str]] = []
        self._open: dict[_OpenKey, int] = {}
        self._records: dict[int, Obligation] = {}
        self._by_subject: dict[str, list[int]] = {}
        self._closed: dict[tuple[str, str, str, date], bool] = {}
        # Families whose condition held when their last obligation opened and has not stopped
        # holding since (no new clock starts for them).
        self._held: dict[_OpenKey, bool] = {}
        # The rule (regime) that last governed each family's obligation for an instance.
        self._regime: dict[_OpenKey, tuple[str, tuple[Any, ...]]] = {}
        self._serial = [0]
        self.clock: date | None = None
        # Regimes that take over open obligations on the day they start.
        for r in rules.bases():
            if r.effective.start is not None and self._covers_existing(r):
                start = r.effective.start_date(params)
                assert start is not None
                heapq.heappush(self._heap, (start, 0, self._order[r.id], "", "", r.id))

    def state(self) -> tuple[Any, ...]:
        """Everything the engine learnt from a history (agenda, obligations, clock), to restore
        with :meth:`restore` in an engine of the same rules and parameters (a store snapshot)."""
        return (
            self._heap,
            self._open,
            self._records,
            self._by_subject,
            self._closed,
            self._held,
            self._regime,
            self._serial[0],
            self.clock,
        )

    def restore(self, state: tuple[Any, ...]) -> None:
        """Take over a :meth:`state` (of an engine with the same rules and parameters)."""
        (
            self._heap,
            self._open,
            self._records,
            self._by_subject,
            self._closed,
            self._held,
            self._regime,
            serial,
            self.clock,
        ) = state
        self._serial = [serial]

    def _covers_existing(self, rule: Rule) -> bool:
        flag = rule.covers_existing
        if isinstance(flag, str):
            value = self.params.value(flag, rule.effective.start_date(self.params) or date.min)
            return bool(value)
        return flag

    # --- obligations ----------------------------------------------------------------------

    def _record(self, serial: int, ob: Obligation) -> None:
        self.journal.set(self._records, serial, ob)

    @staticmethod
    def _anchor(rule: Rule, facts: Mapping[str, Any]) -> tuple[Any, ...]:
        """The facts a rule's due date rests on (a joining date): the same anchor, the same clock."""
        return tuple(facts.get(n) for n in rule.due.fact_names()) if rule.due is not None else ()

    def _open_new(self, ob: Obligation, anchor: tuple[Any, ...]) -> None:
        serial = self._serial[0]
        self._serial[0] += 1
        self.journal.call(lambda: self._serial.__setitem__(0, serial))
        self._record(serial, ob)
        self.journal.set(self._open, (ob.family, ob.process, ob.key), serial)
        self.journal.set(self._held, (ob.family, ob.process, ob.key), True)
        self.journal.set(self._regime, (ob.family, ob.process, ob.key), (ob.rule, anchor))
        lst = self._by_subject.get(ob.subject)
        if lst is None:
            lst = []
            self.journal.set(self._by_subject, ob.subject, lst)
        lst.append(serial)
        self.journal.call(lst.pop)
        self._push(ob)

    def _push(self, ob: Obligation) -> None:
        heapq.heappush(self._heap, (ob.due, 1, self._order[ob.rule], ob.process, ob.key, ob.family))

    def _close(self, serial: int, status: ObligationStatus, on: date, by: str) -> None:
        ob = self._records[serial]
        self._record(serial, attrs.evolve(ob, status=status, closed=on, closed_by=by))
        self.journal.pop(self._open, (ob.family, ob.process, ob.key))
        self.journal.set(self._closed, (ob.family, ob.process, ob.key, ob.due), True)
        if ob.extended_from is not None:
            self.journal.set(self._closed, (ob.family, ob.process, ob.key, ob.extended_from), True)

    def obligations(self, subject: str | None = None, as_of: date | None = None) -> list[Obligation]:
        """Obligations (of one subject, or all) as they stood on ``as_of`` (now when omitted),
        in the order they were opened."""
        serials: Iterable[int]
        if subject is None:
            serials = sorted(self._records)
        else:
            serials = self._by_subject.get(subject, ())
        out = []
        for s in serials:
            ob = self._records[s]
            seen = ob if as_of is None else ob.as_of(as_of)
            if seen is not None:
                out.append(seen)
        return out

    def open_obligation(self, subject: str, name: str) -> list[Obligation]:
        """Open obligations of ``subject`` whose rule id or family is ``name``."""
        return [
            ob
            for s in self._by_subject.get(subject, ())
            if (ob := self._records[s]).status is ObligationStatus.OPEN and name in (ob.rule, ob.family)
        ]

    def extend(self, subject: str, name: str, until: date, on: date) -> Obligation:
        """Move the one open obligation named ``name`` of ``subject`` to the deadline ``until``."""
        found = self.open_obligation(subject, name)
        if len(found) != 1:
            raise LookupError(len(found))
        ob = found[0]
        serial = self._open[(ob.family, ob.process, ob.key)]
        new = attrs.evolve(ob, due=until + timedelta(days=1), extended_from=ob.extended_from or ob.due)
        self._record(serial, new)
        self._push(new)
        return new

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

    def _valid(self, entry: tuple[date, int, int, str, str, str]) -> int | None:
        d, phase, _, process, key, family = entry
        if phase == 0:
            return -1
        serial = self._open.get((family, process, key))
        if serial is None or self._records[serial].due != d:
            return None
        return serial

    def pending(self, until: date) -> list[tuple[str, str, str, date]]:
        """Open ``(rule id, process, key, due)`` obligations due on or before ``until``.

        Only the heap's top down to ``until`` is read (a child is never earlier than its parent):
        asking an advanced registry costs nothing however many obligations are open."""
        heap, out, seen, todo = self._heap, [], set(), [0]
        while todo:
            j = todo.pop()
            if j >= len(heap) or heap[j][0] > until:
                continue
            serial = self._valid(heap[j])
            if serial is not None and serial >= 0 and serial not in seen:
                seen.add(serial)
                ob = self._records[serial]
                out.append((ob.rule, ob.process, ob.key, ob.due))
            todo += (2 * j + 1, 2 * j + 2)
        return out

    def next_due(self) -> date | None:
        """The earliest date on the agenda, if any."""
        while self._heap:
            if self._valid(self._heap[0]) is not None:
                return self._heap[0][0]
            self._pop()
        return None

    def _pop(self) -> tuple[date, int, int, str, str, str]:
        entry = heapq.heappop(self._heap)
        self.journal.call(lambda: heapq.heappush(self._heap, entry))
        return entry

    def set_clock(self, when: date) -> None:
        if self.clock is None or when > self.clock:
            old = self.clock
            self.journal.call(lambda: setattr(self, "clock", old))
            self.clock = when

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

    def override(self, ob: Obligation, reason: str) -> None:
        """Mark a fired obligation as overridden by recorded facts (a registry document)."""
        for serial in self._by_subject.get(ob.subject, ()):  # the subject's own, not every record
            rec = self._records[serial]
            if rec == ob:
                self._record(serial, attrs.evolve(rec, status=ObligationStatus.OVERRIDDEN, closed_by=reason))
                return

    def _decide(self, ob: Obligation, facts: Mapping[str, Any], inst: Instance) -> Event | None:
        rule = self.rules[ob.rule]
        opened = ob.opened
        exceptions = [e for e in self._exceptions.get(rule.id, ()) if e.effective.contains(opened, self.params)]
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
        explanation = [Fact(name=n, value=_show(facts.get(n)), level=fact_level(n)) for n in used]
        explanation += [
            Fact(name=f"param {p}", value=_show(self.params.value(p, opened)))
            for p in dict.fromkeys([*rule.param_names(), *chosen.param_names()])
        ]
        cause = Cause(
            rule=chosen.id,
            citation=str(chosen.citation),
            facts=tuple(explanation),
            base=rule.id if chosen is not rule else None,
            due=ob.due,
            opened=opened,
            extended_from=ob.extended_from,
            process=inst.process,
            instance=inst.key,
        )
        try:
            return chosen.then.build(inst.subject, ob.due, cause, facts)
        except IcocError as exc:
            raise RuleError(
                chosen.id, f"cannot build its {chosen.then.event.TYPE} event: {exc}", str(chosen.citation)
            ) from exc

    def __iter__(self) -> Iterator[Obligation]:
        return iter(self._records.values())
