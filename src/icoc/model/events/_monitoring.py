"""Monitoring events: the annual company self-assessment and compliance cases (Art. 12)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.events._base import Event
from icoc.model.ids import ComplaintId, MemberId, PlanId
from icoc.model.monitoring import ConcernCategory, CorrectiveAction, FindingSource, Severity, code_paragraphs
from icoc.model.sensitivity import Sensitivity, hidden, sensitive

# --- annual company self-assessment -----------------------------------------------------


def cycle_key(company: str, cycle: int) -> str:
    """The key of a company's self-assessment instance for one yearly cycle."""
    return company + cycle_suffix(cycle)


def cycle_suffix(cycle: int) -> str:
    """What :func:`cycle_key` appends to the company id (to build many keys of one cycle)."""
    return f"#{cycle}"


@attrs.frozen(kw_only=True)
class _CycleEvent(Event):
    cycle: int = attrs.field(validator=v.int_range(2013, 9999))

    @property
    def key(self) -> str:
        return cycle_key(self.subject, self.cycle)


@attrs.frozen(kw_only=True)
class SelfAssessmentSent(_CycleEvent):
    """The Secretariat sends the annual self-assessment for ``cycle`` (a year), due on ``due``."""

    TYPE: ClassVar[str] = "self_assessment_sent"
    due: date = attrs.field(validator=[v.a_date, v.not_before("effective", "it cannot fall due before it is sent")])


@attrs.frozen(kw_only=True)
class SelfAssessmentSubmitted(_CycleEvent):
    """The company submits its self-assessment for ``cycle`` (late submissions included)."""

    TYPE: ClassVar[str] = "self_assessment_submitted"


@attrs.frozen(kw_only=True)
class SelfAssessmentRated(_CycleEvent):
    """The Secretariat rates the submitted self-assessment for ``cycle`` satisfactory or not."""

    TYPE: ClassVar[str] = "self_assessment_rated"
    satisfactory: bool = attrs.field(validator=v.typed(bool))


@attrs.frozen(kw_only=True)
class SelfAssessmentMissed(_CycleEvent):
    """Not submitted by its due date: a termination ground in ICoCA's statistics."""

    TYPE: ClassVar[str] = "self_assessment_missed"


# --- compliance case (Art. 12) ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class CaseOpened(Event):
    """A compliance concern about a company; ``subject`` is the case id."""

    TYPE: ClassVar[str] = "case_opened"
    company: MemberId = attrs.field(validator=v.identifier)
    source: FindingSource = attrs.field(validator=v.enum(FindingSource))
    category: ConcernCategory = attrs.field(validator=v.enum(ConcernCategory))
    code_paragraphs: tuple[int, ...] = attrs.field(default=(), validator=code_paragraphs)
    severity: Severity = attrs.field(default=Severity.MEDIUM, validator=v.enum(Severity))
    complaint: ComplaintId | None = attrs.field(default=None, validator=v.optional(v.identifier))

    def __attrs_post_init__(self) -> None:
        if (self.source is FindingSource.COMPLAINT) != (self.complaint is not None):
            raise v.invalid(self, "complaint", "a case names its complaint exactly when its source is 'complaint'")


@attrs.frozen(kw_only=True)
class DialogueOpened(Event):
    """Confidential dialogue between the Secretariat and the company, with recommendations."""

    TYPE: ClassVar[str] = "dialogue_opened"


@attrs.frozen(kw_only=True)
class CaseResolved(Event):
    """The case is closed without further steps (the concern was addressed in dialogue or unfounded)."""

    TYPE: ClassVar[str] = "case_resolved"


@attrs.frozen(kw_only=True)
class ReferredToBoard(Event):
    """The Executive Director refers the case to the Board."""

    TYPE: ClassVar[str] = "referred_to_board"


@attrs.frozen(kw_only=True)
class CorrectiveActionRecommended(Event):
    """The Board first recommends corrective action, with a deadline."""

    TYPE: ClassVar[str] = "corrective_action_recommended"
    plan: PlanId = attrs.field(validator=v.identifier)
    deadline: date = attrs.field(validator=[v.a_date, v.not_before("effective", "a deadline cannot precede it")])
    actions: tuple[CorrectiveAction, ...] = attrs.field(default=(), validator=v.tuple_of(CorrectiveAction))


@attrs.frozen(kw_only=True)
class CorrectiveActionVerified(Event):
    """The Secretariat verifies that the corrective action plan was implemented."""

    TYPE: ClassVar[str] = "corrective_action_verified"


@attrs.frozen(kw_only=True)
class SuspensionProceedingsOpened(Event):
    """On continued or repeated non-compliance, a pattern of it, or bad faith."""

    TYPE: ClassVar[str] = "suspension_proceedings_opened"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.SECRETARIAT), repr=hidden(Sensitivity.SECRETARIAT)
    )
