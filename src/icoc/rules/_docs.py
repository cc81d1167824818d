"""Markdown reference of a rule set and of the parameters, generated for the docs."""

from __future__ import annotations

from icoc.model.citation import Mark
from icoc.rules._params import ParameterSet
from icoc.rules._rule import RuleSet


def _values(params: ParameterSet, name: str) -> str:
    """A parameter's values in force over time (``6 months``, ``2018-09-30``, ``true from 2023-01-01``)."""
    return "; ".join(
        _shown(s.value) if s.effective_from.year == 1 else f"{_shown(s.value)} from {s.effective_from.isoformat()}"
        for s in params[name].history
    )


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def rules_markdown(rules: RuleSet, params: ParameterSet | None = None) -> str:
    """Each rule: id, title, the sentence of the source it implements, its citation (with its mark
    when not confirmed) and what it watches, reads and emits; with ``params``, the values of the
    parameters it reads (a title never hard-codes them)."""
    out = []
    for r in rules:
        kind = f" — exception to `{r.exception_of}`" if r.exception_of else ""
        out += [f"### `{r.id}`{kind}", "", f"**{r.title}**", ""]
        if r.text:
            out.append(f"- **Text:** {r.text}")
        mark = "" if r.citation.mark is Mark.CONFIRMED else f" ({r.citation.mark.value})"
        link = f" ([link]({r.citation.url}))" if r.citation.url else ""
        out.append(f"- **Source:** {r.citation}{mark}{link}")
        out.append(f"- **In force:** {r.effective.describe()}")
        out.append(f"- **Watches:** the `{r.process}` process")
        if r.due is not None:
            out.append(f"- **Falls due:** {r.due.describe()}")
        out.append(f"- **When:** {r.when.describe()}")
        payload = ", ".join(f"{k}={v!r}" for k, v in r.then.payload.items())
        out.append(f"- **Emits:** `{r.then.event.TYPE}`" + (f" ({payload})" if payload else ""))
        names = r.param_names()
        if names and params is not None:
            out.append("- **Parameters:** " + ", ".join(f"`{p}` = {_values(params, p)}" for p in names))
        elif names:
            out.append("- **Parameters:** " + ", ".join(f"`{p}`" for p in names))
        out.append("")
    return "\n".join(out)


def parameters_markdown(params: ParameterSet) -> str:
    out = ["| parameter | value | mark | meaning | reference |", "|---|---|---|---|---|"]
    for p in params:
        values = "; ".join(
            str(s.value) if s.effective_from.year == 1 else f"{s.value} from {s.effective_from.isoformat()}"
            for s in p.history
        )
        out.append(f"| `{p.name}` | {values} | {p.mark.value} | {p.description} | {p.reference} |")
    return "\n".join(out) + "\n"
