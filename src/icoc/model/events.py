"""Events: the only way state changes. Each is frozen, dated, names its subject and its cause
(an actor, or a rule with its citation and the facts it used), and carries its payload.

In JSON an event is an object with a ``type`` tag (``"admitted"``, ``"suspended"``, ...).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

import attrs

from icoc.model import _validate as v
from icoc.model.certificates import ExternalCertificate
from icoc.model.complaints import Complainant, ComplaintKind, ComplaintRoute
from icoc.model.ids import CaseId, CertificateId, ComplaintId, DirectorId, MemberId, PlanId
from icoc.model.members import GovernmentKind, ObserverKind, Pillar, ServiceDomain
from icoc.model.monitoring import ConcernCategory, CorrectiveAction, FindingSource, Severity, code_paragraphs
from icoc.model.sensitivity import Audience, Sensitivity, hidden, sensitive, withheld

__all__ = [
    "Admission",
    "ApplicantKind",
    "Cause",
    "Event",
    "Fact",
    "Ground",
    "certificate_key",
    "certification_key",
    "cycle_key",
    "cycle_suffix",
]


@attrs.frozen(kw_only=True, repr=False)
class Fact:
    """A named value a rule or guard used, kept as text so it serializes and prints as it was, with
    the level of the field it was read from."""

    name: str = attrs.field(validator=v.text)
    value: str = attrs.field(validator=v.typed(str))
    level: Sensitivity = attrs.field(default=Sensitivity.PUBLIC, validator=v.enum(Sensitivity))
    """The sensitivity of the value's source (a payload field's level): an export for an audience
    that may not see it shows ``[redacted: LEVEL]`` instead of the value."""

    def __repr__(self) -> str:
        value = self.value if self.level is Sensitivity.PUBLIC else withheld(self.level)
        level = "" if self.level is Sensitivity.PUBLIC else f", level={self.level.label!r}"
        return f"Fact(name={self.name!r}, value={value!r}{level})"

    def shown(self, audience: Audience, owner: str | None = None) -> str:
        """The value as ``audience`` may see it (about member ``owner``), else the marker."""
        return self.value if audience.sees(self.level, owner) else withheld(self.level)


def _cause_check(instance: Cause, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (instance.actor is None) == (instance.rule is None):
        raise v.invalid(instance, attribute.name, "a cause names exactly one of actor or rule")


@attrs.frozen(kw_only=True)
class Cause:
    """Who or what made an event happen: an actor (``secretariat``, ``board``, the company...) or
    a rule, with the rule's citation and the facts and parameter values it used."""

    actor: str | None = attrs.field(default=None, validator=v.optional(v.text))
    rule: str | None = attrs.field(default=None, validator=[v.optional(v.text), _cause_check])
    citation: str | None = attrs.field(default=None, validator=v.optional(v.text))
    facts: tuple[Fact, ...] = attrs.field(default=(), validator=v.tuple_of(Fact))

    @classmethod
    def by(cls, actor: str) -> Cause:
        return cls(actor=actor)

    def __str__(self) -> str:
        if self.rule is not None:
            return f"rule {self.rule}" + (f" [{self.citation}]" if self.citation else "")
        return f"{self.actor}"


SECRETARIAT = Cause(actor="secretariat")
"""The default cause of an event: the Secretariat acting on its own records."""


class Ground(StrEnum):
    """Why a membership is suspended, proposed for termination, terminated or given up: the
    categories ICoCA's annual monitoring summaries count terminations by (ICoCA monitoring
    summaries, e.g. 2021: 12 terminations, 3 for no self-assessment, 2 for not cooperating in good
    faith). The free text beside it (``reason``) keeps its own, higher level; the ground is public."""

    CERTIFICATION_DEADLINE = "certification_deadline"
    """Not ICoCA-certified by its certification deadline (or again after a lapse) [C]."""
    SELF_ASSESSMENT_NOT_SUBMITTED = "self_assessment_not_submitted"
    """The annual self-assessment was not submitted [C]."""
    NOT_COOPERATING_IN_GOOD_FAITH = "not_cooperating_in_good_faith"
    """The member did not cooperate in good faith (Art. 12 ladder, corrective actions) [C]."""
    NON_PAYMENT_OF_DUES = "non_payment_of_dues"
    """Annual dues not paid [C]."""
    OTHER = "other"
    """Any other ground, and the ground of a record that names none."""


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event. ``subject`` is the id of the member, case, complaint or seat."""

    TYPE: ClassVar[str] = ""

    subject: str = attrs.field(validator=v.identifier)
    effective: date = attrs.field(validator=v.a_date)
    cause: Cause = attrs.field(default=SECRETARIAT, validator=v.typed(Cause))

    @property
    def key(self) -> str:
        """The process instance this event concerns; the subject unless a process has several
        instances per subject (self-assessment cycles)."""
        return self.subject

    def facts(self) -> dict[str, Any]:
        """Values this event records on the instances it moves (payload fields by default)."""
        base = {"subject", "effective", "cause"}
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.name not in base}


# --- membership application -------------------------------------------------------------


class ApplicantKind(StrEnum):
    """What applies: a company (security provider or not), a CSO, a government, or other."""

    COMPANY = "company"
    CSO = "cso"
    GOVERNMENT = "government"
    OTHER = "other"


class Admission(StrEnum):
    """What an applicant is admitted as."""

    MEMBER = "member"
    TRANSITIONAL_MEMBER = "transitional_member"
    AFFILIATE = "affiliate"
    OBSERVER = "observer"


def _services(instance: ApplicationSubmitted, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.enums(ServiceDomain)(instance, attribute, value)
    value = getattr(instance, attribute.name)
    if instance.provides_security_services and not value:
        raise v.invalid(instance, attribute.name, "a security provider names at least one service domain")


def _security(instance: ApplicationSubmitted, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.typed(bool)(instance, attribute, value)
    if value and instance.applicant is not ApplicantKind.COMPANY:
        raise v.invalid(instance, attribute.name, "only a company applicant provides security services")


@attrs.frozen(kw_only=True)
class ApplicationSubmitted(Event):
    """An organisation applies to join (any pillar, or as observer)."""

    TYPE: ClassVar[str] = "application_submitted"
    applicant: ApplicantKind = attrs.field(validator=v.enum(ApplicantKind))
    name: str = attrs.field(validator=v.text)
    country: str | None = attrs.field(default=None, validator=v.optional(v.country))
    provides_security_services: bool = attrs.field(default=False, validator=_security)
    services: tuple[ServiceDomain, ...] = attrs.field(default=(), validator=_services)
    swiss_pssa: bool = attrs.field(default=False, validator=v.typed(bool))
    government_kind: GovernmentKind | None = attrs.field(default=None, validator=v.optional(v.enum(GovernmentKind)))
    observer_kind: ObserverKind | None = attrs.field(default=None, validator=v.optional(v.enum(ObserverKind)))


@attrs.frozen(kw_only=True)
class DueDiligenceStarted(Event):
    """The Secretariat starts its review (due diligence for companies)."""

    TYPE: ClassVar[str] = "due_diligence_started"


@attrs.frozen(kw_only=True)
class Admitted(Event):
    """Admission by the Board; for a former member this is the new admission it needs."""

    TYPE: ClassVar[str] = "admitted"
    admission: Admission = attrs.field(validator=v.enum(Admission))


@attrs.frozen(kw_only=True)
class ApplicationRejected(Event):
    """The Board or the Secretariat turns an application down; ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "application_rejected"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )


@attrs.frozen(kw_only=True)
class ApplicationWithdrawn(Event):
    """The applicant withdraws its application before a decision."""

    TYPE: ClassVar[str] = "application_withdrawn"


# --- membership status (every member) ---------------------------------------------------


@attrs.frozen(kw_only=True)
class MovedToTransitional(Event):
    """Under the 2017 amendment an uncertified member became a Transitional Member."""

    TYPE: ClassVar[str] = "moved_to_transitional"


@attrs.frozen(kw_only=True)
class MovedToAffiliate(Event):
    """A member that missed its certification deadline becomes an Affiliate, which needs a
    satisfactory latest self-assessment and a renewed commitment."""

    TYPE: ClassVar[str] = "moved_to_affiliate"
    commitment_renewed: bool = attrs.field(default=True, validator=v.typed(bool))


@attrs.frozen(kw_only=True)
class Suspended(Event):
    """A member is suspended (usually at the end of the Art. 12 ladder); ``case`` names the
    compliance case that led to it, if any. ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "suspended"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""
    case: CaseId | None = attrs.field(default=None, validator=v.optional(v.identifier))


@attrs.frozen(kw_only=True)
class Reinstated(Event):
    """End of a suspension: back to the status held before it."""

    TYPE: ClassVar[str] = "reinstated"


@attrs.frozen(kw_only=True)
class TerminationProposed(Event):
    """A proposal to terminate, for the Board to decide; changes no status by itself."""

    TYPE: ClassVar[str] = "termination_proposed"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.SECRETARIAT), repr=hidden(Sensitivity.SECRETARIAT)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""


@attrs.frozen(kw_only=True)
class DeadlineExtended(Event):
    """A Board decision moving one open deadline of a company to a new last day ``until``.

    ``rule`` names the obligation: a rule id or an obligation family such as
    ``certification-deadline``. The rule then judges against the new date; explanations show both."""

    TYPE: ClassVar[str] = "deadline_extended"
    rule: str = attrs.field(validator=v.text)
    until: date = attrs.field(validator=v.a_date)
    reason: str = attrs.field(
        default="Board decision",
        validator=v.text,
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )


@attrs.frozen(kw_only=True)
class Terminated(Event):
    """Membership ends by the Board's decision (expulsion, or a termination ground such as unpaid dues)."""

    TYPE: ClassVar[str] = "terminated"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """The published category of the ground (public); ``other`` when none is named."""


@attrs.frozen(kw_only=True)
class Withdrew(Event):
    """The member leaves of its own accord (Articles of Association, Art. 8)."""

    TYPE: ClassVar[str] = "withdrew"
    ground: Ground = attrs.field(default=Ground.OTHER, validator=v.enum(Ground))
    """Why, when the withdrawal answers one of the published grounds (a member leaving before its
    certification deadline); ``other`` otherwise (public)."""


@attrs.frozen(kw_only=True)
class SwissRejoinWindowClosed(Event):
    """A Swiss PSC excluded or withdrawn did not rejoin within the window (6 months): under the
    PSSA its activities abroad are prohibited. Records the fact; the status stays as it is."""

    TYPE: ClassVar[str] = "swiss_rejoin_window_closed"


# --- certification (Art. 11) --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ExternalCertificateRecorded(Event):
    """A certification body's certificate to a recognised standard (first stage)."""

    TYPE: ClassVar[str] = "external_certificate_recorded"
    certificate: ExternalCertificate = attrs.field(validator=v.typed(ExternalCertificate))


@attrs.frozen(kw_only=True)
class IcocaApplicationSubmitted(Event):
    """The company applies for ICoCA certification with the human-rights information (second stage)."""

    TYPE: ClassVar[str] = "icoca_application_submitted"
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class IcocaCertificationGranted(Event):
    """ICoCA grants its certification ``certification``, in force until ``expires`` (Art. 11, second stage)."""

    TYPE: ClassVar[str] = "icoca_certification_granted"
    certification: CertificateId = attrs.field(validator=v.identifier)
    expires: date = attrs.field(validator=[v.a_date, v.after("effective", "it must expire after it is granted")])
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class IcocaApplicationRefused(Event):
    """ICoCA refuses the application for certification; ``reason`` is shared with the company only."""

    TYPE: ClassVar[str] = "icoca_application_refused"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class CertificationRenewed(Event):
    """A new external certificate renews the ICoCA certification of its scope (the scope of its
    standard): that certification stays certified and rests on the new certificate from now on."""

    TYPE: ClassVar[str] = "certification_renewed"
    certificate: ExternalCertificate = attrs.field(validator=v.typed(ExternalCertificate))


@attrs.frozen(kw_only=True)
class ExternalCertificateSuspended(Event):
    """The body suspended an external certificate; the ICoCA certifications resting on it are
    suspended with it [P default]."""

    TYPE: ClassVar[str] = "external_certificate_suspended"
    certificate_id: CertificateId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    """The id of the certificate concerned; ``None``: the certificates the company's ICoCA
    certifications rest on (histories written before a company could hold several)."""


@attrs.frozen(kw_only=True)
class ExternalCertificateReinstated(Event):
    """The certification body lifts the suspension of an external certificate."""

    TYPE: ClassVar[str] = "external_certificate_reinstated"
    certificate_id: CertificateId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    """The id of the certificate concerned; ``None``: the certificates the company's ICoCA
    certifications rest on (histories written before a company could hold several)."""


@attrs.frozen(kw_only=True)
class CertificationExpired(Event):
    """An ICoCA certification lapsed: at its own expiry, or with the certificate it rests on."""

    TYPE: ClassVar[str] = "certification_expired"
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class CertificationWithdrawn(Event):
    """ICoCA withdraws its certification before it expires."""

    TYPE: ClassVar[str] = "certification_withdrawn"
    reason: str = attrs.field(
        validator=v.text, metadata=sensitive(Sensitivity.COMPANY), repr=hidden(Sensitivity.COMPANY)
    )
    scope: ServiceDomain | None = attrs.field(default=None, validator=v.optional(v.enum(ServiceDomain)))
    """The scope of ICoCA certification (land, maritime) this concerns; ``None``: the company's
    certification that can take the event (histories written before scopes)."""


@attrs.frozen(kw_only=True)
class ExternalCertificateWithdrawn(Event):
    """The certification body withdrew a certificate before its expiry; the ICoCA certifications
    resting on it are withdrawn with it [P default]."""

    TYPE: ClassVar[str] = "external_certificate_withdrawn"
    certificate_id: CertificateId = attrs.field(validator=v.identifier)
    """The id of the certificate withdrawn."""


def certificate_key(company: str, certificate: str) -> str:
    """The key of the ``external-certificate`` instance of one certificate of a company."""
    return f"{company}@{certificate}"


def certification_key(company: str, scope: ServiceDomain | str) -> str:
    """The key of a company's ICoCA ``certification`` instance in one scope (land, maritime)."""
    return f"{company}#{ServiceDomain(scope).value}"


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


# --- complaints (Art. 13) ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ComplaintReceived(Event):
    """``subject`` is the complaint id; the complainant's identity and statement are confidential.

    A complaint is kept as received (Art. 13): ``company`` names the company on record it
    concerns, or is ``None`` when it concerns a company that is not on record (``company_name``,
    as the complainant gave it, Secretariat-level) or no identified company at all. Such a
    complaint is counted and routed, but no compliance case can cite it until
    :class:`ComplaintCompanyIdentified` links it to a company on record."""

    TYPE: ClassVar[str] = "complaint_received"
    company: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    company_name: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )
    statement: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    complainant: Complainant = attrs.field(
        factory=Complainant,
        validator=v.typed(Complainant),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    category: ConcernCategory = attrs.field(default=ConcernCategory.OTHER, validator=v.enum(ConcernCategory))
    code_paragraphs: tuple[int, ...] = attrs.field(default=(), validator=code_paragraphs)


@attrs.frozen(kw_only=True)
class ComplaintCompanyIdentified(Event):
    """A complaint received without a company on record is linked to ``company`` once the
    Secretariat identifies it; from then on a compliance case about that company may cite it."""

    TYPE: ClassVar[str] = "complaint_company_identified"
    company: MemberId = attrs.field(validator=v.identifier)


@attrs.frozen(kw_only=True)
class ComplaintClassified(Event):
    """The Secretariat classifies the complaint (``kind``) after a first review."""

    TYPE: ClassVar[str] = "complaint_classified"
    kind: ComplaintKind = attrs.field(validator=v.enum(ComplaintKind))


@attrs.frozen(kw_only=True)
class ComplaintReferred(Event):
    """Referred to a fair and accessible grievance procedure."""

    TYPE: ClassVar[str] = "complaint_referred"
    route: ComplaintRoute = attrs.field(validator=v.enum(ComplaintRoute))


@attrs.frozen(kw_only=True)
class ComplaintRemedied(Event):
    """The complaint reached a remedy through its route."""

    TYPE: ClassVar[str] = "complaint_remedied"


@attrs.frozen(kw_only=True)
class ComplaintUnresolved(Event):
    """The route ended without a remedy."""

    TYPE: ClassVar[str] = "complaint_unresolved"


@attrs.frozen(kw_only=True)
class ComplaintClosed(Event):
    """The complaint's file is closed; ``reason`` is for the Secretariat only."""

    TYPE: ClassVar[str] = "complaint_closed"
    reason: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )


# --- board seats ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SeatCreated(Event):
    """A Board seat of a pillar; ``subject`` is the seat id."""

    TYPE: ClassVar[str] = "seat_created"
    pillar: Pillar = attrs.field(validator=v.enum(Pillar))


@attrs.frozen(kw_only=True)
class NominationsOpened(Event):
    """Nominations for a Board seat open (before an election in its pillar)."""

    TYPE: ClassVar[str] = "nominations_opened"


@attrs.frozen(kw_only=True)
class DirectorElected(Event):
    """The pillar elected its director; results are announced at the General Assembly."""

    TYPE: ClassVar[str] = "director_elected"
    director: DirectorId = attrs.field(validator=v.identifier)
    name: str = attrs.field(validator=v.text)
    organisation: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))


@attrs.frozen(kw_only=True)
class DirectorTookOffice(Event):
    """The elected director takes office until ``term_end``, the first day out of office (the
    next term may start on it; at most ``board.term_years``, 3 by default, after ``effective``),
    as :class:`icoc.model.Director` counts it. Rule ``BOARD.TERM_END`` ends the term on that day."""

    TYPE: ClassVar[str] = "director_took_office"
    term_end: date = attrs.field(validator=[v.a_date, v.after("effective", "a term must end after it starts")])


@attrs.frozen(kw_only=True)
class TermEnded(Event):
    """A director's term ended; the seat is vacant until the next election."""

    TYPE: ClassVar[str] = "term_ended"


@attrs.frozen(kw_only=True)
class DirectorLeft(Event):
    """A director left office before the end of the term; the seat is vacant."""

    TYPE: ClassVar[str] = "director_left"


EVENT_TYPES: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    DueDiligenceStarted,
    Admitted,
    ApplicationRejected,
    ApplicationWithdrawn,
    MovedToTransitional,
    MovedToAffiliate,
    Suspended,
    Reinstated,
    TerminationProposed,
    DeadlineExtended,
    Terminated,
    Withdrew,
    SwissRejoinWindowClosed,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    IcocaApplicationRefused,
    CertificationRenewed,
    ExternalCertificateSuspended,
    ExternalCertificateReinstated,
    CertificationExpired,
    CertificationWithdrawn,
    ExternalCertificateWithdrawn,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    SelfAssessmentRated,
    SelfAssessmentMissed,
    CaseOpened,
    DialogueOpened,
    CaseResolved,
    ReferredToBoard,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    SuspensionProceedingsOpened,
    ComplaintReceived,
    ComplaintCompanyIdentified,
    ComplaintClassified,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    ComplaintClosed,
    SeatCreated,
    NominationsOpened,
    DirectorElected,
    DirectorTookOffice,
    TermEnded,
    DirectorLeft,
)
"""Every concrete event class; their ``TYPE`` tags are unique."""

EVENTS_BY_TYPE: dict[str, type[Event]] = {e.TYPE: e for e in EVENT_TYPES}
"""Every concrete event class by its ``TYPE`` tag (``"admitted"`` -> ``Admitted``)."""
assert len(EVENTS_BY_TYPE) == len(EVENT_TYPES)

__all__ += [e.__name__ for e in EVENT_TYPES] + ["EVENT_TYPES", "EVENTS_BY_TYPE", "SECRETARIAT"]

HISTORY_FORMAT_VERSION = 1
"""The version of the history document format this library writes and reads."""


@attrs.frozen(kw_only=True)
class History:
    """A registry's history as a document: every accepted event in submission order."""

    format_version: int = attrs.field(default=HISTORY_FORMAT_VERSION, validator=v.int_range(1, HISTORY_FORMAT_VERSION))
    events: tuple[Event, ...] = attrs.field(default=(), validator=v.tuple_of(Event))


__all__ += ["HISTORY_FORMAT_VERSION", "History"]
