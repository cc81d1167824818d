"""Reporting, monitoring and assessing performance (Art. 12): self-assessments, compliance
cases opened from concerns and findings, and corrective action plans."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.code import is_code_paragraph
from icoc.model.ids import CaseId, ComplaintId, MemberId, PlanId
from icoc.model.sensitivity import Sensitivity, hidden, sensitive

__all__ = [
    "CaseStage",
    "ComplianceCase",
    "ConcernCategory",
    "CorrectiveAction",
    "CorrectiveActionPlan",
    "FindingSource",
    "SelfAssessment",
    "Severity",
]


def code_paragraphs(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A sorted tuple of distinct Code paragraphs, each in the 1-70 map."""
    if not isinstance(value, tuple):
        raise v.invalid(instance, attribute.name, f"expected a tuple of Code paragraphs, got {value!r}")
    for i, p in enumerate(value):
        if not is_code_paragraph(p):
            raise v.invalid(
                instance,
                f"{attribute.name}[{i}]",
                f"{p!r} is not a paragraph of the Code (paragraphs run from 1 to 70)",
            )
    if list(value) != sorted(set(value)):
        raise v.invalid(instance, attribute.name, "Code paragraphs must be distinct and in ascending order")


def _satisfactory(instance: SelfAssessment, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.typed(bool))(instance, attribute, value)
    if value is not None and instance.submitted is None:
        raise v.invalid(instance, attribute.name, "an assessment not submitted cannot be rated")


@attrs.frozen(kw_only=True)
class SelfAssessment:
    """The annual company self-assessment (CSA), compulsory for members and affiliates.

    ``satisfactory`` is ``None`` until the Secretariat has rated the submission.
    """

    company: MemberId = attrs.field(validator=v.identifier)
    cycle: int = attrs.field(validator=v.int_range(2013, 9999))
    due: date = attrs.field(validator=v.a_date)
    sent: date | None = attrs.field(
        default=None,
        validator=v.optional(v.a_date),
    )
    submitted: date | None = attrs.field(
        default=None,
        validator=v.optional(v.not_before("sent", "an assessment cannot be submitted before it was sent")),
    )
    satisfactory: bool | None = attrs.field(default=None, validator=_satisfactory)

    def __attrs_post_init__(self) -> None:
        if self.sent is not None and self.due < self.sent:
            raise v.invalid(self, "due", f"{self.due.isoformat()} is before sent {self.sent.isoformat()}")

    def late(self) -> bool:
        """Submitted after its due date."""
        return self.submitted is not None and self.submitted > self.due


class FindingSource(StrEnum):
    """Where a compliance concern came from (Art. 12 sources, plus complaints and requests)."""

    REMOTE_MONITORING = "remote_monitoring"
    SELF_ASSESSMENT = "self_assessment"
    FIELD_BASED_REVIEW = "field_based_review"
    COMPLAINT = "complaint"
    MEMBER_REQUEST = "member_request"


class ConcernCategory(StrEnum):
    """The categories ICoCA uses in its reports on concerns."""

    PERSONNEL_MISCONDUCT = "personnel_misconduct"
    MANAGEMENT_AND_GOVERNANCE = "management_and_governance"
    OTHER = "other"


class Severity(StrEnum):
    """How serious a compliance concern is, as the Secretariat assesses it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class CaseStage(StrEnum):
    """The escalation ladder of a compliance case (Art. 12 procedure)."""

    CONCERN = "concern"
    DIALOGUE = "dialogue"
    RESOLVED = "resolved"
    REFERRED_TO_BOARD = "referred_to_board"
    CORRECTIVE_ACTION = "corrective_action"
    IMPLEMENTED = "implemented"
    SUSPENSION_PROCEEDINGS = "suspension_proceedings"

    @property
    def is_open(self) -> bool:
        return self not in (CaseStage.RESOLVED, CaseStage.IMPLEMENTED)

    @property
    def is_disciplinary(self) -> bool:
        """Before the Board: referred, corrective action recommended, or suspension proceedings."""
        return self in (
            CaseStage.REFERRED_TO_BOARD,
            CaseStage.CORRECTIVE_ACTION,
            CaseStage.SUSPENSION_PROCEEDINGS,
        )


def _closed(instance: ComplianceCase, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.stage.is_open and value is not None:
        raise v.invalid(instance, attribute.name, f"an open case (stage {instance.stage.value}) has no closing date")
    if not instance.stage.is_open and value is None:
        raise v.invalid(instance, attribute.name, f"a case at stage {instance.stage.value} needs its closing date")
    v.optional(v.not_before("opened", "a case cannot close before it opened"))(instance, attribute, value)


@attrs.frozen(kw_only=True)
class ComplianceCase:
    """A compliance concern or finding about a company and where it stands on the ladder."""

    id: CaseId = attrs.field(validator=v.identifier)
    company: MemberId = attrs.field(validator=v.identifier)
    opened: date = attrs.field(validator=v.a_date)
    source: FindingSource = attrs.field(validator=v.enum(FindingSource))
    category: ConcernCategory = attrs.field(validator=v.enum(ConcernCategory))
    code_paragraphs: tuple[int, ...] = attrs.field(default=(), validator=code_paragraphs)
    severity: Severity = attrs.field(default=Severity.MEDIUM, validator=v.enum(Severity))
    stage: CaseStage = attrs.field(default=CaseStage.CONCERN, validator=v.enum(CaseStage))
    closed: date | None = attrs.field(default=None, validator=_closed)
    complaint: ComplaintId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    """The complaint that opened this case, when it came from one."""
    summary: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    """Notes on the concern: dialogue contents and field-review findings, confidential."""

    def __attrs_post_init__(self) -> None:
        if (self.source is FindingSource.COMPLAINT) != (self.complaint is not None):
            raise v.invalid(self, "complaint", "a case names its complaint exactly when its source is 'complaint'")


@attrs.frozen(kw_only=True)
class CorrectiveAction:
    """One action of a corrective action plan, due on ``due``, done on ``completed`` if it was."""

    description: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    due: date = attrs.field(validator=v.a_date)
    completed: date | None = attrs.field(default=None, validator=v.optional(v.a_date))


def _actions_in_plan(instance: CorrectiveActionPlan, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, action in enumerate(value):
        if action.due < instance.recommended:
            raise v.invalid(
                instance, f"{attribute.name}[{i}].due", "an action cannot fall due before the plan was recommended"
            )
        if action.due > instance.deadline:
            raise v.invalid(
                instance, f"{attribute.name}[{i}].due", "an action cannot fall due after the plan's deadline"
            )
        if action.completed is not None and action.completed < instance.recommended:
            raise v.invalid(
                instance, f"{attribute.name}[{i}].completed", "an action cannot be completed before it was recommended"
            )


def _verified(instance: CorrectiveActionPlan, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional(v.not_before("recommended", "a plan cannot be verified before it was recommended"))(
        instance, attribute, value
    )
    if value is not None and any(a.completed is None for a in instance.actions):
        raise v.invalid(instance, attribute.name, "a plan with open actions cannot be verified")


@attrs.frozen(kw_only=True)
class CorrectiveActionPlan:
    """Corrective action the Board recommended on a case, with its deadline and verification."""

    id: PlanId = attrs.field(validator=v.identifier)
    case: CaseId = attrs.field(validator=v.identifier)
    company: MemberId = attrs.field(validator=v.identifier)
    recommended: date = attrs.field(validator=v.a_date)
    deadline: date = attrs.field(
        validator=[v.a_date, v.not_before("recommended", "a deadline cannot precede the recommendation")]
    )
    actions: tuple[CorrectiveAction, ...] = attrs.field(
        default=(), validator=[v.tuple_of(CorrectiveAction), _actions_in_plan]
    )
    verified: date | None = attrs.field(default=None, validator=_verified)

    def overdue(self, on: date) -> bool:
        """Past its deadline without verification."""
        return self.verified is None and on > self.deadline
