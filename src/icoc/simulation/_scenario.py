"""A scenario: who is in the Association, how actors behave (as probabilities and delays), which
rules and parameters are in force, from when and for how long. Plain frozen data, so a run is a
pure function of ``(scenario, seed)`` and a scenario can be written to JSON and read back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.dates import LAST_DATE
from icoc.model.document import RegistryDocument
from icoc.model.events import Event, History
from icoc.registry import Registry
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet, RuleSet
from icoc.rules.default import DEFAULT_RULES
from icoc.simulation._behaviour import (
    Board,
    Cases,
    Certification,
    Complaints,
    Findings,
    Population,
    SelfAssessments,
)
from icoc.simulation._values import _FIRST_YEAR, _LAST_YEAR, Schedule, _bad, _count, _schedules

__all__ = ["BACKENDS", "Limits", "Scenario"]

BACKENDS = ("native", "durable")
"""The rules backends a scenario can name (``Registry(backend=...)``)."""


def _backend(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in BACKENDS:
        raise _bad(instance, attribute.name, f"unknown rules backend {value!r} (known: {', '.join(BACKENDS)})")


def _start(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not date:
        raise _bad(instance, attribute.name, f"expected a date, got {value!r}")
    if value.year < 2014:
        raise _bad(instance, attribute.name, "the Association's processes start in 2014 at the earliest")
    if value > LAST_DATE:
        raise _bad(instance, attribute.name, f"{value} is after the last supported date {LAST_DATE}")


def _years(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _count(instance, attribute, value)
    if value < 1:
        raise _bad(instance, attribute.name, f"{value} is not at least 1")


@attrs.frozen(kw_only=True)
class Limits:
    """How large a scenario may be: guards against a typo (100,000,000 companies) running for
    hours or exhausting memory. Raise them explicitly when a large run is meant:
    ``Scenario(..., limits=Limits(companies=1_000_000))`` or a ``limits:`` key in a scenario file."""

    companies: int = attrs.field(default=100_000, validator=_count)
    """Companies in the population (the registry is built and benchmarked for 100,000)."""
    members: int = attrs.field(default=10_000, validator=_count)
    """Civil society organisations and governments together."""
    years: int = attrs.field(default=100, validator=_count)
    """Years simulated; the run must also end by the last supported date (2999-12-31)."""


@attrs.frozen(kw_only=True)
class Scenario:
    """Everything a run depends on besides its seed: the population, each stochastic process,
    the rule set and parameters in force, the rules backend, the start date and the horizon."""

    name: str = attrs.field(default="baseline", validator=attrs.validators.instance_of(str))
    start: date = attrs.field(default=date(2022, 1, 1), validator=_start)
    years: int = attrs.field(default=10, validator=_years)
    population: Population = attrs.field(factory=Population, validator=attrs.validators.instance_of(Population))
    self_assessments: SelfAssessments = attrs.field(
        factory=SelfAssessments, validator=attrs.validators.instance_of(SelfAssessments)
    )
    certification: Certification = attrs.field(
        factory=Certification, validator=attrs.validators.instance_of(Certification)
    )
    findings: Findings = attrs.field(factory=Findings, validator=attrs.validators.instance_of(Findings))
    complaints: Complaints = attrs.field(factory=Complaints, validator=attrs.validators.instance_of(Complaints))
    cases: Cases = attrs.field(factory=Cases, validator=attrs.validators.instance_of(Cases))
    board: Board = attrs.field(factory=Board, validator=attrs.validators.instance_of(Board))
    # Factories, not the values, so help(Scenario) shows a short default instead of every rule.
    rules: RuleSet = attrs.field(factory=lambda: DEFAULT_RULES, validator=attrs.validators.instance_of(RuleSet))
    parameters: ParameterSet = attrs.field(
        factory=lambda: DEFAULT_PARAMETERS, validator=attrs.validators.instance_of(ParameterSet)
    )
    backend: str = attrs.field(default="native", validator=_backend)
    limits: Limits = attrs.field(factory=Limits, validator=attrs.validators.instance_of(Limits))
    """Sizes a run may not exceed unless raised here (:class:`Limits`)."""
    schedules: dict[str, Schedule] = attrs.field(factory=dict, converter=_schedules)
    """Numbers that change by year: a path (as :meth:`updated` takes, such as
    ``"board.termination_probability"`` or ``"complaints.rates.alleged_harm"``) to a
    :class:`Schedule`. In year Y the run uses :meth:`in_year` ``(Y)``."""
    origin: History | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(History))
    )
    """The registry the run starts from (:meth:`from_registry`): its history up to ``start``,
    replayed under this scenario's rules before the first simulated step. ``None``: the run
    starts from an empty registry and the generated ``population``."""

    def __attrs_post_init__(self) -> None:
        self._check_schedules()
        lim, pop = self.limits, self.population
        if pop.companies > lim.companies:
            raise _bad(
                self,
                "population.companies",
                f"{pop.companies:,} companies is over the limit of {lim.companies:,}; "
                "raise limits.companies (Limits, or a limits: key in a scenario file) to run it on purpose",
            )
        if pop.csos + pop.governments > lim.members:
            raise _bad(
                self,
                "population",
                f"{pop.csos + pop.governments:,} civil society organisations and governments is over the limit "
                f"of {lim.members:,}; raise limits.members to run it on purpose",
            )
        if self.years > lim.years:
            raise _bad(
                self, "years", f"{self.years} years is over the limit of {lim.years}; raise limits.years to run it"
            )
        if self.start.year + self.years > LAST_DATE.year:
            raise _bad(self, "years", f"a run of {self.years} years from {self.start} ends after {LAST_DATE}")

    def _check_schedules(self) -> None:
        if not isinstance(self.schedules, dict):
            raise _bad(self, "schedules", f"expected a mapping of paths to schedules, got {preview(self.schedules)}")
        for path, sched in self.schedules.items():
            where = f"schedules.{path}"
            if not isinstance(sched, Schedule):
                raise _bad(self, where, f"expected a Schedule, got {preview(sched)}")
            head = path.split(".")[0]
            if head not in _SCHEDULABLE:
                raise _bad(
                    self,
                    where,
                    f"only behaviour can follow a schedule (fields under {', '.join(_SCHEDULABLE)}); "
                    "rule parameters have their own dates (parameters: {NAME: {DATE: VALUE}})",
                )
            try:
                current = _scheduled_value(self, path.split("."))
            except (KeyError, AttributeError, TypeError):
                raise InvalidInput(Problem(f"Scenario.{where}", "no such field in a scenario")) from None
            if isinstance(current, bool) or not isinstance(current, (int, float)):
                raise _bad(self, where, f"only numbers can follow a schedule, not {type(current).__name__}")
            for year, value in sched.steps:
                if isinstance(current, int) and not isinstance(current, bool) and value != int(value):
                    raise _bad(self, f"{where}.{year}", f"expected a whole number, got {preview(value)}")
                head, *rest = path.split(".")
                try:
                    _replace(
                        getattr(self, head), rest, int(value) if isinstance(current, int) else float(value), insert=True
                    )
                except InvalidInput as exc:
                    raise InvalidInput([Problem(f"Scenario.{where}.{year}", p.message) for p in exc.problems]) from None

    def in_year(self, year: int) -> Scenario:
        """The scenario as it stands in ``year``: every scheduled number at its value for that year
        (itself when nothing is scheduled). Its ``schedules`` are kept, its other fields fixed."""
        if not self.schedules:
            return self
        parts: dict[str, Any] = {}
        for path, sched in self.schedules.items():
            head, *rest = path.split(".")
            current = _scheduled_value(self, path.split("."))
            value = sched.at(year)
            part = parts.get(head, getattr(self, head))
            parts[head] = _replace(part, rest, int(value) if isinstance(current, int) else float(value), insert=True)
        return attrs.evolve(self, **parts)

    def scheduled(self, path: str, values: Schedule | Mapping[int, float]) -> Scenario:
        """A copy where the number at ``path`` follows ``values`` (``{year: value}``) by year,
        replacing any schedule it had. Before its first year a schedule holds its first value,
        so ``{2022: 0.5}`` alone means 0.5 in every year: use :meth:`scheduled_from` to change a
        number from a year on and keep its earlier values."""
        sched = values if isinstance(values, Schedule) else Schedule(values)
        base = self._with_rate(path)
        return attrs.evolve(base, schedules={**base.schedules, path: sched})

    def _with_rate(self, path: str) -> Scenario:
        """Itself, or, when ``path`` names a rate absent from its mapping (a ground in
        ``board.termination_rates``, a status in ``population.arrivals``: absent means 0), a
        copy holding it at 0, so it can follow a schedule."""
        if path.split(".")[0] not in _SCHEDULABLE:
            return self
        try:
            _lookup(self, path.split("."))
        except (KeyError, AttributeError, TypeError):
            try:
                return self.updated(path, 0.0)
            except InvalidInput as exc:  # an unknown key or field, named under schedules
                raise InvalidInput(
                    [_bad(self, f"schedules.{path}", p.message).problems[0] for p in exc.problems]
                ) from None
        return self

    def scheduled_from(self, path: str, year: int, value: float) -> Scenario:
        """A copy where the number at ``path`` is ``value`` from 1 January of ``year`` on, and
        keeps what it was before: its schedule's values for earlier years, or its fixed value.
        ``scenario.scheduled_from("board.termination_probability", 2022, 0.5)`` on a scenario
        scheduling ``{2018: 0.25, 2021: 0.5, 2022: 0.3}`` gives ``{2018: 0.25, 2021: 0.5,
        2022: 0.5}``. Raises :class:`~icoc.errors.InvalidInput` for a path that cannot follow a
        schedule, a year outside 1901-2999 or a value that is not a finite number."""
        if isinstance(year, bool) or not isinstance(year, int) or not _FIRST_YEAR < year <= _LAST_YEAR:
            raise _bad(
                self,
                f"schedules.{path}",
                f"expected a year between {_FIRST_YEAR + 1} and {_LAST_YEAR}, got {preview(year)}",
            )
        current = self.schedules.get(path)
        base = self._with_rate(path)
        if current is not None:
            steps = {y: x for y, x in current.steps if y < year}
            if not steps:
                steps = {year - 1: current.at(year - 1)}
        else:
            try:
                before = _lookup(base, path.split("."))
            except (KeyError, AttributeError, TypeError):
                raise InvalidInput(Problem(f"Scenario.schedules.{path}", "no such field in a scenario")) from None
            if isinstance(before, bool) or not isinstance(before, (int, float)):
                raise _bad(
                    self, f"schedules.{path}", f"only numbers can follow a schedule, not {type(before).__name__}"
                )
            steps = {year - 1: before}
        return base.scheduled(path, {**steps, year: value})

    @classmethod
    def from_registry(
        cls,
        source: Any,
        start: date | None = None,
        **fields: Any,
    ) -> Scenario:
        """A scenario that runs forward from a real registry as it stands on ``start``.

        ``source`` is a :class:`~icoc.model.RegistryDocument` (read with :mod:`icoc.io`, or from
        a bidder list with :func:`icoc.bidders.read_bidders`), a live
        :class:`~icoc.registry.Registry`, a :class:`~icoc.model.events.History` or a sequence of
        events. Its events dated on or before ``start`` become the scenario's ``origin``:
        statuses, joining dates, certificates, open cases and complaints carry on from there.
        ``start`` defaults to the document's ``as_of`` (the last event's date for a history).
        The generated population is empty (``companies``, ``csos`` and ``governments`` 0): new
        companies come from ``population.arrivals``. ``fields`` set any other scenario field
        (``years=5``, ``name="as is"``, ``population=Population(arrivals={"member": 6})``).

        Raises :class:`~icoc.errors.InvalidInput` for an empty registry, a ``start`` before its
        first event or after a document's ``as_of`` (a live registry's clock), or an unknown
        source type."""

        as_of: date | None = None
        if isinstance(source, RegistryDocument):
            with Registry.from_document(source) as reg:
                events: tuple[Event, ...] = reg.history
            as_of = source.as_of
        elif isinstance(source, Registry):
            events = source.history
            as_of = source.clock
        elif isinstance(source, History):
            events = source.events
        elif isinstance(source, (list, tuple)) and all(isinstance(e, Event) for e in source):
            events = tuple(source)
        else:
            raise InvalidInput(
                Problem(
                    "source",
                    f"expected a RegistryDocument, a Registry, a History or events, got {type(source).__name__}",
                )
            )
        if not events:
            raise InvalidInput(Problem("source", "the registry has no events to start from"))
        dated = as_of is not None
        if as_of is None:
            as_of = max(e.effective for e in events)
        when = start if start is not None else as_of
        if type(when) is not date:
            raise InvalidInput(Problem("start", f"expected a date, got {preview(when)}"))
        first = min(e.effective for e in events)
        if when < first:
            raise InvalidInput(Problem("start", f"{when} is before the registry's first event ({first})"))
        if dated and when > as_of:
            # Between its date and a later start nobody would act, yet the rules would fire
            # (missed self-assessments, deadlines): a registry that never was.
            raise InvalidInput(
                Problem("start", f"{when} is after the registry's date ({as_of}): it does not know what happened since")
            )
        kept = tuple(e for e in events if e.effective <= when)
        fields.setdefault("population", Population(companies=0, csos=0, governments=0))
        fields.setdefault("name", "from registry")
        return cls(start=when, origin=History(events=kept), **fields)

    @property
    def end(self) -> date:
        """The last simulated day (inclusive)."""
        return self.start + relativedelta(years=self.years) - timedelta(days=1)

    def with_parameter(self, name: str, value: Any, effective_from: date = date.min) -> Scenario:
        """A copy where parameter ``name`` takes ``value`` from ``effective_from`` on."""
        return attrs.evolve(self, parameters=self.parameters.with_value(name, value, effective_from))

    def updated(self, path: str, value: Any) -> Scenario:
        """A copy with the value at a dotted ``path`` replaced: ``"population.companies"``,
        ``"population.regions.africa.complaints"``, ``"cases.corrective_action_days"``, ``"rules"``,
        ``"backend"``, or ``"parameters.<parameter name>"`` (``"parameters.suspension.period"``).

        The value holds in every year: a schedule of the number at ``path`` (or of any number
        under it) is dropped, since it would override the value. A :class:`Schedule` as the value
        schedules the number instead (as :meth:`scheduled`), so a sweep's grid can try
        schedules."""
        if isinstance(value, Schedule):
            return self.scheduled(path, value)
        if path.startswith("parameters."):
            name = path[len("parameters.") :]
            self.parameters[name]  # unknown names fail here, naming the parameter
            return self.with_parameter(name, value)
        parts = path.split(".")
        kept = {p: s for p, s in self.schedules.items() if p != path and not p.startswith(path + ".")}
        base = self if len(kept) == len(self.schedules) else attrs.evolve(self, schedules=kept)
        try:
            result = _replace(base, parts, value)
        except (KeyError, AttributeError, TypeError):
            raise InvalidInput(Problem(path, "no such field in a scenario")) from None
        assert isinstance(result, Scenario)
        return result


_SCHEDULABLE = ("population", "self_assessments", "certification", "findings", "complaints", "cases", "board")
"""The parts of a scenario whose numbers may follow a :class:`Schedule`."""


def _lookup(obj: Any, parts: list[str]) -> Any:
    for head in parts:
        if isinstance(obj, Mapping):
            obj = obj[head]
        elif attrs.has(type(obj)) and head in attrs.fields_dict(type(obj)):
            obj = getattr(obj, head)
        else:
            raise AttributeError(head)
    return obj


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _scheduled_value(obj: Any, parts: list[str]) -> Any:
    """The number at ``parts`` a schedule replaces: 0.0 for a key its mapping leaves out
    (``population.arrivals.member`` when ``arrivals`` is empty; the mapping's validator judges
    the key)."""
    try:
        return _lookup(obj, parts)
    except KeyError:
        if len(parts) > 1 and isinstance(_lookup(obj, parts[:-1]), Mapping):
            return 0.0
        raise


def _replace(obj: Any, parts: list[str], value: Any, insert: bool = False) -> Any:
    """``obj`` with the value at ``parts`` replaced. A mapping of rates may gain a key
    (termination_rates, arrivals: absent means 0; its owner's validator then checks the key), and
    ``insert`` lets any mapping gain the last key; other mappings only change existing keys."""
    head, rest = parts[0], parts[1:]
    if isinstance(obj, Mapping):
        rates = _is_number(value) and all(_is_number(x) for x in obj.values())
        if head not in obj and (rest or not (insert or rates)):
            raise KeyError(head)
        new = dict(obj)
        new[head] = _replace(obj[head], rest, value, insert) if rest else value
        return new
    if not attrs.has(type(obj)) or head not in attrs.fields_dict(type(obj)):
        raise AttributeError(head)
    inner = _replace(getattr(obj, head), rest, value, insert) if rest else value
    return attrs.evolve(obj, **{head: inner})
