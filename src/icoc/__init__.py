"""icoc: the International Code of Conduct Association as typed data, workflows and cited rules.

``import icoc`` stays light: the model and the converter load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""The installed version of icoc."""

__all__ = ["Registry", "Snapshot", "__version__", "errors"]

if TYPE_CHECKING:
    from icoc import errors
    from icoc.registry import Registry, Snapshot


def __getattr__(name: str) -> Any:
    import importlib

    if name in {"Registry", "Snapshot"}:
        return getattr(importlib.import_module("icoc.registry"), name)
    if name in {"errors", "model", "io", "testing", "cli", "sample", "workflows", "registry"}:
        return importlib.import_module(f"icoc.{name}")
    raise AttributeError(f"module 'icoc' has no attribute {name!r}")
