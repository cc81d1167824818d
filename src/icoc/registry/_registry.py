"""The registry engine users hold: submit events, query state as of any date, keep history.

History is the truth: an append-only list of events. The current state is kept incrementally
(one event touches only the instances of its subject), and any past state is a replay of the
history up to a date (:meth:`Registry.replay`, the one fold of events into state).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from icoc.defaults import DEFAULT, Default
from icoc.errors import IllegalTransition, InvalidInput, Problem, RuleError, UnknownMember, preview
from icoc.explain import Explanation, explain
from icoc.model.dates import checked_date, date_problem
from icoc.model.events import Event, History
from icoc.model.standards import DEFAULT_STANDARDS, CertificationBody, Standard
from icoc.registry._asof import AsOfIndex
from icoc.registry._core import View, _Core
from icoc.registry._history import _History
from icoc.registry._images import image_of, read_image, restore_image
from icoc.registry._queries import MAIN_PROCESS, Discrepancy, Snapshot, _Queries
from icoc.registry._writing import _Writing, collector_paused
from icoc.rules import (
    DEFAULT_PARAMETERS,
    Backend,
    NativeBackend,
    Obligation,
    ParameterSet,
    RulesEngine,
    RuleSet,
    check_rules,
)
from icoc.rules.default import DEFAULT_RULES
from icoc.workflows import INTERPRETER, PROCESSES, Change, SubjectKind

if TYPE_CHECKING:
    from icoc.model.document import RegistryDocument

__all__ = ["Registry"]


class RegistryConfig(TypedDict, total=False):
    """The keyword arguments of :class:`Registry` (all optional), as passed on by
    :meth:`Registry.from_history`, :meth:`Registry.from_document`, :meth:`Registry.from_image` and
    :func:`icoc.store.open_registry`."""

    standards: Iterable[Standard] | Default
    certification_bodies: Iterable[CertificationBody] | None
    rules: RuleSet | Default | None
    parameters: ParameterSet | Default
    backend: str | Backend


class Registry(_Writing, _Queries):
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
        self._interpreter = INTERPRETER
        self._core = _Core()
        self._history = _History()
        self._latest: date | None = None
        self._subject_events: dict[str, list[int]] = {}
        # Every instance's dated versions, for "as of" queries: built from the history on the first
        # past-date query, kept up to date from then on (a registry never asked pays nothing for it).
        self._asof = AsOfIndex(complete=False)
        self._discrepancies: list[Discrepancy] = []
        self._loading = False  # building a registry that is discarded if the load fails
        # Derived events already matched by an input restating them (history indices).
        self._claimed: dict[int, bool] = {}
        self._derived: dict[tuple[type[Event], str, str, date], list[int]] = {}
        # Set by a document import: a derived event the records contradict is kept out (the veto
        # returns "expected|recorded").
        self._veto: Callable[[Event, list[Change]], str | None] | None = None

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
        return explain(self, subject, _as_of(as_of) if as_of is not None else self.clock)

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
        """The subject's main state now, or on ``as_of`` (events dated ``as_of`` included): read
        from the index of dated versions when the history is in date order, else replayed.

        ``None`` when the subject did not exist yet on that date.
        """
        if subject not in self._core.kinds:
            raise UnknownMember(subject)
        if as_of is None:
            inst = self._main(subject)
            return inst.state if inst is not None else None
        as_of = _as_of(as_of)
        if self._indexed() is not None:
            return self._indexed_state_of(subject, as_of)
        return self.replay(self._events_of(subject, as_of), as_of).state_of(subject)

    def current_as_of(self, as_of: date) -> Snapshot | None:
        """The live state as a read-only snapshot on ``as_of`` when nothing in history is dated
        after ``as_of`` (no replay: for many queries within one call, such as a batch of
        eligibility decisions), else None (ask :meth:`snapshot`). The snapshot shares the live
        state: read it before the registry changes again. Raises
        :class:`~icoc.errors.InvalidInput` naming ``as_of`` when it is not a date."""
        as_of = _as_of(as_of)
        if self._latest is None or self._latest <= as_of:
            return Snapshot(as_of, self._core)
        return None

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """The whole registry on ``as_of`` (now when omitted; events dated ``as_of`` included),
        replayed from history (or read from the index of dated versions, which equals it)."""
        as_of = _as_of(as_of) if as_of is not None else None
        index = self._indexed() if as_of is not None else None
        if index is not None and as_of is not None:
            return Snapshot(as_of, index.state(as_of, self._core.kinds, PROCESSES))
        events = self._history.all() if as_of is None else [e for e in self._history if e.effective <= as_of]
        return self.replay(events, as_of)

    def _indexed(self) -> AsOfIndex | None:
        """The index of dated versions if it can answer (the history is in date order), rebuilt
        from the whole history first if an image left it without the versions before it."""
        index = self._asof
        if not index.complete:
            core = _Core()
            view = View(core, self._settings, self._params)
            plan = self._interpreter.plan

            def changes_of(event: Event) -> list[Change]:
                kind, changes = plan(view, event, check=False)
                core.commit(event, kind, changes)
                return list(changes)

            with collector_paused():
                index.rebuild(self._history.all(), changes_of)
        return index if index.ordered else None

    def _indexed_state_of(self, subject: str, as_of: date) -> str | None:
        kind = self._core.kinds[subject]
        inst = self._asof.instance(MAIN_PROCESS[kind], subject, as_of)
        if inst is None and kind in (
            SubjectKind.COMPANY,
            SubjectKind.CSO,
            SubjectKind.GOVERNMENT,
            SubjectKind.OBSERVER,
        ):
            inst = self._asof.instance("membership", subject, as_of)
        return inst.state if inst is not None else None

    def events_of(self, subject: str, as_of: date | None = None) -> list[Event]:
        """``subject``'s events (inputs and derived) up to ``as_of`` included (all when omitted), in
        history order. Raises UnknownMember for an id not on record."""
        if subject not in self._core.kinds:
            raise UnknownMember(subject)
        return self._events_of(subject, _as_of(as_of) if as_of is not None else date.max)

    def _events_of(self, subject: str, as_of: date) -> list[Event]:
        idx = self._subject_events.get(subject, [])
        dates = [self._history[i].effective for i in idx]
        cut = bisect.bisect_right(dates, as_of)
        return [self._history[i] for i in idx[:cut]]

    def replay(
        self,
        events: Iterable[Event],
        as_of: date | None = None,
        *,
        on_step: Callable[[Event, Sequence[Change]], None] | None = None,
    ) -> Snapshot:
        """The state ``events`` lead to from an empty registry, folded through the workflows with
        this registry's settings and parameters, as a :class:`Snapshot` dated ``as_of``: the one
        fold behind :func:`icoc.explain.explain`, and behind :meth:`state_of` and
        :meth:`snapshot` on a date when the history is out of date order (in date order they read
        the index of dated versions, which equals it).

        The events are taken as accepted (from this registry's history or a part of it, such as
        one subject's events): guards and date order are not checked again and no rule is judged.
        ``on_step(event, changes)``, when given, is called after each event with the instances it
        moved (``(process, key, instance)`` each). Raises InvalidInput naming ``events[i]`` when an
        item is not an event (or of a type the workflows do not know), IllegalTransition or
        UnknownMember when an event cannot be folded at all (no workflow moves it from where it
        is)."""
        if as_of is not None:
            _as_of(as_of)
        core = _Core()
        view = View(core, self._settings, self._params)
        plan = self._interpreter.plan
        for i, event in enumerate(events):
            if not isinstance(event, Event):
                raise InvalidInput(Problem(f"events[{i}]", f"expected an Event, got {type(event).__name__}"))
            kind, changes = plan(view, event, check=False)
            core.commit(event, kind, changes)
            if on_step is not None:
                on_step(event, changes)
        return Snapshot(as_of, core)

    def view(self, snapshot: Snapshot | None = None) -> View:
        """What guards and rules read (a :class:`~icoc.workflows.GuardContext`): the state of
        ``snapshot`` (the live state when omitted) with this registry's settings and parameters."""
        return View(snapshot._core if snapshot is not None else self._core, self._settings, self._params)

    def history_document(self) -> History:
        """The history as a document for :mod:`icoc.io` (``dumps``, ``dump``). Exports are public
        by default and a redacted history does not load for replay: to keep it, pass
        ``audience=Audience.FULL`` or use an :mod:`icoc.store` event store."""
        return History(events=tuple(self._history.all()))

    @classmethod
    def from_history(cls, history: History | Iterable[Event], **config: Unpack[RegistryConfig]) -> Registry:
        """A registry rebuilt from a saved history; every event is checked again.

        ``config`` as for ``Registry(...)``. Derived events in the history (caused by a rule) must
        follow again from the rules and the events before them (they are derived again, not applied
        twice): pass ``rules=None`` to load a history exactly as recorded. Raises
        :class:`~icoc.errors.IllegalTransition` or :class:`~icoc.errors.InvalidInput` naming the
        first refused event; no half-built registry is returned."""
        reg = cls(**config)
        reg._loading = True
        try:
            with collector_paused():
                reg.submit_all(history.events if isinstance(history, History) else history)
        except BaseException:
            reg.close()
            raise
        finally:
            reg._loading = False
        return reg

    @contextmanager
    def importing(self, veto: Callable[[Event, list[Change]], str | None]) -> Iterator[None]:
        """While a document is imported into this new registry (``icoc.importing`` calls this;
        applications call :meth:`from_document`): ``veto(event, changes)`` judges each derived
        event before it is applied (a text ``"expected|recorded"`` keeps it out and records a
        :class:`Discrepancy`; ``None`` lets it in), and a refused event leaves the registry to be
        discarded rather than undone event by event. Both end with the block, however it ends.
        Raises :class:`~icoc.errors.InvalidInput` for a ``veto`` that is not callable, or a registry
        that is not new (it holds events, or is already loading or importing)."""
        if not callable(veto):
            raise InvalidInput(Problem("veto", f"expected a function of (event, changes), got {preview(veto)}"))
        if self._veto is not None or self._loading:
            raise InvalidInput(Problem("registry", "is already importing a document"))
        if len(self._history) or self._latest is not None:
            raise InvalidInput(Problem("registry", f"imports a document only while new (it holds {len(self)} events)"))
        self._veto, self._loading = veto, True
        try:
            yield
        finally:
            self._veto, self._loading = None, False

    # --- images (store snapshots) -------------------------------------------------------------

    def image(self) -> bytes:
        """The registry's state as bytes, for an event store's snapshot (``icoc.store``).

        Everything the history computed (instances, rules' obligations, agenda and clock) and the
        configuration it was computed with; not the events themselves, which the store keeps.
        Loaded only by the same icoc release (:meth:`from_image`). Raises InvalidInput while a
        registry document is being imported."""
        return image_of(self)

    @classmethod
    def from_image(
        cls, image: bytes, history: Callable[[], Iterable[Event]], **config: Unpack[RegistryConfig]
    ) -> Registry:
        """The registry an :meth:`image` was taken of, for the same ``config`` (as for
        ``Registry(...)``); ``history()`` yields the events it covers (at least that many, in
        order) and is called only when the history before the image is asked for.

        Submit the events after the image to it to catch up. Raises InvalidInput saying why an
        image cannot be used (damaged, from another release, or computed with other rules,
        parameters, standards or certification bodies): replay the history instead."""
        loaded = read_image(image)
        reg = cls(**config)
        try:
            restore_image(reg, loaded, history)
        except BaseException:
            reg.close()
            raise
        return reg

    @classmethod
    def from_document(cls, doc: RegistryDocument, **config: Unpack[RegistryConfig]) -> Registry:
        """A live registry whose history leads to a registry document (a snapshot as of one date).

        Every generated event has the cause ``import``; ``config`` passes rules, parameters and
        backend. The document's own ``standards`` and ``certification_bodies`` decide: to judge it
        against another list of bodies (e.g. :func:`icoc.reference.certification_bodies`), put that
        list in the document (``attrs.evolve(doc, certification_bodies=...)``). Raises InvalidInput
        naming the document record the workflows refuse, or naming ``standards`` or
        ``certification_bodies`` when ``config`` passes them.
        """
        # Loaded on first use: the import package (eight modules) would otherwise add about a
        # tenth to ``from icoc import Registry`` for applications that never read a document.
        from icoc.importing import import_document

        return import_document(doc, cls, **config)


def _backend(backend: str | Backend, rules: RuleSet) -> Backend:
    if not isinstance(backend, str):
        return backend
    if backend == "native":
        return NativeBackend(rules)
    if backend == "durable":
        from icoc.rules import DurableBackend

        return DurableBackend(rules)
    raise InvalidInput(Problem("backend", f"unknown rules backend {backend!r} (native or durable)"))


def _as_of(value: object) -> date:
    """The ``as_of`` of a query: any day (see :func:`icoc.model.dates.checked_date`)."""
    return checked_date(value, "as_of", supported=False)
