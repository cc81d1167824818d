"""The actors of a run, one module per process as in :mod:`icoc.workflows`, and the explicit
registry of what each does: :data:`STEPS` maps the kind of an agenda entry to the function that
takes that step, :data:`REACTIONS` an event type the rules emit to the actor that answers it.

Each step is ``step(run, *args)``: it reads the registry's state through the
:class:`~icoc.simulation._agenda.Run`, submits only events its workflow accepts, draws from
``run.rng`` and schedules what follows with ``run.later``/``run.push``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from icoc.model.events import Event
from icoc.simulation._actors import (
    board,
    certification,
    complaints,
    compliance,
    incidents,
    membership,
    records,
    self_assessment,
)

__all__ = ["REACTIONS", "STEPS"]


def _merged(*parts: Mapping[str, Callable[..., None]]) -> dict[str, Callable[..., None]]:
    out: dict[str, Callable[..., None]] = {}
    for part in parts:
        twice = set(out) & set(part)
        if twice:  # a kind is one actor's step
            raise TypeError(f"agenda steps named twice: {', '.join(sorted(twice))}")
        out.update(part)
    return out


STEPS: Mapping[str, Callable[..., None]] = _merged(
    membership.STEPS,
    board.STEPS,
    certification.STEPS,
    self_assessment.STEPS,
    incidents.STEPS,
    compliance.STEPS,
    complaints.STEPS,
    records.STEPS,
)
"""Every step an agenda entry can name, by its kind."""

REACTIONS: Mapping[type[Event], Callable[..., None]] = {**board.REACTIONS, **certification.REACTIONS}
"""What actors do when the rules emit an event of these types (``reaction(run, event)``)."""
