"""Reference data read from ICoCA's public pages, optional: pass it where it helps, or your own.

:func:`certification_bodies` gives the certification bodies ICoCA has named as accepted, per
standard, with the accreditation route and the source of each acceptance (two versions of ICoCA's
list of accepted bodies; the file ``certification_bodies.yaml`` in this package names them and
marks what is read [C] and what is inferred [I]). Use it as a registry's bodies::

    icoc.Registry(certification_bodies=icoc.reference.certification_bodies())
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from icoc.model.standards import CertificationBody

__all__ = ["BODIES_FILE", "BODIES_READ_ON", "certification_bodies"]

BODIES_FILE = "certification_bodies.yaml"
"""The resource name of the body list inside this package."""
BODIES_READ_ON = "2026-12-01"
"""When the current list of accepted bodies was read from ICoCA's page (ISO date)."""


@lru_cache(maxsize=1)
def certification_bodies() -> tuple[CertificationBody, ...]:
    """The certification bodies ICoCA has named as accepted (about fifteen), each with its dated
    acceptances per standard (:class:`~icoc.model.BodyAcceptance`, ``source`` naming the page)."""
    from icoc.io import parse_yaml, structure

    text = files(__name__).joinpath(BODIES_FILE).read_text(encoding="utf-8")
    return structure(parse_yaml(text), tuple[CertificationBody, ...])
