"""Rule-set and policy files are read by the one converter: any rule set or policy written to a
file reads back equal, and every object in such a file answers a mistake in the vocabulary of
registry documents (``unknown key``, ``required field missing``) at its path."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any, get_args, get_origin

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icoc.eligibility import CHECKS, Policy, Requirement, load_policy, policy_from_data, policy_to_data
from icoc.eligibility._policy import _KINDS
from icoc.errors import InvalidInput
from icoc.model.events import EVENTS_BY_TYPE
from icoc.rules import (
    DEFAULT_PARAMETERS,
    TRUE,
    After,
    And,
    Citation,
    Cmp,
    Condition,
    DayAfter,
    Due,
    Duration,
    Emit,
    EndOfCalendarYear,
    Exists,
    F,
    FactDate,
    In,
    Latest,
    Not,
    Or,
    Param,
    ParamDate,
    Period,
    Rule,
    RuleSet,
    load_rules,
    rule_to_data,
    rules_from_data,
)
from icoc.workflows import PROCESSES

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_TEXT = st.text(st.characters(categories=("L", "N", "Pd", "Zs")), min_size=1, max_size=12).filter(
    lambda s: s.strip() and not (len(s) == 10 and s[4] == "-")  # ISO-date-like text reads as a date
)
_NAMES = st.from_regex(r"[a-z][a-z0-9_.]{0,15}", fullmatch=True)
_DATES = st.dates(date(1900, 1, 1), date(2999, 12, 31))
_SCALARS = st.one_of(_TEXT, st.integers(-(2**40), 2**40), st.booleans(), st.none(), _DATES)


def _params(kind: type) -> st.SearchStrategy[str]:
    """Names of parameters of ``kind`` in the default set, or of parameters it does not define."""
    known = [n for n, p in DEFAULT_PARAMETERS.parameters.items() if isinstance(p.history[-1].value, kind)]
    return st.one_of(st.sampled_from(known), _NAMES.filter(lambda n: n not in DEFAULT_PARAMETERS.parameters))


_OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
_LEAVES: st.SearchStrategy[Condition] = st.one_of(
    st.builds(Cmp, _NAMES, _OPS, _SCALARS),
    st.builds(In, _NAMES, st.lists(_SCALARS, max_size=3).map(tuple)),
    st.builds(Exists, _NAMES),
)
CONDITIONS: st.SearchStrategy[Condition] = st.one_of(
    st.just(TRUE),
    st.recursive(
        _LEAVES,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda ps: And(tuple(ps))),
            st.lists(inner, min_size=1, max_size=3).map(lambda ps: Or(tuple(ps))),
            inner.map(Not),
        ),
        max_leaves=6,
    ),
)
DUES: st.SearchStrategy[Due] = st.recursive(
    st.one_of(st.builds(FactDate, _NAMES), st.builds(ParamDate, _params(date))),
    lambda inner: st.one_of(
        st.builds(DayAfter, inner),
        st.builds(After, inner, st.builds(Param, _params(Duration))),
        st.builds(Latest, st.lists(inner, min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(EndOfCalendarYear, inner, _NAMES, _NAMES),
    ),
    max_leaves=5,
)


@st.composite
def emits(draw: st.DrawFn) -> Emit:
    event = draw(st.sampled_from(sorted(EVENTS_BY_TYPE.values(), key=lambda e: e.TYPE)))
    fields = sorted(set(attrs.fields_dict(event)) - {"subject", "effective", "cause"})
    keys = draw(st.lists(st.sampled_from(fields), unique=True, max_size=3)) if fields else []
    return Emit(event=event, payload={k: draw(st.one_of(_SCALARS, st.builds(F, _NAMES))) for k in keys})


@st.composite
def rules(draw: st.DrawFn, rule_id: str) -> Rule:
    bound = st.one_of(st.none(), _DATES, _params(date))
    return Rule(
        id=rule_id,
        title=draw(_TEXT),
        citation=Citation(document=draw(_TEXT), article=draw(_TEXT), url=draw(st.none() | _TEXT)),
        process=draw(st.sampled_from(list(PROCESSES))),
        then=draw(emits()),
        due=draw(DUES),
        when=draw(CONDITIONS),
        effective=Period(start=draw(bound), end=draw(bound), end_before=draw(st.none() | _params(date))),
        params=tuple(draw(st.lists(_NAMES, max_size=2))),
        obligation=draw(st.none() | _NAMES),
        covers_existing=draw(st.booleans() | _NAMES),
        tags=frozenset(draw(st.lists(_NAMES, max_size=2))),
        text=draw(st.just("") | _TEXT),
    )


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    ids = draw(st.lists(st.from_regex(r"[A-Z][A-Z0-9_.]{0,10}", fullmatch=True), min_size=1, max_size=4, unique=True))
    return RuleSet(tuple(draw(rules(i)) for i in ids))


def _write(tmp_path: Path, suffix: str, data: Any) -> Path:
    path = tmp_path / f"file{suffix}"
    text = json.dumps(data) if suffix == ".json" else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- round trips ----------------------------------------------------------------------------------------


@EXAMPLES
@given(ruleset=rule_sets(), suffix=st.sampled_from([".json", ".yaml"]))
def test_any_rule_set_reads_back_equal_from_its_file(ruleset: RuleSet, suffix: str, tmp_path: Path) -> None:
    data = {"base": "none", "rules": [rule_to_data(r) for r in ruleset]}
    assert rules_from_data(copy.deepcopy(data)) == ruleset
    assert load_rules(_write(tmp_path, suffix, data)) == ruleset
    assert [rule_to_data(r) for r in rules_from_data(data)] == data["rules"]  # writing is stable


def _arg(tp: Any) -> st.SearchStrategy[Any]:
    """Values of an argument type of ``_KINDS``: names, enum values, lists of either; or None."""
    options = [t for t in get_args(tp) or (tp,) if t is not type(None)] if get_origin(tp) is not tuple else [tp]
    (kind,) = options
    if get_origin(kind) is tuple:
        strategy = st.lists(_arg(get_args(kind)[0]), max_size=3).map(tuple)
    elif kind is str:
        strategy = _NAMES
    else:
        strategy = st.sampled_from([m.value for m in kind])
    return st.none() | strategy if type(None) in get_args(tp) else strategy


@st.composite
def requirements(draw: st.DrawFn, rid: str) -> Requirement:
    check = draw(st.sampled_from(list(CHECKS)))
    args = {k: draw(_arg(tp)) for k, tp in _KINDS[check].args.items()}
    return Requirement(
        id=rid,
        title=draw(_TEXT),
        check=check,
        citation=draw(_TEXT),
        args={k: v for k, v in args.items() if v is not None},
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    ids = draw(st.lists(_NAMES, min_size=1, max_size=5, unique=True))
    return Policy(
        id=draw(_NAMES),
        title=draw(_TEXT),
        requirements=tuple(draw(requirements(i)) for i in ids),
        description=draw(st.just("") | _TEXT),
    )


@EXAMPLES
@given(policy=policies(), suffix=st.sampled_from([".json", ".yaml"]))
def test_any_policy_reads_back_equal_from_its_file(policy: Policy, suffix: str, tmp_path: Path) -> None:
    data = policy_to_data(policy)
    assert policy_from_data(copy.deepcopy(data)) == policy
    assert load_policy(_write(tmp_path, suffix, data)) == policy
    assert policy_to_data(policy_from_data(data)) == data


def test_every_check_has_a_file_form() -> None:
    """Each check's arguments are read from its declaration: a required one missing is named."""
    for check, kind in _KINDS.items():
        required = [k for k, tp in kind.args.items() if type(None) not in get_args(tp)]
        data = {"id": "p", "title": "t", "requirements": [{"id": "r", "title": "t", "check": check, "citation": "c"}]}
        if not required:
            assert policy_from_data(data).requirements[0].check == check
            continue
        with pytest.raises(InvalidInput) as info:
            policy_from_data(data)
        assert [(p.path, p.message) for p in info.value.problems] == [
            (f"$.requirements[0].{k}", "required field missing") for k in required
        ]


# --- one error vocabulary ---------------------------------------------------------------------------------


def _objects(data: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    """Every object in ``data`` with its path, except event payloads (their keys are event fields)."""
    found = []
    if isinstance(data, dict):
        found.append((path, data))
        for k, v in data.items():
            if k != "payload":
                found += _objects(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _objects(v, f"{path}[{i}]")
    return found


def _problems(read: Any, data: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as info:
        read(data)
    return [(p.path, p.message) for p in info.value.problems]


@EXAMPLES
@given(ruleset=rule_sets(), data=st.data())
def test_every_object_in_a_rule_file_refuses_an_unknown_key_at_its_path(ruleset: RuleSet, data: Any) -> None:
    doc = {"base": "none", "rules": [rule_to_data(r) for r in ruleset]}
    path, obj = data.draw(st.sampled_from(_objects(doc)))
    obj["colour"] = "red"
    ((where, message),) = _problems(rules_from_data, doc)
    assert where == f"{path}.colour" and message.startswith("unknown key (not a field of ")


@EXAMPLES
@given(ruleset=rule_sets(), data=st.data())
def test_a_required_field_missing_from_a_rule_is_named(ruleset: RuleSet, data: Any) -> None:
    doc = {"base": "none", "rules": [rule_to_data(r) for r in ruleset]}
    i = data.draw(st.integers(0, len(doc["rules"]) - 1))
    field = data.draw(
        st.sampled_from(["id", "title", "citation", "process", "then", "citation.document", "then.event"])
    )
    obj = doc["rules"][i]
    *outer, key = field.split(".")
    for part in outer:
        obj = obj[part]
    del obj[key]
    assert _problems(rules_from_data, doc) == [(f"$.rules[{i}].{field}", "required field missing")]


@EXAMPLES
@given(policy=policies(), data=st.data())
def test_a_policy_file_names_unknown_keys_and_missing_fields(policy: Policy, data: Any) -> None:
    doc = policy_to_data(policy)
    path, obj = data.draw(st.sampled_from(_objects(doc)))
    obj["colour"] = "red"
    ((where, message),) = _problems(policy_from_data, doc)
    assert where == f"{path}.colour" and message.startswith("unknown key (not a field of ")
    del obj["colour"]
    i = data.draw(st.integers(0, len(doc["requirements"]) - 1))
    key = data.draw(st.sampled_from(["id", "title", "check", "citation"]))
    del doc["requirements"][i][key]
    assert _problems(policy_from_data, doc) == [(f"$.requirements[{i}].{key}", "required field missing")]


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    rules = _write(tmp_path, ".yaml", {"rules": [{"id": "X", "colour": 1}]})
    with pytest.raises(InvalidInput) as info:
        load_rules(rules)
    assert {p.path for p in info.value.problems} >= {f"{rules}:$.rules[0].colour", f"{rules}:$.rules[0].title"}
    policy = _write(tmp_path, ".json", {"id": "p", "title": "t", "requirements": [{"id": "r", "check": "nope"}]})
    with pytest.raises(InvalidInput) as info:
        load_policy(policy)
    assert [str(p) for p in info.value.problems] == [
        f"{policy}:$.requirements[0].check: unknown check 'nope' (known: {', '.join(CHECKS)})"
    ]


def test_the_converter_sits_below_the_packages_that_configure_it() -> None:
    """``icoc.rules`` and ``icoc.eligibility`` import ``icoc.io``; it imports only the model and
    the errors, so those arrows point down."""
    import ast

    import icoc.io

    allowed = ("icoc.io", "icoc.model", "icoc.errors")
    for path in Path(icoc.io.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not name.startswith("icoc") or name.startswith(allowed), f"{path.name} imports {name}"


def test_a_rule_id_given_twice_in_one_file_is_refused_not_dropped() -> None:
    from icoc.rules import DEFAULT_RULES

    # `icoc rules --format json`, edited by copying a rule and forgetting to rename it: the copy
    # would replace the first silently (one rule fewer than the file holds).
    data = {"base": "none", "rules": [rule_to_data(r) for r in DEFAULT_RULES]}
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(InvalidInput) as err:
        rules_from_data(data)
    assert [(p.path, p.message) for p in err.value.problems] == [
        (f"$.rules[{len(DEFAULT_RULES)}].id", f"rule {data['rules'][0]['id']!r} is already given at $.rules[0]")
    ]
    data["rules"].pop()
    assert len(rules_from_data(data)) == len(DEFAULT_RULES)
