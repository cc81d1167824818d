"""Dated parameters: every number ICoCA can change or has not published.

A parameter has a value history ``{effective_from: value}`` and a reference; a rule reads the
value in force on the date it evaluates (the OpenFisca idea). Periods use
``dateutil.relativedelta``, whose month arithmetic clips to the end of the month:
31 January + 1 month = 28 (or 29) February, never 3 March.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from icoc.errors import InvalidInput, Problem
from icoc.model import validators as v
from icoc.model.citation import Citation, Mark

__all__ = ["DEFAULT_PARAMETERS", "Duration", "Mark", "Parameter", "ParameterSet", "Value"]


@attrs.frozen(kw_only=True)
class Duration:
    """A period in years, months and days, added with ``relativedelta`` (end-of-month clipping)."""

    years: int = attrs.field(default=0, validator=v.int_range(0))
    months: int = attrs.field(default=0, validator=v.int_range(0))
    days: int = attrs.field(default=0, validator=v.int_range(0))

    def after(self, start: date) -> date:
        """``start`` plus this period; 31 Jan + 1 month = end of February."""
        return start + _delta(self.years, self.months, self.days)

    def __str__(self) -> str:
        parts = [
            f"{n} {unit}{'s' if n != 1 else ''}"
            for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if n
        ]
        return " ".join(parts) or "0 days"


@functools.lru_cache(maxsize=256)
def _delta(years: int, months: int, days: int) -> relativedelta:
    return relativedelta(years=years, months=months, days=days)


Value = int | bool | str | date | Duration


@attrs.frozen(kw_only=True)
class _Step:
    effective_from: date = attrs.field(validator=v.a_date)
    value: Value


def _steps(instance: Parameter, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise v.invalid(instance, attribute.name, "a parameter needs at least one value")
    dates = [s.effective_from for s in value]
    if dates != sorted(set(dates)):
        raise v.invalid(instance, attribute.name, "values must have distinct, ascending effective_from dates")
    kinds = {type(s.value) for s in value}
    if len(kinds) > 1:
        raise v.invalid(instance, attribute.name, f"values mix types {sorted(k.__name__ for k in kinds)}")


def _cited(instance: Parameter, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Citation) or not value.document.strip():
        raise v.invalid(instance, attribute.name, f"expected a Citation naming a document, got {value!r}")


@attrs.frozen(kw_only=True)
class Parameter:
    """A named, cited value history. Before its first ``effective_from`` it has no value.

    ``citation`` says where the value comes from and, with its mark, how firmly: ``confirmed`` by
    a public text, ``inferred`` from one, or a ``parameter`` no text publishes (a documented
    default the user may change)."""

    name: str = attrs.field(validator=v.text)
    description: str = attrs.field(validator=v.text)
    citation: Citation = attrs.field(validator=_cited)
    history: tuple[_Step, ...] = attrs.field(validator=_steps)

    @property
    def mark(self) -> Mark:
        """How firmly a text supports the value (the citation's mark)."""
        return self.citation.mark

    @property
    def reference(self) -> str:
        """The citation as text (``"document, article"``)."""
        return str(self.citation)

    @classmethod
    def of(
        cls,
        name: str,
        value: Value | Mapping[date, Value],
        description: str,
        citation: Citation | str,
        mark: Mark | None = None,
    ) -> Parameter:
        """A parameter from one value (always in force) or a history ``{effective_from: value}``.

        ``citation`` may be given in its short form ``"document, article"`` (with ``mark``,
        confirmed by default); a ``mark`` given with a :class:`Citation` replaces the citation's."""
        cited = Citation.of(citation, mark=mark or Mark.CONFIRMED)
        if mark is not None and cited.mark is not mark:
            cited = attrs.evolve(cited, mark=mark)
        items = value.items() if isinstance(value, Mapping) else [(date.min, value)]
        return cls(
            name=name,
            description=description,
            citation=cited,
            history=tuple(_Step(effective_from=d, value=x) for d, x in sorted(items)),
        )

    def value_on(self, on: date) -> Value:
        chosen: _Step | None = None
        for step in self.history:
            if step.effective_from <= on:
                chosen = step
        if chosen is None:
            raise InvalidInput(
                Problem(
                    f"parameters.{self.name}",
                    f"no value in force on {on.isoformat()} (first from {self.history[0].effective_from.isoformat()})",
                )
            )
        return chosen.value


def _as_dict(m: Mapping[str, Parameter]) -> dict[str, Parameter]:
    return dict(m)


@attrs.frozen
class ParameterSet:
    """Parameters by name; ``with_value`` returns a changed copy (for what-if runs)."""

    parameters: Mapping[str, Parameter] = attrs.field(converter=_as_dict)

    @classmethod
    def of(cls, params: Iterable[Parameter]) -> ParameterSet:
        return cls({p.name: p for p in params})

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters[k] for k in sorted(self.parameters))

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise InvalidInput(
                Problem(f"parameters.{name}", "unknown parameter (see `icoc rules --parameters`)")
            ) from None

    def value(self, name: str, on: date) -> Value:
        return self[name].value_on(on)

    def with_value(self, name: str, value: Value, effective_from: date = date.min) -> ParameterSet:
        """A copy where ``name`` takes ``value`` from ``effective_from`` on (earlier values kept).

        ``value`` must have the type of the parameter's values: a bool is not an int, an int is
        not a Duration, a datetime is not a date. An unknown name or another type raises
        :class:`~icoc.errors.InvalidInput`.
        """
        old = self[name]
        _check_type(old, value)
        if type(effective_from) is not date:
            raise InvalidInput(
                Problem(f"parameters.{name}.effective_from", f"expected a date, got {type(effective_from).__name__}")
            )
        steps = [s for s in old.history if s.effective_from < effective_from]
        steps.append(_Step(effective_from=effective_from, value=value))
        new = attrs.evolve(old, history=tuple(steps))
        return ParameterSet({**self.parameters, name: new})


def _check_type(param: Parameter, value: object) -> None:
    """Refuse ``value`` unless it has exactly the type of ``param``'s values."""
    want = type(param.history[0].value)
    if type(value) is not want:
        raise InvalidInput(
            Problem(
                f"parameters.{param.name}",
                f"parameter {param.name} holds {want.__name__} values, not {type(value).__name__} ({value!r})",
            )
        )


_P, _C, _I = Mark.PARAMETER, Mark.CONFIRMED, Mark.INFERRED
_ARTICLES = "ICoCA Articles of Association"
_MEMBERSHIP = "ICoCA membership rules"
_ART12 = "ICoCA Procedure for Reporting, Monitoring and Assessing Performance and Compliance (Art. 12)"
_BOARD = "ICoCA Board elections"


def _cite(document: str, article: str, mark: Mark) -> Citation:
    return Citation(document=document, article=article, mark=mark)


DEFAULT_PARAMETERS = ParameterSet.of(
    [
        Parameter.of(
            "certification.deadline_2016",
            date(2018, 9, 30),
            "Certification deadline for PSC members set in 2016 (before the 2017 amendment)",
            _cite("ICoCA General Assembly 2016", "PSC certification deadline extended", _C),
        ),
        Parameter.of(
            "regimes.transitional.start",
            date(2018, 4, 15),
            "Start of the 2017 amendment's transitional clock",
            _cite(_ARTICLES, "Art. 3 (2017 amendment: Transitional Members)", _C),
        ),
        Parameter.of(
            "certification.transitional_period",
            Duration(years=2),
            "Longest time a Transitional Member has to certify",
            _cite(_ARTICLES, "Art. 3 (2017 amendment: Transitional Members)", _C),
        ),
        Parameter.of(
            "regimes.current.start",
            date(2021, 1, 1),
            "Start of the current Member/Affiliate regime (adoption date not published)",
            _cite(_MEMBERSHIP, "Member vs Affiliate (adoption date not published)", _P),
        ),
        Parameter.of(
            "regimes.current.covers_existing",
            False,
            "Whether the current regime's deadline replaces the running deadline of members who joined before it",
            _cite(
                _MEMBERSHIP,
                "Member vs Affiliate (not published; default: the regime in force when a member's clock started "
                "governs it)",
                _P,
            ),
        ),
        Parameter.of(
            "certification.recertification_period",
            Duration(months=6),
            "Time a certified member whose ICoCA certification lapsed has to be certified again",
            _cite(
                "ISO/IEC 17021-1",
                "cl. 9.6.3.2.5 (certification restorable within 6 months; ICoCA's period not published)",
                _P,
            ),
        ),
        Parameter.of(
            "certification.calendar_years",
            3,
            "A Member certifies by 31 December of this calendar year after joining",
            _cite(_MEMBERSHIP, "Member vs Affiliate: certification deadline", _C),
        ),
        Parameter.of(
            "certification.count_joining_year",
            False,
            "Whether the joining year counts as year one of the certification deadline",
            _cite(_MEMBERSHIP, "Member vs Affiliate (not published; default: it does not)", _P),
        ),
        Parameter.of(
            "self_assessment.sent",
            "07-01",
            "Month-day the annual self-assessment is sent (MM-DD)",
            _cite("ICoCA 2020 company self-assessment", "sent 1 July", _I),
        ),
        Parameter.of(
            "self_assessment.due",
            "09-23",
            "Month-day the annual self-assessment is due (MM-DD)",
            _cite("ICoCA 2020 company self-assessment", "due 23 September", _I),
        ),
        Parameter.of(
            "self_assessment.first_cycle",
            2016,
            "First cycle of the annual self-assessment",
            _cite(_ART12, "adopted 2016: annual company self-assessment", _I),
        ),
        Parameter.of(
            "self_assessment.grace",
            Duration(days=30),
            "Time after a missed self-assessment before termination is proposed",
            _cite(_ART12, "annual company self-assessment (time before termination not published)", _P),
        ),
        Parameter.of(
            "corrective_action.grace",
            Duration(days=0),
            "Time after a corrective-action deadline before suspension proceedings open",
            _cite(_ART12, "corrective action (grace period not published)", _P),
        ),
        Parameter.of(
            "suspension.period",
            Duration(months=6),
            "Time a suspended company has to remedy before termination is proposed",
            _cite(_ART12, "suspension (length not published)", _P),
        ),
        Parameter.of(
            "swiss.rejoin_window",
            Duration(months=6),
            "Time a Swiss PSC excluded or withdrawn from ICoCA has to rejoin",
            _cite(
                "Swiss Federal Act on Private Security Services provided Abroad (PSSA) and ordinance",
                "membership of the ICoC Association (6 months to rejoin)",
                _C,
            ),
        ),
        # 3-year terms are confirmed for the CSO seats; that the other pillars' terms match is inferred.
        Parameter.of(
            "board.term_years",
            3,
            "Length of a director's term in years",
            _cite(_BOARD, "call for nominations, CSO seats (3-year term)", _I),
        ),
        Parameter.of(
            "board.reelection.cso",
            {date.min: True, date(2023, 1, 1): False},
            "Whether an outgoing CSO director may be elected again (false: may not reapply)",
            _cite(_BOARD, "call for nominations, CSO seat (2023): the outgoing director may not reapply", _C),
        ),
        Parameter.of(
            "board.reelection.psc",
            True,
            "Whether an outgoing director of the private security company pillar may be elected again",
            _cite(_BOARD, "private security company pillar (not published)", _P),
        ),
        Parameter.of(
            "board.reelection.government",
            True,
            "Whether an outgoing director of the government pillar may be elected again",
            _cite(_BOARD, "government pillar (not published)", _P),
        ),
    ]
)
"""The shipped parameters; each cites its source and says whether it is confirmed, inferred or an
unpublished default."""
