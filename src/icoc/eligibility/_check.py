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
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Exists, In, Not, Or
from icoc.rules._facts import LazyFacts, fact_reader
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

    @classmethod
    def _trusted(cls, member: str, policy: str, as_of: date, outcomes: tuple[Outcome, ...], eligible: bool) -> Decision:
        """A decision this module computed: ``eligible`` is the conjunction by construction, so
        the validator is skipped (it is a measurable share of a registry-wide check)."""
        self = object.__new__(cls)
        put = object.__setattr__
        put(self, "member", member)
        put(self, "policy", policy)
        put(self, "as_of", as_of)
        put(self, "outcomes", outcomes)
        put(self, "eligible", eligible)
        return self


_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_DISCIPLINARY = ("referred_to_board", "corrective_action", "suspension_proceedings")
_CASE_OPEN = ("concern", "dialogue", *_DISCIPLINARY)
_DEADLINE_RULES = ("ART11.CERT_DEADLINE_2016", "ART3.TRANSITIONAL_DEADLINE", "ART3.CERT_DEADLINE")
_PURE = (Cmp, In, Exists, type(TRUE))


def _pure(cond: Condition) -> bool:
    """Whether a condition reads nothing but the facts it names (no Python predicate)."""
    if isinstance(cond, _PURE):
        return True
    if isinstance(cond, And | Or):
        return all(_pure(p) for p in cond.parts)
    if isinstance(cond, Not):
        return _pure(cond.part)
    return False


class _Context:
    """One snapshot, its indexes and what every decision of a batch shares.

    Decisions at registry scale repeat themselves: the same requirement reaches the same result
    on the same inputs for thousands of members. Outcomes are immutable, so each check keys its
    outcome on the inputs it reads and builds it (reason, facts) only the first time; the
    certification deadline is computed once per distinct value of the facts its rules read.
    """

    def __init__(self, registry: Any, as_of: date) -> None:
        from icoc.registry import Registry, _View

        assert isinstance(registry, Registry)
        self.registry = registry
        self.as_of = as_of
        # Decisions are made within this call: when nothing is dated after as_of, the live state
        # is the state on as_of and needs no replay.
        self.snapshot = registry._current_as_of(as_of) or registry.snapshot(as_of)
        core = self.snapshot._core
        self.view = _View(core, registry.settings, registry.parameters)
        self.params = registry.parameters
        self.rules = registry.rules
        self.kinds = core.kinds
        self.statuses: Mapping[str, Instance] = core.instances.get("company-status", {})
        self.certifications: Mapping[str, Instance] = core.instances.get("certification", {})
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
        self.memo: dict[tuple[Any, ...], Outcome] = {}
        self.company_facts: dict[str, dict[str, Any]] = {}
        self.deadline_rules = [
            (rid, self.rules[rid]) for rid in _DEADLINE_RULES if self.rules is not None and rid in self.rules.ids
        ]
        names: set[str] = set()
        for _, rule in self.deadline_rules:
            assert rule.due is not None
            names.update(rule.due.fact_names())
            names.update(rule.when.fact_names())
        names.discard("state")  # the status the deadline runs from: part of every key
        # Deadlines are memoized on the facts their rules read, unless a rule runs Python.
        self.deadline_reads = (
            tuple(fact_reader(n) for n in sorted(names))
            if all(_pure(rule.when) for _, rule in self.deadline_rules)
            else None
        )
        due_md = self.params.value("self_assessment.due", as_of)
        assert isinstance(due_md, str)
        month, day = (int(x) for x in due_md.split("-"))
        self.csa_due = due_md
        # The latest cycle whose due date has passed by as_of.
        self.csa_cycle = as_of.year if date(as_of.year, month, day) < as_of else as_of.year - 1
        self.csa_cycle_due = date(self.csa_cycle, month, day)
        # Per company: its latest overdue cycle (sent and past due, or missed) and its record for
        # the latest cycle due, found in one pass over every self-assessment.
        self.self_assessments: dict[str, tuple[Instance | None, Instance | None]] = {}
        for inst in core.instances.get("self-assessment", {}).values():
            data, state = inst.data, inst.state
            worst, latest = self.self_assessments.get(inst.subject, (None, None))
            if data["cycle"] == self.csa_cycle:
                latest = inst
            if (state == "missed" or (state == "sent" and data["due"] < as_of)) and (
                worst is None or data["cycle"] > worst.data["cycle"]
            ):
                worst = inst
            self.self_assessments[inst.subject] = (worst, latest)

    def build(
        self, key: tuple[Any, ...], req: Requirement, result: Result, reason: str, facts: dict[str, Any]
    ) -> Outcome:
        """Build the outcome for ``key`` and keep it for the rest of the batch."""
        out = self.memo[key] = Outcome(
            requirement=req.id,
            title=req.title,
            result=result,
            reason=reason,
            citation=req.citation,
            facts=tuple(Fact(name=k, value=_show(x)) for k, x in facts.items()),
        )
        return out

    def deadline(self, inst: Instance, status: str) -> tuple[date, str] | None:
        """The earliest certification deadline rule for a company in ``status``: (the day the rule
        falls due, rule id), or None when none applies."""
        facts = LazyFacts(self.view, inst, self.company_facts, state=status)
        deadlines = []
        for rid, rule in self.deadline_rules:
            assert rule.due is not None
            due = rule.due.on(facts, self.params, self.as_of)
            if due is not None and rule.effective.contains(due, self.params) and rule.when.holds(facts):
                deadlines.append((due, rid))
        return min(deadlines) if deadlines else None


# A check returns its requirement's outcome for one company (None: not admitted on the date).
_Check = Callable[[_Context, int, Requirement, str, Instance | None], Outcome]
_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN
_NOT_ADMITTED = "not admitted on this date"


def _status_in(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    if inst is None:
        return ctx.memo.get((i,)) or ctx.build((i,), req, _FAILED, _NOT_ADMITTED, {"status": None})
    key = (i, inst.state, inst.since)
    hit = ctx.memo.get(key)
    if hit is None:
        allowed = req.args["statuses"]
        facts = {"status": inst.state, "since": inst.since}
        if inst.state in allowed:
            return ctx.build(key, req, _PASSED, f"{inst.state} since {inst.since.isoformat()}", facts)
        reason = f"{inst.state} since {inst.since.isoformat()} (accepted: {', '.join(allowed)})"
        return ctx.build(key, req, _FAILED, reason, facts)
    return hit


def _not_suspended(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    if inst is None:
        return ctx.memo.get((i,)) or ctx.build((i,), req, _FAILED, _NOT_ADMITTED, {})
    if inst.state == "suspended":
        by = inst.data.get("reason")
        key: tuple[Any, ...] = (i, inst.state, inst.since, by)
        return ctx.memo.get(key) or ctx.build(
            key,
            req,
            _FAILED,
            f"suspended on {inst.since.isoformat()}" + (f" ({by})" if by else ""),
            {"status": inst.state, "suspended_on": inst.since},
        )
    key = (i, inst.state)
    return ctx.memo.get(key) or ctx.build(key, req, _PASSED, "not suspended", {"status": inst.state})


def _certified(ctx: _Context, cid: str) -> Instance | None:
    cert = ctx.certifications.get(cid)
    return cert if cert is not None and cert.state == "icoca_certified" else None


def _certification_deadline(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    if inst is None:
        return ctx.memo.get((i,)) or ctx.build((i,), req, _FAILED, _NOT_ADMITTED, {})
    cert = ctx.certifications.get(cid)
    if cert is not None and cert.state == "icoca_certified":
        key: tuple[Any, ...] = (i, "certified")
        return ctx.memo.get(key) or ctx.build(
            key, req, _PASSED, "ICoCA certified", {"certification.state": "icoca_certified"}
        )
    # A suspended company keeps the deadline of the status it was suspended from.
    status = inst.previous if inst.state == "suspended" and inst.previous else inst.state
    if status == "affiliate":
        key = (i, "affiliate", inst.state)
        return ctx.memo.get(key) or ctx.build(
            key, req, _PASSED, "affiliates have no certification deadline", {"status": inst.state}
        )
    if ctx.rules is None:
        key = (i, "no rules")
        return ctx.memo.get(key) or ctx.build(
            key, req, _UNKNOWN, "the registry has no rules to compute the deadline", {}
        )
    joined = inst.data.get("admitted_on")
    reads = ctx.deadline_reads
    if reads is not None:
        view, cache = ctx.view, ctx.company_facts
        key = (i, status, joined, *[read(view, inst, cache) for read in reads])
        hit = ctx.memo.get(key)
        if hit is not None:
            return hit
    found = ctx.deadline(inst, status)
    if reads is None:
        key = (i, "deadline", found, joined)
        hit = ctx.memo.get(key)
        if hit is not None:
            return hit
    if found is None:
        return ctx.build(
            key, req, _UNKNOWN, f"no certification deadline applies (joined {joined})", {"company.joined": joined}
        )
    due, rid = found
    last_day = date.fromordinal(due.toordinal() - 1)  # rules fall due the day after the deadline
    used = {"company.joined": joined, "deadline": last_day, "rule": rid}
    if due <= ctx.as_of:
        return ctx.build(key, req, _FAILED, f"not certified by its deadline {last_day.isoformat()} ({rid})", used)
    return ctx.build(key, req, _PASSED, f"to certify by {last_day.isoformat()} ({rid})", used)


def _self_assessment(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    if inst is None:
        return ctx.memo.get((i,)) or ctx.build((i,), req, _FAILED, _NOT_ADMITTED, {})
    worst, latest = ctx.self_assessments.get(cid, (None, None))
    year = ctx.csa_cycle
    if worst is not None:
        cycle, due = worst.data["cycle"], worst.data["due"]
        key: tuple[Any, ...] = (i, "overdue", cycle, due, worst.state)
        return ctx.memo.get(key) or ctx.build(
            key,
            req,
            _FAILED,
            f"cycle {cycle} not submitted (due {due.isoformat()})",
            {"cycle": cycle, "state": worst.state},
        )
    joined = inst.data.get("admitted_on") or inst.since
    if ctx.csa_cycle_due <= joined:
        key = (i, "new", joined)
        return ctx.memo.get(key) or ctx.build(
            key, req, _PASSED, "no self-assessment due yet since joining", {"company.joined": joined}
        )
    if latest is None:
        key = (i, "no record")
        return ctx.memo.get(key) or ctx.build(
            key, req, _UNKNOWN, f"no record for cycle {year}", {"cycle": year, "param self_assessment.due": ctx.csa_due}
        )
    key = (i, "on record", latest.state)
    return ctx.memo.get(key) or ctx.build(
        key, req, _PASSED, f"cycle {year} {latest.state}", {"cycle": year, "state": latest.state}
    )


def _no_disciplinary(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    for c in ctx.cases.get(cid, ()):
        if c.state in _DISCIPLINARY:
            key: tuple[Any, ...] = (i, c.key, c.state, c.since)
            return ctx.memo.get(key) or ctx.build(
                key,
                req,
                _FAILED,
                f"case {c.key} {c.state.replace('_', ' ')} since {c.since.isoformat()}",
                {"case": c.key, "stage": c.state},
            )
    key = (i,)
    return ctx.memo.get(key) or ctx.build(key, req, _PASSED, "no proceedings open", {"open_disciplinary_cases": 0})


def _icoca_certified(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    cert = ctx.certifications.get(cid)
    if cert is None:
        return ctx.memo.get((i,)) or ctx.build((i,), req, _FAILED, "no certification on record", {})
    if cert.state != "icoca_certified":
        key: tuple[Any, ...] = (i, cert.state, cert.since)
        return ctx.memo.get(key) or ctx.build(
            key,
            req,
            _FAILED,
            f"certification {cert.state.replace('_', ' ')} since {cert.since.isoformat()}",
            {"certification.state": cert.state},
        )
    granted = cert.data.get("icoca_certification_granted_on", cert.since)
    key = (i, cert.state, granted)
    return ctx.memo.get(key) or ctx.build(
        key, req, _PASSED, f"certified since {granted}", {"certification.state": cert.state}
    )


def _certified_to_standard(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    wanted = req.args["standards"]
    cert = _certified(ctx, cid)
    if cert is None:
        return ctx.memo.get((i,)) or ctx.build(
            (i,), req, _FAILED, f"no ICoCA certification in force (needs {', '.join(wanted)})", {}
        )
    external = cert.data.get("certificate")
    if external is None:
        key: tuple[Any, ...] = (i, None)
        return ctx.memo.get(key) or ctx.build(
            key, req, _UNKNOWN, "the certificate behind the certification is not on record", {}
        )
    key = (i, external.id, external.standard)
    hit = ctx.memo.get(key)
    if hit is None:
        facts = {"certificate": external.id, "standard": external.standard}
        if external.standard in wanted:
            return ctx.build(key, req, _PASSED, f"certified to {external.standard} ({external.id})", facts)
        return ctx.build(key, req, _FAILED, f"certified to {external.standard}, not {' or '.join(wanted)}", facts)
    return hit


def _no_open_complaints(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    cats = req.args.get("categories")
    found = [
        c for c in ctx.complaints.get(cid, ()) if c.state != "closed" and (not cats or c.data.get("category") in cats)
    ]
    if found:
        key: tuple[Any, ...] = (i, len(found), found[0].key, found[0].state)
        return ctx.memo.get(key) or ctx.build(
            key,
            req,
            _FAILED,
            f"{len(found)} open complaint(s), e.g. {found[0].key} ({found[0].state})",
            {"open_complaints": len(found)},
        )
    what = f" of {', '.join(cats)}" if cats else ""
    key = (i,)
    return ctx.memo.get(key) or ctx.build(key, req, _PASSED, f"no open complaints{what}", {"open_complaints": 0})


def _no_open_cases(ctx: _Context, i: int, req: Requirement, cid: str, inst: Instance | None) -> Outcome:
    threshold = Severity(req.args["min_severity"])
    for c in ctx.cases.get(cid, ()):
        severity = c.data.get("severity", Severity.MEDIUM)
        if c.state in _CASE_OPEN and _SEVERITY_ORDER[severity] >= _SEVERITY_ORDER[threshold]:
            key: tuple[Any, ...] = (i, c.key, c.data.get("severity"))
            return ctx.memo.get(key) or ctx.build(
                key, req, _FAILED, f"open case {c.key} of severity {c.data.get('severity')}", {"case": c.key}
            )
    key = (i,)
    return ctx.memo.get(key) or ctx.build(
        key, req, _PASSED, f"no open case of severity {threshold.value} or worse", {"min_severity": threshold.value}
    )


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


def _stale(ctx: _Context, due: date, rule_id: str) -> Outcome:
    return Outcome(
        requirement="registry-current",
        title="registry advanced to the decision date",
        result=Result.UNKNOWN,
        reason=f"rule {rule_id} fell due on {due.isoformat()} and has not been applied; "
        f"advance the registry to {ctx.as_of.isoformat()} first",
        citation="icoc: a decision reads the registry after every rule due by its date has fired",
        facts=(Fact(name="rule", value=rule_id), Fact(name="due", value=due.isoformat())),
    )


def _not_a_company(ctx: _Context, member: str, kind: SubjectKind, plan: _Plan) -> list[Outcome]:
    reason = f"{member!r} is a {kind.value}, not a private security company"
    return [ctx.build((i, "not a company", reason), req, _FAILED, reason, {}) for i, req, _ in plan]


_Plan = list[tuple[int, Requirement, _Check]]


def _decide(ctx: _Context, member: str, policy: Policy, plan: _Plan) -> Decision:
    kind = ctx.kinds.get(member) or ctx.registry.kind_of(member)
    if kind is None:
        raise UnknownMember(member)
    if kind is SubjectKind.COMPANY:
        inst = ctx.statuses.get(member)
        outcomes = [fn(ctx, i, req, member, inst) for i, req, fn in plan]
    else:
        outcomes = _not_a_company(ctx, member, kind, plan)
    stale = ctx.pending.get(member)
    if stale is not None:
        outcomes.insert(0, _stale(ctx, *stale))
    eligible = stale is None
    for o in outcomes:
        if o.result is not _PASSED:
            eligible = False
            break
    return Decision._trusted(member, policy.id, ctx.as_of, tuple(outcomes), eligible)


def _plan(policy: Policy) -> _Plan:
    return [(i, req, _CHECKS[req.check]) for i, req in enumerate(policy.requirements)]


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
    pol = _policy(policy)
    return _decide(_Context(registry, as_of), member, pol, _plan(pol))


def check_all(
    registry: Any, policy: Policy | str = "icoca-good-standing", *, as_of: date, members: Iterable[str] | None = None
) -> Iterator[Decision]:
    """Decisions for every company (or ``members``), streamed; one snapshot serves them all."""
    ctx = _Context(registry, as_of)
    pol = _policy(policy)
    chosen = members if members is not None else ctx.snapshot.subjects(SubjectKind.COMPANY)
    plan = _plan(pol)
    for member in chosen:
        yield _decide(ctx, member, pol, plan)
