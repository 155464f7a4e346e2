"""Ingest pipeline artifacts (layout in docs/artifacts.md) into the DuckDB results store.

One call of :func:`ingest` is one transaction: either every new or changed artifact lands, or the
database is left exactly as it was and :class:`IngestError` names the offending file. The
``artifacts`` table is the ledger: an artifact whose sha256 is already recorded is skipped, a changed
one has its rows (found through the ``artifact`` column) replaced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from pipeline.jsonl import JsonlError
from pipeline.store.artifacts import (
    KIND_TABLES,
    LEGACY_EVAL_NOTE,
    Artifact,
    IngestError,
    discover_artifacts,
    file_sha256,
    legacy_eval_paths,
)
from pipeline.store.loaders import ArtifactLoader, utc_naive
from pipeline.store.schema import TABLES, apply_schema, schema_version_problem

__all__ = ["ingest"]


_RERUN_HINT = (
    "A truncated or corrupt artifact usually means an interrupted job: delete it and re-run the rule that "
    "writes it (contract: docs/artifacts.md)"
)


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


def _delete_artifact_rows(con: duckdb.DuckDBPyConnection, rel: str, kind: str, deleted: Counter[str]) -> None:
    for table in KIND_TABLES[kind]:
        n = con.execute(f"DELETE FROM {table} WHERE artifact = ?", [rel]).fetchone()[0]
        deleted[table] += int(n)


def ingest(results_dir: Path, db_path: Path, *, prune: bool = False) -> dict[str, Any]:
    """Ingest every new or changed artifact under ``results_dir`` into ``db_path`` in one transaction.

    Returns ``{"inserted": {table: rows}, "deleted": {table: rows}, "total": {table: rows},
    "artifacts": {"new", "changed", "unchanged", "missing", "pruned", "skipped"}, "skipped_paths": [...],
    "notes": [...]}``. Artifacts recorded in the ledger but gone from disk keep their rows unless
    ``prune`` is true. Raises :class:`IngestError` naming the file on any bad artifact; then the
    database is unchanged (a database file created by this call is removed again).
    """
    results_dir, db_path = Path(results_dir), Path(db_path)
    if not results_dir.is_dir():
        raise IngestError(f"results directory {results_dir} does not exist; run the pipeline first")
    artifacts, skipped = discover_artifacts(results_dir)
    existed = db_path.exists()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    now = utc_naive(datetime.now(timezone.utc))
    worker = ArtifactLoader(con, now)
    handlers: dict[str, Callable[[Artifact], tuple[str | None, dict[str, int]]]] = {
        kind: getattr(worker, kind) for kind in KIND_TABLES
    }
    inserted: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    status: Counter[str] = Counter()
    try:
        problem = schema_version_problem(con, db_path)
        if problem:
            raise IngestError(problem)
        con.execute("BEGIN TRANSACTION")
        apply_schema(con)
        ledger = dict(con.execute("SELECT path, sha256 FROM artifacts").fetchall())
        kinds = dict(con.execute("SELECT path, kind FROM artifacts").fetchall())
        for art in artifacts:
            stat = art.path.stat()
            sha = file_sha256(art.path)
            if ledger.get(art.rel) == sha:
                status["unchanged"] += 1
                continue
            if art.rel in ledger:
                status["changed"] += 1
                _delete_artifact_rows(con, art.rel, art.kind, deleted)
            else:
                status["new"] += 1
            try:
                run_id, rows = handlers[art.kind](art)
            except IngestError:
                raise
            except JsonlError as err:  # already names file (and line)
                raise IngestError(f"{err}. {_RERUN_HINT}") from err
            except (duckdb.Error, ValueError, TypeError, KeyError, OSError) as err:
                first_line = (str(err).strip().splitlines() or [""])[0]  # drop DuckDB's SQL excerpt
                detail = f"{type(err).__name__}: {first_line}"
                raise IngestError(
                    f"{art.path}: cannot ingest as {art.kind} ({detail}). {_RERUN_HINT}"
                ) from err
            inserted.update(rows)
            con.execute(
                "INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    art.rel,
                    art.kind,
                    run_id,
                    stat.st_size,
                    utc_naive(datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)),
                    sha,
                    sum(rows.values()),
                    now,
                ],
            )
        present = {a.rel for a in artifacts}
        for rel in sorted(set(ledger) - present):
            status["missing"] += 1
            if prune:
                _delete_artifact_rows(con, rel, kinds[rel], deleted)
                con.execute("DELETE FROM artifacts WHERE path = ?", [rel])
                status["pruned"] += 1
            else:
                worker.notes.append(f"{rel}: in the ledger but no longer on disk (kept; pass prune=True)")
        totals = _table_counts(con)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        con.close()
        if not existed:
            for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    con.close()
    status["skipped"] = len(skipped)
    legacy = legacy_eval_paths(results_dir)
    if legacy:
        worker.notes.append(f"{len(legacy)} " + LEGACY_EVAL_NOTE)
    return {
        "inserted": {t: inserted.get(t, 0) for t in TABLES if t != "artifacts"},
        "deleted": {t: deleted.get(t, 0) for t in TABLES if t != "artifacts"},
        "total": totals,
        "artifacts": {
            k: status.get(k, 0) for k in ("new", "changed", "unchanged", "missing", "pruned", "skipped")
        },
        "skipped_paths": skipped,
        "notes": worker.notes,
    }
