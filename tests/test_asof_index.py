"""Queries "as of" a date answered from the index of dated instance versions equal a replay of the
history up to that date, for every instance, live, after a store snapshot, and without rules."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icoc.errors import IcocError, InvalidInput
from icoc.model import ServiceDomain
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    DueDiligenceStarted,
    Event,
    Suspended,
)
from icoc.registry import Registry, Snapshot
from icoc.store import SnapshotPolicy, open_registry
from icoc.testing import valid_histories
from icoc.workflows import PROCESSES

MANUAL = SnapshotPolicy(every=None, on_close=False)


def joining(cid: str, on: date) -> list[Event]:
    return [
        ApplicationSubmitted(
            subject=cid,
            effective=on,
            applicant=ApplicantKind.COMPANY,
            name=cid,
            country="GB",
            provides_security_services=True,
            services=(ServiceDomain.LAND,),
        ),
        DueDiligenceStarted(subject=cid, effective=on + timedelta(days=3)),
        Admitted(subject=cid, effective=on + timedelta(days=40), admission=Admission.AFFILIATE),
    ]


def replayed(reg: Registry, as_of: date) -> Snapshot:
    """The reference: the history up to ``as_of`` folded from zero."""
    return reg.replay([e for e in reg.history if e.effective <= as_of], as_of)


def same(a: Snapshot, b: Snapshot) -> None:
    assert a == b
    for process in PROCESSES:
        assert list(a.instances(process)) == list(b.instances(process))
    assert a._core.kinds == b._core.kinds
    assert a._core.last == b._core.last
    for s in b.subjects():
        assert a.states_of(s) == b.states_of(s)
        assert a.state_of(s) == b.state_of(s)


def dates_around(events: list[Event]) -> st.SearchStrategy[date]:
    if not events:
        return st.just(date(2020, 1, 1))
    lo, hi = events[0].effective, events[-1].effective
    days = (hi - lo).days
    return st.one_of(
        st.sampled_from([e.effective for e in events]),
        st.integers(-3, days + 3).map(lambda d: lo + timedelta(days=d)),
    )


@settings(max_examples=40, deadline=None)
@given(events=valid_histories(max_steps=30), data=st.data())
def test_indexed_view_equals_the_replay_on_any_date(events: list[Event], data: st.DataObject) -> None:
    reg = Registry.from_history(events)
    assert not reg._asof.complete  # built on the first past-date query, not before
    for i in range(4):
        as_of = data.draw(dates_around(list(reg.history)))
        want = replayed(reg, as_of)
        same(reg.snapshot(as_of), want)
        assert reg._asof.usable
        for s in reg.subjects():
            assert reg.state_of(s, as_of) == want.state_of(s)
        if i == 1 and events:  # kept up to date once built: one more event, then the same checks
            try:
                reg.submit(Suspended(subject=events[0].subject, effective=events[-1].effective, reason="test"))
            except IcocError:
                pass


@settings(max_examples=15, deadline=None)
@given(events=valid_histories(max_steps=25), data=st.data())
def test_the_index_is_rebuilt_after_a_store_snapshot(events: list[Event], data: st.DataObject) -> None:
    cut = data.draw(st.integers(1, max(1, len(events))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.sqlite"
        with open_registry(path, snapshots=MANUAL) as stored:
            stored.submit_all(events[:cut])
            stored.save_snapshot()
        with open_registry(path, snapshots=MANUAL) as stored:
            reg = stored.registry
            assert not reg._asof.complete
            stored.submit_all(events[cut:])
            as_of = data.draw(dates_around(list(reg.history)))
            want = replayed(reg, as_of)
            same(reg.snapshot(as_of), want)
            assert reg._asof.complete
            more = data.draw(dates_around(list(reg.history)))
            same(reg.snapshot(more), replayed(reg, more))


@settings(max_examples=15, deadline=None)
@given(events=valid_histories(max_steps=20), data=st.data())
def test_a_refused_batch_leaves_the_index_as_it_was(events: list[Event], data: st.DataObject) -> None:
    reg = Registry.from_history(events)
    reg.snapshot(events[0].effective if events else date(2020, 1, 1))  # builds the index
    assert reg._asof.complete
    before = {k: (list(d), list(i)) for k, (d, i) in reg._asof.slots()}
    latest = reg._asof.latest
    if events:
        # A valid event then one that cannot apply: nothing of the batch stays.
        bad = events[0]
        try:
            reg.submit_all([*events[-1:], bad])
        except Exception:  # any refusal
            pass
        else:
            return
    assert {k: (list(d), list(i)) for k, (d, i) in reg._asof.slots()} == before
    assert reg._asof.latest == latest


def test_a_history_out_of_date_order_is_replayed() -> None:
    """Without rules, subjects' events may interleave out of date order: the index steps aside."""
    late = joining("co-late", date(2021, 5, 1))
    early = joining("co-early", date(2019, 3, 1))
    reg = Registry.from_history([*late, *early], rules=None)
    reg.snapshot(date(2019, 3, 1))
    assert reg._asof.complete and not reg._asof.ordered
    for as_of in (date(2019, 3, 1), date(2020, 1, 1), date(2021, 5, 1)):
        same(reg.snapshot(as_of), replayed(reg, as_of))
        assert reg.state_of("co-late", as_of) == replayed(reg, as_of).state_of("co-late")


def test_a_snapshot_read_after_later_events_is_the_state_it_was_taken_on() -> None:
    """A snapshot's instances by subject and last dates are computed when first read: events
    submitted in between (later ones, on its date, or out of date order without rules) do not
    leak into it."""
    for rules_off in (False, True):
        config = {"rules": None} if rules_off else {}
        reg = Registry.from_history(joining("co-a", date(2019, 1, 1)) + joining("co-b", date(2019, 6, 1)), **config)
        taken = {d: reg.snapshot(d) for d in (date(2019, 1, 4), date(2019, 6, 1), date(2019, 7, 11))}
        expected = {d: replayed(reg, d) for d in taken}
        reg.submit_all(joining("co-c", date(2019, 7, 11)))  # on the last snapshot's date, and after
        if rules_off:  # before every snapshot's date (a version of co-a dated before them)
            reg.submit_all(
                [
                    *joining("co-d", date(2018, 12, 1)),
                    Suspended(subject="co-a", effective=date(2019, 3, 1), reason="test"),
                ]
            )
        for d, snap in taken.items():
            same(snap, expected[d])


def test_an_as_of_that_is_not_a_date_is_refused_by_every_query() -> None:
    """``snapshot``, ``state_of``, ``events_of``, ``replay`` and ``explain`` name a bad ``as_of``
    (they raised TypeError from a comparison, or replay dated its snapshot with a string)."""
    reg = Registry()
    reg.submit_all(joining("acme", date(2019, 11, 1)))
    for query in (
        lambda: reg.snapshot("2020-01-06"),  # type: ignore[arg-type]
        lambda: reg.state_of("acme", "2020-01-06"),  # type: ignore[arg-type]
        lambda: reg.events_of("acme", "2020-01-06"),  # type: ignore[arg-type]
        lambda: reg.replay(reg.history, "2020-01-06"),  # type: ignore[arg-type]
        lambda: reg.explain("acme", "2020-01-06"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput, match=r"^as_of: expected a date, got '2020-01-06'"):
            query()
    assert reg.snapshot(date.min).state_of("acme") is None and reg.events_of("acme", date.min) == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("as_of", "2020-02-01", r"^as_of: expected a date, got '2020-02-01'"),
        ("as_of", None, r"^as_of: expected a date, got None"),
        ("as_of", datetime(2020, 2, 1), r"^as_of: expected a date, got datetime"),
        ("as_of", date.min, r"^as_of: 0001-01-01 is outside the supported dates"),
        ("until", "2021-01-01", r"^until: expected a date, got '2021-01-01'"),
        ("until", date.max, r"^until: 9999-12-31 is outside the supported dates"),
    ],
)
def test_eligibility_names_a_bad_as_of_or_until(name: str, value: object, message: str) -> None:
    """``check``, ``check_all`` and ``check_document`` refuse a decision date or contract end that is
    not a date in the supported range, naming the argument (they raised TypeError or ValueError
    from inside, or blamed a far ``until`` on ``when``); ``current_as_of`` names a bad ``as_of``."""
    from icoc.eligibility import check, check_all, check_document
    from icoc.sample import load_sample

    reg = Registry()
    reg.submit_all(joining("acme", date(2019, 11, 1)))
    before = (reg.history, reg.clock)
    args: dict[str, object] = {"as_of": date(2020, 2, 1), name: value}
    calls = [
        lambda: list(check_all(reg, **args)),  # type: ignore[arg-type]
        lambda: check(reg, "acme", **args),  # type: ignore[arg-type]
    ]
    if value is not None:  # check_document's as_of=None is the document's own date
        calls.append(lambda: check_document(load_sample(), **args))  # type: ignore[arg-type]
    if name == "as_of" and not isinstance(value, date):  # a registry query takes any date
        calls.append(lambda: reg.current_as_of(value))  # type: ignore[arg-type]
    for call in calls:
        with pytest.raises(InvalidInput, match=message):
            call()
    assert (reg.history, reg.clock) == before


def test_a_date_subclass_is_read_as_the_day_it_names() -> None:
    """A subclass of date (an application's own) asks for the same day as a plain date, whatever
    the query (``monitoring_report`` accepted it or not depending on the registry's clock)."""
    from icoc.report import monitoring_report

    class Day(date):
        pass

    reg = Registry()
    reg.submit_all(joining("acme", date(2019, 11, 1)))
    assert reg.snapshot(Day(2020, 1, 6)) == reg.snapshot(date(2020, 1, 6))
    assert monitoring_report(reg, 2019, as_of=Day(2019, 12, 1)) == monitoring_report(reg, 2019, as_of=date(2019, 12, 1))


def test_an_interrupted_first_build_leaves_no_half_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first past-date query stopped in the middle of building the index (here: interrupted
    at the fourth event) leaves it unbuilt; the next query builds it whole and equals the replay."""
    events = joining("co-a", date(2019, 3, 1)) + joining("co-b", date(2019, 6, 1))
    reg = Registry.from_history(events)
    real = reg._interpreter.plan
    calls = {"n": 0}

    def interrupted(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reg._interpreter, "plan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reg.snapshot(date(2019, 7, 1))
    assert not reg._asof.complete and reg._asof.versions == {}
    monkeypatch.setattr(reg._interpreter, "plan", real)
    for as_of in (date(2019, 3, 1), date(2019, 4, 15), date(2019, 7, 1)):
        same(reg.snapshot(as_of), replayed(reg, as_of))
    assert reg._asof.complete
