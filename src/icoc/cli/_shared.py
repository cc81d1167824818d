"""What every command shares: exit statuses, the one-line error, argument types and options,
reading a registry from a file or stdin, and rich output sized to the terminal.

Like the commands, these import what they need inside the function, so that ``import icoc.cli``
and ``icoc --help`` stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing import TypeAlias

    from rich.table import Table

    from icoc.files import LoadedRegistry
    from icoc.io import Audience
    from icoc.model import RegistryDocument

    Sub: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    """What a command's ``add(sub)`` registers its sub-parser with."""

T = TypeVar("T")

EXIT_OK = 0
"""Exit status for success."""
EXIT_NOT_ELIGIBLE = 1
"""``icoc check``: at least one company is not eligible."""
EXIT_ERROR = 2
"""Exit status for bad input, unreadable files and usage errors (argparse uses 2 too)."""
EXIT_UNDETERMINED = 3
"""``icoc check``: no company is not eligible, but at least one is undetermined (unknowns only)."""
EXIT_INTERNAL = 4
"""An unexpected failure inside icoc (a bug): one line on stderr, never a traceback, and never
the 1 that ``icoc check`` uses for "not eligible"."""

BIDDER_SUFFIXES = (".csv", ".xlsx", ".xlsm")
"""The suffixes of a bidder list (read by ``icoc check`` and ``icoc simulate --registry``)."""


# --- errors -------------------------------------------------------------------------------


def error(message: str, status: int = EXIT_ERROR) -> int:
    """Print ``icoc: error: MESSAGE`` as one line on stderr; returns ``status``."""
    text = " ".join(message.split()) or "failed"  # one line, whatever the message held
    if len(text) > 2000:
        text = text[:1997] + "..."
    print(f"icoc: error: {text}", file=sys.stderr)
    return status


def problems(exc: Exception) -> int:
    """One line per problem of an InvalidInput (at most 100, then how many more)."""
    from icoc.errors import InvalidInput

    if not isinstance(exc, InvalidInput) or len(exc.problems) < 2:
        return error(str(exc))
    shown = exc.problems[:100]
    for p in shown:
        error(str(p))
    if len(exc.problems) > len(shown):
        error(f"... and {len(exc.problems) - len(shown)} more problems")
    for note in getattr(exc, "__notes__", []):
        error(str(note))
    return EXIT_ERROR


# --- argument types and options -------------------------------------------------------------


def iso_date(text: str) -> date:
    """An argparse type: a date ``YYYY-MM-DD`` within the dates icoc supports."""
    from icoc.errors import preview
    from icoc.model import date_problem

    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {preview(text)}") from None
    problem = date_problem(d)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return d


def audience(text: str) -> Audience:
    """An argparse type: an :class:`icoc.io.Audience` (``public``, ``company:ID``...)."""
    from icoc.io import Audience

    try:
        return Audience.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def audience_option(p: argparse.ArgumentParser, what: str = "the JSON") -> None:
    """``--audience WHO``: who the output is for."""
    p.add_argument(
        "--audience",
        type=audience,
        default="public",
        metavar="WHO",
        help=f"who {what} is for: public (default), members, company:ID, secretariat, confidential or full; "
        "fields above it are replaced by a [redacted: LEVEL] marker",
    )


def registry_options(p: argparse.ArgumentParser) -> None:
    """``--as-of`` and ``--rules``, as commands that open a registry file take them."""
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="decision date (default: the document's as_of, or the history's last event)",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the default rules")


# --- reading a registry ---------------------------------------------------------------------


def refuse_bidder_list(path: str) -> None:
    """A bidder list where a registry is read: say so (reading it as JSON would say "not valid JSON")."""
    from icoc.errors import InvalidInput, Problem

    if path != "-" and path.lower().endswith(BIDDER_SUFFIXES):
        raise InvalidInput(
            Problem(
                path,
                "a bidder list (CSV, XLSX) is read by `icoc check` and `icoc simulate --registry`; "
                "this command reads a registry file (JSON or YAML)",
            )
        )


def stdin_data() -> Any:
    """Plain data from stdin: JSON, or YAML when it is not JSON (a byte-order mark is skipped)."""

    from icoc.errors import InvalidInput, Problem
    from icoc.io import parse_json, parse_yaml

    text = sys.stdin.read().removeprefix("\ufeff")
    try:
        return parse_json(text, "<stdin>")
    except InvalidInput as exc:
        json_error = exc
    if text.lstrip()[:1] in ("{", "["):  # JSON that is wrong: say why, not what YAML thinks
        raise json_error
    try:
        data = parse_yaml(text, "<stdin>")
    except InvalidInput:
        raise json_error from None
    if not isinstance(data, dict | list):
        raise InvalidInput(Problem("<stdin>", f"neither a JSON nor a YAML document: {json_error}"))
    return data


def read_document(path: str) -> RegistryDocument:
    """A registry document from ``path`` (JSON or YAML; ``-``: stdin), not loaded into a registry."""
    from icoc.io import load, structure
    from icoc.model import RegistryDocument

    refuse_bidder_list(path)
    if path == "-":
        return structure(stdin_data(), RegistryDocument)
    return load(path, RegistryDocument)


def open_registry(path: str, as_of: date | None, rules_file: str | None) -> LoadedRegistry:
    """:func:`icoc.files.load_registry` on a command's arguments: ``path`` (``-``: stdin), its
    ``--as-of`` and ``--rules``; a bidder list is refused with a word on which command reads it."""
    from icoc.defaults import DEFAULT
    from icoc.files import load_registry, registry_from_data
    from icoc.rules import load_rules

    refuse_bidder_list(path)
    rules = load_rules(rules_file) if rules_file else DEFAULT
    if path == "-":
        return registry_from_data(stdin_data(), source="<stdin>", as_of=as_of, rules=rules)
    return load_registry(path, as_of=as_of, rules=rules)


# --- output ---------------------------------------------------------------------------------


def new_table(title: str, columns: list[str], no_wrap: Sequence[str] = ()) -> Table:
    """A table whose ``no_wrap`` columns (ids, names users type) are never wrapped nor cut: the
    other columns wrap to make room."""
    from rich.table import Table

    out = Table(title=title, title_justify="left")
    for c in columns:
        if c in no_wrap:
            out.add_column(c, no_wrap=True, overflow="fold")
        else:
            out.add_column(c, overflow="fold")
    return out


def output_width() -> int | None:
    """The output width: ``COLUMNS`` when set, the terminal's when stdout is one, else the
    terminal the user sits at (stderr's) when output is redirected, else 100."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return None
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def show(renderable: object) -> None:
    """Print a rich renderable (a table) on stdout, at :func:`output_width`."""
    from rich.console import Console

    Console(file=sys.stdout, highlight=False, width=output_width()).print(renderable)


def with_progress(items: Iterable[T], total: int) -> list[T]:
    """Collect ``items``, with a progress bar on stderr for large terminal runs."""
    if total < 2000 or not sys.stderr.isatty():
        return list(items)
    from rich.progress import track

    return list(track(items, total=total, description="checking", console=None, transient=True))
