"""DuckDB schema of the results store: tables, column contracts and analysis views.

The DDL is idempotent (``CREATE ... IF NOT EXISTS`` / ``CREATE OR REPLACE VIEW``) so every ingest can
apply it. Every fact table carries an ``artifact`` column (path of the source file relative to the
results directory); that is how a changed artifact's rows are found and replaced.
"""

from __future__ import annotations

import dataclasses

import duckdb

from pipeline.measure.composition import Composition
from pipeline.measure.peers import PEER_RATES, PeerMetrics
from pipeline.store.views import VIEW_DDL

# 2: eval runs are per split (eval/{split}/{checkpoint}.*; runs.split, eval_summary.split, split in every
#    eval view). Older stores are not migrated: the store is rebuilt from the artifacts (see
#    :func:`schema_version_problem`).
SCHEMA_VERSION = 2

# The language composition of a chain of thought, as every rollout and eval sample carries it: one column per
# field of pipeline.measure.composition.Composition, typed from the field's annotation.
_SQL_TYPES = {"float": "DOUBLE", "int": "BIGINT", "str": "VARCHAR", "bool": "BOOLEAN"}


def _dataclass_columns(cls: type) -> dict[str, str]:
    """Column name -> DuckDB type for every field of a dataclass, typed from the field's annotation."""
    return {f.name: _SQL_TYPES[str(f.type).split("|")[0].strip()] for f in dataclasses.fields(cls)}


COMPOSITION_COLUMNS: dict[str, str] = _dataclass_columns(Composition)
# The peer language metrics of an eval sample (pipeline.measure.peers.PeerMetrics) and their rates per eval summary
# entry (docs/metrics.md, "Peer metrics"). Added after schema version 2: older stores get them by ALTER TABLE.
PEER_SAMPLE_COLUMNS: dict[str, str] = _dataclass_columns(PeerMetrics)
PEER_SUMMARY_COLUMNS: dict[str, str] = {rate: "DOUBLE" for rate in PEER_RATES}

# Column name -> DuckDB type for the tables filled from Parquet files. ``required`` columns must be
# present in the source file; the others are NULL when absent.
ROLLOUT_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "step": "BIGINT",
    "item_id": "VARCHAR",
    "prompt": "VARCHAR",
    "completion": "VARCHAR",
    "reward": "DOUBLE",
    "advantage": "DOUBLE",
    "correct": "BOOLEAN",
    **COMPOSITION_COLUMNS,
}
ROLLOUT_REQUIRED = ("run_id", "step", "item_id", "reward", "correct", "target_share", "en_share")
# Reward components (``reward_accuracy``, ``reward_lang_consistency``, ...) become DOUBLE columns added
# on first sight; names must match this pattern.
REWARD_COLUMN_PATTERN = r"^reward_[a-z0-9_]+$"

EVAL_SAMPLE_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "checkpoint_run_id": "VARCHAR",
    "stage": "VARCHAR",
    "arm": "VARCHAR",
    "lang": "VARCHAR",
    "seed": "INTEGER",
    "split": "VARCHAR",
    "decoding": "VARCHAR",
    "temperature": "DOUBLE",
    "sample_idx": "INTEGER",
    "item_id": "VARCHAR",
    "completion": "VARCHAR",
    "pred_answer": "VARCHAR",
    "gold_answer": "VARCHAR",
    "correct": "BOOLEAN",
    "format_ok": "BOOLEAN",
    "gold_ok": "BOOLEAN",  # optional: False = gold answer unparseable, excluded from every aggregate
    **COMPOSITION_COLUMNS,
    **PEER_SAMPLE_COLUMNS,  # optional: NULL for eval files written before they existed
}
EVAL_SAMPLE_REQUIRED = (
    "run_id",
    "checkpoint_run_id",
    "decoding",
    "sample_idx",
    "item_id",
    "correct",
    "target_share",
    "en_share",
)

TRANSLATION_QC_COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "split": "VARCHAR",
    "lang": "VARCHAR",
    "backend": "VARCHAR",
    "model": "VARCHAR",
    "ok": "BOOLEAN",
    "flags": "VARCHAR[]",
    "numbers_ok": "BOOLEAN",
    "lang_ok": "BOOLEAN",
    "target_share": "DOUBLE",
    "length_ratio": "DOUBLE",
    "attempts": "INTEGER",
    "cached": "BOOLEAN",
    "backtranslation_score": "DOUBLE",
    "dropped": "BOOLEAN",
    "error": "VARCHAR",
}
TRANSLATION_QC_REQUIRED = ("id", "ok")

# Where a run computed (pipeline.devices.Placement) and, for eval runs, the engine; and per eval decoding the
# generation settings the engine actually applied. Added after schema version 2 without a version bump: older
# stores get the columns by ALTER TABLE (NULL for runs recorded before they existed).
RUN_PLACEMENT_COLUMNS: dict[str, str] = {"device": "VARCHAR", "dtype": "VARCHAR", "n_accelerators": "INTEGER",
                                         "engine": "VARCHAR"}
EVAL_GENERATION_COLUMNS: dict[str, str] = {"generation": "JSON"}
ADDED_COLUMNS: dict[str, dict[str, str]] = {
    "runs": RUN_PLACEMENT_COLUMNS,
    "eval_samples": PEER_SAMPLE_COLUMNS,
    "eval_summary": {**EVAL_GENERATION_COLUMNS, **PEER_SUMMARY_COLUMNS},
}

TABLES = (
    "runs",
    "train_metrics",
    "rollouts",
    "rollout_steps",
    "eval_samples",
    "eval_summary",
    "translation_qc",
    "translation_summary",
    "artifacts",
)


def _columns_ddl(columns: dict[str, str], not_null: tuple[str, ...]) -> str:
    return ",\n  ".join(
        f"{name} {typ}{' NOT NULL' if name in not_null else ''}" for name, typ in columns.items()
    )


TABLE_DDL = f"""
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);

-- The runs of the config the last pipeline ingest ran for (training and eval run ids; docs/store.md, "Stale
-- runs"). The analysis views show only these; empty (a store built by hand) -> they show every run.
CREATE TABLE IF NOT EXISTS config_runs (run_id VARCHAR PRIMARY KEY, recorded_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS artifacts (
  path VARCHAR PRIMARY KEY,      -- relative to the results directory
  kind VARCHAR NOT NULL,         -- run_json, train_log, rollouts, eval_samples, eval_json, translation_...
  run_id VARCHAR,
  size BIGINT NOT NULL,
  mtime TIMESTAMP NOT NULL,         -- all timestamps are UTC
  sha256 VARCHAR NOT NULL,
  n_rows BIGINT NOT NULL,        -- rows this artifact contributed (all tables)
  ingested_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR PRIMARY KEY,
  stage VARCHAR NOT NULL,        -- pretrain, sft, grpo, recovery, eval
  checkpoint VARCHAR,            -- base, sft, grpo_<arm>, recovery_<arm> (for eval: the evaluated one)
  phase VARCHAR,                 -- base, sft, grpo, recovery
  arm VARCHAR,                   -- NULL for base and sft
  lang VARCHAR NOT NULL,
  seed INTEGER NOT NULL,
  parent_run_id VARCHAR,
  checkpoint_run_id VARCHAR,     -- eval runs: the run that produced the evaluated model
  split VARCHAR,                 -- eval runs: the evaluated data split (NULL for training runs)
  model VARCHAR,
  dataset VARCHAR,
  lc_variant VARCHAR,
  lc_weight DOUBLE,
  accuracy_weight DOUBLE,
  reward JSON,
  params JSON,
  config_hash VARCHAR,
  versions JSON,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  wall_seconds DOUBLE,
  host VARCHAR,
  artifact VARCHAR NOT NULL,
  ingested_at TIMESTAMP NOT NULL,
  {_columns_ddl(RUN_PLACEMENT_COLUMNS, ())}
);

CREATE TABLE IF NOT EXISTS train_metrics (
  run_id VARCHAR NOT NULL,
  step BIGINT NOT NULL,
  metric VARCHAR NOT NULL,
  value DOUBLE,
  artifact VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS rollouts (
  {_columns_ddl(ROLLOUT_COLUMNS, ("run_id", "step"))},
  artifact VARCHAR NOT NULL
);

-- Per-step sums of rollouts, written with each rollouts.parquet so v_drift never scans the raw rows.
CREATE TABLE IF NOT EXISTS rollout_steps (
  run_id VARCHAR NOT NULL,
  step BIGINT NOT NULL,
  n BIGINT NOT NULL,             -- rollouts at this step
  correct_sum BIGINT,            -- correct rollouts
  correct_n BIGINT,              -- rollouts with non-NULL correct
  target_sum DOUBLE,             -- sum of target_share (non-NULL)
  target_n BIGINT,
  en_sum DOUBLE,
  en_n BIGINT,
  artifact VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS eval_samples (
  {_columns_ddl(EVAL_SAMPLE_COLUMNS, ("run_id", "checkpoint_run_id", "split", "decoding"))},
  artifact VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS eval_summary (
  run_id VARCHAR NOT NULL,
  checkpoint_run_id VARCHAR,
  split VARCHAR NOT NULL,
  decoding VARCHAR NOT NULL,
  temperature DOUBLE,
  n BIGINT,
  accuracy DOUBLE,
  target_wr DOUBLE,
  en_wr DOUBLE,
  other_wr DOUBLE,
  artifact VARCHAR NOT NULL,
  {_columns_ddl({**EVAL_GENERATION_COLUMNS, **PEER_SUMMARY_COLUMNS}, ())}
);

CREATE TABLE IF NOT EXISTS translation_qc (
  {_columns_ddl(TRANSLATION_QC_COLUMNS, ("id", "split", "lang"))},
  artifact VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS translation_summary (
  lang VARCHAR NOT NULL,
  split VARCHAR NOT NULL,
  translated BIGINT,
  cached BIGINT,
  failed BIGINT,
  dropped BIGINT,
  summary JSON,                  -- the whole file, for fields beyond the four counts
  artifact VARCHAR NOT NULL
);
"""



def stored_schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the store; None for an empty database (no tables at all), 0 for
    a database with tables but no ``store_meta`` version."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not tables:
        return None
    if "store_meta" not in tables:
        return 0
    row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else 0


def schema_version_problem(con: duckdb.DuckDBPyConnection, db_path: object) -> str | None:
    """Why the store at ``db_path`` cannot be used by this code (None when it can, or when it is empty).

    Stores are not migrated: they are derived data, rebuilt from the artifacts by the next ingest.
    """
    version = stored_schema_version(con)
    if version is None or version == SCHEMA_VERSION:
        return None
    return (
        f"results store {db_path} has schema version {version}, this code needs version {SCHEMA_VERSION} "
        "(v2: eval artifacts and eval runs are per split). The store is rebuilt from the artifacts: delete "
        f"{db_path} (and {db_path}.wal if present) and re-run the pipeline (`snakemake --cores 2` with your "
        f"--configfile's: a missing store is rebuilt) or `python -m pipeline.store ingest results/ {db_path}`. "
        "Eval artifacts in the old layout (eval/{checkpoint}.*) are not ingested: re-run "
        "evaluation to get eval/{split}/{checkpoint}.*"
    )


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every view on ``con``; safe to call on any store of this
    schema version (check older ones with :func:`schema_version_problem` first)."""
    con.execute(TABLE_DDL)
    for table, columns in ADDED_COLUMNS.items():
        for name, typ in columns.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {typ}")
    con.execute(VIEW_DDL)
    con.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
