"""Judging one obligation on its due date: which backend says the rule's condition holds, which of
its exceptions applies, and the derived event with its cause (the rule, its citation, the facts and
parameter values used)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from icoc.errors import IcocError, RuleConflict, RuleError
from icoc.model.events import Cause, Event, Fact
from icoc.rules._facts import fact_level
from icoc.rules._obligations import Obligation
from icoc.rules._params import ParameterSet
from icoc.rules._rule import Rule, RuleSet
from icoc.workflows import Instance

__all__ = ["Backend", "NativeBackend", "decide"]


class Backend(Protocol):
    """Decides which of some candidate rules' conditions hold on a set of facts."""

    name: str

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        """Ids of the rules in ``rules`` whose condition holds, in the given order."""
        ...

    def close(self) -> None: ...


class NativeBackend:
    """Plain Python evaluation of the condition trees: the default and the oracle."""

    name = "native"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        return [r.id for r in rules if r.when.holds(facts)]

    def close(self) -> None:
        pass


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def decide(
    rule: Rule,
    exceptions: Sequence[Rule],
    ob: Obligation,
    facts: Mapping[str, Any],
    inst: Instance,
    params: ParameterSet,
    backend: Backend,
) -> Event | None:
    """The event ``ob`` (an obligation of ``rule``, due today) emits on ``facts``, or None when its
    condition does not hold. The exceptions of ``rule`` in force when the obligation opened are
    asked with it; more than one applying raises :class:`~icoc.errors.RuleConflict`, a failing
    backend or event a :class:`~icoc.errors.RuleError` naming the rule."""
    opened = ob.opened
    exceptions = [e for e in exceptions if e.effective.contains(opened, params)]
    try:
        matched = set(backend.matching([rule, *exceptions], facts))
    except RuleError:
        raise
    except Exception as exc:  # a backend failure must name the rule, never vanish
        raise RuleError(rule.id, f"the {backend.name} backend failed: {exc}", str(rule.citation)) from exc
    if rule.id not in matched:
        return None
    applying = [e for e in exceptions if e.id in matched]
    if len(applying) > 1:
        raise RuleConflict(rule.id, [e.id for e in applying], inst.key)
    chosen = applying[0] if applying else rule
    used = dict.fromkeys([*rule.fact_names(), *chosen.fact_names()])
    explanation = [Fact(name=n, value=_show(facts.get(n)), level=fact_level(n)) for n in used]
    explanation += [
        Fact(name=f"param {p}", value=_show(params.value(p, opened)))
        for p in dict.fromkeys([*rule.param_names(), *chosen.param_names()])
    ]
    cause = Cause(
        rule=chosen.id,
        citation=str(chosen.citation),
        facts=tuple(explanation),
        base=rule.id if chosen is not rule else None,
        due=ob.due,
        opened=opened,
        extended_from=ob.extended_from,
        process=inst.process,
        instance=inst.key,
    )
    try:
        return chosen.then.build(inst.subject, ob.due, cause, facts)
    except IcocError as exc:
        raise RuleError(
            chosen.id, f"cannot build its {chosen.then.event.TYPE} event: {exc}", str(chosen.citation)
        ) from exc
