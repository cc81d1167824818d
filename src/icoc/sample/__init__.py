"""The built-in sample registry: about fifty fictional companies, CSOs, governments and observers,
with certificates, self-assessments, compliance cases, complaints, a board and payments, as of
2026-06-30.

Every name in it is invented (only the country codes are real). It is package data, written by
``scripts/make_sample.py`` and read here through the public loader, so it is also a test of
:mod:`icoc.io`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icoc.model import RegistryDocument

__all__ = ["SAMPLE_FILE", "load_sample", "sample_text"]

SAMPLE_FILE = "registry.json"
"""The resource name of the sample inside this package."""


def sample_text() -> str:
    """The sample registry document as JSON text, exactly as shipped."""
    return files(__name__).joinpath(SAMPLE_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_sample() -> RegistryDocument:
    """The sample as a checked :class:`~icoc.model.RegistryDocument` (immutable, so it is cached)."""
    from icoc.io import loads
    from icoc.model import RegistryDocument

    return loads(sample_text(), RegistryDocument)
