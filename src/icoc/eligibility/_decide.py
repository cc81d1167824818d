"""Decisions: every requirement of a policy checked against a registry on a date, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import attrs

from icoc.eligibility._policy import Policy, Requirement
from icoc.errors import InvalidInput, Problem, RegistryChanged, UnknownMember
from icoc.model.certificates import ExternalCertificate, ExternalCertificateStatus
from icoc.model.events import Fact, Ground, cycle_suffix
from icoc.model.listed import ListedFact, UnregisteredCompany
from icoc.model.monitoring import Severity
from icoc.model.standards import CertificationBody
from icoc.rules import Obligation, ObligationStatus
from icoc.workflows import Instance, SubjectKind
from icoc.workflows.certification import leading, resting_on, scope_of_instance

__all__ = ["Consequence", "Decision", "Outcome", "Result", "Verdict", "check", "check_all", "verdict_of"]


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

    ``missing`` (unknown outcomes only) names the information that would settle it: a record
    ("self-assessment record for cycle 2025") or a cell (``bidders.xlsx:row 7:joined``).
    """

    requirement: str
    title: str
    result: Result
    reason: str
    citation: str
    facts: tuple[Fact, ...] = ()
    missing: tuple[str, ...] = ()


def verdict_of(outcomes: Iterable[Outcome]) -> Verdict:
    """``not_eligible`` if any outcome failed, else ``undetermined`` if any is unknown, else ``eligible``."""
    unknown = False
    for o in outcomes:
        if o.result is Result.FAILED:
            return Verdict.NOT_ELIGIBLE
        if o.result is Result.UNKNOWN:
            unknown = True
    return Verdict.UNDETERMINED if unknown else Verdict.ELIGIBLE


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


def _eligible(instance: Decision, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value != all(o.result is Result.PASSED for o in instance.outcomes):
        raise InvalidInput(Problem("Decision.eligible", "eligible is exactly 'every requirement passed'"))


def _verdict(instance: Decision, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not verdict_of(instance.outcomes):
        raise InvalidInput(Problem("Decision.verdict", "the verdict follows from the outcomes"))


def _default_verdict(instance: Decision) -> Verdict:
    return verdict_of(instance.outcomes)


@attrs.frozen(kw_only=True)
class Decision:
    """Whether a member is eligible under a policy on a date, and why, requirement by requirement.

    ``eligible`` is the conjunction of the outcomes: an ``unknown`` is never a pass. ``verdict``
    tells a failure from missing information (``undetermined``: nothing failed, something is
    unknown; :attr:`settle` lists what would decide it). ``consequences`` (with ``until``) are the
    scheduled changes inside a contract period that change the verdict, in date order.
    """

    member: str
    policy: str
    as_of: date
    outcomes: tuple[Outcome, ...]
    eligible: bool = attrs.field(validator=_eligible)
    verdict: Verdict = attrs.field(default=attrs.Factory(_default_verdict, takes_self=True), validator=_verdict)
    consequences: tuple[Consequence, ...] = ()
    until: date | None = None

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
        _SET_VERDICT(self, _ELIGIBLE if eligible else verdict_of(outcomes))
        _SET_CONSEQUENCES(self, ())
        _SET_UNTIL(self, None)
        return self


_ELIGIBLE = Verdict.ELIGIBLE
_SET_MEMBER, _SET_POLICY, _SET_AS_OF, _SET_OUTCOMES, _SET_ELIGIBLE, _SET_VERDICT, _SET_CONSEQUENCES, _SET_UNTIL = (
    Decision.__dict__[name].__set__
    for name in ("member", "policy", "as_of", "outcomes", "eligible", "verdict", "consequences", "until")
)


_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_DISCIPLINARY = ("referred_to_board", "corrective_action", "suspension_proceedings")
_CASE_OPEN = ("concern", "dialogue", *_DISCIPLINARY)
_DEADLINE_TAG = "certification-deadline"


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
        # A company's ICoCA certifications, one per scope, and the one that says most for it.
        self.scopes: dict[str, list[Instance]] = {}
        for inst in core.instances.get("certification", {}).values():
            self.scopes.setdefault(inst.subject, []).append(inst)
        self.certifications: dict[str, Instance] = {}
        for cid, insts in self.scopes.items():
            best = leading(insts)
            if best is not None:
                self.certifications[cid] = best
        # Every external certificate on record, per company (one instance per certificate), with
        # its state (valid, suspended or withdrawn by its body).
        self.external: dict[str, list[tuple[ExternalCertificate, str]]] = {}
        for inst in core.instances.get("external-certificate", {}).values():
            self.external.setdefault(inst.subject, []).append((inst.data["certificate"], inst.state))
        self.bodies: Mapping[str, CertificationBody] | None = registry.settings.get("certification_bodies")
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
        # Each company's certification deadline as the rules fixed it when its clock started
        # (the latest obligation of a rule tagged ``certification-deadline``, as it stood on as_of).
        self.deadlines: dict[str, Obligation] = {}
        if self.rules is not None:
            tagged = {r.id for r in self.rules if _DEADLINE_TAG in r.tags}
            for ob in registry.obligations(as_of=as_of):
                if ob.rule in tagged:
                    self.deadlines[ob.subject] = ob
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
        self,
        key: tuple[Any, ...],
        req: Requirement,
        result: Result,
        reason: str,
        facts: dict[str, Any],
        missing: tuple[str, ...] = (),
    ) -> Outcome:
        """Build the outcome for ``key`` and keep it for the rest of the run (every batch)."""
        out = self.memo[key] = Outcome(
            requirement=req.id,
            title=req.title,
            result=result,
            reason=reason,
            citation=req.citation,
            facts=tuple(Fact(name=k, value=_show(x)) for k, x in facts.items()),
            missing=missing,
        )
        return out


# A check takes a batch of companies (ids, and status instances or None when not admitted on the date)
# and returns its requirement's outcome for each, in order. Checks run over a batch, not one
# company at a time, because at registry scale the per-call overhead is most of the cost.
_Check = Callable[[_Context, int, Requirement, Sequence[str], Sequence[Instance | None]], list[Outcome]]
_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN
_NOT_ADMITTED = "not a member on this date (applied, not admitted)"
_LEFT = frozenset({"terminated", "withdrawn"})


def _status_ground(inst: Instance) -> str | None:
    """The public ground of the suspension, termination or withdrawal that put ``inst`` in its
    state (never the reason, which is company-level). ``None`` when the instance holds none, or
    when a later termination proposal recorded its own ground over the suspension's."""
    ground = inst.data.get("ground")
    if not isinstance(ground, Ground):
        return None
    proposed = inst.data.get("termination_proposed_on")
    if inst.state == "suspended" and isinstance(proposed, date) and proposed >= inst.since:
        return None
    return ground.value


def _ground_note(inst: Instance) -> str:
    ground = _status_ground(inst)
    return "" if ground is None else f", ground {ground}"


def _ground_fact(inst: Instance) -> dict[str, str]:
    ground = _status_ground(inst)
    return {} if ground is None else {"ground": ground}


def _left(ctx: _Context, i: int, req: Requirement, inst: Instance) -> Outcome:
    """The outcome of a membership requirement for a company that has left the Association."""
    key = (i, "left", inst.state, inst.since, _status_ground(inst))
    return ctx.memo.get(key) or ctx.build(
        key,
        req,
        _FAILED,
        f"no longer a member: {inst.state} on {inst.since.isoformat()}{_ground_note(inst)}",
        {"status": inst.state, "since": inst.since, **_ground_fact(inst)},
    )


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
        elif inst.state in _LEFT:
            hit = _left(ctx, i, req, inst)
        elif inst.state == "suspended":
            # The suspension's reason is company-level (the Suspended event's): a decision is
            # public, so it names the date and leaves the reason where its level protects it.
            key = (i, "suspended", inst.since, _status_ground(inst))
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"suspended on {inst.since.isoformat()}{_ground_note(inst)} (the reason is withheld: company level)",
                {"status": inst.state, "suspended_on": inst.since, **_ground_fact(inst)},
            )
        else:
            key = (i, inst.state)
            hit = memo.get(key) or build(key, req, _PASSED, "not suspended", {"status": inst.state})
        out.append(hit)
    return out


def _certification_deadline(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    memo, build, certifications = ctx.memo, ctx.build, ctx.certifications
    out: list[Outcome] = []
    for cid, inst in zip(cids, insts, strict=True):
        cert = certifications.get(cid)
        if inst is None:
            key: tuple[Any, ...] = (i, "not admitted")
            hit = memo.get(key) or build(key, req, _FAILED, _NOT_ADMITTED, {})
        elif inst.state in _LEFT:
            hit = _left(ctx, i, req, inst)
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
                    key,
                    req,
                    _UNKNOWN,
                    "the registry has no rules to compute the deadline",
                    {},
                    ("a rule set to compute the certification deadline",),
                )
            else:
                hit = _deadline_outcome(ctx, i, req, inst, ctx.deadlines.get(cid))
        out.append(hit)
    return out


def _deadline_outcome(ctx: _Context, i: int, req: Requirement, inst: Instance, ob: Obligation | None) -> Outcome:
    """The certification deadline the rules fixed for this company when its clock started: running,
    missed, met (then lapsed), or overridden by a registry document's recorded facts."""
    joined = inst.data.get("admitted_on")
    if ob is None:
        key: tuple[Any, ...] = (i, "no deadline", joined)
        return ctx.memo.get(key) or ctx.build(
            key,
            req,
            _UNKNOWN,
            f"no certification deadline applies (joined {joined})",
            {"company.joined": joined},
            (f"the certification deadline of a company that joined on {joined}",),
        )
    status = ob.status
    if status is ObligationStatus.OPEN and ob.due <= ctx.as_of:
        status = ObligationStatus.FIRED  # due and not judged yet: the registry is stale (see _stale)
    key = (i, "deadline", ob.rule, status, ob.due, ob.extended_from, joined)
    hit = ctx.memo.get(key)
    if hit is not None:
        return hit
    last_day, rid = ob.deadline, ob.rule
    used: dict[str, Any] = {"company.joined": joined, "deadline": last_day, "rule": rid}
    if ob.extended_from is not None:
        used["extended_from"] = ob.extended_from - timedelta(days=1)
    extended = (
        f", extended from {(ob.extended_from - timedelta(days=1)).isoformat()}" if ob.extended_from is not None else ""
    )
    if status is ObligationStatus.OPEN:
        return ctx.build(key, req, _PASSED, f"to certify by {last_day.isoformat()} ({rid}{extended})", used)
    if status is ObligationStatus.FIRED:
        return ctx.build(
            key, req, _FAILED, f"not certified by its deadline {last_day.isoformat()} ({rid}{extended})", used
        )
    if status is ObligationStatus.OVERRIDDEN:
        return ctx.build(
            key,
            req,
            _UNKNOWN,
            f"its deadline {last_day.isoformat()} ({rid}) passed, but the registry document records no "
            "consequence (a decision not recorded, or a deadline extended)",
            used,
            (f"the Board's decision on the certification deadline {last_day.isoformat()}",),
        )
    # Met (certified in time) and no longer certified, with no rule giving a new deadline.
    return ctx.build(
        key,
        req,
        _FAILED,
        f"not ICoCA-certified: its certification deadline {last_day.isoformat()} ({rid}) was met, "
        "and no rule gives it a new one",
        used,
    )


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
        elif inst.state in _LEFT:
            hit = _left(ctx, i, req, inst)
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
                (f"the self-assessment record for cycle {year}",),
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
    """ICoCA certification in force (in one of ``scopes``, when the requirement names them)."""
    memo, build = ctx.memo, ctx.build
    scopes = req.args.get("scopes")
    out: list[Outcome] = []
    for cid in cids:
        mine = ctx.scopes.get(cid, ())
        if scopes:
            mine = [inst for inst in mine if scope_of_instance(inst).value in scopes]
        cert = leading(mine)
        where = f" ({' or '.join(scopes)})" if scopes else ""
        if cert is None:
            key: tuple[Any, ...] = (i, "none")
            hit = memo.get(key) or build(key, req, _FAILED, f"no certification{where} on record", {})
        elif cert.state != "icoca_certified":
            key = (i, cert.state, cert.since, cert.key if scopes else None)
            hit = memo.get(key) or build(
                key,
                req,
                _FAILED,
                f"certification{where} {cert.state.replace('_', ' ')} since {cert.since.isoformat()}",
                {"certification.state": cert.state},
            )
        else:
            granted = cert.data.get("icoca_certification_granted_on", cert.since)
            scope = scope_of_instance(cert).value
            key = (i, cert.state, granted, scope)
            hit = memo.get(key) or build(
                key,
                req,
                _PASSED,
                f"certified ({scope}) since {granted}",
                {"certification.state": cert.state, "scope": scope},
            )
        out.append(hit)
    return out


def _judge_certificate(ctx: _Context, x: ExternalCertificate, state: str) -> str | None:
    """Why ``x`` (in ``state`` in the external-certificate process) does not count on the decision
    date (suspended or withdrawn, not in force, body not accepted for its standard on its issue
    date), or ``None``."""
    as_of = ctx.as_of
    if state != "valid" or x.status is not ExternalCertificateStatus.VALID:
        status = state if state != "valid" else x.status.value
        return f"certificate {x.id} to {x.standard} from {x.body} is {status}"
    if as_of < x.issued:
        return f"certificate {x.id} to {x.standard} from {x.body} is issued only on {x.issued.isoformat()}"
    if as_of >= x.expires:
        return f"certificate {x.id} to {x.standard} from {x.body} expired on {x.expires.isoformat()}"
    if ctx.bodies is not None:
        body = ctx.bodies.get(x.body)
        if body is None:
            return f"certificate {x.id} to {x.standard}: unknown certification body {x.body!r}"
        refusal = body.refusal(x.standard, x.issued)
        if refusal is not None:
            return f"certificate {x.id} issued {x.issued.isoformat()}: {refusal}"
    return None


def _held(ctx: _Context, x: ExternalCertificate, state: str) -> str:
    """``x`` as listed among a company's certificates: standard and id, and why it is not in
    force on the decision date when it is not (expired, suspended, withdrawn)."""
    if state != "valid" or x.status is not ExternalCertificateStatus.VALID:
        return f"{x.standard} ({x.id}, {state if state != 'valid' else x.status.value})"
    if ctx.as_of >= x.expires:
        return f"{x.standard} ({x.id}, expired {x.expires.isoformat()})"
    return f"{x.standard} ({x.id})"


def _certificate_to(
    ctx: _Context, i: int, req: Requirement, cid: str, lead: str, only: frozenset[str] | None = None
) -> tuple[ExternalCertificate | None, Outcome | None]:
    """The company's certificate to one of the wanted standards that counts on the decision
    date (the one running longest), or the failed outcome naming what each candidate lacks.
    ``only``: the certificate ids that may count (those ICoCA certifications rest on)."""
    wanted = req.args["standards"]
    mine = sorted(ctx.external.get(cid, ()), key=lambda pair: (pair[0].expires, pair[0].id))
    candidates = [(x, st) for x, st in mine if x.standard in wanted and (only is None or x.id in only)]
    judged = [(x, _judge_certificate(ctx, x, st)) for x, st in candidates]
    good = [x for x, why in judged if why is None]
    if good:
        return good[-1], None
    key: tuple[Any, ...] = (i, "no certificate", lead, tuple(mine), only)
    hit = ctx.memo.get(key)
    if hit is None:
        if judged:
            reason = "; ".join(why for _, why in judged if why is not None)
        else:
            held = ", ".join(_held(ctx, x, st) for x, st in mine) or "none"
            if only is None:
                reason = f"no certificate to {' or '.join(wanted)} on record (its certificates: {held})"
            else:
                reason = (
                    f"no ICoCA certification in force rests on a certificate to {' or '.join(wanted)}"
                    f" (its certificates: {held})"
                )
        hit = ctx.build(key, req, _FAILED, lead + reason, {"standards": ", ".join(wanted)})
    return None, hit


def _passed_on(ctx: _Context, i: int, req: Requirement, x: ExternalCertificate, lead: str) -> Outcome:
    key = (i, "certificate", lead, x)
    hit = ctx.memo.get(key)
    if hit is None:
        facts = {
            "certificate": x.id,
            "standard": x.standard,
            "body": x.body,
            "issued": x.issued.isoformat(),
            "expires": x.expires.isoformat(),
        }
        reason = (
            f"{lead}certificate {x.id} to {x.standard} from {x.body}, issued {x.issued.isoformat()}, "
            f"in force until {x.expires.isoformat()}"
        )
        hit = ctx.build(key, req, _PASSED, reason, facts)
    return hit


def _certified_to_standard(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    """ICoCA certification in force (in any scope) and a certificate to one of ``standards`` that
    counts on the decision date, whichever of the company's certificates was recorded first and
    whichever the certification rests on (each certificate and each scope is its own instance). A
    policy that wants the certification itself in a scope adds ``icoca_certified`` with ``scopes``."""
    memo, build, wanted = ctx.memo, ctx.build, req.args["standards"]
    out: list[Outcome] = []
    for cid in cids:
        hit: Outcome | None
        resting = frozenset(
            c.id
            for inst in ctx.scopes.get(cid, ())
            if inst.state == "icoca_certified" and (c := resting_on(inst)) is not None
        )
        if not resting:
            key: tuple[Any, ...] = (i, "not certified")
            hit = memo.get(key) or build(
                key, req, _FAILED, f"no ICoCA certification in force (needs {', '.join(wanted)})", {}
            )
        else:
            x, hit = _certificate_to(ctx, i, req, cid, "ICoCA certified, but ")
            if x is not None:
                # Say on what the certification rests only when it does rest on this certificate.
                lead = "ICoCA certified on " if x.id in resting else "ICoCA certified (on another certificate), and "
                hit = _passed_on(ctx, i, req, x, lead)
        assert hit is not None
        out.append(hit)
    return out


def _external_certificate(
    ctx: _Context, i: int, req: Requirement, cids: Sequence[str], insts: Sequence[Instance | None]
) -> list[Outcome]:
    """A certificate to one of ``standards`` in force on the decision date from a body accepted
    for that standard on its issue date; ICoCA certification is not asked for (the 2013 U.S. text
    asks for PSC.1 conformance, shipping contracts for ISO 28007)."""
    out: list[Outcome] = []
    for cid in cids:
        x, hit = _certificate_to(ctx, i, req, cid, "")
        if x is not None:
            hit = _passed_on(ctx, i, req, x, "")
        assert hit is not None
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
    "external_certificate": _external_certificate,
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
        missing=(f"the registry advanced to {ctx.as_of.isoformat()} (rule {rule_id} due {due.isoformat()})",),
    )


_Plan = list[tuple[int, Requirement, _Check]]
_BATCH = 1024  # companies decided together: large enough to amortize, small enough to stream


def _decide(
    ctx: _Context,
    members: Sequence[str],
    policy: Policy,
    plan: _Plan,
    companies: bool = False,
    listed: Mapping[str, Mapping[str, ListedFact]] | None = None,
) -> list[Decision]:
    """Decisions for ``members`` (known subjects; all companies when ``companies``), in order;
    ``listed`` holds what a bidder list leaves unknown or states, per company and field."""
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
            if listed and member in listed:
                outcomes = tuple(
                    _overlay(o, req, listed[member]) for o, (_, req, _) in zip(outcomes, plan, strict=True)
                )
        else:
            kind = kinds.get(member)
            if kind is None:  # known to the registry, but not yet on the decision date
                reason = f"not yet a member on {as_of.isoformat()}"
                if ctx.registry.kind_of(member) is not company:
                    reason = f"{member!r} does not exist yet on {as_of.isoformat()}"
            else:
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


# What each check reads that a bidder list may leave unknown or state without a record. The
# deadline reads the self-assessment too: a member past its deadline becomes an affiliate or
# faces termination according to its latest rating.
_READS: Mapping[str, tuple[str, ...]] = {
    "certification_deadline": ("certification", "self_assessment"),
    "icoca_certified": ("certification",),
    "certified_to_standard": ("certification",),
    "external_certificate": ("certification",),
    "self_assessment_submitted": ("self_assessment",),
    "no_disciplinary_proceedings": ("proceedings",),
    "no_open_complaints": ("complaints",),
    "no_open_cases": ("cases",),
}
# Outcomes that hold whatever the unknown value is: an affiliate or a deadline still ahead passes
# the deadline check certified or not; "no self-assessment due yet since joining" needs no record.
_PASS_STANDS = frozenset({"certification_deadline", "self_assessment_submitted"})


def _where(fact: ListedFact) -> str:
    return fact.where or f"{fact.subject}: {fact.field.replace('_', ' ')}"


def _overlay(out: Outcome, req: Requirement, facts: Mapping[str, ListedFact]) -> Outcome:
    """The outcome as the bidder list's unknown cells and statements leave it."""
    fields = _READS.get(req.check, ())
    gaps = [f for f in (facts.get(name) for name in fields) if f is not None and f.value is None]
    if gaps:
        if req.check in _PASS_STANDS and out.result is _PASSED:
            return out
        return attrs.evolve(
            out,
            result=_UNKNOWN,
            reason="; ".join(f"{f.field.replace('_', ' ')} not given ({_where(f)})" for f in gaps),
            facts=tuple(Fact(name=f.field, value="unknown") for f in gaps),
            missing=tuple(_where(f) for f in gaps),
        )
    fact = facts.get(fields[0]) if fields else None
    if fact is None or fact.value is None:
        return out
    stated = (Fact(name=fact.field, value=fact.value), Fact(name="source", value=_where(fact)))
    if req.check == "no_disciplinary_proceedings" and fact.value == "open":
        return attrs.evolve(out, result=_FAILED, reason=f"proceedings open ({_where(fact)})", facts=stated)
    if req.check == "no_open_complaints" and fact.value == "open":
        if req.args.get("categories"):
            return attrs.evolve(
                out,
                result=_UNKNOWN,
                reason=f"open complaints of unstated category ({_where(fact)})",
                facts=stated,
                missing=(f"{_where(fact)}: the category of each open complaint",),
            )
        return attrs.evolve(out, result=_FAILED, reason=f"open complaints ({_where(fact)})", facts=stated)
    if req.check == "no_open_cases" and fact.value != "none":
        worst, threshold = Severity(fact.value), Severity(req.args["min_severity"])
        if _SEVERITY_ORDER[worst] >= _SEVERITY_ORDER[threshold]:
            return attrs.evolve(
                out, result=_FAILED, reason=f"open case of severity {worst.value} ({_where(fact)})", facts=stated
            )
    return out


def _unregistered(u: UnregisteredCompany, facts: Mapping[str, ListedFact], policy: Policy, as_of: date) -> Decision:
    """A decision for a company the register cannot hold: what its listed status decides, the rest unknown."""
    core = ("status", "joined", "status_since", "suspended_from")
    gaps = tuple(_where(facts[name]) for name in core if name in facts and facts[name].value is None)
    outcomes = []
    for req in policy.requirements:
        own = tuple(
            _where(facts[name]) for name in _READS.get(req.check, ()) if name in facts and facts[name].value is None
        )
        if req.check in ("status_in", "not_suspended"):
            own, core_gaps = (), tuple(_where(facts["status"]) for _ in (1,) if "status" in facts)
        else:
            core_gaps = gaps
        result, reason, missing = _UNKNOWN, "", (*core_gaps, *own)
        if u.not_a_member:
            result, reason, missing = _FAILED, "not an ICoCA member" + (f" ({u.where})" if u.where else ""), ()
        elif req.check in ("status_in", "not_suspended") and u.status is not None:
            status = u.status.value
            if req.check == "status_in":
                ok = status in req.args["statuses"]
                accepted = "" if ok else f" (accepted: {', '.join(req.args['statuses'])})"
                result, reason, missing = (_PASSED if ok else _FAILED), f"{status} as listed{accepted}", ()
            else:
                ok = status != "suspended"
                result, reason, missing = (_PASSED if ok else _FAILED), f"{status} as listed", ()
        else:
            reason = "not decidable without " + ", ".join(m.rsplit(":", 1)[-1] for m in missing) if missing else ""
            reason = reason or "the company cannot be entered in the register from the list"
        outcomes.append(
            Outcome(
                requirement=req.id,
                title=req.title,
                result=result,
                reason=reason,
                citation=req.citation,
                missing=missing if result is _UNKNOWN else (),
            )
        )
    return Decision(
        member=u.id,
        policy=policy.id,
        as_of=as_of,
        outcomes=tuple(outcomes),
        eligible=all(o.result is _PASSED for o in outcomes),
    )


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


def _by_subject(listed: Iterable[ListedFact]) -> dict[str, dict[str, ListedFact]]:
    out: dict[str, dict[str, ListedFact]] = {}
    for f in listed:
        out.setdefault(f.subject, {})[f.field] = f
    return out


def check(
    registry: Any,
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
    registry: Any,
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
    ctx = _Context(registry, as_of)
    pol = _policy(policy)
    if members is None:
        chosen = ctx.snapshot.subjects(SubjectKind.COMPANY)
    else:
        chosen = [_known(ctx, m) for m in members]
    if until is not None and until <= as_of:
        raise InvalidInput(Problem("until", f"{until.isoformat()} is not after the decision date {as_of.isoformat()}"))
    by_subject = _by_subject(listed)
    version = (len(registry), registry.clock)
    return _stream(ctx, pol, chosen, members is None, by_subject, version, until)


def _stream(
    ctx: _Context,
    pol: Policy,
    chosen: Sequence[str],
    companies: bool,
    listed: Mapping[str, Mapping[str, ListedFact]],
    version: tuple[int, date | None],
    until: date | None,
) -> Iterator[Decision]:
    registry, plan = ctx.registry, _plan(pol)
    if until is None:
        for start in range(0, len(chosen), _BATCH):
            if (len(registry), registry.clock) != version:
                raise RegistryChanged("check_all", ctx.as_of.isoformat())
            yield from _decide(ctx, chosen[start : start + _BATCH], pol, plan, companies=companies, listed=listed)
        return
    # The contract period needs every decision on as_of before the rules run forward (on a copy).
    from icoc.eligibility._contract import Forward

    if (len(registry), registry.clock) != version:
        raise RegistryChanged("check_all", ctx.as_of.isoformat())
    decisions = _decide(ctx, chosen, pol, plan, companies=companies, listed=listed)
    found = Forward(registry, ctx.as_of, until).consequences(pol, decisions, listed)
    for d in decisions:
        yield d.with_consequences(found.get(d.member, ()), until)
