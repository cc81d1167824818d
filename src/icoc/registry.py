"""The registry engine users hold: submit events, query state as of any date, keep history.

History is the truth: an append-only list of events. The current state is kept incrementally
(one event touches only the instances of its subject), and any past state is a replay of the
history up to a date.
"""

from __future__ import annotations

import bisect
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from icoc._asof import AsOfIndex
from icoc.defaults import DEFAULT, Default
from icoc.errors import IcocError, IllegalTransition, InvalidInput, Problem, RuleError, UnknownMember
from icoc.model.dates import date_problem
from icoc.model.events import (
    EVENTS_BY_TYPE,
    ApplicationSubmitted,
    CaseOpened,
    ComplaintReceived,
    DeadlineExtended,
    Event,
    History,
    SeatCreated,
    certification_key,
)
from icoc.model.members import ServiceDomain
from icoc.model.standards import DEFAULT_STANDARDS, CertificationBody, Standard
from icoc.rules import (
    DEFAULT_PARAMETERS,
    NO_JOURNAL,
    Backend,
    Journal,
    NativeBackend,
    Obligation,
    ParameterSet,
    RulesEngine,
    RuleSet,
    check_rules,
)
from icoc.rules.default import DEFAULT_RULES
from icoc.workflows import (
    NONE,
    PREVIOUS,
    PROCESSES,
    Instance,
    SubjectKind,
    TransitionTable,
    subject_kind_of_application,
)
from icoc.workflows.certification import leading

if TYPE_CHECKING:
    from icoc.explain import Explanation
    from icoc.model.document import RegistryDocument

__all__ = ["Discrepancy", "Registry", "Snapshot"]

_CERTIFICATION = "certification"
_EXTERNAL = "external-certificate"
_MAIN_PROCESS = {
    SubjectKind.COMPANY: "company-status",
    SubjectKind.CSO: "member-status",
    SubjectKind.GOVERNMENT: "member-status",
    SubjectKind.OBSERVER: "member-status",
    SubjectKind.CASE: "compliance-case",
    SubjectKind.COMPLAINT: "complaint",
    SubjectKind.SEAT: "board-seat",
}

_STARTERS: dict[type[Event], SubjectKind] = {
    CaseOpened: SubjectKind.CASE,
    ComplaintReceived: SubjectKind.COMPLAINT,
    SeatCreated: SubjectKind.SEAT,
}

_Change = tuple[str, str, Instance]


class _Core:
    """Current instances, subject kinds and last dates; a fold over events."""

    def __init__(self) -> None:
        self.instances: dict[str, dict[str, Instance]] = {name: {} for name in PROCESSES}
        self.by_subject: dict[str, dict[tuple[str, str], Instance]] = {}
        self.kinds: dict[str, SubjectKind] = {}
        self.last: dict[str, date] = {}

    def commit(
        self, event: Event, kind: SubjectKind | None, changes: Sequence[_Change], journal: Journal = NO_JOURNAL
    ) -> None:
        if kind is not None:
            journal.set(self.kinds, event.subject, kind)
        journal.set(self.last, event.subject, event.effective)
        for process, key, inst in changes:
            journal.set(self.instances.setdefault(process, {}), key, inst)
            mine = self.by_subject.get(inst.subject)
            if mine is None:
                mine = {}
                journal.set(self.by_subject, inst.subject, mine)
            journal.set(mine, (process, key), inst)


class _View:
    """What guards see while an event (or a batch) is planned: the core plus pending changes."""

    def __init__(self, core: _Core, settings: Mapping[str, Any], params: ParameterSet = DEFAULT_PARAMETERS) -> None:
        self.core = core
        self.settings = settings
        self.params = params
        self.on: date | None = None
        self.pending: dict[tuple[str, str], Instance] = {}
        self.kinds: dict[str, SubjectKind] = {}
        self.last: dict[str, date] = {}

    def instance(self, process: str, key: str) -> Instance | None:
        hit = self.pending.get((process, key))
        return hit if hit is not None else self.core.instances.get(process, {}).get(key)

    def instances(self, process: str, subject: str | None = None) -> Iterable[Instance]:
        if subject is None:
            keys = set(self.core.instances.get(process, {}))
            keys.update(k for p, k in self.pending if p == process)
        else:
            keys = {k for p, k in self.core.by_subject.get(subject, {}) if p == process}
            keys.update(k for (p, k), i in self.pending.items() if p == process and i.subject == subject)
        for key in sorted(keys):
            inst = self.instance(process, key)
            if inst is not None:
                yield inst

    def kind_of(self, subject: str) -> SubjectKind | None:
        return self.kinds.get(subject) or self.core.kinds.get(subject)

    def setting(self, name: str) -> Any:
        """A registry setting (standards, bodies) or a parameter's value on the event's date."""
        if name in self.settings:
            return self.settings[name]
        return self.params.value(name, self.on or date.max)

    def last_date(self, subject: str) -> date | None:
        return self.last.get(subject) or self.core.last.get(subject)


def _follow_while_held(
    table: TransitionTable, view: _View, event: Event, current: Instance | None, check: bool
) -> Instance | None:
    """A followed event that cannot move an instance held in a state it returns from (a
    suspension) updates the state it will return to: a suspended certified member whose
    certification lapses is reinstated as a member, not as a certified member."""
    if current is None or current.previous is None:
        return None
    if not any(t.source == current.state and t.target == PREVIOUS for t in table.transitions):
        return None
    candidates = table.candidates(current.previous, event, view, current)
    # An event that would lead into the held state itself (suspending what is suspended) is not
    # one to remember: reinstatement must still return to where the instance was.
    if not candidates or candidates[0].target in (PREVIOUS, current.previous, current.state):
        return None
    transition = candidates[0]
    if check and any(g(view, event, current) is not None for g in transition.guards):
        return None
    data = dict(current.data)
    data.update(event.facts())
    data[f"{event.TYPE}_on"] = event.effective
    return attrs.evolve(current, previous=transition.target, data=MappingProxyType(data))


def _plan(
    tables_for: Mapping[type[Event], tuple[TransitionTable, ...]],
    view: _View,
    event: Event,
    check: bool,
) -> tuple[SubjectKind | None, list[_Change]]:
    """The instances ``event`` moves, or IllegalTransition. Nothing is changed here."""
    name = event.TYPE or type(event).__name__
    view.on = event.effective
    if type(event) not in tables_for:
        raise InvalidInput(Problem("event", f"{type(event).__name__} is not an event type the registry knows"))
    last = view.last_date(event.subject)
    if check and last is not None and event.effective < last:
        raise IllegalTransition(
            "history",
            event.subject,
            None,
            name,
            f"dated {event.effective.isoformat()}, before {event.subject!r}'s last event on {last.isoformat()}; "
            "a subject's events must come in date order",
        )
    kind = view.kind_of(event.subject)
    new_kind: SubjectKind | None = None
    if kind is None:
        if isinstance(event, ApplicationSubmitted):
            new_kind = subject_kind_of_application(event)
        else:
            new_kind = _STARTERS.get(type(event))
        if new_kind is None:
            raise UnknownMember(event.subject)
        kind = new_kind
    elif isinstance(event, ApplicationSubmitted) or type(event) in _STARTERS:
        pass  # a re-application; the membership table's guards decide
    tables = [t for t in tables_for[type(event)] if kind in t.subjects]
    if not tables:
        raise IllegalTransition(
            "registry", event.subject, None, name, f"{event.subject!r} is a {kind.value}; {name} does not apply to it"
        )
    changes: list[_Change] = []
    moved = 0
    for table, key in [(t, k) for t in tables for k in t.keys_of(view, event)]:
        current = view.pending.get((table.process, key)) or view.core.instances.get(table.process, {}).get(key)
        state = current.state if current is not None else NONE
        candidates = table.candidates(state, event, view, current)
        if not candidates:
            if type(event) in table.follows:
                held = _follow_while_held(table, view, event, current, check)
                if held is not None:
                    changes.append((table.process, key, held))
                    moved += 1
                continue
            allowed = ", ".join(table.allowed_events(state)) or "nothing"
            raise IllegalTransition(
                table.process, event.subject, state, name, f"no transition from {state} on {name} (allowed: {allowed})"
            )
        transition = candidates[0]
        if check:
            for g in transition.guards:
                reason = g(view, event, current)
                if reason is not None:
                    raise IllegalTransition(table.process, event.subject, state, name, reason, guard=g.name)
        target = transition.target
        if target == PREVIOUS:
            if current is None or current.previous is None:
                raise IllegalTransition(table.process, event.subject, state, name, "no earlier state to return to")
            target = current.previous
        data = dict(current.data) if current is not None else {}
        data.update(event.facts())
        data[f"{event.TYPE}_on"] = event.effective
        if current is not None and target == state:
            inst = attrs.evolve(current, data=MappingProxyType(data))
        else:
            inst = Instance(
                process=table.process,
                key=key,
                subject=event.subject,
                state=target,
                since=event.effective,
                previous=state if state != NONE else None,
                data=MappingProxyType(data),
            )
        changes.append((table.process, key, inst))
        moved += 1
    if not moved:
        raise IllegalTransition(
            "registry", event.subject, None, name, f"{name} moves no process of {event.subject!r} from where it is"
        )
    return new_kind, changes


@attrs.frozen(kw_only=True)
class Discrepancy:
    """Where recorded facts (a registry document, a saved history) and the rules disagree.

    ``rule`` would have derived ``expected`` for ``subject`` on ``on``; the record says
    ``recorded``. The record is kept; ``path`` names it in its file when known."""

    subject: str
    rule: str
    on: date
    expected: str
    recorded: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return (
            f"{where}{self.subject}: rule {self.rule} would have derived {self.expected} on {self.on.isoformat()}; "
            f"the record says {self.recorded}"
        )


class _Queries:
    """Read-side shared by the live registry and snapshots."""

    _core: _Core

    def kind_of(self, subject: str) -> SubjectKind | None:
        """What a subject is (company, cso, ..., case, complaint, seat), or None if unknown."""
        return self._core.kinds.get(subject)

    def instance(self, process: str, key: str) -> Instance | None:
        """The instance of ``process`` with ``key`` (a subject's id for most processes), or None.

        A company's id as the key of ``certification`` gives :meth:`certification` (the company's
        certification that says most across its scopes)."""
        if process not in PROCESSES:
            raise InvalidInput(Problem("process", f"unknown process {process!r} (known: {', '.join(PROCESSES)})"))
        found = self._core.instances.get(process, {}).get(key)
        if found is None and process == _CERTIFICATION and self._core.kinds.get(key) is SubjectKind.COMPANY:
            return self.certification(key)
        return found

    def certification(self, company: str, scope: ServiceDomain | str | None = None) -> Instance | None:
        """A company's ICoCA certification (process ``certification``): in ``scope`` (land or
        maritime), or without one the certification that says most — one in force, else
        suspended, under review, externally certified, expired, withdrawn. None: none on record."""
        insts = self._core.instances.get(_CERTIFICATION, {})
        if scope is not None:
            return insts.get(certification_key(company, scope))
        return leading(i for (p, _), i in self._core.by_subject.get(company, {}).items() if p == _CERTIFICATION)

    def certificates(self, company: str) -> list[Instance]:
        """A company's external certificates (process ``external-certificate``), one instance per
        certificate, in key order: ``state`` valid, suspended or withdrawn; ``data["certificate"]``
        the :class:`~icoc.model.ExternalCertificate` as last recorded."""
        return [i for (p, _), i in sorted(self._core.by_subject.get(company, {}).items()) if p == _EXTERNAL]

    def instances(self, process: str) -> Iterator[Instance]:
        """Every instance of a process, in key order."""
        if process not in PROCESSES:
            raise InvalidInput(Problem("process", f"unknown process {process!r} (known: {', '.join(PROCESSES)})"))
        insts = self._core.instances.get(process, {})
        for key in sorted(insts):
            yield insts[key]

    def states_of(self, subject: str) -> dict[tuple[str, str], Instance]:
        """Every process instance of a subject, by (process, key)."""
        return dict(sorted(self._core.by_subject.get(subject, {}).items()))

    def subjects(self, kind: SubjectKind | None = None) -> list[str]:
        return sorted(s for s, k in self._core.kinds.items() if kind is None or k is kind)

    def _main(self, subject: str) -> Instance | None:
        kind = self._core.kinds.get(subject)
        if kind is None:
            return None
        inst = self._core.instances.get(_MAIN_PROCESS[kind], {}).get(subject)
        if inst is None and kind in (
            SubjectKind.COMPANY,
            SubjectKind.CSO,
            SubjectKind.GOVERNMENT,
            SubjectKind.OBSERVER,
        ):
            inst = self._core.instances.get("membership", {}).get(subject)
        return inst


@attrs.frozen(eq=False)
class Snapshot(_Queries):
    """The registry's state on one date: immutable, built by replaying history up to it."""

    as_of: date | None
    _core: _Core = attrs.field(repr=False)

    def state_of(self, subject: str) -> str | None:
        """The subject's main state (company status, member status, case stage, ...)."""
        inst = self._main(subject)
        return inst.state if inst is not None else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Snapshot):
            return NotImplemented
        return self._core.instances == other._core.instances and self._core.kinds == other._core.kinds

    __hash__ = None  # type: ignore[assignment]


class _History:
    """The history: a list of events, whose part before a store snapshot is read from the store
    only when something asks for it (an image restores the state, not the events)."""

    __slots__ = ("_events", "_head", "_load")

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._head = 0  # events not loaded yet, before ``_events``
        self._load: Callable[[], Iterable[Event]] | None = None

    def defer(self, count: int, load: Callable[[], Iterable[Event]]) -> None:
        """The first ``count`` events are ``load()``'s first ``count`` (read when needed)."""
        assert not self._events and self._load is None
        self._head, self._load = count, load

    @property
    def loaded(self) -> bool:
        return self._load is None

    def all(self) -> list[Event]:
        load = self._load
        if load is not None:
            head = list(itertools.islice(load(), self._head))
            if len(head) != self._head:
                raise InvalidInput(
                    Problem("history", f"the store holds {len(head)} events before its snapshot, not {self._head}")
                )
            self._events[:0] = head
            self._head, self._load = 0, None
        return self._events

    def __len__(self) -> int:
        return self._head + len(self._events)

    def append(self, event: Event) -> None:
        self._events.append(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.all())

    def __getitem__(self, i: int) -> Event:
        if self._load is not None and i >= self._head:
            return self._events[i - self._head]
        return self.all()[i]

    def since(self, start: int) -> list[Event]:
        """The events from index ``start`` on."""
        if self._load is not None and start >= self._head:
            return self._events[start - self._head :]
        return self.all()[start:]

    def truncate(self, n: int) -> None:
        if self._load is not None and n >= self._head:
            del self._events[n - self._head :]
        else:
            del self.all()[n:]


class _Transaction:
    """Everything one batch or advance changes, undone together if anything raises."""

    def __init__(self, registry: Registry, undo: bool = True) -> None:
        self.registry = registry
        self.start = len(registry._history)
        # A registry built from nothing is discarded on failure by its builder: no undo needed.
        self.journal: Journal = Journal() if undo else NO_JOURNAL
        self._latest = registry._latest

    def __enter__(self) -> _Transaction:
        engine = self.registry._engine
        if engine is not None:
            engine.journal = self.journal
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        reg = self.registry
        if reg._engine is not None:
            reg._engine.journal = NO_JOURNAL
        if exc_type is None:
            return
        self.journal.rollback()
        reg._history.truncate(self.start)
        reg._latest = self._latest
        if isinstance(exc, (OverflowError, ValueError)) and not isinstance(exc, IcocError):
            raise InvalidInput(
                Problem("event", f"a date the rules cannot compute with ({exc}); nothing was applied")
            ) from exc


class Registry(_Queries):
    """The engine: events in, state out, history kept, deadlines judged.

    ``Registry(standards=..., certification_bodies=..., rules=..., parameters=..., backend=...)``:
    ``standards`` is the catalogue of standards (the recognised ones by default);
    ``certification_bodies`` the bodies a certificate may come from (``None``: not restricted);
    ``rules`` the rule set (the default ICoCA rules; ``None``: no rules, events applied as given);
    ``parameters`` the dated parameters the rules read; ``backend`` ``"native"`` (default, the
    oracle) or ``"durable"`` (durable-rules). The rule set is checked against the workflows, facts
    and parameters first: :class:`~icoc.errors.InvalidRuleSet` lists every problem.

    ``submit``/``submit_all`` check events against the workflows and append them, or raise
    :class:`~icoc.errors.IllegalTransition`, :class:`~icoc.errors.UnknownMember` or
    :class:`~icoc.errors.InvalidInput` and change nothing. The clock moves with the inputs: rules
    due by an event's date are judged before it is applied (docs/rules.md, "How time works").
    """

    def __init__(
        self,
        *,
        standards: Iterable[Standard] | Default = DEFAULT,
        certification_bodies: Iterable[CertificationBody] | None = None,
        rules: RuleSet | Default | None = DEFAULT,
        parameters: ParameterSet | Default = DEFAULT,
        backend: str | Backend = "native",
    ) -> None:
        standards = DEFAULT_STANDARDS if standards is DEFAULT else standards
        rules = DEFAULT_RULES if rules is DEFAULT else rules
        parameters = DEFAULT_PARAMETERS if parameters is DEFAULT else parameters
        self._settings: dict[str, Any] = {}
        self._params = parameters
        self._engine: RulesEngine | None = None
        if rules is not None:
            check_rules(rules, parameters)
            self._engine = RulesEngine(rules, parameters, _backend(backend, rules))
        self._settings["standards"] = MappingProxyType({s.id: s for s in standards})
        self._settings["certification_bodies"] = (
            None if certification_bodies is None else MappingProxyType({b.id: b for b in certification_bodies})
        )
        tables_for: dict[type[Event], list[TransitionTable]] = {e: [] for e in EVENTS_BY_TYPE.values()}
        for table in PROCESSES.values():
            for ev in table.events:
                tables_for[ev].append(table)
        self._tables_for = {k: tuple(v) for k, v in tables_for.items()}
        self._core = _Core()
        self._history = _History()
        self._latest: date | None = None
        self._subject_events: dict[str, list[int]] = {}
        self._asof = AsOfIndex()  # every instance's dated versions, for "as of" queries
        self._discrepancies: list[Discrepancy] = []
        self._loading = False  # building a registry that is discarded if the load fails
        # Derived events already matched by an input restating them (history indices).
        self._claimed: dict[int, bool] = {}
        self._derived: dict[tuple[type[Event], str, str, date], list[int]] = {}
        # Set by a document import: a derived event the records contradict is kept out (the veto
        # returns "expected|recorded").
        self._veto: Callable[[Event, list[_Change]], str | None] | None = None

    # --- writing -------------------------------------------------------------------------

    def submit(self, event: Event) -> None:
        """Apply one event, or raise and leave state and history exactly as they were."""
        self.submit_all((event,))

    def submit_all(
        self,
        events: Iterable[Event],
        *,
        before_commit: Callable[[Sequence[Event]], None] | None = None,
    ) -> None:
        """Apply a batch atomically: every event, or (on the first refusal) none of them.

        With rules, the batch is applied in date order (stable: events of one date keep their order). The
        registry's clock moves with its inputs: before an event dated D is applied, every rule
        due on or before D is judged and its consequence applied, so no deadline can be skipped
        by not calling :meth:`advance_to`. An event dated before the clock is refused
        (:class:`~icoc.errors.IllegalTransition` naming the clock date and the derived events it
        would contradict). A derived event in the input (one whose cause is a rule, from a saved
        history) must be one the rules derive again at that point; it is not applied twice.

        ``before_commit`` is called with every event the batch adds to the history (inputs and
        derived, in order) before the batch is final; if it raises, nothing is applied (an event
        store appends there). Any exception, from a workflow, a rule, a backend or the hook,
        leaves history, state, agenda and clock exactly as they were.
        """
        batch: list[Event] = []
        for i, event in enumerate(events):
            if not isinstance(event, Event):
                raise InvalidInput(Problem(f"events[{i}]", f"expected an Event, got {type(event).__name__}"))
            batch.append(event)
        # With rules, the batch is applied in date order (the clock moves with it); without, as given.
        order = sorted(range(len(batch)), key=lambda i: batch[i].effective) if self._engine else range(len(batch))
        with self._transaction() as tx:
            for i in order:
                try:
                    self._apply_input(batch[i], tx)
                except (IllegalTransition, UnknownMember, InvalidInput, RuleError) as exc:
                    exc.add_note(f"event {i} of the batch; nothing in the batch was applied")
                    exc.batch_index = i
                    raise
            if before_commit is not None:
                before_commit(tuple(self._history.since(tx.start)))

    def advance_to(self, when: date, *, before_commit: Callable[[Sequence[Event]], None] | None = None) -> list[Event]:
        """Judge every rule due up to ``when`` (inclusive) in date order and apply the events
        they emit through the workflows. Ties on a date are judged together on the facts of the
        day before, then applied in rule-set order, by process and instance key. Returns the
        derived events. Atomic like :meth:`submit_all`; ``before_commit`` as there."""
        if self._engine is None:
            raise RuleError("(none)", "this registry was created without rules (rules=None)")
        if not isinstance(when, date):
            raise InvalidInput(Problem("when", f"expected a date, got {type(when).__name__}"))
        problem = date_problem(when)
        if problem is not None:
            raise InvalidInput(Problem("when", problem))
        with self._transaction() as tx:
            derived = self._advance(when, tx)
            if before_commit is not None:
                before_commit(tuple(self._history.since(tx.start)))
        return derived

    def _transaction(self) -> _Transaction:
        return _Transaction(self, undo=not self._loading)

    def _advance(self, when: date, tx: _Transaction) -> list[Event]:
        assert self._engine is not None
        return self._engine.advance(when, self._view, lambda ev, ob: self._apply_derived(ev, ob, tx))

    def _apply_derived(self, event: Event, obligation: Obligation, tx: _Transaction) -> None:
        if self._veto is not None:
            view = self._view()
            view.on = event.effective
            _, changes = _plan(self._tables_for, view, event, check=True)
            moved = [
                (p, k, i)
                for p, k, i in changes
                if (now := self._core.instances.get(p, {}).get(k)) is None
                or now.state != i.state
                or now.previous != i.previous
            ]
            reason = self._veto(event, moved) if moved else None
            if reason is not None:
                assert self._engine is not None
                expected, recorded, path = (*reason.split("|", 2), "", "")[:3]
                self._engine.override(obligation, f"kept out: the record says {recorded}")
                n = len(self._discrepancies)
                tx.journal.call(lambda: self._discrepancies.__delitem__(slice(n, None)))
                self._discrepancies.append(
                    Discrepancy(
                        subject=event.subject,
                        rule=event.cause.rule or obligation.rule,
                        on=event.effective,
                        expected=expected,
                        recorded=recorded,
                        path=path,
                    )
                )
                return
        self._commit(event, tx, derived=True)

    def _apply_input(self, event: Event, tx: _Transaction) -> None:
        for name, value in _dates_of(event):
            problem = date_problem(value)
            if problem is not None:
                raise InvalidInput(Problem(name, f"{event.TYPE} for {event.subject!r}: {problem}"))
        engine = self._engine
        if engine is not None:
            clock = engine.clock
            if clock is not None and event.effective < clock:
                raise self._before_clock(event, clock)
            self._advance(event.effective, tx)
            engine.set_clock(event.effective)
            if event.cause.rule is not None:
                self._reconcile(event, tx)
                return
            if self._restates_derived(event, tx):
                return
        self._commit(event, tx, derived=False)

    def _restates_derived(self, event: Event, tx: _Transaction) -> bool:
        """Whether a rule already derived this very event (type, subject, instance, date): an
        input recording what a rule did that day is absorbed, not applied twice."""
        return self._claim((type(event), event.subject, event.key, event.effective), None, tx)

    def _claim(self, key: tuple[type[Event], str, str, date], like: Event | None, tx: _Transaction) -> bool:
        """Claim an unclaimed derived event with this key (and, given ``like``, the same rule,
        citation and payload)."""
        for j in self._derived.get(key, ()):
            mine = self._history[j]
            if j in self._claimed:
                continue
            if like is not None and (
                mine.cause.rule != like.cause.rule
                or mine.cause.citation != like.cause.citation
                or not _same_payload(mine, like)
            ):
                continue
            tx.journal.set(self._claimed, j, True)
            return True
        return False

    def _reconcile(self, event: Event, tx: _Transaction) -> None:
        """A derived event met in the input (a saved history): the rules must derive it again."""
        if self._claim((type(event), event.subject, event.key, event.effective), event, tx):
            return
        found = [e for e in self._history.since(tx.start) if e.effective == event.effective and e.cause.rule]
        derived = ", ".join(f"{e.TYPE} for {e.subject!r} by {e.cause.rule}" for e in found[:5]) or "nothing"
        raise InvalidInput(
            Problem(
                "event",
                f"{event.TYPE} for {event.subject!r} on {event.effective.isoformat()} by rule {event.cause.rule} "
                f"does not follow from this registry's rules and the events before it (they derive {derived} "
                "on that date); pass rules=None to load a history as recorded",
            )
        )

    def _before_clock(self, event: Event, clock: date) -> IllegalTransition:
        later = [e for e in self._history if e.cause.rule is not None and e.effective >= event.effective]
        mine = [e for e in later if e.subject == event.subject] or later
        shown = "; ".join(f"{e.effective.isoformat()} {e.TYPE} for {e.subject!r} by {e.cause.rule}" for e in mine[:3])
        more = f" and {len(mine) - 3} more" if len(mine) > 3 else ""
        contradicts = f"; it could contradict the derived events {shown}{more}" if shown else ""
        return IllegalTransition(
            "clock",
            event.subject,
            None,
            event.TYPE,
            f"dated {event.effective.isoformat()}, before the registry's clock {clock.isoformat()} "
            f"(rules have been judged up to then){contradicts}",
        )

    def _commit(self, event: Event, tx: _Transaction, *, derived: bool) -> None:
        view = self._view()
        kind, changes = _plan(self._tables_for, view, event, check=True)
        if self._engine is not None and type(event) is DeadlineExtended:
            self._extend(event)
        self._core.commit(event, kind, changes, tx.journal)
        self._asof.record(event.effective, changes, tx.journal)
        if self._latest is None or event.effective > self._latest:
            self._latest = event.effective
        idx = self._subject_events.get(event.subject)
        if idx is None:
            idx = []
            tx.journal.set(self._subject_events, event.subject, idx)
        idx.append(len(self._history))
        tx.journal.call(idx.pop)
        if derived:
            key = (type(event), event.subject, event.key, event.effective)
            same = self._derived.get(key)
            if same is None:
                same = []
                tx.journal.set(self._derived, key, same)
            same.append(len(self._history))
            tx.journal.call(same.pop)
        self._history.append(event)
        if self._engine is not None:
            self._engine.reschedule(self._view(), (inst for _, _, inst in changes), event.effective, event.TYPE)

    def _extend(self, event: DeadlineExtended) -> None:
        assert self._engine is not None
        for current in self._engine.open_obligation(event.subject, event.rule):
            if event.until < current.deadline:
                raise IllegalTransition(
                    "rules",
                    event.subject,
                    None,
                    event.TYPE,
                    f"an extension cannot bring the deadline forward: {event.rule!r} runs to "
                    f"{current.deadline.isoformat()}, later than {event.until.isoformat()}",
                )
        try:
            ob = self._engine.extend(event.subject, event.rule, event.until, event.effective)
        except LookupError as exc:
            found = self._engine.open_obligation(event.subject, event.rule)
            what = "no open obligation" if not found else f"{len(found)} open obligations"
            raise IllegalTransition(
                "rules", event.subject, None, event.TYPE, f"{what} {event.rule!r} to extend for {event.subject!r}"
            ) from exc
        if ob.due <= event.effective:
            raise IllegalTransition(
                "rules",
                event.subject,
                None,
                event.TYPE,
                f"the new deadline {event.until.isoformat()} is before the decision date {event.effective.isoformat()}",
            )

    def _view(self) -> _View:
        return _View(self._core, self._settings, self._params)

    # --- time ----------------------------------------------------------------------------

    @property
    def rules(self) -> RuleSet | None:
        """The rule set this registry judges deadlines with (``None``: no rules)."""
        return self._engine.rules if self._engine is not None else None

    @property
    def parameters(self) -> ParameterSet:
        """The dated parameters the rules read."""
        return self._params

    @property
    def clock(self) -> date | None:
        """The date up to which the rules have been judged: the latest of the dates advanced to and
        the dates of the events submitted (``None`` before either)."""
        return self._engine.clock if self._engine is not None else None

    def next_due(self) -> date | None:
        """The earliest date a rule falls due, if any."""
        return self._engine.next_due() if self._engine is not None else None

    def pending_rules(self, until: date) -> list[tuple[str, str, date]]:
        """``(rule id, subject, due)`` for open obligations due by ``until`` (not judged yet)."""
        if self._engine is None:
            return []
        out = []
        for rid, process, key, due in self._engine.pending(until):
            inst = self._core.instances.get(process, {}).get(key)
            if inst is not None:
                out.append((rid, inst.subject, due))
        return sorted(out, key=lambda x: (x[2], x[0], x[1]))

    def obligations(self, subject: str | None = None, as_of: date | None = None) -> list[Obligation]:
        """The rules' obligations (of ``subject``, or all) as they stood on ``as_of`` (now when
        omitted): open, met, fired, superseded or overridden, each with the rule that governs
        it, the day its clock started and its due date. Raises UnknownMember for an unknown id."""
        if subject is not None and subject not in self._core.kinds:
            raise UnknownMember(subject)
        if self._engine is None:
            return []
        return self._engine.obligations(subject, as_of)

    @property
    def discrepancies(self) -> tuple[Discrepancy, ...]:
        """Where the rules would have derived something the imported records contradict (the
        records were kept); empty for a registry built from events alone."""
        return tuple(self._discrepancies)

    def explain(self, subject: str, as_of: date | None = None) -> Explanation:
        """Why ``subject`` is in its state on ``as_of`` (the registry's clock when omitted): each
        event, its cause, citation and facts, and the due dates the rules judged."""
        from icoc.explain import explain

        return explain(self, subject, as_of if as_of is not None else self.clock)

    def close(self) -> None:
        """Free the rules backend (the durable-rules engine holds C memory)."""
        if self._engine is not None:
            self._engine.backend.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------------

    @property
    def history(self) -> tuple[Event, ...]:
        """Every accepted event, in the order it was submitted."""
        return tuple(self._history.all())

    @property
    def settings(self) -> Mapping[str, Any]:
        """What guards read besides state: ``standards`` and ``certification_bodies`` by id."""
        return MappingProxyType(self._settings)

    def __len__(self) -> int:
        return len(self._history)

    def state_of(self, subject: str, as_of: date | None = None) -> str | None:
        """The subject's main state now, or on ``as_of`` (replaying its history up to that date,
        events dated ``as_of`` included).

        ``None`` when the subject did not exist yet on that date.
        """
        if subject not in self._core.kinds:
            raise UnknownMember(subject)
        if as_of is None:
            inst = self._main(subject)
            return inst.state if inst is not None else None
        if self._indexed() is not None:
            return self._indexed_state_of(subject, as_of)
        return self._replay(self._events_of(subject, as_of), as_of).state_of(subject)

    def _current_as_of(self, as_of: date) -> Snapshot | None:
        """A read-only view of the live state when nothing in history is dated after ``as_of``
        (for queries inside one call, such as a batch of eligibility checks: no replay)."""
        if self._latest is None or self._latest <= as_of:
            return Snapshot(as_of, self._core)
        return None

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """The whole registry on ``as_of`` (now when omitted; events dated ``as_of`` included),
        replayed from history (or read from the index of dated versions, which equals it)."""
        index = self._indexed() if as_of is not None else None
        if index is not None and as_of is not None:
            core = _Core()
            core.instances, core.by_subject, core.kinds, core.last = index.state(as_of, self._core.kinds, PROCESSES)
            return Snapshot(as_of, core)
        events = self._history.all() if as_of is None else [e for e in self._history if e.effective <= as_of]
        return self._replay(events, as_of)

    def _indexed(self) -> AsOfIndex | None:
        """The index of dated versions if it can answer (the history is in date order), rebuilt
        from the whole history first if an image left it without the versions before it."""
        index = self._asof
        if not index.complete:
            core = _Core()

            def changes_of(event: Event) -> list[_Change]:
                kind, changes = _plan(self._tables_for, _View(core, self._settings, self._params), event, check=False)
                core.commit(event, kind, changes)
                return changes

            index.rebuild(self._history.all(), changes_of)
        return index if index.ordered else None

    def _indexed_state_of(self, subject: str, as_of: date) -> str | None:
        kind = self._core.kinds[subject]
        inst = self._asof.instance(_MAIN_PROCESS[kind], subject, as_of)
        if inst is None and kind in (
            SubjectKind.COMPANY,
            SubjectKind.CSO,
            SubjectKind.GOVERNMENT,
            SubjectKind.OBSERVER,
        ):
            inst = self._asof.instance("membership", subject, as_of)
        return inst.state if inst is not None else None

    def _events_of(self, subject: str, as_of: date) -> list[Event]:
        idx = self._subject_events.get(subject, [])
        dates = [self._history[i].effective for i in idx]
        cut = bisect.bisect_right(dates, as_of)
        return [self._history[i] for i in idx[:cut]]

    def _replay(self, events: Iterable[Event], as_of: date | None) -> Snapshot:
        core = _Core()
        for event in events:
            view = _View(core, self._settings, self._params)
            kind, changes = _plan(self._tables_for, view, event, check=False)
            core.commit(event, kind, changes)
        return Snapshot(as_of, core)

    def history_document(self) -> History:
        """The history as a document for :mod:`icoc.io` (``dumps``, ``dump``). Exports are public
        by default and a redacted history does not load for replay: to keep it, pass
        ``audience=Audience.FULL`` or use an :mod:`icoc.store` event store."""
        return History(events=tuple(self._history.all()))

    @classmethod
    def from_history(cls, history: History | Iterable[Event], **config: Any) -> Registry:
        """A registry rebuilt from a saved history; every event is checked again.

        ``config`` as for ``Registry(...)``. Derived events in the history (caused by a rule) must
        follow again from the rules and the events before them (they are derived again, not applied
        twice): pass ``rules=None`` to load a history exactly as recorded. Raises
        :class:`~icoc.errors.IllegalTransition` or :class:`~icoc.errors.InvalidInput` naming the
        first refused event; no half-built registry is returned."""
        reg = cls(**config)
        reg._loading = True
        # A bulk load allocates millions of objects and frees none: the cyclic collector would
        # walk the growing heap again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            reg.submit_all(history.events if isinstance(history, History) else history)
        except BaseException:
            reg.close()
            raise
        finally:
            reg._loading = False
            if collecting:
                gc.enable()
        return reg

    # --- images (store snapshots) -------------------------------------------------------------

    def _config(self) -> tuple[Any, ...]:
        engine = self._engine
        return (engine.rules if engine else None, self._params, self._settings)

    def image(self) -> bytes:
        """The registry's state as bytes, for an event store's snapshot (``icoc.store``).

        Everything the history computed (instances, rules' obligations, agenda and clock) and the
        configuration it was computed with; not the events themselves, which the store keeps.
        Loaded only by the same icoc release (:meth:`from_image`). Raises InvalidInput while a
        registry document is being imported."""
        if self._veto is not None:
            raise InvalidInput(Problem("registry", "a registry importing a document has no image yet"))
        engine = self._engine
        rules_state = engine.state() if engine is not None else None
        core = self._core
        state = (
            (core.instances, core.by_subject, core.kinds, core.last),
            self._latest,
            self._subject_events,
            self._discrepancies,
            self._claimed,
            self._derived,
            rules_state,
        )
        from icoc._image import dump_image

        return dump_image(self._config(), len(self._history), state)

    @classmethod
    def from_image(cls, image: bytes, history: Callable[[], Iterable[Event]], **config: Any) -> Registry:
        """The registry an :meth:`image` was taken of, for the same ``config`` (as for
        ``Registry(...)``); ``history()`` yields the events it covers (at least that many, in
        order) and is called only when the history before the image is asked for.

        Submit the events after the image to it to catch up. Raises InvalidInput saying why an
        image cannot be used (damaged, from another release, or computed with other rules,
        parameters, standards or certification bodies): replay the history instead."""
        from icoc._image import load_image

        count, image_config, state = load_image(image)
        reg = cls(**config)
        try:
            if image_config != reg._config():
                raise InvalidInput(
                    Problem("snapshot", "was taken with other rules, parameters, standards or certification bodies")
                )
            try:
                core_state, latest, subject_events, discrepancies, claimed, derived, rules_state = state
                core = reg._core
                core.instances, core.by_subject, core.kinds, core.last = core_state
                if (rules_state is None) != (reg._engine is None):
                    raise ValueError("rules state does not match the configuration")
                if reg._engine is not None:
                    reg._engine.restore(rules_state)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(Problem("snapshot", f"holds a state of the wrong shape: {exc}")) from None
            reg._latest = latest
            reg._subject_events = subject_events
            reg._discrepancies = discrepancies
            reg._claimed = claimed
            reg._derived = derived
            reg._asof = AsOfIndex(complete=False, latest=latest)  # rebuilt when a past date is asked for
            reg._history.defer(count, history)
        except BaseException:
            reg.close()
            raise
        return reg

    @classmethod
    def from_document(cls, doc: RegistryDocument, **config: Any) -> Registry:
        """A live registry whose history leads to a registry document (a snapshot as of one date).

        Every generated event has the cause ``import``; ``config`` passes rules, parameters and
        backend. The document's own ``standards`` and ``certification_bodies`` decide: to judge it
        against another list of bodies (e.g. :func:`icoc.reference.certification_bodies`), put that
        list in the document (``attrs.evolve(doc, certification_bodies=...)``). Raises InvalidInput
        naming the document record the workflows refuse, or naming ``standards`` or
        ``certification_bodies`` when ``config`` passes them.
        """
        from icoc._import import import_document

        return import_document(doc, **config)


def _same_payload(derived: Event, saved: Event) -> bool:
    """Whether a saved derived event records the payload the rules derive again; a field the
    saved copy leaves ``None`` matches (a history written before the field existed, such as a
    ``TermEnded`` without ``outgoing``): the rules' copy, with the value, is kept."""
    mine, theirs = derived.facts(), saved.facts()
    return all(theirs.get(k) == v or theirs.get(k) is None for k, v in mine.items())


def _dates_of(event: Event) -> Iterator[tuple[str, date]]:
    """Every date an event carries: its own, its payload's, its certificate's."""
    yield "effective", event.effective
    for name, value in event.facts().items():
        if isinstance(value, date):
            yield name, value
        elif attrs.has(type(value)):
            for field in attrs.fields(type(value)):
                inner = getattr(value, field.name)
                if isinstance(inner, date):
                    yield f"{name}.{field.name}", inner


def _backend(backend: str | Backend, rules: RuleSet) -> Backend:
    if not isinstance(backend, str):
        return backend
    if backend == "native":
        return NativeBackend(rules)
    if backend == "durable":
        from icoc.rules import DurableBackend

        return DurableBackend(rules)
    raise InvalidInput(Problem("backend", f"unknown rules backend {backend!r} (native or durable)"))
