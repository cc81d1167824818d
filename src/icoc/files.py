"""Registry files: a registry document or a saved history, opened as a live registry.

:func:`load_registry` is what every ``icoc`` command that reads a registry (``validate``,
``check``, ``explain``, ``report``) does with its file: read it (JSON, or YAML by suffix), tell a
history (an object with ``events``) from a registry document, load it into a
:class:`~icoc.registry.Registry` under the given rules, and let the rules judge everything due up
to the date it is opened as of. :func:`registry_from_data` does the same with data already read
(from stdin, a database, a web request).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from icoc.defaults import DEFAULT, Default
from icoc.errors import IcocError, InvalidInput, Problem
from icoc.io import read_data, structure
from icoc.model import RegistryDocument
from icoc.model.dates import checked_date
from icoc.model.events import History
from icoc.registry import Registry
from icoc.rules import DEFAULT_RULES, RuleSet

__all__ = ["LoadedRegistry", "load_registry", "registry_from_data"]


@attrs.frozen
class LoadedRegistry:
    """A registry file opened: the live registry, the date it was advanced to, and the document.

    The registry is yours to close (``with loaded.registry as reg: ...``): a durable-rules
    backend holds memory until :meth:`~icoc.registry.Registry.close`.
    """

    registry: Registry
    """The live registry: the file's history (or the history that leads to the document), with
    every rule judged up to :attr:`as_of`."""
    as_of: date
    """The date the registry was advanced to: the ``as_of`` asked for, else the document's
    ``as_of``, else the date of the history's last event."""
    document: RegistryDocument | None
    """The registry document the file held; ``None`` when it held a history."""


def load_registry(
    path: str | os.PathLike[str], *, as_of: date | None = None, rules: RuleSet | Default = DEFAULT
) -> LoadedRegistry:
    """Open a registry file as a live registry advanced to ``as_of``.

    ``path`` is a JSON file, or YAML when its suffix is ``.yaml`` or ``.yml``, holding either a
    history (``{"events": [...]}``, as :class:`~icoc.model.events.History` writes it) or a
    registry document (:class:`~icoc.model.RegistryDocument`, a snapshot as of its date of the
    records the ICoCA Articles of Association's processes keep: membership, Art. 3; certification,
    Art. 11; monitoring, Art. 12; complaints, Art. 13). ``as_of`` defaults to the document's
    ``as_of``, or the date of the history's last event; the rules (``rules``, default
    :data:`~icoc.rules.DEFAULT_RULES`) judge every deadline due up to it. A history's derived
    events must follow again from ``rules``.

    Raises :class:`~icoc.errors.InvalidInput`, nothing half-built, whose problems name the file
    and the path inside it: ``FILE: cannot read file`` or bad syntax; ``FILE:$.companies[3].joined:
    ...`` for a document field or record the workflows refuse; ``FILE:$.events[7]: ...`` for the
    first history event refused (an illegal transition included); ``FILE: an empty history...``
    when the history has no event and ``as_of`` is not given.
    """
    if isinstance(path, (str, os.PathLike)) and os.path.splitext(path)[1].lower() in (".csv", ".xlsx"):
        message = "a bidder list (CSV, XLSX) is not a registry file: read it with icoc.bidders.read_bidders"
        raise InvalidInput(Problem(os.fspath(path), message))
    return registry_from_data(read_data(path), source=os.fspath(path), as_of=as_of, rules=rules)


def registry_from_data(
    data: Any, *, source: str, as_of: date | None = None, rules: RuleSet | Default = DEFAULT
) -> LoadedRegistry:
    """:func:`load_registry` on plain data already read (dicts and lists, as from
    :func:`icoc.io.parse_json`): a mapping with ``events`` is a history, anything else must be a
    registry document. ``source`` names the data in problems (``<stdin>:$.events[7]``); the
    errors are those of :func:`load_registry`.
    """
    if as_of is not None:  # an argument, not a path in the data: checked before anything is built
        as_of = checked_date(as_of, "as_of")
    resolved = DEFAULT_RULES if rules is DEFAULT else rules
    doc: RegistryDocument | None = None
    if isinstance(data, Mapping) and "events" in data:
        try:
            history = structure(data, History)
        except InvalidInput as exc:
            raise exc.under(f"{source}:$") from None
        try:
            reg = Registry.from_history(history, rules=resolved)
        except IcocError as exc:  # name the event refused: its path in the file
            at = f"{source}:$" if exc.batch_index is None else f"{source}:$.events[{exc.batch_index}]"
            if isinstance(exc, InvalidInput):
                raise exc.under(at) from None
            raise InvalidInput(Problem(at, str(exc))) from None
        default = max((e.effective for e in history.events), default=None)
    else:
        try:
            doc = structure(data, RegistryDocument)
        except InvalidInput as exc:
            raise exc.under(f"{source}:$") from None
        try:
            reg = Registry.from_document(doc, rules=resolved)
        except InvalidInput as exc:
            raise exc.under(f"{source}:$") from None
        default = doc.as_of
    when = as_of or default
    if when is None:
        reg.close()
        raise InvalidInput(Problem(source, "an empty history: give as_of (--as-of on the command line)"))
    if reg.clock is None or reg.clock < when:
        try:
            reg.advance_to(when)
        except InvalidInput as exc:
            reg.close()
            raise exc.under(f"{source}:$") from None
    return LoadedRegistry(registry=reg, as_of=when, document=doc)
