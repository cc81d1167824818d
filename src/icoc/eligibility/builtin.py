"""The built-in policies. "Good standing" has no published definition [P]: the default below
is icoc's, named and documented so procurement teams can cite, tighten or loosen it."""

from __future__ import annotations

from icoc.eligibility._policy import Policy, Requirement
from icoc.model.citation import Citation, Mark
from icoc.model.members import ACTIVE_STATUSES as _ACTIVE
from icoc.model.members import MEMBER_STATUSES as _MEMBERS

__all__ = ["BUILTIN_POLICIES", "accept_affiliates"]

_ARTICLES = "ICoCA Articles of Association"
_ART3 = Citation(document=_ARTICLES, article="Art. 3 (membership)")
_DEFAULT = Citation(document="icoc default definition of good standing (no published definition)", mark=Mark.PARAMETER)
_ART11 = Citation(document=_ARTICLES, article="Art. 11 (certification)")
_ART12 = Citation(document=_ARTICLES, article="Art. 12 (monitoring)")
_DOS = "U.S. Department of State, Worldwide Protective Services (WPS II): ICoCA membership in good standing"

MEMBER_STATUSES = tuple(str(s) for s in _MEMBERS)
ACTIVE_STATUSES = tuple(str(s) for s in _ACTIVE)

ACTIVE = Requirement(
    id="active",
    title="active member or affiliate",
    check="status_in",
    citation=_ART3,
    args={"statuses": ACTIVE_STATUSES},
)
MEMBER = Requirement(
    id="active",
    title="active member (affiliates not accepted)",
    check="status_in",
    citation=_ART3,
    args={"statuses": (*MEMBER_STATUSES, "suspended")},
)
NOT_SUSPENDED = Requirement(id="not-suspended", title="not suspended", check="not_suspended", citation=_ART12)
DEADLINE = Requirement(
    id="certification-deadline",
    title="certified or within its certification deadline",
    check="certification_deadline",
    citation=_ART11,
)
CSA = Requirement(
    id="self-assessment", title="annual self-assessment submitted", check="self_assessment_submitted", citation=_ART12
)
NO_PROCEEDINGS = Requirement(
    id="no-proceedings", title="no disciplinary proceedings open", check="no_disciplinary_proceedings", citation=_ART12
)
CERTIFIED = Requirement(id="icoca-certified", title="ICoCA certified", check="icoca_certified", citation=_ART11)

GOOD_STANDING = Policy(
    id="icoca-good-standing",
    title="ICoCA membership in good standing (icoc default)",
    description="An active PSC member or affiliate, not suspended, terminated or withdrawn, certified or within "
    "its certification deadline, annual self-assessment submitted, no disciplinary proceedings open.",
    requirements=(
        ACTIVE.__class__(
            id="active",
            title="active member or affiliate",
            check="status_in",
            citation=_DEFAULT,
            args={"statuses": ACTIVE_STATUSES},
        ),
        NOT_SUSPENDED,
        DEADLINE,
        CSA,
        NO_PROCEEDINGS,
    ),
)

CERTIFIED_MEMBER = Policy(
    id="certified-member",
    title="ICoCA certified member",
    description="Good standing, and ICoCA certification in force (the lowest risk on ICoCA's client ladder).",
    requirements=(ACTIVE, NOT_SUSPENDED, CERTIFIED, CSA, NO_PROCEEDINGS),
)

MARITIME = Policy(
    id="maritime",
    title="ICoCA certified, holding ISO 28007 (maritime security)",
    description="Certified member (ICoCA certification in force in any scope) holding an ISO 28007 certificate in "
    "force from a body accepted for it; the ICoCA certification may rest on another certificate. To require "
    "ICoCA's own certification for maritime work, add `icoca_certified` with `scopes: [maritime]`.",
    requirements=(
        *CERTIFIED_MEMBER.requirements,
        Requirement(
            id="iso-28007",
            title="certified to ISO 28007",
            check="certified_to_standard",
            citation=Citation(document="ISO 28007-1:2015; client requirement for maritime work"),
            args={"standards": ("ISO-28007",)},
        ),
    ),
)

US_DOS = Policy(
    id="us-dos-protective-services",
    title="U.S. State Department protective services: ICoCA membership in good standing",
    description="Members (not affiliates) in good standing that operate in accordance with the Code; what the "
    "Department does not publish — which open cases count against 'in accordance with the Code' — is the "
    "`min_severity` argument (default: high).",
    requirements=(
        Requirement(
            id="active",
            title="active ICoCA member",
            check="status_in",
            citation=Citation(document=_DOS),
            args={"statuses": (*MEMBER_STATUSES, "suspended")},
        ),
        NOT_SUSPENDED,
        DEADLINE,
        CSA,
        NO_PROCEEDINGS,
        Requirement(
            id="code-compliance",
            title="operates in accordance with the Code",
            check="no_open_cases",
            citation=Citation(document=_DOS + "; the Code"),
            args={"min_severity": "high"},
        ),
    ),
)


def accept_affiliates(policy: Policy) -> Policy:
    """A copy of ``policy`` whose status requirements also accept affiliates (a loosening)."""
    reqs = []
    for r in policy.requirements:
        if r.check == "status_in" and "affiliate" not in r.args["statuses"]:
            r = Requirement(
                id=r.id,
                title=r.title.replace(" (affiliates not accepted)", "") + " or affiliate",
                check=r.check,
                citation=r.citation,
                args={"statuses": (*r.args["statuses"], "affiliate")},
            )
        reqs.append(r)
    return Policy(
        id=f"{policy.id}.affiliates",
        title=f"{policy.title}, affiliates accepted",
        requirements=tuple(reqs),
        description=policy.description,
    )


BUILTIN_POLICIES: dict[str, Policy] = {
    p.id: p for p in (GOOD_STANDING, CERTIFIED_MEMBER, MARITIME, US_DOS, accept_affiliates(US_DOS))
}
"""Policies by id: icoca-good-standing, certified-member, maritime, us-dos-protective-services
(and its affiliates-accepted variant)."""
