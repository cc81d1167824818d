"""JSON text and files (YAML too when PyYAML is installed)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from icoc.errors import InvalidInput, Problem
from icoc.io._redact import structure, unstructure
from icoc.model.sensitivity import Audience

T = TypeVar("T")

_YAML_SUFFIXES = {".yaml", ".yml"}


def dumps(obj: object, *, indent: int | None = 2, audience: Audience = Audience.PUBLIC) -> str:
    """JSON text for any icoc value (keys in field order, ISO dates, enums by value), as
    ``audience`` may see it: the public view unless a privileged audience is asked for
    (``audience=Audience.FULL`` for a faithful copy)."""
    return json.dumps(unstructure(obj, audience=audience), indent=indent, ensure_ascii=False)


def loads(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text into a ``cls``; any problem raises InvalidInput with its path."""
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write it
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("$", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")) from None
    except UnicodeDecodeError as exc:  # bytes in no encoding JSON allows
        raise InvalidInput(Problem("$", f"not valid JSON: {exc}")) from None
    return structure(data, cls)


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise InvalidInput(Problem("$", "YAML files need PyYAML: pip install 'icoc[yaml]'")) from None
    return yaml


def read_data(path: str | os.PathLike[str]) -> Any:
    """Plain data (dicts, lists, strings, numbers) from a JSON or YAML file (by suffix).

    Every icoc file reader starts here, so a missing file, bad text or bad syntax reads the same
    everywhere: one ``InvalidInput`` whose path names the file (``rules.yaml:$``).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark is skipped
    except OSError as exc:
        raise InvalidInput(Problem(str(p), f"cannot read file: {exc.strerror or exc}")) from None
    except UnicodeDecodeError:
        raise InvalidInput(Problem(str(p), "not UTF-8 text")) from None
    if p.suffix.lower() in _YAML_SUFFIXES:
        yaml = _yaml()
        try:
            return yaml.safe_load(text)
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: PyYAML builds dates itself (2020-13-01)
            raise InvalidInput(Problem(f"{p}:$", f"not valid YAML: {' '.join(str(exc).split())}")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            Problem(f"{p}:$", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        ) from None


def load_with(path: str | os.PathLike[str], parse: Callable[[Any], T]) -> T:
    """Read a JSON or YAML file and build a value with ``parse``; problems are prefixed with the
    file name (``policy.yaml:$.requirements[0].check: ...``)."""
    data = read_data(path)
    try:
        return parse(data)
    except InvalidInput as exc:
        p = str(Path(path))
        raise InvalidInput(
            Problem(q.path if q.path.startswith(p) else f"{p}:{q.path}", q.message) for q in exc.problems
        ) from None


def load(path: str | os.PathLike[str], cls: type[T]) -> T:
    """Read a JSON or YAML file (by suffix) into a ``cls``."""
    return load_with(path, lambda data: structure(data, cls))


def dump(obj: object, path: str | os.PathLike[str], *, audience: Audience = Audience.PUBLIC) -> None:
    """Write ``obj`` as JSON or YAML (by suffix) as ``audience`` may see it (public by default),
    atomically: a reader never sees half a file."""
    p = Path(path)
    if p.suffix.lower() in _YAML_SUFFIXES:
        text = _yaml().safe_dump(unstructure(obj, audience=audience), sort_keys=False, allow_unicode=True)
    else:
        text = dumps(obj, audience=audience) + "\n"
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
