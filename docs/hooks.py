"""MkDocs hook: replace generated-content markers so the docs cannot drift from the code.

``<!-- icoc:process NAME -->`` renders a process's diagram and tables, ``<!-- icoc:rules -->``
the default rule set and ``<!-- icoc:parameters -->`` the dated parameters.
"""

from __future__ import annotations

import re
from typing import Any

_MARK = re.compile(r"<!--\s*icoc:(process|rules|parameters)\s*([\w-]*)\s*-->")


def on_page_markdown(markdown: str, **_: Any) -> str:
    from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES
    from icoc.rules._docs import parameters_markdown, rules_markdown
    from icoc.workflows import PROCESSES
    from icoc.workflows._docs import process_markdown

    def render(m: re.Match[str]) -> str:
        what, name = m.group(1), m.group(2)
        if what == "rules":
            return rules_markdown(DEFAULT_RULES)
        if what == "parameters":
            return parameters_markdown(DEFAULT_PARAMETERS)
        if name not in PROCESSES:
            raise ValueError(f"docs ask for unknown process {name!r}")
        return process_markdown(PROCESSES[name])

    return _MARK.sub(render, markdown)
