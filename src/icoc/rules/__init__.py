"""Rules say what *must* happen and when. A rule never changes state: on its due date, if its
condition holds, it emits an event that the workflows apply, citing itself and the facts and
parameter values it used.

The native backend (plain Python) is the default and the oracle; the durable-rules backend
compiles the safe subset of the same rules.
"""

import importlib
from typing import TYPE_CHECKING, Any

from icoc.rules import tags
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Custom, Exists, F, In, Not, Or
from icoc.rules._due import After, DayAfter, Due, EndOfCalendarYear, FactDate, Latest, Param, ParamDate
from icoc.rules._engine import NO_JOURNAL, Backend, Journal, NativeBackend, Obligation, ObligationStatus, RulesEngine
from icoc.rules._facts import facts_for
from icoc.rules._params import DEFAULT_PARAMETERS, Duration, Mark, Parameter, ParameterSet
from icoc.rules._rule import Citation, Emit, Period, Rule, RuleSet
from icoc.rules._validate import check_rules, validate_rules
from icoc.rules.default import DEFAULT_RULES

if TYPE_CHECKING:
    from icoc.rules._durable import DurableBackend
    from icoc.rules._files import load_rules, rule_to_data, rules_from_data

_FILES = frozenset({"load_rules", "rule_to_data", "rules_from_data"})


def __getattr__(name: str) -> Any:
    """Rule-set files are read by the one converter of :mod:`icoc.io`, built on first use: importing
    this package does not load cattrs."""
    if name in _FILES:
        return getattr(importlib.import_module("icoc.rules._files"), name)
    if name == "DurableBackend":  # durable-rules loads its C extension only when asked for
        return importlib.import_module("icoc.rules._durable").DurableBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_PARAMETERS",
    "DEFAULT_RULES",
    "NO_JOURNAL",
    "DurableBackend",
    "Journal",
    "TRUE",
    "After",
    "And",
    "Backend",
    "Citation",
    "Cmp",
    "Condition",
    "Custom",
    "DayAfter",
    "Due",
    "Duration",
    "Emit",
    "EndOfCalendarYear",
    "Exists",
    "F",
    "FactDate",
    "In",
    "Latest",
    "Mark",
    "NativeBackend",
    "Not",
    "Obligation",
    "ObligationStatus",
    "Or",
    "Param",
    "ParamDate",
    "Parameter",
    "ParameterSet",
    "Period",
    "Rule",
    "RuleSet",
    "RulesEngine",
    "check_rules",
    "facts_for",
    "load_rules",
    "rule_to_data",
    "rules_from_data",
    "tags",
    "validate_rules",
]
