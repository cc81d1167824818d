"""Hypothesis strategies for every public icoc model type, and the index ``st.from_type`` reads.

Each strategy builds a valid value directly (nothing is filtered away), so suites can compose
them freely; optional arguments pin a field or bound the dates a value records. ``as_of`` always
means "every date this value records is on or before this day", as in a registry document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

from icoc.model import (
    Board,
    BodyAcceptance,
    CaseId,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    Citation,
    CivilSocietyOrganisation,
    CodeSection,
    Company,
    Complainant,
    Complaint,
    ComplaintId,
    ComplianceCase,
    CorrectiveAction,
    CorrectiveActionPlan,
    Director,
    DirectorId,
    DuesBand,
    ExternalCertificate,
    FeeSchedule,
    Government,
    IcocaCertification,
    ListedFact,
    MemberId,
    Observer,
    Payment,
    PlanId,
    RegistryDocument,
    SelfAssessment,
    Standard,
    StandardId,
    SurveillanceAudit,
    UnregisteredCompany,
)
from icoc.testing._basics import (
    MAX_DATE,
    MIN_DATE,
    citations,
    code_paragraphs,
    code_sections,
    countries,
    dates,
    identifiers,
    member_ids,
)
from icoc.testing._certification import (
    body_acceptances,
    certification_bodies,
    external_certificates,
    icoca_certifications,
    standards,
    surveillance_audits,
)
from icoc.testing._documents import listed_facts, registries, unregistered_companies
from icoc.testing._governance import boards, directors, dues_bands, fee_schedules, payments
from icoc.testing._members import civil_society_organisations, companies, governments, observers
from icoc.testing._monitoring import (
    complainants,
    complaints,
    compliance_cases,
    corrective_action_plans,
    corrective_actions,
    self_assessments,
)

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "boards",
    "body_acceptances",
    "certification_bodies",
    "citations",
    "civil_society_organisations",
    "code_paragraphs",
    "code_sections",
    "companies",
    "compliance_cases",
    "complainants",
    "complaints",
    "corrective_action_plans",
    "corrective_actions",
    "countries",
    "dates",
    "directors",
    "dues_bands",
    "external_certificates",
    "fee_schedules",
    "governments",
    "icoca_certifications",
    "identifiers",
    "member_ids",
    "observers",
    "payments",
    "registries",
    "self_assessments",
    "standards",
    "surveillance_audits",
    "strategy_for_model",
]

# --- st.from_type ------------------------------------------------------------------------------

_BY_TYPE: Mapping[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
    Company: companies,
    CivilSocietyOrganisation: civil_society_organisations,
    Government: governments,
    Observer: observers,
    Standard: standards,
    CertificationBody: certification_bodies,
    BodyAcceptance: body_acceptances,
    SurveillanceAudit: surveillance_audits,
    ExternalCertificate: external_certificates,
    IcocaCertification: icoca_certifications,
    SelfAssessment: self_assessments,
    ComplianceCase: compliance_cases,
    CorrectiveAction: corrective_actions,
    CorrectiveActionPlan: corrective_action_plans,
    Complainant: complainants,
    Complaint: complaints,
    Director: directors,
    Board: boards,
    DuesBand: dues_bands,
    FeeSchedule: fee_schedules,
    Payment: payments,
    CodeSection: code_sections,
    Citation: citations,
    RegistryDocument: registries,
    ListedFact: listed_facts,
    UnregisteredCompany: unregistered_companies,
}
_ID_TYPES: tuple[Any, ...] = (
    MemberId,
    StandardId,
    CertificationBodyId,
    CertificateId,
    CaseId,
    PlanId,
    ComplaintId,
    DirectorId,
)


def strategy_for_model(cls: type[Any]) -> st.SearchStrategy[Any] | None:
    """The strategy for a public model class, or None if ``cls`` is not one."""
    factory = _BY_TYPE.get(cls)
    return factory() if factory is not None else None


def _register_types() -> None:
    """Make ``st.from_type`` (and ``st.builds`` inference) produce only valid icoc values."""
    for cls, strategy in _BY_TYPE.items():
        st.register_type_strategy(cls, strategy())
    for id_type in _ID_TYPES:  # NewTypes of str: without this they would be arbitrary text
        st.register_type_strategy(id_type, identifiers())


_register_types()
