"""The input contract under fuzzing: every file kind icoc reads, mutated 300 ways, is read into a
valid value or refused with InvalidInput naming the file; the CLI exits 0 or 2 with one
``icoc: error:`` line per problem, never a traceback. ``scripts/fuzz_inputs.py`` runs 10x more."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_kinds import KINDS, attempt, mutated

EXAMPLES = 300


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_valid_example_is_accepted(name: str, tmp_path: Path) -> None:
    import json

    kind = KINDS[name]
    assert attempt(kind, ".json", json.dumps(kind.example()), tmp_path, cli=True) == "accepted"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_mutated_inputs_keep_the_contract(name: str) -> None:
    kind = KINDS[name]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        suffix, text = data.draw(mutated(kind))
        with tempfile.TemporaryDirectory() as d:
            attempt(kind, suffix, text, Path(d), cli=data.draw(st.integers(0, 9)) == 0)

    check()
