"""icoc.files: a registry document or history file opened as a live registry advanced to a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import icoc.io
from icoc.errors import InvalidInput
from icoc.files import LoadedRegistry, load_registry, registry_from_data
from icoc.io import Audience
from icoc.model import RegistryDocument
from icoc.model.events import Event, History
from icoc.registry import Registry
from icoc.rules import RuleSet
from icoc.sample import load_sample


@pytest.fixture(scope="module")
def sample_events() -> tuple[RegistryDocument, tuple[Event, ...]]:
    doc = load_sample()
    with Registry.from_document(doc) as reg:
        reg.advance_to(doc.as_of)
        return doc, tuple(reg.history)


def test_a_document_opens_as_of_its_date_with_its_document(tmp_path: Path) -> None:
    doc = load_sample()
    path = tmp_path / "registry.yaml"
    icoc.io.dump(doc, path, audience=Audience.FULL)
    loaded = load_registry(path)
    assert isinstance(loaded, LoadedRegistry)
    assert loaded.document == doc and loaded.as_of == doc.as_of and loaded.registry.clock == doc.as_of
    loaded.registry.close()


def test_a_history_opens_as_of_its_last_event_or_a_later_date(
    tmp_path: Path, sample_events: tuple[RegistryDocument, tuple[Event, ...]]
) -> None:
    _, events = sample_events
    path = tmp_path / "history.json"
    icoc.io.dump(History(events=events), path, audience=Audience.FULL)
    loaded = load_registry(path)
    assert loaded.document is None and loaded.as_of == max(e.effective for e in events)
    assert len(loaded.registry.history) == len(events)
    later = load_registry(path, as_of=date(2027, 3, 1))
    assert later.as_of == later.registry.clock == date(2027, 3, 1)


def test_problems_name_the_source_and_the_path_inside_it(
    sample_events: tuple[RegistryDocument, tuple[Event, ...]],
) -> None:
    _, events = sample_events
    data = icoc.io.unstructure(History(events=events[1:]), audience=Audience.FULL)
    with pytest.raises(InvalidInput) as refused:
        registry_from_data(data, source="<stdin>")
    assert [p.path for p in refused.value.problems] == ["<stdin>:$.events[0]"]
    with pytest.raises(InvalidInput) as bad:
        registry_from_data({"as_of": "2026-06-30", "companies": [{"id": "x"}]}, source="doc.json")
    assert bad.value.problems and all(p.path.startswith("doc.json:$.companies[0].") for p in bad.value.problems)
    with pytest.raises(InvalidInput) as empty:
        registry_from_data({"events": []}, source="h.json")
    assert [p.path for p in empty.value.problems] == ["h.json"]
    assert registry_from_data({"events": []}, source="h.json", as_of=date(2020, 1, 1)).as_of == date(2020, 1, 1)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(InvalidInput) as exc:
        load_registry(missing)
    assert exc.value.problems[0].path == str(missing)


def test_the_rules_given_are_the_rules_judged() -> None:
    doc = icoc.io.unstructure(load_sample(), audience=Audience.FULL)
    loaded = registry_from_data(doc, source="doc", rules=RuleSet(()))
    assert loaded.registry.rules == RuleSet(())


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (date.min, "as_of: 0001-01-01 is outside the supported dates"),
        (date.max, "as_of: 9999-12-31 is outside the supported dates"),
        ("2020-01-01", "as_of: expected a date, got '2020-01-01'"),
    ],
)
def test_an_as_of_out_of_range_or_not_a_date_is_named_as_the_argument(as_of: object, message: str) -> None:
    """``as_of`` is an argument, not a path in the file (``FILE:$.when`` named nothing there)."""
    for data in ({"events": []}, icoc.io.unstructure(load_sample(), audience=Audience.FULL)):
        with pytest.raises(InvalidInput) as caught:
            registry_from_data(data, source="h.json", as_of=as_of)  # type: ignore[arg-type]
        assert str(caught.value).startswith(message), str(caught.value)


@pytest.mark.parametrize("name", ["bidders.csv", "bidders.XLSX"])
def test_a_bidder_list_is_named_as_such(tmp_path: Path, name: str) -> None:
    """It was read as JSON ("not valid JSON" / "not UTF-8 text"), which says nothing useful."""
    path = tmp_path / name
    path.write_bytes(b"id,company\nacme,Acme\n")
    with pytest.raises(InvalidInput, match=r"a bidder list \(CSV, XLSX\) is not a registry file.*read_bidders"):
        load_registry(path)
