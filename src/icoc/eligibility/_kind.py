"""What a check is: what it asks, its arguments, the inputs it reads and how it decides.

A check (:class:`Kind`) declares what it asks, its arguments, and how it decides, in two parts:
its **key** (``key(context, args)(company, status)``: the inputs it reads for one company, as a
hashable value; the context and the arguments are given once per run, the company and its
status instance once per company) and its **outcome** (``outcome(run, args, key)``: a pure function of the key,
the requirement's arguments and the values the whole run shares). Decisions at registry scale
repeat themselves — the same requirement reaches the same result on the same inputs for
thousands of companies — so each distinct outcome is built once per run and shared (by the one
memo, ``_memo.py``): the key is the memo's key by construction, and an outcome cannot read what
its key leaves out. Whether the company is a member on the date (not admitted, or left) is
decided once, by the memo, for every check that asks it (:class:`Membership`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date
from enum import Enum
from typing import Any, Generic, TypeVar

import attrs

from icoc.eligibility._context import Context, Run
from icoc.eligibility._decision import Outcome, Result
from icoc.model.events import Ground
from icoc.model.listed import ListedFact
from icoc.workflows import Instance

__all__ = [
    "LEFT",
    "NOT_ADMITTED",
    "Args",
    "Found",
    "Kind",
    "Membership",
    "Names",
    "ground_note",
    "left",
    "status_ground",
    "where",
]

Names = tuple[str, ...]
"""An argument holding a list of names (statuses, standards, categories)."""
Args = Mapping[str, Any]
"""A requirement's arguments, by name (``{"statuses": ("member",)}``)."""

K = TypeVar("K", bound=Hashable)


@attrs.frozen
class Found:
    """What a check found for one key: the result, the reason in plain words, the facts it used
    (by name; dates written ISO) and, for an unknown result, the information that would settle it."""

    result: Result
    reason: str
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()


class Membership(Enum):
    """What a check asks of the company's membership before its own question.

    ``ANY``: nothing (an applicant is decided too). ``ADMITTED``: a company not admitted on the
    date fails; the check reads the status itself. ``CURRENT``: a company not admitted, or no
    longer a member (terminated or withdrawn), fails.
    """

    ANY = "any"
    ADMITTED = "admitted"
    CURRENT = "current"


KeyOf = Callable[[str, Instance | None], K]
"""A check's key for one company: from its id and its status instance (``None``: not admitted)."""

Stated = Callable[[Outcome, Args, ListedFact], Outcome]
"""How a bidder list's statement (its first field read, given) changes an outcome."""
ListedStatus = Callable[[Args, str], tuple[Result, str]]
"""A result and reason from a listed status alone (a company the register cannot hold)."""


@attrs.frozen(kw_only=True)
class Kind(Generic[K]):
    """A check a requirement can name: ``description`` (what it asks, for people), ``args`` (its
    arguments with their types; one typed ``T | None`` may be left out), ``membership``, its
    ``key`` and ``outcome`` (see the module).

    For bidder lists: ``reads`` names the listed fields it depends on (an unknown one makes the
    outcome unknown, unless ``pass_stands`` and it passed: the pass holds whatever the value);
    ``stated`` applies a statement of the first of them; ``listed_status`` decides from a listed
    status alone.
    """

    description: str
    args: Mapping[str, Any] = attrs.field(factory=dict)
    membership: Membership = Membership.ANY
    key: Callable[[Context, Args], KeyOf[K]]
    outcome: Callable[[Run, Args, K], Found]
    reads: tuple[str, ...] = ()
    pass_stands: bool = False
    stated: Stated | None = None
    listed_status: ListedStatus | None = None


def where(fact: ListedFact) -> str:
    """Where a listed fact comes from (a cell), or its subject and field."""
    return fact.where or f"{fact.subject}: {fact.field.replace('_', ' ')}"


LEFT = frozenset({"terminated", "withdrawn"})
"""The states of a company that has left the Association."""
NOT_ADMITTED = "not a member on this date (applied, not admitted)"


def status_ground(inst: Instance) -> str | None:
    """The public ground of the suspension, termination or withdrawal that put ``inst`` in its
    state (never the reason, which is company-level). ``None`` when the instance holds none, or
    when a later termination proposal recorded its own ground over the suspension's."""
    ground = inst.data.get("ground")
    if not isinstance(ground, Ground):
        return None
    proposed = inst.data.get("termination_proposed_on")
    if inst.state == "suspended" and isinstance(proposed, date) and proposed >= inst.since:
        return None
    return ground.value


def ground_note(ground: str | None) -> str:
    return "" if ground is None else f", ground {ground}"


def left(key: tuple[str, date, str | None]) -> Found:
    """A membership requirement for a company that has left the Association."""
    state, since, ground = key
    facts: dict[str, Any] = {"status": state, "since": since}
    if ground is not None:
        facts["ground"] = ground
    return Found(Result.FAILED, f"no longer a member: {state} on {since.isoformat()}{ground_note(ground)}", facts)
