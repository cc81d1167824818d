"""Runs from a real registry, dated behaviour, arrivals, complaints about non-members, Board
terminations by ground, and calibration against a table of observed figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icoc.errors import InvalidInput
from icoc.model.events import Terminated
from icoc.registry import Registry
from icoc.sample import load_sample
from icoc.simulation import (
    Board,
    Complaints,
    Population,
    Scenario,
    Schedule,
    icoca_figures,
    load_scenario,
    run,
    scenario_from_data,
    scenario_to_data,
    score,
)
from icoc.workflows import SubjectKind

_MEMBER_STATES = {"member", "transitional_member", "affiliate", "certified_member", "suspended", "active"}


def _from_sample(start: date | None, **fields: object) -> Scenario:
    fields.setdefault("years", 2)
    fields.setdefault("population", Population(companies=0, csos=0, governments=0, arrivals={"member": 3}))
    return Scenario.from_registry(load_sample(), start, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", [date(2021, 7, 1), None])
@pytest.mark.parametrize("seed", [0, 5])
def test_run_from_the_sample_registry_replays_and_starts_from_its_members(start: date | None, seed: int) -> None:
    scenario = _from_sample(start)
    result = run(scenario, seed)
    # Every simulated history replays to the state the run reported.
    with Registry.from_history(result.history) as again:
        assert {s: again.state_of(s) for s in again.subjects()} == dict(result.final)
    # The registry's members on the start date are exactly the run's initial population.
    with Registry.from_document(load_sample()) as original:
        snap = original.snapshot(scenario.start)
        members = {
            s
            for kind in (SubjectKind.COMPANY, SubjectKind.CSO, SubjectKind.GOVERNMENT)
            for s in snap.subjects(kind)
            if snap.state_of(s) in _MEMBER_STATES
        }
        companies = {m for m in members if snap.kind_of(m) is SubjectKind.COMPANY}
    assert set(result.initial) == members and members
    assert companies and companies <= {c.id for c in result.companies}
    # The start is where the registry's own history stops.
    assert result.history[: len(scenario.origin.events)] == scenario.origin.events  # type: ignore[union-attr]
    assert all(e.effective <= scenario.start for e in scenario.origin.events)  # type: ignore[union-attr]


def test_run_from_a_registry_is_deterministic_and_arrivals_join() -> None:
    scenario = _from_sample(date(2024, 1, 1))
    a, b = run(scenario, 3), run(scenario, 3)
    assert a.history == b.history
    arrived = [c.id for c in a.companies if c.id not in a.initial]
    assert arrived and all(c.startswith("psc-") for c in arrived)


def test_from_registry_accepts_a_live_registry_and_a_history() -> None:
    with Registry.from_document(load_sample()) as reg:
        from_reg = Scenario.from_registry(reg, date(2023, 1, 1))
        from_history = Scenario.from_registry(reg.history_document(), date(2023, 1, 1))
    assert from_reg.origin == from_history.origin
    with pytest.raises(InvalidInput, match="before the registry's first event"):
        Scenario.from_registry(load_sample(), date(2000, 1, 1))
    with pytest.raises(InvalidInput, match="expected a RegistryDocument"):
        Scenario.from_registry("registry.json")


def test_scenario_file_names_a_registry_and_schedules(tmp_path: Path) -> None:
    from icoc.sample import sample_text

    (tmp_path / "reg.json").write_text(sample_text())
    (tmp_path / "s.yaml").write_text(
        'start: 2025-01-01\nyears: 1\nregistry: reg.json\nschedules:\n  board.termination_probability: {"2025": 0.2}\n'
    )
    scenario = load_scenario(tmp_path / "s.yaml")
    assert scenario.origin is not None and scenario.in_year(2025).board.termination_probability == 0.2
    assert scenario_from_data(scenario_to_data(scenario)) == scenario
    (tmp_path / "bad.yaml").write_text('schedules:\n  board.termination_probability: {"2025": 3}\n')
    with pytest.raises(InvalidInput, match=r"bad.yaml:\$.schedules.board.termination_probability.2025"):
        load_scenario(tmp_path / "bad.yaml")


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.integers(1990, 2100), st.floats(0, 1), min_size=1, max_size=5), st.integers(1980, 2110))
def test_a_schedule_holds_the_value_of_its_latest_year(steps: dict[int, float], year: int) -> None:
    sched = Schedule(steps)
    earlier = [y for y in steps if y <= year]
    expected = steps[max(earlier)] if earlier else steps[min(steps)]
    assert sched.at(year) == expected
    assert (
        Scenario().scheduled("board.termination_probability", steps).in_year(year).board.termination_probability
        == expected
    )


def test_dated_behaviour_changes_the_run_by_year() -> None:
    base = Scenario(
        start=date(2022, 1, 1),
        years=3,
        population=Population(companies=40, csos=0, governments=0),
        board=Board(termination_rates={"non_payment_of_dues": 0.0}),
        complaints=Complaints(non_member_rate=0.0),
    )
    dated = base.scheduled("board.termination_rates.non_payment_of_dues", {2022: 0, 2024: 3.0}).scheduled(
        "complaints.non_member_rate", {2022: 30.0, 2023: 0}
    )
    result = run(dated, 1)
    grounds = [e for e in result.history if isinstance(e, Terminated) and e.ground.value == "non_payment_of_dues"]
    assert grounds and all(e.effective.year == 2024 for e in grounds)
    figures = result.figures()
    assert figures["complaints"][2022] > 5 and figures["complaints"][2024] == figures["complaints.members"][2024]
    assert figures["terminations.non_payment_of_dues"][2024] == len(grounds)
    with Registry.from_history(result.history) as again:
        assert {s: again.state_of(s) for s in again.subjects()} == dict(result.final)


def test_schedules_refuse_what_is_not_behaviour() -> None:
    with pytest.raises(InvalidInput, match="only behaviour"):
        Scenario().scheduled("years", {2022: 3})
    with pytest.raises(InvalidInput, match="no such field"):
        Scenario().scheduled("board.nothing", {2022: 3})
    with pytest.raises(InvalidInput, match="not a probability"):
        Scenario().scheduled("board.termination_probability", {2022: 3})


def test_score_against_the_published_table() -> None:
    table = icoca_figures()
    assert {f.figure for f in table.figures} >= {"terminations", "complaints", "cases.active"}
    assert all(set(f.sources) == set(f.values) for f in table.figures)
    scenario = Scenario(start=date(2020, 1, 1), years=2, population=Population(companies=20))
    results = [run(scenario, s) for s in (1, 2)]
    cal = score(results, table)
    assert {r.year for r in cal.rows} == {2020, 2021}
    assert cal.seeds == 2 and cal.total == sum(cal.per_figure.values()) / len(cal.per_figure)
    for r in cal.rows:
        assert r.within == (abs(r.simulated - r.observed) <= table.tolerance(r.observed))


def test_cli_simulates_from_a_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from icoc.cli import main
    from icoc.sample import sample_text

    reg = tmp_path / "reg.json"
    reg.write_text(sample_text())
    assert main(["simulate", "--registry", str(reg), "--start", "2025-06-01", "--years", "1", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "from 2025-06-01" in out and "from reg.json" in out
    assert main(["simulate", "--registry", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    assert main(["simulate", "--registry", str(reg), "--start", "June"]) == 2
    capsys.readouterr()
    # a start after the document's date names the option the user typed, not the library's argument
    assert main(["simulate", "--registry", str(reg), "--start", "2027-01-01"]) == 2
    assert capsys.readouterr().err.startswith("icoc: error: --start: 2027-01-01 is after the registry's date")
    bidders = tmp_path / "bidders.csv"
    assert main(["template", "--format", "csv", "--out", str(bidders)]) == 0
    capsys.readouterr()
    assert main(["simulate", "--registry", str(bidders)]) == 2  # a bidder list holds no date of its own
    assert "(--start on the command line)" in capsys.readouterr().err


def test_from_a_bidder_list_read_by_icoc_bidders(tmp_path: Path) -> None:
    import csv

    from icoc.bidders import COLUMNS, bidder_rows
    from icoc.simulation import registry_source

    doc = load_sample()
    path = tmp_path / "bidders.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([c.header for c in COLUMNS])
        out.writerows([[row.get(c.key, "") for c in COLUMNS] for row in bidder_rows(doc)])
    with pytest.raises(InvalidInput, match="needs the date"):
        registry_source(path)
    source = registry_source(path, doc.as_of)
    result = run(Scenario.from_registry(source, years=1), 4)
    with Registry.from_history(result.history) as again:
        assert {s: again.state_of(s) for s in again.subjects()} == dict(result.final)
    listed = {c.id for c in source.companies}
    assert {c for c in result.initial if c in listed} and set(result.initial) <= listed


@settings(max_examples=4, deadline=None)
@given(st.dates(date(2019, 1, 1), date(2026, 6, 30)), st.integers(0, 2**16))
def test_any_start_and_seed_replays_to_the_reported_state(start: date, seed: int) -> None:
    result = run(_from_sample(start, years=1), seed)
    with Registry.from_history(result.history) as again:
        assert {s: again.state_of(s) for s in again.subjects()} == dict(result.final)


def test_yaml_scenario_with_schedules_round_trips(tmp_path: Path) -> None:
    from icoc.simulation import dump_scenario

    scenario = Scenario().scheduled("complaints.non_member_rate", {2022: 1.0, 2025: 4.0})
    dump_scenario(scenario, tmp_path / "s.yaml")
    assert load_scenario(tmp_path / "s.yaml") == scenario


def test_a_sweep_finds_the_grid_value_closest_to_the_table() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from icoc.simulation import CalibrationTable, Observed, sweep

    table = CalibrationTable(
        title="made up",
        figures=(Observed(figure="complaints", values={2022: 10.0, 2023: 10.0}, sources={2022: "x", 2023: "x"}),),
    )
    base = Scenario(start=date(2022, 1, 1), years=2, population=Population(companies=5, csos=0, governments=0))
    with ThreadPoolExecutor(max_workers=2) as pool:
        grid = sweep(base, {"complaints.non_member_rate": [0.0, 10.0, 40.0]}, seeds=3, executor=pool, progress=False)
    labels, best = grid.best(table)
    assert labels == {"complaints.non_member_rate": "10.0"}
    assert best.total == min(cal.total for _, cal in grid.scores(table))


# --- a researcher's what-ifs on scheduled numbers ----------------------------------------------------


def test_updated_replaces_a_scheduled_number_instead_of_being_overridden_by_its_schedule() -> None:
    scheduled = Scenario().scheduled("board.termination_probability", {2020: 0.25, 2023: 0.02})
    fixed = scheduled.updated("board.termination_probability", 0.9)
    assert "board.termination_probability" not in fixed.schedules
    assert {fixed.in_year(y).board.termination_probability for y in (2019, 2023, 2030)} == {0.9}
    # A whole part replaced drops the schedules under it; other schedules stay.
    both = scheduled.scheduled("complaints.non_member_rate", {2020: 1.0, 2024: 5.0})
    reset = both.updated("board", Board())
    assert set(reset.schedules) == {"complaints.non_member_rate"}
    assert reset.in_year(2024).board.termination_probability == Board().termination_probability
    # A Schedule as the value schedules the number (what a sweep's grid passes).
    again = fixed.updated("board.termination_probability", Schedule({2021: 0.4, 2022: 0.1}))
    assert again.in_year(2022).board.termination_probability == 0.1


def test_a_sweep_over_a_scheduled_number_varies_it() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from icoc.simulation import sweep

    base = Scenario(
        start=date(2022, 1, 1), years=2, population=Population(companies=5, csos=0, governments=0)
    ).scheduled("complaints.non_member_rate", {2022: 1.0, 2023: 2.0})
    with ThreadPoolExecutor(max_workers=2) as pool:
        grid = sweep(base, {"complaints.non_member_rate": [0.0, 40.0]}, seeds=2, executor=pool, progress=False)
    complaints = grid.frame().groupby("complaints.non_member_rate")["complaints_received"].mean()
    assert complaints["0.0"] < complaints["40.0"]


def test_scheduled_from_changes_a_number_from_a_year_on_and_keeps_the_years_before() -> None:
    base = Scenario(start=date(2018, 1, 1), years=8)
    fixed = base.scheduled_from("board.termination_probability", 2022, 0.5)
    before = base.board.termination_probability
    assert [fixed.in_year(y).board.termination_probability for y in (2018, 2021, 2022, 2025)] == [
        before,
        before,
        0.5,
        0.5,
    ]
    dated = base.scheduled("board.termination_probability", {2018: 0.25, 2021: 0.5, 2022: 0.3, 2023: 0.02})
    later = dated.scheduled_from("board.termination_probability", 2022, 0.5)
    assert later.schedules["board.termination_probability"] == Schedule({2018: 0.25, 2021: 0.5, 2022: 0.5})
    early = dated.scheduled_from("board.termination_probability", 2010, 0.7)
    assert [early.in_year(y).board.termination_probability for y in (2009, 2010, 2025)] == [0.25, 0.7, 0.7]
    with pytest.raises(InvalidInput, match="no such field"):
        base.scheduled_from("board.nope", 2022, 0.5)
    with pytest.raises(InvalidInput, match="expected a year"):
        base.scheduled_from("board.termination_probability", 22, 0.5)
    with pytest.raises(InvalidInput, match=r"probabilit|between 0 and 1"):
        base.scheduled_from("board.termination_probability", 2022, 1.5)


def test_from_registry_refuses_a_start_after_the_documents_date() -> None:
    sample = load_sample()
    with pytest.raises(InvalidInput, match=r"after the registry's date \(2026-06-30\)"):
        Scenario.from_registry(sample, start=date(2030, 1, 1))
    assert Scenario.from_registry(sample, start=sample.as_of).start == sample.as_of


def test_the_calibration_plot_spans_the_tables_years(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from icoc.simulation import CalibrationTable, Observed

    table = CalibrationTable(
        title="one year", figures=(Observed(figure="complaints", values={2022: 3.0}, sources={2022: "x"}),)
    )
    cal = score([run(Scenario(start=date(2022, 1, 1), years=1, population=Population(companies=3)), seed=0)], table)
    fig = cal.plot(tmp_path / "cal.png")
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [2022] and ax.get_xlim() == (2021.5, 2022.5)
    assert (tmp_path / "cal.png").exists()


def test_a_rate_absent_from_its_mapping_can_be_scheduled_updated_and_swept(tmp_path: Path) -> None:
    # Default termination_rates and arrivals are empty: absent means 0, so a researcher can
    # still give non-payment terminations or arrivals a schedule, or sweep them.
    dues = Scenario().scheduled("board.termination_rates.non_payment_of_dues", {2022: 0.0, 2024: 0.05})
    assert dues.in_year(2023).board.termination_rates == {"non_payment_of_dues": 0.0}
    assert dues.in_year(2024).board.termination_rates == {"non_payment_of_dues": 0.05}
    assert Scenario().updated("population.arrivals.member", 3).population.arrivals == {"member": 3}
    later = Scenario().scheduled_from("population.arrivals.affiliate", 2024, 2)
    assert [later.in_year(y).population.arrivals["affiliate"] for y in (2022, 2024)] == [0, 2]
    with pytest.raises(InvalidInput, match=r"schedules\.board\.termination_rates\.nonpay: unknown key 'nonpay'"):
        Scenario().scheduled("board.termination_rates.nonpay", {2022: 0.1})
    with pytest.raises(InvalidInput, match="no such field"):
        Scenario().updated("population.regions.mars", 1.0)  # only mappings of rates gain keys
    (tmp_path / "s.yaml").write_text(
        'schedules:\n  board.termination_rates.non_payment_of_dues: {"2022": 0, "2024": 0.05}\n', encoding="utf-8"
    )
    assert load_scenario(tmp_path / "s.yaml") == dues
    (tmp_path / "bad.yaml").write_text('schedules:\n  board.nope: {"2022": 1}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.yaml:\$\.schedules\.board\.nope: no such field"):
        load_scenario(tmp_path / "bad.yaml")


@pytest.mark.parametrize(
    "argv, line",
    [
        (["--years", "0"], "icoc: error: --years: 0 is not at least 1\n"),
        (["--companies", "-5"], "icoc: error: --companies: expected a whole number of at least 0, got -5\n"),
    ],
)
def test_cli_simulate_out_of_range_options_name_the_option(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from icoc.cli import main

    assert main(["simulate", *argv]) == 2
    assert capsys.readouterr().err == line


def test_a_scenario_file_over_an_empty_registry_names_its_registry_key(tmp_path: Path) -> None:
    """The problem of an empty registry is the scenario file's ``registry``, not a ``source``
    key the file does not have."""
    (tmp_path / "empty.json").write_text('{"events": []}')
    for registry in ("empty.json", {"events": []}):
        with pytest.raises(InvalidInput) as caught:
            scenario_from_data({"registry": registry}, where=tmp_path)
        assert [p.path for p in caught.value.problems] == ["$.registry"], caught.value
    (tmp_path / "s.yaml").write_text("registry: empty.json\nstart: 2020-01-01\n")
    with pytest.raises(InvalidInput, match=r"s\.yaml:\$\.registry: the registry has no events"):
        load_scenario(tmp_path / "s.yaml")


def test_cli_names_an_empty_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from icoc.cli import main

    (tmp_path / "empty.json").write_text('{"events": []}')
    assert main(["simulate", "--registry", str(tmp_path / "empty.json")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'empty.json'}: the registry has no events to start from" in err and "source" not in err
