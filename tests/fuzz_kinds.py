"""Hostile-input fuzzing shared by ``tests/test_fuzz.py`` (CI, 300 examples per kind) and
``scripts/fuzz_inputs.py`` (release checks, 10x and counts).

Each file kind icoc reads has a valid example and a loader; Hypothesis mutates the example (drop a
key, retype a value, duplicate a key, nest deeply, odd Unicode, huge numbers and strings, odd
dates, YAML aliases, cut text) and :func:`attempt` checks the contract: the loader returns a
valid value or raises ``InvalidInput`` whose every problem names the file; nothing else, ever.
Register a new kind (bidder lists, ...) by adding a :class:`Kind` to :data:`KINDS`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from icoc.errors import InvalidInput


@dataclass(frozen=True)
class Kind:
    """One kind of input file: a valid example as plain data, and how icoc reads such a file."""

    name: str
    example: Callable[[], Any]
    load: Callable[[Path], object]
    cli: Callable[[Path], list[str]] | None = None
    """The CLI command that reads such a file, if any (its exit status must be 0, 1 or 2)."""


@cache
def _document() -> Any:
    from icoc.sample import sample_text

    return json.loads(sample_text())


@cache
def _history() -> Any:
    from icoc.io import Audience, loads, unstructure
    from icoc.model import RegistryDocument
    from icoc.registry import Registry

    doc = loads(json.dumps(_document()), RegistryDocument)
    with Registry.from_document(doc) as reg:
        data = unstructure(reg.history_document(), audience=Audience.FULL)
    data["events"] = data["events"][:40]
    return data


@cache
def _policy() -> Any:
    from icoc.eligibility import BUILTIN_POLICIES, policy_to_data

    return policy_to_data(BUILTIN_POLICIES["icoca-good-standing"])


@cache
def _rules() -> Any:
    from icoc.rules import DEFAULT_RULES, rule_to_data

    return {"base": "none", "rules": [rule_to_data(r) for r in list(DEFAULT_RULES)[:6]]}


@cache
def _scenario() -> Any:
    from icoc.simulation import Scenario, scenario_to_data

    return scenario_to_data(Scenario())


def _load_document(path: Path) -> object:
    from icoc.io import load
    from icoc.model import RegistryDocument

    return load(path, RegistryDocument)


def _load_history(path: Path) -> object:
    from icoc.io import load
    from icoc.model.events import History

    return load(path, History)


def _load_policy(path: Path) -> object:
    from icoc.eligibility import load_policy

    return load_policy(path)


def _load_rules(path: Path) -> object:
    from icoc.rules import load_rules

    return load_rules(path)


def _load_scenario(path: Path) -> object:
    from icoc.simulation import load_scenario

    return load_scenario(path)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("document", _document, _load_document, lambda p: ["validate", str(p)]),
        Kind("history", _history, _load_history),
        Kind("policy", _policy, _load_policy),
        Kind("rules", _rules, _load_rules, lambda p: ["rules", "--rules", str(p)]),
        Kind("scenario", _scenario, _load_scenario, lambda p: ["simulate", "--scenario", str(p), "--print-scenario"]),
    )
}
"""Every file kind under the contract; add bidder lists here when they exist."""


# --- mutations -----------------------------------------------------------------------------------

_ODD_TEXT = [
    "",
    " ",
    "co-1\n",
    "CH\n",
    "\ud800",
    "a\udfffb",
    "\x00",
    "\u202e",
    "é" * 3,
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31",
    "2020-02-30",
    "2020-1-1",
    "10000-01-01",
    "1899-12-31",
    "3000-01-01",
    "90 days",
    "P1Y",
    "Infinity",
]
_ODD_NUMBERS: list[Any] = [0, -1, 1.5, 10**18, -(10**30), 2**63, 1e308, float("inf"), float("-inf"), float("nan")]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(_ODD_NUMBERS),
    st.integers(),
    st.floats(),
    st.sampled_from(_ODD_TEXT),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if len(prefix) > 12:
        return out
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:4]):  # the first items stand for the rest
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


@st.composite
def mutated(draw: st.DrawFn, kind: Kind) -> tuple[str, str]:
    """``(suffix, text)``: the example of ``kind``, mutated, as JSON or YAML text."""
    data = copy.deepcopy(kind.example())
    paths = _paths(data)
    text_ops: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        op = draw(
            st.sampled_from(
                ["drop", "retype", "replace", "nest", "wrap", "duplicate", "huge_int", "alias", "cut", "deep"]
            )
        )
        parent_path, key = path[:-1], (path[-1] if path else None)
        try:
            parent = _get(data, parent_path) if path else None
            target = _get(data, path)
        except (KeyError, IndexError, TypeError):
            continue
        if op == "drop" and parent is not None:
            del parent[key]
        elif op in ("retype", "replace"):
            new = draw(values if op == "retype" else scalars)
            if parent is None:
                data = new
            else:
                parent[key] = new
        elif op == "nest":
            depth = draw(st.sampled_from([50, 99, 101]))
            deep: Any = target
            for _ in range(depth):
                deep = [deep]
            if parent is None:
                data = deep
            else:
                parent[key] = deep
        elif op == "wrap" and parent is not None:
            parent[key] = {"value": target} if draw(st.booleans()) else [target, target]
        elif op in ("duplicate", "huge_int", "alias", "cut", "deep"):
            text_ops.append(op)
        paths = _paths(data)
    as_yaml = draw(st.integers(0, 3)) == 0
    try:
        text = _yaml_text(data) if as_yaml else json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    except (ValueError, RecursionError, yaml.YAMLError):
        text, as_yaml = repr(data)[:10_000], False
    for op in text_ops:
        text = _text_op(draw, op, text, as_yaml)
    return (".yaml" if as_yaml else ".json"), text


def _yaml_text(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)


def _text_op(draw: st.DrawFn, op: str, text: str, as_yaml: bool) -> str:
    if op == "duplicate":
        if as_yaml:
            first = text.split("\n", 1)[0]
            return f"{first}\n{text}" if ":" in first else text
        at = text.find('{"')
        if at >= 0:
            end = text.find(",", at)
            if end > at:
                return text[: end + 1] + text[at + 1 : end + 1] + text[end + 1 :]
        return text
    if op == "deep":
        n = draw(st.sampled_from([1_000, 100_000]))
        return "[" * n + text + "]" * n
    if op == "huge_int":
        digits = "9" * draw(st.sampled_from([19, 4_300, 5_000, 50_000]))
        at = draw(st.integers(0, len(text)))
        return text[:at] + digits + text[at:]
    if op == "alias":
        lol = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
            lol += f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
        return draw(st.sampled_from([lol, "a: &a [*a]\n", text + "\nz: &z {b: *z}\n"]))
    cut = draw(st.integers(0, len(text)))
    return text[:cut]


# --- the contract --------------------------------------------------------------------------------


def attempt(kind: Kind, suffix: str, text: str, directory: Path, *, cli: bool = False) -> str:
    """Write ``text`` and read it as ``kind``: returns ``"accepted"`` or ``"refused"``; any
    other outcome raises AssertionError (the contract broken)."""
    path = directory / f"input{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        kind.load(path)
        outcome = "accepted"
    except InvalidInput as exc:
        assert exc.problems, "InvalidInput without problems"
        for p in exc.problems:
            assert p.path.startswith(str(path)), f"problem does not name the file: {p}"
            assert len(str(p)) < 5_000, "an unbounded message"
        outcome = "refused"
    if cli and kind.cli is not None:
        from icoc.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(kind.cli(path))
        assert status in (0, 2), f"exit status {status}: {err.getvalue()[:500]}"
        assert "Traceback" not in err.getvalue()
        assert all(line.startswith("icoc: error: ") for line in err.getvalue().splitlines())
        assert (status == 0) == (outcome == "accepted"), err.getvalue()[:500]
    return outcome
