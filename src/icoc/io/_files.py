"""JSON text and files (YAML too when PyYAML is installed)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from icoc.errors import InvalidInput, Problem, preview
from icoc.io._parse import check_data, parse_json, parse_yaml
from icoc.io._parse import guarded as _guarded
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
    """Parse JSON text into a ``cls``; any problem raises InvalidInput with its path.

    The text is read under the input limits of ``docs/io.md`` (nesting, integer size, duplicate
    keys, valid Unicode, the supported dates)."""
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write it
    try:
        return _guarded(lambda: structure(parse_json(text), cls), "")
    except InvalidInput as exc:
        raise InvalidInput(_bounded(q) for q in exc.problems) from None


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise InvalidInput(Problem("$", "YAML files need PyYAML: pip install 'icoc[yaml]'")) from None
    return yaml


def _bounded(problem: Problem) -> Problem:
    """A problem whose path and message are of bounded length, whatever the input held."""
    path, message = problem.path, problem.message
    if len(path) > 500:
        path = path[:497] + "..."
    if len(message) > 1000:
        message = message[:997] + "..."
    return problem if (path, message) == (problem.path, problem.message) else Problem(path, message)


def read_data(path: str | os.PathLike[str]) -> Any:
    """Plain data (dicts, lists, strings, numbers) from a JSON or YAML file (by suffix).

    Every icoc file reader starts here, so a missing file, bad text or bad syntax reads the same
    everywhere: one ``InvalidInput`` whose path names the file (``rules.yaml:$``).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInput(Problem("path", f"expected a file path, got {type(path).__name__}"))
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark is skipped
    except OSError as exc:
        raise InvalidInput(Problem(str(p), f"cannot read file: {exc.strerror or exc}")) from None
    except UnicodeDecodeError:
        raise InvalidInput(Problem(str(p), "not UTF-8 text")) from None
    except ValueError as exc:  # a NUL byte in the path
        raise InvalidInput(Problem(preview(str(p)), f"cannot read file: {exc}")) from None
    if p.suffix.lower() in _YAML_SUFFIXES:
        return parse_yaml(text, str(p))
    return parse_json(text, str(p))


def load_with(path: str | os.PathLike[str], parse: Callable[[Any], T]) -> T:
    """Read a JSON or YAML file and build a value with ``parse``; problems are prefixed with the
    file name (``policy.yaml:$.requirements[0].check: ...``)."""
    data = read_data(path)
    p = str(Path(path))
    try:
        return _guarded(lambda: parse(data), p)
    except InvalidInput as exc:
        raise InvalidInput(
            _bounded(Problem(q.path if q.path.startswith(p) else f"{p}:{q.path}", q.message)) for q in exc.problems
        ) from None


def load(path: str | os.PathLike[str], cls: type[T]) -> T:
    """Read a JSON or YAML file (by suffix) into a ``cls``."""
    return load_with(path, lambda data: structure(data, cls))


def dump(obj: object, path: str | os.PathLike[str], *, audience: Audience = Audience.PUBLIC) -> None:
    """Write ``obj`` as JSON or YAML (by suffix) as ``audience`` may see it (public by default),
    atomically: a reader never sees half a file."""
    p = Path(path)
    data = unstructure(obj, audience=audience)
    check_data(data, f"{p}:$")  # what could not be read back (a lone surrogate) is not written
    if p.suffix.lower() in _YAML_SUFFIXES:
        yaml = _yaml()
        try:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        except yaml.YAMLError as exc:
            raise InvalidInput(Problem(str(p), f"cannot be written as YAML: {preview(str(exc), 200)}")) from None
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            Problem(str(p), f"cannot be written as UTF-8: {exc.reason} at character {exc.start}")
        ) from None
    # Nothing is created before the text is known to be writable; a failure while writing
    # (a full disk) removes the temporary file, so a failed dump leaves the directory as it was.
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(encoded)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
