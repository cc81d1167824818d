"""Procurement eligibility: is a company in good standing, by which policy, and why.

Policies are data (requirements, each citing its source); decisions list every requirement's
outcome — passed, failed or unknown — with a reason, the facts used and the citation.
"""

from icoc.eligibility._check import Decision, Outcome, Result, check, check_all
from icoc.eligibility._files import load_policy, policy_from_data, policy_to_data
from icoc.eligibility._policy import CHECKS, Policy, Requirement
from icoc.eligibility.builtin import BUILTIN_POLICIES, accept_affiliates

__all__ = [
    "BUILTIN_POLICIES",
    "CHECKS",
    "Decision",
    "Outcome",
    "Policy",
    "Requirement",
    "Result",
    "accept_affiliates",
    "check",
    "check_all",
    "load_policy",
    "policy_from_data",
    "policy_to_data",
]
