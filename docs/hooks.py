"""MkDocs hook: replace ``<!-- icoc:process NAME -->`` with the generated diagram and tables."""

from __future__ import annotations

import re
from typing import Any

_MARK = re.compile(r"<!--\s*icoc:process\s+([\w-]+)\s*-->")


def on_page_markdown(markdown: str, **_: Any) -> str:
    from icoc.workflows import PROCESSES
    from icoc.workflows._docs import process_markdown

    def render(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in PROCESSES:
            raise ValueError(f"docs ask for unknown process {name!r}")
        return process_markdown(PROCESSES[name])

    return _MARK.sub(render, markdown)
