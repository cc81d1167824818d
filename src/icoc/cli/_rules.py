"""``icoc rules``: the rules (or the dated parameters) as a table or a rule-set document."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK, new_table, output_width, show

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    import json

    from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES, load_rules, rule_to_data

    rules = load_rules(args.rules) if args.rules else DEFAULT_RULES
    if args.parameters:
        rows = [
            {
                "name": p.name,
                "mark": p.mark.value,
                # as a scenario's `parameters:` reads them: true/false, integers, ISO dates, "30 days"
                "values": {
                    s.effective_from.isoformat(): s.value if isinstance(s.value, (bool, int)) else str(s.value)
                    for s in p.history
                },
                "description": p.description,
                "reference": p.reference,
            }
            for p in DEFAULT_PARAMETERS
        ]
        if args.format == "json":
            sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
            return EXIT_OK
        table = new_table("Parameters", ["name", "mark", "value", "reference"], no_wrap=("name",))
        for row in rows:
            values = row["values"]
            assert isinstance(values, dict)
            texts = {d: json.dumps(v) if isinstance(v, bool) else str(v) for d, v in values.items()}
            shown = "; ".join(v if d == "0001-01-01" else f"{v} from {d}" for d, v in texts.items())
            table.add_row(str(row["name"]), str(row["mark"]), shown, str(row["reference"]))
        show(table)
        return EXIT_OK
    if args.format == "json":
        data = {"base": "none", "rules": [rule_to_data(r) for r in rules]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    import shutil

    width = output_width() or shutil.get_terminal_size().columns
    # Ids and parameter names are never cut: on a narrow terminal each rule's title, citation and
    # period share one column, wide enough for the longest parameter name.
    narrow = width < 120
    columns = ["id", "rule"] if narrow else ["id", "title", "citation", "in force"]
    table = new_table("Rules", columns, no_wrap=("id",))
    from rich.text import Text

    for r in rules:
        rid, title = (r.id, r.title) if r.exception_of is None else (f"  {r.id}", f"(exception) {r.title}")
        # The sentence the rule implements, and the values of the parameters it reads (titles
        # never hard-code them).
        said = [("\n" + r.text, "italic")] if r.text else []
        read = [
            f"{n} = " + "; ".join(json.dumps(s.value) if isinstance(s.value, bool) else str(s.value) for s in steps)
            for n in r.param_names()
            if (steps := DEFAULT_PARAMETERS[n].history)
        ]
        reads = [("\n" + "; ".join(read), "dim")] if read else []
        cited = str(r.citation) + ("" if r.citation.mark == "confirmed" else f" ({r.citation.mark})")
        if narrow:
            table.add_row(
                rid,
                Text.assemble(title, *said, *reads, "\n", (cited, "dim"), f"\nin force: {r.effective.describe()}"),
            )
        else:
            table.add_row(rid, Text.assemble(title, *said, *reads), cited, r.effective.describe())
    show(table)
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "rules",
        help="list the rules (or parameters) with ids, citations and effective periods",
        description="List every rule with its id, title, citation and effective period; --parameters lists "
        "the dated parameters; --format json prints a rule-set document you can edit and load back.",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the defaults")
    p.add_argument("--parameters", action="store_true", help="list the parameters instead")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=execute)
