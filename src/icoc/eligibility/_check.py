"""Decisions: every requirement of a policy checked against a registry on a date, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.eligibility._policy import Policy, Requirement
from icoc.errors import InvalidInput, Problem, UnknownMember
from icoc.model.events import Fact, cycle_suffix
from icoc.model.monitoring import Severity
from icoc.rules._conditions import TRUE, And, Cmp, Condition, Exists, In, Not, Or
from icoc.rules._due import After, DayAfter, Due, EndOfCalendarYear, FactDate, Latest, ParamDate
from icoc.rules._facts import LazyFacts, fact_reader
from icoc.workflows._table import Instance, SubjectKind

__all__ = ["Decision", "Outcome", "Result", "check", "check_all"]


class Result(StrEnum):
    """The outcome of one check: passed, failed, or unknown (the record needed to decide is missing)."""

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
        the validator is skipped and the slots are set directly (a registry-wide check builds
        one decision per company; the generated ``__init__`` is a measurable share of it)."""
        self = object.__new__(cls)
        _SET_MEMBER(self, member)
        _SET_POLICY(self, policy)
        _SET_AS_OF(self, as_of)
        _SET_OUTCOMES(self, outcomes)
        _SET_ELIGIBLE(self, eligible)
        return self


_SET_MEMBER, _SET_POLICY, _SET_AS_OF, _SET_OUTCOMES, _SET_ELIGIBLE = (
    Decision.__dict__[name].__set__ for name in ("member", "policy", "as_of", "outcomes", "eligible")
)


_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_DISCIPLINARY = ("referred_to_board", "corrective_action", "suspension_proceedings")
_CASE_OPEN = ("concern", "dialogue", *_DISCIPLINARY)
_DEADLINE_RULES = ("ART11.CERT_DEADLINE_2016", "ART3.TRANSITIONAL_DEADLINE", "ART3.CERT_DEADLINE")
_DECLARATIVE = frozenset(
    {Cmp, In, Exists, type(TRUE), And, Or, Not, FactDate, ParamDate, After, DayAfter, Latest, EndOfCalendarYear}
)


def _declarative(x: Condition | Due) -> bool:
    """Whether a condition or due expression is built only from the library's data types, so
    that its ``fact_names()`` are all it reads (not Python code, nor a subclass of ours)."""
    if type(x) not in _DECLARATIVE:
        return False
    for value in attrs.astuple(x, recurse=False):  # type: ignore[arg-type]
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, Condition | Due) and not _declarative(part):
                return False
    return True


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
        # Part of every key: the status the deadline runs from, and the joining date.
        names.difference_update(("state", "company.joined"))
        # Deadlines are memoized on the facts their rules read, unless a rule runs Python.
        self.deadline_reads = (
            tuple(fact_reader(n) for n in sorted(names))
            if all(
                _declarative(rule.when) and (rule.due is None or _declarative(rule.due))
                for _, rule in self.deadline_rules
            )
            else None
        )
        due_md = self.params.value("self_assessment.due", as_of)
        assert isinstance(due_md, str)
        month, day = (int(x) for x in due_md.split("-"))
        self.csa_due = due_md
        # The latest cycle whose due date has passed by as_of.
        self.csa_cycle = as_of.year if date(as_of.year, month, day) < as_of else as_of.year - 1
        self.csa_cycle_due = date(self.csa_cycle, month, day)
        # Each company's record for the latest cycle due is found by its key; its latest overdue
        # cycle (missed, or sent and past due) in one pass reading only the states.
        self.csa: Mapping[str, Instance] = core.instances.get("self-assessment", {})
        self.csa_overdue: dict[str, Instance] = {}
        for inst in self.csa.values():
            state = inst.state
            if state == "missed" or (state == "sent" and inst.data["due"] < as_of):
                worst = self.csa_overdue.get(inst.subject)
                if worst is None or inst.data["cycle"] > worst.data["cycle"]:
                    self.csa_overdue[inst.subject] = inst

    def build(
        self, key: tuple[Any, ...], req: Requirement, result: Result, reason: str, facts: dict[str, Any]
    ) -> Outcome:
        """Build the outcome for ``key`` and keep it for the rest of the run (every batch)."""
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


# A check takes a batch of companies (ids, and status instances or None when not admitted on the date)
# and returns its requirement's outcome for each, in order. Checks run over a batch, not one
# company at a time, because at registry scale the per-call overhead is most of the cost.
_Check = Callable[[_Context, int, Requirement, Sequence[str], Sequence[Instance | None]], list[Outcome]]
_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN
_NOT_ADMITTED = "not admitted on this date"


def _status_in(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, allowed = ctx.memo, ctx.build, req.args["statuses"]
    out: list[Outcome] = []
    for inst in insts:
        hit: Outcome | None
        if inst is None:
            key: tuple[Any, ...] = (i, "not admitted")
            hit = memo.get(key) or build(key, req, _FAILED, _NOT_ADMITTED, {"status": None})
        else:
            key = (i, inst.state, inst.since)
            hit = memo.get(key)
            if hit is None:
                facts = {"status": inst.state, "since": inst.since}
                if inst.state in allowed:
                    hit = build(key, req, _PASSED, f"{inst.state} since {inst.since.isoformat()}", facts)
                else:
                    reason = f"{inst.state} since {inst.since.isoformat()} (accepted: {', '.join(allowed)})"
                    hit = build(key, req, _FAILED, reason, facts)
        out.append(hit)
    return out


def _not_suspended(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build = ctx.memo, ctx.build
    out: list[Outcome] = []
    for inst in insts:
        if inst is None:
            key: tuple[Any, ...] = (i, "not admitted")
            hit = memo.get(key) or build(key, req, _FAILED, _NOT_ADMITTED, {})
        elif inst.state == "suspended":
            by = inst.data.get("reason")
            key = (i, "suspended", inst.since, by)
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"suspended on {inst.since.isoformat()}" + (f" ({by})" if by else ""),
                {"status": inst.state, "suspended_on": inst.since},
            )
        else:
            key = (i, inst.state)
            hit = memo.get(key) or build(key, req, _PASSED, "not suspended", {"status": inst.state})
        out.append(hit)
    return out


def _certification_deadline(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, certifications, reads = ctx.memo, ctx.build, ctx.certifications, ctx.deadline_reads
    out: list[Outcome] = []
    for cid, inst in zip(cids, insts, strict=True):
        cert = certifications.get(cid)
        if inst is None:
            key: tuple[Any, ...] = (i, "not admitted")
            hit = memo.get(key) or build(key, req, _FAILED, _NOT_ADMITTED, {})
        elif cert is not None and cert.state == "icoca_certified":
            key = (i, "certified")
            hit = memo.get(key) or build(
                key, req, _PASSED, "ICoCA certified", {"certification.state": "icoca_certified"}
            )
        else:
            # A suspended company keeps the deadline of the status it was suspended from.
            status = inst.previous if inst.state == "suspended" and inst.previous else inst.state
            if status == "affiliate":
                key = (i, "affiliate", inst.state)
                hit = memo.get(key) or build(
                    key, req, _PASSED, "affiliates have no certification deadline", {"status": inst.state}
                )
            elif ctx.rules is None:
                key = (i, "no rules")
                hit = memo.get(key) or build(
                    key, req, _UNKNOWN, "the registry has no rules to compute the deadline", {}
                )
            elif reads is not None:
                key = (i, status, inst.data.get("admitted_on"))
                if reads:
                    key += tuple([read(ctx.view, inst, ctx.company_facts) for read in reads])
                hit = memo.get(key) or _deadline_outcome(ctx, key, req, inst, status)
            else:
                hit = _deadline_outcome(ctx, None, req, inst, status)
        out.append(hit)
    return out


def _deadline_outcome(
    ctx: _Context, key: tuple[Any, ...] | None, req: Requirement, inst: Instance, status: str
) -> Outcome:
    found = ctx.deadline(inst, status)
    joined = inst.data.get("admitted_on")
    if key is None:  # the rules run Python: key the outcome on what they found
        key = ("deadline", req.id, found, joined)
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


def _self_assessment(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, year, cycle_due = ctx.memo, ctx.build, ctx.csa_cycle, ctx.csa_cycle_due
    overdue, on_record, suffix = ctx.csa_overdue, ctx.csa, cycle_suffix(year)
    out: list[Outcome] = []
    for cid, inst in zip(cids, insts, strict=True):
        worst = overdue.get(cid)
        if inst is None:
            key: tuple[Any, ...] = (i, "not admitted")
            hit = memo.get(key) or build(key, req, _FAILED, _NOT_ADMITTED, {})
        elif worst is not None:
            cycle, due = worst.data["cycle"], worst.data["due"]
            key = (i, "overdue", cycle, due, worst.state)
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"cycle {cycle} not submitted (due {due.isoformat()})",
                {"cycle": cycle, "state": worst.state},
            )
        elif cycle_due <= (joined := inst.data.get("admitted_on") or inst.since):
            key = (i, "new", joined)
            hit = memo.get(key) or build(
                key, req, _PASSED, "no self-assessment due yet since joining", {"company.joined": joined}
            )
        elif (latest := on_record.get(cid + suffix)) is None:
            key = (i, "no record")
            hit = memo.get(key) or build(
                key,
                req,
                _UNKNOWN,
                f"no record for cycle {year}",
                {"cycle": year, "param self_assessment.due": ctx.csa_due},
            )
        else:
            key = (i, "on record", latest.state)
            hit = memo.get(key) or build(
                key, req, _PASSED, f"cycle {year} {latest.state}", {"cycle": year, "state": latest.state}
            )
        out.append(hit)
    return out


def _no_disciplinary(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, cases = ctx.memo, ctx.build, ctx.cases
    out: list[Outcome] = []
    for cid in cids:
        hit = None
        for c in cases.get(cid, ()):
            if c.state in _DISCIPLINARY:
                key: tuple[Any, ...] = (i, "open", c.key, c.state, c.since)
                hit = memo.get(key) or build(
                    key,
                    req,
                    _FAILED,
                    f"case {c.key} {c.state.replace('_', ' ')} since {c.since.isoformat()}",
                    {"case": c.key, "stage": c.state},
                )
                break
        if hit is None:
            key = (i, "none")
            hit = memo.get(key) or build(key, req, _PASSED, "no proceedings open", {"open_disciplinary_cases": 0})
        out.append(hit)
    return out


def _icoca_certified(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build = ctx.memo, ctx.build
    out: list[Outcome] = []
    for cid in cids:
        cert = ctx.certifications.get(cid)
        if cert is None:
            key: tuple[Any, ...] = (i, "none")
            hit = memo.get(key) or build(key, req, _FAILED, "no certification on record", {})
        elif cert.state != "icoca_certified":
            key = (i, cert.state, cert.since)
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"certification {cert.state.replace('_', ' ')} since {cert.since.isoformat()}",
                {"certification.state": cert.state},
            )
        else:
            granted = cert.data.get("icoca_certification_granted_on", cert.since)
            key = (i, cert.state, granted)
            hit = memo.get(key) or build(
                key, req, _PASSED, f"certified since {granted}", {"certification.state": cert.state}
            )
        out.append(hit)
    return out


def _certified_to_standard(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, wanted = ctx.memo, ctx.build, req.args["standards"]
    out: list[Outcome] = []
    for cid in cids:
        hit: Outcome | None
        cert = ctx.certifications.get(cid)
        external = cert.data.get("certificate") if cert is not None else None
        if cert is None or cert.state != "icoca_certified":
            key: tuple[Any, ...] = (i, "not certified")
            hit = memo.get(key) or build(
                key, req, _FAILED, f"no ICoCA certification in force (needs {', '.join(wanted)})", {}
            )
        elif external is None:
            key = (i, "no certificate")
            hit = memo.get(key) or build(
                key, req, _UNKNOWN, "the certificate behind the certification is not on record", {}
            )
        else:
            key = (i, "certificate", external.id, external.standard)
            hit = memo.get(key)
            if hit is None:
                facts = {"certificate": external.id, "standard": external.standard}
                if external.standard in wanted:
                    hit = build(key, req, _PASSED, f"certified to {external.standard} ({external.id})", facts)
                else:
                    reason = f"certified to {external.standard}, not {' or '.join(wanted)}"
                    hit = build(key, req, _FAILED, reason, facts)
        out.append(hit)
    return out


def _no_open_complaints(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, cats = ctx.memo, ctx.build, req.args.get("categories")
    out: list[Outcome] = []
    for cid in cids:
        found = [
            c
            for c in ctx.complaints.get(cid, ())
            if c.state != "closed" and (not cats or c.data.get("category") in cats)
        ]
        if found:
            key: tuple[Any, ...] = (i, "open", len(found), found[0].key, found[0].state)
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"{len(found)} open complaint(s), e.g. {found[0].key} ({found[0].state})",
                {"open_complaints": len(found)},
            )
        else:
            key = (i, "none")
            what = f" of {', '.join(cats)}" if cats else ""
            hit = memo.get(key) or build(key, req, _PASSED, f"no open complaints{what}", {"open_complaints": 0})
        out.append(hit)
    return out


def _no_open_cases(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build = ctx.memo, ctx.build
    threshold = Severity(req.args["min_severity"])
    out: list[Outcome] = []
    for cid in cids:
        hit = None
        for c in ctx.cases.get(cid, ()):
            severity = c.data.get("severity", Severity.MEDIUM)
            if c.state in _CASE_OPEN and _SEVERITY_ORDER[severity] >= _SEVERITY_ORDER[threshold]:
                key: tuple[Any, ...] = (i, "open", c.key, c.data.get("severity"))
                hit = memo.get(key) or build(
                    key, req, _FAILED, f"open case {c.key} of severity {c.data.get('severity')}", {"case": c.key}
                )
                break
        if hit is None:
            key = (i, "none")
            hit = memo.get(key) or build(
                key,
                req,
                _PASSED,
                f"no open case of severity {threshold.value} or worse",
                {"min_severity": threshold.value},
            )
        out.append(hit)
    return out


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


_Plan = list[tuple[int, Requirement, _Check]]
_BATCH = 1024  # companies decided together: large enough to amortize, small enough to stream


def _decide(
    ctx: _Context, members: Sequence[str], policy: Policy, plan: _Plan, companies: bool = False
) -> list[Decision]:
    """Decisions for ``members`` (known subjects; all companies when ``companies``), in order."""
    kinds, pending, as_of, company = ctx.kinds, ctx.pending, ctx.as_of, SubjectKind.COMPANY
    cids = members if companies else [m for m in members if kinds.get(m) is company]
    insts = list(map(ctx.statuses.get, cids))
    columns = [fn(ctx, i, req, cids, insts) for i, req, fn in plan]
    rows = iter(zip(*columns, strict=True)) if columns else iter([()] * len(cids))
    decisions = []
    trusted, pid = Decision._trusted, policy.id
    for member in members:
        outcomes: tuple[Outcome, ...]
        if companies or kinds.get(member) is company:
            outcomes = next(rows)
        else:
            kind = kinds.get(member) or ctx.registry.kind_of(member)
            assert kind is not None
            reason = f"{member!r} is a {kind.value}, not a private security company"
            outcomes = tuple(ctx.build((i, "not a company", reason), req, _FAILED, reason, {}) for i, req, _ in plan)
        stale = pending.get(member) if pending else None
        if stale is not None:
            outcomes = (_stale(ctx, *stale), *outcomes)
        eligible = True
        for o in outcomes:
            if o.result is not _PASSED:
                eligible = False
                break
        decisions.append(trusted(member, pid, as_of, outcomes, eligible))
    return decisions


def _plan(policy: Policy) -> _Plan:
    return [(i, req, _CHECKS[req.check]) for i, req in enumerate(policy.requirements)]


def _known(ctx: _Context, member: str) -> str:
    if not (ctx.kinds.get(member) or ctx.registry.kind_of(member)):
        raise UnknownMember(member)
    return member


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
    ctx = _Context(registry, as_of)
    return _decide(ctx, [_known(ctx, member)], pol, _plan(pol))[0]


def check_all(
    registry: Any, policy: Policy | str = "icoca-good-standing", *, as_of: date, members: Iterable[str] | None = None
) -> Iterator[Decision]:
    """Decisions for every company (or ``members``), streamed; one snapshot serves them all.

    Every one of ``members`` is looked up before the first decision: an unknown id raises
    :class:`~icoc.errors.UnknownMember` before anything is yielded.
    """
    ctx = _Context(registry, as_of)
    pol = _policy(policy)
    if members is None:
        chosen = ctx.snapshot.subjects(SubjectKind.COMPANY)
    else:
        chosen = [_known(ctx, m) for m in members]
    plan = _plan(pol)
    for start in range(0, len(chosen), _BATCH):
        yield from _decide(ctx, chosen[start : start + _BATCH], pol, plan, companies=members is None)
