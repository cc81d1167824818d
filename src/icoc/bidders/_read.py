"""Reading a bidder list (CSV or XLSX) into a registry document, inventing nothing.

Each row becomes the records its cells support: a company, its certificate and ICoCA
certification, its latest self-assessment. A cell left empty is kept as an unknown
:class:`~icoc.model.ListedFact`; a company whose status or joining date is unknown, or that is
not a member, is an :class:`~icoc.model.UnregisteredCompany`. Record ids that the list has no
column for are keys made from the company id (``north-shield/certificate``), not facts.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from icoc.bidders._columns import COLUMNS, REPORT_COLUMNS
from icoc.errors import InvalidInput, Problem
from icoc.model import (
    COUNTRY_PATTERN,
    DEFAULT_STANDARDS,
    ID_PATTERN,
    LAST_DATE,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    Company,
    CompanyStatus,
    ExternalCertificate,
    IcocaCertification,
    ListedFact,
    MemberId,
    RegistryDocument,
    SelfAssessment,
    StandardId,
    UnregisteredCompany,
    date_problem,
)
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet

__all__ = ["document_from_rows", "locate", "read_bidders", "read_rows", "row_id"]

_HEADERS = {c.header: c for c in COLUMNS}
_NOT_MEMBER = {"not a member", "not_a_member", "none", "no", "non-member", "non member"}
_STANDARDS: dict[str, str] = {s.id.lower(): s.id for s in DEFAULT_STANDARDS}
_STANDARDS.update({s.id.lower().replace("-", " "): s.id for s in DEFAULT_STANDARDS})
_STANDARDS.update({"psc.1": "PSC.1-2012", "psc1": "PSC.1-2012", "iso 18788": "ISO-18788", "iso 28007": "ISO-28007"})

Cell = str | date | int | float | None


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


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")


def row_id(cells: Mapping[str, Cell]) -> str:
    """The company id a row of :func:`read_rows` stands for: its ``id`` cell, else the id made
    from the company name (lower case, runs of other characters as ``-``: ``North Shield Ltd`` is
    ``north-shield-ltd``)."""
    given = cells.get("id")
    if given is not None and str(given).strip():
        return str(given).strip()
    name = cells.get("company")
    return _slug(str(name)) if name is not None else ""


class _Row:
    """One row's cells with the file, row and column of each, parsed one cell at a time."""

    def __init__(self, path: str, n: int, cells: Mapping[str, Cell], problems: list[Problem]) -> None:
        self.path, self.n, self.cells, self.problems = path, n, cells, problems

    def where(self, key: str) -> str:
        return f"{self.path}:row {self.n}:{_COLUMN[key]}"

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.where(key), message))

    def text(self, key: str) -> str | None:
        v = self.cells.get(key)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip() or None

    def word(self, key: str) -> str | None:
        t = self.text(key)
        return " ".join(t.lower().replace("_", " ").replace("-", " ").split()) if t else None

    def day(self, key: str) -> date | None:
        v = self.cells.get(key)
        if v is None:
            return None
        if isinstance(v, date):
            day = v
        else:
            text = str(v).strip()
            try:
                if not text.isascii():
                    raise ValueError(text)
                day = date.fromisoformat(text)
            except ValueError:
                self.bad(key, f"expected a date YYYY-MM-DD, got {v!r}")
                return None
        problem = date_problem(day)
        if problem is not None:
            self.bad(key, problem)
            return None
        return day

    def year(self, key: str) -> int | None:
        t = self.text(key)
        if t is None:
            return None
        if not (t.isascii() and t.isdigit()) or not 2013 <= int(t) <= LAST_DATE.year:
            self.bad(key, f"expected a year such as 2025, got {t!r}")
            return None
        return int(t)

    def status(self, key: str) -> CompanyStatus | str | None:
        w = self.word(key)
        if w is None:
            return None
        if w in _NOT_MEMBER:
            return "not a member"
        try:
            return CompanyStatus(w.replace(" ", "_"))
        except ValueError:
            known = ", ".join(s.value.replace("_", " ") for s in CompanyStatus)
            self.bad(key, f"unknown status {self.text(key)!r} (known: {known}, not a member)")
            return None

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        w = self.word(key)
        if w is not None and w not in allowed:
            self.bad(key, f"expected one of {', '.join(allowed)}, got {self.text(key)!r}")
            return None
        return w


_COLUMN = {c.key: c.header for c in COLUMNS}


def read_bidders(
    path: str | os.PathLike[str], *, as_of: date, parameters: ParameterSet = DEFAULT_PARAMETERS
) -> RegistryDocument:
    """A registry document from a bidder list (CSV or XLSX, see :func:`read_rows` and
    :data:`~icoc.bidders.COLUMNS`), as of ``as_of`` (the decision date: nothing in the list may
    be dated after it).

    Nothing is invented: an empty cell is an unknown ``ListedFact`` that makes every outcome
    reading it ``unknown``; a self-assessment's due date is the parameter ``self_assessment.due``
    of its cycle (``parameters``); an ICoCA certification lapses with its certificate (rule
    ART11.CERT_EXPIRY). Raises :class:`~icoc.errors.InvalidInput` listing every problem as
    ``FILE:row N:COLUMN: message``.
    """
    _, rows = read_rows(path)
    return document_from_rows(rows, source=str(Path(path)), as_of=as_of, parameters=parameters)


def document_from_rows(
    rows: Sequence[tuple[int, Mapping[str, Cell]]],
    *,
    source: str,
    as_of: date,
    parameters: ParameterSet = DEFAULT_PARAMETERS,
) -> RegistryDocument:
    """:func:`read_bidders` on rows already read by :func:`read_rows` (``source`` names the file
    in problems): a caller that also needs the cells, to write a report, reads the file once."""
    name = source
    problems: list[Problem] = []
    companies: list[Company] = []
    unregistered: list[UnregisteredCompany] = []
    listed: list[ListedFact] = []
    bodies: dict[str, CertificationBody] = {}
    certificates: list[ExternalCertificate] = []
    icoca: list[IcocaCertification] = []
    assessments: list[SelfAssessment] = []
    ids: dict[str, int] = {}
    for n, cells in rows:
        r = _Row(name, n, cells, problems)
        before = len(problems)
        company = r.text("company")
        cid = row_id(cells) or None
        if company is None:
            r.bad("company", "the company's name is required")
            continue
        if not cid or not ID_PATTERN.fullmatch(cid):
            where = "id" if r.text("id") else "company"
            r.bad(where, f"{cid!r} is not a valid id: give one in the id column (letters, digits, . _ : / -)")
            continue
        if cid in ids:
            r.bad("id" if r.text("id") else "company", f"{cid!r} is already the id of row {ids[cid]}")
            continue
        ids[cid] = n
        mid = MemberId(cid)

        def unknown(key: str, field: str | None = None, *, cid: str = cid, r: _Row = r) -> None:
            listed.append(ListedFact(subject=MemberId(cid), field=field or key, where=r.where(key)))

        country = r.text("country")
        if country is not None:
            country = country.upper()
            if not COUNTRY_PATTERN.fullmatch(country):
                r.bad("country", f"expected an ISO 3166 alpha-2 code such as 'CH', got {r.text('country')!r}")
        status = r.status("status")
        joined = r.day("joined")
        since = r.day("status_since")
        suspended_from = r.status("suspended_from")
        for key, when in (("joined", joined), ("status_since", since)):
            if when is not None and when > as_of:
                r.bad(key, f"{when.isoformat()} is after the decision date {as_of.isoformat()}")
        if joined is not None and since is not None and since < joined:
            r.bad("status_since", f"{since.isoformat()} is before the company joined on {joined.isoformat()}")
        # Certificate and ICoCA certification.
        standard_text = r.text("standard")
        standard = _STANDARDS.get(standard_text.lower()) if standard_text else None
        if standard_text and standard is None:
            known = ", ".join(s.id for s in DEFAULT_STANDARDS)
            r.bad("standard", f"unknown standard {standard_text!r} (known: {known})")
        body_name = r.text("body")
        issued, expires = r.day("issued"), r.day("expires")
        certified_word = r.word("icoca_certified")
        granted = None if certified_word in (None, "no") else r.day("icoca_certified")
        if issued is not None and issued > as_of:
            r.bad("issued", f"{issued.isoformat()} is after the decision date {as_of.isoformat()}")
        if issued is not None and expires is not None and expires <= issued:
            r.bad("expires", f"{expires.isoformat()} is not after the issue date {issued.isoformat()}")
        if granted is not None and granted > as_of:
            r.bad("icoca_certified", f"{granted.isoformat()} is after the decision date {as_of.isoformat()}")
        if granted is not None and issued is not None and granted < issued:
            r.bad("icoca_certified", f"{granted.isoformat()} is before the certificate was issued")
        # Self-assessment.
        cycle = r.year("csa_cycle")
        submitted_word = r.word("csa_submitted")
        submitted = None if submitted_word in (None, "no") else r.day("csa_submitted")
        rating = r.choice("csa_rating", ("satisfactory", "unsatisfactory"))
        if submitted is not None and submitted > as_of:
            r.bad("csa_submitted", f"{submitted.isoformat()} is after the decision date {as_of.isoformat()}")
        proceedings = r.choice("proceedings", ("none", "open"))
        complaints = r.choice("complaints", ("none", "open"))
        cases = r.choice("cases", ("none", "low", "medium", "high", "critical"))
        if isinstance(status, CompanyStatus) and status is CompanyStatus.SUSPENDED:
            if suspended_from is not None and (
                not isinstance(suspended_from, CompanyStatus)
                or not suspended_from.is_active
                or suspended_from is CompanyStatus.SUSPENDED
            ):
                given = r.text("suspended_from")
                r.bad("suspended_from", f"a company is suspended from an active status, not {given!r}")
        elif r.text("suspended_from"):
            r.bad("suspended_from", "only a suspended company is suspended from a status")
        if len(problems) > before:
            continue
        # What the row can put on record.
        cert_known = all(x is not None for x in (standard, body_name, issued, expires))
        certified = granted is not None and cert_known
        if certified_word is None or (granted is not None and not cert_known):
            unknown("icoca_certified" if certified_word is None else "standard", "certification")
        elif certified_word == "no":
            where = r.where("icoca_certified")
            listed.append(ListedFact(subject=MemberId(cid), field="certification", value="none", where=where))
        if country is None:
            unknown("country")
        register = isinstance(status, CompanyStatus) and joined is not None
        needs_since = status in (CompanyStatus.SUSPENDED, CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN)
        if register and needs_since and since is None:
            unknown("status_since")
            register = False
        if register and status is CompanyStatus.SUSPENDED and suspended_from is None:
            unknown("suspended_from")
            register = False
        if register and CompanyStatus.CERTIFIED_MEMBER in (status, suspended_from) and not certified:
            register = False
        if status is None:
            unknown("status")
        if joined is None and status != "not a member":
            unknown("joined")
        if not register:
            unregistered.append(
                UnregisteredCompany(
                    id=mid,
                    name=company,
                    country=country,
                    status=status if isinstance(status, CompanyStatus) else None,
                    not_a_member=status == "not a member",
                    where=r.where("status"),
                )
            )
            continue
        assert isinstance(status, CompanyStatus) and joined is not None
        if since is None:
            since = granted if status is CompanyStatus.CERTIFIED_MEMBER and granted else joined
        companies.append(
            Company(
                id=mid,
                name=company,
                country=country,
                joined=joined,
                status=status,
                status_since=max(since, joined),
                suspended_from=suspended_from if isinstance(suspended_from, CompanyStatus) else None,
            )
        )
        if cert_known:
            assert standard and body_name and issued and expires
            bid = CertificationBodyId(_slug(body_name) or "body")
            cert_id, icoca_id = CertificateId(f"{cid}/certificate"), CertificateId(f"{cid}/icoca")
            old = bodies.get(bid)
            bodies[bid] = CertificationBody(
                id=bid,
                name=body_name,
                accreditation_body=None,
                route=None,
                icoca_listed=certified or (old is not None and old.icoca_listed),
            )
            certificates.append(
                ExternalCertificate(
                    id=cert_id, company=mid, standard=StandardId(standard), body=bid, issued=issued, expires=expires
                )
            )
            if certified:
                assert granted is not None
                icoca.append(
                    IcocaCertification(id=icoca_id, company=mid, based_on=cert_id, granted=granted, expires=expires)
                )
        if cycle is None or submitted_word is None:
            unknown("csa_cycle" if cycle is None else "csa_submitted", "self_assessment")
        else:
            md = str(parameters.value("self_assessment.due", date(cycle, 1, 1)))
            month, day = (int(x) for x in md.split("-"))
            assessments.append(
                SelfAssessment(
                    company=MemberId(cid),
                    cycle=cycle,
                    due=date(cycle, month, day),
                    submitted=submitted,
                    satisfactory=None if rating is None else rating == "satisfactory",
                )
            )
        for key, value in (("proceedings", proceedings), ("complaints", complaints), ("cases", cases)):
            listed.append(ListedFact(subject=MemberId(cid), field=key, value=value, where=r.where(key)))
    if problems:
        raise InvalidInput(problems)
    try:
        return RegistryDocument(
            as_of=as_of,
            companies=tuple(companies),
            certification_bodies=tuple(bodies.values()),
            certificates=tuple(certificates),
            icoca_certifications=tuple(icoca),
            self_assessments=tuple(assessments),
            listed=tuple(listed),
            unregistered=tuple(unregistered),
        )
    except InvalidInput as exc:
        raise InvalidInput(_locate(exc.problems, name, companies, ids)) from None


def _locate(problems: tuple[Problem, ...], name: str, companies: list[Company], ids: dict[str, int]) -> list[Problem]:
    """Document paths (``RegistryDocument.companies[3].joined``) as file and row."""
    out = []
    for p in problems:
        m = re.search(r"companies\[(\d+)\]\.?(\w*)", p.path)
        if m and int(m.group(1)) < len(companies):
            row = ids[companies[int(m.group(1))].id]
            out.append(Problem(f"{name}:row {row}:{_COLUMN.get(m.group(2), m.group(2) or 'company')}", p.message))
        else:
            out.append(Problem(f"{name}:{p.path}", p.message))
    return out


_RECORD = re.compile(r"\$\.(companies|certificates|icoca_certifications|self_assessments)\[(\d+)\]")


def locate(
    problems: Sequence[Problem], doc: RegistryDocument, rows: Sequence[tuple[int, Mapping[str, Cell]]], source: str
) -> list[Problem]:
    """Problems found in a document read from a bidder list (a record the workflows refuse,
    ``$.companies[3]...``) placed on the list's file and row (``bidders.xlsx:row 5``)."""
    row_of = {row_id(cells): n for n, cells in rows}
    out = []
    for p in problems:
        m = _RECORD.search(p.path)
        company = None
        if m is not None:
            records: Sequence[Any] = getattr(doc, m.group(1))
            i = int(m.group(2))
            if i < len(records):
                record = records[i]
                company = record.id if m.group(1) == "companies" else record.company
        if company is not None and company in row_of:
            out.append(Problem(f"{source}:row {row_of[company]}", p.message))
        else:
            out.append(Problem(f"{source}:{p.path}", p.message))
    return out
