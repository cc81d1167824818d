"""One state machine per process (membership, company status, member status, certification,
self-assessment, compliance case, complaint, Board), each a :class:`RegistryMachine` with its event
types, the processes it steers and how it seeds the registry; :class:`ProcessMachine` runs them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

from icoc.model.events import (
    Admission,
    Admitted,
    ApplicationSubmitted,
    CaseOpened,
    ComplaintClassified,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    DirectorElected,
    DirectorTookOffice,
    DueDiligenceStarted,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    MovedToAffiliate,
    NominationsOpened,
    ReferredToBoard,
    Reinstated,
    SeatCreated,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    TermEnded,
    Terminated,
    Withdrew,
)
from icoc.model.governance import BOARD_SEATS, SEATS_PER_PILLAR
from icoc.model.members import Pillar
from icoc.testing._machines import RegistryMachine
from icoc.testing._payloads import _COMPANY_ADMISSIONS
from icoc.testing._pools import (
    BOARD_EVENTS,
    CERTIFICATION_EVENTS,
    COMPLAINT_EVENTS,
    COMPLIANCE_EVENTS,
    CONSULTANCY,
    CSOS,
    CYCLES,
    GOVERNMENTS,
    MEMBERSHIP_EVENTS,
    ORGANISATIONS,
    OTHERS,
    PSCS,
    SEATS,
    SELF_ASSESSMENT_EVENTS,
    STATUS_EVENTS,
)

__all__ = [
    "BoardMachine",
    "CertificationMachine",
    "CompanyStatusMachine",
    "ComplaintMachine",
    "ComplianceCaseMachine",
    "MemberStatusMachine",
    "MembershipMachine",
    "ProcessMachine",
    "SelfAssessmentMachine",
]


def _seed(machine: RegistryMachine, subjects: Iterable[str], admissions: Iterable[Admission]) -> None:
    for subject, admission in zip(subjects, admissions, strict=False):
        machine.admit(subject, admission)


class MembershipMachine(RegistryMachine):
    """Applications, due diligence, admissions, rejections and re-applications of every kind of
    applicant; status events let former members apply again."""

    EVENT_TYPES = (*MEMBERSHIP_EVENTS, Terminated, Withdrew, Suspended, Reinstated)
    PROCESSES_UNDER_TEST = ("membership", "membership", "company-status", "member-status")
    HAPPY_PATH = (DueDiligenceStarted, Admitted)

    @initialize(data=st.data())
    def seed_applications(self, data: st.DataObject) -> None:
        """Some organisations have applied already (with their natural kind, or another)."""
        for subject in data.draw(st.lists(st.sampled_from(ORGANISATIONS), unique=True, max_size=5), label="applied"):
            self.submit(self.draw_event(data, ApplicationSubmitted, subject, self.today))


class CompanyStatusMachine(RegistryMachine):
    """A company's status: regimes, affiliation (needs a satisfactory self-assessment),
    certification, suspension and reinstatement, termination and readmission."""

    EVENT_TYPES = (*STATUS_EVENTS, *MEMBERSHIP_EVENTS, *CERTIFICATION_EVENTS, *SELF_ASSESSMENT_EVENTS)
    PROCESSES_UNDER_TEST = ("company-status", "membership", "certification", "self-assessment")
    HAPPY_PATH = (MovedToAffiliate, Reinstated)
    ORGANISATIONS = (*PSCS, CSOS[0])

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)

    @rule(company=st.sampled_from(PSCS), cycle=st.sampled_from(CYCLES), satisfactory=st.booleans())
    def complete_self_assessment(self, company: str, cycle: int, satisfactory: bool) -> None:
        """A whole cycle in one batch, so the affiliate guard has something to read."""
        day = self.today
        self.submit_batch(
            [
                SelfAssessmentSent(subject=company, effective=day, cycle=cycle, due=day),
                SelfAssessmentSubmitted(subject=company, effective=day, cycle=cycle),
                SelfAssessmentRated(subject=company, effective=day, cycle=cycle, satisfactory=satisfactory),
            ]
        )

    @rule(company=st.sampled_from(PSCS), years=st.integers(1, 3))
    def certify(self, company: str, years: int) -> None:
        """Both stages of certification at once, so certified members are common."""
        self.certify_company(company, years)


class MemberStatusMachine(RegistryMachine):
    """CSOs, governments and observers (including a company that provides no security services)."""

    EVENT_TYPES = (*MEMBERSHIP_EVENTS, *STATUS_EVENTS)
    PROCESSES_UNDER_TEST = ("member-status", "membership")
    ORGANISATIONS = (CONSULTANCY, *CSOS, *GOVERNMENTS, *OTHERS, PSCS[0])

    @initialize(admissions=st.lists(st.sampled_from([Admission.MEMBER, Admission.OBSERVER]), min_size=2, max_size=5))
    def seed_members(self, admissions: list[Admission]) -> None:
        """Non-company applicants admitted as member or observer (an ``other`` only fits observer)."""
        _seed(self, (CSOS[0], GOVERNMENTS[0], OTHERS[0], CONSULTANCY, CSOS[1]), admissions)


class CertificationMachine(RegistryMachine):
    """External certificates (recognised standards or not), ICoCA review, grant, renewal,
    suspension with the external certificate, expiry and withdrawal."""

    EVENT_TYPES = (*CERTIFICATION_EVENTS, Suspended, Reinstated, Terminated)
    PROCESSES_UNDER_TEST = ("certification", "certification", "company-status")
    ORGANISATIONS = PSCS
    HAPPY_PATH = (IcocaCertificationGranted, IcocaApplicationSubmitted, ExternalCertificateRecorded)

    @rule(company=st.sampled_from(PSCS), years=st.integers(1, 3))
    def certify(self, company: str, years: int) -> None:
        """Both stages at once, so certified companies are common enough to suspend and lapse."""
        self.certify_company(company, years)

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class SelfAssessmentMachine(RegistryMachine):
    """Annual self-assessment cycles: sent, submitted (also late), rated, missed after the due date."""

    EVENT_TYPES = (*SELF_ASSESSMENT_EVENTS, MovedToAffiliate, Terminated)
    PROCESSES_UNDER_TEST = ("self-assessment", "self-assessment", "company-status")
    HAPPY_PATH = (SelfAssessmentRated, SelfAssessmentSubmitted)
    ORGANISATIONS = (*PSCS, CSOS[0])
    MAX_ADVANCE_DAYS = 150

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class ComplianceCaseMachine(RegistryMachine):
    """The Art. 12 ladder, with cases opened from monitoring or from complaints."""

    EVENT_TYPES = (*COMPLIANCE_EVENTS, ComplaintReceived, Terminated)
    PROCESSES_UNDER_TEST = ("compliance-case", "compliance-case", "complaint")
    HAPPY_PATH = (CorrectiveActionVerified, CorrectiveActionRecommended, ReferredToBoard, DialogueOpened)
    ORGANISATIONS = PSCS

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class ComplaintMachine(RegistryMachine):
    """Art. 13 complaints through every route, and the compliance cases they may open."""

    EVENT_TYPES = (*COMPLAINT_EVENTS, CaseOpened, Terminated)
    PROCESSES_UNDER_TEST = ("complaint", "complaint", "compliance-case")
    HAPPY_PATH = (ComplaintRemedied, ComplaintUnresolved, ComplaintReferred, ComplaintClassified)
    ORGANISATIONS = PSCS

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed_companies(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)


class BoardMachine(RegistryMachine):
    """Board seats per pillar, nominations, elections, terms of at most 3 years."""

    EVENT_TYPES = (*BOARD_EVENTS, Terminated)
    PROCESSES_UNDER_TEST = ("board-seat",)
    HAPPY_PATH = (TermEnded, DirectorTookOffice, DirectorElected, NominationsOpened)
    ORGANISATIONS = (PSCS[0], CSOS[0], GOVERNMENTS[0])
    MAX_ADVANCE_DAYS = 400

    @initialize(
        admission=st.sampled_from([Admission.MEMBER, Admission.AFFILIATE]),
        pillars=st.lists(st.sampled_from(list(Pillar)), max_size=len(SEATS)),
    )
    def seed_board(self, admission: Admission, pillars: list[Pillar]) -> None:
        """Organisations of each pillar, then seats: each seat is accepted exactly when its
        pillar has fewer than 4 and the Board fewer than 12."""
        _seed(self, self.ORGANISATIONS, [admission, Admission.MEMBER, Admission.MEMBER])
        per_pillar: Counter[Pillar] = Counter()
        for seat, pillar in zip(SEATS, pillars, strict=False):
            expected = per_pillar[pillar] < SEATS_PER_PILLAR and per_pillar.total() < BOARD_SEATS
            accepted = self.submit(SeatCreated(subject=seat, effective=self.today, pillar=pillar))
            assert accepted == expected, (seat, pillar, per_pillar)
            if accepted:
                per_pillar[pillar] += 1


class ProcessMachine(RegistryMachine):
    """Every process at once on one registry: events of every type about every kind of subject."""

    @initialize(admissions=_COMPANY_ADMISSIONS)
    def seed(self, admissions: list[Admission]) -> None:
        _seed(self, PSCS, admissions)
        self.admit(CSOS[0], Admission.MEMBER)
