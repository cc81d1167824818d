"""The durable-rules backend (being written): see DurableBackend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from icoc.errors import RuleError
from icoc.rules._rule import Rule, RuleSet


class DurableBackend:
    name = "durable"

    def __init__(self, rules: RuleSet) -> None:
        raise RuleError("(backend)", "the durable-rules backend is not available yet")

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        raise RuleError("(backend)", "the durable-rules backend is not available yet")

    def close(self) -> None:
        pass
