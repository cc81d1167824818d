"""``icoc explain``: why a member is in its state, rule by rule."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icoc.cli._shared import EXIT_OK, audience_option, open_registry, registry_options

if TYPE_CHECKING:
    from icoc.cli._shared import Sub


def execute(args: argparse.Namespace) -> int:
    loaded = open_registry(args.registry, args.as_of, args.rules)
    reg, as_of = loaded.registry, loaded.as_of
    explanation = reg.explain(args.member, as_of)
    if args.format == "json":
        from icoc.io import dumps

        sys.stdout.write(dumps(explanation, audience=args.audience) + "\n")
    else:
        sys.stdout.write(explanation.text(args.audience) + "\n")
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "explain",
        help="why a member is in its state, rule by rule",
        description="Load a registry (document or history), fire the rules up to --as-of and print the events "
        "that brought MEMBER to its state, each with its actor or rule, citation and facts.",
    )
    p.add_argument("registry", metavar="REGISTRY", help="a registry document or history file (JSON or YAML)")
    p.add_argument("member", metavar="MEMBER", help="the member (or case, complaint) id")
    registry_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    audience_option(p, "the text or JSON")
    p.set_defaults(handler=execute)
