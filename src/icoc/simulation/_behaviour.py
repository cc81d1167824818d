"""How actors behave, as probabilities, rates and delays: the parts of a scenario for the
population and for each process (self-assessments, certification, monitoring findings,
complaints, compliance cases, the Board). Plain frozen data, validated when built."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import attrs

from icoc.errors import preview
from icoc.model.complaints import ComplaintKind, ComplaintRoute
from icoc.model.events import Ground
from icoc.model.members import CompanyStatus
from icoc.model.monitoring import ConcernCategory, Severity
from icoc.simulation._values import (
    MAX_DELAY_DAYS,
    MAX_VALIDITY_YEARS,
    _bad,
    _count,
    _days,
    _dict,
    _keys,
    _number,
    _probability,
    _tuple,
    _values,
    _weights,
)

__all__ = [
    "ARRIVAL_STATUSES",
    "Board",
    "Cases",
    "Certification",
    "Complaints",
    "Delay",
    "Findings",
    "Population",
    "RegionProfile",
    "SelfAssessments",
    "SizeProfile",
]

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
