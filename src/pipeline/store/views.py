"""Analysis views of the results store (drift, irreversibility, trade-off, correctness by language, eval checks).

Views are bound at query time; :func:`pipeline.store.schema.apply_schema` recreates them at every ingest.
"""

from __future__ import annotations

from pipeline import layout

VIEWS = (
    "v_current_runs",
    "v_stale_runs",
    "v_drift",
    "v_drift_raw",
    "v_irreversibility",
    "v_tradeoff",
    "v_correct_by_language",
    "v_eval_reaggregated",
    "v_eval_check",
    "v_lang_metrics",
)

# Views are bound at query time; they are recreated by every ingest so a schema upgrade reaches them.
# The phase order base -> sft -> grpo -> recovery (pipeline.layout.PHASES) as SQL: 1, 2, 3, 4.
_STAGE_ORDER_SQL = "CASE ru.phase " + " ".join(
    f"WHEN '{phase}' THEN {i}" for i, phase in enumerate(layout.PHASES, start=1)) + " END"

# The analysis views (drift, eval points and all built on them, correctness by language) keep only the runs of
# the current config (v_current_runs); the raw tables and the cross-checks (v_drift_raw, v_eval_reaggregated,
# v_eval_check) keep everything. v_stale_runs lists what is hidden.
VIEW_DDL = f"""
CREATE OR REPLACE VIEW v_current_runs AS
SELECT run_id FROM runs
WHERE NOT EXISTS (SELECT 1 FROM config_runs) OR run_id IN (SELECT run_id FROM config_runs);

-- Runs in the store that the current config no longer has (a renamed or removed arm, seed, language or split):
-- kept, hidden from the analysis views.
CREATE OR REPLACE VIEW v_stale_runs AS
SELECT run_id, stage, lang, seed, arm, checkpoint, split, artifact, ingested_at FROM runs
WHERE run_id NOT IN (SELECT run_id FROM v_current_runs)
ORDER BY run_id;

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
WHERE NOT EXISTS (SELECT 1 FROM config_runs) OR p.run_id IN (SELECT run_id FROM config_runs)
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
  avg(other_share) AS other_wr,
  avg(CAST(think_lc AS DOUBLE)) AS think_lcr,
  avg(CAST(answer_lc AS DOUBLE)) AS answer_lcr,
  avg(CAST(polymath_lc AS DOUBLE)) AS polymath_lcr,
  avg(CAST(trit_lc AS DOUBLE)) AS trit_lcr,
  avg(CAST(lc_acc AS DOUBLE)) AS lc_acc
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
  abs(s.lc_acc - a.lc_acc) AS lc_acc_diff,
  (s.run_id IS NOT NULL AND a.run_id IS NOT NULL AND s.n = a.n
    AND abs(s.accuracy - a.accuracy) <= 1e-6 AND abs(s.target_wr - a.target_wr) <= 1e-6
    AND (abs(s.lc_acc - a.lc_acc) <= 1e-6) IS NOT FALSE) AS consistent
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
  s.run_id AS eval_run_id, s.decoding, s.temperature, s.n, s.accuracy, s.target_wr, s.en_wr, s.other_wr,
  s.think_lcr, s.answer_lcr, s.polymath_lcr, s.trit_lcr, s.lc_acc
FROM eval_summary s
JOIN runs ru ON ru.run_id = s.run_id AND ru.stage = 'eval'
WHERE s.run_id IN (SELECT run_id FROM v_current_runs);

-- Our language metric next to the peers' (docs/metrics.md, "Peer metrics"), one row per (eval run, decoding):
-- target_wr (DeepSeek-R1 word ratio of the CoT, ours), MMATH thinking/answer LCR, PolyMath-style LC, TRIT LC and
-- its primary metric LC&Acc. NULL peer rates: eval files written before the peer metrics existed.
CREATE OR REPLACE VIEW v_lang_metrics AS
SELECT lang, seed, split, arm, phase, checkpoint, eval_run_id, decoding, temperature, n,
       accuracy, target_wr, think_lcr, answer_lcr, polymath_lcr, trit_lcr, lc_acc
FROM v_eval_points
ORDER BY lang, split, seed, stage_order, arm, decoding, temperature;

CREATE OR REPLACE VIEW v_irreversibility AS
WITH arms AS (
  SELECT DISTINCT lang, seed, arm FROM runs WHERE arm IS NOT NULL AND run_id IN (SELECT run_id FROM v_current_runs)
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
    AND (NOT EXISTS (SELECT 1 FROM config_runs) OR e.run_id IN (SELECT run_id FROM config_runs))
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
