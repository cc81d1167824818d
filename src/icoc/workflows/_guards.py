"""Guards shared by several processes."""

from __future__ import annotations

from datetime import date

from icoc.model.events import Event
from icoc.model.members import ACTIVE_STATUSES
from icoc.workflows._table import GuardContext, Instance, SubjectKind, guard

COMPANY_STATUS = "company-status"
MEMBER_STATUS = "member-status"
ACTIVE_COMPANY_STATES = frozenset(str(s) for s in ACTIVE_STATUSES)


def company_active(ctx: GuardContext, company: str, on: date | None = None) -> str | None:
    """``None`` when ``company`` is an active member or affiliate, else why not.

    With ``on`` (the event's date), the company's current status must already hold on that
    date: guards read the current state, so an event about another subject may not be dated
    before that subject's status began.
    """
    if ctx.kind_of(company) is not SubjectKind.COMPANY:
        return f"{company!r} is not a known company"
    inst = ctx.instance(COMPANY_STATUS, company)
    if inst is None:
        return f"{company!r} has not been admitted"
    if inst.state not in ACTIVE_COMPANY_STATES:
        return f"{company!r} is {inst.state}, not an active member or affiliate"
    return dated_after(inst, company, on)


def dated_after(inst: Instance, who: str, on: date | None) -> str | None:
    """Refuse an event dated before ``who``'s current state began (it was not true then)."""
    if on is not None and on < inst.since:
        return (
            f"dated {on.isoformat()}, before {who!r} became {inst.state} on {inst.since.isoformat()}; "
            "submit events about related subjects in date order"
        )
    return None


@guard("the subject is an active member or affiliate")
def _subject_company_active(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    return company_active(ctx, event.subject, event.effective)


subject_company_active = _subject_company_active
