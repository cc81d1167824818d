"""The single cattrs converter and the translation of its errors into InvalidInput."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum, StrEnum
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.dates import date_problem
from icoc.model.events import ENGINE_FACTS, HISTORY_FORMAT_VERSION, Cause, History

T = TypeVar("T")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class Refused(ValueError):
    """A leaf structuring failure whose message is already meant for people: raise it from a
    structure hook and it becomes one problem at the path of the value the hook was given."""


_KEYS: dict[type, dict[str, str]] = {}
"""Per attrs class: field name -> its key in files, where they differ (see ``register_object``)."""

_NAMES: dict[type, str] = {}
"""Per attrs class: the name an error message gives it (``unknown key (not a field of ...)``)."""


def _describe(value: object) -> str:
    return f"{type(value).__name__} {preview(value)}"


def _structure_date(value: object, _: type) -> date:
    if type(value) is str:
        return _date_from_text(value)  # Refused when it is not one
    if type(value) is date:  # YAML loaders already give dates
        problem = date_problem(value)
        if problem is not None:
            raise Refused(problem)
        return value
    if isinstance(value, str):
        return _date_from_text(str(value))
    raise Refused(f"expected an ISO date YYYY-MM-DD, got {_describe(value)}")


@functools.lru_cache(maxsize=4096)
def _date_from_text(value: str) -> date:
    """An ISO date within the supported range (a file holds few distinct dates: each is parsed
    once; a refusal raises, and is not cached)."""
    if not _ISO_DATE.fullmatch(value):
        raise Refused(f"expected an ISO date YYYY-MM-DD, got {_describe(value)}")
    try:
        d = date.fromisoformat(value)
    except ValueError as exc:
        raise Refused(f"{preview(value)} is not a calendar date ({exc})") from None
    problem = date_problem(d)
    if problem is not None:
        raise Refused(problem)
    return d


def _strict(tp: type, name: str) -> Callable[[object, type], Any]:
    def hook(value: object, _: type) -> Any:
        if type(value) is not tp:
            raise Refused(f"expected {name}, got {_describe(value)}")
        return value

    return hook


def _structure_enum(value: object, tp: type[Enum]) -> Enum:
    if type(value) is str or (type(value) is int and not issubclass(tp, str)):
        try:
            return tp(value)
        except ValueError:
            pass
    allowed = ", ".join(repr(m.value) for m in tp)
    raise Refused(f"expected one of {allowed}, got {_describe(value)}")


def _is_homogeneous_tuple(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _make_converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    c.register_structure_hook_func(lambda t: t is date, _structure_date)
    c.register_unstructure_hook(date, lambda d: d.isoformat())
    # By class, not predicate: cattrs' own str/int/bool hooks (which coerce: int("1"), str(5)) are
    # registered by class, and class registrations are consulted before predicates.
    c.register_structure_hook(str, _strict(str, "text"))
    c.register_structure_hook(bool, _strict(bool, "true or false"))

    def _int(value: object, _: type) -> int:
        if type(value) is not int:
            raise Refused(f"expected an integer, got {_describe(value)}")
        return value

    c.register_structure_hook(int, _int)
    # By class, not predicate: cattrs dispatches str subclasses (StrEnum) to str's hook first.
    c.register_structure_hook(StrEnum, _structure_enum)
    c.register_structure_hook(Enum, _structure_enum)
    # By class as for structuring: StrEnum members would otherwise be passed through as-is.
    c.register_unstructure_hook(StrEnum, lambda e: e.value)
    c.register_unstructure_hook(Enum, lambda e: e.value)
    # A sensitivity level is written by its name ("company"), and a fact's level only when it is
    # above public, so facts read from public fields keep their two-key shape.
    from cattrs.gen import override

    from icoc.model.events import Fact
    from icoc.model.sensitivity import Sensitivity

    def _structure_level(value: object, _: type) -> Sensitivity:
        if isinstance(value, str):
            try:
                return Sensitivity.parse(value)
            except ValueError:
                pass
        known = ", ".join(repr(s.label) for s in Sensitivity)
        raise Refused(f"expected one of {known}, got {_describe(value)}")

    c.register_structure_hook(Sensitivity, _structure_level)
    c.register_unstructure_hook(Sensitivity, lambda s: s.label)
    c.register_unstructure_hook(Fact, make_dict_unstructure_fn(Fact, c, level=override(omit_if_default=True)))

    def _tuple_factory(tp: Any) -> Callable[[object, type], tuple[Any, ...]]:
        item_type = get_args(tp)[0]
        item_hook = c.get_structure_hook(item_type)

        def hook(value: object, _: type) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                raise Refused(f"expected a list, got {_describe(value)}")
            out = []
            errors: list[Exception] = []
            for i, item in enumerate(value):
                try:
                    out.append(item_hook(item, item_type))
                except Exception as exc:
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"@ index {i}", i, item_type),
                    ]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
            return tuple(out)

        return hook

    c.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_factory)

    def _attrs_factory(cl: type) -> Callable[[object, type], Any]:
        inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cl, c)

        def hook(value: object, _: type) -> Any:
            if not isinstance(value, dict):
                raise Refused(f"expected an object ({cl.__name__}), got {_describe(value)}")
            return inner(value, cl)

        return hook

    c.register_structure_hook_factory(attrs.has, _attrs_factory)
    _register_events(c)
    _register_causes(c)
    return c


def _register_causes(c: cattrs.Converter) -> None:
    """A cause writes its engine fields only when set (an actor's cause keeps its four keys), and
    reads history format 1 too: facts named as in :data:`~icoc.model.events.ENGINE_FACTS` become
    the fields. A history read is upgraded to this library's format version."""
    omit = override(omit_if_default=True)
    unstructure_cause = make_dict_unstructure_fn(
        Cause, c, base=omit, due=omit, opened=omit, extended_from=omit, process=omit, instance=omit
    )
    c.register_unstructure_hook(Cause, unstructure_cause)
    cause_fn: Callable[[Any, Any], Any] = make_dict_structure_fn(Cause, c)

    def structure_cause(value: object, _: type) -> Cause:
        if not isinstance(value, dict):
            raise Refused(f"expected an object (Cause), got {_describe(value)}")
        facts = value.get("facts")
        if isinstance(facts, list) and any(type(f) is dict and f.get("name") in ENGINE_FACTS for f in facts):
            value = _lift(value, facts, ENGINE_FACTS)
        cause: Cause = cause_fn(value, Cause)
        return cause

    c.register_structure_hook(Cause, structure_cause)
    history_fn: Callable[[Any, Any], Any] = make_dict_structure_fn(History, c)

    def structure_history(value: object, _: type) -> History:
        if not isinstance(value, dict):
            raise Refused(f"expected an object (History), got {_describe(value)}")
        history: History = history_fn(value, History)
        if history.format_version < HISTORY_FORMAT_VERSION:  # its causes were lifted as read
            history = attrs.evolve(history, format_version=HISTORY_FORMAT_VERSION)
        return history

    c.register_structure_hook(History, structure_history)


def _lift(value: dict[str, Any], facts: list[Any], names: Mapping[str, str]) -> dict[str, Any]:
    """A format-1 cause's data with its engine facts moved into the fields they name."""
    out = dict(value)
    kept = []
    for i, f in enumerate(facts):
        name = f.get("name") if type(f) is dict else None
        field = names.get(name) if isinstance(name, str) else None
        if field is None:
            kept.append(f)
            continue
        if field in out:
            raise InvalidInput(Problem(f"$.facts[{i}]", f"fact {f['name']!r} repeats the cause's {field!r}"))
        out[field] = f.get("value")
    out["facts"] = kept
    return out


def _register_events(c: cattrs.Converter) -> None:
    """Events carry a ``type`` tag in JSON; a field typed ``Event`` holds any concrete event."""
    from icoc.model.events import EVENTS_BY_TYPE, Event

    structurers: dict[type, Callable[[Any, Any], Any]] = {}
    unstructurers: dict[type, Callable[[Any], Any]] = {}
    known = ", ".join(sorted(EVENTS_BY_TYPE))

    def is_event(t: Any) -> bool:
        return isinstance(t, type) and issubclass(t, Event)

    def structure_event(value: object, tp: type) -> Any:
        if not isinstance(value, dict):
            raise Refused(f"expected an event object, got {_describe(value)}")
        tag = value.get("type")
        cls = EVENTS_BY_TYPE.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise Refused(f"unknown or missing event type {preview(tag)} (known: {known})")
        if not (isinstance(tp, type) and issubclass(cls, tp)):
            raise Refused(f"expected a {tp.__name__} event, got type {preview(tag)}")
        hook = structurers.get(cls)
        if hook is None:
            hook = structurers[cls] = make_dict_structure_fn(cls, c)
        return hook({k: v for k, v in value.items() if k != "type"}, cls)

    def unstructure_event(event: Any) -> Any:
        cls = type(event)
        hook = unstructurers.get(cls)
        if hook is None:
            hook = unstructurers[cls] = make_dict_unstructure_fn(cls, c)
        return {"type": cls.TYPE, **hook(event)}

    c.register_structure_hook_func(is_event, structure_event)
    c.register_unstructure_hook_func(is_event, unstructure_event)


converter: cattrs.Converter = _make_converter()
"""The one converter for every icoc type; register your own hooks on it for custom classes."""


def _level(cls: Any, name: str) -> int:
    """The sensitivity level (0: public) of field ``name`` of attrs class ``cls``; a fact's
    ``value`` counts as confidential, since the level it was read at may be the one that failed."""
    from icoc.model.events import Fact

    if cls is Fact and name == "value":
        return 4
    for a in getattr(cls, "__attrs_attrs__", ()):
        if a.name == name:
            return int((a.metadata or {}).get("icoc.sensitivity", 0))
    return 0


_LEVEL_NAMES = ("public", "members", "company", "secretariat", "confidential")


def scrub(message: str, level: int) -> str:
    """``message`` without the value it echoes, for a field at ``level`` (> 0): what was expected
    stays, the value found becomes ``[redacted: LEVEL]``."""
    head, sep, _ = message.partition(", got ")
    shown = f"[redacted: {_LEVEL_NAMES[min(level, 4)]}]"
    if sep:
        return f"{head}, got a value not shown here {shown}"
    return f"not a valid value (the value is not shown here {shown})"


def problems_of(exc: BaseException, path: str = "$", secret: int = 0) -> list[Problem]:
    """Every leaf failure in a cattrs error tree, with its JSON path.

    Below a field above public (``secret``: its level), the messages do not echo the value found.
    """
    found = _problems_of(exc, path, secret)
    if secret:
        return [Problem(p.path, scrub(p.message, secret)) for p in found]
    return found


def _problems_of(exc: BaseException, path: str, secret: int) -> list[Problem]:
    if isinstance(exc, InvalidInput):
        return list(exc.under(path).problems)
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        out: list[Problem] = []
        for sub, note in with_notes:
            index = note.index
            out.extend(problems_of(sub, f"{path}[{index}]" if isinstance(index, int) else f"{path}[{index!r}]", secret))
        for sub in without:
            out.extend(problems_of(sub, path, secret))
        return out
    if isinstance(exc, ClassValidationError):
        with_notes_c, without_c = exc.group_exceptions()
        out = []
        cl = getattr(exc, "cl", None)
        keys = _KEYS.get(cl, {}) if isinstance(cl, type) else {}
        for sub, cnote in with_notes_c:
            key = keys.get(cnote.name, cnote.name)
            out.extend(problems_of(sub, f"{path}.{key}", max(secret, _level(cl, cnote.name))))
        for sub in without_c:
            out.extend(problems_of(sub, path, secret))
        return out
    if isinstance(exc, ForbiddenExtraKeysError):
        if secret:  # a key below a protected field may be what the user meant as its value
            n = len(exc.extra_fields)
            return [Problem(path, f"{n} unknown key(s) (not fields of {exc.cl.__name__}), got keys not shown here")]
        return [
            Problem(
                f"{path}.{preview(k, 40) if len(k) > 40 else k}",
                "unknown key (not a field of " + _NAMES.get(exc.cl, exc.cl.__name__) + ")",
            )
            for k in sorted(exc.extra_fields)
        ]
    if isinstance(exc, KeyError):
        return [Problem(path, "required field missing")]
    if isinstance(exc, Refused):
        return [Problem(path, str(exc))]
    if isinstance(exc, ExceptionGroup):
        return [p for sub in exc.exceptions for p in problems_of(sub, path, secret)]
    if isinstance(exc, (TypeError, ValueError, AttributeError)):
        if isinstance(exc, AttributeError) or "not iterable" in str(exc) or "mapping" in str(exc):
            return [Problem(path, f"wrong shape: {exc}")]
        return [Problem(path, str(exc) or type(exc).__name__)]
    raise exc


def structure(data: object, cls: type[T], path: str = "$") -> T:
    """Build a ``cls`` from plain data (dicts, lists, strings), or raise InvalidInput."""
    if isinstance(cls, type) and hasattr(cls, "__attrs_attrs__") and not isinstance(data, dict):
        raise InvalidInput(
            Problem(path, f"expected an object for {_NAMES.get(cls, cls.__name__)}, got {_describe(data)}")
        )
    try:
        return converter.structure(data, cls)
    except RecursionError:
        raise InvalidInput(Problem(path, "nested too deeply")) from None
    except Exception as exc:
        problems = problems_of(exc, path)
        raise InvalidInput(problems or [Problem(path, str(exc))]) from None


def unstructure(obj: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for any icoc value."""
    return converter.unstructure(obj)
