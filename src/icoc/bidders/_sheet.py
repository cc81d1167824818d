"""Reading a bidder list's spreadsheet (CSV or XLSX) into rows of cells keyed by column.

Only the file is read here: the header row names the columns (:data:`~icoc.bidders.COLUMNS`,
report columns skipped), every later row becomes ``{column key: cell}`` with its row number.
What the cells mean is :mod:`icoc.bidders._cells` and :mod:`icoc.bidders._read`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from icoc.bidders._columns import COLUMNS, REPORT_COLUMNS
from icoc.errors import InvalidInput, Problem

__all__ = ["XLSX_MAX_RATIO", "XLSX_MAX_UNPACKED", "Cell", "read_rows"]

_HEADERS = {c.header: c for c in COLUMNS}

Cell = str | date | int | float | None
"""A cell as read: text from a CSV; text, a date, a number or nothing from an XLSX."""


def _norm_header(text: str) -> str:
    return " ".join(str(text).replace("_", " ").strip().lower().split())


def _is_comment(cells: list[Cell]) -> bool:
    first = next((c for c in cells if c not in (None, "")), None)
    return first is None or (isinstance(first, str) and first.lstrip().startswith("#"))


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(Problem(str(path), f"cannot read file: {exc.strerror or exc}")) from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as spreadsheet programs write it, is skipped
    except UnicodeDecodeError:
        raise InvalidInput(Problem(str(path), "not UTF-8 text (save the list as 'CSV UTF-8')")) from None
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # strict: a quote left open must not swallow the rows after it into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, [_unescape(c) for c in cells]
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            message = "unterminated quote: a quoted cell starting on this row is never closed"
        else:
            message = f"not valid CSV: {exc}"
        raise InvalidInput(Problem(f"{path}:row {start}", message)) from None


_FORMULA_START = ("=", "+", "-", "@")


def _unescape(cell: str) -> str:
    """A cell as written before a report escaped it: one leading ``'`` before ``= + - @`` is dropped."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


XLSX_MAX_UNPACKED = 256 * 1024 * 1024
"""The most an XLSX bidder list may unpack to, in bytes (256 MiB): the sum of its parts' sizes."""

XLSX_MAX_RATIO = 200
"""The highest compression ratio an XLSX bidder list's part may have: above it, a zip bomb."""


def _xlsx_check_size(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than the limits, before reading any."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except OSError as exc:
        raise InvalidInput(Problem(str(path), f"cannot read file: {exc.strerror or exc}")) from None
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput(Problem(str(path), f"not an XLSX workbook: {exc}")) from None
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNPACKED:
        raise InvalidInput(
            Problem(
                str(path),
                f"the workbook unpacks to {total} bytes, more than the {XLSX_MAX_UNPACKED} a bidder list may",
            )
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > XLSX_MAX_RATIO * max(i.compress_size, 1):
            raise InvalidInput(
                Problem(
                    str(path),
                    f"part {i.filename!r} is compressed more than {XLSX_MAX_RATIO} to 1: not a bidder list",
                )
            )


def _xlsx_cell(v: Any) -> Cell:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, bool):
        return str(v).lower()
    if v is None or isinstance(v, str | date | int | float):
        return v
    return str(v)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    try:
        import openpyxl
    except ImportError:
        raise InvalidInput(Problem(str(path), "XLSX files need openpyxl: pip install 'icoc[xlsx]'")) from None
    _xlsx_check_size(path)
    # Read the whole sheet here: a read-only workbook parses its XML lazily, so a damaged part
    # fails inside the iteration, and must be reported as the file's problem, not a crash.
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book["bidders"] if "bidders" in book.sheetnames else book.worksheets[0]
            rows = [[_xlsx_cell(v) for v in values] for values in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except OSError as exc:
        raise InvalidInput(Problem(str(path), f"cannot read file: {exc.strerror or exc}")) from None
    except MemoryError:
        raise InvalidInput(Problem(str(path), "not a readable XLSX workbook: too large")) from None
    except Exception as exc:  # openpyxl and the XML parsers raise many kinds on a damaged file
        raise InvalidInput(Problem(str(path), f"not a readable XLSX workbook: {type(exc).__name__}: {exc}")) from None
    yield from enumerate(rows, start=1)


def read_rows(path: str | os.PathLike[str]) -> tuple[list[str], list[tuple[int, dict[str, Cell]]]]:
    """The bidder list's columns (by key, in file order) and its rows as ``(row number, {key: cell})``.

    CSV (UTF-8, with or without a byte-order mark; comma or semicolon) or XLSX (the sheet named
    ``bidders``, else the first), by suffix. Lines before the header that start with ``#`` (a
    report's header block) and empty lines are skipped; report columns are ignored. Raises
    :class:`~icoc.errors.InvalidInput` naming the file, row and column of every problem.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        source = _csv_rows(p)
    elif suffix in (".xlsx", ".xlsm"):
        source = _xlsx_rows(p)
    else:
        raise InvalidInput(Problem(str(p), "a bidder list is a .csv or .xlsx file"))
    header: list[str | None] | None = None
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, Cell]]] = []
    for n, cells in source:
        if header is None:
            if _is_comment(cells):
                continue
            header = []
            seen: set[str] = set()
            for j, h in enumerate(cells):
                name = _norm_header(str(h)) if h is not None else ""
                col = _HEADERS.get(name)
                if col is not None:
                    if col.key in seen:
                        problems.append(Problem(f"{p}:row {n}:{name}", "the column appears twice"))
                    seen.add(col.key)
                    header.append(col.key)
                elif name in REPORT_COLUMNS or name == "":
                    header.append(None)
                else:
                    problems.append(
                        Problem(
                            f"{p}:row {n}:column {j + 1}",
                            f"unknown column {name!r} (known: {', '.join(c.header for c in COLUMNS)})",
                        )
                    )
                    header.append(None)
            if "company" not in seen:
                problems.append(Problem(f"{p}:row {n}", "no 'company' column: is this the header row?"))
            continue
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row: dict[str, Cell] = {}
        for key, cell in zip(header, cells, strict=False):
            if key is not None:
                row[key] = cell.strip() or None if isinstance(cell, str) else cell
        rows.append((n, row))
    if header is None:
        problems.append(Problem(str(p), "no header row (download one with `icoc template`)"))
    elif not rows and not problems:
        problems.append(Problem(str(p), "no bidders in the list"))
    if problems:
        raise InvalidInput(problems)
    assert header is not None
    return [k for k in header if k is not None], rows
