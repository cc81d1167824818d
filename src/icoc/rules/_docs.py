"""Markdown reference of a rule set and of the parameters, generated for the docs."""

from __future__ import annotations

from icoc.rules._params import ParameterSet
from icoc.rules._rule import RuleSet


def rules_markdown(rules: RuleSet) -> str:
    out = []
    for r in rules:
        kind = f" — exception to `{r.exception_of}`" if r.exception_of else ""
        out += [f"### `{r.id}`{kind}", "", f"**{r.title}**", ""]
        out.append(f"- **Source:** {r.citation}" + (f" ([link]({r.citation.url}))" if r.citation.url else ""))
        out.append(f"- **In force:** {r.effective.describe()}")
        out.append(f"- **Watches:** the `{r.process}` process")
        if r.due is not None:
            out.append(f"- **Falls due:** {r.due.describe()}")
        out.append(f"- **When:** {r.when.describe()}")
        payload = ", ".join(f"{k}={v!r}" for k, v in r.then.payload.items())
        out.append(f"- **Emits:** `{r.then.event.TYPE}`" + (f" ({payload})" if payload else ""))
        params = r.param_names()
        if params:
            out.append("- **Parameters:** " + ", ".join(f"`{p}`" for p in params))
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
