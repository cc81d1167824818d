"""Who a run simulates, drawn up front: the generated companies with their traits and joining
dates, the arrivals over the run, CSOs and governments, and the yearly dates of the agenda
(self-assessments sent, year ends, the transitional regime). A seed fixes the population whatever
the dynamics, so variants compared on one seed share it."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from icoc.model.events import ApplicantKind
from icoc.simulation._agenda import LATE, Company, Run
from icoc.simulation._carry_on import carry_on
from icoc.simulation._scenario import Scenario
from icoc.simulation._tables import CompanyInfo
from icoc.simulation._values import pick

__all__ = ["populate"]


def traits(rng: random.Random, cid: str, affiliate: bool, sc: Scenario) -> Company:
    """A new company's traits, drawn from ``sc``'s population profiles."""
    pop = sc.population
    size = pick(rng, {k: p.weight for k, p in pop.sizes.items()})
    region = pick(rng, {k: p.weight for k, p in pop.regions.items()})
    country = rng.choice(pop.regions[region].countries)
    standard = pick(rng, pop.standards)
    factor = sc.certification.affiliate_factor if affiliate else 1.0
    pursue = rng.random() < pop.sizes[size].certification * factor
    info = CompanyInfo(
        id=cid,
        size=size,
        region=region,
        country=country,
        standard=standard,
        affiliate=affiliate,
        swiss_pssa=country == "CH",
    )
    return Company(info=info, pursue=pursue)


def _arrival_rate(status: str) -> Callable[[Scenario], float]:
    return lambda sc: sc.population.arrivals.get(status, 0.0)


def arrivals(run: Run) -> None:
    """New companies over the run (``population.arrivals``), drawn up front from their own
    generator so that variants which leave arrivals alone share them."""
    rng = random.Random(f"icoc-arrivals-{run.seed}")
    for status in run.scheduled("population.arrivals", run.s.population.arrivals):
        when = run.s.start
        while True:
            wait = run.waiting(_arrival_rate(status), rng, since=when)
            if wait is None:
                break
            when = when + wait
            if when > run.end:
                break
            c = traits(rng, run.new_id(), status == "affiliate", run.year(when.year))
            run.companies[c.info.id] = c
            run.push(when, "join", c.info.id, priority=0)


def populate(run: Run) -> None:
    """Draw every company's traits and joining date up front, so a seed fixes the population
    whatever the dynamics (variants compared on one seed share their population)."""
    s, rng = run.sy, run.rng
    pop = s.population
    days = (run.end - s.start).days + 1
    sizes = {k: p.weight for k, p in pop.sizes.items()}
    regions = {k: p.weight for k, p in pop.regions.items()}
    if run.s.origin is not None:
        carry_on(run)
    for _ in range(pop.companies):
        cid = run.new_id()
        size = pick(rng, sizes)
        region = pick(rng, regions)
        country = rng.choice(pop.regions[region].countries)
        standard = pick(rng, pop.standards)
        early = rng.random() < pop.initial_share
        offset = rng.randrange(min(90, days)) if early else rng.randrange(days)
        affiliate = rng.random() < pop.affiliate_share
        factor = s.certification.affiliate_factor if affiliate else 1.0
        pursue = rng.random() < pop.sizes[size].certification * factor
        info = CompanyInfo(
            id=cid,
            size=size,
            region=region,
            country=country,
            standard=standard,
            affiliate=affiliate,
            swiss_pssa=country == "CH",
        )
        run.companies[cid] = Company(info=info, pursue=pursue)
        run.push(s.start + timedelta(days=offset), "join", cid, priority=0)
    arrivals(run)
    if run.ever("complaints.non_member_rate", s.complaints.non_member_rate):
        wait = run.waiting(lambda sc: sc.complaints.non_member_rate)
        if wait is not None:
            run.later(wait, "outside_complaint")
    countries = sorted({c for r in pop.regions.values() for c in r.countries})
    for _ in range(pop.csos):
        run.push(
            s.start + timedelta(days=rng.randrange(min(90, days))),
            "member_joins",
            run.fresh("cso"),
            ApplicantKind.CSO,
            rng.choice(countries),
            priority=0,
        )
    for _ in range(pop.governments):
        run.push(
            s.start + timedelta(days=rng.randrange(min(90, days))),
            "member_joins",
            run.fresh("gov"),
            ApplicantKind.GOVERNMENT,
            rng.choice(countries),
            priority=0,
        )
    first_cycle = run.reg.parameters.value("self_assessment.first_cycle", s.start)
    assert isinstance(first_cycle, int)
    for year in range(s.start.year, run.end.year + 1):
        if year >= first_cycle:
            sent = run.param_day("self_assessment.sent", year)
            if s.start <= sent:
                run.push(sent, "self_assessments_sent", year)
        run.push(min(date(year, 12, 31), run.end), "year_end", year, priority=LATE)
    transitional = run.reg.parameters.value("regimes.transitional.start", s.start)
    assert isinstance(transitional, date)
    if s.start < transitional <= run.end:
        run.push(transitional, "transitional_regime")
