"""The interpreter: how one event moves the instances of the processes it concerns.

The tables say what *can* happen; the interpreter reads a state (a :class:`StateView`), finds
the subject's kind, the tables the event applies to and the instances it moves, checks guards, and
returns the instances after the event without changing anything. The registry commits them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Protocol

import attrs

from icoc.errors import IllegalTransition, InvalidInput, Problem, UnknownMember
from icoc.model.events import (
    EVENTS_BY_TYPE,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    ComplaintReceived,
    Event,
    SeatCreated,
)
from icoc.workflows._table import NONE, PREVIOUS, GuardContext, Instance, SubjectKind, TransitionTable

__all__ = ["Change", "Interpreter", "StateView", "subject_kind_of_application"]

Change = tuple[str, str, Instance]
"""One instance an event moves: ``(process, key, the instance after the event)``."""

_STARTERS: dict[type[Event], SubjectKind] = {
    CaseOpened: SubjectKind.CASE,
    ComplaintReceived: SubjectKind.COMPLAINT,
    SeatCreated: SubjectKind.SEAT,
}


class StateView(GuardContext, Protocol):
    """What the interpreter reads: what guards read (:class:`GuardContext`, with the changes
    planned so far), the date being planned (parameters are read on it) and each subject's last
    event date. The registry's view of its state is one."""

    on: date | None
    """The date of the event being planned; the interpreter sets it."""

    def last_date(self, subject: str) -> date | None:
        """The date of ``subject``'s latest event, or None when it has none."""
        ...


def subject_kind_of_application(event: ApplicationSubmitted) -> SubjectKind:
    """What an applicant becomes: a company only if it provides security services."""
    if event.applicant is ApplicantKind.COMPANY:
        return SubjectKind.COMPANY if event.provides_security_services else SubjectKind.OBSERVER
    if event.applicant is ApplicantKind.CSO:
        return SubjectKind.CSO
    if event.applicant is ApplicantKind.GOVERNMENT:
        return SubjectKind.GOVERNMENT
    return SubjectKind.OBSERVER


class Interpreter:
    """Moves process instances by transition tables.

    ``Interpreter(tables, events)``: ``tables`` the processes (``PROCESSES.values()`` for ICoCA's;
    :data:`~icoc.workflows.INTERPRETER` is that one), ``events`` the event types it knows (every
    type in :data:`~icoc.model.events.EVENTS_BY_TYPE` by default, and those the tables move). An
    event of a type it does not know is refused with InvalidInput; one of a known type that no
    table of its subject's kind moves, with IllegalTransition."""

    def __init__(
        self, tables: Iterable[TransitionTable], events: Iterable[type[Event]] = EVENTS_BY_TYPE.values()
    ) -> None:
        tables_for: dict[type[Event], list[TransitionTable]] = {e: [] for e in events}
        for table in tables:
            for ev in table.events:
                tables_for.setdefault(ev, []).append(table)
        self._tables_for: Mapping[type[Event], tuple[TransitionTable, ...]] = {
            k: tuple(v) for k, v in tables_for.items()
        }

    def plan(self, view: StateView, event: Event, *, check: bool) -> tuple[SubjectKind | None, list[Change]]:
        """What ``event`` does in the state ``view`` shows: ``(kind, changes)``, ``kind`` the
        subject's kind when the event makes it known (an application, an opened case, a received
        complaint, a created seat; else None) and ``changes`` every instance it moves. Sets
        ``view.on`` to the event's date; changes nothing else.

        ``check``: refuse an event dated before its subject's last one and check guards (an event
        already accepted, replayed, is not checked again). Raises IllegalTransition (no
        transition, a guard refuses, the subject's kind does not take the event, no earlier state
        to return to, nothing moves), UnknownMember (an event about a subject not on record that
        does not make it known) or InvalidInput (an event type this interpreter does not know)."""
        name = event.TYPE or type(event).__name__
        view.on = event.effective
        if type(event) not in self._tables_for:
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
        tables = [t for t in self._tables_for[type(event)] if kind in t.subjects]
        if not tables:
            raise IllegalTransition(
                "registry",
                event.subject,
                None,
                name,
                f"{event.subject!r} is a {kind.value}; {name} does not apply to it",
            )
        changes: list[Change] = []
        moved = 0
        for table, key in [(t, k) for t in tables for k in t.keys_of(view, event)]:
            current = view.instance(table.process, key)
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
                    table.process,
                    event.subject,
                    state,
                    name,
                    f"no transition from {state} on {name} (allowed: {allowed})",
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


def _follow_while_held(
    table: TransitionTable, view: StateView, event: Event, current: Instance | None, check: bool
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
