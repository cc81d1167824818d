"""The plan of a document import: every record kind's events, in the order they are applied.

Members' own histories are planned first, then the board, complaints and cases; the terminations
and withdrawals are applied last (see :func:`icoc.importing._common.in_order`).
"""

from __future__ import annotations

from icoc.errors import InvalidInput, Problem
from icoc.importing._board import plan_board
from icoc.importing._cases import plan_case, plan_complaint, plans_by_case
from icoc.importing._common import Planner, Step, check_id_space, in_order, non_company_members
from icoc.importing._members import plan_company, plan_member
from icoc.importing._self_assessments import plan_self_assessment
from icoc.model.document import RegistryDocument
from icoc.model.events import Event
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet


def plan_document(doc: RegistryDocument, parameters: ParameterSet) -> list[Step]:
    """Every step of the import of ``doc`` in the order it is applied; raises InvalidInput
    naming ``$`` when ``doc`` is not a RegistryDocument, or the record the plan cannot follow."""
    if not isinstance(doc, RegistryDocument):
        raise InvalidInput(Problem("$", f"expected a RegistryDocument, got {type(doc).__name__}"))
    p = Planner(doc, parameters)
    check_id_space(doc)
    for i, c in enumerate(doc.companies):
        plan_company(p, i, c)
    for path, m in non_company_members(doc):
        plan_member(p, path, m)
    for i, sa in enumerate(doc.self_assessments):
        plan_self_assessment(p, i, sa)
    plan_board(p)
    plans = plans_by_case(p)
    for i, cp in enumerate(doc.complaints):
        plan_complaint(p, i, cp)
    for i, case in enumerate(doc.cases):
        plan_case(p, i, case, plans.get(case.id))
    return in_order(p)


def events_from_document(doc: RegistryDocument, *, parameters: ParameterSet = DEFAULT_PARAMETERS) -> list[Event]:
    """The events that lead to ``doc``, in the order they are applied (each subject's in date
    order), each with the cause :data:`IMPORT_CAUSE`. ``parameters`` supply the usual
    self-assessment dispatch date when one is missing and the Board's term length.

    Raises InvalidInput naming the document record (``$.companies[3]...``) whose events cannot
    be written: a company providing no security services, a case or complaint id that is also
    another subject's, records that contradict each other.
    """
    return [s.event for s in plan_document(doc, parameters)]
