"""Run every public state machine of icoc.testing against the real registry.

Each machine offers legal and illegal events for its process and checks after every step that a
refused event changes nothing, that the state is the replay of the history, and the rest of the
invariants on ``RegistryMachine``. At least 200 examples per machine (the issue asks for it).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from icoc.testing import (
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

MACHINE_SETTINGS = settings(
    max_examples=200,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TestMembership = MembershipMachine.TestCase
TestMembership.settings = MACHINE_SETTINGS

TestCompanyStatus = CompanyStatusMachine.TestCase
TestCompanyStatus.settings = MACHINE_SETTINGS

TestMemberStatus = MemberStatusMachine.TestCase
TestMemberStatus.settings = MACHINE_SETTINGS

TestCertification = CertificationMachine.TestCase
TestCertification.settings = MACHINE_SETTINGS

TestSelfAssessment = SelfAssessmentMachine.TestCase
TestSelfAssessment.settings = MACHINE_SETTINGS

TestComplianceCase = ComplianceCaseMachine.TestCase
TestComplianceCase.settings = MACHINE_SETTINGS

TestComplaint = ComplaintMachine.TestCase
TestComplaint.settings = MACHINE_SETTINGS

TestBoard = BoardMachine.TestCase
TestBoard.settings = MACHINE_SETTINGS

TestProcesses = ProcessMachine.TestCase
TestProcesses.settings = MACHINE_SETTINGS
