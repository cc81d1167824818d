"""MkDocs hook: replace generated-content markers so the docs cannot drift from the code.

``<!-- icoc:process NAME -->`` renders a process's diagram and tables, ``<!-- icoc:rules -->``
the default rule set, ``<!-- icoc:parameters -->`` the dated parameters and
``<!-- icoc:reference MODULE -->`` an API reference entry (mkdocstrings) for every name in
``MODULE.__all__``; an event class's entry also lists the transitions it drives, read from the
transition tables.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

_MARK = re.compile(r"<!--\s*icoc:(process|rules|parameters|reference)\s*([\w.-]*)\s*-->")


def reference_markdown(module_name: str) -> str:
    """``::: MODULE.NAME`` for every public name of a module, in ``__all__`` order."""
    from icoc.model.events import EVENT_TYPES
    from icoc.workflows import PROCESSES
    from icoc.workflows._docs import event_transitions_markdown

    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if not names:
        raise ValueError(f"docs ask for a reference of {module_name!r}, which has no __all__")
    out = []
    for name in names:
        value = getattr(module, name)
        if inspect.ismodule(value):
            # A submodule re-exported by name (``icoc.errors``) has its own page: its docstring
            # here, its members there, so each class has one primary URL (mkdocs --strict).
            out += [f"::: {module_name}.{name}", "    options:", "      members: false", ""]
            continue
        out += [f"::: {module_name}.{name}", ""]
        if value in EVENT_TYPES:
            out += [event_transitions_markdown(value, PROCESSES.values()), ""]
    return "\n".join(out)


def on_page_markdown(markdown: str, **_: Any) -> str:
    from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES
    from icoc.rules._docs import parameters_markdown, rules_markdown
    from icoc.workflows import PROCESSES
    from icoc.workflows._docs import process_markdown

    def render(m: re.Match[str]) -> str:
        what, name = m.group(1), m.group(2)
        if what == "rules":
            return rules_markdown(DEFAULT_RULES, DEFAULT_PARAMETERS)
        if what == "parameters":
            return parameters_markdown(DEFAULT_PARAMETERS)
        if what == "reference":
            return reference_markdown(name)
        if name not in PROCESSES:
            raise ValueError(f"docs ask for unknown process {name!r}")
        return process_markdown(PROCESSES[name])

    return _MARK.sub(render, markdown)
