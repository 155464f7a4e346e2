"""The DuckDB results store: public API (the command line is :mod:`pipeline.store.__main__`).

Schema and views live in :mod:`pipeline.store.schema`, the ingest in :mod:`pipeline.store.ingest`;
docs/store.md describes both with example SQL.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.store.artifacts import IngestError, discover_artifacts
from pipeline.store.ingest import ingest, ledger_problems
from pipeline.store.schema import SCHEMA_VERSION, TABLES, apply_schema, schema_version_problem
from pipeline.store.views import VIEWS

__all__ = [
    "IngestError",
    "SCHEMA_VERSION",
    "StoreMissingError",
    "StoreVersionError",
    "apply_schema",
    "connect_readonly",
    "discover_artifacts",
    "ingest",
    "ledger_problems",
    "table_counts",
    "TABLES",
    "VIEWS",
]


class StoreMissingError(FileNotFoundError):
    """The results database does not exist yet."""


class StoreVersionError(RuntimeError):
    """The results database was written with another schema version; the message says how to rebuild it."""


def connect_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the store read-only (figures, notebooks); a missing file or a store of another schema version
    (:data:`SCHEMA_VERSION`) is a clear error."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise StoreMissingError(
            f"results store {db_path} does not exist; build it with "
            f"`python -m pipeline.store ingest results/ {db_path}`"
        )
    con = duckdb.connect(str(db_path), read_only=True)
    problem = schema_version_problem(con, db_path)
    if problem:
        con.close()
        raise StoreVersionError(problem)
    return con


def table_counts(db_path: Path) -> dict[str, int]:
    """Row count of every table of the store."""
    with connect_readonly(db_path) as con:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
