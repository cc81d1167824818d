"""Guards shared by several processes."""

from __future__ import annotations

from icoc.model.events import Event
from icoc.workflows._table import GuardContext, Instance, SubjectKind, guard

COMPANY_STATUS = "company-status"
MEMBER_STATUS = "member-status"
ACTIVE_COMPANY_STATES = frozenset({"member", "transitional_member", "affiliate", "certified_member", "suspended"})


def company_active(ctx: GuardContext, company: str) -> str | None:
    """``None`` when ``company`` is an active member or affiliate, else why not."""
    if ctx.kind_of(company) is not SubjectKind.COMPANY:
        return f"{company!r} is not a known company"
    inst = ctx.instance(COMPANY_STATUS, company)
    if inst is None:
        return f"{company!r} has not been admitted"
    if inst.state not in ACTIVE_COMPANY_STATES:
        return f"{company!r} is {inst.state}, not an active member or affiliate"
    return None


@guard("the subject is an active member or affiliate")
def _subject_company_active(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    return company_active(ctx, event.subject)


subject_company_active = _subject_company_active
