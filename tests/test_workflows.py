"""Workflows: malformed tables fail when defined, every table renders as Mermaid, and each process
behaves as the ICoCA domain sheet says (scenarios written from /work/shared/domain/icoca.md)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from icoc.errors import IllegalTransition
from icoc.model.certificates import ExternalCertificate, ExternalCertificateStatus
from icoc.model.complaints import ComplaintKind, ComplaintRoute
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CaseOpened,
    CaseResolved,
    CertificationExpired,
    CertificationRenewed,
    CertificationWithdrawn,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    DirectorElected,
    DirectorLeft,
    DirectorTookOffice,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    IcocaApplicationRefused,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    MovedToAffiliate,
    MovedToTransitional,
    NominationsOpened,
    ReferredToBoard,
    Reinstated,
    SeatCreated,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    SuspensionProceedingsOpened,
    TermEnded,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.governance import BOARD_SEATS, SEATS_PER_PILLAR
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId
from icoc.model.members import GovernmentKind, Pillar, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.model.standards import DEFAULT_STANDARDS, ISO_9001, PSC_1
from icoc.registry import Registry
from icoc.workflows import NONE, PREVIOUS, PROCESSES, SubjectKind, TableError, Transition, TransitionTable

D0 = date(2023, 5, 10)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


# --- table definitions fail loudly ---------------------------------------------------------------


def _table(states: tuple[str, ...], transitions: tuple[Transition, ...], final: frozenset[str]) -> TransitionTable:
    return TransitionTable(
        process="toy",
        title="Toy",
        subjects=frozenset({SubjectKind.COMPANY}),
        states=states,
        final=final,
        transitions=transitions,
    )


def test_a_well_formed_table_builds_and_selects_by_when() -> None:
    table = _table(
        ("applied", "member", "observer"),
        (
            Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
            Transition(
                source="applied",
                event=Admitted,
                target="member",
                when=lambda e: isinstance(e, Admitted) and e.admission is Admission.MEMBER,
            ),
            Transition(
                source="applied",
                event=Admitted,
                target="observer",
                when=lambda e: isinstance(e, Admitted) and e.admission is Admission.OBSERVER,
            ),
        ),
        frozenset({"member", "observer"}),
    )
    as_observer = Admitted(subject="x", effective=D0, admission=Admission.OBSERVER)
    assert [t.target for t in table.candidates("applied", as_observer)] == ["observer"]
    assert table.allowed_events(NONE) == ("application_submitted",)
    assert table.allowed_events("member") == ()


def test_unknown_target_state_is_named() -> None:
    with pytest.raises(TableError, match=r"unknown target state 'nowhere'"):
        _table(
            ("applied",),
            (
                Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
                Transition(source="applied", event=Admitted, target="nowhere"),
            ),
            frozenset({"applied"}),
        )


def test_unknown_source_state_is_named() -> None:
    with pytest.raises(TableError, match=r"unknown source state 'limbo'"):
        _table(
            ("applied",),
            (
                Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
                Transition(source="limbo", event=Admitted, target="applied"),
            ),
            frozenset({"applied"}),
        )


def test_unreachable_state_is_named() -> None:
    with pytest.raises(TableError, match=r"state 'island' is unreachable"):
        _table(
            ("applied", "island"),
            (Transition(source=NONE, event=ApplicationSubmitted, target="applied"),),
            frozenset({"applied", "island"}),
        )


def test_dead_end_state_is_named() -> None:
    with pytest.raises(TableError, match=r"state 'stuck' is a dead end"):
        _table(
            ("applied", "stuck"),
            (
                Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
                Transition(source="applied", event=DueDiligenceStarted, target="stuck"),
            ),
            frozenset({"applied"}),
        )


def test_duplicate_transitions_without_when_are_named() -> None:
    with pytest.raises(TableError, match=r"applied on admitted: several transitions need `when`"):
        _table(
            ("applied", "member", "affiliate"),
            (
                Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
                Transition(source="applied", event=Admitted, target="member"),
                Transition(source="applied", event=Admitted, target="affiliate"),
            ),
            frozenset({"member", "affiliate"}),
        )


def test_unknown_final_state_and_listed_none_are_named() -> None:
    with pytest.raises(TableError) as info:
        _table(
            (NONE, "applied"),
            (Transition(source=NONE, event=ApplicationSubmitted, target="applied"),),
            frozenset({"applied", "gone"}),
        )
    message = str(info.value)
    assert "process 'toy'" in message
    assert "unknown final state 'gone'" in message
    assert "implicit initial pseudo-state" in message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(TableError) as info:
        _table(
            ("applied", "island", "stuck"),
            (
                Transition(source=NONE, event=ApplicationSubmitted, target="applied"),
                Transition(source="applied", event=Admitted, target="stuck"),
                Transition(source="applied", event=Withdrew, target="nowhere"),
            ),
            frozenset({"applied"}),
        )
    message = str(info.value)
    for problem in ("unknown target state 'nowhere'", "'island' is unreachable", "'stuck' is a dead end"):
        assert problem in message


# --- Mermaid ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_every_table_renders_mermaid(name: str) -> None:
    table = PROCESSES[name]
    text = table.mermaid()
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    edges = [line.strip() for line in lines if "-->" in line]
    assert edges, "a diagram without transitions"
    assert any(edge.startswith("[*] -->") for edge in edges), "no start arrow from [*]"
    for edge in edges:
        assert re.fullmatch(r"(\[\*\]|\w+) --> (\[\*\]|\w+)( : .+)?", edge), edge
    mentioned = {part for edge in edges for part in re.split(r" --> | : ", edge)[:2]}
    for state in table.states:
        assert state in mentioned, f"{name}: state {state} missing from the diagram"
    for transition in table.transitions:
        assert transition.event.TYPE in text, f"{name}: {transition.event.TYPE} missing"
    for state in table.final:
        assert f"{state} --> [*]" in text


def test_mermaid_draws_previous_as_edges_back() -> None:
    text = PROCESSES["company-status"].mermaid()
    for status in ("member", "transitional_member", "affiliate", "certified_member"):
        assert f"suspended --> {status} : reinstated [back]" in text
    assert PREVIOUS not in text


# --- helpers ------------------------------------------------------------------------------------------


def application(subject: str, on: date = D0, **fields: object) -> ApplicationSubmitted:
    defaults: dict[str, object] = {
        "applicant": ApplicantKind.COMPANY,
        "name": f"{subject} Ltd",
        "provides_security_services": True,
        "services": (ServiceDomain.LAND,),
    }
    defaults.update(fields)
    return ApplicationSubmitted(subject=subject, effective=on, **defaults)  # type: ignore[arg-type]


def admit_psc(reg: Registry, subject: str, admission: Admission = Admission.MEMBER, on: date = D0) -> None:
    reg.submit_all(
        [
            application(subject, on),
            DueDiligenceStarted(subject=subject, effective=on),
            Admitted(subject=subject, effective=on, admission=admission),
        ]
    )


def admit_other(reg: Registry, subject: str, applicant: ApplicantKind, admission: Admission, on: date = D0) -> None:
    fields: dict[str, object] = {"applicant": applicant, "provides_security_services": False, "services": ()}
    if applicant is ApplicantKind.GOVERNMENT:
        fields["government_kind"] = GovernmentKind.STATE
    reg.submit_all([application(subject, on, **fields), Admitted(subject=subject, effective=on, admission=admission)])


def certificate(
    company: str,
    standard: str = PSC_1.id,
    issued: date = D0,
    expires: date = date(2026, 5, 10),
    cid: str = "psc1-001",
) -> ExternalCertificate:
    return ExternalCertificate(
        id=CertificateId(cid),
        company=MemberId(company),
        standard=StandardId(standard),
        body=CertificationBodyId("ukas-body"),
        issued=issued,
        expires=expires,
    )


def certify(reg: Registry, subject: str, on: date = D0, expires: date = date(2026, 5, 10)) -> None:
    reg.submit_all(
        [
            ExternalCertificateRecorded(
                subject=subject, effective=on, certificate=certificate(subject, expires=expires)
            ),
            IcocaApplicationSubmitted(subject=subject, effective=on),
            IcocaCertificationGranted(
                subject=subject, effective=on, certification=CertificateId("icoca-1"), expires=expires
            ),
        ]
    )


def assess(reg: Registry, subject: str, cycle: int, satisfactory: bool, on: date) -> None:
    reg.submit_all(
        [
            SelfAssessmentSent(subject=subject, effective=on, cycle=cycle, due=on + timedelta(days=80)),
            SelfAssessmentSubmitted(subject=subject, effective=on, cycle=cycle),
            SelfAssessmentRated(subject=subject, effective=on, cycle=cycle, satisfactory=satisfactory),
        ]
    )


def refused(reg: Registry, event: Event) -> IllegalTransition:
    """Submit an event that must be refused; check the registry is untouched and return the error."""
    history = reg.history
    states = {s: reg.states_of(s) for s in reg.subjects()}
    with pytest.raises(IllegalTransition) as info:
        reg.submit(event)
    assert reg.history == history
    assert {s: reg.states_of(s) for s in reg.subjects()} == states
    return info.value


def state(reg: Registry, process: str, key: str) -> str | None:
    inst = reg.instance(process, key)
    return inst.state if inst is not None else None


@pytest.fixture
def reg() -> Registry:
    # The tables alone: events a rule would derive (a missed self-assessment, suspension
    # proceedings after a corrective-action deadline) are submitted by hand here. How rules and
    # inputs interleave is tested in test_rules.py and test_time.py.
    return Registry(rules=None)


# --- membership and certification of a PSC ------------------------------------------------------


def test_psc_applies_is_reviewed_admitted_and_certified(reg: Registry) -> None:
    reg.submit(application("acme"))
    assert reg.state_of("acme") == "applied"
    assert reg.kind_of("acme") is SubjectKind.COMPANY
    reg.submit(DueDiligenceStarted(subject="acme", effective=day(10)))
    assert reg.state_of("acme") == "under_review"
    reg.submit(Admitted(subject="acme", effective=day(40), admission=Admission.MEMBER))
    assert reg.state_of("acme") == "member"
    assert state(reg, "membership", "acme") == "admitted"

    psc1 = next(s for s in DEFAULT_STANDARDS if s.id == "PSC.1-2012")
    cert = certificate("acme", standard=psc1.id, issued=day(50), expires=day(50 + 3 * 365))
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(60), certificate=cert))
    assert state(reg, "certification", "acme") == "externally_certified"
    assert reg.state_of("acme") == "member"  # the external certificate alone is not ICoCA certification
    reg.submit(IcocaApplicationSubmitted(subject="acme", effective=day(70)))
    assert state(reg, "certification", "acme") == "icoca_review"
    reg.submit(
        IcocaCertificationGranted(
            subject="acme", effective=day(120), certification=CertificateId("icoca-7"), expires=cert.expires
        )
    )
    assert state(reg, "certification", "acme") == "icoca_certified"
    assert reg.state_of("acme") == "certified_member"

    reg.submit(ExternalCertificateSuspended(subject="acme", effective=day(200)))
    assert state(reg, "certification", "acme") == "suspended"
    reg.submit(ExternalCertificateReinstated(subject="acme", effective=day(230)))
    assert state(reg, "certification", "acme") == "icoca_certified"
    assert reg.state_of("acme") == "certified_member"

    reg.submit(CertificationExpired(subject="acme", effective=cert.expires))
    assert state(reg, "certification", "acme") == "expired"
    assert reg.state_of("acme") == "member"


def test_iso_9001_certificate_is_refused_naming_it(reg: Registry) -> None:
    admit_psc(reg, "acme")
    error = refused(
        reg,
        ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=certificate("acme", ISO_9001.id)),
    )
    assert error.process == "certification"
    assert error.guard == "acceptable_certificate"
    assert "ISO-9001" in error.reason
    assert "not a standard ICoCA recognises" in error.reason
    assert reg.instance("certification", "acme") is None


@pytest.mark.parametrize(
    ("cert", "reason"),
    [
        (certificate("other-co"), "belongs to 'other-co'"),
        (certificate("acme", standard="ISO-14001"), "unknown standard 'ISO-14001'"),
        (certificate("acme", issued=date(2019, 1, 1), expires=date(2022, 1, 1)), "not in force"),
        (
            ExternalCertificate(
                id=CertificateId("c"),
                company=MemberId("acme"),
                standard=StandardId("ISO-18788"),
                body=CertificationBodyId("b"),
                issued=D0,
                expires=day(900),
                status=ExternalCertificateStatus.SUSPENDED,
            ),
            "not in force",
        ),
    ],
)
def test_unacceptable_certificates_are_refused(reg: Registry, cert: ExternalCertificate, reason: str) -> None:
    admit_psc(reg, "acme")
    error = refused(reg, ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=cert))
    assert reason in error.reason


def test_icoca_application_is_refused_back_to_external_and_grant_cannot_outlive_certificate(reg: Registry) -> None:
    admit_psc(reg, "acme")
    cert = certificate("acme", expires=day(700))
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=cert))
    assert (
        refused(
            reg,
            IcocaCertificationGranted(
                subject="acme", effective=day(2), certification=CertificateId("i"), expires=day(600)
            ),
        ).state
        == "externally_certified"
    )  # no grant before an ICoCA application
    reg.submit(IcocaApplicationSubmitted(subject="acme", effective=day(2)))
    reg.submit(IcocaApplicationRefused(subject="acme", effective=day(3), reason="no human rights risk assessment"))
    assert state(reg, "certification", "acme") == "externally_certified"
    reg.submit(IcocaApplicationSubmitted(subject="acme", effective=day(4)))
    error = refused(
        reg,
        IcocaCertificationGranted(subject="acme", effective=day(5), certification=CertificateId("i"), expires=day(701)),
    )
    assert error.guard == "within_external"
    assert "after the external certificate" in error.reason


def test_renewal_keeps_certification_and_withdrawal_returns_company_to_member(reg: Registry) -> None:
    admit_psc(reg, "acme")
    certify(reg, "acme", expires=day(800))
    renewed = certificate("acme", issued=day(700), expires=day(700 + 3 * 365), cid="psc1-002")
    reg.submit(CertificationRenewed(subject="acme", effective=day(750), certificate=renewed))
    assert state(reg, "certification", "acme") == "icoca_certified"
    assert reg.state_of("acme") == "certified_member"
    reg.submit(CertificationWithdrawn(subject="acme", effective=day(900), reason="fraud"))
    assert state(reg, "certification", "acme") == "withdrawn"
    assert reg.state_of("acme") == "member"


def test_renewing_a_suspended_external_certificate_does_not_grant_icoca_certification(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=certificate("acme")))
    reg.submit(ExternalCertificateSuspended(subject="acme", effective=day(2)))
    renewed = certificate("acme", issued=day(3), expires=day(900), cid="psc1-002")
    reg.submit(CertificationRenewed(subject="acme", effective=day(3), certificate=renewed))
    assert state(reg, "certification", "acme") == "externally_certified"
    assert reg.state_of("acme") == "member"


def test_icoca_application_needs_an_active_company(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(Terminated(subject="acme", effective=day(1), reason="no self-assessment"))
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(2), certificate=certificate("acme")))
    error = refused(reg, IcocaApplicationSubmitted(subject="acme", effective=day(3)))
    assert error.guard == "subject_company_active"
    assert "terminated" in error.reason


def test_leaving_the_association_withdraws_certification(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=certificate("acme")))
    reg.submit(Terminated(subject="acme", effective=day(2), reason="no self-assessment"))
    assert state(reg, "certification", "acme") == "withdrawn"
    error = refused(reg, IcocaApplicationSubmitted(subject="acme", effective=day(3)))
    assert error.process == "certification" and error.state == "withdrawn"


def test_psc_cannot_be_admitted_as_observer(reg: Registry) -> None:
    reg.submit_all([application("acme"), DueDiligenceStarted(subject="acme", effective=D0)])
    error = refused(reg, Admitted(subject="acme", effective=day(1), admission=Admission.OBSERVER))
    assert error.process == "membership"
    assert error.guard == "admission_fits"
    assert "observer" in error.reason
    assert "security" in error.reason
    assert reg.state_of("acme") == "under_review"


def test_company_is_admitted_only_after_due_diligence(reg: Registry) -> None:
    reg.submit(application("acme"))
    error = refused(reg, Admitted(subject="acme", effective=day(1), admission=Admission.MEMBER))
    assert error.guard == "not_a_company"
    assert "due diligence" in error.reason


def test_company_may_join_directly_as_affiliate_and_be_rejected_or_withdraw(reg: Registry) -> None:
    admit_psc(reg, "acme", Admission.AFFILIATE)
    assert reg.state_of("acme") == "affiliate"
    reg.submit_all([application("beta"), ApplicationRejected(subject="beta", effective=D0, reason="sanctions")])
    assert reg.state_of("beta") == "rejected"
    reg.submit_all([application("beta", day(30)), ApplicationWithdrawn(subject="beta", effective=day(31))])
    assert reg.state_of("beta") == "withdrawn"


def test_a_reapplication_cannot_change_the_kind_of_organisation(reg: Registry) -> None:
    reg.submit_all([application("acme"), ApplicationRejected(subject="acme", effective=D0, reason="incomplete")])
    error = refused(
        reg, application("acme", day(1), applicant=ApplicantKind.CSO, provides_security_services=False, services=())
    )
    assert error.guard == "same_kind"


# --- company status ------------------------------------------------------------------------------


def test_member_becomes_affiliate_only_with_a_satisfactory_latest_self_assessment(reg: Registry) -> None:
    admit_psc(reg, "acme")
    error = refused(reg, MovedToAffiliate(subject="acme", effective=day(10)))
    assert error.guard == "latest_csa_satisfactory"
    assert "no completed self-assessment" in error.reason

    assess(reg, "acme", 2023, satisfactory=True, on=day(20))
    assess(reg, "acme", 2024, satisfactory=False, on=day(380))
    error = refused(reg, MovedToAffiliate(subject="acme", effective=day(400)))
    assert "cycle 2024" in error.reason and "unsatisfactory" in error.reason

    assess(reg, "acme", 2025, satisfactory=True, on=day(750))
    error = refused(reg, MovedToAffiliate(subject="acme", effective=day(760), commitment_renewed=False))
    assert error.guard == "commitment_renewed"
    reg.submit(MovedToAffiliate(subject="acme", effective=day(760)))
    assert reg.state_of("acme") == "affiliate"


def test_open_self_assessment_cycles_do_not_count_as_latest(reg: Registry) -> None:
    admit_psc(reg, "acme")
    assess(reg, "acme", 2023, satisfactory=True, on=day(20))
    reg.submit(SelfAssessmentSent(subject="acme", effective=day(380), cycle=2024, due=day(460)))
    reg.submit(MovedToAffiliate(subject="acme", effective=day(390)))
    assert reg.state_of("acme") == "affiliate"


def test_transitional_regime_starts_on_15_april_2018(reg: Registry) -> None:
    admit_psc(reg, "acme", on=date(2017, 9, 1))
    error = refused(reg, MovedToTransitional(subject="acme", effective=date(2018, 4, 14)))
    assert error.guard == "transitional_in_force"
    assert "2018-04-15" in error.reason
    reg.submit(MovedToTransitional(subject="acme", effective=date(2018, 4, 15)))
    assert reg.state_of("acme") == "transitional_member"


@pytest.mark.parametrize("admission", [Admission.MEMBER, Admission.TRANSITIONAL_MEMBER, Admission.AFFILIATE])
def test_reinstatement_returns_to_the_status_before_suspension(reg: Registry, admission: Admission) -> None:
    admit_psc(reg, "acme", admission)
    reg.submit(Suspended(subject="acme", effective=day(10), reason="corrective action plan overdue"))
    assert reg.state_of("acme") == "suspended"
    reg.submit(TerminationProposed(subject="acme", effective=day(20), reason="bad faith"))
    assert reg.state_of("acme") == "suspended"  # a proposal changes no status
    reg.submit(Reinstated(subject="acme", effective=day(30)))
    assert reg.state_of("acme") == admission.value


def test_suspended_certified_member_is_reinstated_certified(reg: Registry) -> None:
    admit_psc(reg, "acme")
    certify(reg, "acme", on=day(1))
    reg.submit(Suspended(subject="acme", effective=day(10), reason="incident"))
    reg.submit(Reinstated(subject="acme", effective=day(20)))
    assert reg.state_of("acme") == "certified_member"


def test_certification_that_lapses_during_a_suspension_is_not_reinstated(reg: Registry) -> None:
    admit_psc(reg, "acme")
    certify(reg, "acme", on=day(1), expires=day(300))
    reg.submit(Suspended(subject="acme", effective=day(10), reason="incident"))
    reg.submit(CertificationExpired(subject="acme", effective=day(300)))
    assert reg.state_of("acme") == "suspended"
    reg.submit(Reinstated(subject="acme", effective=day(320)))
    assert reg.state_of("acme") == "member"
    assert state(reg, "certification", "acme") == "expired"


def test_certification_granted_during_a_suspension_counts_on_reinstatement(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(ExternalCertificateRecorded(subject="acme", effective=day(1), certificate=certificate("acme")))
    reg.submit(IcocaApplicationSubmitted(subject="acme", effective=day(2)))
    reg.submit(Suspended(subject="acme", effective=day(10), reason="incident"))
    reg.submit(
        IcocaCertificationGranted(subject="acme", effective=day(20), certification=CertificateId("i"), expires=day(900))
    )
    assert reg.state_of("acme") == "suspended"
    reg.submit(Reinstated(subject="acme", effective=day(30)))
    assert reg.state_of("acme") == "certified_member"


def test_reinstated_only_from_suspension(reg: Registry) -> None:
    admit_psc(reg, "acme")
    error = refused(reg, Reinstated(subject="acme", effective=day(1)))
    assert error.process == "company-status"
    assert error.state == "member"


@pytest.mark.parametrize("leave", ["terminated", "withdrew"])
def test_former_member_is_active_again_only_through_new_application_and_admission(reg: Registry, leave: str) -> None:
    admit_psc(reg, "acme", Admission.AFFILIATE)
    gone: Event = (
        Terminated(subject="acme", effective=day(10), reason="no self-assessment")
        if leave == "terminated"
        else Withdrew(subject="acme", effective=day(10))
    )
    reg.submit(gone)
    gone_state = "terminated" if leave == "terminated" else "withdrawn"
    assert reg.state_of("acme") == gone_state
    for event in (
        Reinstated(subject="acme", effective=day(11)),
        Admitted(subject="acme", effective=day(11), admission=Admission.MEMBER),
        Suspended(subject="acme", effective=day(11), reason="x"),
        DueDiligenceStarted(subject="acme", effective=day(11)),
    ):
        refused(reg, event)
    assert reg.state_of("acme") == gone_state
    reg.submit(application("acme", day(20)))
    assert reg.state_of("acme") == gone_state  # applying is not being admitted
    reg.submit(DueDiligenceStarted(subject="acme", effective=day(21)))
    reg.submit(Admitted(subject="acme", effective=day(60), admission=Admission.MEMBER))
    assert reg.state_of("acme") == "member"
    assert reg.state_of("acme", as_of=day(30)) == gone_state


def test_active_member_cannot_apply_again(reg: Registry) -> None:
    admit_psc(reg, "acme")
    error = refused(reg, application("acme", day(5)))
    assert error.guard == "not_active"
    assert "already member" in error.reason


# --- member status: CSOs, governments, observers ------------------------------------------------------


def test_cso_member_status_lifecycle(reg: Registry) -> None:
    admit_other(reg, "hrw", ApplicantKind.CSO, Admission.MEMBER)
    assert reg.kind_of("hrw") is SubjectKind.CSO
    assert reg.state_of("hrw") == "active"
    reg.submit(Suspended(subject="hrw", effective=day(10), reason="dues unpaid"))
    assert reg.state_of("hrw") == "suspended"
    reg.submit(Reinstated(subject="hrw", effective=day(20)))
    assert reg.state_of("hrw") == "active"
    reg.submit(Terminated(subject="hrw", effective=day(30), reason="dues unpaid"))
    assert reg.state_of("hrw") == "terminated"
    refused(reg, Admitted(subject="hrw", effective=day(31), admission=Admission.MEMBER))
    reg.submit_all(
        [
            application("hrw", day(40), applicant=ApplicantKind.CSO, provides_security_services=False, services=()),
            Admitted(subject="hrw", effective=day(50), admission=Admission.MEMBER),
        ]
    )
    assert reg.state_of("hrw") == "active"


def test_cso_cannot_be_an_affiliate_or_move_like_a_company(reg: Registry) -> None:
    reg.submit(application("hrw", applicant=ApplicantKind.CSO, provides_security_services=False, services=()))
    error = refused(reg, Admitted(subject="hrw", effective=D0, admission=Admission.AFFILIATE))
    assert error.guard == "admission_fits"
    assert "cso" in error.reason
    reg.submit(Admitted(subject="hrw", effective=D0, admission=Admission.MEMBER))
    error = refused(reg, MovedToAffiliate(subject="hrw", effective=day(1)))
    assert error.process == "registry"
    assert "cso" in error.reason


def test_government_member_and_government_observer(reg: Registry) -> None:
    admit_other(reg, "ch", ApplicantKind.GOVERNMENT, Admission.MEMBER)
    admit_other(reg, "oecd", ApplicantKind.GOVERNMENT, Admission.OBSERVER)
    assert reg.kind_of("ch") is SubjectKind.GOVERNMENT
    assert reg.state_of("ch") == "active"
    assert reg.state_of("oecd") == "active"
    reg.submit(Withdrew(subject="ch", effective=day(5)))
    assert reg.state_of("ch") == "withdrawn"


@pytest.mark.parametrize("applicant", [ApplicantKind.COMPANY, ApplicantKind.OTHER])
def test_non_security_applicant_is_admitted_only_as_observer(reg: Registry, applicant: ApplicantKind) -> None:
    reg.submit(application("uni", applicant=applicant, provides_security_services=False, services=()))
    assert reg.kind_of("uni") is SubjectKind.OBSERVER
    error = refused(reg, Admitted(subject="uni", effective=D0, admission=Admission.MEMBER))
    assert "observer" in error.reason
    reg.submit(Admitted(subject="uni", effective=day(1), admission=Admission.OBSERVER))
    assert reg.state_of("uni") == "active"
    assert state(reg, "member-status", "uni") == "active"
    assert reg.instance("company-status", "uni") is None


# --- self-assessment ---------------------------------------------------------------------------------


def test_self_assessment_cycle_missed_only_after_due_date_and_late_submission(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(SelfAssessmentSent(subject="acme", effective=day(50), cycle=2023, due=day(130)))
    assert state(reg, "self-assessment", "acme#2023") == "sent"
    error = refused(reg, SelfAssessmentMissed(subject="acme", effective=day(130), cycle=2023))
    assert error.guard == "past_due"
    reg.submit(SelfAssessmentMissed(subject="acme", effective=day(131), cycle=2023))
    assert state(reg, "self-assessment", "acme#2023") == "missed"
    reg.submit(SelfAssessmentSubmitted(subject="acme", effective=day(140), cycle=2023))
    reg.submit(SelfAssessmentRated(subject="acme", effective=day(150), cycle=2023, satisfactory=False))
    assert state(reg, "self-assessment", "acme#2023") == "unsatisfactory"
    refused(reg, SelfAssessmentRated(subject="acme", effective=day(151), cycle=2023, satisfactory=True))


def test_self_assessment_is_sent_only_to_active_companies(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(Withdrew(subject="acme", effective=day(1)))
    error = refused(reg, SelfAssessmentSent(subject="acme", effective=day(2), cycle=2023, due=day(90)))
    assert error.guard == "subject_company_active"


# --- compliance cases (Art. 12) ---------------------------------------------------------------------


def open_case(case: str, company: str = "acme", on: date = D0, **fields: object) -> CaseOpened:
    values: dict[str, object] = {
        "source": FindingSource.REMOTE_MONITORING,
        "category": ConcernCategory.PERSONNEL_MISCONDUCT,
    }
    values.update(fields)
    return CaseOpened(subject=case, effective=on, company=MemberId(company), **values)  # type: ignore[arg-type]


def test_compliance_case_ladder_to_implemented(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(open_case("case-1", on=day(1), code_paragraphs=(30, 31)))
    assert reg.kind_of("case-1") is SubjectKind.CASE
    steps: list[tuple[Event, str]] = [
        (DialogueOpened(subject="case-1", effective=day(2)), "dialogue"),
        (ReferredToBoard(subject="case-1", effective=day(30)), "referred_to_board"),
        (
            CorrectiveActionRecommended(subject="case-1", effective=day(60), plan="cap-1", deadline=day(150)),
            "corrective_action",
        ),
        (CorrectiveActionVerified(subject="case-1", effective=day(140)), "implemented"),
    ]
    assert reg.state_of("case-1") == "concern"
    for event, expected in steps:
        reg.submit(event)
        assert reg.state_of("case-1") == expected
    assert reg.instance("compliance-case", "case-1").data["company"] == "acme"  # type: ignore[union-attr]
    assert reg.state_of("acme") == "member"  # a case does not change the company's status by itself


def test_compliance_case_to_suspension_proceedings(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit_all(
        [
            open_case("case-2", on=day(1)),
            DialogueOpened(subject="case-2", effective=day(2)),
            ReferredToBoard(subject="case-2", effective=day(3)),
            CorrectiveActionRecommended(subject="case-2", effective=day(4), plan="cap-2", deadline=day(60)),
            SuspensionProceedingsOpened(subject="case-2", effective=day(90), reason="continued non-compliance"),
        ]
    )
    assert reg.state_of("case-2") == "suspension_proceedings"
    reg.submit(CaseResolved(subject="case-2", effective=day(120)))
    assert reg.state_of("case-2") == "resolved"


@pytest.mark.parametrize(
    ("prefix", "skip"),
    [
        ((), ReferredToBoard(subject="case-3", effective=day(5))),
        ((), CorrectiveActionVerified(subject="case-3", effective=day(5))),
        ((), SuspensionProceedingsOpened(subject="case-3", effective=day(5), reason="x")),
        (
            (DialogueOpened(subject="case-3", effective=day(2)),),
            CorrectiveActionRecommended(subject="case-3", effective=day(5), plan="p", deadline=day(9)),
        ),
        (
            (DialogueOpened(subject="case-3", effective=day(2)), ReferredToBoard(subject="case-3", effective=day(3))),
            SuspensionProceedingsOpened(subject="case-3", effective=day(5), reason="corrective action comes first"),
        ),
    ],
)
def test_skipping_a_step_of_the_ladder_is_refused(reg: Registry, prefix: tuple[Event, ...], skip: Event) -> None:
    admit_psc(reg, "acme")
    reg.submit_all([open_case("case-3", on=day(1)), *prefix])
    error = refused(reg, skip)
    assert error.process == "compliance-case"
    assert error.event == skip.TYPE
    assert "no transition" in error.reason


def test_case_needs_an_active_company(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(Terminated(subject="acme", effective=day(1), reason="bad faith"))
    error = refused(reg, open_case("case-1", on=day(2)))
    assert error.guard == "company_active"
    error = refused(reg, open_case("case-1", company="nobody", on=day(2)))
    assert "not a known company" in error.reason


# --- complaints (Art. 13) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "route"),
    [
        (ComplaintKind.ALLEGED_HARM, ComplaintRoute.COMPANY_GRIEVANCE_MECHANISM),
        (ComplaintKind.CREDIBLE_EVIDENCE, ComplaintRoute.ICOCA_GOOD_OFFICES),
        (ComplaintKind.GRIEVANCE_MECHANISM_INADEQUATE, ComplaintRoute.OTHER),
    ],
)
def test_complaint_flow_through_each_route(reg: Registry, kind: ComplaintKind, route: ComplaintRoute) -> None:
    admit_psc(reg, "acme")
    reg.submit(ComplaintReceived(subject="cmp-1", effective=day(1), company=MemberId("acme")))
    assert reg.kind_of("cmp-1") is SubjectKind.COMPLAINT
    assert reg.state_of("cmp-1") == "received"
    reg.submit(ComplaintClassified(subject="cmp-1", effective=day(2), kind=kind))
    assert reg.state_of("cmp-1") == "classified"
    reg.submit(ComplaintReferred(subject="cmp-1", effective=day(3), route=route))
    assert reg.state_of("cmp-1") == "referred"
    assert reg.instance("complaint", "cmp-1").data["route"] is route  # type: ignore[union-attr]
    refused(reg, ComplaintClosed(subject="cmp-1", effective=day(4)))  # not while referred
    reg.submit(ComplaintRemedied(subject="cmp-1", effective=day(40)))
    reg.submit(ComplaintClosed(subject="cmp-1", effective=day(41)))
    assert reg.state_of("cmp-1") == "closed"
    refused(reg, ComplaintReferred(subject="cmp-1", effective=day(42), route=route))


def test_unresolved_complaint_may_take_another_route_or_close(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit_all(
        [
            ComplaintReceived(subject="cmp-1", effective=day(1), company=MemberId("acme")),
            ComplaintClassified(subject="cmp-1", effective=day(2), kind=ComplaintKind.ALLEGED_HARM),
            ComplaintReferred(subject="cmp-1", effective=day(3), route=ComplaintRoute.COMPANY_GRIEVANCE_MECHANISM),
            ComplaintUnresolved(subject="cmp-1", effective=day(30)),
        ]
    )
    assert reg.state_of("cmp-1") == "unresolved"
    reg.submit(ComplaintReferred(subject="cmp-1", effective=day(31), route=ComplaintRoute.ICOCA_GOOD_OFFICES))
    assert reg.state_of("cmp-1") == "referred"
    reg.submit_all(
        [ComplaintUnresolved(subject="cmp-1", effective=day(60)), ComplaintClosed(subject="cmp-1", effective=day(61))]
    )
    assert reg.state_of("cmp-1") == "closed"


def test_complaint_about_an_unknown_company_is_refused(reg: Registry) -> None:
    admit_other(reg, "hrw", ApplicantKind.CSO, Admission.MEMBER)
    error = refused(reg, ComplaintReceived(subject="cmp-1", effective=day(1), company=MemberId("hrw")))
    assert error.guard == "known_company"
    assert "not a company" in error.reason


def test_complaint_opens_a_compliance_case_for_its_company_only(reg: Registry) -> None:
    admit_psc(reg, "acme")
    admit_psc(reg, "beta")
    reg.submit(ComplaintReceived(subject="cmp-1", effective=day(1), company=MemberId("acme")))
    error = refused(
        reg, open_case("case-1", company="beta", on=day(2), source=FindingSource.COMPLAINT, complaint="cmp-1")
    )
    assert error.guard == "complaint_known"
    assert "concerns 'acme', not 'beta'" in error.reason
    error = refused(reg, open_case("case-1", on=day(2), source=FindingSource.COMPLAINT, complaint="cmp-9"))
    assert "no complaint 'cmp-9'" in error.reason

    reg.submit(open_case("case-1", on=day(2), source=FindingSource.COMPLAINT, complaint="cmp-1"))
    case = reg.instance("compliance-case", "case-1")
    assert case is not None and case.state == "concern"
    assert case.data["source"] is FindingSource.COMPLAINT
    assert case.data["complaint"] == "cmp-1"
    assert reg.state_of("cmp-1") == "received"  # the complaint goes on its own way


# --- Board ------------------------------------------------------------------------------------------


def seats(reg: Registry, pillar: Pillar, n: int, start: int = 0) -> None:
    reg.submit_all(
        [SeatCreated(subject=f"{pillar.value}-{i}", effective=D0, pillar=pillar) for i in range(start, start + n)]
    )


def test_fifth_psc_seat_is_refused(reg: Registry) -> None:
    seats(reg, Pillar.PSC, SEATS_PER_PILLAR)
    error = refused(reg, SeatCreated(subject="psc-extra", effective=D0, pillar=Pillar.PSC))
    assert error.guard == "seat_limits"
    assert "psc pillar already has 4 seats" in error.reason
    reg.submit(SeatCreated(subject="cso-0", effective=D0, pillar=Pillar.CSO))  # other pillars still have room


def test_thirteenth_seat_is_refused(reg: Registry) -> None:
    for pillar in Pillar:
        seats(reg, pillar, SEATS_PER_PILLAR)
    assert len(list(reg.instances("board-seat"))) == BOARD_SEATS
    for pillar in Pillar:
        error = refused(reg, SeatCreated(subject="seat-13", effective=D0, pillar=pillar))
        assert error.guard == "seat_limits"
    assert len(list(reg.instances("board-seat"))) == BOARD_SEATS


def test_board_seat_term_of_three_years(reg: Registry) -> None:
    admit_other(reg, "hrw", ApplicantKind.CSO, Admission.MEMBER)
    reg.submit_all(
        [
            SeatCreated(subject="cso-1", effective=D0, pillar=Pillar.CSO),
            NominationsOpened(subject="cso-1", effective=D0),
            DirectorElected(subject="cso-1", effective=day(30), director="d-1", name="A. Director", organisation="hrw"),
        ]
    )
    assert reg.state_of("cso-1") == "elected"
    start = day(60)
    error = refused(reg, DirectorTookOffice(subject="cso-1", effective=start, term_end=date(2026, 7, 10)))
    assert error.guard == "term_length"
    assert "3 years" in error.reason
    reg.submit(DirectorTookOffice(subject="cso-1", effective=start, term_end=date(2026, 7, 9)))
    assert reg.state_of("cso-1") == "in_office"
    error = refused(reg, TermEnded(subject="cso-1", effective=date(2026, 7, 8)))
    assert error.guard == "term_over"
    assert "2026-07-09" in error.reason
    reg.submit(TermEnded(subject="cso-1", effective=date(2026, 7, 9)))
    assert reg.state_of("cso-1") == "term_ended"
    reg.submit(NominationsOpened(subject="cso-1", effective=date(2026, 7, 10)))
    assert reg.state_of("cso-1") == "nominations"


def test_director_leaving_early_vacates_the_seat(reg: Registry) -> None:
    reg.submit_all(
        [
            SeatCreated(subject="gov-1", effective=D0, pillar=Pillar.GOVERNMENT),
            NominationsOpened(subject="gov-1", effective=D0),
            DirectorElected(subject="gov-1", effective=D0, director="d-2", name="B. Director"),
            DirectorTookOffice(subject="gov-1", effective=D0, term_end=day(1000)),
            DirectorLeft(subject="gov-1", effective=day(100)),
        ]
    )
    assert reg.state_of("gov-1") == "vacant"


def test_director_organisation_must_belong_to_the_seat_pillar(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit_all(
        [
            SeatCreated(subject="cso-1", effective=D0, pillar=Pillar.CSO),
            NominationsOpened(subject="cso-1", effective=D0),
        ]
    )
    error = refused(
        reg, DirectorElected(subject="cso-1", effective=day(1), director="d-1", name="C. Director", organisation="acme")
    )
    assert error.guard == "organisation_in_pillar"
    assert "not a member of the cso pillar" in error.reason


# --- date order and time ---------------------------------------------------------------------------


def test_seat_events_and_member_events_are_refused_on_the_wrong_kind_of_subject(reg: Registry) -> None:
    admit_psc(reg, "acme")
    reg.submit(SeatCreated(subject="psc-1", effective=D0, pillar=Pillar.PSC))
    error = refused(reg, Suspended(subject="psc-1", effective=day(1), reason="x"))
    assert error.process == "registry"
    assert "seat" in error.reason
    error = refused(reg, SeatCreated(subject="acme", effective=day(1), pillar=Pillar.PSC))
    assert "company" in error.reason
