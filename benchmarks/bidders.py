"""Time a 1,000-row XLSX bidder list: read, check, write the report (target: under 2 s together),
beside reading the same file with openpyxl alone.

    python benchmarks/bidders.py [ROWS]

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl

from icoc.bidders import COLUMNS, document_from_rows, read_rows, report_metadata, row_id, write_report
from icoc.eligibility import BUILTIN_POLICIES, check_document
from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES

AS_OF = date(2026, 3, 1)
UNTIL = date(2028, 12, 31)


def make_list(path: Path, rows: int) -> None:
    """A list like a tender's: members, affiliates, certified members, a few unknowns and refusals."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("bidders")
    sheet.append([c.header for c in COLUMNS])
    for i in range(rows):
        cells = {
            "company": f"Bidder {i:04d} Security",
            "country": ("GB", "CH", "US", "ZA", "AE")[i % 5],
            "status": "member",
            "joined": date(2019 + i % 6, 1 + i % 12, 1 + i % 28),
            "icoca_certified": "no",
            "csa_cycle": 2025,
            "csa_submitted": date(2025, 9, 1 + i % 20),
            "csa_rating": "satisfactory",
            "proceedings": "none",
            "complaints": "none",
            "cases": "none",
        }
        kind = i % 10
        if kind == 1:
            cells["status"] = "affiliate"
        elif kind == 2:
            cells.update(
                status="certified member",
                standard="ISO-18788",
                body=f"Body {i % 7}",
                issued=date(2024, 1, 10),
                expires=date(2027, 1, 9),
                icoca_certified=date(2024, 3, 1),
            )
        elif kind == 3:
            cells.update(status="suspended", status_since=date(2026, 1, 10), suspended_from="member")
        elif kind == 4:
            cells.update(csa_cycle=None, csa_submitted=None, csa_rating=None)
        elif kind == 5:
            cells["proceedings"] = None
        elif kind == 6:
            cells.update(status="not a member", joined=None)
        sheet.append([cells.get(c.key) for c in COLUMNS])
    book.save(path)


def openpyxl_alone(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book["bidders"].iter_rows(values_only=True))
    book.close()
    return n


def icoc_round(path: Path, out: Path) -> tuple[float, float, float, int]:
    t0 = time.perf_counter()
    _, rows = read_rows(path)
    doc = document_from_rows(rows, source=str(path), as_of=AS_OF)
    t1 = time.perf_counter()
    policy = BUILTIN_POLICIES["icoca-good-standing"]
    decisions = check_document(doc, policy, as_of=AS_OF, until=UNTIL)
    t2 = time.perf_counter()
    cells = [r for _, r in rows]
    meta = report_metadata(policy, AS_OF, DEFAULT_PARAMETERS, DEFAULT_RULES, until=UNTIL, source=str(path))
    write_report(out, cells, [row_id(c) for c in cells], decisions, meta, format="xlsx")
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, len(decisions)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "bidders.xlsx", Path(tmp) / "report.xlsx"
        make_list(path, rows)
        for round_ in range(3):
            gc.collect()
            start = time.perf_counter()
            n = openpyxl_alone(path)
            alone = time.perf_counter() - start
            gc.collect()
            read, check, write, decided = icoc_round(path, out)
            total = read + check + write
            print(
                f"round {round_ + 1}: {rows} rows ({n - 1} read by openpyxl alone in {alone:.2f} s); icoc: read "
                f"{read:.2f} s (x{read / alone:.1f} of openpyxl alone), check {check:.2f} s with --until, write "
                f"{write:.2f} s; total {total:.2f} s for {decided} decisions (target under 2 s)"
            )


if __name__ == "__main__":
    main()
