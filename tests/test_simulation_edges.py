"""Edge cases of runs (issue #18 review): the last supported year, registries with companies
certified in two scopes, calibration tables with bad tolerances."""

from __future__ import annotations

import json
from datetime import date

import pytest

from icoc.registry import Registry
from icoc.simulation import Population, Scenario, run


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_run_ending_in_the_last_supported_year_makes_only_supported_dates(seed: int) -> None:
    # Scenario validation accepts a run to 2998-12-31; a certificate issued then must still
    # expire by the last supported date (2999-12-31), not in 3000.
    scenario = Scenario(start=date(2996, 1, 1), years=3, population=Population(companies=20, csos=0, governments=0))
    result = run(scenario, seed)
    assert result.history
    with Registry.from_history(result.history) as again:
        assert {s: again.state_of(s) for s in again.subjects()} == dict(result.final)


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ({"tolerance": {"absolute": -1, "relative": 0.5}}, r"\$\.tolerance\.absolute"),
        ({"tolerance": {"absolute": 2, "relative": -0.5}}, r"\$\.tolerance\.relative"),
        ({"values": {"2022": -5}}, r"\$\.figures\.terminations\.values\.2022"),
        ({"notes": "one note"}, r"\$\.notes"),
    ],
)
def test_a_calibration_table_refuses_negative_tolerances_counts_and_unlisted_notes(
    table: dict[str, object], where: str
) -> None:
    from icoc.errors import InvalidInput
    from icoc.simulation._calibrate import table_from_data

    figure = {"values": table.pop("values", {"2022": 5}), "sources": {"2022": "https://icoca.ch/"}}
    with pytest.raises(InvalidInput, match=where):
        table_from_data({"figures": {"terminations": figure}, **table})


def test_a_schedule_may_name_a_key_its_mapping_leaves_out() -> None:
    # Population.arrivals documents schedules["population.arrivals.member"]; the mapping is
    # empty by default, and a key it leaves out is 0 outside the schedule's years.
    base = Scenario(start=date(2022, 1, 1), years=3, population=Population(companies=0, csos=0, governments=0))
    sc = base.scheduled("population.arrivals.member", {2023: 12})
    assert sc.in_year(2022).population.arrivals == {"member": 12.0}  # before its first year: its first value
    assert (
        sc.scheduled("board.termination_rates.non_payment_of_dues", {2022: 0.1}).in_year(2022).board.termination_rates
    )
    result = run(sc, 1)
    assert {c.id for c in result.companies}
    from icoc.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"population.arrivals.bogus"):
        base.scheduled("population.arrivals.bogus", {2022: 1})
    with pytest.raises(InvalidInput, match=r"population.regions.nowhere"):
        base.scheduled("population.regions.nowhere.complaints", {2022: 1})


def test_a_run_from_a_simulated_history_gives_its_own_csos_and_governments_new_ids() -> None:
    # A registry that is an earlier run's history already holds cso-001 and gov-01.
    first = run(Scenario(start=date(2020, 1, 1), years=2, population=Population(companies=5, csos=2, governments=1)), 0)
    again = Scenario.from_registry(
        first.history, date(2022, 1, 1), years=1, population=Population(companies=3, csos=2, governments=1)
    )
    result = run(again, 1)
    assert {"cso-001", "cso-002", "gov-01"} <= set(result.initial)
    with Registry.from_history(result.history) as reg:
        assert len([s for s in reg.subjects() if s.startswith(("cso-", "gov-"))]) == 6


def _certified_in_two_scopes() -> tuple[object, ...]:
    """The sample registry, where example-marine-44 (ICoCA-certified for maritime work on an
    ISO 28007 certificate to 2028-09-09) is also certified for land work (PSC.1, to 2029-06-28)."""
    import attrs

    from icoc.model.events import (
        Cause,
        ExternalCertificateRecorded,
        IcocaApplicationSubmitted,
        IcocaCertificationGranted,
    )
    from icoc.model.members import ServiceDomain
    from icoc.sample import load_sample

    cid, imp = "example-marine-44", Cause(actor="import")
    with Registry.from_document(load_sample()) as reg:
        last = [e for e in reg.history if isinstance(e, ExternalCertificateRecorded) and e.subject == cid][-1]
        land = attrs.evolve(
            last.certificate,
            id="EXT-LAND-1",
            standard="PSC.1-2012",
            issued=date(2026, 6, 28),
            expires=date(2029, 6, 28),
        )
        reg.submit(ExternalCertificateRecorded(subject=cid, effective=date(2026, 6, 28), cause=imp, certificate=land))
        reg.submit(
            IcocaApplicationSubmitted(subject=cid, effective=date(2026, 6, 28), cause=imp, scope=ServiceDomain.LAND)
        )
        reg.submit(
            IcocaCertificationGranted(
                subject=cid,
                effective=date(2026, 6, 29),
                cause=imp,
                certification="ICOCA-L1",
                expires=date(2029, 6, 28),
                scope=ServiceDomain.LAND,
            )
        )
        assert reg.certification(cid, "maritime").state == reg.certification(cid, "land").state == "icoca_certified"  # type: ignore[union-attr]
        return reg.history


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_company_certified_in_two_scopes_renews_both(seed: int) -> None:
    from icoc.simulation import Board, Certification

    scenario = Scenario.from_registry(
        _certified_in_two_scopes(),
        date(2026, 7, 1),
        years=3,
        certification=Certification(renewal_probability=1.0),
        board=Board(withdrawal_rate=0.0),
    )
    result = run(scenario, seed)
    with Registry.from_history(result.history) as reg:
        assert {s: reg.state_of(s) for s in reg.subjects()} == dict(result.final)
        snap = reg.snapshot(date(2028, 9, 10))
        if snap.state_of("example-marine-44") in ("member", "certified_member", "affiliate"):
            # The maritime certification (ISO 28007 to 2028-09-09) was renewed, not left to lapse.
            assert snap.certification("example-marine-44", "maritime").state != "expired"  # type: ignore[union-attr]
        snap = reg.snapshot(date(2029, 6, 29))
        if snap.state_of("example-marine-44") in ("member", "certified_member", "affiliate"):
            # ...and so was the land certification (PSC.1 to 2029-06-28), after the maritime one.
            assert snap.certification("example-marine-44", "land").state != "expired"  # type: ignore[union-attr]


def test_a_scenario_file_over_a_registry_adds_no_generated_population(tmp_path: object) -> None:
    # Scenario.from_registry leaves the generated population empty; a scenario file that names a
    # registry (or is given with --registry) and sets only the arrivals must do the same.
    import contextlib
    import io
    from pathlib import Path

    from icoc.cli import main
    from icoc.sample import sample_text
    from icoc.simulation import load_scenario

    folder = Path(str(tmp_path))
    (folder / "reg.json").write_text(sample_text())
    (folder / "s.yaml").write_text(
        "start: 2026-01-01\nyears: 1\nregistry: reg.json\npopulation: {arrivals: {member: 2}}\n"
    )
    population = load_scenario(folder / "s.yaml").population
    assert (population.companies, population.csos, population.governments) == (0, 0, 0)
    assert population.arrivals == {"member": 2}
    (folder / "b.yaml").write_text("years: 1\npopulation: {arrivals: {member: 2}}\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(
            [
                "simulate",
                "--registry",
                str(folder / "reg.json"),
                "--scenario",
                str(folder / "b.yaml"),
                "--start",
                "2026-01-01",
                "--print-scenario",
            ]
        )
    printed = json.loads(out.getvalue())["population"]
    assert (printed["companies"], printed["csos"], printed["governments"]) == (0, 0, 0)


def test_runs_that_cover_none_of_the_tables_years_do_not_score_perfectly() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from icoc.simulation import icoca_figures, score, sweep

    table = icoca_figures()
    later = Scenario(start=date(2030, 1, 1), years=1, population=Population(companies=5, csos=0, governments=0))
    cal = score([run(later, 0)], table)
    assert not cal.rows and not cal.within and cal.total == float("inf")
    # A sweep whose grid moves the start picks a variant that meets the observed years.
    with ThreadPoolExecutor(max_workers=2) as pool:
        grid = sweep(later, {"start": [date(2030, 1, 1), date(2025, 1, 1)]}, 1, pool, progress=False)
    labels, best = grid.best(table)
    assert labels == {"start": "#1"} and best.rows  # dates are labelled by position


def test_a_company_on_record_without_a_country_can_rejoin() -> None:
    # A registry need not record a company's country; when such a company withdraws and rejoins,
    # its new application must not claim the country ''.
    from icoc.model.events import Admission, Admitted, ApplicantKind, ApplicationSubmitted, DueDiligenceStarted
    from icoc.model.members import ServiceDomain
    from icoc.simulation import Board

    events = []
    for i in range(4):
        c, on = f"co-{i}", date(2021, 1, 4)
        events += [
            ApplicationSubmitted(
                subject=c,
                effective=on,
                applicant=ApplicantKind.COMPANY,
                name=f"Organisation {i}",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
            ),
            DueDiligenceStarted(subject=c, effective=on),
            Admitted(subject=c, effective=on, admission=Admission.MEMBER),
        ]
    scenario = Scenario.from_registry(
        events,
        date(2022, 1, 1),
        years=3,
        population=Population(companies=0, csos=0, governments=0),
        board=Board(withdrawal_rate=0.5, rejoin_probability=1.0),
    )
    result = run(scenario, 0)
    rejoined = [e for e in result.history[len(events) :] if isinstance(e, ApplicationSubmitted)]
    assert rejoined and all(e.country is None for e in rejoined)
