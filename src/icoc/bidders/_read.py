"""Reading a bidder list (CSV or XLSX) into a registry document, inventing nothing.

Each row becomes the records its cells support: a company, its certificate and ICoCA
certification, its latest self-assessment. A cell left empty is kept as an unknown
:class:`~icoc.model.ListedFact`; a company whose status or joining date is unknown, or that is
not a member, is an :class:`~icoc.model.UnregisteredCompany`. Record ids that the list has no
column for are keys made from the company id (``north-shield/certificate``), not facts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from icoc.bidders._cells import COLUMN_HEADERS, STANDARDS, RowCells, row_id, slug
from icoc.bidders._sheet import Cell, read_rows
from icoc.errors import InvalidInput, Problem
from icoc.model import (
    COUNTRY_PATTERN,
    DEFAULT_STANDARDS,
    ID_PATTERN,
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
)
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet

__all__ = ["document_from_rows", "locate", "read_bidders"]


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
        r = RowCells(name, n, cells, problems)
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

        def unknown(key: str, field: str | None = None, *, cid: str = cid, r: RowCells = r) -> None:
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
        standard = STANDARDS.get(standard_text.lower()) if standard_text else None
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
            bid = CertificationBodyId(slug(body_name) or "body")
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
            out.append(
                Problem(f"{name}:row {row}:{COLUMN_HEADERS.get(m.group(2), m.group(2) or 'company')}", p.message)
            )
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
