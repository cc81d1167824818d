"""Strategies for events, their causes and whole histories.

Each event is well formed (it constructs, so its own validators hold) but a registry may still
refuse it: that is the point of the state machines. :func:`histories` builds histories a
registry accepts, event by event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from icoc.model.events import EVENT_TYPES, Cause, Event, Fact, History
from icoc.testing._basics import MAX_DATE, MIN_DATE, dates, identifiers
from icoc.testing._payloads import payload_fields, valid_histories
from icoc.testing._pools import ALL_SUBJECTS

__all__ = ["causes", "events", "facts", "histories"]

_RULE_IDS = ("ART3.CERT_DEADLINE", "ART11.EXPIRY", "ART12.CAP_DEADLINE", "SA.MISSED")
"""Ids a drawn cause may name: two of the default rules and two of no shipped rule set (a history
may come from another rule set). Sample data, not a selection of rules (that goes by tag)."""
_ACTORS = ("secretariat", "board", "company", "certification-body")


def facts() -> st.SearchStrategy[Fact]:
    """A named value as a rule records it (both kept as short text)."""
    return st.builds(Fact, name=st.sampled_from(("due", "as_of", "cycle", "standard")), value=identifiers())


def causes() -> st.SearchStrategy[Cause]:
    """Mostly the Secretariat (the default cause, first when shrinking), else an actor or a rule
    with its citation, the facts it used and, as the engine records it, its provenance (base
    rule, due and clock-start dates, extension, process instance)."""
    return st.one_of(
        st.just(Cause(actor="secretariat")),
        st.sampled_from(_ACTORS).map(Cause.by),
        st.builds(
            Cause,
            rule=st.sampled_from(_RULE_IDS),
            citation=st.none() | st.just("Articles of Association, Art. 11"),
            facts=st.lists(facts(), max_size=2).map(tuple),
        ),
        _engine_causes(),
    )


@st.composite
def _engine_causes(draw: st.DrawFn) -> Cause:
    due = draw(dates(MIN_DATE, MAX_DATE))
    return Cause(
        rule=draw(st.sampled_from(_RULE_IDS)),
        citation=draw(st.none() | st.just("Articles of Association, Art. 11")),
        facts=tuple(draw(st.lists(facts(), max_size=2))),
        base=draw(st.none() | st.sampled_from(_RULE_IDS)),
        due=due,
        opened=draw(st.none() | dates(MIN_DATE, due)),
        extended_from=draw(st.none() | dates(MIN_DATE, MAX_DATE)),
        process=draw(st.none() | st.sampled_from(("company-status", "certification", "self-assessment"))),
        instance=draw(st.none() | identifiers()),
    )


_BUILT: dict[tuple[str, date, date], st.SearchStrategy[Event]] = {}


def _of(cls: type[Event], min_value: date, max_value: date) -> st.SearchStrategy[Event]:
    """One shared strategy per class and date range (built strategies are slow to validate)."""
    key = (cls.TYPE, min_value, max_value)
    if key not in _BUILT:
        _BUILT[key] = _build(cls, min_value, max_value)
    return _BUILT[key]


def _build(cls: type[Event], min_value: date, max_value: date) -> st.SearchStrategy[Event]:
    @st.composite
    def build(draw: st.DrawFn) -> Event:
        subject = draw(st.sampled_from(ALL_SUBJECTS) | identifiers())
        effective = draw(dates(min_value, max_value))
        fields = draw(payload_fields(cls, subject, effective))
        return cls(subject=subject, effective=effective, cause=draw(causes()), **fields)

    return build()


def events(
    *types: type[Event], min_value: date = MIN_DATE, max_value: date = date(2030, 12, 31)
) -> st.SearchStrategy[Event]:
    """Well-formed events of the given classes (every concrete class when none is given), dated
    ``min_value .. max_value`` (the default leaves room for deadlines and terms after the event).

    Subjects come mostly from a small pool of ids, so events about one subject are common."""
    chosen = types or EVENT_TYPES
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown:
        raise TypeError(f"not concrete event classes: {unknown} (pick from icoc.model.events.EVENT_TYPES)")
    return st.one_of([_of(t, min_value, max_value) for t in chosen])


def histories(max_steps: int = 30) -> st.SearchStrategy[History]:
    """Histories a registry accepts (:func:`valid_histories` as a :class:`~icoc.model.events.History`);
    they shrink towards the admissions they start from."""
    return valid_histories(max_steps=max_steps).map(lambda es: History(events=tuple(es)))


def strategy_for_event(cls: type[Any]) -> st.SearchStrategy[Any] | None:
    """The strategy for an event class, ``History``, ``Cause`` or ``Fact``; None for others."""
    if cls in EVENT_TYPES:
        return events(cls)
    return {Fact: facts, Cause: causes, History: histories, Event: events}.get(cls, lambda: None)()


def _register_types() -> None:
    st.register_type_strategy(Fact, facts())
    st.register_type_strategy(Cause, causes())
    st.register_type_strategy(History, histories())
    st.register_type_strategy(Event, events())
    for cls in EVENT_TYPES:
        st.register_type_strategy(cls, events(cls))


_register_types()
assert MAX_DATE > date(2030, 12, 31)
