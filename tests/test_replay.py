"""The one fold of events into state (``Registry.replay``), the public read-only views over a
registry's state, and the transition interpreter in ``icoc.workflows`` used by both."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icoc.errors import IllegalTransition, InvalidInput, UnknownMember
from icoc.explain import explain
from icoc.model.events import Event, Reinstated, Suspended
from icoc.registry import Registry, Snapshot, View
from icoc.testing import admit, valid_histories
from icoc.workflows import INTERPRETER, Instance, SubjectKind

D0 = date(2022, 3, 1)


def _registry() -> Registry:
    reg = Registry()
    reg.submit_all(admit("acme", on=D0))
    reg.submit_all(admit("bravo", on=D0 + timedelta(days=3)))
    reg.submit(Suspended(subject="acme", effective=D0 + timedelta(days=10), reason="unpaid fees"))
    return reg


@settings(max_examples=40, deadline=None)
@given(events=valid_histories(max_steps=30), cut=st.integers(0, 2000))
def test_replay_of_the_history_is_the_snapshot_and_each_subjects_events_its_state(
    events: list[Event], cut: int
) -> None:
    reg = Registry()
    reg.submit_all(events)
    steps: list[tuple[Event, list[tuple[str, str, Instance]]]] = []
    replayed = reg.replay(reg.history, on_step=lambda e, c: steps.append((e, list(c))))
    assert replayed == reg.snapshot() and replayed.as_of is None
    assert [e for e, _ in steps] == list(reg.history)
    assert all(changes for _, changes in steps)  # every accepted event moved something
    as_of = events[0].effective + timedelta(days=cut) if events else D0
    for subject in reg.subjects():
        mine = reg.events_of(subject, as_of)
        assert all(e.subject == subject and e.effective <= as_of for e in mine)
        assert reg.replay(mine, as_of).state_of(subject) == reg.state_of(subject, as_of)
        assert reg.events_of(subject) == [e for e in reg.history if e.subject == subject]


def test_on_step_reports_the_instances_each_event_moved() -> None:
    reg = _registry()
    seen: list[tuple[str, list[tuple[str, str, str]]]] = []
    reg.replay(reg.events_of("acme"), on_step=lambda e, c: seen.append((e.TYPE, [(p, k, i.state) for p, k, i in c])))
    assert seen[-1] == ("suspended", [("company-status", "acme", "suspended")])
    assert seen[0] == ("application_submitted", [("membership", "acme", "applied")])


def test_events_of_an_unknown_subject_and_a_replay_of_what_is_not_an_event_are_refused() -> None:
    reg = _registry()
    with pytest.raises(UnknownMember):
        reg.events_of("nobody")
    with pytest.raises(InvalidInput, match=r"events\[3\]: expected an Event, got str"):
        reg.replay([*reg.events_of("acme")[:3], "admitted"])  # type: ignore[list-item]


def test_current_as_of_is_the_live_state_only_when_nothing_is_later() -> None:
    reg = _registry()
    assert reg.current_as_of(D0 + timedelta(days=9)) is None  # acme is suspended on day 10
    live = reg.current_as_of(D0 + timedelta(days=10))
    assert isinstance(live, Snapshot) and live == reg.snapshot(D0 + timedelta(days=10))
    assert live.as_of == D0 + timedelta(days=10) and live.state_of("acme") == "suspended"


def test_kinds_and_instances_by_key_are_read_only_views_of_the_state() -> None:
    reg = _registry()
    snap = reg.snapshot(D0 + timedelta(days=5))
    assert dict(reg.kinds()) == {"acme": SubjectKind.COMPANY, "bravo": SubjectKind.COMPANY}
    statuses = reg.instances_by_key("company-status")
    assert statuses["acme"].state == "suspended"
    assert snap.instances_by_key("company-status")["acme"].state == "member"
    assert sorted(statuses) == [i.key for i in reg.instances("company-status")]
    with pytest.raises(TypeError):
        statuses["x"] = statuses["acme"]  # type: ignore[index]
    with pytest.raises(InvalidInput, match="unknown process 'nope'"):
        reg.instances_by_key("nope")


def test_a_view_reads_the_snapshot_it_was_made_from() -> None:
    reg = _registry()
    before = reg.view(reg.snapshot(D0 + timedelta(days=5)))
    now = reg.view()
    assert isinstance(before, View)
    assert before.instance("company-status", "acme").state == "member"  # type: ignore[union-attr]
    assert now.instance("company-status", "acme").state == "suspended"  # type: ignore[union-attr]
    assert [i.subject for i in now.instances("company-status")] == ["acme", "bravo"]
    assert [i.key for i in now.instances("membership", "bravo")] == ["bravo"]
    assert now.kind_of("acme") is SubjectKind.COMPANY and now.kind_of("nobody") is None
    assert now.last_date("acme") == D0 + timedelta(days=10) and before.last_date("nobody") is None
    assert now.setting("standards") is reg.settings["standards"]


def test_the_interpreter_plans_without_changing_anything() -> None:
    reg = _registry()
    view = reg.view()
    back = Reinstated(subject="acme", effective=D0 + timedelta(days=20))
    kind, changes = INTERPRETER.plan(view, back, check=True)
    assert kind is None and [(p, i.state) for p, _, i in changes] == [("company-status", "member")]
    assert view.on == back.effective
    assert reg.state_of("acme") == "suspended" and len(reg) == 7  # nothing committed
    with pytest.raises(IllegalTransition, match="no transition from member on reinstated"):
        INTERPRETER.plan(view, Reinstated(subject="bravo", effective=back.effective), check=True)
    with pytest.raises(IllegalTransition, match="before 'acme''s last event on 2022-03-11"):
        INTERPRETER.plan(view, attrs.evolve(back, effective=D0), check=True)


def test_the_interpreter_refuses_an_event_type_it_does_not_know() -> None:
    @attrs.frozen(kw_only=True)
    class Unheard(Event):
        TYPE: ClassVar[str] = "unheard"

    with pytest.raises(InvalidInput, match="Unheard is not an event type the registry knows"):
        INTERPRETER.plan(_registry().view(), Unheard(subject="acme", effective=D0 + timedelta(days=20)), check=True)


def test_explain_reads_the_public_fold() -> None:
    reg = _registry()
    on = D0 + timedelta(days=5)
    ex = explain(reg, "acme", on)
    assert ex.state == reg.state_of("acme", on) == "member"
    assert [s.event for s in ex.steps] == [e.TYPE for e in reg.events_of("acme", on)]
    assert reg.explain("acme").state == "suspended" and explain(reg, "acme").steps[-1].event == "suspended"
    with pytest.raises(UnknownMember):
        explain(reg, "nobody")
