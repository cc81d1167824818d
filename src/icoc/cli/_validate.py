"""``icoc validate``: check a registry document or history file, as every command loads it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK, open_registry

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    from icoc.errors import InvalidInput, Problem

    name = "<stdin>" if args.file == "-" else args.file
    # Exactly what every other command does with the file: read it, load it into a live registry
    # (its history must be one the workflows accept) and judge the rules up to its date. Where the
    # rules would have derived something else, the document's facts are kept and reported.
    loaded = open_registry(args.file, None, None)
    reg, when, doc = loaded.registry, loaded.as_of, loaded.document
    with reg:
        found = reg.discrepancies
    if found and args.strict:
        raise InvalidInput(
            [Problem(f"{name}:{d.path or '$'}", str(d).split(": ", 1)[-1] if d.path else str(d)) for d in found]
        )
    for d in found:
        sys.stderr.write(f"icoc: warning: {name}:{d}\n")
    if doc is None:
        sys.stdout.write(f"OK {name}: history of {len(reg.history)} events up to {when.isoformat()}\n")
        return EXIT_OK
    sys.stdout.write(
        f"OK {name}: registry document as of {doc.as_of.isoformat()}: "
        f"{len(doc.companies)} companies, {len(doc.civil_society)} civil society organisations, "
        f"{len(doc.governments)} governments, {len(doc.observers)} observers; "
        f"{len(doc.certificates)} external certificates, {len(doc.icoca_certifications)} ICoCA certifications; "
        f"{len(doc.cases)} compliance cases, {len(doc.complaints)} complaints\n"
    )
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a registry document file",
        description="Load a registry document (JSON, or YAML by suffix; '-' reads JSON or YAML from stdin) and check "
        "every field and cross-reference. Prints one OK line, or one error line naming each problem's path "
        "and exits with status 2. The document is also loaded into a live registry, as every other command "
        "loads it; where the rules would have derived something the document contradicts (a deadline passed "
        "with no recorded consequence), a warning names the record and the rule.",
    )
    p.add_argument("file", metavar="FILE", help="the registry document to check")
    p.add_argument(
        "--strict", action="store_true", help="treat the rules' disagreements with the document as errors (exit 2)"
    )
    p.set_defaults(handler=execute)
