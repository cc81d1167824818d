"""The registry engine: refusals that name what refused and change nothing, atomic batches, date
order, state as of past dates, replay from history and JSON, isolation between registries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icoc.errors import IllegalTransition, InvalidInput, UnknownMember
from icoc.io import Audience, dumps, loads
from icoc.model.certificates import ExternalCertificate
from icoc.model.complaints import ComplaintKind
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    ComplaintClassified,
    ComplaintReceived,
    DialogueOpened,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    History,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    MovedToAffiliate,
    NominationsOpened,
    Reinstated,
    SeatCreated,
    SelfAssessmentSent,
    Suspended,
    Terminated,
)
from icoc.model.ids import CertificateId, CertificationBodyId, MemberId, StandardId
from icoc.model.members import Pillar, ServiceDomain
from icoc.model.monitoring import ConcernCategory, FindingSource
from icoc.registry import Registry
from icoc.testing import REFUSALS, candidate_events, valid_histories
from icoc.workflows import PROCESSES

D0 = date(2022, 3, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def apply(subject: str, on: date = D0) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        subject=subject,
        effective=on,
        applicant=ApplicantKind.COMPANY,
        name=f"{subject} Ltd",
        provides_security_services=True,
        services=(ServiceDomain.LAND,),
    )


def joining(subject: str, on: date = D0, admission: Admission = Admission.MEMBER) -> list[Event]:
    return [
        apply(subject, on),
        DueDiligenceStarted(subject=subject, effective=on),
        Admitted(subject=subject, effective=on, admission=admission),
    ]


def everything(reg: Registry) -> tuple[object, ...]:
    """All a caller can observe, to compare before and after a refusal."""
    return (
        reg.history,
        len(reg),
        {p: list(reg.instances(p)) for p in PROCESSES},
        {s: (reg.kind_of(s), reg.states_of(s)) for s in reg.subjects()},
        reg.clock,
        reg.obligations(),
        reg.next_due(),
        reg.pending_rules(date.max),
    )


def story() -> list[Event]:
    """A small history over two years: two companies, a CSO, a case, a complaint, a seat."""
    cert = ExternalCertificate(
        id=CertificateId("psc1-1"),
        company=MemberId("acme"),
        standard=StandardId("PSC.1-2012"),
        body=CertificationBodyId("body"),
        issued=day(100),
        expires=day(1100),
    )
    return [
        *joining("acme"),
        apply("beta", day(10)),
        ApplicationSubmitted(subject="hrw", effective=day(20), applicant=ApplicantKind.CSO, name="HRW"),
        Admitted(subject="hrw", effective=day(30), admission=Admission.MEMBER),
        DueDiligenceStarted(subject="beta", effective=day(40)),
        ExternalCertificateRecorded(subject="acme", effective=day(100), certificate=cert),
        Admitted(subject="beta", effective=day(120), admission=Admission.AFFILIATE),
        IcocaApplicationSubmitted(subject="acme", effective=day(150)),
        ComplaintReceived(subject="cmp-1", effective=day(160), company=MemberId("beta")),
        IcocaCertificationGranted(
            subject="acme", effective=day(200), certification=CertificateId("icoca-1"), expires=day(1100)
        ),
        CaseOpened(
            subject="case-1",
            effective=day(210),
            company=MemberId("beta"),
            source=FindingSource.COMPLAINT,
            complaint="cmp-1",
            category=ConcernCategory.PERSONNEL_MISCONDUCT,
        ),
        ComplaintClassified(subject="cmp-1", effective=day(220), kind=ComplaintKind.ALLEGED_HARM),
        SeatCreated(subject="seat-cso-1", effective=day(230), pillar=Pillar.CSO),
        Suspended(subject="beta", effective=day(300), reason="corrective action plan overdue"),
        DialogueOpened(subject="case-1", effective=day(310)),
        NominationsOpened(subject="seat-cso-1", effective=day(400)),
        Reinstated(subject="beta", effective=day(500)),
        Terminated(subject="hrw", effective=day(600), reason="dues unpaid"),
    ]


@pytest.fixture
def reg() -> Registry:
    r = Registry()
    r.submit_all(story())
    return r


# --- refusals ------------------------------------------------------------------------------------


def test_illegal_transition_names_process_state_event_and_guard(reg: Registry) -> None:
    with pytest.raises(IllegalTransition) as info:
        reg.submit(MovedToAffiliate(subject="acme", effective=day(700)))
    error = info.value
    assert (error.process, error.subject, error.state, error.event) == (
        "company-status",
        "acme",
        "certified_member",
        "moved_to_affiliate",
    )
    assert error.guard is None
    assert "no transition from certified_member on moved_to_affiliate" in error.reason
    assert "allowed:" in error.reason

    reg.submit_all(joining("gamma", day(700)))
    with pytest.raises(IllegalTransition) as info:
        reg.submit(MovedToAffiliate(subject="gamma", effective=day(701)))
    error = info.value
    assert (error.process, error.state, error.event, error.guard) == (
        "company-status",
        "member",
        "moved_to_affiliate",
        "latest_csa_satisfactory",
    )
    text = str(error)
    for part in ("company-status", "moved_to_affiliate", "gamma", "member", "guard latest_csa_satisfactory"):
        assert part in text


def test_refused_event_leaves_history_and_state_unchanged(reg: Registry) -> None:
    before = everything(reg)
    snapshot = reg.snapshot()
    for event in (
        Admitted(subject="acme", effective=day(700), admission=Admission.OBSERVER),
        Reinstated(subject="acme", effective=day(700)),
        CaseOpened(
            subject="case-2",
            effective=day(700),
            company=MemberId("hrw"),
            source=FindingSource.REMOTE_MONITORING,
            category=ConcernCategory.OTHER,
        ),
        SelfAssessmentSent(subject="nobody", effective=day(700), cycle=2024, due=day(780)),
    ):
        with pytest.raises(REFUSALS):
            reg.submit(event)
        assert everything(reg) == before
    assert reg.snapshot() == snapshot
    with pytest.raises(UnknownMember):
        reg.state_of("case-2")


def test_batch_with_an_illegal_third_event_applies_nothing(reg: Registry) -> None:
    before = everything(reg)
    batch = [
        *joining("delta", day(700))[:2],
        Suspended(subject="delta", effective=day(700), reason="not admitted yet"),
        Admitted(subject="delta", effective=day(700), admission=Admission.MEMBER),
    ]
    with pytest.raises(IllegalTransition) as info:
        reg.submit_all(batch)
    assert info.value.subject == "delta" and info.value.event == "suspended"
    assert any("event 2 of the batch; nothing in the batch was applied" in n for n in info.value.__notes__)
    assert everything(reg) == before
    with pytest.raises(UnknownMember):
        reg.state_of("delta")


def test_a_valid_batch_applies_every_event_in_order(reg: Registry) -> None:
    n = len(reg)
    batch = [
        *joining("delta", day(700)),
        Suspended(subject="delta", effective=day(701), reason="incident"),
        Reinstated(subject="delta", effective=day(702)),
    ]
    reg.submit_all(batch)
    assert reg.history[n:] == tuple(batch)
    assert reg.state_of("delta") == "member"
    assert reg.state_of("delta", as_of=day(701)) == "suspended"


def test_guards_see_earlier_events_of_the_same_batch() -> None:
    reg = Registry()
    batch = [SeatCreated(subject=f"psc-{i}", effective=D0, pillar=Pillar.PSC) for i in range(5)]
    with pytest.raises(IllegalTransition) as info:
        reg.submit_all(batch)
    assert info.value.subject == "psc-4"
    assert len(reg) == 0
    reg.submit_all(batch[:4])
    assert len(list(reg.instances("board-seat"))) == 4


def test_non_event_in_a_batch_is_invalid_input() -> None:
    reg = Registry()
    with pytest.raises(InvalidInput, match=r"events\[1\]: expected an Event"):
        reg.submit_all([apply("acme"), {"type": "admitted"}])  # type: ignore[list-item]
    assert len(reg) == 0


def test_event_dated_before_the_subjects_last_event_is_refused(reg: Registry) -> None:
    before = everything(reg)
    with pytest.raises(IllegalTransition) as info:
        reg.submit(Suspended(subject="beta", effective=day(499), reason="late"))
    error = info.value
    # The registry's clock moved with its inputs to day 500: anything dated before is refused.
    assert error.process == "clock"
    assert error.subject == "beta"
    assert reg.clock is not None and reg.clock >= day(500)
    assert day(499).isoformat() in error.reason and reg.clock.isoformat() in error.reason
    assert "before the registry's clock" in error.reason
    assert everything(reg) == before
    reg.submit(Suspended(subject="beta", effective=reg.clock, reason="the clock's own day is fine"))
    assert reg.state_of("beta") == "suspended"


def test_unknown_subject_is_unknown_member(reg: Registry) -> None:
    before = everything(reg)
    with pytest.raises(UnknownMember) as info:
        reg.submit(Suspended(subject="nobody", effective=day(700), reason="x"))
    assert info.value.member_id == "nobody"
    assert "'nobody'" in str(info.value)
    assert everything(reg) == before
    with pytest.raises(UnknownMember):
        reg.state_of("nobody")
    with pytest.raises(UnknownMember):
        reg.state_of("nobody", as_of=day(10))
    assert reg.kind_of("nobody") is None
    assert reg.states_of("nobody") == {}


def test_unknown_process_is_invalid_input(reg: Registry) -> None:
    with pytest.raises(InvalidInput, match="unknown process 'membershp'"):
        reg.instance("membershp", "acme")


# --- time ------------------------------------------------------------------------------------------


def test_state_of_as_of_past_dates(reg: Registry) -> None:
    assert reg.state_of("beta", as_of=day(9)) is None  # before it applied
    assert reg.state_of("beta", as_of=day(10)) == "applied"
    assert reg.state_of("beta", as_of=day(80)) == "under_review"
    assert reg.state_of("beta", as_of=day(120)) == "affiliate"
    assert reg.state_of("beta", as_of=day(299)) == "affiliate"
    assert reg.state_of("beta", as_of=day(300)) == "suspended"
    assert reg.state_of("beta", as_of=day(499)) == "suspended"
    assert reg.state_of("beta", as_of=day(500)) == "affiliate"
    assert reg.state_of("acme", as_of=day(199)) == "member"
    assert reg.state_of("acme", as_of=day(200)) == "certified_member"
    assert reg.state_of("hrw", as_of=day(599)) == "active"
    assert reg.state_of("hrw") == "terminated"
    for subject in reg.subjects():
        assert reg.state_of(subject, as_of=day(10_000)) == reg.state_of(subject)


@pytest.mark.parametrize("n", [0, 9, 100, 160, 215, 300, 499, 600, 900])
def test_snapshot_as_of_equals_a_registry_fed_only_the_events_up_to_then(reg: Registry, n: int) -> None:
    cut = day(n)
    fed = Registry()
    fed.submit_all(e for e in story() if e.effective <= cut)
    assert reg.clock is not None
    fed.advance_to(min(cut, reg.clock))  # the rules judged up to the cut belong to its state
    past = reg.snapshot(cut)
    assert past == fed.snapshot()
    assert past.as_of == cut
    assert past.subjects() == fed.subjects()
    for subject in fed.subjects():
        assert past.state_of(subject) == fed.state_of(subject) == reg.state_of(subject, as_of=cut)
    for process in PROCESSES:
        assert list(past.instances(process)) == list(fed.instances(process))


def test_snapshot_is_not_changed_by_later_events(reg: Registry) -> None:
    snap = reg.snapshot()
    state = snap.state_of("beta")
    reg.submit(Terminated(subject="beta", effective=day(700), reason="bad faith"))
    assert snap.state_of("beta") == state == "affiliate"
    assert reg.state_of("beta") == "terminated"
    assert reg.snapshot() != snap


# --- history ----------------------------------------------------------------------------------------


def test_history_json_round_trip_reproduces_the_same_state(reg: Registry) -> None:
    text = dumps(reg.history_document(), audience=Audience.FULL)
    assert '"type": "icoca_certification_granted"' in text
    document = loads(text, History)
    assert document == reg.history_document()
    again = Registry.from_history(document)
    assert again.history == reg.history
    assert again.snapshot() == reg.snapshot()
    for subject in reg.subjects():
        assert again.state_of(subject) == reg.state_of(subject)
        assert again.states_of(subject) == reg.states_of(subject)
        assert again.state_of(subject, as_of=day(250)) == reg.state_of(subject, as_of=day(250))


def test_from_history_checks_every_event_again() -> None:
    bad = [*joining("acme"), Reinstated(subject="acme", effective=day(1))]
    with pytest.raises(IllegalTransition):
        Registry.from_history(History(events=tuple(bad)))


def test_two_registries_never_share_state() -> None:
    one, two = Registry(), Registry()
    one.submit_all(joining("acme"))
    assert len(two) == 0
    assert two.subjects() == []
    with pytest.raises(UnknownMember):
        two.state_of("acme")
    two.submit_all(joining("acme", admission=Admission.AFFILIATE))
    one.submit(Suspended(subject="acme", effective=day(5), reason="x"))
    assert one.state_of("acme") == "suspended"
    assert two.state_of("acme") == "affiliate"
    assert len(one) == 4 and len(two) == 3
    assert one.snapshot() != two.snapshot()


# --- property: state is a replay of history ----------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(events=valid_histories(max_steps=40), cut=st.integers(0, 2000))
def test_snapshot_equals_replay_of_any_valid_history(events: list[Event], cut: int) -> None:
    reg = Registry()
    for event in events:  # one by one: the live state is kept incrementally
        reg.submit(event)
    snap = reg.snapshot()
    rebuilt = Registry.from_history(reg.history_document())
    # The rebuilt registry derives the same events again (and does not apply them twice).
    assert rebuilt.history == reg.history
    assert [e for e in rebuilt.history if e.cause.rule is None] == [
        e for e in events if any(h is e for h in reg.history)
    ]
    assert rebuilt.snapshot() == snap
    for process in PROCESSES:
        assert list(reg.instances(process)) == list(snap.instances(process)) == list(rebuilt.instances(process))
    for subject in reg.subjects():
        assert snap.state_of(subject) == reg.state_of(subject) == rebuilt.state_of(subject)
    # The history is in date order, so the events up to a date are a prefix of it.
    as_of = events[0].effective + timedelta(days=cut)
    fed = Registry.from_history([e for e in reg.history if e.effective <= as_of])
    assert reg.snapshot(as_of) == fed.snapshot()
    for subject in fed.subjects():
        assert reg.state_of(subject, as_of=as_of) == fed.state_of(subject)


@settings(max_examples=50, deadline=None)
@given(events=candidate_events(max_size=30))
def test_refusals_among_random_events_change_nothing(events: list[Event]) -> None:
    reg = Registry()
    accepted: list[Event] = []
    for event in events:
        before = everything(reg)
        try:
            reg.submit(event)
        except REFUSALS:
            assert everything(reg) == before
        else:
            accepted.append(event)
    # Accepted inputs are in the history (unless a rule had derived the same event that day).
    inputs = [e for e in reg.history if e.cause.rule is None]
    assert all(any(a is e for a in accepted) for e in inputs)
    assert Registry.from_history(accepted).snapshot() == reg.snapshot()
