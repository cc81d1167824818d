"""Durable event stores: a registry's history kept on disk for years.

Two implementations of one small :class:`EventStore` protocol: :class:`JsonLinesStore` (one
JSON-lines file, fsync, ``flock``) and :class:`SqliteStore` (standard-library ``sqlite3`` in WAL
mode). Appends are atomic, durable and optimistic (``expected_last``); damage is reported as
:class:`~icoc.errors.StoreCorrupted`, never skipped. :func:`open_registry` replays a store into a
:class:`StoredRegistry` that appends every event it accepts.
"""

from icoc.store._base import SNAPSHOT_FORMAT_VERSION, STORE_FORMAT_VERSION, EventStore, RepairReport
from icoc.store._jsonl import JsonLinesStore
from icoc.store._registry import (
    SnapshotIgnored,
    SnapshotPolicy,
    SnapshotReport,
    StoredRegistry,
    open_registry,
    open_store,
    replay,
)
from icoc.store._sqlite import SqliteStore

__all__ = [
    "SNAPSHOT_FORMAT_VERSION",
    "STORE_FORMAT_VERSION",
    "EventStore",
    "JsonLinesStore",
    "RepairReport",
    "SnapshotIgnored",
    "SnapshotPolicy",
    "SnapshotReport",
    "SqliteStore",
    "StoredRegistry",
    "open_registry",
    "open_store",
    "replay",
]
