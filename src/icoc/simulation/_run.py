"""One run: a discrete-event simulation that drives a real :class:`~icoc.registry.Registry`.

Before any simulated actor acts on a date, the registry is advanced to that date, so the rule
set fires its deadlines first (missed self-assessments, certification deadlines,
corrective-action deadlines, unremedied suspensions) and the actors react to the events the rules
emit. Actors (:mod:`icoc.simulation._actors`) only submit events their workflow accepts in the
current state: an ``IllegalTransition`` in a run is a bug and propagates. Every draw comes from
one ``random.Random(seed)``; nothing reads the wall clock.
"""

from __future__ import annotations

import heapq

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.events import Event
from icoc.simulation._actors import REACTIONS, STEPS
from icoc.simulation._agenda import Run
from icoc.simulation._population import populate
from icoc.simulation._results import SimulationResult
from icoc.simulation._scenario import Scenario

__all__ = ["run"]


def _react(r: Run, event: Event) -> None:
    reaction = REACTIONS.get(type(event))
    if reaction is not None:
        reaction(r, event)


def _simulate(r: Run) -> SimulationResult:
    try:
        populate(r)
        reg = r.reg
        while True:
            due = reg.next_due()
            step = r.heap[0][0] if r.heap else None
            if due is not None and due <= r.end and (step is None or due <= step):
                r.now = max(r.now, due)
                for event in reg.advance_to(due):
                    _react(r, event)
                continue
            if step is None:
                break
            when, _, _, kind, args = heapq.heappop(r.heap)
            r.now = when
            STEPS[kind](r, *args)
        r.now = r.end
        for event in reg.advance_to(r.end):
            _react(r, event)
        final = {s: reg.state_of(s) for s in reg.subjects()}
        return SimulationResult(
            initial=r.initial,
            scenario=r.s,
            seed=r.seed,
            backend=r.backend,
            history=reg.history,
            companies=tuple(c.info for c in r.companies.values()),
            states=tuple(r.states),
            final=final,
        )
    finally:
        r.reg.close()


def run(scenario: Scenario | None = None, seed: int = 0, *, backend: str | None = None) -> SimulationResult:
    """Simulate ``scenario`` (the default one when omitted) with ``seed`` on the real registry and
    rule set. The result is a pure function of ``(scenario, seed)``; ``backend`` overrides the
    scenario's rules backend (``"native"`` or ``"durable"``), which must not change it.

    Raises :class:`~icoc.errors.InvalidInput` for a seed that is not an integer."""
    scenario = scenario if scenario is not None else Scenario()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput(Problem("seed", f"expected an integer seed, got {seed!r}"))
    chosen = backend if backend is not None else scenario.backend
    if chosen != scenario.backend:
        scenario = attrs.evolve(scenario, backend=chosen)
    return _simulate(Run(scenario, seed, scenario.backend))
