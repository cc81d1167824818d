"""Images: a registry's computed state as bytes for an event store's snapshot, and back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from icoc.errors import InvalidInput, Problem
from icoc.model.events import Event
from icoc.registry._asof import AsOfIndex
from icoc.registry._writing import _Writing

__all__: list[str] = []


def _config(reg: _Writing) -> tuple[Any, ...]:
    engine = reg._engine
    return (engine.rules if engine else None, reg._params, reg._settings)


def image_of(reg: _Writing) -> bytes:
    """``reg``'s state and configuration as bytes (see ``Registry.image``)."""
    if reg._veto is not None:
        raise InvalidInput(Problem("registry", "a registry importing a document has no image yet"))
    engine = reg._engine
    rules_state = engine.state() if engine is not None else None
    core = reg._core
    state = (
        (core.instances, core.by_subject, core.kinds, core.last),
        reg._latest,
        reg._subject_events,
        reg._discrepancies,
        reg._claimed,
        reg._derived,
        rules_state,
    )
    # Not a cycle: pickle loads only when an image is taken or read (``import icoc`` stays light).
    from icoc._image import dump_image

    return dump_image(_config(reg), len(reg._history), state)


def read_image(image: bytes) -> tuple[int, Any, Any]:
    """``(count, config, state)`` from an image's bytes; InvalidInput saying why it cannot be used."""
    from icoc._image import load_image

    return load_image(image)


def restore_image(reg: _Writing, loaded: tuple[int, Any, Any], history: Callable[[], Iterable[Event]]) -> None:
    """Put a loaded image (``load_image``'s ``(count, config, state)``) into a new registry of the
    same configuration, or raise InvalidInput saying why it cannot be used."""
    count, image_config, state = loaded
    if image_config != _config(reg):
        raise InvalidInput(
            Problem("snapshot", "was taken with other rules, parameters, standards or certification bodies")
        )
    try:
        core_state, latest, subject_events, discrepancies, claimed, derived, rules_state = state
        core = reg._core
        core.instances, core.by_subject, core.kinds, core.last = core_state
        if (rules_state is None) != (reg._engine is None):
            raise ValueError("rules state does not match the configuration")
        if reg._engine is not None:
            reg._engine.restore(rules_state)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(Problem("snapshot", f"holds a state of the wrong shape: {exc}")) from None
    reg._latest = latest
    reg._subject_events = subject_events
    reg._discrepancies = discrepancies
    reg._claimed = claimed
    reg._derived = derived
    reg._asof = AsOfIndex(complete=False, latest=latest)  # rebuilt when a past date is asked for
    reg._history.defer(count, history)
