"""Each ICoCA process as an explicit transition table: what *can* happen, and why not.

``PROCESSES`` maps a process name to its table; ``icoc diagram NAME`` renders one as Mermaid.
"""

from __future__ import annotations

from icoc.model.events import ApplicantKind, ApplicationSubmitted
from icoc.workflows._table import (
    NONE,
    PREVIOUS,
    Guard,
    GuardContext,
    Instance,
    SubjectKind,
    TableError,
    Transition,
    TransitionTable,
    guard,
)

__all__ = [
    "NONE",
    "PREVIOUS",
    "PROCESSES",
    "Guard",
    "GuardContext",
    "Instance",
    "SubjectKind",
    "TableError",
    "Transition",
    "TransitionTable",
    "guard",
    "subject_kind_of_application",
]


def subject_kind_of_application(event: ApplicationSubmitted) -> SubjectKind:
    """What an applicant becomes: a company only if it provides security services."""
    if event.applicant is ApplicantKind.COMPANY:
        return SubjectKind.COMPANY if event.provides_security_services else SubjectKind.OBSERVER
    if event.applicant is ApplicantKind.CSO:
        return SubjectKind.CSO
    if event.applicant is ApplicantKind.GOVERNMENT:
        return SubjectKind.GOVERNMENT
    return SubjectKind.OBSERVER


def _load() -> dict[str, TransitionTable]:
    from icoc.workflows import (
        board,
        certification,
        company_status,
        complaints,
        compliance,
        external_certificate,
        member_status,
        membership,
        self_assessment,
    )

    tables = (
        membership.TABLE,
        company_status.TABLE,
        member_status.TABLE,
        certification.TABLE,
        external_certificate.TABLE,
        self_assessment.TABLE,
        compliance.TABLE,
        complaints.TABLE,
        board.TABLE,
    )
    return {t.process: t for t in tables}


PROCESSES: dict[str, TransitionTable] = _load()
"""Every process by name, in the order they are documented."""
