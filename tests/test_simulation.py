"""icoc.simulation: reproducible runs on the real registry and rule set, their invariants, tables,
scenario files, sweeps (process pool and Dask), plots and the ``icoc simulate`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import attrs
import pytest

import icoc.io
from icoc.cli import main
from icoc.errors import InvalidInput, RuleError
from icoc.model.events import Event, Ground
from icoc.registry import Registry
from icoc.rules import DEFAULT_RULES, Duration
from icoc.simulation import (
    Board,
    Cases,
    Certification,
    Complaints,
    Delay,
    Findings,
    Population,
    RegionProfile,
    Scenario,
    SelfAssessments,
    SimulationResult,
    dump_scenario,
    load_scenario,
    run,
    scenario_from_data,
    scenario_to_data,
    sweep,
)

SMALL = Scenario(name="small", years=4, population=Population(companies=30, csos=3, governments=2))

STRESSED = Scenario(
    name="stressed",
    start=date(2016, 3, 1),  # before the 2017 transitional regime and the current one
    years=9,
    population=Population(companies=45, initial_share=0.8, affiliate_share=0.2, csos=2, governments=1),
    self_assessments=SelfAssessments(submit_probability=0.8, late_share=0.4, satisfactory_probability=0.6),
    certification=Certification(
        grant_probability=0.6, renewal_probability=0.5, recertify_probability=0.7, validity_years=2
    ),
    findings=Findings(rates={"remote_monitoring": 0.8, "field_based_review": 0.3, "member_request": 0.1}),
    complaints=Complaints(rates={"alleged_harm": 0.4, "credible_evidence": 0.3, "grievance_mechanism_inadequate": 0.2}),
    cases=Cases(
        referral_probability={"low": 0.5, "medium": 0.7, "high": 0.9, "critical": 1.0},
        corrective_action_days=90,
        corrective_action_probability=0.5,
    ),
    board=Board(
        termination_probability=0.5,
        reinstatement_probability=0.7,
        withdrawal_rate=0.05,
        rejoin_probability=0.5,
        swiss_rejoin_probability=0.5,
    ),
)
"""High rates everywhere, so every path of every process gets walked."""

_ACTIVE = {"member", "transitional_member", "affiliate", "certified_member", "suspended"}
_REENTRY = {"application_submitted", "due_diligence_started", "admitted"}


def check_invariants(result: SimulationResult) -> Registry:
    """What every simulated history must satisfy; returns the registry rebuilt from it."""
    s = result.scenario
    history = result.history
    # Every event is legal where it stands: the history replays with every guard checked ...
    rebuilt = Registry.from_history(history, rules=s.rules, parameters=s.parameters)
    # ... to the same state the run ended in, and with no rule left undone up to the horizon.
    assert {subject: rebuilt.state_of(subject) for subject in rebuilt.subjects()} == dict(result.final)
    assert rebuilt.advance_to(s.end) == []
    # Time only moves forward, within the horizon.
    last: dict[str, date] = {}
    for e in history:
        assert s.start <= e.effective <= s.end
        assert e.effective >= last.get(e.subject, e.effective), e
        last[e.subject] = e.effective
    # Rules cite themselves; everything else names its actor.
    for e in history:
        if e.cause.rule is not None:
            assert e.cause.citation, e
            assert e.cause.due is not None and e.cause.process and e.cause.instance, e
        else:
            assert e.cause.actor, e
    # Nobody acts for a company that left, except to readmit it (rules may still fire for it).
    companies = {c.id for c in result.companies}
    gone: set[str] = set()
    for e in history:
        if e.subject not in companies:
            continue
        if e.TYPE in ("terminated", "withdrew"):
            gone.add(e.subject)
        elif e.TYPE == "admitted":
            gone.discard(e.subject)
        elif e.subject in gone and e.cause.rule is None:
            assert e.TYPE in _REENTRY or e.TYPE == "certification_withdrawn", e
    # The year-end states the run recorded are the registry's replayed states on those dates.
    for st in result.states:
        on = min(date(st.year, 12, 31), s.end)
        assert rebuilt.state_of(st.company, as_of=on) == st.status, st
    # Composition adds up: every active company is in exactly one status column.
    for row in result.yearly_rows():
        r = dict(
            zip(("seed", "year", "active", "certified", "uncertified", "affiliates", "suspended"), row[:7], strict=True)
        )
        assert r["certified"] + r["uncertified"] + r["affiliates"] + r["suspended"] == r["active"]
    return rebuilt


# --- reproducibility -----------------------------------------------------------------------------------


def _simulate_csv(tmp: Path, name: str, seed: int) -> bytes:
    out = tmp / f"{name}.csv"
    argv = ["--companies", "25", "--years", "4", "--seed", str(seed), "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "icoc.cli", "simulate", *argv], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_same_seed_gives_byte_identical_csv_in_separate_processes_and_different_seeds_differ(tmp_path: Path) -> None:
    first = _simulate_csv(tmp_path, "a", 7)
    second = _simulate_csv(tmp_path, "b", 7)
    assert first == second
    assert len(first) > 10_000
    other = _simulate_csv(tmp_path, "c", 8)
    assert other != first
    meta = json.loads((tmp_path / "a.meta.json").read_text())
    assert meta["seed"] == 7 and meta["scenario"]["population"]["companies"] == 25
    assert scenario_from_data(meta["scenario"]) == Scenario(years=4, population=Population(companies=25))


def test_a_run_is_a_pure_function_of_scenario_and_seed() -> None:
    a, b = run(SMALL, seed=3), run(SMALL, seed=3)
    assert a.history == b.history and a.states == b.states and a.summary() == b.summary()
    c = run(SMALL, seed=4)
    assert c.history != a.history
    # The population is drawn first, so variants compared on one seed share it.
    variant = run(SMALL.updated("complaints.rates.alleged_harm", 1.0), seed=3)
    assert variant.companies == a.companies
    assert variant.history != a.history


def test_seeds_must_be_integers() -> None:
    with pytest.raises(InvalidInput, match="seed"):
        run(SMALL, seed="1")  # type: ignore[arg-type]


# --- invariants ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scenario", "seed"), [(SMALL, 0), (SMALL, 11), (STRESSED, 1), (STRESSED, 2)])
def test_every_simulated_history_satisfies_the_workflow_invariants(scenario: Scenario, seed: int) -> None:
    check_invariants(run(scenario, seed))


def test_the_stressed_scenario_walks_every_process() -> None:
    seen: Counter[str] = Counter()
    for seed in (1, 2):
        seen.update(e.TYPE for e in run(STRESSED, seed).history)
    expected = {
        "moved_to_transitional",
        "moved_to_affiliate",
        "self_assessment_missed",
        "termination_proposed",
        "terminated",
        "withdrew",
        "suspended",
        "reinstated",
        "swiss_rejoin_window_closed",
        "icoca_certification_granted",
        "icoca_application_refused",
        "certification_renewed",
        "certification_expired",
        "dialogue_opened",
        "referred_to_board",
        "corrective_action_recommended",
        "corrective_action_verified",
        "suspension_proceedings_opened",
        "complaint_remedied",
        "complaint_unresolved",
        "complaint_closed",
    }
    assert expected <= set(seen), sorted(expected - set(seen))
    rules = {e.cause.rule for e in run(STRESSED, 1).history if e.cause.rule}
    assert {"ART12.CSA_MISSED", "ART12.CAP_DEADLINE", "ART11.CERT_EXPIRY"} <= rules


# --- real machinery: rules and parameters decide ------------------------------------------------------


def test_a_rule_change_changes_the_run() -> None:
    base = Scenario(years=6, population=Population(companies=40, initial_share=1.0, affiliate_share=0.0))
    default = run(base, seed=5)
    assert any(e.cause.rule == "ART3.CERT_DEADLINE.AFFILIATE" for e in default.history)
    no_affiliates = run(
        attrs.evolve(
            base, rules=DEFAULT_RULES.without("ART3.CERT_DEADLINE.AFFILIATE", "ART11.RECERTIFICATION.AFFILIATE")
        ),
        seed=5,
    )
    assert not any(e.TYPE == "moved_to_affiliate" for e in no_affiliates.history)
    assert no_affiliates.summary()["termination_proposals"] > default.summary()["termination_proposals"]
    check_invariants(no_affiliates)


def test_a_parameter_change_changes_the_run() -> None:
    base = attrs.evolve(STRESSED, years=5)
    strict = base.updated("parameters.self_assessment.grace", Duration(days=0))
    lenient = base.updated("parameters.self_assessment.grace", Duration(days=200))
    a, b = run(strict, seed=4), run(lenient, seed=4)
    assert a.summary()["termination_proposals"] > b.summary()["termination_proposals"]
    grace = {
        f.value
        for e in a.history
        if e.cause.rule == "ART12.CSA_MISSED.TERMINATION"
        for f in e.cause.facts
        if f.name == "param self_assessment.grace"
    }
    assert grace == {"0 days"}


def test_backends_agree_on_a_simulated_history() -> None:
    native = run(SMALL, seed=2)
    try:
        import durable.engine
    except Exception:  # durable-rules does not import on Python 3.13+: the backend says so, by name
        with pytest.raises(RuleError, match="durable"):
            run(SMALL, seed=2, backend="durable")
        return
    durable = run(SMALL, seed=2, backend="durable")
    assert durable.backend == "durable" and durable.scenario.backend == "durable"
    assert durable.history == native.history


def test_the_backend_is_the_one_the_scenario_names(monkeypatch: pytest.MonkeyPatch) -> None:
    import icoc.registry._registry

    chosen: list[object] = []
    real = icoc.registry._registry._backend

    def spy(backend: object, rules: object) -> object:
        chosen.append(backend)
        return real("native", rules)  # type: ignore[arg-type]

    monkeypatch.setattr(icoc.registry._registry, "_backend", spy)
    short = attrs.evolve(SMALL, years=1)
    run(attrs.evolve(short, backend="durable"), seed=0)
    run(short, seed=0, backend="durable")
    run(short, seed=0)
    assert chosen == ["durable", "durable", "native"]
    with pytest.raises(InvalidInput, match="unknown rules backend"):
        SMALL.updated("backend", "prolog")


# --- tables -------------------------------------------------------------------------------------------


def test_tidy_tables() -> None:
    import pandas as pd

    result = run(SMALL, seed=1)
    events = result.events_frame()
    assert len(events) == len(result.history)
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert (events["seed"] == 1).all()
    cases = events[events["event"] == "case_opened"]
    assert cases["company"].str.startswith("psc-").all() and cases["source"].notna().all()
    derived = events[events["rule"].notna()]
    assert derived["actor"].isna().all()
    # Grounds are public: every termination and proposal has one, so by-ground tables can be made.
    ending = events[events["event"].isin(["terminated", "termination_proposed"])]
    assert len(ending) and ending["ground"].isin([g.value for g in Ground]).all()
    assert (
        events[~events["event"].isin(["terminated", "termination_proposed", "suspended", "withdrew"])]["ground"]
        .isna()
        .all()
    )

    years = result.company_years_frame()
    assert set(years["year"]) <= set(range(2022, 2026))
    assert not years.duplicated(["company", "year"]).any()
    assert years["status"].isin(_ACTIVE | {"terminated", "withdrawn"}).all()
    assert years["cases_opened"].sum() <= (events["event"] == "case_opened").sum()

    yearly = result.yearly_frame()
    assert list(yearly["year"]) == [2022, 2023, 2024, 2025]
    assert yearly["admissions"].sum() == (events["event"] == "admitted").sum()

    summary = result.summary_frame()
    assert len(summary) == 1
    row = summary.iloc[0]
    for rate in ("certification_rate", "suspension_rate", "termination_rate", "complaints_resolved_share"):
        assert 0 <= row[rate] <= 1
    assert row["companies"] == 30 and row["seed"] == 1
    assert row["time_to_certification_days"] > 0
    companies = result.table("companies")
    assert len(companies) == 30 and set(companies["size"]) <= {"small", "medium", "large"}
    with pytest.raises(InvalidInput, match="unknown table"):
        result.table("nope")


def test_parquet_carries_seed_and_scenario(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = run(SMALL, seed=9)
    meta_file = result.write(tmp_path / "run.parquet", "company-years")
    assert meta_file == tmp_path / "run.meta.json"
    table = pq.read_table(tmp_path / "run.parquet")
    meta = json.loads(table.schema.metadata[b"icoc.simulation"])
    assert meta["seed"] == 9 and meta["table"] == "company-years" and meta["scenario"]["name"] == "small"
    assert table.num_rows == len(result.company_year_rows())
    with pytest.raises(InvalidInput, match=r"\.csv or \.parquet"):
        result.write(tmp_path / "run.xlsx")


def test_history_round_trips_through_icoc_io() -> None:
    result = run(attrs.evolve(SMALL, years=2), seed=1)
    document = result.history_document()
    again = icoc.io.loads(icoc.io.dumps(document, audience=icoc.io.Audience.FULL), type(document))
    assert again.events == result.history


# --- scenarios ------------------------------------------------------------------------------------------


def test_scenario_round_trips_through_json_and_yaml(tmp_path: Path) -> None:
    changed = (
        STRESSED.updated("rules", DEFAULT_RULES.without("CH.PSSA_REJOIN_WINDOW"))
        .updated("parameters.suspension.period", Duration(months=3))
        .with_parameter("certification.calendar_years", 2, date(2020, 1, 1))
    )
    for name in ("s.json", "s.yaml"):
        dump_scenario(changed, tmp_path / name)
        assert load_scenario(tmp_path / name) == changed
    data = scenario_to_data(changed)
    assert data["parameters"]["suspension.period"] == "3 months"
    assert data["parameters"]["certification.calendar_years"] == {"0001-01-01": 3, "2020-01-01": 2}
    assert scenario_to_data(Scenario())["rules"] == "default" and scenario_to_data(Scenario())["parameters"] == {}


def test_a_scenario_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("remove: [CH.PSSA_REJOIN_WINDOW]\n")
    path = tmp_path / "what-if.yaml"
    path.write_text(
        """
name: complaints rise in Africa
years: 3
population:
  companies: 20
  regions:
    africa: {complaints: 3.0}
    asia_pacific: null
parameters:
  corrective_action.grace: 30 days
  certification.calendar_years: {"2024-01-01": 2}
rules: rules.yaml
"""
    )
    s = load_scenario(path)
    default = Scenario()
    assert s.name == "complaints rise in Africa" and s.years == 3 and s.population.companies == 20
    assert s.population.regions["africa"] == attrs.evolve(default.population.regions["africa"], complaints=3.0)
    assert "asia_pacific" not in s.population.regions
    assert s.population.regions["europe"] == default.population.regions["europe"]
    assert s.parameters.value("corrective_action.grace", date(2025, 1, 1)) == Duration(days=30)
    assert s.parameters.value("certification.calendar_years", date(2023, 12, 31)) == 3
    assert s.parameters.value("certification.calendar_years", date(2024, 1, 1)) == 2
    assert "CH.PSSA_REJOIN_WINDOW" not in s.rules.ids
    check_invariants(run(s, seed=1))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("population: {companies: -3}\n", "$.population.companies"),
        ("population: {regions: {africa: {countries: [kenya]}}}\n", "$.population.regions['africa'].countries[0]"),
        ("cases: {referral_probability: {low: 1.5}}\n", "$.cases.referral_probability.low"),
        ("board: {decision_delay: {min_days: 10, mean_days: 5}}\n", "$.board.decision_delay.mean_days"),
        ("horizon: 3\n", "$.horizon"),
        ("parameters: {suspension.period: soon}\n", "$.parameters.suspension.period"),
        ("parameters: {no.such: 1}\n", "$.parameters.no.such"),
        ("start: 2022-13-01\n", "not valid YAML"),
        ("- a list\n", "$"),
        ("backend: prolog\n", "$.backend"),
        ("certification: {validity_years: 8000}\n", "$.certification.validity_years"),
        ("cases: {corrective_action_days: 100000000}\n", "$.cases.corrective_action_days"),
    ],
)
def test_a_malformed_scenario_file_is_invalid_input_naming_the_path(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message and where in message, message


def test_updated_paths() -> None:
    s = Scenario().updated("population.regions.africa.complaints", 2.5).updated("cases.corrective_action_days", 60)
    assert s.population.regions["africa"].complaints == 2.5 and s.cases.corrective_action_days == 60
    assert s.updated("parameters.suspension.period", Duration(days=90)).parameters.value(
        "suspension.period", date(2030, 1, 1)
    ) == Duration(days=90)
    for bad in ("population.nope", "nope", "population.regions.mars.complaints"):
        with pytest.raises(InvalidInput, match="no such field"):
            s.updated(bad, 1)
    with pytest.raises(InvalidInput, match="unknown parameter"):
        s.updated("parameters.no.such", 1)
    with pytest.raises(InvalidInput, match="probability"):
        s.updated("board.termination_probability", 1.5)


def test_delays_and_profiles_validate() -> None:
    import random

    rng = random.Random(0)
    d = Delay(min_days=10, mean_days=40)
    draws = [d.draw(rng).days for _ in range(4000)]
    assert min(draws) >= 10 and 36 < sum(draws) / len(draws) < 44
    assert {Delay(min_days=5, mean_days=5).draw(rng).days for _ in range(10)} == {5}
    assert max(Delay(mean_days=100, max_days=20).draw(rng).days for _ in range(200)) == 20
    with pytest.raises(InvalidInput, match="countries"):
        RegionProfile(weight=1.0, countries=())
    with pytest.raises(InvalidInput, match="weight"):
        Population(sizes={"small": attrs.evolve(Population().sizes["small"], weight=0.0)})


# --- sweeps -----------------------------------------------------------------------------------------------

TINY = Scenario(name="tiny", years=3, population=Population(companies=15, csos=1, governments=1))
GRID = {
    "rules": {"default": DEFAULT_RULES, "no-affiliates": DEFAULT_RULES.without("ART3.CERT_DEADLINE.AFFILIATE")},
    "parameters.suspension.period": [Duration(months=6), Duration(months=2)],
}


def _expected(seeds: list[int]) -> list[tuple[str, str, int, dict[str, object]]]:
    out = []
    for label, rules in GRID["rules"].items():  # type: ignore[union-attr]
        for period in GRID["parameters.suspension.period"]:  # type: ignore[union-attr]
            variant = TINY.updated("rules", rules).updated("parameters.suspension.period", period)
            for seed in seeds:
                out.append((label, str(period), seed, run(variant, seed).summary()))
    return out


def test_sweep_on_the_default_process_pool_matches_single_runs_in_grid_order() -> None:
    result = sweep(TINY, GRID, seeds=[3, 4], progress=False)
    got = [(r.labels[0], r.labels[1], r.seed, dict(r.summary)) for r in result.records]
    assert got == _expected([3, 4])
    frame = result.frame()
    assert list(frame.columns[:3]) == ["rules", "parameters.suspension.period", "seed"]
    assert len(frame) == 8 and set(frame["rules"]) == {"default", "no-affiliates"}
    assert set(frame["parameters.suspension.period"]) == {"6 months", "2 months"}
    yearly = result.yearly_frame()
    assert len(yearly) == 8 * 3
    assert result.metadata()["seeds"] == [3, 4]
    assert result.metadata()["grid"]["rules"] == ["default", "no-affiliates"]


def test_sweep_on_a_dask_local_cluster_with_a_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        result = sweep(TINY, GRID, seeds=[3], executor=client.get_executor(), progress=True)
    got = [(r.labels[0], r.labels[1], r.seed, dict(r.summary)) for r in result.records]
    assert got == _expected([3])
    assert "sweep: 4 runs" in capsys.readouterr().err


def test_sweep_refuses_bad_grids() -> None:
    with pytest.raises(InvalidInput, match="no such field"):
        sweep(TINY, {"population.nope": [1]}, seeds=1, executor=_Serial())
    with pytest.raises(InvalidInput, match="no values"):
        sweep(TINY, {"years": []}, seeds=1, executor=_Serial())
    with pytest.raises(InvalidInput, match="seeds"):
        sweep(TINY, {"years": [1]}, seeds=[], executor=_Serial())


class _Serial:
    """The smallest Executor: runs each task when submitted."""

    def submit(self, fn, *args):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future

        f: Future[object] = Future()
        f.set_result(fn(*args))
        return f


# --- plots ---------------------------------------------------------------------------------------------------


def test_plots_are_written(tmp_path: Path) -> None:
    result = run(SMALL, seed=1)
    fig = result.plot(tmp_path / "run.png")
    assert (tmp_path / "run.png").read_bytes()[:4] == b"\x89PNG"
    assert len(fig.axes) == 3
    swept = sweep(TINY, {"years": [2, 3]}, seeds=2, executor=_Serial())  # type: ignore[arg-type]
    swept.plot("certified_share", path=tmp_path / "sweep.png")
    assert (tmp_path / "sweep.png").stat().st_size > 1000
    with pytest.raises(InvalidInput, match="unknown yearly series"):
        swept.plot("nope")


# --- command line ---------------------------------------------------------------------------------------------


def test_simulate_prints_a_summary_and_writes_tables_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, plot = tmp_path / "years.csv", tmp_path / "series.png"
    argv = ["simulate", "--companies", "20", "--years", "3", "--seed", "4", "--table", "company-years"]
    assert main([*argv, "--out", str(out), "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "20 companies over 3 years" in text and "seed 4" in text and "complaints" in text
    assert out.read_text().startswith("seed,company,year,size,region")
    assert plot.exists() and (tmp_path / "years.meta.json").exists()


def test_the_cli_offers_every_table() -> None:
    from icoc.cli._simulate import _SIMULATION_TABLES
    from icoc.simulation import TABLES

    assert _SIMULATION_TABLES == TABLES


def test_simulate_prints_its_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--companies", "12", "--print-scenario"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert scenario_from_data(data) == Scenario().updated("population.companies", 12)


@pytest.mark.parametrize(
    "argv",
    [
        ["--scenario", "{bad}"],
        ["--companies", "-1"],
        ["--years", "0"],
        ["--out", "results.xlsx"],
        ["--plot", "series.gif"],
    ],
)
def test_simulate_bad_input_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    if argv[0] == "--scenario":
        bad = tmp_path / "bad.json"
        bad.write_text('{"population": {"companies": "many"}}')
        argv = ["--scenario", str(bad)]
    assert main(["simulate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: ") and err.count("\n") == 1
    if argv[0] == "--scenario":
        assert f"{bad}:$.population.companies" in err


def test_a_certificate_valid_for_millennia_is_refused_at_load_not_mid_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        "years: 2\npopulation: {companies: 5, csos: 1, governments: 1}\ncertification: {validity_years: 8000}\n"
    )
    assert main(["simulate", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icoc: error: ") and err.count("\n") == 1
    assert f"{path}:$.certification.validity_years" in err and "at most 100" in err


def test_demo_ends_with_a_simulation_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    tail = capsys.readouterr().out.rstrip().splitlines()[-5:]
    assert tail[0].startswith("Simulation")
    assert "40 companies over 5 years" in tail[1] and "seed 1" in tail[1]


def test_importing_the_simulation_stays_light() -> None:
    code = "import json, sys; import icoc.simulation; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = {m.split(".")[0] for m in json.loads(done.stdout)}
    assert not loaded & {"pandas", "matplotlib", "dask", "distributed", "pyarrow", "numpy"}


def _by_type(history: tuple[Event, ...]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for e in history:
        out[e.TYPE].append(e)
    return out


def test_self_assessments_follow_the_dated_parameters() -> None:
    s = attrs.evolve(SMALL, years=3).updated("parameters.self_assessment.due", "10-15")
    events = _by_type(run(s, seed=2).history)
    assert {(e.effective.month, e.effective.day) for e in events["self_assessment_sent"]} == {(7, 1)}
    assert {(e.due.month, e.due.day) for e in events["self_assessment_sent"]} == {(10, 15)}  # type: ignore[attr-defined]
    for missed in events["self_assessment_missed"]:
        assert (missed.effective.month, missed.effective.day) == (10, 16)
