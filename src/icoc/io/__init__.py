"""Reading and writing icoc values: the one configured cattrs converter, JSON and YAML, the
JSON Schema of a registry document.

ISO dates, enums by value, unknown keys refused, and every problem reported with its path
(``$.companies[3].joined: ...``) in one :class:`icoc.errors.InvalidInput`.
"""

from icoc.io._convert import converter, structure, unstructure
from icoc.io._files import dump, dumps, load, loads
from icoc.io._schema import json_schema

__all__ = ["converter", "dump", "dumps", "json_schema", "load", "loads", "structure", "unstructure"]
