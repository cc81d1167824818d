"""The bidder-list layout: one row per company, one column per fact, in a fixed documented order."""

from __future__ import annotations

import attrs

__all__ = ["COLUMNS", "REPORT_COLUMNS", "Column"]


@attrs.frozen
class Column:
    """A column of the bidder list: its header, what it holds and the template's example value."""

    key: str
    header: str
    help: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "a short id (letters, digits, . _ : / -); empty: made from the company name", "north-shield"),
    Column("company", "company", "the company's name (required)", "North Shield Security Ltd"),
    Column("country", "country", "ISO 3166 alpha-2 code of its seat (CH, GB, US...)", "GB"),
    Column(
        "status",
        "icoca status",
        "member, transitional member, certified member, affiliate, suspended, terminated, withdrawn, or 'not a member'",
        "member",
    ),
    Column("joined", "joined", "the date ICoCA admitted it (YYYY-MM-DD)", "2023-03-01"),
    Column(
        "status_since",
        "status since",
        "the date its status began: needed for suspended, terminated and withdrawn; empty for a member, "
        "transitional member or affiliate means since joining",
        "",
    ),
    Column("suspended_from", "suspended from", "a suspended company's status before the suspension", ""),
    Column("standard", "standard", "the standard of its certificate: PSC.1-2012, ISO-18788, ISO-28007", "ISO-18788"),
    Column("body", "certification body", "the body that issued the certificate", "Example Certification AG"),
    Column("issued", "certificate issued", "the date the certificate was issued", "2024-05-02"),
    Column("expires", "certificate expires", "the date the certificate expires", "2027-05-01"),
    Column(
        "icoca_certified",
        "icoca certified",
        "the date ICoCA certification was granted on that certificate, or 'no'",
        "no",
    ),
    Column("csa_cycle", "self-assessment cycle", "the year of its latest self-assessment", "2025"),
    Column(
        "csa_submitted",
        "self-assessment submitted",
        "the date that self-assessment was submitted, or 'no'",
        "2025-09-10",
    ),
    Column("csa_rating", "self-assessment rating", "satisfactory or unsatisfactory (empty: not rated yet)", ""),
    Column("proceedings", "open proceedings", "none, or open (disciplinary proceedings before the Board)", "none"),
    Column("complaints", "open complaints", "none, or open", "none"),
    Column("cases", "worst open case", "none, or the severity of its worst open case: low, medium, high, critical", ""),
)
"""Every column, in template order. Any cell but ``company`` may be left empty: empty is unknown."""

REPORT_COLUMNS: tuple[str, ...] = (
    "verdict",
    "failed",
    "unknown",
    "reasons",
    "citations",
    "to settle",
    "contract period",
)
"""Columns a report adds to the bidder list; the reader skips them, so a report reads back."""
