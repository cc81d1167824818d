"""``icoc report``: the tables ICoCA publishes (the monitoring summary of a year)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK, iso_date, open_registry

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    import csv
    import json

    from icoc.errors import InvalidInput, Problem
    from icoc.model.dates import FIRST_DATE, LAST_DATE
    from icoc.report import monitoring_report

    if not FIRST_DATE.year <= args.year <= LAST_DATE.year:
        raise InvalidInput(
            Problem("--year", f"{args.year} is outside the supported years {FIRST_DATE.year}..{LAST_DATE.year}")
        )
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    if args.as_of is not None and args.as_of < start:
        raise InvalidInput(Problem("--as-of", f"{args.as_of.isoformat()} is before {args.year} starts"))
    loaded = open_registry(args.registry, args.as_of, args.rules)
    reg, doc = loaded.registry, loaded.document
    # A document is a snapshot as of its date: without --as-of, the rules do not run past it
    # (the report then says it counted part of the year). A history runs to the end of the year.
    as_of = args.as_of or (min(end, doc.as_of) if doc is not None else end)
    if as_of < start:
        raise InvalidInput(
            Problem(args.registry, f"the document is as of {as_of.isoformat()}, before {args.year}: give --as-of")
        )
    if reg.clock is None or reg.clock < as_of:
        reg.advance_to(as_of)
    report = monitoring_report(reg, args.year, as_of=as_of)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.data(), indent=2) + "\n")
    elif args.format == "csv":
        csv.writer(sys.stdout, lineterminator="\n").writerows(report.csv_rows())
    else:
        sys.stdout.write(report.text() + "\n")
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "report",
        help="the tables ICoCA publishes (monitoring summary of a year)",
        description="Load a registry (document or history), fire the rules up to the end of --year (a document: "
        "up to its as_of when that is earlier; or --as-of) and print ICoCA's monitoring tables for that year: "
        "members by status, self-assessments sent and received, cases by source and category, complaints by "
        "admissibility and member or not, terminations by ground; a year counted only in part says so. Counts "
        "only: the report is public.",
    )
    p.add_argument("kind", choices=("monitoring",), help="the report: monitoring (ICoCA's annual summary)")
    p.add_argument("registry", metavar="REGISTRY", help="a registry document or history file (JSON or YAML)")
    p.add_argument("--year", type=int, required=True, metavar="YEAR", help="the calendar year reported")
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="count up to DATE, within the year (default: 31 December, or a document's as_of when earlier; "
        "a later DATE lets the rules run past the document)",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the default rules")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(handler=execute)
