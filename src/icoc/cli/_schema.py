"""``icoc schema``: the JSON Schema of a registry document."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    import json

    from icoc.io import json_schema
    from icoc.model import RegistryDocument

    sys.stdout.write(json.dumps(json_schema(RegistryDocument), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of a registry document",
        description="Print the JSON Schema (draft 2020-12) of the registry documents icoc reads and writes.",
    )
    p.set_defaults(handler=execute)
