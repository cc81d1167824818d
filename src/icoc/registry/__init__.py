"""The registry engine users hold: submit events, query state as of any date, keep history.

History is the truth: an append-only list of events. The current state is kept incrementally
(one event touches only the instances of its subject), and any past state is a replay of the
history up to a date (:meth:`Registry.replay`, the one fold of events into state, which
explanations use too).
"""

from __future__ import annotations

from icoc.registry._core import View
from icoc.registry._queries import Discrepancy, Snapshot
from icoc.registry._registry import Registry, RegistryConfig
from icoc.registry._writing import collector_paused

__all__ = ["Discrepancy", "Registry", "RegistryConfig", "Snapshot", "View", "collector_paused"]
