"""Bidder lists: template, fill, check, report, and the report read back (issue 13)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icoc.bidders import COLUMNS, read_bidders, read_rows
from icoc.cli import EXIT_ERROR, EXIT_NOT_ELIGIBLE, EXIT_OK, EXIT_UNDETERMINED, main
from icoc.eligibility import BUILTIN_POLICIES, Decision, Result, Verdict, check_document
from icoc.errors import InvalidInput

AS_OF = date(2026, 3, 1)
HEADERS = [c.header for c in COLUMNS]


def _row(**cells: str) -> list[str]:
    keys = {c.header: c.key for c in COLUMNS}
    return [cells.get(keys[h], "") for h in HEADERS]


FULL = {  # everything known, eligible under the default policy
    "company": "",
    "country": "GB",
    "status": "member",
    "joined": "2024-02-01",
    "icoca_certified": "no",
    "csa_cycle": "2025",
    "csa_submitted": "2025-09-10",
    "csa_rating": "satisfactory",
    "proceedings": "none",
    "complaints": "none",
    "cases": "none",
}


def thirty_bidders() -> list[list[str]]:
    """30 invented bidders: every verdict, several reasons each, unknown cells among them."""
    rows = []
    for i in range(30):
        cells = dict(FULL, company=f"Bidder {i:02d} Security")
        kind = i % 10
        if kind == 1:
            cells.update(status="affiliate", joined="2019-06-01")
        elif kind == 2:
            cells.update(status="suspended", status_since="2026-01-10", suspended_from="member")
        elif kind == 3:
            cells.update(status="not a member", joined="")
        elif kind == 4:  # the self-assessment is not known
            cells.update(csa_cycle="", csa_submitted="", csa_rating="")
        elif kind == 5:  # proceedings unknown
            cells.update(proceedings="")
        elif kind == 6:
            cells.update(
                id=f"cert-{i}",
                status="certified member",
                joined="2020-01-15",
                standard="ISO-18788",
                body="Example Certification AG",
                issued="2024-01-10",
                expires="2027-01-09",
                icoca_certified="2024-03-01",
            )
        elif kind == 7:
            cells.update(status="", joined="")  # nothing known about membership
        elif kind == 8:
            cells.update(proceedings="open")
        elif kind == 9:
            cells.update(status="withdrawn", status_since="2025-05-01")
        rows.append(_row(**cells))
    return rows


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8")


def fill_template(template: Path, rows: list[list[str]]) -> None:
    """What the officer does: keep the header row, replace the example row by the bidders."""
    if template.suffix == ".csv":
        header = next(csv.reader(io.StringIO(template.read_text(encoding="utf-8"))))
        write_csv(template, [header, *rows], bom=True)  # as a spreadsheet program saves it
    else:
        book = openpyxl.load_workbook(template)
        sheet = book["bidders"]
        sheet.delete_rows(2)
        for row in rows:
            sheet.append([date.fromisoformat(c) if len(c) == 10 and c[4] == "-" else c for c in row])
        book.save(template)


def report_verdicts(path: Path) -> dict[str, str]:
    if path.suffix == ".csv":
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        return {r["id"]: r["verdict"] for r in csv.DictReader(lines)}
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["bidders"].iter_rows(values_only=True))
    header = list(rows[0])
    return {r[header.index("id")]: r[header.index("verdict")] for r in rows[1:]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_documented_workflow_end_to_end(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bidders = tmp_path / f"bidders.{fmt}"
    assert main(["template", "--format", fmt, "--out", str(bidders)]) == EXIT_OK
    _, example = read_rows(bidders)
    assert len(example) == 1 and example[0][1]["company"] == "North Shield Security Ltd"
    fill_template(bidders, thirty_bidders())

    assert main(["check", str(bidders), "--as-of", "2026-03-01"]) == EXIT_NOT_ELIGIBLE
    table = capsys.readouterr().out
    assert "UNDETERMINED" in table and "NOT ELIGIBLE" in table and "bidder-04-security" in table

    report = tmp_path / f"report.{fmt}"
    code = main(["check", str(bidders), "--as-of", "2026-03-01", "--format", fmt, "--out", str(report)])
    assert code == EXIT_NOT_ELIGIBLE
    verdicts = report_verdicts(report)
    assert len(verdicts) == 30 and set(verdicts.values()) == {"eligible", "not eligible", "undetermined"}
    assert verdicts["bidder-00-security"] == "eligible"
    assert verdicts["bidder-02-security"] == "not eligible"  # suspended
    assert verdicts["bidder-03-security"] == "not eligible"  # not a member
    assert verdicts["bidder-04-security"] == "undetermined"  # self-assessment unknown
    assert verdicts["bidder-07-security"] == "undetermined"  # status unknown
    assert verdicts["cert-6"] == "eligible"

    # The filed report reads back as the same bidder list, and decides the same.
    again = check_document(read_bidders(report, as_of=AS_OF), as_of=AS_OF)
    assert {d.member: d.verdict.label.lower() for d in again} == verdicts
    first = check_document(read_bidders(bidders, as_of=AS_OF), as_of=AS_OF)

    def results(ds: list[Decision]) -> list[tuple[str, Verdict, list[Result]]]:
        return [(d.member, d.verdict, [o.result for o in d.outcomes]) for d in ds]

    assert results(again) == results(first)  # the cells named differ: the report's own rows


def test_the_report_says_how_to_reproduce_the_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bidders = tmp_path / "bidders.csv"
    write_csv(bidders, [HEADERS, *thirty_bidders()])
    report = tmp_path / "report.xlsx"
    policy = "us-dos-protective-services"
    args = ["check", str(bidders), "--as-of", "2026-03-01", "--until", "2027-12-31", "--policy", policy]
    assert main([*args, "--format", "xlsx", "--out", str(report)]) == EXIT_NOT_ELIGIBLE
    book = openpyxl.load_workbook(report, read_only=True)
    meta = {k: v for k, v in book["decision"].iter_rows(min_row=2, values_only=True)}
    assert meta["policy"] == policy and meta["as of"] == "2026-03-01"
    assert meta["contract period until"] == "2027-12-31"
    assert len(str(meta["policy version"])) == 12 and meta["parameter self_assessment.due"] == "09-23"
    assert "requirement code-compliance" in meta
    header = [c.value for c in next(book["bidders"].iter_rows(max_row=1))]
    assert header[:3] == ["id", "company", "verdict"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in book["bidders"].iter_rows(min_row=2, values_only=True)}
    undetermined = rows["bidder-05-security"]
    assert undetermined["verdict"] == "undetermined"
    assert undetermined["unknown"] == "no-proceedings"
    assert undetermined["to settle"] == f"{bidders}:row 7:open proceedings"
    # A member that joined in 2024 must certify by the end of 2027: inside the contract period.
    assert "certification deadline 2027-12-31" not in str(rows["bidder-00-security"]["contract period"])
    assert "self-assessment cycle 2026" in str(rows["bidder-00-security"]["contract period"])
    # The long layout stays available.
    assert main([*args, "--format", "csv-long"]) == EXIT_NOT_ELIGIBLE
    long = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(long) == 30 * 6 and {r["verdict"] for r in long} == {"eligible", "not_eligible", "undetermined"}


def test_exit_status_for_undetermined_is_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bidders = tmp_path / "bidders.csv"
    write_csv(
        bidders,
        [HEADERS, _row(**dict(FULL, company="Known Co")), _row(**dict(FULL, company="Vague Co", proceedings=""))],
    )
    assert main(["check", str(bidders), "--as-of", "2026-03-01"]) == EXIT_UNDETERMINED
    assert main(["check", str(bidders), "--as-of", "2026-03-01", "--member", "known-co"]) == EXIT_OK
    capsys.readouterr()
    assert main(["check", str(bidders), "--as-of", "2026-03-01", "--format", "json"]) == EXIT_UNDETERMINED
    data = json.loads(capsys.readouterr().out)
    assert [d["verdict"] for d in data] == ["eligible", "undetermined"]
    main(["check", str(bidders), "--as-of", "2026-03-01", "--format", "json", "--member", "vague-co"])
    (vague,) = json.loads(capsys.readouterr().out)
    assert vague["verdict"] == "undetermined" and vague["name"] == "Vague Co"
    assert vague["settle"] == [f"{bidders}:row 3:open proceedings"]


def test_an_undetermined_decision_lists_what_would_settle_it(tmp_path: Path) -> None:
    bidders = tmp_path / "bidders.csv"
    write_csv(
        bidders, [HEADERS, _row(**dict(FULL, company="Vague Co", csa_cycle="", proceedings="", joined="2021-05-01"))]
    )
    (d,) = check_document(read_bidders(bidders, as_of=AS_OF), as_of=AS_OF)
    assert d.verdict is Verdict.UNDETERMINED and not d.eligible
    assert d.settle == (
        f"{bidders}:row 2:self-assessment cycle",
        f"{bidders}:row 2:open proceedings",
    )
    assert "to settle: " in d.text()


@pytest.mark.parametrize(
    "cells, where, message",
    [
        ({"joined": "01/02/2020"}, "joined", "expected a date YYYY-MM-DD"),
        ({"status": "gold"}, "icoca status", "unknown status 'gold'"),
        ({"country": "Britain"}, "country", "ISO 3166"),
        ({"joined": "2027-01-01"}, "joined", "after the decision date"),
        ({"standard": "ISO-9999"}, "standard", "unknown standard"),
        ({"cases": "terrible"}, "worst open case", "expected one of none, low"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_problem_names_file_row_and_column(
    fmt: str, cells: dict[str, str], where: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [HEADERS] + [_row(**dict(FULL, company=f"Co {i}")) for i in range(5)]
    rows.append(_row(**dict(FULL, company="Broken Co", **cells)))  # row 7
    path = tmp_path / f"bidders.{fmt}"
    if fmt == "csv":
        write_csv(path, rows)
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    with pytest.raises(InvalidInput) as err:
        read_bidders(path, as_of=AS_OF)
    assert [p.path for p in err.value.problems] == [f"{path}:row 7:{where}"]
    assert message in str(err.value)
    assert main(["check", str(path), "--as-of", "2026-03-01"]) == EXIT_ERROR
    out = capsys.readouterr().err
    assert f"bidders.{fmt}:row 7:{where}: " in out and out.count("\n") == 1


def test_unknown_columns_and_missing_header_are_named(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    write_csv(path, [["company", "colour"], ["Acme", "red"]])
    with pytest.raises(InvalidInput, match=r"b.csv:row 1:column 2: unknown column 'colour'"):
        read_bidders(path, as_of=AS_OF)
    write_csv(path, [["name", "country"], ["Acme", "GB"]])
    with pytest.raises(InvalidInput, match="no 'company' column"):
        read_bidders(path, as_of=AS_OF)


def test_nothing_is_invented(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    write_csv(path, [HEADERS, _row(company="Only A Name")])
    doc = read_bidders(path, as_of=AS_OF)
    assert doc.companies == () and doc.certificates == () and doc.certification_bodies == ()
    (u,) = doc.unregistered
    assert (u.id, u.name, u.country, u.status, u.not_a_member) == ("only-a-name", "Only A Name", None, None, False)
    assert {f.field for f in doc.listed} == {"status", "joined", "country", "certification"}
    (d,) = check_document(doc, as_of=AS_OF)
    assert d.verdict is Verdict.UNDETERMINED and {o.result for o in d.outcomes} == {Result.UNKNOWN}


def test_semicolons_and_byte_order_marks(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("\ufeff" + ";".join(HEADERS) + "\n" + ";".join(_row(**dict(FULL, company="Semi Co"))) + "\n")
    (d,) = check_document(read_bidders(path, as_of=AS_OF), as_of=AS_OF)
    assert d.member == "semi-co" and d.verdict is Verdict.ELIGIBLE


# --- property: an unknown cell never decides ---------------------------------------------------

_DOMAINS = {
    "status": ["member", "affiliate", "transitional member", "not a member"],
    "joined": ["2018-05-01", "2021-03-01", "2024-02-01"],
    "icoca_certified": ["no"],
    "proceedings": ["none", "open"],
    "complaints": ["none", "open"],
    "cases": ["none", "low", "high", "critical"],
    "csa_rating": ["satisfactory", "unsatisfactory"],
    "csa_submitted": ["2025-09-10", "no"],
}


def _verdict(tmp: Path, cells: dict[str, str], policy: str) -> Verdict | None:
    path = tmp / "p.csv"
    write_csv(path, [HEADERS, _row(**cells)])
    try:
        (d,) = check_document(read_bidders(path, as_of=AS_OF), BUILTIN_POLICIES[policy], as_of=AS_OF)
    except InvalidInput:
        return None  # a filling the workflows refuse is no evidence either way
    return d.verdict


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _DOMAINS.items()}),
    blank=st.sampled_from(sorted(_DOMAINS)),
    policy=st.sampled_from(sorted(BUILTIN_POLICIES)),
)
def test_an_unknown_cell_never_decides(tmp_path: Path, base: dict[str, str], blank: str, policy: str) -> None:
    """Blank one cell: if the verdict is eligible, or not eligible, it is the same whatever the
    cell holds; otherwise the company is undetermined. The unknown cell never carries the verdict."""
    cells = dict(FULL, company="Prop Co", csa_cycle="2025", **base)
    if cells["status"] == "not a member":
        cells["joined"] = ""
    if cells["csa_submitted"] == "no":
        cells["csa_rating"] = ""  # an assessment not submitted has no rating
    unknown = _verdict(tmp_path, dict(cells, **{blank: ""}), policy)
    assert unknown is not None
    if unknown is Verdict.UNDETERMINED:
        return
    filled = {_verdict(tmp_path, dict(cells, **{blank: value}), policy) for value in _DOMAINS[blank]} - {None}
    assert filled <= {unknown}, f"blank {blank}: {unknown} but a filling gives {filled}"


def test_a_row_the_workflows_refuse_is_named_by_its_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lapsed.csv"
    lapsed = dict(
        FULL,
        company="Lapsed Co",
        status="certified member",
        joined="2024-01-01",
        standard="ISO-18788",
        body="Body",
        issued="2020-01-01",
        expires="2022-01-01",
        icoca_certified="2020-03-01",
    )
    write_csv(path, [HEADERS, _row(**dict(FULL, company="Fine Co")), _row(**lapsed)])
    assert main(["check", str(path), "--as-of", "2026-03-01"]) == EXIT_ERROR
    err = capsys.readouterr().err
    # The row's own dates contradict its status: named by row (and column), one line.
    assert f"{path}:row 3:" in err and err.count("\n") == 1
    assert "certified member, but no ICoCA certification of it is in force on 2026-03-01" in err


def test_a_document_written_back_as_a_list_decides_the_same(tmp_path: Path) -> None:
    from icoc.bidders import bidder_rows

    path = tmp_path / "bidders.csv"
    write_csv(path, [HEADERS, *thirty_bidders()])
    doc = read_bidders(path, as_of=AS_OF)
    again = tmp_path / "again.csv"
    write_csv(again, [HEADERS, *([row.get(c.key, "") for c in COLUMNS] for row in bidder_rows(doc))])

    def verdicts(p: Path) -> dict[str, Verdict]:
        return {d.member: d.verdict for d in check_document(read_bidders(p, as_of=AS_OF), as_of=AS_OF)}

    assert verdicts(again) == verdicts(path)


UNCLOSED = (
    "company,icoca status,joined,icoca certified,self-assessment cycle,self-assessment submitted,"
    "open proceedings,open complaints,worst open case,certification body\n"
    'Alpha Ltd,member,2025-03-01,no,2025,2025-09-10,none,none,none,"Acme Cert\n'
    "Beta Ltd,suspended,2022-01-01,no,2025,2025-09-10,none,none,none,\n"
)


def test_an_unclosed_quote_is_refused_naming_its_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bidders.csv"
    path.write_text(UNCLOSED, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        read_rows(path)
    assert [p.path for p in err.value.problems] == [f"{path}:row 2"]
    assert "unterminated quote" in str(err.value)
    assert main(["check", str(path), "--as-of", "2026-03-01"]) == EXIT_ERROR
    assert "bidders.csv:row 2: unterminated quote" in capsys.readouterr().err


def _zip_bomb(path: Path, inflated: int) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                f.write(chunk)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    import time

    path = tmp_path / "bomb.xlsx"
    _zip_bomb(path, 300 * 1024 * 1024)  # over the 256 MiB limit
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"bomb\.xlsx: the workbook unpacks to \d+ bytes"):
        read_rows(path)
    assert time.monotonic() - started < 2
    small = tmp_path / "ratio.xlsx"
    _zip_bomb(small, 20 * 1024 * 1024)  # under the limit, but compressed ~1000 to 1
    with pytest.raises(InvalidInput, match=r"ratio\.xlsx: part 'xl/worksheets/sheet1.xml' is compressed more"):
        read_rows(small)


def _damage(src: Path, dst: Path, part: str, data: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == part else zin.read(info.filename))


BOMB_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    + b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("part", "data"),
    [
        ("xl/worksheets/sheet1.xml", None),  # cut in the middle
        ("xl/worksheets/sheet1.xml", b"<<<not xml"),
        ("xl/workbook.xml", b"<<<not xml"),
        ("[Content_Types].xml", b"garbage"),
        ("xl/styles.xml", b"<<<not xml"),
        ("xl/worksheets/sheet1.xml", BOMB_DTD),
    ],
)
def test_a_damaged_xlsx_is_invalid_input_naming_the_file(
    part: str, data: bytes | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.active.append(_row(**dict(FULL, company="Alpha Ltd")))
    book.save(good)
    if data is None:
        with zipfile.ZipFile(good) as z:
            whole = z.read(part)
        data = whole[: len(whole) // 2]
    bad = tmp_path / "bad.xlsx"
    _damage(good, bad, part, data)
    with pytest.raises(InvalidInput, match=r"bad\.xlsx: "):
        read_rows(bad)
    assert main(["check", str(bad), "--as-of", "2026-03-01"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "bad.xlsx: " in err and "internal error" not in err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_like_name_round_trips_as_text(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bidders = tmp_path / "bidders.csv"
    names = ["=1+2", "+41 Security", "-Dash Co", "@Home Guard"]
    write_csv(bidders, [HEADERS, *(_row(**dict(FULL, company=n, id=f"co-{i}")) for i, n in enumerate(names))])
    report = tmp_path / f"report.{fmt}"
    assert main(["check", str(bidders), "--as-of", "2026-03-01", "--format", fmt, "--out", str(report)]) == EXIT_OK
    if fmt == "xlsx":
        book = openpyxl.load_workbook(report)
        cells = [row[1] for row in book["bidders"].iter_rows(min_row=2)]
        assert [c.value for c in cells] == names and {c.data_type for c in cells} == {"s"}
    else:
        text = report.read_text(encoding="utf-8")
        assert "\nco-0,'=1+2," in text and "\nco-2,'-Dash Co," in text
    _, rows = read_rows(report)
    assert [r["company"] for _, r in rows] == names
    first = check_document(read_bidders(bidders, as_of=AS_OF), as_of=AS_OF)
    again = check_document(read_bidders(report, as_of=AS_OF), as_of=AS_OF)
    assert [(d.member, d.verdict) for d in again] == [(d.member, d.verdict) for d in first]


@pytest.mark.parametrize(
    ("cells", "where"),
    [
        ({"csa_cycle": "2025²"}, "self-assessment cycle"),
        ({"csa_cycle": "\uff12\uff10\uff12\uff15"}, "self-assessment cycle"),
        ({"csa_cycle": "3000"}, "self-assessment cycle"),
        ({"csa_cycle": "9999"}, "self-assessment cycle"),
        ({"joined": "1899-12-31"}, "joined"),
        ({"issued": "1800-01-01", "expires": "2027-01-01", "standard": "ISO-18788", "body": "B"}, "certificate issued"),
        (
            {"issued": "2024-01-01", "expires": "3001-01-01", "standard": "ISO-18788", "body": "B"},
            "certificate expires",
        ),
        ({"csa_submitted": "1899-01-01"}, "self-assessment submitted"),
    ],
)
def test_cycles_and_dates_outside_the_supported_range_are_named(
    cells: dict[str, str], where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bidders.csv"
    write_csv(path, [HEADERS, _row(**dict(FULL, company="Odd Co", **cells))])
    with pytest.raises(InvalidInput) as err:
        read_bidders(path, as_of=AS_OF)
    assert [p.path for p in err.value.problems] == [f"{path}:row 2:{where}"]
    assert main(["check", str(path), "--as-of", "2026-03-01"]) == EXIT_ERROR
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_bidder_list_is_refused(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"bidders.{fmt}"
    if fmt == "csv":
        write_csv(path, [HEADERS])
    else:
        book = openpyxl.Workbook()
        book.active.append(HEADERS)
        book.save(path)
    with pytest.raises(InvalidInput, match="no bidders in the list"):
        read_rows(path)
    assert main(["check", str(path), "--as-of", "2026-03-01"]) == EXIT_ERROR
    assert f"bidders.{fmt}: no bidders in the list" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "csv-long", "table"])
def test_out_is_honoured_for_every_format(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bidders = tmp_path / "bidders.csv"
    write_csv(bidders, [HEADERS, _row(**dict(FULL, company="Known Co"))])
    out = tmp_path / "out.txt"
    assert main(["check", str(bidders), "--as-of", "2026-03-01", "--format", fmt, "--out", str(out)]) == EXIT_OK
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert [d["member"] for d in json.loads(text)] == ["known-co"]
    elif fmt == "csv-long":
        assert {r["member"] for r in csv.DictReader(io.StringIO(text))} == {"known-co"}
    else:
        assert "known-co" in text and "eligible" in text.lower()
