"""Bidder lists: the spreadsheet a procurement officer holds, in and out.

``read_bidders`` turns a CSV or XLSX list (layout: :data:`COLUMNS`) into a
:class:`~icoc.model.RegistryDocument` without inventing anything; ``write_template`` writes an
empty list with an example row; ``write_report`` writes the decisions a tender board files, one
row per company, with the policy, its version, the date and the parameters beside them, in a
file that reads back as the same bidder list.
"""

from icoc.bidders._cells import row_id
from icoc.bidders._columns import COLUMNS, REPORT_COLUMNS, Column
from icoc.bidders._read import document_from_rows, locate, read_bidders
from icoc.bidders._sheet import read_rows
from icoc.bidders._write import bidder_rows, policy_version, report_metadata, write_report, write_template

__all__ = [
    "COLUMNS",
    "REPORT_COLUMNS",
    "Column",
    "bidder_rows",
    "document_from_rows",
    "locate",
    "policy_version",
    "read_bidders",
    "read_rows",
    "report_metadata",
    "row_id",
    "write_report",
    "write_template",
]
