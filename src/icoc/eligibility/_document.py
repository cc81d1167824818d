"""Decisions straight from a registry document, a bidder list read by :func:`icoc.bidders.read_bidders` included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from icoc.eligibility._contract import Forward
from icoc.eligibility._decide import Batches, policy_named
from icoc.eligibility._decision import Decision
from icoc.eligibility._listed import by_subject, unregistered
from icoc.eligibility._policy import Policy
from icoc.errors import InvalidInput, Problem, UnknownMember
from icoc.model.dates import checked_date
from icoc.model.document import RegistryDocument
from icoc.model.listed import UnregisteredCompany
from icoc.registry import Registry

__all__ = ["check_document"]


def check_document(
    doc: RegistryDocument,
    policy: Policy | str = "icoca-good-standing",
    *,
    as_of: date | None = None,
    until: date | None = None,
    members: Iterable[str] | None = None,
    **config: Any,
) -> list[Decision]:
    """A decision for every company the document names (``members``: only these), in document
    order: the registered companies, then the unregistered ones a bidder list names.

    The document is imported into a registry (``config``: rules, parameters, as for
    :meth:`icoc.Registry.from_document`) whose rules are run up to ``as_of`` (default: the
    document's date); ``doc.listed`` makes what the list leaves unknown ``unknown``. A company
    the register cannot hold is decided on its listed status alone, everything else unknown.
    ``until``: see :func:`check_all`. Raises :class:`~icoc.errors.InvalidInput` for a document the
    workflows refuse, :class:`~icoc.errors.UnknownMember` for an id in ``members`` it does not name.
    """
    pol = policy_named(policy)
    when = checked_date(as_of, "as_of") if as_of is not None else doc.as_of
    if until is not None:
        until = checked_date(until, "until")
    reg = Registry.from_document(doc, **config)
    if reg.rules is not None and (reg.clock is None or reg.clock < when):
        reg.advance_to(when)
    outside: dict[str, UnregisteredCompany] = {u.id: u for u in doc.unregistered}
    registered: list[str] = [c.id for c in doc.companies]
    if members is not None:
        wanted = list(members)
        for m in wanted:
            if m not in outside and m not in registered:
                raise UnknownMember(m, "registry document")
        registered = [m for m in wanted if m not in outside]
        chosen_outside = [outside[m] for m in wanted if m in outside]
    else:
        chosen_outside = list(outside.values())
    facts = by_subject(doc.listed)
    decisions = list(Batches(reg, pol, when, registered, facts))
    if until is not None:
        if until <= when:
            raise InvalidInput(Problem("until", f"{until.isoformat()} is not after the decision date {when}"))
        # The registry is this call's own: the rules run forward on it, no copy needed.
        found = Forward(reg, when, until, in_place=True).consequences(pol, decisions, facts)
        decisions = [d.with_consequences(found.get(d.member, ()), until) for d in decisions]
    for u in chosen_outside:
        d = unregistered(u, facts.get(u.id, {}), pol, when)
        decisions.append(d.with_consequences((), until) if until is not None else d)
    return decisions
