"""A registry's state as bytes (an *image*), for store snapshots: pickle, restricted on load.

The image holds everything a registry computes from its history (instances, subject kinds and
dates, the rules' obligations, agenda and clock, the indices of derived and claimed events) and
the configuration it was computed with, so that a registry restored from it and fed the rest of
the history is the registry a full replay builds. It is bound to the icoc release and to
:data:`IMAGE_FORMAT_VERSION`: an image from another release or version is refused (the caller
replays instead), never reinterpreted.

Loading only rebuilds classes of icoc itself, dates and plain containers: an image cannot name
any other callable (:class:`_Unpickler`), so a damaged or foreign image fails to load instead
of running code.
"""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import icoc
from icoc.errors import InvalidInput, Problem

__all__ = ["IMAGE_FORMAT_VERSION", "dump_image", "load_image"]

IMAGE_FORMAT_VERSION = 2
"""The layout of an image's state; raised whenever the registry's internal state changes shape."""

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
}


class _Pickler(pickle.Pickler):
    dispatch_table = _DISPATCH


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
    buf = io.BytesIO()
    _Pickler(buf, protocol=5).dump((_MAGIC, IMAGE_FORMAT_VERSION, icoc.__version__, count, config, state))
    return buf.getvalue()


def load_image(image: bytes) -> tuple[int, Any, Any]:
    """``(count, config, state)`` from an image; InvalidInput saying why it cannot be used."""
    collecting = gc.isenabled()
    gc.disable()  # millions of objects allocated, none freed: the cyclic collector would only slow it
    try:
        loaded = _Unpickler(io.BytesIO(image)).load()
    except Exception as exc:  # a damaged image may fail in any way pickle can
        raise InvalidInput(Problem("snapshot", f"does not load: {type(exc).__name__}: {exc}")) from None
    finally:
        if collecting:
            gc.enable()
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
