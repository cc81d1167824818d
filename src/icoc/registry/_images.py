"""Images: a registry's computed state as bytes for an event store's snapshot, and back.

An image holds the registry's state in three encoded *sections* (instances, the registry's
books, the rules' obligations and agenda), each decoded the first time a query or an event
needs it: reopening a store reads the image and decodes nothing large until it is used."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from icoc.errors import InvalidInput, Problem
from icoc.model.events import Event
from icoc.registry._asof import AsOfIndex
from icoc.registry._writing import _BOOKS, _Writing

__all__: list[str] = []


def _config(reg: _Writing) -> tuple[Any, ...]:
    engine = reg._engine
    return (engine.rules if engine else None, reg._params, reg._settings)


def image_of(reg: _Writing) -> bytes:
    """``reg``'s state and configuration as bytes (see ``Registry.image``)."""
    if reg._veto is not None:
        raise InvalidInput(Problem("registry", "a registry importing a document has no image yet"))
    # Not a cycle: pickle loads only when an image is taken or read (``import icoc`` stays light).
    from icoc.registry._image import dump_image, dump_section

    engine = reg._engine
    rules: tuple[Any, ...] | None = None
    if engine is not None:
        full = engine.state()
        *deferred, serial, clock = full
        rules = (clock, serial, dump_section(tuple(deferred)))
    state = (
        reg._latest,
        dump_section(reg._core.state()),
        dump_section(tuple(getattr(reg, name) for name in _BOOKS)),
        rules,
    )
    return dump_image(_config(reg), len(reg._history), state)


def read_image(image: bytes) -> tuple[int, Any, Any]:
    """``(count, config, state)`` from an image's bytes; InvalidInput saying why it cannot be used."""
    from icoc.registry._image import load_image

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
        latest, core_section, books_section, rules = state
        if not isinstance(core_section, bytes) or not isinstance(books_section, bytes):
            raise TypeError("sections are not bytes")
        if (rules is None) != (reg._engine is None):
            raise ValueError("rules state does not match the configuration")
        if reg._engine is not None:
            clock, serial, rules_section = rules
            if not isinstance(rules_section, bytes) or type(serial) is not int:
                raise TypeError("the rules section is not bytes or its serial not a number")
            reg._engine.restore_later(clock, serial, _section(rules_section, 7))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(Problem("snapshot", f"holds a state of the wrong shape: {exc}")) from None
    reg._core.defer(_section(core_section, 4))
    reg._defer_books(_section(books_section, len(_BOOKS)))
    reg._latest = latest
    reg._asof = AsOfIndex(complete=False, latest=latest)  # rebuilt when a past date is asked for
    reg._history.defer(count, history)


def _section(data: bytes, parts: int) -> Callable[[], Any]:
    """Decodes one section of an image (a tuple of ``parts`` parts) when called."""

    def load() -> Any:
        from icoc.registry._image import load_section

        got = load_section(data)
        if not (isinstance(got, tuple) and len(got) == parts):
            raise InvalidInput(Problem("snapshot", f"holds a section of the wrong shape (not {parts} parts)"))
        return got

    return load
