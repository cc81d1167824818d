"""Procurement eligibility: is a company in good standing, by which policy, and why.

Policies are data (requirements, each citing its source); decisions list every requirement's
outcome — passed, failed or unknown — with a reason, the facts used and the citation, and a
verdict: eligible, not eligible, or undetermined (only unknowns stand in the way).
"""

import importlib
from typing import TYPE_CHECKING, Any

from icoc.eligibility._check import check, check_all
from icoc.eligibility._decision import Consequence, Decision, Outcome, Result, Verdict, verdict_of
from icoc.eligibility._document import check_document
from icoc.eligibility._policy import CHECKS, Policy, Requirement
from icoc.eligibility.builtin import BUILTIN_POLICIES, accept_affiliates

if TYPE_CHECKING:
    from icoc.eligibility._files import load_policy, policy_from_data, policy_to_data

_FILES = frozenset({"load_policy", "policy_from_data", "policy_to_data"})


def __getattr__(name: str) -> Any:
    """Policy files are read by the one converter of :mod:`icoc.io`, built on first use: importing
    this package does not load cattrs."""
    if name in _FILES:
        return getattr(importlib.import_module("icoc.eligibility._files"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BUILTIN_POLICIES",
    "CHECKS",
    "Consequence",
    "Decision",
    "Outcome",
    "Policy",
    "Requirement",
    "Result",
    "Verdict",
    "accept_affiliates",
    "check",
    "check_all",
    "check_document",
    "load_policy",
    "policy_from_data",
    "policy_to_data",
    "verdict_of",
]
