"""The ``icoc`` command line.

One module per command (``icoc.cli._check`` for ``icoc check``...), each with an ``add(sub)`` that
registers its sub-parser and an ``execute(args) -> int`` that runs it; add a command by writing
its module and listing it in ``_COMMANDS``. What the commands share (exit statuses,
the one-line error, argument types, reading a registry from a file or stdin, rich output) is
``icoc.cli._shared``; opening a registry file is the library's :func:`icoc.files.load_registry`.
Commands import what they need inside ``execute``, and a run imports only its own command's
module (every module when the command is not known yet: ``icoc --help``, a misspelt command), so
the command line starts fast. Errors icoc
raises on purpose (:class:`icoc.errors.IcocError`) and file errors become one
``icoc: error: ...`` line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from icoc.cli._shared import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_NOT_ELIGIBLE,
    EXIT_OK,
    EXIT_UNDETERMINED,
)
from icoc.cli._shared import error as _error
from icoc.cli._shared import problems as _problems

if TYPE_CHECKING:
    from icoc.cli._shared import Sub

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "EXIT_NOT_ELIGIBLE", "EXIT_OK", "EXIT_UNDETERMINED", "build_parser", "main"]

_COMMANDS: tuple[str, ...] = (
    "demo",
    "sample",
    "schema",
    "validate",
    "diagram",
    "rules",
    "explain",
    "report",
    "check",
    "template",
    "simulate",
)
"""One entry per command (its module is ``icoc.cli._<command>``), in the order ``icoc --help``
lists them."""


def _register(command: str) -> Callable[[Sub], None]:
    register: Callable[[Sub], None] = importlib.import_module(f"icoc.cli._{command}").add
    return register


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one ``icoc: error:`` line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("icoc").strip()
        where = f"{command}: " if command else ""
        _error(f"{where}{message} (see '{self.prog} --help' for usage)")
        raise SystemExit(EXIT_ERROR)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``icoc`` command's argument parser, one sub-command per command (``command``: that
    command's in full, the others by name only, so that only its module is imported)."""
    from icoc import __version__

    parser: argparse.ArgumentParser = _Parser(  # its sub-commands parse with _Parser too
        prog="icoc",
        description="The International Code of Conduct Association (ICoCA) as typed data, workflows and rules.",
    )
    parser.add_argument("--version", action="version", version=f"icoc {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        if command is None or name == command:
            _register(name)(sub)
        else:
            sub.add_parser(name)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs when its first word names one (options before it are the main
    parser's own: ``--help``, ``--version``), else None."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in _COMMANDS and argv[0] == first else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script passes it to ``sys.exit``)."""
    from icoc.errors import IcocError

    parser = build_parser(_command_of(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (already printed by argparse)
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_ERROR)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except IcocError as exc:
        return _problems(exc)
    except BrokenPipeError:  # e.g. `icoc sample | head`: the reader left, nothing to report
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        return _error("the input is nested too deeply")
    except MemoryError:
        return _error("out of memory (the input or the requested size is too large)")
    except Exception as exc:  # a bug: still one line, and an exit status no command uses for a result
        return _error(f"internal error ({type(exc).__name__}: {exc}); please report it", EXIT_INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot raise again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
