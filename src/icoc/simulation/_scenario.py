"""A scenario: who is in the Association, how actors behave (as probabilities and delays), which
rules and parameters are in force, from when and for how long. Plain frozen data, so a run is a
pure function of ``(scenario, seed)`` and a scenario can be written to JSON and read back."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.complaints import ComplaintKind, ComplaintRoute
from icoc.model.dates import LAST_DATE
from icoc.model.events import Event, Ground, History
from icoc.model.members import CompanyStatus
from icoc.model.monitoring import ConcernCategory, Severity
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet, RuleSet
from icoc.rules.default import DEFAULT_RULES

__all__ = [
    "ARRIVAL_STATUSES",
    "BACKENDS",
    "Board",
    "Cases",
    "Certification",
    "Complaints",
    "Delay",
    "Findings",
    "Population",
    "RegionProfile",
    "Scenario",
    "Schedule",
    "SelfAssessments",
    "SizeProfile",
]

BACKENDS = ("native", "durable")
"""The rules backends a scenario can name (``Registry(backend=...)``)."""


# --- validators (InvalidInput naming Class.field, like icoc.model's) ---------------------------


def _bad(instance: object, field: str, message: str) -> InvalidInput:
    return InvalidInput(Problem(f"{type(instance).__name__}.{field}", message))


def _num(instance: object, field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise _bad(instance, field, f"expected a number, got {preview(value)}")
    if value < 0:
        raise _bad(instance, field, f"{preview(value)} is negative")
    if not math.isfinite(value) or value > _MAX_NUMBER:
        raise _bad(instance, field, f"{preview(value)} is too large (at most {_MAX_NUMBER:g})")


def _number(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _num(instance, attribute.name, value)


def _probability(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _num(instance, attribute.name, value)
    if value > 1:
        raise _bad(instance, attribute.name, f"{value} is not a probability (between 0 and 1)")


def _count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(instance, attribute.name, f"expected a whole number of at least 0, got {preview(value)}")
    if value > _MAX_NUMBER:
        raise _bad(instance, attribute.name, f"{preview(value)} is too large (at most {_MAX_NUMBER:g})")


_MAX_NUMBER = 1e12
"""No count, rate or number of days in a scenario is larger (sizes have their own :class:`Limits`)."""

MAX_DELAY_DAYS = 36_525
"""A delay's ``mean_days`` and ``max_days`` are at most 100 years."""

MAX_VALIDITY_YEARS = 100
"""A certificate's ``validity_years`` is at most 100: every date a run makes stays in the supported range."""


def _days(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A number of days: a whole number up to :data:`MAX_DELAY_DAYS` (100 years)."""
    _count(instance, attribute, value)
    if value > MAX_DELAY_DAYS:
        raise _bad(instance, attribute.name, f"{preview(value)} days is more than {MAX_DELAY_DAYS} (100 years)")


def _keys(
    allowed: tuple[str, ...] | None, values: type | None = None, nonempty: bool = True, probabilities: bool = False
) -> Any:
    """A mapping whose keys are among ``allowed`` (any text when None) and whose values are
    instances of ``values`` (non-negative numbers when None)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Mapping):
            raise _bad(instance, attribute.name, f"expected a mapping, got {value!r}")
        if nonempty and not value:
            raise _bad(instance, attribute.name, "must not be empty")
        for k, x in value.items():
            if not isinstance(k, str) or (allowed is not None and k not in allowed):
                known = f" (known: {', '.join(allowed)})" if allowed is not None else ""
                raise _bad(instance, f"{attribute.name}.{k}", f"unknown key {k!r}{known}")
            if values is None:
                _num(instance, f"{attribute.name}.{k}", x)
                if probabilities and x > 1:
                    raise _bad(instance, f"{attribute.name}.{k}", f"{x} is not a probability (between 0 and 1)")
            elif not isinstance(x, values):
                raise _bad(instance, f"{attribute.name}.{k}", f"expected {values.__name__}, got {x!r}")

    return check


def _weights(allowed: tuple[str, ...] | None) -> Any:
    inner = _keys(allowed)

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        inner(instance, attribute, value)
        if not any(x > 0 for x in value.values()):
            raise _bad(instance, attribute.name, "at least one weight must be positive")

    return check


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _dict(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _values(e: Any) -> tuple[str, ...]:
    return tuple(m.value for m in e)


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """One key of ``weights``, with probability proportional to its weight (in mapping order)."""
    total = sum(weights.values())
    x = rng.random() * total
    last = ""
    for key, w in weights.items():
        if w <= 0:
            continue
        last = key
        x -= w
        if x < 0:
            return key
    return last


# --- dated values -----------------------------------------------------------------------------------

_FIRST_YEAR, _LAST_YEAR = 1900, LAST_DATE.year


def _schedule_steps(value: Any) -> tuple[tuple[int, float], ...]:
    """``{year: value}`` (years as integers or digit strings) as sorted ``(year, value)`` pairs."""
    if isinstance(value, Schedule):
        return value.steps
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = [tuple(x) if isinstance(x, (list, tuple)) else (x, None) for x in value]
    else:
        raise InvalidInput(Problem("Schedule", f"expected a mapping of years to values, got {preview(value)}"))
    if not items:
        raise InvalidInput(Problem("Schedule", "name at least one year"))
    steps: dict[int, float] = {}
    for item in items:
        if len(item) != 2:
            raise InvalidInput(Problem("Schedule", f"expected (year, value) pairs, got {preview(item)}"))
        key, x = item
        year = int(key) if isinstance(key, str) and key.isdigit() else key
        if isinstance(year, bool) or not isinstance(year, int) or not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise InvalidInput(
                Problem(
                    f"Schedule.{key}", f"expected a year between {_FIRST_YEAR} and {_LAST_YEAR}, got {preview(key)}"
                )
            )
        if isinstance(x, bool) or not isinstance(x, (int, float)) or x != x or not math.isfinite(x):
            raise InvalidInput(Problem(f"Schedule.{year}", f"expected a number, got {preview(x)}"))
        if year in steps:
            raise InvalidInput(Problem(f"Schedule.{year}", "the year is named twice"))
        steps[year] = x
    return tuple(sorted(steps.items()))


@attrs.frozen
class Schedule:
    """A value per year, like a dated rule parameter: ``Schedule({2020: 0.6, 2023: 0.2})`` is 0.6
    in every year up to 2022 and 0.2 from 2023 on (before its first year it holds its first value).

    Any number in a scenario may follow one (``Scenario.schedules`` maps its path to it); a year's
    value holds from 1 January to 31 December. Raises :class:`~icoc.errors.InvalidInput` for a key
    that is not a year or a value that is not a finite number."""

    steps: tuple[tuple[int, float], ...] = attrs.field(converter=_schedule_steps)
    """``(year, value)`` pairs in year order."""

    def at(self, year: int) -> float:
        """The value in force in ``year``."""
        value = self.steps[0][1]
        for y, x in self.steps:
            if y > year:
                break
            value = x
        return value

    def years(self) -> tuple[int, ...]:
        """The years the value changes in."""
        return tuple(y for y, _ in self.steps)

    def to_data(self) -> dict[str, float]:
        """``{"year": value}``, as a scenario file writes it (years as text: YAML and JSON keys)."""
        return {str(y): x for y, x in self.steps}


def _schedules(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: v if isinstance(v, Schedule) else Schedule(v) for k, v in value.items()}
    return value


# --- building blocks ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Delay:
    """A random delay in days: ``min_days``, plus an exponential part so the mean is ``mean_days``,
    capped at ``max_days`` when set. ``Delay(min_days=30, mean_days=30)`` is always 30 days."""

    min_days: int = attrs.field(default=0, validator=_count)
    mean_days: float = attrs.field(default=30.0, validator=_number)
    max_days: int | None = attrs.field(default=None, validator=attrs.validators.optional(_count))

    def __attrs_post_init__(self) -> None:
        for name in ("min_days", "mean_days", "max_days"):
            value = getattr(self, name)
            if value is not None and value > MAX_DELAY_DAYS:
                raise _bad(self, name, f"{preview(value)} days is more than {MAX_DELAY_DAYS} (100 years)")
        if self.mean_days < self.min_days:
            raise _bad(self, "mean_days", f"{self.mean_days} is below min_days {self.min_days}")
        if self.max_days is not None and self.max_days < self.min_days:
            raise _bad(self, "max_days", f"{self.max_days} is below min_days {self.min_days}")

    def draw(self, rng: random.Random) -> timedelta:
        extra = self.mean_days - self.min_days
        days = self.min_days + (round(rng.expovariate(1.0 / extra)) if extra > 0 else 0)
        if self.max_days is not None:
            days = min(days, self.max_days)
        return timedelta(days=days)


@attrs.frozen(kw_only=True)
class SizeProfile:
    """A company size class: its share of the population, its exposure (a multiplier on findings
    and complaints: more staff, more incidents) and how likely such a company pursues certification."""

    weight: float = attrs.field(validator=_number)
    exposure: float = attrs.field(default=1.0, validator=_number)
    certification: float = attrs.field(default=0.7, validator=_probability)


@attrs.frozen(kw_only=True)
class RegionProfile:
    """Where companies are based: share of the population, ISO country codes drawn from uniformly,
    and multipliers on complaint and finding rates ("complaints rose in one region")."""

    weight: float = attrs.field(validator=_number)
    countries: tuple[str, ...] = attrs.field(converter=_tuple)
    complaints: float = attrs.field(default=1.0, validator=_number)
    findings: float = attrs.field(default=1.0, validator=_number)

    @countries.validator
    def _check_countries(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        if not value:
            raise _bad(self, attribute.name, "name at least one country")
        for i, c in enumerate(value):
            if not (isinstance(c, str) and len(c) == 2 and c.isascii() and c.isalpha() and c.isupper()):
                raise _bad(self, f"{attribute.name}[{i}]", f"expected an ISO 3166 alpha-2 code such as 'CH', got {c!r}")


def _default_sizes() -> dict[str, SizeProfile]:
    return {
        "small": SizeProfile(weight=0.5, exposure=0.6, certification=0.55),
        "medium": SizeProfile(weight=0.35, exposure=1.0, certification=0.75),
        "large": SizeProfile(weight=0.15, exposure=2.0, certification=0.9),
    }


def _default_regions() -> dict[str, RegionProfile]:
    return {
        "africa": RegionProfile(weight=0.25, countries=("KE", "NG", "UG", "ZA")),
        "americas": RegionProfile(weight=0.2, countries=("CO", "MX", "PE", "US")),
        "asia_pacific": RegionProfile(weight=0.1, countries=("AF", "AU", "PH")),
        "europe": RegionProfile(weight=0.25, countries=("CH", "FR", "GB")),
        "middle_east": RegionProfile(weight=0.2, countries=("AE", "IQ", "JO")),
    }


_STANDARDS = ("PSC.1-2012", "ISO-18788", "ISO-28007")

ARRIVAL_STATUSES = (str(CompanyStatus.MEMBER), str(CompanyStatus.AFFILIATE))
"""The statuses a newly arriving company joins with (``Population.arrivals``)."""


@attrs.frozen(kw_only=True)
class Population:
    """Who is simulated. ``initial_share`` of the companies join in the first quarter, the rest on
    uniformly random dates over the horizon; companies are drawn by size, region and standard
    (ISO 28007 means maritime services). CSOs and governments join at the start."""

    companies: int = attrs.field(default=100, validator=_count)
    initial_share: float = attrs.field(default=0.5, validator=_probability)
    affiliate_share: float = attrs.field(default=0.15, validator=_probability)
    """Share of companies joining directly as Affiliates (no certification deadline)."""
    sizes: dict[str, SizeProfile] = attrs.field(
        factory=_default_sizes, converter=_dict, validator=_keys(None, SizeProfile)
    )
    regions: dict[str, RegionProfile] = attrs.field(
        factory=_default_regions, converter=_dict, validator=_keys(None, RegionProfile)
    )
    standards: dict[str, float] = attrs.field(
        factory=lambda: {"PSC.1-2012": 0.5, "ISO-18788": 0.3, "ISO-28007": 0.2},
        converter=_dict,
        validator=_weights(_STANDARDS),
    )
    """The recognised standard a company would certify to, by share."""
    csos: int = attrs.field(default=10, validator=_count)
    governments: int = attrs.field(default=4, validator=_count)
    arrivals: dict[str, float] = attrs.field(
        factory=dict, converter=_dict, validator=_keys(ARRIVAL_STATUSES, nonempty=False)
    )
    """New companies per year by the status they join with (``member``, ``affiliate``): each a
    Poisson process over the whole run, on top of ``companies`` (which join at or near the start).
    A schedule (``Scenario.schedules["population.arrivals.member"]``) makes the rate change by year."""

    def __attrs_post_init__(self) -> None:
        for name in ("sizes", "regions"):
            profiles = getattr(self, name)
            if not any(p.weight > 0 for p in profiles.values()):
                raise _bad(self, name, "at least one weight must be positive")


@attrs.frozen(kw_only=True)
class SelfAssessments:
    """The annual company self-assessment, sent and due on the dates the parameters
    ``self_assessment.sent`` and ``self_assessment.due`` give: whether and when companies submit,
    how the Secretariat rates them, and how often an unsatisfactory one opens a compliance case."""

    submit_probability: float = attrs.field(default=0.96, validator=_probability)
    late_share: float = attrs.field(default=0.15, validator=_probability)
    """Of the submissions, the share that come after the due date (the rest come before it)."""
    late_delay: Delay = attrs.field(factory=lambda: Delay(min_days=1, mean_days=14, max_days=120))
    satisfactory_probability: float = attrs.field(default=0.85, validator=_probability)
    rating_delay: Delay = attrs.field(factory=lambda: Delay(min_days=14, mean_days=45))
    finding_probability: float = attrs.field(default=0.4, validator=_probability)
    """An unsatisfactory rating opens a compliance case (source ``self_assessment``) with this probability."""


@attrs.frozen(kw_only=True)
class Certification:
    """Art. 11: a company that pursues certification (by its size's probability, times
    ``affiliate_factor`` for affiliates) gets an external certificate after ``external_delay``,
    applies to ICoCA, is granted or refused, renews or lets it lapse, and may recertify."""

    affiliate_factor: float = attrs.field(default=0.3, validator=_probability)
    external_delay: Delay = attrs.field(factory=lambda: Delay(min_days=90, mean_days=540))
    application_delay: Delay = attrs.field(factory=lambda: Delay(min_days=7, mean_days=45))
    review_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=110))
    grant_probability: float = attrs.field(default=0.9, validator=_probability)
    reapply_probability: float = attrs.field(default=0.7, validator=_probability)
    validity_years: int = attrs.field(default=3, validator=_count)
    renewal_probability: float = attrs.field(default=0.85, validator=_probability)
    renewal_lead: Delay = attrs.field(factory=lambda: Delay(min_days=1, mean_days=30, max_days=180))
    """How long before the certificate's expiry the renewal comes."""
    recertify_probability: float = attrs.field(default=0.5, validator=_probability)
    """After a lapse, the company certifies again (after ``external_delay``)."""

    def __attrs_post_init__(self) -> None:
        if self.validity_years < 1:
            raise _bad(self, "validity_years", "a certificate is valid for at least 1 year")
        if self.validity_years > MAX_VALIDITY_YEARS:
            raise _bad(
                self,
                "validity_years",
                f"{self.validity_years} years is more than a certificate is valid for (at most {MAX_VALIDITY_YEARS})",
            )


@attrs.frozen(kw_only=True)
class Findings:
    """Art. 12 monitoring: compliance concerns per company-year by source (self-assessment findings
    come from ratings, complaint cases from complaints), by category and severity. Rates are
    multiplied by the company's size exposure and region ``findings`` multiplier."""

    rates: dict[str, float] = attrs.field(
        factory=lambda: {"remote_monitoring": 0.12, "field_based_review": 0.03, "member_request": 0.005},
        converter=_dict,
        validator=_keys(("remote_monitoring", "field_based_review", "member_request"), nonempty=False),
    )
    categories: dict[str, float] = attrs.field(
        factory=lambda: {"personnel_misconduct": 0.5, "management_and_governance": 0.35, "other": 0.15},
        converter=_dict,
        validator=_weights(_values(ConcernCategory)),
    )
    severities: dict[str, float] = attrs.field(
        factory=lambda: {"low": 0.3, "medium": 0.45, "high": 0.2, "critical": 0.05},
        converter=_dict,
        validator=_weights(_values(Severity)),
    )


@attrs.frozen(kw_only=True)
class Complaints:
    """Art. 13: complaints per company-year by kind (times size exposure and the region's
    ``complaints`` multiplier), classified, possibly closed as out of scope, referred to a grievance
    route, remedied or not (by route), re-referred or closed; some open a compliance case."""

    rates: dict[str, float] = attrs.field(
        factory=lambda: {"alleged_harm": 0.05, "credible_evidence": 0.03, "grievance_mechanism_inadequate": 0.01},
        converter=_dict,
        validator=_keys(_values(ComplaintKind), nonempty=False),
    )
    case_probability: dict[str, float] = attrs.field(
        factory=lambda: {"alleged_harm": 0.3, "credible_evidence": 0.6, "grievance_mechanism_inadequate": 0.2},
        converter=_dict,
        validator=_keys(_values(ComplaintKind), nonempty=False, probabilities=True),
    )
    """Per kind, the probability the complaint is compliance-relevant and opens an Art. 12 case."""
    classification_delay: Delay = attrs.field(factory=lambda: Delay(min_days=7, mean_days=30))
    out_of_scope_probability: float = attrs.field(default=0.15, validator=_probability)
    routes: dict[str, float] = attrs.field(
        factory=lambda: {"company_grievance_mechanism": 0.5, "icoca_good_offices": 0.35, "other": 0.15},
        converter=_dict,
        validator=_weights(_values(ComplaintRoute)),
    )
    referral_delay: Delay = attrs.field(factory=lambda: Delay(min_days=7, mean_days=30))
    remedy_probability: dict[str, float] = attrs.field(
        factory=lambda: {"company_grievance_mechanism": 0.5, "icoca_good_offices": 0.65, "other": 0.4},
        converter=_dict,
        validator=_keys(_values(ComplaintRoute), probabilities=True),
    )
    outcome_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=150))
    rerefer_probability: float = attrs.field(default=0.3, validator=_probability)
    closing_delay: Delay = attrs.field(factory=lambda: Delay(min_days=7, mean_days=30))
    non_member_rate: float = attrs.field(default=0.0, validator=_number)
    """Complaints per year (for the whole Association, not per company) about a company that is
    not on record or about no identified company: most complaints ICoCA receives (its monitoring
    summaries count complaints "against Member companies" apart). No compliance case can follow."""
    non_member_out_of_scope_probability: float = attrs.field(default=0.6, validator=_probability)
    """A complaint about a non-member is closed as out of scope with this probability; the rest
    are referred to a grievance route like any other."""


@attrs.frozen(kw_only=True)
class Cases:
    """The Art. 12 escalation ladder as the Secretariat and the Board work it: dialogue or early
    resolution, referral to the Board (by severity), corrective action with a deadline, and the
    company's probability and delay of acting on it. The rule set decides what happens when the
    deadline passes."""

    dialogue_probability: float = attrs.field(default=0.7, validator=_probability)
    concern_delay: Delay = attrs.field(factory=lambda: Delay(min_days=7, mean_days=30))
    referral_probability: dict[str, float] = attrs.field(
        factory=lambda: {"low": 0.05, "medium": 0.2, "high": 0.5, "critical": 0.8},
        converter=_dict,
        validator=_keys(_values(Severity), probabilities=True),
    )
    dialogue_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=120))
    board_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=75))
    board_resolves_probability: float = attrs.field(default=0.15, validator=_probability)
    corrective_action_days: int = attrs.field(default=180, validator=_days)
    """The deadline the Board sets on a corrective action plan, in days."""
    corrective_action_probability: float = attrs.field(default=0.8, validator=_probability)
    corrective_action_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=130))
    """From the recommendation to verified implementation; past the deadline the rules take over."""


@attrs.frozen(kw_only=True)
class Board:
    """Board decisions: on termination proposals (when their ground still holds), on suspension
    proceedings, and how suspended companies remedy; withdrawals and re-admissions."""

    decision_delay: Delay = attrs.field(factory=lambda: Delay(min_days=14, mean_days=60))
    termination_probability: float = attrs.field(default=0.6, validator=_probability)
    suspension_probability: float = attrs.field(default=0.8, validator=_probability)
    reinstatement_probability: float = attrs.field(default=0.6, validator=_probability)
    remedy_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=150))
    """From suspension to reinstatement, for companies that remedy (the rules may propose
    termination first, after the ``suspension.period`` parameter)."""
    withdrawal_rate: float = attrs.field(default=0.02, validator=_number)
    """Voluntary withdrawals per company-year."""
    rejoin_probability: float = attrs.field(default=0.1, validator=_probability)
    swiss_rejoin_probability: float = attrs.field(default=0.6, validator=_probability)
    """Swiss PSSA companies must be members to operate abroad, so they rejoin more often."""
    rejoin_delay: Delay = attrs.field(factory=lambda: Delay(min_days=30, mean_days=120))
    termination_rates: dict[str, float] = attrs.field(
        factory=dict, converter=_dict, validator=_keys(_values(Ground), nonempty=False)
    )
    """Terminations the Board decides outside the rules, per company-year, by ground
    (``non_payment_of_dues``, ``other``, ...; :class:`~icoc.model.events.Ground`): each a Poisson
    process per active company, ending in ``Terminated`` with that ground. The rule set's own
    grounds (certification deadline, missed self-assessment, unremedied suspension) come from
    its termination proposals and need no rate here."""


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
        from icoc.model.document import RegistryDocument
        from icoc.registry import Registry

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
