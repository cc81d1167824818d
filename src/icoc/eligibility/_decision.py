"""What a decision is made of: each requirement's outcome, the verdict, and the scheduled changes
inside a contract period. Plain values: nothing here reads a registry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.events import Fact

__all__ = ["Consequence", "Decision", "Outcome", "Result", "Verdict", "verdict_of"]


class Result(StrEnum):
    """The outcome of one check: passed, failed, or unknown (the record needed to decide is missing)."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def mark(self) -> str:
        return {"passed": "✓", "failed": "✗", "unknown": "?"}[self.value]


class Verdict(StrEnum):
    """A decision in one word: ``eligible`` (every requirement passed), ``not_eligible`` (one
    failed) or ``undetermined`` (none failed, but some are unknown: only missing information
    stands in the way, and the decision lists it)."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"

    @property
    def label(self) -> str:
        """How tables and text show it: ``eligible``, ``NOT ELIGIBLE``, ``UNDETERMINED``."""
        return {"eligible": "eligible", "not_eligible": "NOT ELIGIBLE", "undetermined": "UNDETERMINED"}[self.value]


@attrs.frozen(kw_only=True)
class Outcome:
    """One requirement's result, the reason in plain words, the facts used and the source.

    ``citation`` is the requirement's citation as text (``str()`` of its
    :class:`~icoc.model.Citation`). ``missing`` (unknown outcomes only) names the information
    that would settle it: a record ("self-assessment record for cycle 2025") or a cell
    (``bidders.xlsx:row 7:joined``).
    """

    requirement: str
    title: str
    result: Result
    reason: str
    citation: str
    facts: tuple[Fact, ...] = ()
    missing: tuple[str, ...] = ()


_PASSED, _FAILED, _UNKNOWN, _ELIGIBLE = Result.PASSED, Result.FAILED, Result.UNKNOWN, Verdict.ELIGIBLE


def verdict_of(outcomes: Iterable[Outcome]) -> Verdict:
    """``not_eligible`` if any outcome failed, else ``undetermined`` if any is unknown, else ``eligible``."""
    unknown = False
    for o in outcomes:
        result = o.result
        if result is _FAILED:
            return Verdict.NOT_ELIGIBLE
        if result is _UNKNOWN:
            unknown = True
    return Verdict.UNDETERMINED if unknown else _ELIGIBLE


@attrs.frozen(kw_only=True)
class Consequence:
    """A change scheduled inside a contract period that changes a decision's verdict: from
    ``on``, by ``rule`` (a rule id, or ``self_assessment.due`` for a cycle falling due), the
    company's verdict becomes ``verdict``; ``what`` says what happens in plain words."""

    on: date
    rule: str
    what: str
    verdict: Verdict

    def text(self) -> str:
        return f"{self.what} ({self.rule}): {self.verdict.label} from {self.on.isoformat()}"


_LAST: tuple[tuple[Outcome, ...], Verdict] = ((), _ELIGIBLE)
"""The outcomes :meth:`Decision.of` last decided, with their verdict: the validator of the decision
it builds reads the verdict here instead of computing it again. The tuple is held, so its identity
names it (outcomes are immutable); another thread replacing it only makes a validator compute."""


def _default_verdict(instance: Decision) -> Verdict:
    return verdict_of(instance.outcomes)


def _verdict(instance: Decision, attribute: attrs.Attribute[Any], value: Any) -> None:
    """``eligible`` and ``verdict`` follow from the outcomes (one pass over them)."""
    outcomes, last = instance.outcomes, _LAST
    expected = last[1] if last[0] is outcomes else verdict_of(outcomes)
    if instance.eligible != (expected is _ELIGIBLE):
        raise InvalidInput(Problem("Decision.eligible", "eligible is exactly 'every requirement passed'"))
    if value is not expected:
        raise InvalidInput(Problem("Decision.verdict", "the verdict follows from the outcomes"))


@attrs.frozen
class Decision:
    """Whether a member is eligible under a policy on a date, and why, requirement by requirement.

    ``eligible`` is the conjunction of the outcomes: an ``unknown`` is never a pass. ``verdict``
    tells a failure from missing information (``undetermined``: nothing failed, something is
    unknown; :attr:`settle` lists what would decide it). ``consequences`` (with ``until``) are the
    scheduled changes inside a contract period that change the verdict, in date order.
    The fields up to ``verdict`` may be given by position, in this order. Raises
    :class:`~icoc.errors.InvalidInput` when ``eligible`` or ``verdict`` contradicts the outcomes.
    """

    member: str
    policy: str
    as_of: date
    outcomes: tuple[Outcome, ...]
    eligible: bool
    verdict: Verdict = attrs.field(default=attrs.Factory(_default_verdict, takes_self=True), validator=_verdict)
    consequences: tuple[Consequence, ...] = attrs.field(default=(), kw_only=True)
    until: date | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def of(cls, member: str, policy: str, as_of: date, outcomes: tuple[Outcome, ...]) -> Decision:
        """The decision the outcomes make: ``eligible`` and ``verdict`` follow from them.

        The fast way to build one (a registry-wide check builds one per company): the verdict is
        computed once, in one pass over the outcomes, and the decision is built by the
        attrs-generated ``__init__``; its validator finds that verdict by the identity of the
        outcomes tuple instead of computing it again. Nothing is set behind attrs' back."""
        global _LAST
        verdict = verdict_of(outcomes)
        _LAST = (outcomes, verdict)
        return cls(member, policy, as_of, outcomes, verdict is _ELIGIBLE, verdict)  # by position: the fastest call

    @property
    def settle(self) -> tuple[str, ...]:
        """The information that would settle an undetermined decision (empty otherwise): what
        each unknown requirement is missing, once each, in requirement order."""
        if self.verdict is not Verdict.UNDETERMINED:
            return ()
        out: dict[str, None] = {}
        for o in self.outcomes:
            if o.result is Result.UNKNOWN:
                for m in o.missing or (f"{o.title}: {o.reason}",):
                    out[m] = None
        return tuple(out)

    def summary(self) -> str:
        """One line: the verdict on the date, then each consequence inside the contract period
        ("eligible on 2026-03-01; certification deadline 2026-12-31 falls inside the contract
        period ...")."""
        head = f"{self.verdict.label} on {self.as_of.isoformat()}"
        parts = [head]
        for c in self.consequences:
            parts.append(f"{c.what} falls inside the contract period ({c.rule}): {c.verdict.label} from {c.on}")
        if self.until is not None and not self.consequences:
            parts.append(f"no scheduled change to the verdict until {self.until.isoformat()}")
        return "; ".join(parts)

    def text(self) -> str:
        lines = [f"{self.member}  {self.verdict.label.upper()}  (policy {self.policy}, as of {self.as_of.isoformat()})"]
        width = max((len(o.title) for o in self.outcomes), default=0)
        for o in self.outcomes:
            lines.append(f"  {o.result.mark} {o.title:<{width}}  {o.reason}   [{o.citation}]")
        for m in self.settle:
            lines.append(f"  to settle: {m}")
        if self.until is not None:
            lines.append(f"  contract period to {self.until.isoformat()}:")
            for c in self.consequences:
                lines.append(f"    {c.on.isoformat()}  {c.what} ({c.rule}): becomes {c.verdict.label}")
            if not self.consequences:
                lines.append("    no scheduled change to the verdict")
        return "\n".join(lines)

    def with_consequences(self, consequences: Iterable[Consequence], until: date) -> Decision:
        """A copy carrying the consequences found inside the contract period ending ``until``."""
        return attrs.evolve(self, consequences=tuple(consequences), until=until)
