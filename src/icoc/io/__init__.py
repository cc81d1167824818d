"""Reading and writing icoc values: the one configured cattrs converter, JSON and YAML, the
JSON Schema of a registry document.

ISO dates, enums by value, unknown keys refused, and every problem reported with its path
(``$.companies[3].joined: ...``) in one :class:`icoc.errors.InvalidInput`. Text is parsed under
limits (``MAX_DEPTH``, ``MAX_INT_DIGITS``, ``MAX_YAML_NODES``, duplicate keys, valid Unicode, the
dates of :data:`icoc.model.FIRST_DATE` .. :data:`icoc.model.LAST_DATE`): whatever a file holds,
a reader returns a valid value or raises ``InvalidInput``.

Exports take an :class:`Audience` and default to the public one: fields above it are replaced by
a visible marker (see ``docs/confidentiality.md``).
"""

from icoc.io._convert import converter
from icoc.io._files import dump, dumps, load, load_with, loads, read_data
from icoc.io._parse import MAX_DEPTH, MAX_INT_DIGITS, MAX_YAML_NODES, check_data, parse_json, parse_yaml
from icoc.io._redact import redact, sensitivity_table, structure, unstructure
from icoc.io._schema import json_schema
from icoc.model.sensitivity import Audience, Sensitivity

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_YAML_NODES",
    "check_data",
    "parse_json",
    "parse_yaml",
    "Audience",
    "Sensitivity",
    "converter",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "load_with",
    "read_data",
    "loads",
    "redact",
    "sensitivity_table",
    "structure",
    "unstructure",
]
