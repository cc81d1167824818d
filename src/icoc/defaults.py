"""``DEFAULT``: the marker for "this argument takes the library's default".

A default such as the whole default rule set, printed in a signature, buries the signature
(``help(Registry)`` would open with thousands of characters of rules). Functions whose default is
a large value take ``DEFAULT`` instead, whose repr is one word, and resolve it inside. Being the
only member of an enum, it narrows under ``is`` for type checkers::

    def build(rules: RuleSet | None | Default = DEFAULT) -> ...:
        resolved = DEFAULT_RULES if rules is DEFAULT else rules
"""

from __future__ import annotations

from enum import Enum
from typing import Final

__all__ = ["DEFAULT", "Default"]


class Default(Enum):
    """The type of :data:`DEFAULT` (an enum of one member, so ``x is DEFAULT`` narrows ``x``)."""

    DEFAULT = "DEFAULT"

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Final = Default.DEFAULT
"""Stands for "the library's default" in a signature; passing it is the same as passing nothing."""
