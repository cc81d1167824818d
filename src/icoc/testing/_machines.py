"""The base of the hypothesis state machines that drive a :class:`~icoc.registry.Registry` with random events.

Each machine offers legal *and* illegal events for one process (random event types, for subjects
that exist and subjects that do not) on a simulated date that only moves forward, and checks after
every step what must hold whatever happened: a refused event changes nothing, an accepted one adds
exactly one history entry and touches only its subject, the current state is the replay of the
history, a terminated company comes back only through a new admission, the Board never exceeds
its seats, and the history survives a JSON round trip.

Downstream suites reuse them as ``TestX = MembershipMachine.TestCase`` or subclass them to add
their own rules and invariants (override :meth:`RegistryMachine.make_registry` for a configured
registry).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from icoc.errors import IllegalTransition
from icoc.io import Audience, dumps, loads
from icoc.model.events import (
    EVENT_TYPES,
    Admission,
    Admitted,
    ApplicantKind,
    CertificationExpired,
    CertificationWithdrawn,
    Event,
    History,
    IcocaApplicationRefused,
    IcocaCertificationGranted,
)
from icoc.model.governance import BOARD_SEATS, SEATS_PER_PILLAR
from icoc.registry import Registry
from icoc.testing._builders import admit, certify
from icoc.testing._payloads import _NO_PAYLOAD, _PAYLOADS, _resolve
from icoc.testing._pools import (
    _DAYS,
    _NATURAL_APPLICANT,
    ACTIVE_COMPANY_STATES,
    BOARD_EVENTS,
    CASES,
    COMPLAINT_EVENTS,
    COMPLAINTS,
    COMPLIANCE_EVENTS,
    CONSULTANCY,
    GHOST,
    GONE_STATES,
    ORGANISATIONS,
    REFUSALS,
    SEATS,
    START,
    MachineState,
    _days,
    _sampled,
)
from icoc.workflows import NONE, PROCESSES, Instance

__all__ = ["RegistryMachine"]


class RegistryMachine(RuleBasedStateMachine):
    """Shared machinery: a registry, a forward-only simulated date, wrapped submissions and the
    invariants every process must keep. Subclasses choose the event types (``EVENT_TYPES``), the
    processes whose current state steers "likely legal" events (``PROCESSES_UNDER_TEST``) and the
    organisations involved (``ORGANISATIONS``), and may seed the registry with ``@initialize``.
    """

    EVENT_TYPES: ClassVar[tuple[type[Event], ...]] = EVENT_TYPES
    PROCESSES_UNDER_TEST: ClassVar[tuple[str, ...]] = tuple(PROCESSES)
    ORGANISATIONS: ClassVar[tuple[str, ...]] = ORGANISATIONS
    START: ClassVar[date] = START
    MAX_ADVANCE_DAYS: ClassVar[int] = 800
    HAPPY_PATH: ClassVar[tuple[type[Event], ...]] = ()
    """Event types that move the main process forward, latest step first: ``progress`` takes the
    first one the table allows half of the time, so runs reach the deep states."""

    def __init__(self) -> None:
        super().__init__()
        self.registry = self.make_registry()
        self.today: date = self.START
        self.last_seen: dict[str, date] = {}
        self.accepted = 0
        self.refused = 0
        self.refusals: Counter[str] = Counter()
        self._checked_len = -1
        self._dated = 0

    def make_registry(self) -> Registry:
        """The registry under test; override to test a configured one."""
        return Registry()

    # --- submissions -----------------------------------------------------------------------

    def submit(self, event: Event) -> bool:
        """Submit one event; a refusal must leave everything as it was. Returns acceptance."""
        return self.submit_batch((event,))

    def submit_batch(self, events: Sequence[Event]) -> bool:
        """Submit a batch atomically: all accepted (history grows by its length) or nothing changes."""
        before = MachineState.of(self.registry)
        try:
            if len(events) == 1:
                self.registry.submit(events[0])
            else:
                self.registry.submit_all(events)
        except REFUSALS as exc:
            after = MachineState.of(self.registry)
            assert after == before, f"refused {events!r} ({exc}) but the registry changed"
            self.refused += 1
            self.refusals[type(exc).__name__] += 1
            return False
        self._check_accepted(events, before, MachineState.of(self.registry))
        self.accepted += len(events)
        for e in events:
            self.last_seen[e.subject] = e.effective
        return True

    def _check_accepted(self, events: Sequence[Event], before: MachineState, after: MachineState) -> None:
        assert after.history[: len(before.history)] == before.history, "the history before the batch changed"
        tail = after.history[len(before.history) :]
        # The batch's events, in date order, interleaved with what the rules derived on the way (the
        # clock moves with the inputs); an input restating a rule's event of that very day is absorbed.
        inputs = [e for e in tail if e.cause.rule is None]
        expected = sorted(events, key=lambda e: e.effective)
        derived = {(type(e), e.subject, e.key, e.effective) for e in after.history if e.cause.rule is not None}
        kept = [e for e in expected if any(e is i for i in inputs)]
        assert inputs == kept, "history did not grow by the batch's events in date order"
        for e in expected:
            assert any(e is i for i in inputs) or (type(e), e.subject, e.key, e.effective) in derived, (
                f"{e!r} was accepted but is neither in the history nor restates a derived event"
            )
        subjects = {e.subject for e in tail} | {e.subject for e in events}
        for process, insts in after.instances.items():
            old = before.instances[process]
            assert set(old) <= set(insts), f"{process}: an instance disappeared"
            for key, inst in insts.items():
                if old.get(key) != inst:
                    assert inst.subject in subjects, f"{process}/{key} changed by events about {subjects}"
        for subject, kind in before.kinds.items():
            assert after.kinds[subject] is kind, f"{subject!r} changed kind from {kind} to {after.kinds[subject]}"
        # A terminated or withdrawn company is active again only through a new admission.
        company_status = "company-status"
        for subject in subjects:
            was = before.instances[company_status].get(subject)
            now = after.instances[company_status].get(subject)
            if was is not None and now is not None and was.state in GONE_STATES and now.state not in GONE_STATES:
                assert any(isinstance(e, Admitted) and e.subject == subject for e in events), (
                    f"{subject!r} went from {was.state} to {now.state} without an admission"
                )
                assert now.state in ACTIVE_COMPANY_STATES

    # --- building events -----------------------------------------------------------------------

    def natural_subjects(self, cls: type[Event]) -> tuple[str, ...]:
        """The ids an event type is normally about (cases for case events, seats for seat events...)."""
        if cls in COMPLIANCE_EVENTS:
            return CASES
        if cls in COMPLAINT_EVENTS:
            return COMPLAINTS
        if cls in BOARD_EVENTS:
            return SEATS
        return self.ORGANISATIONS

    @property
    def all_subjects(self) -> tuple[str, ...]:
        pools: list[str] = []
        for cls in self.EVENT_TYPES:
            pools.extend(s for s in self.natural_subjects(cls) if s not in pools)
        return (*pools, GHOST)

    def draw_event(
        self,
        data: st.DataObject,
        cls: type[Event],
        subject: str,
        effective: date,
        cycle: int | None = None,
    ) -> Event:
        """A well-formed ``cls`` event (it constructs) that the workflows may still refuse.

        ``cycle`` pins the self-assessment cycle, so the event reaches an existing instance."""
        raw = data.draw(self.payloads(cls), label=f"{cls.TYPE} payload")
        fields = _resolve(cls, raw, subject, effective)
        if cycle is not None and "cycle" in fields:
            fields["cycle"] = cycle
        return cls(subject=subject, effective=effective, **fields)

    def payloads(self, cls: type[Event]) -> st.SearchStrategy[dict[str, Any]]:
        """Raw payload parts for ``cls`` (dates as offsets from the event's date); override to
        steer a subclass. Built once at import: strategies made per draw are slow to validate."""
        return _PAYLOADS.get(cls, _NO_PAYLOAD)

    # --- helpers for seeding ----------------------------------------------------------------------

    def admit(self, subject: str, admission: Admission) -> bool:
        """Apply, pass due diligence (companies) and be admitted; returns whether it was admitted."""
        natural = _NATURAL_APPLICANT.get(subject, ApplicantKind.OTHER)
        security = natural is ApplicantKind.COMPANY and subject != CONSULTANCY
        return self.submit_batch(
            admit(subject, self.today, admission=admission, applicant=natural, provides_security_services=security)
        )

    def certify_company(self, company: str, years: int) -> bool:
        """Both stages of certification in one batch: a PSC.1 certificate, ICoCA's review and grant."""
        return self.submit_batch(certify(company, self.today, years=years))

    # --- rules ---------------------------------------------------------------------------------

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """Time only moves forward; deadlines, terms and certificates fall due as it does."""
        self.today += data.draw(_days(1, self.MAX_ADVANCE_DAYS), label="advance")

    @rule(data=st.data())
    def random_event(self, data: st.DataObject) -> None:
        """Any event type of this machine about any subject, existing or not: mostly illegal."""
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        subject = data.draw(_sampled(self.all_subjects), label="subject")
        self.submit(self.draw_event(data, cls, subject, self.today))

    @rule(data=st.data())
    def natural_event(self, data: st.DataObject) -> None:
        """Any event type about a subject of the kind it is meant for."""
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
        self.submit(self.draw_event(data, cls, subject, self.today))

    @rule(data=st.data())
    def allowed_event(self, data: st.DataObject) -> None:
        """An event the table allows from where an instance is (or a new instance): only guards
        may refuse it."""
        process = data.draw(_sampled(self.PROCESSES_UNDER_TEST), label="process")
        existing = list(self.registry.instances(process))
        index = data.draw(st.integers(-1, len(existing) - 1), label="instance (-1: a new one)")
        self._step(data, process, existing[index] if index >= 0 else None)

    def _has_main_instances(self) -> bool:
        return any(True for _ in self.registry.instances(self.PROCESSES_UNDER_TEST[0]))

    @precondition(_has_main_instances)
    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Move an existing instance of the main process along its table, so runs get deep."""
        process = self.PROCESSES_UNDER_TEST[0]
        existing = list(self.registry.instances(process))
        picked = existing[data.draw(st.integers(0, len(existing) - 1), label="instance")]
        self._step(data, process, picked, forward=data.draw(st.booleans(), label="forward"))

    def _step(self, data: st.DataObject, process: str, picked: Instance | None, forward: bool = False) -> None:
        table = PROCESSES[process]
        allowed = table.allowed_events(NONE if picked is None else picked.state)
        ahead = [c for c in self.HAPPY_PATH if c.TYPE in allowed] if forward else []
        types = tuple(sorted((c for c in table.events if c.TYPE in allowed), key=lambda c: c.TYPE))
        cls = ahead[0] if ahead else data.draw(_sampled(types or self.EVENT_TYPES), label="event type")
        if picked is None:
            subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
            self.submit(self.draw_event(data, cls, subject, self.today))
        else:
            self.submit(self.draw_event(data, cls, picked.subject, self.today, picked.data.get("cycle")))

    @rule(data=st.data(), size=st.integers(2, 4))
    def batch(self, data: st.DataObject, size: int) -> None:
        """A batch is atomic: it applies entirely or not at all."""
        events = []
        for _ in range(size):
            cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
            subject = data.draw(_sampled(self.natural_subjects(cls)), label="subject")
            events.append(self.draw_event(data, cls, subject, self.today))
        self.submit_batch(events)

    def _has_history(self) -> bool:
        return any(d > self.START for d in self.last_seen.values())

    @precondition(_has_history)
    @rule(data=st.data())
    def backdated_event(self, data: st.DataObject) -> None:
        """An event dated before its subject's last event is refused (by the registry's clock, which
        moves with the inputs, or by the subject's own history)."""
        subject = data.draw(_sampled(tuple(sorted(s for s, d in self.last_seen.items() if d > self.START))))
        last = self.last_seen[subject]
        when = last - data.draw(st.integers(1, (last - self.START).days), label="days back") * _DAYS
        cls = data.draw(_sampled(self.EVENT_TYPES), label="event type")
        event = self.draw_event(data, cls, subject, when)
        before = MachineState.of(self.registry)
        try:
            self.registry.submit(event)
        except IllegalTransition as exc:
            # The registry's clock (at least the subject's last event) refuses it first.
            assert exc.process in ("clock", "history"), exc
            clock = self.registry.clock or last
            assert clock.isoformat() in exc.reason or last.isoformat() in exc.reason, exc
        else:
            raise AssertionError(f"backdated {event!r} was accepted after {last}")
        assert MachineState.of(self.registry) == before

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def events_never_after_today(self) -> None:
        """The simulated clock only moves forward and nothing is dated in its future."""
        history = self.registry.history
        assert all(e.effective <= self.today for e in history[self._dated :])
        self._dated = len(history)

    @invariant()
    def state_is_replay_of_history(self) -> None:
        """The incrementally kept state equals a replay of the history, both unchecked
        (``snapshot``) and checked again event by event (``Registry.from_history``)."""
        reg = self.registry
        n = len(reg)
        if n == self._checked_len:
            return  # nothing was accepted since the last check, and refusals change nothing
        moved = {e.subject for e in reg.history[max(self._checked_len, 0) :]}
        self._checked_len = n
        snap = reg.snapshot()
        rebuilt = Registry.from_history(reg.history_document(), **self.registry_config())
        assert rebuilt.snapshot() == snap
        assert rebuilt.history == reg.history
        for process in PROCESSES:
            live = list(reg.instances(process))
            assert live == list(snap.instances(process)), f"{process}: live state differs from its replay"
            assert live == list(rebuilt.instances(process)), f"{process}: differs after from_history"
        assert reg.subjects() == snap.subjects() == rebuilt.subjects()
        for subject in reg.subjects():
            now = reg.state_of(subject)
            assert rebuilt.state_of(subject) == now == snap.state_of(subject), subject
            assert reg.state_of(subject, as_of=self.today) == now, f"{subject}: as_of today differs from now"
            if subject in moved:  # and on the day of its last event (only moved subjects can differ)
                last = max(e.effective for e in reg.history if e.subject == subject)  # derived ones too
                assert reg.state_of(subject, as_of=last) == now, subject
            assert reg.kind_of(subject) is rebuilt.kind_of(subject)

    def registry_config(self) -> dict[str, Any]:
        """Keyword arguments for rebuilding an equivalent registry; match ``make_registry``."""
        return {}

    @invariant()
    def board_limits(self) -> None:
        """At most 4 seats per pillar and 12 in all, hence at most 4 directors in office per pillar."""
        seats = list(self.registry.instances("board-seat"))
        assert len(seats) <= BOARD_SEATS
        per_pillar = Counter(s.data["pillar"] for s in seats)
        assert all(n <= SEATS_PER_PILLAR for n in per_pillar.values()), per_pillar
        in_office = Counter(s.data["pillar"] for s in seats if s.state == "in_office")
        assert all(n <= SEATS_PER_PILLAR for n in in_office.values()), in_office

    @invariant()
    def certified_member_holds_certification(self) -> None:
        """A company reported as certified member, or suspended from being one, holds an ICoCA
        certification (possibly suspended with its external certificate)."""
        for inst in self.registry.instances("company-status"):
            if inst.state == "certified_member" or (inst.state == "suspended" and inst.previous == "certified_member"):
                cert = self.registry.instance("certification", inst.subject)
                assert cert is not None and cert.state in ("icoca_certified", "suspended"), (inst, cert)

    @invariant()
    def icoca_certified_only_by_grant(self) -> None:
        """ICoCA certification comes only from ICoCA's grant: the latest ICoCA decision or lapse
        about a certified company is a grant (renewing the external certificate is not one)."""
        decisive = (IcocaCertificationGranted, IcocaApplicationRefused, CertificationExpired, CertificationWithdrawn)
        for inst in self.registry.instances("certification"):
            if inst.state != "icoca_certified":
                continue
            scope = inst.key.rpartition("#")[2]
            last = next(
                (
                    e
                    for e in reversed(self.registry.history)
                    if e.subject == inst.subject
                    and isinstance(e, decisive)
                    and getattr(e, "scope", None) in (None, scope)
                ),
                None,
            )
            assert isinstance(last, IcocaCertificationGranted), (inst, last)

    def teardown(self) -> None:
        """The history survives JSON in full (run once per example: it is the slowest check)."""
        document = self.registry.history_document()
        again = loads(dumps(document, audience=Audience.FULL), History)
        assert again == document
        assert Registry.from_history(again, **self.registry_config()).snapshot() == self.registry.snapshot()
