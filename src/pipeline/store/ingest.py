"""Ingest pipeline artifacts (layout in docs/artifacts.md) into the DuckDB results store.

One call of :func:`ingest` is one transaction: either every new or changed artifact lands, or the
database is left exactly as it was and :class:`IngestError` names the offending file. The
``artifacts`` table is the ledger: an artifact whose sha256 is already recorded is skipped, a changed
one has its rows (found through the ``artifact`` column) replaced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
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

__all__ = ["ingest", "ledger_problems"]


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


def ingest(results_dir: Path, db_path: Path, *, prune: bool = False,
           current: Iterable[str] | None = None) -> dict[str, Any]:
    """Ingest every new or changed artifact under ``results_dir`` into ``db_path`` in one transaction.

    Returns ``{"inserted": {table: rows}, "deleted": {table: rows}, "total": {table: rows},
    "artifacts": {"new", "changed", "unchanged", "missing", "pruned", "skipped"}, "skipped_paths": [...],
    "stale_runs": [...], "notes": [...]}``. Artifacts recorded in the ledger but gone from disk keep their
    rows unless ``prune`` is true. ``current``: the run ids of the config this ingest runs for (recorded in
    ``config_runs``; the analysis views show only those, and ``stale_runs`` lists the stored runs outside it);
    None keeps the recorded set. Raises :class:`IngestError` naming the file on any bad artifact; then the
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
        if current is not None:
            con.execute("DELETE FROM config_runs")
            con.executemany("INSERT INTO config_runs VALUES (?, ?)", [[r, now] for r in sorted(set(current))])
        stale = [r[0] for r in con.execute("SELECT run_id FROM v_stale_runs").fetchall()]
        if stale:
            worker.notes.append(f"{len(stale)} stored run(s) are not in the current config (a renamed or removed "
                                "arm, seed, language or split): kept, hidden from the analysis views, listed in "
                                "stale_runs and the view v_stale_runs")
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
        "stale_runs": stale,
        "notes": worker.notes,
    }


def ledger_problems(results_dir: Path, db_path: Path) -> list[str]:
    """How the store at ``db_path`` disagrees with the artifacts under ``results_dir`` (empty: consistent).

    Names every artifact on disk that is not in the ledger or whose bytes changed since it was ingested, and
    every ledger entry whose file is gone; a missing store is one problem. Read-only.
    """
    results_dir, db_path = Path(results_dir), Path(db_path)
    if not db_path.is_file():
        return [f"results store {db_path} does not exist"]
    with duckdb.connect(str(db_path), read_only=True) as con:
        problem = schema_version_problem(con, db_path)
        if problem:
            return [problem]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        ledger = dict(con.execute("SELECT path, sha256 FROM artifacts").fetchall()) if "artifacts" in tables else {}
    artifacts, _ = discover_artifacts(results_dir)
    problems = []
    for art in artifacts:
        if art.rel not in ledger:
            problems.append(f"{art.rel}: on disk, not ingested")
        elif ledger[art.rel] != file_sha256(art.path):
            problems.append(f"{art.rel}: changed since it was ingested")
    present = {a.rel for a in artifacts}
    problems += [f"{rel}: ingested, no longer on disk" for rel in sorted(set(ledger) - present)]
    return problems
