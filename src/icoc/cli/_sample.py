"""``icoc sample``: the built-in sample registry as JSON, as an audience may see it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK, audience_option

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    from icoc.io import Audience, dumps
    from icoc.sample import load_sample, sample_text

    if args.audience == Audience.FULL:
        sys.stdout.write(sample_text())
        return EXIT_OK
    doc = load_sample()
    member = args.audience.member
    if member is not None and all(m.id != member for m in doc.members()):
        from icoc.errors import InvalidInput, Problem

        raise InvalidInput(Problem("--audience", f"no member {member!r} in the sample (`icoc demo` lists them)"))
    sys.stdout.write(dumps(doc, audience=args.audience) + "\n")
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "sample",
        help="print the built-in sample registry as JSON",
        description="Print the built-in sample registry document (fictional data) as JSON on stdout, as "
        "--audience may see it (public by default; --audience full prints the file as shipped).",
    )
    audience_option(p)
    p.set_defaults(handler=execute)
