"""Markdown for a process page, generated from its table so the docs cannot drift from it."""

from __future__ import annotations

from collections.abc import Iterable

from icoc.model.citation import Mark
from icoc.model.events import Event
from icoc.workflows._table import NONE, PREVIOUS, Transition, TransitionTable


def _source(t: Transition, table: TransitionTable) -> str:
    """The transition's citation (else its table's), marked when the text does not confirm it."""
    cited = t.citation or table.citation
    if cited is None:
        return ""
    return str(cited) + ("" if cited.mark is Mark.CONFIRMED else f" ({cited.mark.value})")


def process_markdown(table: TransitionTable) -> str:
    """The diagram, the states and the transitions of ``table`` as Markdown."""
    out = ["```mermaid", table.mermaid().rstrip(), "```", ""]
    out += ["| state | meaning |", "|---|---|"]
    for s in table.states:
        final = " (final)" if s in table.final else ""
        out.append(f"| `{s}`{final} | {table.descriptions.get(s, '')} |")
    out += ["", "| from | event | to | guards | source |", "|---|---|---|---|---|"]
    for t in table.transitions:
        src = "(start)" if t.source == NONE else f"`{t.source}`"
        target = "the status before" if t.target == PREVIOUS else f"`{t.target}`"
        label = f" ({t.label})" if t.label else ""
        guards = "; ".join(g.description or g.name for g in t.guards)
        out.append(f"| {src} | `{t.event.TYPE}`{label} | {target} | {guards} | {_source(t, table)} |")
    if table.follows:
        names = ", ".join(f"`{e.TYPE}`" for e in sorted(table.follows, key=lambda e: e.TYPE))
        out += ["", f"This process follows {names} when it has a transition for them and ignores them otherwise."]
    return "\n".join(out) + "\n"


_PAGE_OF: dict[str, str] = {"external-certificate": "certification.md#external-certificate"}
"""Processes documented as a section of another process's page (default: ``<process>.md``)."""


def event_transitions_markdown(event: type[Event], tables: Iterable[TransitionTable]) -> str:
    """What ``event`` drives, read from the transition tables: one row per transition (process,
    from, to, guards, source), or a sentence saying no process moves on it."""
    rows = []
    for table in tables:
        for t in table.transitions:
            if t.event is not event:
                continue
            src = "(start)" if t.source == NONE else f"`{t.source}`"
            target = "the status before" if t.target == PREVIOUS else f"`{t.target}`"
            label = f" ({t.label})" if t.label else ""
            guards = "; ".join(g.description or g.name for g in t.guards)
            page = _PAGE_OF.get(table.process, f"{table.process}.md")
            link = f"[{table.process}](../processes/{page})"
            rows.append(f"| {link} | {src}{label} | {target} | {guards} | {_source(t, table)} |")
    if not rows:
        return f"No process moves on `{event.TYPE}`: it records a fact.\n"
    head = [f"`{event.TYPE}` drives:", "", "| process | from | to | guards | source |", "|---|---|---|---|---|"]
    return "\n".join([*head, *rows]) + "\n"
