"""The ``icoc`` command line.

One module per command (``icoc.cli._check`` for ``icoc check``...), each with an ``add(sub)`` that
registers its sub-parser and an ``execute(args) -> int`` that runs it; add a command by writing
its module and listing its ``add`` in ``_REGISTRATIONS``. What the commands share (exit statuses,
the one-line error, argument types, reading a registry from a file or stdin, rich output) is
``icoc.cli._shared``; opening a registry file is the library's :func:`icoc.files.load_registry`.
Commands import what they need inside ``execute``, so ``icoc --help`` stays fast. Errors icoc
raises on purpose (:class:`icoc.errors.IcocError`) and file errors become one
``icoc: error: ...`` line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from icoc.cli import (
    _check,
    _demo,
    _diagram,
    _explain,
    _report,
    _rules,
    _sample,
    _schema,
    _simulate,
    _template,
    _validate,
)
from icoc.cli._shared import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_NOT_ELIGIBLE,
    EXIT_OK,
    EXIT_UNDETERMINED,
)
from icoc.cli._shared import error as _error
from icoc.cli._shared import problems as _problems
from icoc.cli._simulate import _SIMULATION_TABLES as _SIMULATION_TABLES

if TYPE_CHECKING:
    from icoc.cli._shared import Sub

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "EXIT_NOT_ELIGIBLE", "EXIT_OK", "EXIT_UNDETERMINED", "build_parser", "main"]

_REGISTRATIONS: tuple[Callable[[Sub], None], ...] = (
    _demo.add,
    _sample.add,
    _schema.add,
    _validate.add,
    _diagram.add,
    _rules.add,
    _explain.add,
    _report.add,
    _check.add,
    _template.add,
    _simulate.add,
)
"""One entry per command, in the order ``icoc --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one ``icoc: error:`` line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("icoc").strip()
        where = f"{command}: " if command else ""
        _error(f"{where}{message} (see '{self.prog} --help' for usage)")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The ``icoc`` command's argument parser, one sub-command per command."""
    from icoc import __version__

    parser: argparse.ArgumentParser = _Parser(  # its sub-commands parse with _Parser too
        prog="icoc",
        description="The International Code of Conduct Association (ICoCA) as typed data, workflows and rules.",
    )
    parser.add_argument("--version", action="version", version=f"icoc {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)
    for register in _REGISTRATIONS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script passes it to ``sys.exit``)."""
    from icoc.errors import IcocError

    parser = build_parser()
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
