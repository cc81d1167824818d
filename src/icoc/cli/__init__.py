"""The ``icoc`` command line.

Each command is one ``_cmd_<name>(args) -> int`` function plus one ``_add_<name>`` block that
registers its sub-parser; add a command by writing both and listing the ``_add_<name>`` in
``_REGISTRATIONS``. Commands import what they need inside their function, so ``icoc --help``
stays fast. Errors icoc raises on purpose (:class:`icoc.errors.IcocError`) and file errors become
one ``icoc: error: ...`` line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

if TYPE_CHECKING:
    from typing import TypeAlias

    from rich.table import Table

    from icoc.model import RegistryDocument
    from icoc.registry import Registry

    _Sub: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "EXIT_NOT_ELIGIBLE", "EXIT_OK", "EXIT_UNDETERMINED", "build_parser", "main"]

T = TypeVar("T")

EXIT_OK = 0
"""Exit status for success."""
EXIT_NOT_ELIGIBLE = 1
"""``icoc check``: at least one company is not eligible."""
EXIT_ERROR = 2
"""Exit status for bad input, unreadable files and usage errors (argparse uses 2 too)."""
EXIT_UNDETERMINED = 3
"""``icoc check``: no company is not eligible, but at least one is undetermined (unknowns only)."""
EXIT_INTERNAL = 4
"""An unexpected failure inside icoc (a bug): one line on stderr, never a traceback, and never
the 1 that ``icoc check`` uses for "not eligible"."""

# --- icoc demo ----------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    doc = _read_registry(args.file) if args.file else _sample()
    source = str(args.file) if args.file else "the built-in sample registry (fictional data)"
    console = Console(file=sys.stdout, highlight=False, width=_width())
    console.print(f"[bold]icoc[/bold]: {source}, as of {doc.as_of.isoformat()}")
    for table in _demo_tables(doc):
        console.print()
        console.print(table)
    console.print()
    for line in _demo_notes(doc):
        console.print(line)
    console.print()
    console.print(_demo_eligibility(doc))
    from icoc.simulation import Population, Scenario, run

    sim = run(Scenario(name="demo", years=5, population=Population(companies=40, csos=4, governments=2)), seed=1)
    console.print()
    console.print("[bold]Simulation[/bold] (a small seeded run of the default rules; more with `icoc simulate`):")
    for line in sim.summary_text():
        console.print(line, markup=False, soft_wrap=True)
    return EXIT_OK


def _add_demo(sub: _Sub) -> None:
    p = sub.add_parser(
        "demo",
        help="summarise the built-in sample registry in tables",
        description="Members per pillar and status, certificates per standard, open compliance cases "
        "and open complaints of the built-in sample registry (or of a registry document file).",
    )
    p.add_argument("--file", metavar="FILE", help="summarise this registry document (JSON or YAML) instead")
    p.set_defaults(handler=_cmd_demo)


_KIND_LABELS = {"grievance_mechanism_inadequate": "mechanism inadequate"}


def _demo_eligibility(doc: RegistryDocument) -> Table:
    """Eligibility of every company under each built-in policy, after the rules have run."""
    from collections import Counter

    from icoc.eligibility import BUILTIN_POLICIES, Result, Verdict, check_all
    from icoc.registry import Registry

    reg = Registry.from_document(doc)
    reg.advance_to(doc.as_of)
    table = _table(
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


# --- icoc sample --------------------------------------------------------------------------


def _cmd_sample(args: argparse.Namespace) -> int:
    from icoc.io import Audience, dumps
    from icoc.sample import load_sample, sample_text

    if args.audience == Audience.FULL:
        sys.stdout.write(sample_text())
        return EXIT_OK
    doc = load_sample()
    member = args.audience.member
    if member is not None and all(m.id != member for m in doc.members()):
        from icoc.errors import InvalidInput, Problem

        raise InvalidInput(Problem("--audience", f"no member {member!r} in the sample (`icoc demo` lists them)"))
    sys.stdout.write(dumps(doc, audience=args.audience) + "\n")
    return EXIT_OK


def _add_sample(sub: _Sub) -> None:
    p = sub.add_parser(
        "sample",
        help="print the built-in sample registry as JSON",
        description="Print the built-in sample registry document (fictional data) as JSON on stdout, as "
        "--audience may see it (public by default; --audience full prints the file as shipped).",
    )
    _audience_option(p)
    p.set_defaults(handler=_cmd_sample)


# --- icoc schema --------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    import json

    from icoc.io import json_schema
    from icoc.model import RegistryDocument

    sys.stdout.write(json.dumps(json_schema(RegistryDocument), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _add_schema(sub: _Sub) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of a registry document",
        description="Print the JSON Schema (draft 2020-12) of the registry documents icoc reads and writes.",
    )
    p.set_defaults(handler=_cmd_schema)


# --- icoc validate ------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from icoc.errors import InvalidInput, Problem

    name = "<stdin>" if args.file == "-" else args.file
    # Exactly what every other command does with the file: read it, load it into a live registry
    # (its history must be one the workflows accept) and judge the rules up to its date. Where the
    # rules would have derived something else, the document's facts are kept and reported.
    reg, when, doc = _open_registry_and_document(args.file, None, None)
    with reg:
        found = reg.discrepancies
    if found and args.strict:
        raise InvalidInput(
            [Problem(f"{name}:{d.path or '$'}", str(d).split(": ", 1)[-1] if d.path else str(d)) for d in found]
        )
    for d in found:
        sys.stderr.write(f"icoc: warning: {name}:{d}\n")
    if doc is None:
        sys.stdout.write(f"OK {name}: history of {len(reg.history)} events up to {when.isoformat()}\n")
        return EXIT_OK
    sys.stdout.write(
        f"OK {name}: registry document as of {doc.as_of.isoformat()}: "
        f"{len(doc.companies)} companies, {len(doc.civil_society)} civil society organisations, "
        f"{len(doc.governments)} governments, {len(doc.observers)} observers; "
        f"{len(doc.certificates)} external certificates, {len(doc.icoca_certifications)} ICoCA certifications; "
        f"{len(doc.cases)} compliance cases, {len(doc.complaints)} complaints\n"
    )
    return EXIT_OK


def _add_validate(sub: _Sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a registry document file",
        description="Load a registry document (JSON, or YAML by suffix; '-' reads JSON or YAML from stdin) and check "
        "every field and cross-reference. Prints one OK line, or one error line naming each problem's path "
        "and exits with status 2. The document is also loaded into a live registry, as every other command "
        "loads it; where the rules would have derived something the document contradicts (a deadline passed "
        "with no recorded consequence), a warning names the record and the rule.",
    )
    p.add_argument("file", metavar="FILE", help="the registry document to check")
    p.add_argument(
        "--strict", action="store_true", help="treat the rules' disagreements with the document as errors (exit 2)"
    )
    p.set_defaults(handler=_cmd_validate)


# --- icoc diagram ---------------------------------------------------------------------------


def _cmd_diagram(args: argparse.Namespace) -> int:
    from icoc.errors import InvalidInput, Problem
    from icoc.workflows import PROCESSES

    if args.list or args.process is None:
        for name, table in PROCESSES.items():
            sys.stdout.write(f"{name}\t{table.title}\n")
        return EXIT_OK
    if args.process not in PROCESSES:
        raise InvalidInput(Problem("PROCESS", f"unknown process {args.process!r} (known: {', '.join(PROCESSES)})"))
    sys.stdout.write(PROCESSES[args.process].mermaid())
    return EXIT_OK


def _add_diagram(sub: _Sub) -> None:
    p = sub.add_parser(
        "diagram",
        help="print a process's state machine as Mermaid",
        description="Print the Mermaid stateDiagram of a process, generated from its transition table.",
    )
    p.add_argument("process", nargs="?", metavar="PROCESS", help="a process name (see --list)")
    p.add_argument("--list", action="store_true", help="list the processes")
    p.set_defaults(handler=_cmd_diagram)


# --- icoc rules -------------------------------------------------------------------------------


def _cmd_rules(args: argparse.Namespace) -> int:
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
        table = _table("Parameters", ["name", "mark", "value", "reference"], no_wrap=("name",))
        for row in rows:
            values = row["values"]
            assert isinstance(values, dict)
            texts = {d: json.dumps(v) if isinstance(v, bool) else str(v) for d, v in values.items()}
            shown = "; ".join(v if d == "0001-01-01" else f"{v} from {d}" for d, v in texts.items())
            table.add_row(str(row["name"]), str(row["mark"]), shown, str(row["reference"]))
        _print(table)
        return EXIT_OK
    if args.format == "json":
        data = {"base": "none", "rules": [rule_to_data(r) for r in rules]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    import shutil

    width = _width() or shutil.get_terminal_size().columns
    # Ids and parameter names are never cut: on a narrow terminal each rule's title, citation and
    # period share one column, wide enough for the longest parameter name.
    narrow = width < 120
    columns = ["id", "rule"] if narrow else ["id", "title", "citation", "in force"]
    table = _table("Rules", columns, no_wrap=("id",))
    for r in rules:
        rid, title = (r.id, r.title) if r.exception_of is None else (f"  {r.id}", f"(exception) {r.title}")
        if narrow:
            from rich.text import Text

            table.add_row(
                rid, Text.assemble(f"{title}\n", (str(r.citation), "dim"), f"\nin force: {r.effective.describe()}")
            )
        else:
            table.add_row(rid, title, str(r.citation), r.effective.describe())
    _print(table)
    return EXIT_OK


def _add_rules(sub: _Sub) -> None:
    p = sub.add_parser(
        "rules",
        help="list the rules (or parameters) with ids, citations and effective periods",
        description="List every rule with its id, title, citation and effective period; --parameters lists "
        "the dated parameters; --format json prints a rule-set document you can edit and load back.",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the defaults")
    p.add_argument("--parameters", action="store_true", help="list the parameters instead")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_cmd_rules)


# --- icoc explain ---------------------------------------------------------------------------


def _cmd_explain(args: argparse.Namespace) -> int:
    reg, as_of = _open_registry(args.registry, args.as_of, args.rules)
    explanation = reg.explain(args.member, as_of)
    if args.format == "json":
        from icoc.io import dumps

        sys.stdout.write(dumps(explanation, audience=args.audience) + "\n")
    else:
        sys.stdout.write(explanation.text(args.audience) + "\n")
    return EXIT_OK


def _add_explain(sub: _Sub) -> None:
    p = sub.add_parser(
        "explain",
        help="why a member is in its state, rule by rule",
        description="Load a registry (document or history), fire the rules up to --as-of and print the events "
        "that brought MEMBER to its state, each with its actor or rule, citation and facts.",
    )
    p.add_argument("registry", metavar="REGISTRY", help="a registry document or history file (JSON or YAML)")
    p.add_argument("member", metavar="MEMBER", help="the member (or case, complaint) id")
    _registry_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    _audience_option(p, "the text or JSON")
    p.set_defaults(handler=_cmd_explain)


# --- icoc report ------------------------------------------------------------------------------


def _cmd_report(args: argparse.Namespace) -> int:
    import csv
    import json

    from icoc.errors import InvalidInput, Problem
    from icoc.model.dates import FIRST_DATE, LAST_DATE
    from icoc.report import monitoring_report

    if not FIRST_DATE.year <= args.year <= LAST_DATE.year:
        raise InvalidInput(
            Problem("--year", f"{args.year} is outside the supported years {FIRST_DATE.year}..{LAST_DATE.year}")
        )
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    if args.as_of is not None and args.as_of < start:
        raise InvalidInput(Problem("--as-of", f"{args.as_of.isoformat()} is before {args.year} starts"))
    reg, _, doc = _open_registry_and_document(args.registry, args.as_of, args.rules)
    # A document is a snapshot as of its date: without --as-of, the rules do not run past it
    # (the report then says it counted part of the year). A history runs to the end of the year.
    as_of = args.as_of or (min(end, doc.as_of) if doc is not None else end)
    if as_of < start:
        raise InvalidInput(
            Problem(args.registry, f"the document is as of {as_of.isoformat()}, before {args.year}: give --as-of")
        )
    if reg.clock is None or reg.clock < as_of:
        reg.advance_to(as_of)
    report = monitoring_report(reg, args.year, as_of=as_of)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.data(), indent=2) + "\n")
    elif args.format == "csv":
        csv.writer(sys.stdout, lineterminator="\n").writerows(report.csv_rows())
    else:
        sys.stdout.write(report.text() + "\n")
    return EXIT_OK


def _add_report(sub: _Sub) -> None:
    p = sub.add_parser(
        "report",
        help="the tables ICoCA publishes (monitoring summary of a year)",
        description="Load a registry (document or history), fire the rules up to the end of --year (a document: "
        "up to its as_of when that is earlier; or --as-of) and print ICoCA's monitoring tables for that year: "
        "members by status, self-assessments sent and received, cases by source and category, complaints by "
        "admissibility and member or not, terminations by ground; a year counted only in part says so. Counts "
        "only: the report is public.",
    )
    p.add_argument("kind", choices=("monitoring",), help="the report: monitoring (ICoCA's annual summary)")
    p.add_argument("registry", metavar="REGISTRY", help="a registry document or history file (JSON or YAML)")
    p.add_argument("--year", type=int, required=True, metavar="YEAR", help="the calendar year reported")
    p.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="DATE",
        help="count up to DATE, within the year (default: 31 December, or a document's as_of when earlier; "
        "a later DATE lets the rules run past the document)",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the default rules")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(handler=_cmd_report)


# --- icoc check -------------------------------------------------------------------------------

_BIDDER_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def _until_after(until: date | None, as_of: date) -> None:
    """A contract period must end after the decision date: said of --until, before any output."""
    from icoc.errors import InvalidInput, Problem

    if until is not None and until <= as_of:
        raise InvalidInput(Problem("--until", f"{until} is not after the decision date {as_of}"))


def _cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icoc.eligibility import BUILTIN_POLICIES, Verdict, check_all, check_document, load_policy
    from icoc.errors import InvalidInput, Problem
    from icoc.workflows import SubjectKind

    policy = load_policy(args.policy) if Path(args.policy).suffix.lower() in (".json", ".yaml", ".yml") else None
    if policy is None:
        if args.policy not in BUILTIN_POLICIES:
            raise InvalidInput(
                Problem("--policy", f"unknown policy {args.policy!r} (built in: {', '.join(BUILTIN_POLICIES)})")
            )
        policy = BUILTIN_POLICIES[args.policy]
    if args.format == "xlsx" and not args.out:
        raise InvalidInput(Problem("--format xlsx", "an XLSX report is written to a file: give --out FILE.xlsx"))
    rows: list[dict[str, Any]]
    ids: list[str]
    rule_set: Any
    if args.registry != "-" and Path(args.registry).suffix.lower() in _BIDDER_SUFFIXES:
        from icoc.bidders import document_from_rows, locate, read_rows, row_id
        from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES, load_rules

        as_of = args.as_of or date.today()  # the CLI may default the date; the library never does
        _until_after(args.until, as_of)
        rules = load_rules(args.rules) if args.rules else DEFAULT_RULES
        _, raw = read_rows(args.registry)
        doc = document_from_rows(raw, source=str(Path(args.registry)), as_of=as_of)
        rows = [cells for _, cells in raw]
        ids = [row_id(cells) for cells in rows]
        if args.member:
            wanted = set(args.member)
            rows, ids = [r for r, i in zip(rows, ids, strict=True) if i in wanted], [i for i in ids if i in wanted]
        try:
            decisions = check_document(doc, policy, as_of=as_of, until=args.until, members=args.member, rules=rules)
        except InvalidInput as exc:  # a record the workflows refuse: name the list's row
            raise InvalidInput(locate(exc.problems, doc, raw, str(Path(args.registry)))) from None
        parameters, rule_set = DEFAULT_PARAMETERS, rules
    else:
        reg, as_of, doc_or_none = _open_registry_and_document(args.registry, args.as_of, args.rules)
        _until_after(args.until, as_of)
        members = args.member or reg.subjects(SubjectKind.COMPANY)
        if args.member:  # check decides for companies: anything else is the user's mistake, before any output
            companies, known = set(reg.subjects(SubjectKind.COMPANY)), set(reg.subjects())
            wrong = [
                Problem("--member", f"{m!r} is not a private security company (check decides for companies)")
                if m in known
                else Problem("--member", f"no company with id {m!r} in {args.registry}")
                for m in args.member
                if m not in companies
            ]
            if wrong:
                raise InvalidInput(wrong)
        for m in members:
            reg.state_of(m)  # unknown ids fail before any output
        listed = doc_or_none.listed if doc_or_none is not None else ()
        decisions = _with_progress(
            check_all(reg, policy, as_of=as_of, members=members, until=args.until, listed=listed), len(members)
        )
        names = _names(reg, doc_or_none)
        ids = [d.member for d in decisions]
        rows = [{"id": d.member, "company": names.get(d.member, "")} for d in decisions]
        parameters, rule_set = reg.parameters, reg.rules
    names = {i: str(r.get("company") or "") for i, r in zip(ids, rows, strict=True)}
    if args.format in ("json", "csv-long", "table") and args.out:
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            _check_text(args, decisions, names, policy.id, as_of)
        _write_file(Path(args.out), buf.getvalue())
        sys.stderr.write(f"wrote {args.out}: {len(decisions)} companies\n")
    elif args.format in ("json", "csv-long", "table"):
        _check_text(args, decisions, names, policy.id, as_of)
    elif args.format in ("csv", "xlsx"):
        from collections import Counter

        from icoc.bidders import report_metadata, write_report

        found = Counter(d.verdict.label.lower() for d in decisions)
        counts = {k: found.get(k, 0) for k in ("eligible", "not eligible", "undetermined")}
        meta = report_metadata(
            policy,
            as_of,
            parameters,
            rule_set,
            until=args.until,
            source=str(args.registry),
            rules_name=args.rules or "default",
            counts=counts,
        )
        write_report(args.out or sys.stdout, rows, ids, decisions, meta, format=args.format)
        if args.out:
            sys.stderr.write(f"wrote {args.out}: {len(decisions)} companies, " + _counts_text(counts) + "\n")
    verdicts = {d.verdict for d in decisions}
    if Verdict.NOT_ELIGIBLE in verdicts:
        return EXIT_NOT_ELIGIBLE
    if Verdict.UNDETERMINED in verdicts:
        return EXIT_UNDETERMINED
    return EXIT_OK


def _check_text(args: Any, decisions: Sequence[Any], names: dict[str, str], policy: str, as_of: date) -> None:
    if args.format == "json":
        _check_json(decisions, names, args.audience)
    elif args.format == "csv-long":
        _check_csv_long(decisions)
    else:
        _check_table(decisions, names, policy, as_of, args.until)


def _write_file(path: Any, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    import os

    from icoc.errors import InvalidInput, Problem

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, path)
    except OSError as exc:
        raise InvalidInput(Problem(str(path), f"cannot write file: {exc.strerror or exc}")) from None


def _counts_text(counts: Any) -> str:
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in ("eligible", "not eligible", "undetermined"))


def _names(reg: Registry, doc: RegistryDocument | None) -> dict[str, str]:
    if doc is not None:
        return {c.id: c.name for c in doc.companies}
    from icoc.model.events import ApplicationSubmitted

    return {e.subject: e.name for e in reg.history if isinstance(e, ApplicationSubmitted) and e.name}


def _check_json(decisions: Sequence[Any], names: dict[str, str], audience: Any) -> None:
    import json

    from icoc.io import unstructure

    data = []
    for d in decisions:
        item = {"member": d.member, "name": names.get(d.member, "")}
        item.update(unstructure(d, audience=audience))
        item["settle"] = list(d.settle)
        data.append(item)
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _check_csv_long(decisions: Sequence[Any]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["member", "policy", "as_of", "eligible", "verdict", "requirement", "result", "reason", "citation"])
    for d in decisions:
        for o in d.outcomes:
            writer.writerow(
                [
                    d.member,
                    d.policy,
                    d.as_of.isoformat(),
                    d.eligible,
                    d.verdict.value,
                    o.requirement,
                    o.result.value,
                    o.reason,
                    o.citation,
                ]
            )


def _check_table(decisions: Sequence[Any], names: dict[str, str], policy: str, as_of: date, until: date | None) -> None:
    title = f"{policy} as of {as_of.isoformat()}" + (f", contract period to {until.isoformat()}" if until else "")
    columns = ["id", "company", "verdict", "reasons"] + (["contract period"] if until else [])
    table = _table(title, columns, no_wrap=("id", "verdict"))
    for d in decisions:
        reasons = [f"{o.result.mark} {o.title}: {o.reason}" for o in d.outcomes if o.result.value != "passed"]
        if d.settle:
            reasons.append("to settle: " + ", ".join(d.settle))
        row = [d.member, names.get(d.member, ""), d.verdict.label, "\n".join(reasons) or "all passed"]
        if until:
            row.append("\n".join(f"{c.on.isoformat()} {c.what}: {c.verdict.label}" for c in d.consequences) or "-")
        table.add_row(*row)
    _print(table)


def _add_check(sub: _Sub) -> None:
    p = sub.add_parser(
        "check",
        help="check bidders against a procurement policy (exit 1 not eligible, 3 undetermined)",
        description="Decide, for every company of a bidder list (CSV or XLSX, see `icoc template`) or of a "
        "registry document or history (JSON or YAML), whether it meets the policy on --as-of, with every "
        "requirement's outcome and reason. An empty cell of a bidder list is unknown: a company that fails "
        "nothing but has unknowns is UNDETERMINED, with the cells that would settle it. Exit status: "
        f"{EXIT_OK} all eligible, {EXIT_NOT_ELIGIBLE} any not eligible, {EXIT_UNDETERMINED} none not eligible "
        f"but some undetermined, {EXIT_ERROR} bad input.",
    )
    p.add_argument(
        "registry",
        metavar="FILE",
        help="a bidder list (.csv, .xlsx) or a registry document or history (.json, .yaml; '-': stdin)",
    )
    p.add_argument("--member", action="append", metavar="ID", help="check only this company (repeatable)")
    p.add_argument(
        "--policy",
        default="icoca-good-standing",
        metavar="NAME|FILE",
        help="a built-in policy name or a policy file (default: icoca-good-standing)",
    )
    p.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="DATE",
        help="decision date (default: a registry document's as_of, a history's last event, or today for a bidder list)",
    )
    p.add_argument(
        "--until",
        type=_iso_date,
        metavar="DATE",
        help="the contract period's last day: list the scheduled changes up to it that change a verdict",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the default rules")
    p.add_argument(
        "--format",
        choices=("table", "json", "csv", "csv-long", "xlsx"),
        default="table",
        help="table (default); json; csv or xlsx: the report a tender board files, one row per company, "
        "with the policy, its version, the date and the parameters; csv-long: one row per requirement",
    )
    p.add_argument(
        "--out", "-o", metavar="FILE", help="write the output to FILE instead of stdout, in any format (xlsx needs it)"
    )
    _audience_option(p)
    p.set_defaults(handler=_cmd_check)


# --- icoc template ---------------------------------------------------------------------------


def _cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icoc.bidders import write_template
    from icoc.errors import InvalidInput, Problem

    fmt = args.format or (Path(args.out).suffix.lower().lstrip(".") if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(Problem("--format", f"a template is csv or xlsx, not {fmt!r}"))
    if fmt == "xlsx" and not args.out:
        raise InvalidInput(Problem("--format xlsx", "an XLSX template is written to a file: give --out FILE.xlsx"))
    write_template(args.out or sys.stdout, format=fmt)
    if args.out:
        sys.stderr.write(f"wrote {args.out}: fill one row per bidder, then run: icoc check {args.out}\n")
    return EXIT_OK


def _add_template(sub: _Sub) -> None:
    p = sub.add_parser(
        "template",
        help="write an empty bidder list (CSV or XLSX) to fill and check",
        description="Write a bidder list with the header row and one filled example row (fictional): one row "
        "per company, one column per fact (company, country, ICoCA status, joined, certificate, latest "
        "self-assessment, open proceedings...). Leave a cell empty when you do not know it.",
    )
    p.add_argument("--format", choices=("csv", "xlsx"), help="csv (default, to stdout) or xlsx (needs --out)")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (format by suffix unless --format)")
    p.set_defaults(handler=_cmd_template)


# --- icoc simulate ---------------------------------------------------------------------------


def _cmd_simulate(args: argparse.Namespace) -> int:
    from pathlib import Path

    import attrs

    from icoc.errors import InvalidInput, Problem
    from icoc.simulation import Scenario, load_scenario, run, scenario_json

    scenario = load_scenario(args.scenario, for_registry=bool(args.registry)) if args.scenario else Scenario()
    start = None
    if args.start is not None:
        try:
            start = date.fromisoformat(args.start)
        except ValueError:
            raise InvalidInput(Problem("--start", f"expected an ISO date YYYY-MM-DD, got {args.start!r}")) from None
    if args.registry:
        from icoc.simulation import registry_source

        source = registry_source(args.registry, start)
        # The scenario's behaviour over the registry's population; without --scenario the
        # generated population stays empty (arrivals only), as Scenario.from_registry makes it.
        keep = {f.name for f in attrs.fields(Scenario)} - {"start", "origin"}
        if not args.scenario:
            keep -= {"population", "name"}
        fields = {name: getattr(scenario, name) for name in keep}
        fields.setdefault("name", f"from {Path(args.registry).name}")
        try:
            scenario = Scenario.from_registry(source, start, **fields)
        except InvalidInput as exc:  # the library's `start` is the command's --start
            raise InvalidInput(
                Problem("--start" if p.path == "start" else p.path, p.message) for p in exc.problems
            ) from None
    elif start is not None:
        scenario = scenario.updated("start", start)
    for option, path, value in (
        ("--companies", "population.companies", args.companies),
        ("--years", "years", args.years),
        ("--backend", "backend", args.backend),
    ):
        if value is not None:
            try:
                scenario = scenario.updated(path, value)
            except InvalidInput as exc:  # the scenario names its field; the user typed the option
                raise InvalidInput(Problem(option, p.message) for p in exc.problems) from None
    if args.print_scenario:
        sys.stdout.write(scenario_json(scenario) + "\n")
        return EXIT_OK
    if args.out and Path(args.out).suffix.lower() not in (".csv", ".parquet"):
        raise InvalidInput(Problem("--out", f"{args.out}: write results to a .csv or .parquet file"))
    if args.plot and Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InvalidInput(Problem("--plot", f"{args.plot}: plots are written as .png, .svg or .pdf"))
    result = run(scenario, args.seed)
    for line in result.summary_text():
        sys.stdout.write(line + "\n")
    if args.out:
        meta = result.write(args.out, args.table)
        sys.stdout.write(f"wrote {args.out} ({args.table}) and {meta}\n")
    if args.plot:
        result.plot(args.plot)
        sys.stdout.write(f"wrote {args.plot}\n")
    return EXIT_OK


_SIMULATION_TABLES = ("events", "company-years", "yearly", "summary", "companies")
"""``icoc.simulation.TABLES``, spelled out so that building the parser imports nothing."""


def _add_simulate(sub: _Sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="run a seeded simulation of the Association's oversight and summarise it",
        description="Simulate companies joining, self-assessing, certifying, being monitored and complained "
        "about, on the real registry and rule set, from a scenario (default: the built-in one). The same seed "
        "gives the same results, byte for byte. Prints a summary; --out writes a table (with the seed and "
        "scenario beside it as NAME.meta.json), --plot the key yearly series.",
    )
    p.add_argument("--scenario", metavar="FILE", help="a scenario file (JSON or YAML) over the defaults")
    p.add_argument(
        "--registry",
        metavar="FILE",
        help="start from this registry as it stands on --start: a registry document or history (JSON, YAML) "
        "or a bidder list (CSV, XLSX); new companies come from the scenario's population.arrivals",
    )
    p.add_argument("--start", metavar="DATE", help="first simulated day (default: the registry's date)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="the random seed (default 0)")
    p.add_argument("--companies", type=int, metavar="N", help="number of companies (overrides the scenario)")
    p.add_argument("--years", type=int, metavar="N", help="years simulated (overrides the scenario)")
    p.add_argument("--backend", choices=("native", "durable"), help="rules backend (overrides the scenario)")
    p.add_argument("--out", metavar="FILE", help="write a table to FILE.csv or FILE.parquet (needs icoc[data])")
    p.add_argument(
        "--table", choices=_SIMULATION_TABLES, default="events", help="which table --out writes (default: events)"
    )
    p.add_argument("--plot", metavar="FILE", help="plot the yearly series to FILE.png (needs icoc[plot])")
    p.add_argument("--print-scenario", action="store_true", help="print the scenario as JSON and stop")
    p.set_defaults(handler=_cmd_simulate)


# --- shared helpers -----------------------------------------------------------------------


def _sample() -> RegistryDocument:
    from icoc.sample import load_sample

    return load_sample()


def _refuse_bidder_list(path: str) -> None:
    """A bidder list where a registry is read: say so (reading it as JSON would say "not valid JSON")."""
    from icoc.errors import InvalidInput, Problem

    if path != "-" and path.lower().endswith(_BIDDER_SUFFIXES):
        raise InvalidInput(
            Problem(
                path,
                "a bidder list (CSV, XLSX) is read by `icoc check` and `icoc simulate --registry`; "
                "this command reads a registry file (JSON or YAML)",
            )
        )


def _read_registry(path: str) -> RegistryDocument:
    from icoc.io import load, structure
    from icoc.model import RegistryDocument

    _refuse_bidder_list(path)
    if path == "-":
        return structure(_stdin_data(), RegistryDocument)
    return load(path, RegistryDocument)


def _stdin_data() -> Any:
    """Plain data from stdin: JSON, or YAML when it is not JSON (a byte-order mark is skipped)."""

    from icoc.errors import InvalidInput, Problem
    from icoc.io import parse_json, parse_yaml

    text = sys.stdin.read().removeprefix("\ufeff")
    try:
        return parse_json(text, "<stdin>")
    except InvalidInput as exc:
        json_error = exc
    if text.lstrip()[:1] in ("{", "["):  # JSON that is wrong: say why, not what YAML thinks
        raise json_error
    try:
        data = parse_yaml(text, "<stdin>")
    except InvalidInput:
        raise json_error from None
    if not isinstance(data, dict | list):
        raise InvalidInput(Problem("<stdin>", f"neither a JSON nor a YAML document: {json_error}"))
    return data


def _iso_date(text: str) -> date:
    from icoc.errors import preview
    from icoc.model import date_problem

    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {preview(text)}") from None
    problem = date_problem(d)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return d


def _audience(text: str) -> Any:
    from icoc.io import Audience

    try:
        return Audience.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _audience_option(p: argparse.ArgumentParser, what: str = "the JSON") -> None:
    p.add_argument(
        "--audience",
        type=_audience,
        default="public",
        metavar="WHO",
        help=f"who {what} is for: public (default), members, company:ID, secretariat, confidential or full; "
        "fields above it are replaced by a [redacted: LEVEL] marker",
    )


def _registry_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="DATE",
        help="decision date (default: the document's as_of, or the history's last event)",
    )
    p.add_argument("--rules", metavar="FILE", help="a rule-set file (JSON or YAML) instead of the default rules")


def _open_registry(path: str, as_of: date | None, rules_file: str | None) -> tuple[Registry, date]:
    """A live registry from a registry document or a history file, advanced to ``as_of``."""
    reg, when, _ = _open_registry_and_document(path, as_of, rules_file)
    return reg, when


def _open_registry_and_document(
    path: str, as_of: date | None, rules_file: str | None
) -> tuple[Registry, date, RegistryDocument | None]:
    """A live registry from a registry document or a history file (JSON or YAML; '-': stdin),
    advanced to ``as_of``, and the document when it was one."""
    from icoc.errors import IcocError, InvalidInput, Problem
    from icoc.io import read_data, structure
    from icoc.model import RegistryDocument
    from icoc.model.events import History
    from icoc.registry import Registry
    from icoc.rules import DEFAULT_RULES, load_rules

    _refuse_bidder_list(path)
    rules = load_rules(rules_file) if rules_file else DEFAULT_RULES
    data = _stdin_data() if path == "-" else read_data(path)
    doc: RegistryDocument | None = None
    where = "<stdin>" if path == "-" else path
    if isinstance(data, dict) and "events" in data:
        try:
            history = structure(data, History)
        except InvalidInput as exc:
            raise exc.under(f"{where}:$") from None
        try:
            reg = Registry.from_history(history, rules=rules)
        except IcocError as exc:  # name the event refused: its path in the file
            at = f"{where}:$" if exc.batch_index is None else f"{where}:$.events[{exc.batch_index}]"
            if isinstance(exc, InvalidInput):
                raise exc.under(at) from None
            raise InvalidInput(Problem(at, str(exc))) from None
        default = max((e.effective for e in history.events), default=None)
    else:
        try:
            doc = structure(data, RegistryDocument)
        except InvalidInput as exc:
            raise exc.under(f"{where}:$") from None
        try:
            reg = Registry.from_document(doc, rules=rules)
        except InvalidInput as exc:
            raise exc.under(f"{where}:$") from None
        default = doc.as_of
    when = as_of or default
    if when is None:
        raise InvalidInput(Problem(where, "an empty history: give --as-of"))
    if reg.clock is None or reg.clock < when:
        try:
            reg.advance_to(when)
        except InvalidInput as exc:
            raise exc.under(f"{where}:$") from None
    return reg, when, doc


def _table(title: str, columns: list[str], no_wrap: Sequence[str] = ()) -> Table:
    """A table whose ``no_wrap`` columns (ids, names users type) are never wrapped nor cut: the
    other columns wrap to make room."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for c in columns:
        if c in no_wrap:
            table.add_column(c, no_wrap=True, overflow="fold")
        else:
            table.add_column(c, overflow="fold")
    return table


def _width() -> int | None:
    """The output width: ``COLUMNS`` when set, the terminal's when stdout is one, else the
    terminal the user sits at (stderr's) when output is redirected, else 100."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return None
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def _print(renderable: object) -> None:
    from rich.console import Console

    Console(file=sys.stdout, highlight=False, width=_width()).print(renderable)


def _with_progress(items: Iterable[T], total: int) -> list[T]:
    """Collect ``items``, with a progress bar on stderr for large terminal runs."""
    if total < 2000 or not sys.stderr.isatty():
        return list(items)
    from rich.progress import track

    return list(track(items, total=total, description="checking", console=None, transient=True))


_REGISTRATIONS: tuple[Callable[[_Sub], None], ...] = (
    _add_demo,
    _add_sample,
    _add_schema,
    _add_validate,
    _add_diagram,
    _add_rules,
    _add_explain,
    _add_report,
    _add_check,
    _add_template,
    _add_simulate,
)
"""One entry per command, in the order ``icoc --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one ``icoc: error:`` line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("icoc").strip()
        where = f"{command}: " if command else ""
        _error(f"{where}{message} (see '{self.prog} --help' for usage)")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The ``icoc`` command's argument parser, one sub-command per command."""
    from icoc import __version__

    parser: argparse.ArgumentParser = _Parser(  # its sub-commands parse with _Parser too
        prog="icoc",
        description="The International Code of Conduct Association (ICoCA) as typed data, workflows and rules.",
    )
    parser.add_argument("--version", action="version", version=f"icoc {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)
    for register in _REGISTRATIONS:
        register(sub)
    return parser


def _error(message: str, status: int = EXIT_ERROR) -> int:
    text = " ".join(message.split()) or "failed"  # one line, whatever the message held
    if len(text) > 2000:
        text = text[:1997] + "..."
    print(f"icoc: error: {text}", file=sys.stderr)
    return status


def _problems(exc: Exception) -> int:
    """One line per problem of an InvalidInput (at most 100, then how many more)."""
    from icoc.errors import InvalidInput

    if not isinstance(exc, InvalidInput) or len(exc.problems) < 2:
        return _error(str(exc))
    shown = exc.problems[:100]
    for p in shown:
        _error(str(p))
    if len(exc.problems) > len(shown):
        _error(f"... and {len(exc.problems) - len(shown)} more problems")
    for note in getattr(exc, "__notes__", []):
        _error(str(note))
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script passes it to ``sys.exit``)."""
    from icoc.errors import IcocError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (already printed by argparse)
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_ERROR)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except IcocError as exc:
        return _problems(exc)
    except BrokenPipeError:  # e.g. `icoc sample | head`: the reader left, nothing to report
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        return _error("the input is nested too deeply")
    except MemoryError:
        return _error("out of memory (the input or the requested size is too large)")
    except Exception as exc:  # a bug: still one line, and an exit status no command uses for a result
        return _error(f"internal error ({type(exc).__name__}: {exc}); please report it", EXIT_INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot raise again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
