"""Shared test setup: hypothesis settings and the list of public model classes to parametrize over."""

from __future__ import annotations

import inspect
from typing import Any

import attrs
import pytest
from hypothesis import settings

import icoc.model
import icoc.testing  # (registers st.from_type strategies for every model class)

# Registry documents take tens of milliseconds to build; on a loaded CI machine the default
# 200 ms per-example deadline would make timing, not behaviour, fail a test.
settings.register_profile("icoc", deadline=None)
settings.load_profile("icoc")

PUBLIC_CLASSES: list[type[Any]] = sorted(
    (obj for name in icoc.model.__all__ if inspect.isclass(obj := getattr(icoc.model, name))),
    key=lambda c: c.__name__,
)
"""Every class icoc.model exports: attrs classes and enums."""
ATTRS_CLASSES: list[type[Any]] = [c for c in PUBLIC_CLASSES if attrs.has(c)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``model_class`` runs a test once per public class, ``attrs_class`` once per attrs class."""
    for fixture, classes in (("model_class", PUBLIC_CLASSES), ("attrs_class", ATTRS_CLASSES)):
        if fixture in metafunc.fixturenames:
            metafunc.parametrize(fixture, classes, ids=[c.__name__ for c in classes])
