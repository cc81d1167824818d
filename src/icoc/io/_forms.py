"""Hooks other packages configure on the one converter: attrs classes read and written under
their file keys, and unions told apart by the key an object holds (``{fact: ..., eq: ...}``,
``{all: [...]}``).

Every failure inside these hooks surfaces through :func:`icoc.io.structure` as the same
``InvalidInput`` as a document's, with the path in the file's own keys (``$.rules[2].when.in``):
missing fields read ``required field missing``, extra keys ``unknown key (not a field of ...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from icoc.io._convert import _KEYS, _NAMES, Refused, _describe, converter

__all__ = ["Form", "keyed_union", "register_object"]

T = TypeVar("T")

Hook = Callable[[Any, Any], Any]


def register_object(
    cls: type[T],
    *,
    name: str | None = None,
    keys: Mapping[str, str] | None = None,
    hooks: Mapping[str, Hook] | None = None,
    writers: Mapping[str, Callable[[Any], Any]] | None = None,
    omit_defaults: bool = False,
    always: Collection[str] = (),
    check: Callable[[T], None] | None = None,
) -> None:
    """Read and write the attrs class ``cls`` through the one converter.

    ``keys`` maps a field to its key in files where the two differ (``values`` is written ``in``);
    error paths name the key. ``hooks`` structure single fields (``hook(value, type)``: raise
    :class:`Refused` with a message for people, or ``InvalidInput`` with paths relative to the
    field), ``writers`` unstructure them. With ``omit_defaults`` a field at its default is not
    written, except those in ``always``. ``check(value)`` runs on the built value and may raise
    ``InvalidInput`` with paths relative to the object (``$.payload.colour``). ``name`` is how
    messages call the object (``unknown key (not a field of NAME)``), the class name by default.
    """
    keys = dict(keys or {})
    hooks = dict(hooks or {})
    writers = dict(writers or {})
    names = {a.name for a in attrs.fields(cast(Any, cls))}
    unknown = (set(keys) | set(hooks) | set(writers) | set(always)) - names
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    reads: dict[str, Any] = {n: override(rename=keys.get(n), struct_hook=hooks.get(n)) for n in names}
    writes: dict[str, Any] = {
        n: override(rename=keys.get(n), unstruct_hook=writers.get(n), omit_if_default=False if n in always else None)
        for n in names
    }
    shown = name or cls.__name__
    # Generated on first use: building them costs milliseconds each, and field types (a union
    # registered later) are looked up then.
    built: dict[str, Callable[..., Any]] = {}

    def structure(value: object, _: type) -> T:
        if not isinstance(value, dict):
            raise Refused(f"expected an object ({shown}), got {_describe(value)}")
        read = built.get("read") or built.setdefault("read", make_dict_structure_fn(cls, converter, **reads))
        out: T = read(value, cls)
        if check is not None:
            check(out)
        return out

    def unstructure(value: T) -> Any:
        write = built.get("write") or built.setdefault(
            "write", make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=omit_defaults, **writes)
        )
        return write(value)

    converter.register_structure_hook(cls, structure)
    converter.register_unstructure_hook(cls, unstructure)
    _KEYS[cls] = keys
    _NAMES[cls] = shown


@attrs.frozen
class Form:
    """One form of a keyed union: the objects holding ``key`` are read as ``shape`` (an attrs
    class registered with :func:`register_object`), turned into the value by ``build``; a value
    is written in this form when ``write`` gives a shape for it (by default: values of class
    ``shape`` itself)."""

    key: str
    shape: type
    build: Callable[[Any], Any] | None = None
    write: Callable[[Any], Any] | None = None


def keyed_union(
    base: type,
    forms: Iterable[Form],
    *,
    what: str,
    read_other: Callable[[object], Any] | None = None,
    write_other: Callable[[Any], Any] | None = None,
) -> None:
    """Read fields typed ``base`` as one of ``forms``, told apart by which form's key the object
    holds (exactly one), and write every subclass of ``base`` in its form.

    ``read_other`` reads a value that is not an object (``true`` for a condition that always
    holds) and raises :class:`Refused` when it cannot; ``write_other`` writes a value no form
    writes. ``what`` names the union in messages (``a condition``).
    """
    table = {f.key: f for f in forms}
    listed = ", ".join(table)

    def structure(value: object, _: type) -> Any:
        if not isinstance(value, dict):
            if read_other is not None:
                return read_other(value)
            raise Refused(f"expected {what} (an object with one of {listed}), got {_describe(value)}")
        found = [k for k in value if k in table]
        if len(found) != 1:
            held = f", got {' and '.join(map(str, found))}" if found else ""
            raise Refused(f"{what} needs exactly one of {listed}{held}")
        form = table[found[0]]
        shape = converter.get_structure_hook(form.shape)(value, form.shape)
        return form.build(shape) if form.build is not None else shape

    def unstructure(value: Any) -> Any:
        for form in table.values():
            if form.write is None:
                shape = value if type(value) is form.shape else None
            else:
                shape = form.write(value)
            if shape is not None:
                return converter.get_unstructure_hook(form.shape)(shape)
        if write_other is not None:
            return write_other(value)
        raise TypeError(f"cannot write {type(value).__name__} as {what}")

    converter.register_structure_hook_func(lambda t: t is base, structure)
    converter.register_unstructure_hook_func(lambda t: isinstance(t, type) and issubclass(t, base), unstructure)
