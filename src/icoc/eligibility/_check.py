"""``check`` and ``check_all``: decisions on a date, and over a contract period."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from icoc.eligibility._contract import Forward
from icoc.eligibility._decide import Batches
from icoc.eligibility._decision import Decision
from icoc.eligibility._listed import by_subject
from icoc.eligibility._policy import Policy
from icoc.errors import InvalidInput, Problem
from icoc.model.dates import checked_date
from icoc.model.listed import ListedFact
from icoc.registry import Registry

__all__ = ["check", "check_all"]


def check(
    registry: Registry,
    member: str,
    policy: Policy | str = "icoca-good-standing",
    *,
    as_of: date,
    until: date | None = None,
    listed: Iterable[ListedFact] = (),
) -> Decision:
    """Is ``member`` eligible under ``policy`` on ``as_of``? Every requirement, with reasons.

    ``until`` (a contract period's last day) adds the consequences scheduled up to it that change
    the verdict (see :func:`check_all`); ``listed`` the facts a bidder list leaves unknown.
    Raises :class:`~icoc.errors.UnknownMember` for an id the registry has never seen.
    """
    return next(iter(check_all(registry, policy, as_of=as_of, members=[member], until=until, listed=listed)))


def check_all(
    registry: Registry,
    policy: Policy | str = "icoca-good-standing",
    *,
    as_of: date,
    members: Iterable[str] | None = None,
    until: date | None = None,
    listed: Iterable[ListedFact] = (),
) -> Iterator[Decision]:
    """Decisions for every company (or ``members``), streamed; one snapshot serves them all.

    Every one of ``members`` is looked up, and the snapshot taken, when ``check_all`` is called:
    an unknown id raises :class:`~icoc.errors.UnknownMember` before anything is yielded, and a
    registry that changes (a submitted event, an advance) while the stream is being consumed
    raises :class:`~icoc.errors.RegistryChanged` at the next batch instead of mixing two states.

    ``listed`` (a bidder list's :class:`~icoc.model.ListedFact` entries, ``RegistryDocument.listed``)
    makes every outcome that reads an unknown cell ``unknown``, naming the cell, and applies the
    list's statements (open proceedings, open complaints, the worst open case).

    ``until`` (a date after ``as_of``: the end of a contract period) runs the rules forward on a
    copy of the registry and gives each decision the scheduled changes up to ``until``
    (inclusive) that change its verdict — a certification deadline, a self-assessment falling
    due, a certification lapsing — with their dates and rules (:attr:`Decision.consequences`).
    The registry itself is not advanced.
    """
    as_of = checked_date(as_of, "as_of")
    if until is not None:
        until = checked_date(until, "until")
    run = Batches(registry, policy, as_of, members, by_subject(listed))
    if until is None:
        return iter(run)
    if until <= as_of:
        raise InvalidInput(Problem("until", f"{until.isoformat()} is not after the decision date {as_of.isoformat()}"))
    return _over_period(run, until)


def _over_period(run: Batches, until: date) -> Iterator[Decision]:
    # The contract period needs every decision on as_of before the rules run forward (on a copy).
    decisions = run.all()
    found = Forward(run.context.registry, run.context.as_of, until).consequences(run.policy, decisions, run.listed)
    for d in decisions:
        yield d.with_consequences(found.get(d.member, ()), until)
