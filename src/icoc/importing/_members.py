"""Members as events: companies, civil society organisations, governments and observers.

Members apply, are reviewed (companies only) and are admitted on ``joined``: a company as member,
transitional member or affiliate by its status (a certified member, and a terminated or withdrawn
company, as member; a suspended one as the status it was suspended from), an observer as
observer, CSOs and governments as members. ``Suspended``, ``Terminated`` or ``Withdrew`` follow on
``status_since`` (``as_of`` when a CSO, government or observer has none), with a company's
``status_ground`` as their ground (``other`` when absent) and its ``status_reason`` as their
(company-level) reason (a stock phrase when absent). A company's certifications are planned with
it (:mod:`icoc.importing._certification`).
"""

from __future__ import annotations

from typing import Any

from icoc.errors import InvalidInput, Problem
from icoc.importing._certification import plan_certifications
from icoc.importing._common import RECORDED, Group, Planner
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Event,
    Ground,
    Suspended,
    Terminated,
    Withdrew,
)
from icoc.model.members import (
    CivilSocietyOrganisation,
    Company,
    CompanyStatus,
    Government,
    MembershipStatus,
    Observer,
)
from icoc.model.sensitivity import Sensitivity, withheld

_COMPANY_ADMISSION = {
    CompanyStatus.MEMBER: Admission.MEMBER,
    CompanyStatus.TRANSITIONAL_MEMBER: Admission.TRANSITIONAL_MEMBER,
    CompanyStatus.AFFILIATE: Admission.AFFILIATE,
    CompanyStatus.CERTIFIED_MEMBER: Admission.MEMBER,  # certified by its certification events
}


def _admit(p: Planner, member: str, path: str, application: ApplicationSubmitted, admission: Admission) -> None:
    on = application.effective
    p.life(member, application, path, Group.ADMISSION)
    if application.applicant is ApplicantKind.COMPANY:
        p.life(member, p.make(path, DueDiligenceStarted, subject=member, effective=on), path, Group.ADMISSION)
    admitted = p.make(path, Admitted, subject=member, effective=on, admission=admission)
    p.life(member, admitted, path, Group.ADMISSION)


def plan_company(p: Planner, i: int, c: Company) -> None:
    """The history of ``$.companies[i]``: admission, certifications, then its status.

    Raises InvalidInput naming ``$.companies[i].provides_security_services`` for a company that
    provides no security services (the registry makes it an observer).
    """
    path = f"$.companies[{i}]"
    if not c.provides_security_services:
        raise InvalidInput(
            Problem(
                f"{path}.provides_security_services",
                "a company that provides no security services joins the registry as an observer, "
                f"not with the company status {c.status.value!r}; list it under observers",
            )
        )
    entry = c.suspended_from if c.status is CompanyStatus.SUSPENDED else c.status
    assert entry is not None  # the model requires suspended_from on a suspended company
    admission = _COMPANY_ADMISSION.get(entry, Admission.MEMBER)
    application = p.make(
        path,
        ApplicationSubmitted,
        subject=c.id,
        effective=c.joined,
        applicant=ApplicantKind.COMPANY,
        name=c.name,
        country=c.country,
        provides_security_services=c.provides_security_services,
        services=c.services,
        swiss_pssa=c.swiss_pssa,
    )
    _admit(p, c.id, path, application, admission)
    plan_certifications(p, c)
    since = c.status_since
    ending: Event | None = None
    ground = c.status_ground if c.status_ground is not None else Ground.OTHER
    # A withheld reason (an export's marker) is no reason: the stock phrase stands in for it.
    given = c.status_reason if c.status_reason != withheld(Sensitivity.COMPANY) else None
    if c.status is CompanyStatus.SUSPENDED:
        reason = given or f"suspended, {RECORDED}"
        ending = p.make(path, Suspended, subject=c.id, effective=since, reason=reason, ground=ground)
    elif c.status is CompanyStatus.TERMINATED:
        reason = given or f"terminated, {RECORDED}"
        ending = p.make(path, Terminated, subject=c.id, effective=since, reason=reason, ground=ground)
    elif c.status is CompanyStatus.WITHDRAWN:
        ending = p.make(path, Withdrew, subject=c.id, effective=since, ground=ground, reason=given)
    if ending is not None:
        p.life(c.id, ending, path, Group.STATUS)


def plan_member(p: Planner, path: str, m: CivilSocietyOrganisation | Government | Observer) -> None:
    """The history of a CSO, government or observer at ``path``: admission, then its status."""
    fields: dict[str, Any] = {"subject": m.id, "effective": m.joined, "name": m.name, "country": m.country}
    admission = Admission.MEMBER
    if isinstance(m, CivilSocietyOrganisation):
        fields["applicant"] = ApplicantKind.CSO
    elif isinstance(m, Government):
        fields.update(applicant=ApplicantKind.GOVERNMENT, government_kind=m.kind)
    else:
        fields.update(applicant=ApplicantKind.OTHER, observer_kind=m.kind)
        admission = Admission.OBSERVER
    _admit(p, m.id, path, p.make(path, ApplicationSubmitted, **fields), admission)
    on = m.status_since if m.status_since is not None else p.as_of
    ending: Event | None = None
    if m.status is MembershipStatus.SUSPENDED:
        ending = p.make(path, Suspended, subject=m.id, effective=on, reason=f"suspended, {RECORDED}")
    elif m.status is MembershipStatus.TERMINATED:
        ending = p.make(path, Terminated, subject=m.id, effective=on, reason=f"terminated, {RECORDED}")
    elif m.status is MembershipStatus.WITHDRAWN:
        ending = p.make(path, Withdrew, subject=m.id, effective=on)
    if ending is not None:
        p.life(m.id, ending, path, Group.STATUS)
