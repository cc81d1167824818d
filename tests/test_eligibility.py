"""Eligibility decisions: reasons, unknowns, policies as data, tightening and loosening."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icoc
from icoc.eligibility import (
    BUILTIN_POLICIES,
    Decision,
    Policy,
    Requirement,
    Result,
    accept_affiliates,
    check,
    check_all,
    load_policy,
    policy_from_data,
    policy_to_data,
)
from icoc.errors import IcocError, InvalidInput, UnknownMember
from icoc.model import ExternalCertificate
from icoc.model.events import (
    Admission,
    CaseOpened,
    ComplaintReceived,
    DialogueOpened,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    ReferredToBoard,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
)
from icoc.model.monitoring import ConcernCategory, FindingSource, Severity
from icoc.rules import DEFAULT_RULES, Custom, Rule, RuleSet
from icoc.testing import candidate_events
from icoc.workflows import SubjectKind
from test_rules import Batch, admit, csa

AS_OF = date(2026, 3, 1)


def certify(reg: icoc.Registry, cid: str, on: date, standard: str = "PSC.1-2012") -> None:
    cert = ExternalCertificate(
        id=f"{cid}-c", company=cid, standard=standard, body="cb", issued=on, expires=date(on.year + 5, on.month, on.day)
    )
    reg.submit_all(
        [
            ExternalCertificateRecorded(subject=cid, effective=on, certificate=cert),
            IcocaApplicationSubmitted(subject=cid, effective=on),
            IcocaCertificationGranted(subject=cid, effective=on, certification=f"{cid}-i", expires=cert.expires),
        ]
    )


def outcome(decision: Decision, requirement: str) -> Result:
    return next(o.result for o in decision.outcomes if o.requirement == requirement)


@pytest.fixture()
def reg() -> icoc.Registry:
    r = Batch()  # one batch, applied in date order
    admit(r, "good", date(2023, 5, 10))
    csa(r, "good", 2025, True)
    admit(r, "late-csa", date(2023, 5, 10))
    csa(r, "late-csa", 2025, None)
    admit(r, "no-csa", date(2023, 5, 10))
    admit(r, "affiliate", date(2022, 1, 5), Admission.AFFILIATE)
    csa(r, "affiliate", 2025, True)
    admit(r, "suspended", date(2022, 1, 5), Admission.AFFILIATE)
    csa(r, "suspended", 2025, True)
    r.submit(Suspended(subject="suspended", effective=date(2026, 1, 10), reason="bad faith"))
    admit(r, "sea", date(2022, 1, 5))
    certify(r, "sea", date(2023, 1, 1), "ISO-28007")
    csa(r, "sea", 2025, True)
    admit(r, "land", date(2022, 1, 5))
    certify(r, "land", date(2023, 1, 1))
    csa(r, "land", 2025, True)
    admit(r, "board", date(2022, 1, 5), Admission.AFFILIATE)
    csa(r, "board", 2025, True)
    r.submit_all(
        [
            CaseOpened(
                subject="case-1",
                effective=date(2025, 2, 1),
                company="board",
                source=FindingSource.FIELD_BASED_REVIEW,
                category=ConcernCategory.MANAGEMENT_AND_GOVERNANCE,
                code_paragraphs=(45,),
                severity=Severity.HIGH,
            ),
            DialogueOpened(subject="case-1", effective=date(2025, 3, 1)),
            ReferredToBoard(subject="case-1", effective=date(2025, 6, 1)),
        ]
    )
    reg = r.registry()
    reg.advance_to(AS_OF)
    return reg


def test_good_standing_default_reasons(reg: icoc.Registry) -> None:
    d = check(reg, "good", as_of=AS_OF)
    assert d.eligible and all(o.result is Result.PASSED for o in d.outcomes)
    deadline = next(o for o in d.outcomes if o.requirement == "certification-deadline")
    assert "2026-12-31" in deadline.reason and any(f.name == "deadline" for f in deadline.facts)
    assert "ELIGIBLE" in d.text() and "Art. 11" in d.text()


def test_missed_self_assessment_fails_and_missing_record_is_unknown(reg: icoc.Registry) -> None:
    late = check(reg, "late-csa", as_of=AS_OF)
    assert not late.eligible and outcome(late, "self-assessment") is Result.FAILED
    assert "2025" in next(o.reason for o in late.outcomes if o.requirement == "self-assessment")
    missing = check(reg, "no-csa", as_of=AS_OF)
    assert not missing.eligible and outcome(missing, "self-assessment") is Result.UNKNOWN
    assert "no record for cycle 2025" in missing.text()


def test_suspension_and_proceedings_fail_with_reasons(reg: icoc.Registry) -> None:
    s = check(reg, "suspended", as_of=AS_OF)
    assert outcome(s, "not-suspended") is Result.FAILED and "2026-01-10" in s.text()
    b = check(reg, "board", as_of=AS_OF)
    assert outcome(b, "no-proceedings") is Result.FAILED and "case-1" in b.text()


def test_affiliates_pass_good_standing_but_not_the_us_dos_policy_unless_accepted(reg: icoc.Registry) -> None:
    assert check(reg, "affiliate", as_of=AS_OF).eligible
    dos = check(reg, "affiliate", "us-dos-protective-services", as_of=AS_OF)
    assert not dos.eligible and outcome(dos, "active") is Result.FAILED
    assert check(
        reg, "affiliate", accept_affiliates(BUILTIN_POLICIES["us-dos-protective-services"]), as_of=AS_OF
    ).eligible


def test_certified_and_maritime(reg: icoc.Registry) -> None:
    assert not check(reg, "good", "certified-member", as_of=AS_OF).eligible
    assert check(reg, "land", "certified-member", as_of=AS_OF).eligible
    assert check(reg, "sea", "maritime", as_of=AS_OF).eligible
    land = check(reg, "land", "maritime", as_of=AS_OF)
    assert not land.eligible and outcome(land, "iso-28007") is Result.FAILED
    assert "PSC.1-2012" in land.text()


def test_stale_registry_is_unknown_not_a_pass() -> None:
    r = icoc.Registry()
    admit(r, "acme", date(2023, 5, 10))
    csa(r, "acme", 2025, True)
    d = check(r, "acme", as_of=date(2027, 3, 1))
    assert outcome(d, "registry-current") is Result.UNKNOWN and not d.eligible


def test_open_complaints_of_a_category(reg: icoc.Registry) -> None:
    reg.submit(
        ComplaintReceived(
            subject="cmp-1", effective=AS_OF, company="good", category=ConcernCategory.PERSONNEL_MISCONDUCT
        )
    )
    tight = BUILTIN_POLICIES["icoca-good-standing"].tightened(
        Requirement(
            id="no-misconduct-complaints",
            title="no open misconduct complaints",
            check="no_open_complaints",
            citation="client contract, clause 4",
            args={"categories": ("personnel_misconduct",)},
        )
    )
    d = check(reg, "good", tight, as_of=AS_OF)
    assert not d.eligible and outcome(d, "no-misconduct-complaints") is Result.FAILED
    other = tight.tightened(
        Requirement(
            id="no-misconduct-complaints",
            title="x",
            check="no_open_complaints",
            citation="c",
            args={"categories": ("other",)},
        )
    )
    assert check(reg, "good", other, as_of=AS_OF).eligible


def test_check_all_streams_every_company_and_json_round_trips(reg: icoc.Registry) -> None:
    decisions = list(check_all(reg, as_of=AS_OF))
    assert sorted(d.member for d in decisions) == sorted(reg.subjects(icoc.workflows.SubjectKind.COMPANY))
    d = decisions[0]
    assert icoc.io.loads(icoc.io.dumps(d), Decision) == d


def test_a_policy_without_requirements_is_refused(tmp_path: Path, reg: icoc.Registry) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("id: anyone\ntitle: Anyone\nrequirements: []\n")
    with pytest.raises(InvalidInput, match=r"empty\.yaml.*at least one requirement") as err:
        load_policy(empty)
    assert str(empty) in str(err.value)
    stripped = tmp_path / "stripped.json"
    good = BUILTIN_POLICIES["icoca-good-standing"]
    stripped.write_text(
        json.dumps({"id": "x", "title": "t", "extends": good.id, "remove": [r.id for r in good.requirements]})
    )
    with pytest.raises(InvalidInput, match="at least one requirement"):
        load_policy(stripped)
    with pytest.raises(InvalidInput, match="at least one requirement"):
        Policy(id="anyone", title="Anyone", requirements=())
    with pytest.raises(InvalidInput, match="at least one requirement"):
        good.loosened(*[r.id for r in good.requirements])


def test_unknown_member_and_non_company(reg: icoc.Registry) -> None:
    with pytest.raises(UnknownMember):
        check(reg, "nobody", as_of=AS_OF)
    with pytest.raises(InvalidInput, match="unknown policy"):
        check(reg, "good", "nope", as_of=AS_OF)


def test_policy_files(tmp_path: Path, reg: icoc.Registry) -> None:
    path = tmp_path / "tender.yaml"
    path.write_text(
        "id: tender-2026\ntitle: Tender 2026\nextends: icoca-good-standing\nremove: [self-assessment]\n"
        "requirements:\n  - {id: certified, title: ICoCA certified, check: icoca_certified, citation: 'RFP 12.3'}\n"
    )
    pol = load_policy(path)
    assert [r.id for r in pol.requirements][-1] == "certified" and "self-assessment" not in [r.id for r in pol]
    assert check(reg, "land", pol, as_of=AS_OF).eligible
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"id": "x", "title": "t", "requirements": [{"id": "a", "title": "b", "check": "zzz", "citation": "c"}]}
        )
    )
    with pytest.raises(InvalidInput, match=r"\$\.requirements\[0\]\.check"):
        load_policy(bad)
    for p in BUILTIN_POLICIES.values():
        assert policy_from_data(policy_to_data(p)) == p


# --- properties ---------------------------------------------------------------------------------------------

_ALL = [r for p in BUILTIN_POLICIES.values() for r in p.requirements]
_REQS = list({(r.id, r.check, tuple(sorted(r.args.items()))): r for r in _ALL}.values())


def _policy(reqs: list[Requirement], pid: str) -> Policy:
    unique = {r.id: r for r in reqs}
    return Policy(id=pid, title=pid, requirements=tuple(unique.values()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.lists(st.sampled_from(_REQS), min_size=1, max_size=6),
    extra=st.lists(st.sampled_from(_REQS), max_size=4),
    member=st.sampled_from(["good", "late-csa", "no-csa", "affiliate", "suspended", "sea", "land", "board"]),
)
def test_tightening_never_makes_eligible_and_eligible_is_the_conjunction(
    reg: icoc.Registry, base: list[Requirement], extra: list[Requirement], member: str
) -> None:
    loose = _policy(base, "loose")
    tight = loose.tightened(*[r for r in extra if r.id not in {b.id for b in loose}], id="tight")
    d_loose = check(reg, member, loose, as_of=AS_OF)
    d_tight = check(reg, member, tight, as_of=AS_OF)
    assert d_loose.eligible == all(o.result is Result.PASSED for o in d_loose.outcomes)
    if not d_loose.eligible:
        assert not d_tight.eligible
    if d_tight.eligible:
        assert d_loose.eligible
    dropped = loose.loosened(loose.requirements[0].id, id="looser") if len(loose.requirements) > 1 else loose
    if d_loose.eligible:
        assert check(reg, member, dropped, as_of=AS_OF).eligible


def test_decision_refuses_an_eligible_flag_that_is_not_the_conjunction(reg: icoc.Registry) -> None:
    d = check(reg, "late-csa", as_of=AS_OF)
    with pytest.raises(InvalidInput):
        Decision(member=d.member, policy=d.policy, as_of=d.as_of, outcomes=d.outcomes, eligible=True)


_DEADLINES = ("ART11.CERT_DEADLINE_2016", "ART3.TRANSITIONAL_DEADLINE", "ART3.CERT_DEADLINE")


def _opaque(rule: Rule) -> Rule:
    """The same rule with its condition behind a Python predicate: eligibility can no longer
    see which facts it reads, so it must not reuse a deadline computed for another company."""
    return attrs.evolve(rule, when=Custom(rule.when.describe(), rule.when.holds, uses=tuple(rule.when.fact_names())))


def _replayed(events: list[icoc.model.events.Event], rules: RuleSet) -> icoc.Registry:
    reg = icoc.Registry(rules=rules)
    for e in events:
        try:
            reg.submit(e)
        except IcocError:
            continue
    return reg


def _assert_batches_change_nothing(reg: icoc.Registry, opaque: icoc.Registry, as_of: date) -> None:
    members = reg.snapshot(as_of).subjects()  # companies and every other kind of subject
    for policy in BUILTIN_POLICIES.values():
        together = list(check_all(reg, policy, as_of=as_of, members=members))
        assert together == [check(reg, m, policy, as_of=as_of) for m in members]
        assert together == list(check_all(opaque, policy, as_of=as_of, members=members))
        assert all(d.eligible == all(o.result is Result.PASSED for o in d.outcomes) for d in together)
        companies = reg.snapshot(as_of).subjects(SubjectKind.COMPANY)
        assert [d.member for d in check_all(reg, policy, as_of=as_of)] == companies


@settings(max_examples=60, deadline=None)
@given(events=candidate_events(max_size=50), later=st.integers(0, 2500), advance=st.booleans())
def test_decisions_in_a_batch_equal_decisions_one_by_one(
    events: list[icoc.model.events.Event], later: int, advance: bool
) -> None:
    """check_all shares outcomes across companies and runs checks over batches; neither may
    change a decision: each equals the decision made alone (fresh context, batch of one), and
    the deadline reused across companies equals the one computed without reuse."""
    reg = _replayed(events, DEFAULT_RULES)
    opaque = _replayed(events, DEFAULT_RULES.with_rules(*(_opaque(DEFAULT_RULES[r]) for r in _DEADLINES)))
    assert opaque.history == reg.history
    as_of = max(e.effective for e in reg.history) + timedelta(days=later)
    if advance:
        reg.advance_to(as_of)
        opaque.advance_to(as_of)
    _assert_batches_change_nothing(reg, opaque, as_of)


_CSA = st.sampled_from([None, "sent", "submitted", "satisfactory", "unsatisfactory"])


@st.composite
def _fleets(draw: st.DrawFn) -> list[icoc.model.events.Event]:
    """Companies alike in most inputs and different in a few (joining date, admission, the latest
    self-assessment, certification, suspension, a case): the histories where an outcome shared
    on an incomplete key would show."""
    scratch = Batch()
    for k in range(draw(st.integers(1, 10))):
        cid = f"co-{k}"
        joined = draw(st.sampled_from([date(2020, 3, 1), date(2023, 5, 10), date(2025, 10, 1)]))
        admit(scratch, cid, joined, draw(st.sampled_from([Admission.MEMBER, Admission.AFFILIATE])))
        state = draw(_CSA)
        if joined < date(2025, 7, 1) and state is not None:
            scratch.submit(
                SelfAssessmentSent(subject=cid, effective=date(2025, 7, 1), cycle=2025, due=date(2025, 9, 23))
            )
            if state != "sent":
                scratch.submit(SelfAssessmentSubmitted(subject=cid, effective=date(2025, 9, 1), cycle=2025))
            if state in ("satisfactory", "unsatisfactory"):
                scratch.submit(
                    SelfAssessmentRated(
                        subject=cid, effective=date(2025, 10, 1), cycle=2025, satisfactory=state == "satisfactory"
                    )
                )
        if draw(st.booleans()):
            certify(scratch, cid, max(joined, date(2025, 10, 2)), draw(st.sampled_from(["PSC.1-2012", "ISO-28007"])))
        if draw(st.integers(0, 3)) == 0:
            scratch.submit(
                Suspended(subject=cid, effective=date(2026, 1, 10), reason=draw(st.sampled_from(["a", "b"])))
            )
    scratch.registry()  # every event is accepted
    return sorted(scratch.events, key=lambda e: e.effective)


@settings(max_examples=80, deadline=None)
@given(events=_fleets(), as_of=st.sampled_from([date(2025, 12, 31), AS_OF, date(2027, 2, 1)]))
def test_similar_companies_in_a_batch_get_their_own_outcomes(
    events: list[icoc.model.events.Event], as_of: date
) -> None:
    reg = _replayed(events, DEFAULT_RULES)
    opaque = _replayed(events, DEFAULT_RULES.with_rules(*(_opaque(DEFAULT_RULES[r]) for r in _DEADLINES)))
    reg.advance_to(as_of)
    opaque.advance_to(as_of)
    _assert_batches_change_nothing(reg, opaque, as_of)


def test_check_all_refuses_an_unknown_member_before_deciding_anything(reg: icoc.Registry) -> None:
    decided = []
    with pytest.raises(UnknownMember):
        for d in check_all(reg, as_of=AS_OF, members=["good", "nobody"]):
            decided.append(d)
    assert decided == []


def test_a_missing_standard_lists_the_company_certificates_with_those_not_in_force_marked() -> None:
    # The sample's example-risk-37 holds four PSC.1 certificates, three of them expired: the
    # reason must not present the expired ones as held.
    from icoc.eligibility import BUILTIN_POLICIES, check
    from icoc.sample import load_sample

    doc = load_sample()
    reg = icoc.Registry.from_document(doc)
    reg.advance_to(doc.as_of)
    decision = check(reg, "example-risk-37", BUILTIN_POLICIES["maritime"], as_of=doc.as_of)
    reason = next(o.reason for o in decision.outcomes if "ISO-28007" in o.reason)
    assert "(its certificates: PSC.1-2012 (EXT-0055, expired 2019-06-19)" in reason
    assert reason.endswith("PSC.1-2012 (EXT-0058))") and "holds" not in reason


def test_a_status_in_requirement_refuses_a_status_no_company_can_have() -> None:
    """A misspelt status (``memebr``) would make every company fail the requirement silently."""
    with pytest.raises(InvalidInput, match=r"\$\.requirements\[0\]\.statuses\[0\]: expected one of 'member'"):
        policy_from_data(
            {
                "id": "p",
                "title": "P",
                "requirements": [
                    {"id": "s", "title": "S", "check": "status_in", "citation": "RFP", "statuses": ["memebr"]}
                ],
            }
        )
    with pytest.raises(InvalidInput, match=r"args\.statuses: unknown value 'memebr'"):
        Requirement(id="s", title="S", check="status_in", citation="RFP", args={"statuses": ("memebr",)})
    ok = Requirement(id="s", title="S", check="status_in", citation="RFP", args={"statuses": ("member",)})
    assert ok.args["statuses"] == ("member",)
