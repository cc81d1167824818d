"""Incidents at a member company: one Poisson process over every monitoring source and complaint
kind (its rate the company's size exposure times its region's multipliers), each incident either
a concern that opens an Art. 12 case or an Art. 13 complaint."""

from __future__ import annotations

import random
from collections.abc import Callable

from icoc.model.complaints import ComplaintKind
from icoc.model.monitoring import FindingSource
from icoc.simulation._actors.complaints import receive_complaint
from icoc.simulation._actors.compliance import open_case
from icoc.simulation._agenda import Run

__all__ = ["STEPS"]


def _pick_pair(rng: random.Random, weights: dict[tuple[str, str], float], total: float) -> tuple[str, str]:
    x = rng.random() * total
    last = next(iter(weights))
    for key, w in weights.items():
        last = key
        x -= w
        if x < 0:
            return key
    return last


def incident(run: Run, cid: str, epoch: int) -> None:
    """The company's next concern or complaint (one Poisson process over every source and kind)."""
    c = run.companies[cid]
    if c.epoch != epoch or not run.active(cid):
        return
    weights, total = run.incidents(c, run.sy)
    if total > 0:
        what, which = _pick_pair(run.rng, weights, total)
        if what == "finding":
            open_case(run, cid, FindingSource(which))
        else:
            receive_complaint(run, cid, ComplaintKind(which))
    wait = run.waiting(lambda sc: run.incidents(c, sc)[1])
    if wait is not None:
        run.later(wait, "incident", cid, epoch)


STEPS: dict[str, Callable[..., None]] = {"incident": incident}
"""The steps this module's actors take, by the kind the agenda names them with."""
