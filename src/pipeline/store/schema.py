"""DuckDB schema of the results store: tables, column contracts and analysis views.

The DDL is idempotent (``CREATE ... IF NOT EXISTS`` / ``CREATE OR REPLACE VIEW``) so every ingest can
apply it. Every fact table carries an ``artifact`` column (path of the source file relative to the
results directory); that is how a changed artifact's rows are found and replaced.
"""

from __future__ import annotations

import dataclasses

import duckdb

from pipeline import layout
from pipeline.measure.composition import Composition

# 2: eval runs are per split (eval/{split}/{checkpoint}.*; runs.split, eval_summary.split, split in every
#    eval view). Older stores are not migrated: the store is rebuilt from the artifacts (see
#    :func:`schema_version_problem`).
SCHEMA_VERSION = 2

# The language composition of a chain of thought, as every rollout and eval sample carries it: one column per
# field of pipeline.measure.composition.Composition, typed from the field's annotation.
_SQL_TYPES = {"float": "DOUBLE", "int": "BIGINT", "str": "VARCHAR"}
COMPOSITION_COLUMNS: dict[str, str] = {
    f.name: _SQL_TYPES[str(f.type).split("|")[0].strip()] for f in dataclasses.fields(Composition)
}

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
VIEWS = (
    "v_drift",
    "v_drift_raw",
    "v_irreversibility",
    "v_tradeoff",
    "v_correct_by_language",
    "v_eval_reaggregated",
    "v_eval_check",
)


def _columns_ddl(columns: dict[str, str], not_null: tuple[str, ...]) -> str:
    return ",\n  ".join(
        f"{name} {typ}{' NOT NULL' if name in not_null else ''}" for name, typ in columns.items()
    )


TABLE_DDL = f"""
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);

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
  ingested_at TIMESTAMP NOT NULL
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
  artifact VARCHAR NOT NULL
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

# Views are bound at query time; they are recreated by every ingest so a schema upgrade reaches them.
# The phase order base -> sft -> grpo -> recovery (pipeline.layout.PHASES) as SQL: 1, 2, 3, 4.
_STAGE_ORDER_SQL = "CASE ru.phase " + " ".join(
    f"WHEN '{phase}' THEN {i}" for i, phase in enumerate(layout.PHASES, start=1)) + " END"

VIEW_DDL = f"""
CREATE OR REPLACE VIEW v_drift AS
WITH per_step AS (
  SELECT run_id, step, sum(correct_sum) / sum(correct_n) AS accuracy,
         sum(target_sum) / sum(target_n) AS target_wr, sum(en_sum) / sum(en_n) AS en_wr, sum(n) AS n
  FROM rollout_steps
  GROUP BY run_id, step
)
SELECT
  p.run_id,
  COALESCE(ru.lang, split_part(p.run_id, '/', 1)) AS lang,
  COALESCE(ru.arm, NULLIF(regexp_extract(split_part(p.run_id, '/', 3), '^grpo_(.+)$', 1), '')) AS arm,
  COALESCE(ru.seed, TRY_CAST(regexp_extract(split_part(p.run_id, '/', 2), '^seed(\\d+)$', 1) AS INTEGER))
    AS seed,
  p.step, p.accuracy, p.target_wr, p.en_wr, p.n
FROM per_step p
LEFT JOIN runs ru ON ru.run_id = p.run_id
ORDER BY lang, arm, seed, step;

-- The same numbers straight from the raw rows, to cross-check rollout_steps.
CREATE OR REPLACE VIEW v_drift_raw AS
SELECT run_id, step, avg(CAST(correct AS DOUBLE)) AS accuracy, avg(target_share) AS target_wr,
       avg(en_share) AS en_wr, count(*) AS n
FROM rollouts
GROUP BY run_id, step
ORDER BY run_id, step;

CREATE OR REPLACE VIEW v_eval_reaggregated AS
SELECT
  run_id, checkpoint_run_id, split, decoding, temperature,
  count(*) AS n,
  avg(CAST(correct AS DOUBLE)) AS accuracy,
  avg(target_share) AS target_wr,
  avg(en_share) AS en_wr,
  avg(other_share) AS other_wr
FROM eval_samples
WHERE gold_ok IS NOT FALSE
GROUP BY ALL
ORDER BY run_id, split, decoding, temperature;

CREATE OR REPLACE VIEW v_eval_check AS
SELECT
  COALESCE(s.run_id, a.run_id) AS run_id,
  COALESCE(s.split, a.split) AS split,
  COALESCE(s.decoding, a.decoding) AS decoding,
  COALESCE(s.temperature, a.temperature) AS temperature,
  s.n AS summary_n, a.n AS samples_n,
  s.accuracy AS summary_accuracy, a.accuracy AS samples_accuracy,
  s.target_wr AS summary_target_wr, a.target_wr AS samples_target_wr,
  abs(s.accuracy - a.accuracy) AS accuracy_diff,
  abs(s.target_wr - a.target_wr) AS target_wr_diff,
  (s.run_id IS NOT NULL AND a.run_id IS NOT NULL AND s.n = a.n
    AND abs(s.accuracy - a.accuracy) <= 1e-6 AND abs(s.target_wr - a.target_wr) <= 1e-6) AS consistent
FROM eval_summary s
FULL OUTER JOIN v_eval_reaggregated a
  ON a.run_id = s.run_id AND a.split = s.split AND a.decoding = s.decoding
  AND a.temperature IS NOT DISTINCT FROM s.temperature;

-- One row per (eval run, decoding): the evaluated checkpoint's place in base -> sft -> grpo -> recovery.
-- An eval run is one (checkpoint, split): every view built on this one keeps split as a dimension.
CREATE OR REPLACE VIEW v_eval_points AS
SELECT
  ru.lang, ru.seed, s.split, ru.arm, ru.phase,
  {_STAGE_ORDER_SQL}
    AS stage_order,
  ru.checkpoint, COALESCE(ru.checkpoint_run_id, s.checkpoint_run_id) AS checkpoint_run_id,
  s.run_id AS eval_run_id, s.decoding, s.temperature, s.n, s.accuracy, s.target_wr, s.en_wr, s.other_wr
FROM eval_summary s
JOIN runs ru ON ru.run_id = s.run_id AND ru.stage = 'eval';

CREATE OR REPLACE VIEW v_irreversibility AS
WITH arms AS (
  SELECT DISTINCT lang, seed, arm FROM runs WHERE arm IS NOT NULL
)
SELECT p.lang, p.seed, p.split, p.arm, p.stage_order, p.phase AS stage, p.checkpoint, p.checkpoint_run_id,
       p.decoding, p.temperature, p.n, p.accuracy, p.target_wr, p.en_wr
FROM v_eval_points p WHERE p.arm IS NOT NULL
UNION ALL
SELECT p.lang, p.seed, p.split, a.arm, p.stage_order, p.phase AS stage, p.checkpoint, p.checkpoint_run_id,
       p.decoding, p.temperature, p.n, p.accuracy, p.target_wr, p.en_wr
FROM v_eval_points p
JOIN arms a ON a.lang = p.lang AND a.seed = p.seed
WHERE p.arm IS NULL
ORDER BY lang, split, arm, seed, decoding, temperature, stage_order;

CREATE OR REPLACE VIEW v_tradeoff AS
SELECT
  lang, split, arm, decoding, temperature,
  avg(accuracy) AS accuracy,
  stddev_samp(accuracy) AS accuracy_std,
  avg(target_wr) AS target_wr,
  stddev_samp(target_wr) AS target_wr_std,
  count(DISTINCT seed) AS n_seeds,
  list(seed ORDER BY seed) AS seeds
FROM v_eval_points
WHERE phase = 'grpo'
GROUP BY ALL
ORDER BY lang, split, arm, decoding, temperature;

CREATE OR REPLACE VIEW v_correct_by_language AS
WITH cells AS (
  SELECT
    e.checkpoint_run_id,
    COALESCE(ru.lang, e.lang) AS lang, COALESCE(ru.seed, e.seed) AS seed, e.split,
    COALESCE(ru.arm, e.arm) AS arm, ru.phase AS stage, e.decoding, e.temperature,
    COALESCE(e.correct, false) AS correct,
    COALESCE(e.target_share, 0.0) >= 0.5 AS in_target,
    count(*) AS n
  FROM eval_samples e
  LEFT JOIN runs ru ON ru.run_id = e.run_id
  WHERE e.gold_ok IS NOT FALSE
  GROUP BY ALL
),
grid AS (
  SELECT DISTINCT checkpoint_run_id, lang, seed, split, arm, stage, decoding, temperature, c.correct, t.in_target
  FROM cells, (VALUES (true), (false)) c(correct), (VALUES (true), (false)) t(in_target)
)
SELECT g.*, COALESCE(c.n, 0) AS n,
       COALESCE(c.n, 0) / sum(COALESCE(c.n, 0)) OVER (
         PARTITION BY g.checkpoint_run_id, g.split, g.decoding, g.temperature) AS share
FROM grid g
LEFT JOIN cells c
  ON c.checkpoint_run_id = g.checkpoint_run_id AND c.split = g.split AND c.decoding = g.decoding
  AND c.temperature IS NOT DISTINCT FROM g.temperature
  AND c.correct = g.correct AND c.in_target = g.in_target
ORDER BY g.checkpoint_run_id, g.split, g.decoding, g.temperature, g.correct DESC, g.in_target DESC;
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
        f"{db_path} (and {db_path}.wal if present) and re-run the ingest rule (`snakemake "
        "results/store/ingest_report.json --forcerun ingest`) or `python -m pipeline.store ingest results/ "
        f"{db_path}`. Eval artifacts in the old layout (eval/{{checkpoint}}.*) are not ingested: re-run "
        "evaluation to get eval/{split}/{checkpoint}.*"
    )


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every view on ``con``; safe to call on any store of this
    schema version (check older ones with :func:`schema_version_problem` first)."""
    con.execute(TABLE_DDL)
    con.execute(VIEW_DDL)
    con.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
