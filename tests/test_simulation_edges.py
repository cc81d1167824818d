"""Edge cases of runs (issue #18 review): the last supported year, registries with companies
certified in two scopes, calibration tables with bad tolerances."""

from __future__ import annotations

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
