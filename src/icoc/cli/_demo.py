"""``icoc demo``: the built-in sample registry (or a registry document) summarised in tables,
with the procurement verdicts under each built-in policy and a small seeded simulation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from icoc.cli._shared import EXIT_OK, new_table, output_width, read_document

if TYPE_CHECKING:
    from rich.table import Table

    from icoc.cli._shared import Sub
    from icoc.model import RegistryDocument


def execute(args: argparse.Namespace) -> int:
    from rich.console import Console

    from icoc.sample import load_sample

    doc = read_document(args.file) if args.file else load_sample()
    source = str(args.file) if args.file else "the built-in sample registry (fictional data)"
    console = Console(file=sys.stdout, highlight=False, width=output_width())
    console.print(f"[bold]icoc[/bold]: {source}, as of {doc.as_of.isoformat()}")
    for table in _demo_tables(doc):
        console.print()
        console.print(table)
    console.print()
    for line in _demo_notes(doc):
        console.print(line)
    console.print()
    console.print(_demo_eligibility(doc))
    from icoc.simulation import Population, Scenario
    from icoc.simulation import run as simulate

    sim = simulate(Scenario(name="demo", years=5, population=Population(companies=40, csos=4, governments=2)), seed=1)
    console.print()
    console.print("[bold]Simulation[/bold] (a small seeded run of the default rules; more with `icoc simulate`):")
    for line in sim.summary_text():
        console.print(line, markup=False, soft_wrap=True)
    return EXIT_OK


def add(sub: Sub) -> None:
    p = sub.add_parser(
        "demo",
        help="summarise the built-in sample registry in tables",
        description="Members per pillar and status, certificates per standard, open compliance cases "
        "and open complaints of the built-in sample registry (or of a registry document file).",
    )
    p.add_argument("--file", metavar="FILE", help="summarise this registry document (JSON or YAML) instead")
    p.set_defaults(handler=execute)


_KIND_LABELS = {"grievance_mechanism_inadequate": "mechanism inadequate"}


def _demo_eligibility(doc: RegistryDocument) -> Table:
    """Eligibility of every company under each built-in policy, after the rules have run."""
    from collections import Counter

    from icoc.eligibility import BUILTIN_POLICIES, Result, Verdict, check_all
    from icoc.registry import Registry

    reg = Registry.from_document(doc)
    reg.advance_to(doc.as_of)
    table = new_table(
        f"Procurement eligibility on {doc.as_of.isoformat()} (rules applied up to that date)",
        ["policy", "eligible", "not eligible", "undetermined", "most common reason"],
        no_wrap=("policy",),
    )
    for policy in BUILTIN_POLICIES.values():
        decisions = list(check_all(reg, policy, as_of=doc.as_of))
        reasons = Counter(o.title for d in decisions for o in d.outcomes if o.result is not Result.PASSED)
        top = ", ".join(f"{title} ({n})" for title, n in reasons.most_common(1)) or "-"
        verdicts = Counter(d.verdict for d in decisions)
        counts = [str(verdicts[v]) for v in (Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.UNDETERMINED)]
        table.add_row(policy.id, *counts, top)
    return table


def _demo_tables(doc: RegistryDocument) -> list[Table]:
    from collections import Counter

    from rich.table import Table

    from icoc.model import CaseStage, CompanyStatus, ComplaintKind, ComplaintStage, MembershipStatus, Pillar

    members = Table(title="Members per pillar and status", title_justify="left")
    members.add_column("Pillar")
    members.add_column("Status")
    members.add_column("Count", justify="right")
    groups: list[tuple[str, Sequence[Any], list[str]]] = [
        (f"{Pillar.PSC.value} (companies)", doc.companies, [s.value for s in CompanyStatus]),
        (f"{Pillar.CSO.value} (civil society)", doc.civil_society, [s.value for s in MembershipStatus]),
        (f"{Pillar.GOVERNMENT.value} (States, IGOs)", doc.governments, [s.value for s in MembershipStatus]),
        ("observers (no pillar)", doc.observers, [s.value for s in MembershipStatus]),
    ]
    for label, items, statuses in groups:
        counts = Counter(m.status.value for m in items)
        shown = [s for s in statuses if counts[s]]
        for i, status in enumerate(shown):
            members.add_row(label if i == 0 else "", status, str(counts[status]))
        if not shown:
            members.add_row(label, "-", "0")
        members.add_section()

    certs = Table(title=f"Certificates per standard (in force on {doc.as_of.isoformat()})", title_justify="left")
    certs.add_column("Standard")
    certs.add_column("Recognised")
    certs.add_column("External", justify="right")
    certs.add_column("ICoCA certifications", justify="right")
    external = {c.id: c for c in doc.certificates}
    ext_in_force = Counter(c.standard for c in doc.certificates if c.in_force(doc.as_of))
    icoca_in_force = Counter(
        external[ic.based_on].standard for ic in doc.icoca_certifications if ic.in_force(doc.as_of)
    )
    for std in doc.standards:
        certs.add_row(
            std.id,
            "yes" if std.recognised else "no",
            str(ext_in_force[std.id]),
            str(icoca_in_force[std.id]) if std.recognised else "-",
        )
    certs.add_section()
    certs.add_row("total", "", str(sum(ext_in_force.values())), str(sum(icoca_in_force.values())))

    cases = Table(title="Open compliance cases by stage", title_justify="left")
    cases.add_column("Stage")
    cases.add_column("Cases", justify="right")
    cases.add_column("Before the Board", justify="right")
    by_stage = Counter(c.stage for c in doc.cases if c.stage.is_open)
    for stage in CaseStage:
        if by_stage[stage]:
            cases.add_row(stage.value, str(by_stage[stage]), "yes" if stage.is_disciplinary else "no")
    cases.add_section()
    cases.add_row("total", str(sum(by_stage.values())), "")

    complaints = Table(title="Open complaints by stage and kind", title_justify="left")
    complaints.add_column("Stage")
    kinds: list[ComplaintKind | None] = [*ComplaintKind, None]
    for kind in kinds:
        label = "not classified" if kind is None else _KIND_LABELS.get(kind.value, kind.value.replace("_", " "))
        complaints.add_column(label, justify="right")
    open_complaints = [c for c in doc.complaints if c.stage.is_open]
    grid = Counter((c.stage, c.kind) for c in open_complaints)
    for cstage in ComplaintStage:
        if cstage.is_open and any(grid[cstage, k] for k in kinds):
            complaints.add_row(cstage.value, *(str(grid[cstage, k]) for k in kinds))
    complaints.add_section()
    complaints.add_row("total", *(str(sum(1 for c in open_complaints if c.kind is k)) for k in kinds))
    return [members, certs, cases, complaints]


def _demo_notes(doc: RegistryDocument) -> list[str]:
    from collections import Counter

    from icoc.model import Pillar

    overdue = [p.id for p in doc.corrective_action_plans if p.overdue(doc.as_of)]
    sitting = Counter(d.pillar for d in doc.board.in_office(doc.as_of))
    vacancies = sum(doc.board.vacancies(doc.as_of).values())
    return [
        f"Board: {sum(sitting.values())} directors in office ("
        + ", ".join(f"{sitting[p]} {p.value}" for p in Pillar)
        + f"), {vacancies} vacant seats",
        f"Corrective action plans past their deadline: {len(overdue)}"
        + (f" ({', '.join(overdue)})" if overdue else ""),
        f"Swiss PSSA companies: {sum(1 for c in doc.companies if c.swiss_pssa)}",
    ]
