"""A testing kit for suites that use icoc: Hypothesis strategies, state machines and builders.

- **Strategies** for every public model class, every event, :class:`~icoc.model.events.History`
  and :class:`~icoc.model.RegistryDocument`. icoc registers them as a Hypothesis plugin (the
  ``hypothesis`` entry point), so ``st.from_type(Company)`` and ``st.from_type(Admitted)`` work
  in any suite with icoc installed, without importing this package.
- **State machines** (:class:`RegistryMachine` and one per process) that drive a registry with
  legal and illegal events and check its invariants; subclass one to add your own invariant.
- **Builders** (:func:`admit`, :func:`certify`, :func:`open_case`) returning the events of the
  usual set-ups, ready for ``registry.submit_all``.

Values shrink towards small ones: a registry towards no members and no certification bodies
beyond those its certificates name, and towards only the standards it uses.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from icoc.testing._builders import admit, certify, open_case
from icoc.testing._events import causes, events, facts, histories
from icoc.testing._machines import RegistryMachine
from icoc.testing._payloads import candidate_events, valid_histories
from icoc.testing._pools import REFUSALS, MachineState
from icoc.testing._process_machines import (
    BoardMachine,
    CertificationMachine,
    CompanyStatusMachine,
    ComplaintMachine,
    ComplianceCaseMachine,
    MembershipMachine,
    MemberStatusMachine,
    ProcessMachine,
    SelfAssessmentMachine,
)
from icoc.testing._strategies import (
    MAX_DATE,
    MIN_DATE,
    boards,
    body_acceptances,
    certification_bodies,
    citations,
    civil_society_organisations,
    code_paragraphs,
    code_sections,
    companies,
    complainants,
    complaints,
    compliance_cases,
    corrective_action_plans,
    corrective_actions,
    countries,
    dates,
    directors,
    dues_bands,
    external_certificates,
    fee_schedules,
    governments,
    icoca_certifications,
    identifiers,
    member_ids,
    observers,
    payments,
    registries,
    self_assessments,
    standards,
    surveillance_audits,
)

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "REFUSALS",
    "BoardMachine",
    "CertificationMachine",
    "CompanyStatusMachine",
    "ComplaintMachine",
    "ComplianceCaseMachine",
    "MachineState",
    "MemberStatusMachine",
    "MembershipMachine",
    "ProcessMachine",
    "RegistryMachine",
    "SelfAssessmentMachine",
    "admit",
    "boards",
    "citations",
    "candidate_events",
    "causes",
    "body_acceptances",
    "certification_bodies",
    "certify",
    "civil_society_organisations",
    "code_paragraphs",
    "code_sections",
    "companies",
    "complainants",
    "complaints",
    "compliance_cases",
    "corrective_action_plans",
    "corrective_actions",
    "countries",
    "dates",
    "directors",
    "dues_bands",
    "events",
    "external_certificates",
    "facts",
    "fee_schedules",
    "governments",
    "histories",
    "icoca_certifications",
    "identifiers",
    "member_ids",
    "observers",
    "open_case",
    "payments",
    "registries",
    "self_assessments",
    "standards",
    "strategy_for",
    "surveillance_audits",
    "valid_histories",
]


def strategy_for(cls: type[Any]) -> st.SearchStrategy[Any]:
    """The strategy ``st.from_type(cls)`` uses for a public icoc class (model, event,
    ``History``, ``RegistryDocument``). Raises :class:`LookupError` for any other class."""
    from icoc.testing._events import strategy_for_event
    from icoc.testing._strategies import strategy_for_model

    found = strategy_for_model(cls)
    if found is None:
        found = strategy_for_event(cls)
    if found is None:
        raise LookupError(f"icoc.testing has no strategy for {cls!r}")
    return found
