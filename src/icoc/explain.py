"""Why a subject is in its state: the events that brought it there, rule by rule.

Every step names its cause — the actor, or the rule with its citation and the facts and
parameter values it used — so a decision can be read by a person and archived as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Protocol

import attrs

from icoc.model.events import Event, Fact, Ground
from icoc.model.sensitivity import Audience
from icoc.workflows import Change

__all__ = ["Explainable", "Explanation", "Step", "explain"]


@attrs.frozen(kw_only=True)
class Step:
    """One event in a subject's history and the state it left the subject in."""

    effective: date
    event: str
    process_states: tuple[Fact, ...]
    """Each process's state after the event, as ``Fact(process, state)``."""
    actor: str | None = None
    rule: str | None = None
    citation: str | None = None
    facts: tuple[Fact, ...] = ()
    """The facts and parameter values the rule used."""
    base: str | None = None
    """The base rule ``rule`` is an exception of (``None``: the base rule itself fired)."""
    due: date | None = None
    """The day the rule's obligation fell due (its clock: ``opened``; ``extended_from``: the due
    date a Board decision moved); see :class:`~icoc.model.events.Cause`."""
    opened: date | None = None
    extended_from: date | None = None
    process: str | None = None
    instance: str | None = None
    ground: str | None = None
    """The public ground of a suspension, termination proposal, termination or withdrawal
    (:class:`~icoc.model.events.Ground` value); never the event's confidential ``reason``."""


@attrs.frozen(kw_only=True)
class Explanation:
    """Why a subject is in its state as of a date (``None``: now): one step per event with its
    date, cause (an actor, or a rule with its citation, facts and parameter values) and each
    process's state after it. ``text()`` renders it."""

    subject: str
    as_of: date | None
    state: str | None
    steps: tuple[Step, ...]

    def text(self, audience: Audience = Audience.PUBLIC) -> str:
        """A plain-text account, one line per event, rule facts indented beneath; a fact read from
        a field ``audience`` may not see (public by default) shows ``[redacted: LEVEL]``."""
        when = self.as_of.isoformat() if self.as_of else "now"
        lines = [f"{self.subject}  {self.state or '(not on record)'}  (as of {when})"]
        for s in self.steps:
            by = f"rule {s.rule}" if s.rule else f"by {s.actor}"
            after = ", ".join(f"{f.name}={f.value}" for f in s.process_states)
            lines.append(f"  {s.effective.isoformat()}  {s.event:<32} {by}  -> {after}")
            if s.ground is not None:
                lines.append(f"      ground: {s.ground}")
            if s.citation:
                lines.append(f"      cites: {s.citation}")
            if s.due is not None:
                due = f"      due {s.due.isoformat()}"
                if s.opened is not None:
                    due += f" (clock started {s.opened.isoformat()})"
                if s.extended_from is not None:
                    due += f"; extended by a Board decision from {s.extended_from.isoformat()}"
                lines.append(due)
            for f in s.facts:
                lines.append(f"      {f.name} = {f.shown(audience, self.subject)}")
        return "\n".join(lines)


class _Subjects(Protocol):
    def state_of(self, subject: str) -> str | None: ...


class Explainable(Protocol):
    """What an explanation reads: a subject's events, the fold of events into state and the
    subject's state. :class:`icoc.registry.Registry` is one (``Registry.explain`` calls
    :func:`explain` with itself)."""

    def state_of(self, subject: str, as_of: date | None = None) -> str | None:
        """The subject's main state now or on ``as_of``; UnknownMember for an unknown id."""
        ...

    def events_of(self, subject: str, as_of: date | None = None) -> Sequence[Event]:
        """The subject's events up to ``as_of``, in history order."""
        ...

    def replay(
        self,
        events: Iterable[Event],
        as_of: date | None = None,
        *,
        on_step: Callable[[Event, Sequence[Change]], None] | None = None,
    ) -> _Subjects:
        """The state ``events`` lead to, calling ``on_step`` with each event and what it moved."""
        ...


def explain(registry: Explainable, subject: str, as_of: date | None = None) -> Explanation:
    """The explanation of ``subject``'s state on ``as_of`` (now when omitted) in ``registry``
    (a :class:`~icoc.registry.Registry`). Raises UnknownMember for an id not on record."""
    registry.state_of(subject)  # UnknownMember for an unknown id
    moved: list[tuple[Event, Sequence[Change]]] = []
    replayed = registry.replay(registry.events_of(subject, as_of), as_of, on_step=lambda e, c: moved.append((e, c)))
    steps = []
    for event, changes in moved:
        states = tuple(Fact(name=f"{p}[{k}]" if k != subject else p, value=i.state) for p, k, i in changes)
        steps.append(
            Step(
                effective=event.effective,
                event=event.TYPE,
                process_states=states,
                actor=event.cause.actor,
                rule=event.cause.rule,
                citation=event.cause.citation,
                facts=event.cause.facts,
                base=event.cause.base,
                due=event.cause.due,
                opened=event.cause.opened,
                extended_from=event.cause.extended_from,
                process=event.cause.process,
                instance=event.cause.instance,
                ground=_ground(event),
            )
        )
    # On a date, the state is the replay's (what state_of(subject, as_of) replays); now, the live one.
    state = replayed.state_of(subject) if as_of is not None else registry.state_of(subject)
    return Explanation(subject=subject, as_of=as_of, state=state, steps=tuple(steps))


def _ground(event: Event) -> str | None:
    ground = getattr(event, "ground", None)
    return ground.value if isinstance(ground, Ground) else None
