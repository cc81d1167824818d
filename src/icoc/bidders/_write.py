"""Writing bidder lists: the empty template, and the report a tender board files.

A report is the bidder list again, one row per company, with the verdict columns added
(:data:`~icoc.bidders.REPORT_COLUMNS`) and, above it (CSV: ``#`` lines) or beside it (XLSX: a
``decision`` sheet), what reproduces the decision: the policy and its version, the decision date,
the contract period, the rule set and every parameter's value on that date. The reader skips
both, so the report reads back as the list it was made from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from icoc.bidders._columns import COLUMNS, REPORT_COLUMNS
from icoc.eligibility import Decision, Policy, Result
from icoc.errors import InvalidInput, Problem
from icoc.model import RegistryDocument, SelfAssessment
from icoc.rules import ParameterSet, RuleSet

__all__ = ["bidder_rows", "policy_version", "report_metadata", "write_report", "write_template"]

Row = Mapping[str, Any]


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def policy_version(policy: Policy) -> str:
    """A short digest of the policy's content (12 hex digits): the same policy, the same version."""
    # The policy and rule file formats load on first use: they build their part of the one
    # converter, which ``import icoc.bidders`` (and the simulation above it) need not pay for.
    from icoc.eligibility import policy_to_data

    return _digest(policy_to_data(policy))


def report_metadata(
    policy: Policy,
    as_of: date,
    parameters: ParameterSet,
    rules: RuleSet | None,
    *,
    until: date | None = None,
    source: str = "",
    rules_name: str = "default",
    counts: Mapping[str, int] | None = None,
) -> list[tuple[str, str]]:
    """What reproduces a decision, as ``(key, value)`` pairs: the policy (id, title, version and
    requirements), the decision date, the contract period, the rule set (name and digest) and the
    value of every parameter on ``as_of``."""
    from icoc import __version__
    from icoc.rules import rule_to_data

    meta = [
        ("report", "icoc eligibility decision"),
        ("icoc version", __version__),
        ("source", source),
        ("policy", policy.id),
        ("policy title", policy.title),
        ("policy version", policy_version(policy)),
        ("as of", as_of.isoformat()),
        ("contract period until", until.isoformat() if until else ""),
        ("rules", rules_name if rules is not None else "none"),
        ("rules version", _digest([rule_to_data(r) for r in rules]) if rules is not None else ""),
        ("verdicts", "eligible, not eligible, undetermined (only unknown information stands in the way)"),
    ]
    for key, n in (counts or {}).items():
        meta.append((f"count {key}", str(n)))
    for r in policy.requirements:
        args = "".join(f" {k}={','.join(v) if isinstance(v, tuple) else v}" for k, v in r.args.items())
        meta.append((f"requirement {r.id}", f"{r.title} [{r.check}{args}] ({r.citation})"))
    for p in parameters:
        try:
            value = parameters.value(p.name, as_of)
        except InvalidInput:
            value = "(none on this date)"
        meta.append((f"parameter {p.name}", str(value)))
    return meta


def bidder_rows(doc: RegistryDocument) -> list[dict[str, str]]:
    """The document as bidder-list cells (by column key), one per company in document order:
    registered companies, then unregistered ones. Cells the document leaves unknown are empty."""
    unknown = {(f.subject, f.field) for f in doc.listed if f.value is None}
    stated = {(f.subject, f.field): f.value for f in doc.listed if f.value is not None}
    certs = {c.id: c for c in doc.certificates}
    icoca = {ic.company: ic for ic in sorted(doc.icoca_certifications, key=lambda x: x.granted)}
    latest_cert: dict[str, Any] = {}
    for x in sorted(doc.certificates, key=lambda x: x.issued):
        latest_cert[x.company] = x
    bodies = {b.id: b for b in doc.certification_bodies}
    csa: dict[str, SelfAssessment] = {}
    for assessment in sorted(doc.self_assessments, key=lambda x: x.cycle):
        csa[assessment.company] = assessment
    out = []
    for c in doc.companies:
        row = {
            "id": c.id,
            "company": c.name,
            "country": c.country or "",
            "status": c.status.value.replace("_", " "),
            "joined": c.joined.isoformat(),
            "status_since": c.status_since.isoformat() if c.status_since != c.joined else "",
            "suspended_from": c.suspended_from.value.replace("_", " ") if c.suspended_from else "",
        }
        ic = icoca.get(c.id)
        cert = certs.get(ic.based_on) if ic is not None else latest_cert.get(c.id)
        if cert is not None:
            row.update(
                standard=cert.standard,
                body=bodies[cert.body].name,
                issued=cert.issued.isoformat(),
                expires=cert.expires.isoformat(),
            )
        if ic is not None:
            row["icoca_certified"] = ic.granted.isoformat()
        elif (c.id, "certification") not in unknown:
            row["icoca_certified"] = "no"
        sa = csa.get(c.id)
        if sa is not None and (c.id, "self_assessment") not in unknown:
            row["csa_cycle"] = str(sa.cycle)
            row["csa_submitted"] = sa.submitted.isoformat() if sa.submitted else "no"
            if sa.satisfactory is not None:
                row["csa_rating"] = "satisfactory" if sa.satisfactory else "unsatisfactory"
        for key in ("proceedings", "complaints", "cases"):
            value = stated.get((c.id, key))
            if value is not None:
                row[key] = value
        out.append(row)
    for u in doc.unregistered:
        status = "not a member" if u.not_a_member else (u.status.value.replace("_", " ") if u.status else "")
        out.append({"id": u.id, "company": u.name, "country": u.country or "", "status": status})
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _report_cells(d: Decision | None) -> dict[str, str]:
    if d is None:
        return dict.fromkeys(REPORT_COLUMNS, "")
    bad = [o for o in d.outcomes if o.result is not Result.PASSED]
    return {
        "verdict": d.verdict.label.lower(),
        "failed": "; ".join(o.requirement for o in bad if o.result is Result.FAILED),
        "unknown": "; ".join(o.requirement for o in bad if o.result is Result.UNKNOWN),
        "reasons": "; ".join(f"{o.requirement}: {o.reason}" for o in bad),
        "citations": "; ".join(f"{o.requirement}: {o.citation}" for o in bad),
        "to settle": "; ".join(d.settle),
        "contract period": d.summary() if d.until is not None else "",
    }


def _table(rows: Sequence[Row], decisions: Mapping[str, Decision], ids: Sequence[str]) -> list[list[str]]:
    """Header and rows: id, company, the verdict columns, then the list's other columns."""
    rest = [c for c in COLUMNS if c.key not in ("id", "company")]
    header = ["id", "company", *REPORT_COLUMNS, *(c.header for c in rest)]
    table = [header]
    for cid, row in zip(ids, rows, strict=True):
        cells = _report_cells(decisions.get(cid))
        given = [_cell(row.get(c.key)) for c in rest]
        table.append([cid, _cell(row.get("company")), *(cells[k] for k in REPORT_COLUMNS), *given])
    return table


def write_report(
    out: str | os.PathLike[str] | TextIO,
    rows: Sequence[Row],
    ids: Sequence[str],
    decisions: Iterable[Decision],
    metadata: Sequence[tuple[str, str]],
    *,
    format: str = "csv",
) -> None:
    """Write the report: one row per company of ``rows`` (bidder-list cells by column key; ``ids``
    the company id of each), with its decision, and ``metadata`` (see :func:`report_metadata`).

    ``format`` ``csv`` writes ``# key: value`` lines, then the table; ``xlsx`` writes a ``bidders``
    sheet and a ``decision`` sheet (``out`` must then be a path). A file is written whole or not
    at all.
    """
    table = _table(rows, {d.member: d for d in decisions}, ids)
    if format == "csv":
        buf = io.StringIO()
        for key, value in metadata:
            buf.write(f"# {key}: {' '.join(value.split())}\n")
        csv.writer(buf, lineterminator="\n").writerows([[_escape(c) for c in row] for row in table])
        _write_text(out, buf.getvalue())
    elif format == "xlsx":
        if not isinstance(out, str | os.PathLike):
            raise InvalidInput(Problem("out", "an XLSX report is written to a file"))
        _write_xlsx(Path(out), [("bidders", table), ("decision", [["key", "value"], *map(list, metadata)])])
    else:
        raise InvalidInput(Problem("format", f"unknown report format {format!r} (csv, xlsx)"))


def write_template(out: str | os.PathLike[str] | TextIO, *, format: str = "csv") -> None:
    """Write an empty bidder list: the header row and one filled example row (fictional)."""
    table = [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]
    if format == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(table)
        _write_text(out, buf.getvalue())
    elif format == "xlsx":
        if not isinstance(out, str | os.PathLike):
            raise InvalidInput(Problem("out", "an XLSX template is written to a file"))
        help_rows = [["column", "what it holds"], *([c.header, c.help] for c in COLUMNS)]
        help_rows.append(["", "An empty cell is unknown: icoc never fills it in, and says which cell would settle it."])
        _write_xlsx(Path(out), [("bidders", table), ("columns", help_rows)])
    else:
        raise InvalidInput(Problem("format", f"unknown template format {format!r} (csv, xlsx)"))


_FORMULA_START = ("=", "+", "-", "@")


def _escape(cell: str) -> str:
    """A CSV cell a spreadsheet program will not run as a formula (OWASP): ``=1+2`` is written
    ``'=1+2``; the reader drops that one ``'`` again."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def _write_text(out: str | os.PathLike[str] | TextIO, text: str) -> None:
    if isinstance(out, str | os.PathLike):
        _replace(Path(out), text.encode("utf-8"))
    else:
        out.write(text)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file beside it, renamed into
    place). A file that cannot be written is an error naming ``path`` as given, never the
    temporary file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(Problem(str(path), f"cannot write file: {exc.strerror or exc}")) from None


def _write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[str]]]]) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InvalidInput(Problem(str(path), "XLSX files need openpyxl: pip install 'icoc[xlsx]'")) from None
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            cells: list[Any] = []
            for value in row:
                if isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula: a bidder named "=1+2" stays a name
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buf = io.BytesIO()  # openpyxl never opens the file itself: a path it cannot write is one error
    book.save(buf)
    _replace(path, buf.getvalue())
