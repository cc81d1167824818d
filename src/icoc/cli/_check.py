"""``icoc check``: bidders (a bidder list, or a registry document or history) against a
procurement policy, as a table, JSON, CSV or the XLSX report a tender board files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from icoc.cli._shared import (
    BIDDER_SUFFIXES,
    EXIT_ERROR,
    EXIT_NOT_ELIGIBLE,
    EXIT_OK,
    EXIT_UNDETERMINED,
    audience_option,
    iso_date,
    new_table,
    open_registry,
    show,
    with_progress,
)

if TYPE_CHECKING:
    from icoc.cli._shared import Sub
    from icoc.model import RegistryDocument
    from icoc.registry import Registry


def _until_after(until: date | None, as_of: date) -> None:
    """A contract period must end after the decision date: said of --until, before any output."""
    from icoc.errors import InvalidInput, Problem

    if until is not None and until <= as_of:
        raise InvalidInput(Problem("--until", f"{until} is not after the decision date {as_of}"))


def execute(args: argparse.Namespace) -> int:
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
    if args.registry != "-" and Path(args.registry).suffix.lower() in BIDDER_SUFFIXES:
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
        loaded = open_registry(args.registry, args.as_of, args.rules)
        reg, as_of, doc_or_none = loaded.registry, loaded.as_of, loaded.document
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
        decisions = with_progress(
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
    table = new_table(title, columns, no_wrap=("id", "verdict"))
    for d in decisions:
        reasons = [f"{o.result.mark} {o.title}: {o.reason}" for o in d.outcomes if o.result.value != "passed"]
        if d.settle:
            reasons.append("to settle: " + ", ".join(d.settle))
        row = [d.member, names.get(d.member, ""), d.verdict.label, "\n".join(reasons) or "all passed"]
        if until:
            row.append("\n".join(f"{c.on.isoformat()} {c.what}: {c.verdict.label}" for c in d.consequences) or "-")
        table.add_row(*row)
    show(table)


def add(sub: Sub) -> None:
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
        type=iso_date,
        metavar="DATE",
        help="decision date (default: a registry document's as_of, a history's last event, or today for a bidder list)",
    )
    p.add_argument(
        "--until",
        type=iso_date,
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
    audience_option(p)
    p.set_defaults(handler=execute)
