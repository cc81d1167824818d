"""icoc.io: every model value survives JSON (and files, JSON or YAML) unchanged when exported for
the full audience; malformed input fails with InvalidInput naming each problem's path; the JSON
Schema describes what dumps writes. (Redacted exports are tested in test_confidentiality.)"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc.model
import icoc.testing as t
from icoc import io
from icoc.errors import InvalidInput
from icoc.model import Company, Payment, RegistryDocument

# --- round trips --------------------------------------------------------------------------------


@settings(max_examples=30)
@given(data=st.data())
def test_every_public_model_type_survives_a_json_round_trip(model_class: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(model_class))
    assert io.loads(io.dumps(value, audience=io.Audience.FULL), type(value)) == value


@settings(max_examples=25)
@given(t.registries(max_companies=8))
def test_registries_survive_a_json_round_trip_and_dump_to_the_same_text(doc: RegistryDocument) -> None:
    text = io.dumps(doc, indent=None, audience=io.Audience.FULL)
    again = io.loads(text, RegistryDocument)
    assert again == doc
    assert io.dumps(again, indent=None, audience=io.Audience.FULL) == text


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
@settings(max_examples=5)
@given(doc=t.registries(max_companies=3))
def test_registries_survive_a_file_round_trip(suffix: str, doc: RegistryDocument) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"registry{suffix}"
        io.dump(doc, path, audience=io.Audience.FULL)
        assert io.load(path, RegistryDocument) == doc
        assert [p.name for p in Path(tmp).iterdir()] == [path.name]  # written atomically, no leftovers
        text = path.read_text(encoding="utf-8")
        parsed = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        assert parsed == io.unstructure(doc, audience=io.Audience.FULL)


def test_a_yaml_file_is_yaml_not_json(tmp_path: Path) -> None:
    doc = RegistryDocument(as_of=date(2024, 6, 30))
    io.dump(doc, tmp_path / "r.yaml", audience=io.Audience.FULL)
    text = (tmp_path / "r.yaml").read_text(encoding="utf-8")
    assert text.startswith("as_of:")
    assert io.load(tmp_path / "r.yaml", RegistryDocument) == doc


def test_a_missing_file_raises_invalid_input_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(InvalidInput) as err:
        io.load(missing, RegistryDocument)
    assert [p.path for p in err.value.problems] == [str(missing)]
    assert "cannot read file" in str(err.value)


@pytest.mark.parametrize(
    ("name", "text", "path"),
    [
        ("bad.json", '{"as_of": "2020-13-01"}', "$.as_of"),
        ("bad.yaml", "as_of: '2020-02-30'\n", "$.as_of"),
        ("bad.json", '{"as_of": ', "$"),
        ("bad.yaml", "as_of: [\n", "$"),
        ("bad.yaml", "as_of: 2020-13-01\n", "$"),  # PyYAML itself refuses the date it recognised
    ],
)
def test_a_malformed_file_names_the_file_and_the_path(tmp_path: Path, name: str, text: str, path: str) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        io.load(file, RegistryDocument)
    assert [p.path for p in err.value.problems] == [f"{file}:{path}"]


# --- malformed documents ------------------------------------------------------------------------


def valid_doc() -> dict[str, Any]:
    """A small document that loads; each malformed case below breaks exactly one thing in it."""
    return {
        "as_of": "2024-06-30",
        "companies": [
            {
                "id": "acme",
                "name": "Acme Guarding",
                "country": "GB",
                "joined": "2020-03-01",
                "status": "member",
                "status_since": "2020-03-01",
            }
        ],
        "certification_bodies": [
            {"id": "cb-1", "name": "Audit Ltd", "accreditation_body": "UKAS", "route": "direct_to_standard"}
        ],
        "certificates": [
            {
                "id": "cert-1",
                "company": "acme",
                "standard": "PSC.1-2012",
                "body": "cb-1",
                "issued": "2021-01-10",
                "expires": "2024-01-09",
            }
        ],
        "cases": [
            {
                "id": "case-1",
                "company": "acme",
                "opened": "2022-05-01",
                "source": "remote_monitoring",
                "category": "personnel_misconduct",
                "code_paragraphs": [30, 63],
            }
        ],
        "payments": [{"member": "acme", "kind": "joining", "year": 2020, "amount_usd": 1000, "paid": "2020-03-01"}],
    }


def test_the_base_document_loads() -> None:
    """Every malformed case below is this document with one thing broken, so it must load as is."""
    doc = io.loads(json.dumps(valid_doc()), RegistryDocument)
    assert doc.certificates[0].expires == date(2024, 1, 9)
    assert doc.cases[0].code_paragraphs == (30, 63)


def _set(*keys: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return mutate


def _delete(*keys: str | int) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]

    return mutate


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing as_of", _delete("as_of"), "$.as_of", "required field missing"),
    ("missing nested field", _delete("companies", 0, "name"), "$.companies[0].name", "required field missing"),
    ("int for text", _set("companies", 0, "name", value=5), "$.companies[0].name", "expected text"),
    ("int for an id", _set("certificates", 0, "company", value=7), "$.certificates[0].company", "expected text"),
    ("string for int", _set("payments", 0, "year", value="2020"), "$.payments[0].year", "expected an integer"),
    ("bool for int", _set("payments", 0, "amount_usd", value=True), "$.payments[0].amount_usd", "expected an integer"),
    ("string for int at top", _set("format_version", value="1"), "$.format_version", "expected an integer"),
    ("string for bool", _set("companies", 0, "swiss_pssa", value="yes"), "$.companies[0].swiss_pssa", "true or false"),
    ("float for int", _set("payments", 0, "amount_usd", value=10.5), "$.payments[0].amount_usd", "expected an integer"),
    ("unknown key", _set("colour", value="red"), "$.colour", "unknown key"),
    ("unknown nested key", _set("companies", 0, "nickname", value="A"), "$.companies[0].nickname", "unknown key"),
    ("month 13", _set("as_of", value="2020-13-01"), "$.as_of", "not a calendar date"),
    ("30 February", _set("as_of", value="2020-02-30"), "$.as_of", "not a calendar date"),
    ("date as a number", _set("as_of", value=20200101), "$.as_of", "expected an ISO date"),
    ("date not ISO", _set("companies", 0, "joined", value="01/03/2020"), "$.companies[0].joined", "ISO date"),
    ("date with a time", _set("as_of", value="2020-01-01T10:00:00"), "$.as_of", "ISO date"),
    ("unknown enum value", _set("companies", 0, "status", value="gold"), "$.companies[0].status", "expected one of"),
    ("object for a list", _set("companies", value={}), "$.companies", "expected a list"),
    ("number for an object", _set("companies", 0, value=5), "$.companies[0]", "expected an object"),
    (
        "certificate expiring before issue",
        _set("certificates", 0, "expires", value="2020-01-01"),
        "$.certificates[0].expires",
        "cannot expire before it is issued",
    ),
    (
        "certificate expiring on its issue day",
        _set("certificates", 0, "expires", value="2021-01-10"),
        "$.certificates[0].expires",
        "cannot expire before it is issued",
    ),
    (
        "Code paragraph 71",
        _set("cases", 0, "code_paragraphs", value=[71]),
        "$.cases[0].code_paragraphs[0]",
        "not a paragraph of the Code",
    ),
    (
        "Code paragraph 0 in second place",
        _set("cases", 0, "code_paragraphs", value=[30, 0]),
        "$.cases[0].code_paragraphs[1]",
        "not a paragraph of the Code",
    ),
    (
        "Code paragraphs out of order",
        _set("cases", 0, "code_paragraphs", value=[63, 30]),
        "$.cases[0].code_paragraphs",
        "ascending",
    ),
    (
        "status before joining",
        _set("companies", 0, "status_since", value="2019-01-01"),
        "$.companies[0].status_since",
        "before joined",
    ),
    (
        "certificate of an unknown company",
        _set("certificates", 0, "company", value="nobody"),
        "$.certificates[0].company",
        "no company with id 'nobody'",
    ),
    ("joined after as_of", _set("as_of", value="2020-02-01"), "$.companies[0].joined", "after the document's as_of"),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_document_raises_invalid_input_naming_the_path(
    mutate: Callable[[dict[str, Any]], None], path: str, message: str
) -> None:
    data = valid_doc()
    mutate(data)
    with pytest.raises(InvalidInput) as err:
        io.loads(json.dumps(data), RegistryDocument)
    assert path in [p.path for p in err.value.problems]
    assert message in str(err.value)
    # structure() gives the same answer from plain data.
    with pytest.raises(InvalidInput) as again:
        io.structure(data, RegistryDocument)
    assert again.value.problems == err.value.problems


def test_several_problems_are_all_listed() -> None:
    data = valid_doc()
    data["colour"] = "red"
    data["companies"][0]["name"] = 5
    data["companies"][0]["status"] = "gold"
    del data["companies"][0]["country"]
    data["certificates"][0]["expires"] = "2020-01-01"
    data["cases"][0]["code_paragraphs"] = [71]
    data["payments"][0]["amount_usd"] = True
    with pytest.raises(InvalidInput) as err:
        io.loads(json.dumps(data), RegistryDocument)
    assert sorted(p.path for p in err.value.problems) == sorted(
        [
            "$.colour",
            "$.companies[0].name",
            "$.companies[0].status",
            "$.companies[0].country",
            "$.certificates[0].expires",
            "$.cases[0].code_paragraphs[0]",
            "$.payments[0].amount_usd",
        ]
    )
    assert str(err.value).startswith("7 problems: ")


def test_several_broken_references_are_all_listed() -> None:
    data = valid_doc()
    data["certificates"][0]["company"] = "nobody"
    data["certificates"][0]["body"] = "no-body"
    data["cases"][0]["company"] = "ghost"
    data["payments"][0]["member"] = "ghost"
    with pytest.raises(InvalidInput) as err:
        io.loads(json.dumps(data), RegistryDocument)
    assert sorted(p.path for p in err.value.problems) == [
        "$.cases[0].company",
        "$.certificates[0].body",
        "$.certificates[0].company",
        "$.payments[0].member",
    ]


@pytest.mark.parametrize(
    "text", ['{"as_of": ', "", "{as_of: 1}", '{"as_of": "2024-01-01"} trailing', b"\xff\xfe{", b"\x80abc"]
)
def test_text_that_is_not_json_raises_invalid_input_at_the_root(text: str | bytes) -> None:
    with pytest.raises(InvalidInput) as err:
        io.loads(text, RegistryDocument)
    assert [p.path for p in err.value.problems] == ["$"]
    assert "not valid JSON" in str(err.value)


def test_an_unterminated_string_is_reported_once_with_its_line_and_column() -> None:
    # json's message ends "starting at"; the error must not read "starting at at line".
    with pytest.raises(InvalidInput) as err:
        io.loads('{"as_of": "2024-01-01", "companies": [{"id": "acme', RegistryDocument)
    message = err.value.problems[0].message
    assert "Unterminated string starting at line 1 column" in message and "at at" not in message


@pytest.mark.parametrize("text", ["[]", "null", '"2024-01-01"', "5"])
def test_json_that_is_not_an_object_raises_invalid_input_at_the_root(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        io.loads(text, RegistryDocument)
    assert [p.path for p in err.value.problems] == ["$"]
    assert "expected an object" in str(err.value)


WRONG_FOR_TEXT = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False), st.none(), st.lists(st.text()))


@settings(max_examples=50)
@given(WRONG_FOR_TEXT)
def test_any_non_string_in_a_text_field_is_refused_at_its_path(value: Any) -> None:
    data = valid_doc()
    data["companies"][0]["name"] = value
    with pytest.raises(InvalidInput) as err:
        io.structure(data, RegistryDocument)
    assert [p.path for p in err.value.problems] == ["$.companies[0].name"]


@settings(max_examples=50)
@given(st.one_of(st.booleans(), st.floats(), st.text(), st.none()))
def test_any_non_integer_in_an_integer_field_is_refused_at_its_path(value: Any) -> None:
    data = valid_doc()["payments"][0]
    data["year"] = value
    with pytest.raises(InvalidInput) as err:
        io.structure(data, Payment)
    assert [p.path for p in err.value.problems] == ["$.year"]


@settings(max_examples=50)
@given(st.integers(2000, 2099), st.integers(1, 99), st.integers(1, 99))
def test_a_date_string_is_accepted_exactly_when_it_is_a_calendar_date(year: int, month: int, day: int) -> None:
    data = valid_doc()["companies"][0]
    data["joined"] = data["status_since"] = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        expected: date | None = date(year, month, day)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(InvalidInput) as err:
            io.structure(data, Company)
        assert {p.path for p in err.value.problems} == {"$.joined", "$.status_since"}
    else:
        assert io.structure(data, Company).joined == expected


@settings(max_examples=15)
@given(t.registries(max_companies=3), st.text(min_size=1, max_size=10))
def test_an_unknown_key_anywhere_in_a_registry_is_refused_at_its_path(doc: RegistryDocument, key: str) -> None:
    data = io.unstructure(doc, audience=io.Audience.FULL)
    if key in data:
        key = key + "_"
    data[key] = 1
    with pytest.raises(InvalidInput) as err:
        io.structure(data, RegistryDocument)
    assert [p.path for p in err.value.problems] == [f"$.{key}"]


# --- JSON Schema --------------------------------------------------------------------------------


def conformance(schema: dict[str, Any], node: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Where ``value`` departs from ``node`` (a small subset of JSON Schema: enough for icoc's)."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    if "anyOf" in node:
        fits = [conformance(schema, option, value, path) for option in node["anyOf"]]
        return [] if any(not f for f in fits) else [f"{path}: matches no option"]
    if "enum" in node:
        return [] if value in node["enum"] else [f"{path}: {value!r} not in enum"]
    kind = node.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        out = [f"{path}.{k}: undeclared key" for k in value if k not in node["properties"]]
        out += [f"{path}.{k}: required key missing" for k in node.get("required", []) if k not in value]
        for k, v in value.items():
            if k in node["properties"]:
                out += conformance(schema, node["properties"][k], v, f"{path}.{k}")
        return out
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: not an array"]
        return [p for i, v in enumerate(value) for p in conformance(schema, node["items"], v, f"{path}[{i}]")]
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if not checks[kind](value):
        return [f"{path}: expected {kind}"]
    if node.get("format") == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return [f"{path}: not a date"]
    return []


SCHEMA = io.json_schema(RegistryDocument)


def test_the_registry_schema_is_a_draft_2020_12_object_schema_of_every_field() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["type"] == "object"
    assert SCHEMA["title"] == "RegistryDocument"
    assert SCHEMA["additionalProperties"] is False
    # every field, plus the note a redacted (audience-aware) export carries
    assert list(SCHEMA["properties"]) == [*(a.name for a in attrs.fields(RegistryDocument)), "redacted"]
    assert SCHEMA["properties"]["redacted"]["required"] == ["audience", "paths"]
    assert SCHEMA["required"] == ["as_of"]
    assert SCHEMA["properties"]["as_of"] == {"type": "string", "format": "date"}
    json.dumps(SCHEMA)  # plain JSON data all the way down


def test_every_schema_reference_resolves_and_every_definition_matches_its_class(attrs_class: type[Any]) -> None:
    schema = io.json_schema(attrs_class)
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    defs = schema.get("$defs", {})
    assert all(r.startswith("#/$defs/") and r.removeprefix("#/$defs/") in defs for r in refs)
    assert list(schema["properties"])[-1] == "redacted"  # the root may carry a redaction note
    for name, entry in [(attrs_class.__name__, schema), *defs.items()]:
        cls = getattr(icoc.model, name)
        props = [p for p in entry["properties"] if entry is not schema or p != "redacted"]
        assert props == [a.name for a in attrs.fields(cls)]
        assert set(entry.get("required", [])) == {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}


def test_the_conformance_walker_notices_undeclared_keys_and_wrong_types() -> None:
    """The walker used below must be able to fail, or the schema test proves nothing."""
    data = io.unstructure(RegistryDocument(as_of=date(2024, 1, 1)), audience=io.Audience.FULL)
    assert conformance(SCHEMA, SCHEMA, data) == []
    broken = copy.deepcopy(data)
    broken["colour"] = "red"
    broken["format_version"] = "1"
    del broken["as_of"]
    broken["standards"][0]["domains"] = ["space"]
    assert sorted(conformance(SCHEMA, SCHEMA, broken)) == [
        "$.as_of: required key missing",
        "$.colour: undeclared key",
        "$.format_version: expected integer",
        "$.standards[0].domains[0]: 'space' not in enum",
    ]


@settings(max_examples=30)
@given(t.registries())
def test_every_generated_registry_conforms_to_the_schema(doc: RegistryDocument) -> None:
    assert conformance(SCHEMA, SCHEMA, io.unstructure(doc, audience=io.Audience.FULL)) == []


@settings(max_examples=20)
@given(data=st.data())
def test_every_model_value_conforms_to_its_own_schema(attrs_class: type[Any], data: st.DataObject) -> None:
    schema = io.json_schema(attrs_class)
    value = data.draw(st.from_type(attrs_class))
    assert conformance(schema, schema, io.unstructure(value, audience=io.Audience.FULL)) == []


def test_a_yaml_date_that_is_not_a_calendar_date_names_its_line() -> None:
    """PyYAML builds dates itself: ``start: 2020-02-30`` said only "day is out of range for month"."""
    with pytest.raises(InvalidInput) as caught:
        io.parse_yaml("name: x\nstart: 2020-02-30\n", "s.yaml")
    text = str(caught.value)
    assert text.startswith("s.yaml:$: not valid YAML: '2020-02-30' is not a calendar date"), text
    assert "line 2" in text
