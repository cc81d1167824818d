"""The checks that read a company's membership: its status, suspension, certification deadline
and annual self-assessment. Each is declared once (:class:`~icoc.eligibility._kind.Kind`): what it
asks, its arguments, the inputs it reads (its key) and the outcome of a key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icoc.eligibility._context import Context, Run
from icoc.eligibility._decision import Result
from icoc.eligibility._kind import Args, Found, KeyOf, Kind, Membership, ground_note, status_ground
from icoc.model.members import CompanyStatus
from icoc.rules import ObligationStatus
from icoc.workflows import Instance

__all__ = ["CERTIFICATION_DEADLINE", "NOT_SUSPENDED", "SELF_ASSESSMENT_SUBMITTED", "STATUS_IN"]


_PASSED, _FAILED, _UNKNOWN = Result.PASSED, Result.FAILED, Result.UNKNOWN


# --- status_in ---------------------------------------------------------------------------------------------

StatusKey = tuple[str, date]


def _status_key(ctx: Context, args: Args) -> KeyOf[StatusKey]:
    def key(cid: str, inst: Instance | None) -> StatusKey:
        assert inst is not None  # a membership check: the memo decides a company not admitted
        return (inst.state, inst.since)

    return key


def _status_outcome(run: Run, args: Args, key: StatusKey) -> Found:
    state, since = key
    facts = {"status": state, "since": since}
    allowed = args["statuses"]
    if state in allowed:
        return Found(_PASSED, f"{state} since {since.isoformat()}", facts)
    return Found(_FAILED, f"{state} since {since.isoformat()} (accepted: {', '.join(allowed)})", facts)


def _listed_status(args: Args, status: str) -> tuple[Result, str]:
    ok = status in args["statuses"]
    accepted = "" if ok else f" (accepted: {', '.join(args['statuses'])})"
    return (_PASSED if ok else _FAILED), f"{status} as listed{accepted}"


STATUS_IN = Kind(
    description="the company's status is one of `statuses`",
    args={"statuses": tuple[CompanyStatus, ...]},
    membership=Membership.ADMITTED,
    key=_status_key,
    outcome=_status_outcome,
    listed_status=_listed_status,
)


# --- not_suspended -----------------------------------------------------------------------------------------

SuspendedKey = tuple[str, date | None, str | None]


def _suspended_key(ctx: Context, args: Args) -> KeyOf[SuspendedKey]:
    def key(cid: str, inst: Instance | None) -> SuspendedKey:
        assert inst is not None  # a membership check: the memo decides a company not admitted
        if inst.state == "suspended":
            return ("suspended", inst.since, status_ground(inst))
        return (inst.state, None, None)

    return key


def _suspended_outcome(run: Run, args: Args, key: SuspendedKey) -> Found:
    state, since, ground = key
    if since is None:
        return Found(_PASSED, "not suspended", {"status": state})
    # The suspension's reason is company-level (the Suspended event's): a decision is public, so
    # it names the date and leaves the reason where its level protects it.
    facts: dict[str, object] = {"status": state, "suspended_on": since}
    if ground is not None:
        facts["ground"] = ground
    reason = f"suspended on {since.isoformat()}{ground_note(ground)} (the reason is withheld: company level)"
    return Found(_FAILED, reason, facts)


def _listed_suspension(args: Args, status: str) -> tuple[Result, str]:
    return (_PASSED if status != "suspended" else _FAILED), f"{status} as listed"


NOT_SUSPENDED = Kind(
    description="the company is not suspended",
    membership=Membership.CURRENT,
    key=_suspended_key,
    outcome=_suspended_outcome,
    listed_status=_listed_suspension,
)


# --- certification_deadline --------------------------------------------------------------------------------

DeadlineKey = tuple[Any, ...]
"""``("certified",)``, ``("affiliate", state)``, ``("no rules",)``, ``("no deadline", joined)`` or
``("deadline", rule, obligation status, due, extended_from, joined)``."""
_CERTIFIED = ("certified",)
_NO_RULES = ("no rules",)


def _deadline_key(ctx: Context, args: Args) -> KeyOf[DeadlineKey]:
    certifications, deadlines, has_rules, as_of = ctx.certifications, ctx.deadlines, ctx.run.has_rules, ctx.as_of

    def key(cid: str, inst: Instance | None) -> DeadlineKey:
        assert inst is not None  # a membership check: the memo decides a company not admitted
        cert = certifications.get(cid)
        if cert is not None and cert.state == "icoca_certified":
            return _CERTIFIED
        # A suspended company keeps the deadline of the status it was suspended from.
        if (inst.previous if inst.state == "suspended" and inst.previous else inst.state) == "affiliate":
            return ("affiliate", inst.state)
        if not has_rules:
            return _NO_RULES
        joined = inst.data.get("admitted_on")
        ob = deadlines.get(cid)
        if ob is None:
            return ("no deadline", joined)
        state = ob.status
        if state is ObligationStatus.OPEN and ob.due <= as_of:
            state = ObligationStatus.FIRED  # due and not judged yet: the registry is stale (see _stale)
        return ("deadline", ob.rule, state, ob.due, ob.extended_from, joined)

    return key


def _deadline_outcome(run: Run, args: Args, key: DeadlineKey) -> Found:
    """The certification deadline the rules fixed for this company when its clock started: running,
    missed, met (then lapsed), or overridden by a registry document's recorded facts."""
    what = key[0]
    if what == "certified":
        return Found(_PASSED, "ICoCA certified", {"certification.state": "icoca_certified"})
    if what == "affiliate":
        return Found(_PASSED, "affiliates have no certification deadline", {"status": key[1]})
    if what == "no rules":
        missing = ("a rule set to compute the certification deadline",)
        return Found(_UNKNOWN, "the registry has no rules to compute the deadline", {}, missing)
    if what == "no deadline":
        joined = key[1]
        return Found(
            _UNKNOWN,
            f"no certification deadline applies (joined {joined})",
            {"company.joined": joined},
            (f"the certification deadline of a company that joined on {joined}",),
        )
    _, rid, status, due, extended_from, joined = key
    last_day = due - timedelta(days=1)
    used: dict[str, object] = {"company.joined": joined, "deadline": last_day, "rule": rid}
    extended = ""
    if extended_from is not None:
        used["extended_from"] = extended_from - timedelta(days=1)
        extended = f", extended from {(extended_from - timedelta(days=1)).isoformat()}"
    if status is ObligationStatus.OPEN:
        return Found(_PASSED, f"to certify by {last_day.isoformat()} ({rid}{extended})", used)
    if status is ObligationStatus.FIRED:
        return Found(_FAILED, f"not certified by its deadline {last_day.isoformat()} ({rid}{extended})", used)
    if status is ObligationStatus.OVERRIDDEN:
        return Found(
            _UNKNOWN,
            f"its deadline {last_day.isoformat()} ({rid}) passed, but the registry document records no "
            "consequence (a decision not recorded, or a deadline extended)",
            used,
            (f"the Board's decision on the certification deadline {last_day.isoformat()}",),
        )
    # Met (certified in time) and no longer certified, with no rule giving a new deadline.
    return Found(
        _FAILED,
        f"not ICoCA-certified: its certification deadline {last_day.isoformat()} ({rid}) was met, "
        "and no rule gives it a new one",
        used,
    )


CERTIFICATION_DEADLINE = Kind(
    description="ICoCA-certified, or its certification deadline has not passed",
    membership=Membership.CURRENT,
    key=_deadline_key,
    outcome=_deadline_outcome,
    # The deadline reads the self-assessment too: a member past its deadline becomes an affiliate
    # or faces termination according to its latest rating. An affiliate or a deadline still ahead
    # passes whatever the unknown value is.
    reads=("certification", "self_assessment"),
    pass_stands=True,
)


# --- self_assessment_submitted -----------------------------------------------------------------------------

AssessmentKey = tuple[Any, ...]
"""``("overdue", cycle, due, state)``, ``("new", joined)``, ``("no record",)`` or ``("on record", state)``."""
_NO_RECORD = ("no record",)


def _assessment_key(ctx: Context, args: Args) -> KeyOf[AssessmentKey]:
    overdue, records, suffix, cycle_due = ctx.csa_overdue, ctx.csa, ctx.csa_suffix, ctx.run.csa_cycle_due

    def key(cid: str, inst: Instance | None) -> AssessmentKey:
        assert inst is not None  # a membership check: the memo decides a company not admitted
        worst = overdue.get(cid)
        if worst is not None:
            return ("overdue", worst.data["cycle"], worst.data["due"], worst.state)
        joined = inst.data.get("admitted_on") or inst.since
        if cycle_due <= joined:
            return ("new", joined)
        latest = records.get(cid + suffix)
        if latest is None:
            return _NO_RECORD
        return ("on record", latest.state)

    return key


def _assessment_outcome(run: Run, args: Args, key: AssessmentKey) -> Found:
    what, year = key[0], run.csa_cycle
    if what == "overdue":
        _, cycle, due, state = key
        return Found(_FAILED, f"cycle {cycle} not submitted (due {due.isoformat()})", {"cycle": cycle, "state": state})
    if what == "new":
        return Found(_PASSED, "no self-assessment due yet since joining", {"company.joined": key[1]})
    if what == "no record":
        return Found(
            _UNKNOWN,
            f"no record for cycle {year}",
            {"cycle": year, "param self_assessment.due": run.csa_due},
            (f"the self-assessment record for cycle {year}",),
        )
    return Found(_PASSED, f"cycle {year} {key[1]}", {"cycle": year, "state": key[1]})


SELF_ASSESSMENT_SUBMITTED = Kind(
    description="the latest annual self-assessment due was submitted",
    membership=Membership.CURRENT,
    key=_assessment_key,
    outcome=_assessment_outcome,
    reads=("self_assessment",),
    pass_stands=True,  # "no self-assessment due yet since joining" needs no record
)
