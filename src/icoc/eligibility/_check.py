"""Decisions: every requirement of a policy checked against a registry on a date, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.eligibility._policy import Policy, Requirement
from icoc.errors import InvalidInput, Problem, UnknownMember
from icoc.model.events import Fact
from icoc.model.monitoring import Severity
from icoc.rules._facts import facts_for
from icoc.workflows._table import Instance, SubjectKind

__all__ = ["Decision", "Outcome", "Result", "check", "check_all"]


class Result(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def mark(self) -> str:
        return {"passed": "✓", "failed": "✗", "unknown": "?"}[self.value]


@attrs.frozen(kw_only=True)
class Outcome:
    """One requirement's result, the reason in plain words, the facts used and the source."""

    requirement: str
    title: str
    result: Result
    reason: str
    citation: str
    facts: tuple[Fact, ...] = ()


def _eligible(instance: Decision, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value != all(o.result is Result.PASSED for o in instance.outcomes):
        raise InvalidInput(Problem("Decision.eligible", "eligible is exactly 'every requirement passed'"))


@attrs.frozen(kw_only=True)
class Decision:
    """Whether a member is eligible under a policy on a date, and why, requirement by requirement.

    ``eligible`` is the conjunction of the outcomes: an ``unknown`` is never a pass.
    """

    member: str
    policy: str
    as_of: date
    outcomes: tuple[Outcome, ...]
    eligible: bool = attrs.field(validator=_eligible)

    def text(self) -> str:
        verdict = "ELIGIBLE" if self.eligible else "NOT ELIGIBLE"
        lines = [f"{self.member}  {verdict}  (policy {self.policy}, as of {self.as_of.isoformat()})"]
        width = max((len(o.title) for o in self.outcomes), default=0)
        for o in self.outcomes:
            lines.append(f"  {o.result.mark} {o.title:<{width}}  {o.reason}   [{o.citation}]")
        return "\n".join(lines)


_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_DISCIPLINARY = ("referred_to_board", "corrective_action", "suspension_proceedings")
_CASE_OPEN = ("concern", "dialogue", *_DISCIPLINARY)
_DEADLINE_RULES = ("ART11.CERT_DEADLINE_2016", "ART3.TRANSITIONAL_DEADLINE", "ART3.CERT_DEADLINE")


class _Context:
    """One snapshot and its indexes, shared by every decision of a batch."""

    def __init__(self, registry: Any, as_of: date) -> None:
        from icoc.registry import Registry, _View

        assert isinstance(registry, Registry)
        self.registry = registry
        self.as_of = as_of
        # Decisions are made within this call: when nothing is dated after as_of, the live state
        # is the state on as_of and needs no replay.
        self.snapshot = registry._current_as_of(as_of) or registry.snapshot(as_of)
        self.view = _View(self.snapshot._core, registry.settings, registry.parameters)
        self.params = registry.parameters
        self.rules = registry.rules
        self.cases: dict[str, list[Instance]] = {}
        self.complaints: dict[str, list[Instance]] = {}
        for inst in self.snapshot.instances("compliance-case"):
            self.cases.setdefault(inst.data["company"], []).append(inst)
        for inst in self.snapshot.instances("complaint"):
            self.complaints.setdefault(inst.data["company"], []).append(inst)
        # Rules due on or before as_of that the registry has not fired yet make its state stale.
        self.pending: dict[str, tuple[date, str]] = {}
        for rule_id, subject, due in registry.pending_rules(until=as_of):
            if subject not in self.pending or (due, rule_id) < self.pending[subject]:
                self.pending[subject] = (due, rule_id)


_Check = Callable[[_Context, str, Requirement], tuple[Result, str, dict[str, Any]]]


def _status(ctx: _Context, cid: str) -> Instance | None:
    return ctx.snapshot.instance("company-status", cid)


def _status_in(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    inst = _status(ctx, cid)
    allowed = req.args["statuses"]
    if inst is None:
        return Result.FAILED, "not admitted on this date", {"status": None}
    facts = {"status": inst.state, "since": inst.since}
    if inst.state in allowed:
        return Result.PASSED, f"{inst.state} since {inst.since.isoformat()}", facts
    return Result.FAILED, f"{inst.state} since {inst.since.isoformat()} (accepted: {', '.join(allowed)})", facts


def _not_suspended(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    inst = _status(ctx, cid)
    if inst is None:
        return Result.FAILED, "not admitted on this date", {}
    if inst.state == "suspended":
        by = inst.data.get("reason")
        return (
            Result.FAILED,
            f"suspended on {inst.since.isoformat()}" + (f" ({by})" if by else ""),
            {"status": inst.state, "suspended_on": inst.since},
        )
    return Result.PASSED, "not suspended", {"status": inst.state}


def _certified(ctx: _Context, cid: str) -> Instance | None:
    cert = ctx.snapshot.instance("certification", cid)
    return cert if cert is not None and cert.state == "icoca_certified" else None


def _certification_deadline(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    inst = _status(ctx, cid)
    if inst is None:
        return Result.FAILED, "not admitted on this date", {}
    if _certified(ctx, cid) is not None:
        return Result.PASSED, "ICoCA certified", {"certification.state": "icoca_certified"}
    # A suspended company keeps the deadline of the status it was suspended from.
    status = inst.previous if inst.state == "suspended" and inst.previous else inst.state
    if status == "affiliate":
        return Result.PASSED, "affiliates have no certification deadline", {"status": inst.state}
    if ctx.rules is None:
        return Result.UNKNOWN, "the registry has no rules to compute the deadline", {}
    facts = {**facts_for(ctx.view, inst), "state": status}
    deadlines = []
    for rid in _DEADLINE_RULES:
        if rid not in ctx.rules.ids:
            continue
        rule = ctx.rules[rid]
        assert rule.due is not None
        due = rule.due.on(facts, ctx.params, ctx.as_of)
        if due is not None and rule.effective.contains(due, ctx.params) and rule.when.holds(facts):
            deadlines.append((due, rid))
    if not deadlines:
        joined = facts.get("company.joined")
        return Result.UNKNOWN, f"no certification deadline applies (joined {joined})", {"company.joined": joined}
    due, rid = min(deadlines)
    last_day = date.fromordinal(due.toordinal() - 1)  # rules fall due the day after the deadline
    used = {"company.joined": facts.get("company.joined"), "deadline": last_day, "rule": rid}
    if due <= ctx.as_of:
        return Result.FAILED, f"not certified by its deadline {last_day.isoformat()} ({rid})", used
    return Result.PASSED, f"to certify by {last_day.isoformat()} ({rid})", used


def _self_assessment(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    inst = _status(ctx, cid)
    if inst is None:
        return Result.FAILED, "not admitted on this date", {}
    records = {i.data["cycle"]: i for i in ctx.view.instances("self-assessment", cid)}
    due_md = ctx.params.value("self_assessment.due", ctx.as_of)
    assert isinstance(due_md, str)
    month, day = (int(x) for x in due_md.split("-"))
    joined = inst.data.get("admitted_on") or inst.since
    overdue = [i for i in records.values() if i.state == "missed" or (i.state == "sent" and i.data["due"] < ctx.as_of)]
    if overdue:
        worst = max(overdue, key=lambda i: i.data["cycle"])
        return (
            Result.FAILED,
            f"cycle {worst.data['cycle']} not submitted (due {worst.data['due'].isoformat()})",
            {"cycle": worst.data["cycle"], "state": worst.state},
        )
    year = ctx.as_of.year if date(ctx.as_of.year, month, day) < ctx.as_of else ctx.as_of.year - 1
    if date(year, month, day) <= joined:
        return Result.PASSED, "no self-assessment due yet since joining", {"company.joined": joined}
    latest = records.get(year)
    if latest is None:
        return Result.UNKNOWN, f"no record for cycle {year}", {"cycle": year, "param self_assessment.due": due_md}
    return Result.PASSED, f"cycle {year} {latest.state}", {"cycle": year, "state": latest.state}


def _no_disciplinary(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    open_cases = [c for c in ctx.cases.get(cid, []) if c.state in _DISCIPLINARY]
    if open_cases:
        c = open_cases[0]
        return (
            Result.FAILED,
            f"case {c.key} {c.state.replace('_', ' ')} since {c.since.isoformat()}",
            {"case": c.key, "stage": c.state},
        )
    return Result.PASSED, "no proceedings open", {"open_disciplinary_cases": 0}


def _icoca_certified(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    cert = ctx.snapshot.instance("certification", cid)
    if cert is None:
        return Result.FAILED, "no certification on record", {}
    if cert.state != "icoca_certified":
        return (
            Result.FAILED,
            f"certification {cert.state.replace('_', ' ')} since {cert.since.isoformat()}",
            {"certification.state": cert.state},
        )
    return (
        Result.PASSED,
        f"certified since {cert.data.get('icoca_certification_granted_on', cert.since)}",
        {"certification.state": cert.state},
    )


def _certified_to_standard(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    wanted = req.args["standards"]
    cert = _certified(ctx, cid)
    if cert is None:
        return Result.FAILED, f"no ICoCA certification in force (needs {', '.join(wanted)})", {}
    external = cert.data.get("certificate")
    if external is None:
        return Result.UNKNOWN, "the certificate behind the certification is not on record", {}
    facts = {"certificate": external.id, "standard": external.standard}
    if external.standard in wanted:
        return Result.PASSED, f"certified to {external.standard} ({external.id})", facts
    return Result.FAILED, f"certified to {external.standard}, not {' or '.join(wanted)}", facts


def _no_open_complaints(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    cats = req.args.get("categories")
    found = [
        c for c in ctx.complaints.get(cid, []) if c.state != "closed" and (not cats or c.data.get("category") in cats)
    ]
    if found:
        return (
            Result.FAILED,
            f"{len(found)} open complaint(s), e.g. {found[0].key} ({found[0].state})",
            {"open_complaints": len(found)},
        )
    what = f" of {', '.join(cats)}" if cats else ""
    return Result.PASSED, f"no open complaints{what}", {"open_complaints": 0}


def _no_open_cases(ctx: _Context, cid: str, req: Requirement) -> tuple[Result, str, dict[str, Any]]:
    threshold = Severity(req.args["min_severity"])
    found = [
        c
        for c in ctx.cases.get(cid, [])
        if c.state in _CASE_OPEN
        and _SEVERITY_ORDER[c.data.get("severity", Severity.MEDIUM)] >= _SEVERITY_ORDER[threshold]
    ]
    if found:
        return (
            Result.FAILED,
            f"open case {found[0].key} of severity {found[0].data.get('severity')}",
            {"case": found[0].key},
        )
    return Result.PASSED, f"no open case of severity {threshold.value} or worse", {"min_severity": threshold.value}


_CHECKS: Mapping[str, _Check] = {
    "status_in": _status_in,
    "not_suspended": _not_suspended,
    "certification_deadline": _certification_deadline,
    "self_assessment_submitted": _self_assessment,
    "no_disciplinary_proceedings": _no_disciplinary,
    "icoca_certified": _icoca_certified,
    "certified_to_standard": _certified_to_standard,
    "no_open_complaints": _no_open_complaints,
    "no_open_cases": _no_open_cases,
}


def _show(x: Any) -> str:
    return x.isoformat() if isinstance(x, date) else str(x)


def _decide(ctx: _Context, member: str, policy: Policy) -> Decision:
    kind = ctx.snapshot.kind_of(member) or ctx.registry.kind_of(member)
    if kind is None:
        raise UnknownMember(member)
    outcomes: list[Outcome] = []
    stale = ctx.pending.get(member)
    if stale is not None:
        due, rule_id = stale
        outcomes.append(
            Outcome(
                requirement="registry-current",
                title="registry advanced to the decision date",
                result=Result.UNKNOWN,
                reason=f"rule {rule_id} fell due on {due.isoformat()} and has not been applied; "
                f"advance the registry to {ctx.as_of.isoformat()} first",
                citation="icoc: a decision reads the registry after every rule due by its date has fired",
                facts=(Fact(name="rule", value=rule_id), Fact(name="due", value=due.isoformat())),
            )
        )
    for req in policy.requirements:
        facts: dict[str, Any]
        if kind is not SubjectKind.COMPANY:
            result, reason, facts = Result.FAILED, f"{member!r} is a {kind.value}, not a private security company", {}
        else:
            result, reason, facts = _CHECKS[req.check](ctx, member, req)
        outcomes.append(
            Outcome(
                requirement=req.id,
                title=req.title,
                result=result,
                reason=reason,
                citation=req.citation,
                facts=tuple(Fact(name=k, value=_show(x)) for k, x in facts.items()),
            )
        )
    return Decision(
        member=member,
        policy=policy.id,
        as_of=ctx.as_of,
        outcomes=tuple(outcomes),
        eligible=all(o.result is Result.PASSED for o in outcomes),
    )


def _policy(policy: Policy | str) -> Policy:
    if isinstance(policy, Policy):
        return policy
    from icoc.eligibility.builtin import BUILTIN_POLICIES

    try:
        return BUILTIN_POLICIES[policy]
    except KeyError:
        raise InvalidInput(
            Problem("policy", f"unknown policy {policy!r} (built in: {', '.join(BUILTIN_POLICIES)})")
        ) from None


def check(registry: Any, member: str, policy: Policy | str = "icoca-good-standing", *, as_of: date) -> Decision:
    """Is ``member`` eligible under ``policy`` on ``as_of``? Every requirement, with reasons."""
    return _decide(_Context(registry, as_of), member, _policy(policy))


def check_all(
    registry: Any, policy: Policy | str = "icoca-good-standing", *, as_of: date, members: Iterable[str] | None = None
) -> Iterator[Decision]:
    """Decisions for every company (or ``members``), streamed; one snapshot serves them all."""
    ctx = _Context(registry, as_of)
    pol = _policy(policy)
    chosen = members if members is not None else ctx.snapshot.subjects(SubjectKind.COMPANY)
    for member in chosen:
        yield _decide(ctx, member, pol)
