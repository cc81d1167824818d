"""``icoc diagram``: a process's state machine as a Mermaid diagram."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    from icoc.errors import InvalidInput, Problem
    from icoc.workflows import PROCESSES

    if args.list or args.process is None:
        for name, table in PROCESSES.items():
            sys.stdout.write(f"{name}\t{table.title}\n")
        return EXIT_OK
    if args.process not in PROCESSES:
        raise InvalidInput(Problem("PROCESS", f"unknown process {args.process!r} (known: {', '.join(PROCESSES)})"))
    sys.stdout.write(PROCESSES[args.process].mermaid())
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "diagram",
        help="print a process's state machine as Mermaid",
        description="Print the Mermaid stateDiagram of a process, generated from its transition table.",
    )
    p.add_argument("process", nargs="?", metavar="PROCESS", help="a process name (see --list)")
    p.add_argument("--list", action="store_true", help="list the processes")
    p.set_defaults(handler=execute)
