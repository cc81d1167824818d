"""The transition-table type: a process's states, the events that move it, and guards.

Tables are data. They are checked when defined (unknown states, unreachable states and dead ends
fail loudly), they can be listed, and they render as Mermaid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

import attrs

from icoc.model.citation import Citation
from icoc.model.events import Event, payload_level
from icoc.model.sensitivity import Sensitivity, payload_values, withheld

__all__ = [
    "NONE",
    "PREVIOUS",
    "Guard",
    "GuardContext",
    "Instance",
    "SubjectKind",
    "TableError",
    "Transition",
    "TransitionTable",
]

NONE = "none"
"""The pseudo-state of an instance that does not exist yet."""
PREVIOUS = "<previous>"
"""A target meaning: back to the state held before the current one (reinstatement)."""


class SubjectKind(StrEnum):
    """What an event's subject is; a process applies to some kinds only."""

    COMPANY = "company"
    CSO = "cso"
    GOVERNMENT = "government"
    OBSERVER = "observer"
    CASE = "case"
    COMPLAINT = "complaint"
    SEAT = "seat"


def _citation(value: Citation | str | None) -> Citation | None:
    """A citation, or its old short form ``"document, article"`` (``""`` or None: none)."""
    return Citation.of(value) if value else None


class TableError(ValueError):
    """A transition table that is malformed (raised when the table is defined)."""


@attrs.frozen(kw_only=True)
class Instance:
    """One process instance's state: where it is, since when, where it was, and the facts its
    events recorded (payload values such as a deadline or a pillar)."""

    process: str
    key: str
    subject: str
    state: str
    since: date
    previous: str | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict, repr=lambda data: _data_repr(data), metadata=payload_values())
    """Read-only by convention; each transition builds a new mapping. Its ``repr()`` shows a
    value recorded from a field above public (a reason, a statement) as ``[redacted: LEVEL]``
    (:func:`icoc.model.events.payload_level`); exports redact it for their audience."""


def _data_repr(data: Mapping[str, Any]) -> str:
    shown = {
        key: value if (level := payload_level(key)) is Sensitivity.PUBLIC else withheld(level)
        for key, value in data.items()
    }
    return repr(shown)


class GuardContext(Protocol):
    """What a guard may read: the registry's current state (never the wall clock)."""

    def instance(self, process: str, key: str) -> Instance | None: ...

    def instances(self, process: str, subject: str | None = None) -> Iterable[Instance]:
        """Instances of a process, all of them or only those of one subject."""
        ...

    def kind_of(self, subject: str) -> SubjectKind | None: ...

    def setting(self, name: str) -> Any: ...


GuardFn = Callable[[GuardContext, Event, Instance | None], str | None]


@attrs.frozen
class Guard:
    """A named predicate: returns ``None`` to allow, or the reason it refuses."""

    name: str
    check: GuardFn = attrs.field(eq=False, repr=False)
    description: str = ""

    def __call__(self, ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
        return self.check(ctx, event, current)


def guard(description: str) -> Callable[[GuardFn], Guard]:
    """Decorator: ``@guard("latest self-assessment satisfactory")`` over a guard function."""

    def wrap(fn: GuardFn) -> Guard:
        return Guard(fn.__name__.lstrip("_"), fn, description)

    return wrap


@attrs.frozen(kw_only=True)
class Transition:
    """``source --event--> target`` when every guard allows. ``when`` selects among transitions
    sharing a source and event by the event's payload (it is not a refusal reason)."""

    source: str
    event: type[Event]
    target: str
    guards: tuple[Guard, ...] = ()
    when: Callable[[Event], bool] | None = attrs.field(default=None, eq=False)
    applies: Callable[[GuardContext, Event, Instance | None], bool] | None = attrs.field(default=None, eq=False)
    """Whether the transition applies in the registry's present state (not a refusal reason: when it
    does not, an event the table ``follows`` leaves the instance where it is). A certified member
    stays certified when one of its certifications lapses while another is in force."""
    label: str | None = None
    """Shown in diagrams when ``when`` distinguishes this transition."""
    citation: Citation | None = attrs.field(default=None, converter=_citation)
    """Where the move comes from, when more precise than the table's citation (a short form
    ``"document, article"`` is read as one)."""


@attrs.frozen(kw_only=True)
class TransitionTable:
    """A process: its states, its transitions and the subject kinds it applies to.

    ``follows`` lists events the process reacts to when it has a transition for them, without
    refusing them otherwise (certification events move a company's status when they can).
    """

    process: str
    title: str
    subjects: frozenset[SubjectKind]
    states: tuple[str, ...]
    final: frozenset[str]
    transitions: tuple[Transition, ...]
    follows: frozenset[type[Event]] = frozenset()
    citation: Citation | None = attrs.field(default=None, converter=_citation)
    """Where the process comes from (a short form ``"document, article"`` is read as one)."""
    descriptions: Mapping[str, str] = attrs.field(factory=dict)
    keys: Callable[[GuardContext, Event, TransitionTable], tuple[str, ...]] | None = attrs.field(default=None, eq=False)
    """The keys of the instances an event moves in this process, read from the event and the
    registry's state; ``None``: the event's own :attr:`Event.key`. A process with one instance per
    certificate, or per scope of certification, keys its events so."""
    _index: dict[tuple[str, type[Event]], tuple[Transition, ...]] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise TableError(f"process {self.process!r}: " + "; ".join(problems))
        index: dict[tuple[str, type[Event]], list[Transition]] = {}
        for t in self.transitions:
            index.setdefault((t.source, t.event), []).append(t)
        self._index.update({k: tuple(v) for k, v in index.items()})

    def _problems(self) -> Iterator[str]:
        known = {NONE, *self.states}
        if NONE in self.states:
            yield f"{NONE!r} is the implicit initial pseudo-state, do not list it"
        for t in self.transitions:
            if t.source not in known:
                yield f"transition {t.source}->{t.target} on {t.event.TYPE}: unknown source state {t.source!r}"
            if t.target != PREVIOUS and t.target not in self.states:
                yield f"transition {t.source}->{t.target} on {t.event.TYPE}: unknown target state {t.target!r}"
        for s in self.final:
            if s not in self.states:
                yield f"unknown final state {s!r}"
        reachable = {NONE}
        frontier = [NONE]
        sources_into: dict[str, set[str]] = {}
        while frontier:
            s = frontier.pop()
            for t in self.transitions:
                if t.source != s:
                    continue
                targets = self._previous_targets(s) if t.target == PREVIOUS else {t.target}
                for target in targets:
                    sources_into.setdefault(target, set()).add(s)
                    if target not in reachable:
                        reachable.add(target)
                        frontier.append(target)
        for s in self.states:
            if s not in reachable:
                yield f"state {s!r} is unreachable from {NONE!r}"
            outgoing = [t for t in self.transitions if t.source == s]
            if s not in self.final and not outgoing:
                yield f"state {s!r} is a dead end (no way out and not final)"
        seen: dict[tuple[str, type[Event]], int] = {}
        for t in self.transitions:
            k = (t.source, t.event)
            seen[k] = seen.get(k, 0) + 1
            if seen[k] > 1 and t.when is None:
                yield f"{t.source} on {t.event.TYPE}: several transitions need `when` to tell them apart"

    def _previous_targets(self, state: str) -> set[str]:
        """States from which ``state`` can be entered: where a PREVIOUS target may lead."""
        return {t.source for t in self.transitions if t.target == state and t.source not in (NONE, state)}

    def keys_of(self, ctx: GuardContext, event: Event) -> tuple[str, ...]:
        """The keys of the instances ``event`` moves in this process (none: it moves none here)."""
        return (event.key,) if self.keys is None else self.keys(ctx, event, self)

    @property
    def events(self) -> frozenset[type[Event]]:
        return frozenset(t.event for t in self.transitions)

    def candidates(
        self, state: str, event: Event, ctx: GuardContext | None = None, current: Instance | None = None
    ) -> tuple[Transition, ...]:
        """Transitions from ``state`` for this event's type whose ``when`` matches its payload and,
        given the registry's state ``ctx``, that apply in it."""
        ts = self._index.get((state, type(event)), ())
        return tuple(
            t
            for t in ts
            if (t.when is None or t.when(event))
            and (t.applies is None or ctx is None or t.applies(ctx, event, current))
        )

    def allowed_events(self, state: str) -> tuple[str, ...]:
        return tuple(sorted({t.event.TYPE for t in self.transitions if t.source == state}))

    def mermaid(self) -> str:
        """A Mermaid ``stateDiagram-v2`` generated from the table (never drawn by hand)."""
        lines = ["stateDiagram-v2"]
        lines.append(f"    %% {self.process}: {self.title}")
        for s in self.states:
            desc = self.descriptions.get(s)
            if desc:
                lines.append(f"    {s} : {s} — {desc}")
        edges: list[tuple[str, str, str]] = []
        for t in self.transitions:
            label = t.event.TYPE + (f" [{t.label}]" if t.label else "")
            if t.guards:
                label += " (" + ", ".join(g.name for g in t.guards) + ")"
            src = "[*]" if t.source == NONE else t.source
            targets = sorted(self._previous_targets(t.source)) if t.target == PREVIOUS else [t.target]
            for target in targets:
                edges.append((src, target, label + (" [back]" if t.target == PREVIOUS else "")))
        for src, target, label in edges:
            lines.append(f"    {src} --> {target} : {label}")
        for s in sorted(self.final):
            lines.append(f"    {s} --> [*]")
        return "\n".join(lines) + "\n"
