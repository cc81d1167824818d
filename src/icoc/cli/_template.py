"""``icoc template``: an empty bidder list (CSV or XLSX) to fill and check."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icoc.bidders import write_template
    from icoc.errors import InvalidInput, Problem

    fmt = args.format or (Path(args.out).suffix.lower().lstrip(".") if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(Problem("--format", f"a template is csv or xlsx, not {fmt!r}"))
    if fmt == "xlsx" and not args.out:
        raise InvalidInput(Problem("--format xlsx", "an XLSX template is written to a file: give --out FILE.xlsx"))
    write_template(args.out or sys.stdout, format=fmt)
    if args.out:
        sys.stderr.write(f"wrote {args.out}: fill one row per bidder, then run: icoc check {args.out}\n")
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "template",
        help="write an empty bidder list (CSV or XLSX) to fill and check",
        description="Write a bidder list with the header row and one filled example row (fictional): one row "
        "per company, one column per fact (company, country, ICoCA status, joined, certificate, latest "
        "self-assessment, open proceedings...). Leave a cell empty when you do not know it.",
    )
    p.add_argument("--format", choices=("csv", "xlsx"), help="csv (default, to stdout) or xlsx (needs --out)")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (format by suffix unless --format)")
    p.set_defaults(handler=execute)
