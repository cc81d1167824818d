"""A registry's state as bytes (an *image*), for store snapshots: pickle, restricted on load.

The image holds everything a registry computes from its history (instances, subject kinds and
dates, the rules' obligations, agenda and clock, the indices of derived and claimed events) and
the configuration it was computed with, so that a registry restored from it and fed the rest of
the history is the registry a full replay builds. It is bound to the icoc release and to
:data:`IMAGE_FORMAT_VERSION`: an image from another release or version is refused (the caller
replays instead), never reinterpreted.

A registry keeps the large parts of its state in *sections* (:func:`dump_section`), bytes inside
the image that are decoded (:func:`load_section`) only when first read, so that reopening a store
decodes nothing large until it is used.

Loading only rebuilds classes of icoc itself, dates and plain containers: an image cannot name
any other callable (:class:`_Unpickler`), so a damaged or foreign image fails to load instead
of running code.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

import icoc
from icoc.errors import InvalidInput, Problem
from icoc.registry._writing import collector_paused
from icoc.rules import Obligation, ObligationStatus
from icoc.workflows import Instance

__all__ = ["IMAGE_FORMAT_VERSION", "dump_image", "dump_section", "load_image", "load_section"]

IMAGE_FORMAT_VERSION = 4
"""The layout of an image's state; raised whenever the registry's internal state changes shape or
a section names a function by another module path (4: this module moved from ``icoc._image``, so
format 3 sections name rebuilders that no longer exist there; refused on opening, not on first
read)."""

_MAGIC = "icoc.registry-image"


def _proxy(d: dict[Any, Any]) -> Mapping[Any, Any]:
    """Rebuild a read-only mapping (``MappingProxyType`` does not pickle by itself)."""
    return MappingProxyType(d)


def _reduce_proxy(m: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _proxy, (dict(m),)


_DISPATCH: dict[type, Any] = {MappingProxyType: _reduce_proxy}

_BUILTINS = {"set", "frozenset", "tuple", "list", "dict", "bytes", "bytearray", "complex", "int", "str", "float"}
_ALLOWED = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    (__name__, "_proxy"),
    (__name__, "_instance"),
    (__name__, "_obligation"),
}


def _setters(cls: type) -> tuple[Any, ...]:
    """The slot setters of an attrs class's fields, in order: building an instance by them is its
    ``__init__`` (about twice as fast) only while the class validates, converts and post-processes
    nothing, which is checked here, at import."""
    fields = attrs.fields(cls)
    if any(f.validator or f.converter for f in fields) or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__} validates or converts: an image must build it by __init__")
    return tuple(cls.__dict__[f.name].__set__ for f in fields)


_NEW = object.__new__
_I_PROCESS, _I_KEY, _I_SUBJECT, _I_STATE, _I_SINCE, _I_PREVIOUS, _I_DATA = _setters(Instance)
(
    _O_RULE,
    _O_FAMILY,
    _O_PROCESS,
    _O_KEY,
    _O_SUBJECT,
    _O_OPENED,
    _O_DUE,
    _O_STATUS,
    _O_CLOSED,
    _O_CLOSED_BY,
    _O_EXTENDED_FROM,
) = _setters(Obligation)


def _instance(
    process: str, key: str, subject: str, state: str, since: date, previous: str | None, data: dict[str, Any]
) -> Instance:
    """Rebuild an :class:`Instance` (what its ``__init__`` does, without the keyword call)."""
    inst = _NEW(Instance)
    _I_PROCESS(inst, process)
    _I_KEY(inst, key)
    _I_SUBJECT(inst, subject)
    _I_STATE(inst, state)
    _I_SINCE(inst, since)
    _I_PREVIOUS(inst, previous)
    _I_DATA(inst, MappingProxyType(data))
    return inst


def _obligation(
    rule: str,
    family: str,
    process: str,
    key: str,
    subject: str,
    opened: date,
    due: date,
    status: ObligationStatus,
    closed: date | None,
    closed_by: str | None,
    extended_from: date | None,
) -> Obligation:
    """Rebuild an :class:`Obligation` (what its ``__init__`` does, without the keyword call)."""
    ob = _NEW(Obligation)
    _O_RULE(ob, rule)
    _O_FAMILY(ob, family)
    _O_PROCESS(ob, process)
    _O_KEY(ob, key)
    _O_SUBJECT(ob, subject)
    _O_OPENED(ob, opened)
    _O_DUE(ob, due)
    _O_STATUS(ob, status)
    _O_CLOSED(ob, closed)
    _O_CLOSED_BY(ob, closed_by)
    _O_EXTENDED_FROM(ob, extended_from)
    return ob


class _Pickler(pickle.Pickler):
    """Instances and obligations by their constructors, with equal strings and dates written
    once (pickle shares only identical objects): a smaller image that loads in about half the time."""

    dispatch_table = _DISPATCH

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)
        self._same: dict[Any, Any] = {}

    def _one(self, x: Any) -> Any:
        if type(x) is str or type(x) is date:
            return self._same.setdefault(x, x)
        return x

    def reducer_override(self, obj: Any) -> Any:
        one = self._one
        if type(obj) is Instance:
            data = {one(k): one(v) for k, v in obj.data.items()}
            return _instance, (
                one(obj.process),
                one(obj.key),
                one(obj.subject),
                one(obj.state),
                one(obj.since),
                one(obj.previous),
                data,
            )
        if type(obj) is Obligation:
            return _obligation, tuple(one(getattr(obj, f)) for f in _OBLIGATION_FIELDS)
        return NotImplemented


_OBLIGATION_FIELDS = tuple(f.name for f in attrs.fields(Obligation))
# _obligation takes them in this order: a field added to Obligation must be added there too.
assert _OBLIGATION_FIELDS == tuple(_obligation.__code__.co_varnames[: _obligation.__code__.co_argcount])
# _instance too, and both set the fields in that order (the setters unpacked above).
assert tuple(f.name for f in attrs.fields(Instance)) == _instance.__code__.co_varnames[: _instance.__code__.co_argcount]


class _Unpickler(pickle.Unpickler):
    """Only icoc's own classes, dates, plain containers and :func:`_proxy` may be named."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or (module == "builtins" and name in _BUILTINS):
            return super().find_class(module, name)
        if module == "icoc" or module.startswith("icoc."):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"an image may not name {module}.{name}")


def dump_image(config: Any, count: int, state: Any) -> bytes:
    """The image of ``state`` (computed with ``config`` from the first ``count`` events)."""
    return dump_section((_MAGIC, IMAGE_FORMAT_VERSION, icoc.__version__, count, config, state))


def dump_section(obj: Any) -> bytes:
    """``obj`` as bytes that :func:`load_section` turns back into an equal object: a part of an
    image's state kept encoded until it is used (the image itself holds these bytes)."""
    buf = io.BytesIO()
    _Pickler(buf).dump(obj)
    return buf.getvalue()


def load_section(data: bytes) -> Any:
    """The object :func:`dump_section` encoded; InvalidInput naming ``snapshot`` if it does not
    load (a section is checked with its image's checksum when the image is read, so this means a
    bug rather than damage)."""
    try:
        with collector_paused():  # many objects allocated, none freed
            return _Unpickler(io.BytesIO(data)).load()
    except Exception as exc:  # a damaged section may fail in any way pickle can
        raise InvalidInput(Problem("snapshot", f"does not load: {type(exc).__name__}: {exc}")) from None


def load_image(image: bytes) -> tuple[int, Any, Any]:
    """``(count, config, state)`` from an image; InvalidInput saying why it cannot be used."""
    loaded = load_section(image)
    if not (isinstance(loaded, tuple) and len(loaded) == 6 and loaded[0] == _MAGIC):
        raise InvalidInput(Problem("snapshot", "is not a registry image"))
    _, version, release, count, config, state = loaded
    if version != IMAGE_FORMAT_VERSION or release != icoc.__version__:
        raise InvalidInput(
            Problem(
                "snapshot",
                f"image format {version} of icoc {release}; this is format {IMAGE_FORMAT_VERSION} of icoc "
                f"{icoc.__version__}",
            )
        )
    if type(count) is not int or count < 0:
        raise InvalidInput(Problem("snapshot", f"bad event count {count!r}"))
    return count, config, state
