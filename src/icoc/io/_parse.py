"""Text to plain data under limits: the one place JSON and YAML from outside are parsed.

Whatever the text holds, parsing ends quickly with plain data or an ``InvalidInput``: nesting is
bounded, integers are bounded, YAML aliases are expanded only under a budget (a "billion laughs"
file is refused before anything walks it), duplicate keys are refused in both formats, strings
must be valid Unicode (no lone surrogates), numbers finite, YAML tags limited to JSON's kinds plus
dates. Messages show bounded previews of values, never a full ``repr``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from icoc.errors import InvalidInput, Problem, preview

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "MAX_YAML_NODES", "check_data", "guarded", "parse_json", "parse_yaml"]

T = TypeVar("T")

MAX_DEPTH = 100
"""Lists and objects nest at most this deep (the deepest icoc file needs about ten)."""

MAX_INT_DIGITS = 18
"""Integers have at most this many digits (every count and amount icoc reads fits)."""

MAX_YAML_NODES = 1_000_000
"""Aliases in a YAML document may add at most this many values when expanded (each use of an
alias counts the whole value it names); a document without aliases is never refused for size."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    """Raised from inside a parser hook; becomes one Problem."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _int(text: str) -> int:
    digits = len(text.lstrip("-+"))
    if digits > MAX_INT_DIGITS:
        raise _Refused("$", f"an integer of {digits} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("$", f"the number {text[:40]} is too large")
    return value


def _constant(text: str) -> Any:
    raise _Refused("$", f"{text} is not a number JSON allows")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused("$", f"duplicate key {preview(key)} in an object")
        out[key] = value
    return out


def parse_json(text: str | bytes, where: str = "") -> Any:
    """Plain data from JSON text, or InvalidInput (paths prefixed with ``where``)."""
    root = f"{where}:$" if where else "$"
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidInput(Problem(root, f"expected JSON text (str or bytes), got {type(text).__name__}"))
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            Problem(root, f"not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}")
        ) from None
    except UnicodeDecodeError:  # bytes in no encoding JSON allows
        raise InvalidInput(Problem(root, "not valid JSON: not UTF-8, UTF-16 or UTF-32 text")) from None
    except _Refused as exc:
        raise InvalidInput(Problem(root, exc.message)) from None
    except RecursionError:
        raise InvalidInput(Problem(root, f"nested more than {MAX_DEPTH} levels deep")) from None
    check_data(data, root)
    return data


def check_data(data: Any, root: str = "$") -> None:
    """Refuse plain data icoc would not have written: nesting deeper than ``MAX_DEPTH``, keys
    that are not text, strings that are not valid Unicode, numbers out of range, values of kinds
    JSON lacks (dates, from YAML, are allowed). Iterative, so any depth is safe to check."""
    stack: list[tuple[Any, str, int]] = [(data, root, 0)]
    while stack:
        value, path, depth = stack.pop()
        kind = type(value)
        if kind is str:
            if _SURROGATE.search(value):
                raise InvalidInput(Problem(path, "text with a lone surrogate (not valid Unicode)"))
        elif kind is dict or kind is list:
            if depth >= MAX_DEPTH:
                raise InvalidInput(Problem(path, f"nested more than {MAX_DEPTH} levels deep"))
            if kind is dict:
                for key, item in value.items():
                    if type(key) is date:  # YAML: a dated value's date, checked where it is used
                        key_text = key.isoformat()
                    elif type(key) is not str:
                        raise InvalidInput(
                            Problem(path, f"a key that is not text: {type(key).__name__} {preview(key)}")
                        )
                    elif _SURROGATE.search(key):
                        raise InvalidInput(Problem(path, "a key with a lone surrogate (not valid Unicode)"))
                    else:
                        key_text = key
                    stack.append((item, f"{path}.{key_text[:40]}", depth + 1))
            else:
                stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif kind is int:
            if value.bit_length() > 60:
                raise InvalidInput(Problem(path, f"integer {preview(value, 30)} is too large"))
        elif kind is float:
            if not math.isfinite(value):
                raise InvalidInput(Problem(path, f"{value} is not a finite number"))
        elif kind is date:
            from icoc.model.dates import date_problem

            problem = date_problem(value)
            if problem is not None:
                raise InvalidInput(Problem(path, problem))
        elif value is None or kind is bool:
            pass
        elif kind is datetime:
            raise InvalidInput(Problem(path, f"a date and time {preview(value)} where only dates are allowed"))
        else:
            raise InvalidInput(Problem(path, f"a value of kind {kind.__name__} (only JSON's kinds and dates)"))


def guarded(build: Callable[[], T], where: str = "", *, root: str | None = None) -> T:
    """``build()``, with any failure that is not already an InvalidInput reported as one (at
    ``root``, by default the top of the file ``where``): the contract of every reader is a value
    or InvalidInput, whatever the input held."""
    if root is None:
        root = f"{where}:$" if where else "$"
    try:
        return build()
    except InvalidInput:
        raise
    except RecursionError:
        raise InvalidInput(Problem(root, "nested too deeply")) from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ArithmeticError) as exc:
        raise InvalidInput(Problem(root, f"cannot be read: {type(exc).__name__}: {preview(str(exc), 200)}")) from None


def _yaml_module() -> Any:
    try:
        import yaml
    except ImportError:
        raise InvalidInput(Problem("$", "YAML files need PyYAML: pip install 'icoc[yaml]'")) from None
    return yaml


_LOADER: Any = None


def _loader_class() -> Any:
    """A SafeLoader that refuses duplicate keys (merge keys ``<<`` may still be overridden)."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    yaml = _yaml_module()
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=deep)
                    try:
                        duplicate = key in seen
                    except TypeError:  # unhashable: the base class reports it
                        break
                    if duplicate:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {preview(key)}", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError as exc:  # 2020-02-30: name the value and where it is
                raise yaml.constructor.ConstructorError(
                    None, None, f"{preview(node.value)} is not a calendar date ({exc})", node.start_mark
                ) from None

    Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_yaml_map)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    _LOADER = Loader
    return Loader


def _expanded_size(root: Any, yaml: Any, budget: int) -> int:
    """Nodes in the document with every alias expanded, computed on the node graph (shared nodes
    counted once per use, without expanding them); raises _Refused when aliases add more than
    ``budget`` values, or on a cycle."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    # iterative post-order walk over the node graph
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = list(node.value)
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > budget + len(sizes):
                raise _Refused("$", f"expands to more than {budget:,} values (aliases used too often)")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            sizes[key] = 1
            continue
        if key in active:
            raise _Refused("$", "an alias refers to a value that contains it (a cycle)")
        active.add(key)
        stack.append((node, True))
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        for child in children:
            if id(child) in active:
                raise _Refused("$", "an alias refers to a value that contains it (a cycle)")
            if id(child) not in sizes:
                stack.append((child, False))
        if len(active) > MAX_DEPTH + 1:
            raise _Refused("$", f"nested more than {MAX_DEPTH} levels deep")
    return sizes[id(root)]


def parse_yaml(text: str, where: str = "") -> Any:
    """Plain data from YAML text (safe tags only), or InvalidInput (paths prefixed with ``where``)."""
    root = f"{where}:$" if where else "$"
    yaml = _yaml_module()
    if not isinstance(text, str):
        raise InvalidInput(Problem(root, f"expected YAML text (str), got {type(text).__name__}"))
    if _SURROGATE.search(text):
        raise InvalidInput(Problem(root, "text with a lone surrogate (not valid Unicode)"))
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, yaml, MAX_YAML_NODES)
        data = loader.construct_document(node)
    except _Refused as exc:
        raise InvalidInput(Problem(root, exc.message)) from None
    except yaml.YAMLError as exc:
        raise InvalidInput(Problem(root, f"not valid YAML: {_bounded(str(exc))}")) from None
    except (ValueError, OverflowError, TypeError) as exc:  # PyYAML builds dates and numbers itself
        raise InvalidInput(Problem(root, f"not valid YAML: {_bounded(str(exc))}")) from None
    except RecursionError:
        raise InvalidInput(Problem(root, f"nested more than {MAX_DEPTH} levels deep")) from None
    finally:
        loader.dispose()
    check_data(data, root)
    return data


def _bounded(message: str, limit: int = 300) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
