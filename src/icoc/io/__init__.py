"""Reading and writing icoc values: the one configured cattrs converter, JSON and YAML, the
JSON Schema of a registry document.

ISO dates, enums by value, unknown keys refused, and every problem reported with its path
(``$.companies[3].joined: ...``) in one :class:`icoc.errors.InvalidInput`. Text is parsed under
limits (``MAX_DEPTH``, ``MAX_INT_DIGITS``, ``MAX_YAML_NODES``, duplicate keys, valid Unicode, the
dates of :data:`icoc.model.FIRST_DATE` .. :data:`icoc.model.LAST_DATE`): whatever a file holds,
a reader returns a valid value or raises ``InvalidInput``.

Other packages read their own files through the same converter: :func:`register_object` (an
attrs class under its file keys, with field hooks) and :func:`keyed_union` (a union told apart
by the key an object holds); a hook raises :class:`Refused` for a value it cannot take.

Exports take an :class:`Audience` and default to the public one: fields above it are replaced by
a visible marker (see ``docs/confidentiality.md``).
"""

from icoc.io._convert import Refused, converter
from icoc.io._files import dump, dumps, load, load_with, loads, read_data
from icoc.io._forms import Form, keyed_union, register_object
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
    "Form",
    "Refused",
    "Sensitivity",
    "converter",
    "dump",
    "dumps",
    "json_schema",
    "keyed_union",
    "load",
    "load_with",
    "read_data",
    "loads",
    "redact",
    "register_object",
    "sensitivity_table",
    "structure",
    "unstructure",
]
