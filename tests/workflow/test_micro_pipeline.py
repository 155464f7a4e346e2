"""The whole micro DAG end to end (slow): DuckDB contents, figures, findings, nothing to redo afterwards, and a
second eval split that adds only its own evaluations."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest
import yaml

from support import MICRO, SCENARIOS, job_stats, merged, snakemake

TWO_SPLITS = SCENARIOS / "config_two_splits" / "config.yaml"


@pytest.mark.slow
def test_micro_pipeline_end_to_end(tmp_path):
    """The real DAG on the micro config: DuckDB contents, figures, and nothing to redo afterwards; then a
    second eval split added to eval.splits runs only its evaluations and the ingest (nothing retrains), and
    the store keeps the two splits apart."""
    # the micro config with the second split already in data.splits but evaluated on test only
    first = merged(MICRO, TWO_SPLITS)
    first["eval"]["splits"] = ["test"]
    (tmp_path / "first.yaml").write_text(yaml.safe_dump(first, sort_keys=False))  # same key order as the overlay
    only_test = (tmp_path / "first.yaml",)
    run = snakemake(tmp_path, "--cores", "2", configs=only_test)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    db = tmp_path / "results" / "collapse.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert {"runs", "train_metrics", "rollouts", "eval_samples", "eval_summary", "translation_qc"} <= tables
        stages = con.execute("SELECT stage, arm FROM runs WHERE stage != 'eval' ORDER BY stage, arm").fetchall()
        assert stages == [("grpo", "acc"), ("grpo", "acc_lc"), ("pretrain", None), ("recovery", "acc"),
                          ("sft", None)]
        evals = con.execute("SELECT count(DISTINCT checkpoint_run_id) FROM eval_samples").fetchone()[0]
        assert evals == 5
        bad = con.execute("""SELECT count(*) FROM eval_summary
                         WHERE accuracy NOT BETWEEN 0 AND 1 OR target_wr NOT BETWEEN 0 AND 1""").fetchone()[0]
        assert bad == 0
        steps = con.execute("SELECT arm, max(step) FROM rollouts JOIN runs USING (run_id) GROUP BY arm ORDER BY arm")
        assert steps.fetchall() == [("acc", 3), ("acc_lc", 3)]
        hashes = con.execute("SELECT count(*) FROM runs WHERE config_hash IS NULL OR seed IS NULL").fetchone()[0]
        assert hashes == 0
    for name in ("drift", "irreversibility", "tradeoff"):
        png = tmp_path / "results" / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        assert (tmp_path / "results" / "figures" / f"{name}.pdf").read_bytes()[:4] == b"%PDF"
    findings = json.loads((tmp_path / "results" / "findings.json").read_text())
    assert [(r["lang"], r["seed"], r["acc_arm"], r["lc_arm"]) for r in findings["per_seed"]] == \
        [("ko", 0, "acc", "acc_lc")]
    assert "| ko | 0 |" in (tmp_path / "results" / "findings.md").read_text()
    again = snakemake(tmp_path, "-n", configs=only_test, timeout=120)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr

    both = (MICRO, TWO_SPLITS)
    plan = snakemake(tmp_path, "-n", configs=both, timeout=120)
    assert plan.returncode == 0, plan.stderr[-2000:]
    # no training, no re-evaluation of test, no figure (it shows figures.split = test)
    # the browser shows every split, so it is redrawn
    assert job_stats(plan.stdout) == {"evaluate": 5, "ingest": 1, "browser": 1, "all": 1}, plan.stdout[-3000:]
    assert "split=test" not in plan.stdout
    run = snakemake(tmp_path, "--cores", "2", configs=both)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    for split in ("test", "validation"):
        for checkpoint in ("base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc"):
            summary = json.loads((tmp_path / f"results/ko/seed0/eval/{split}/{checkpoint}.json").read_text())
            assert summary["split"] == split and summary["run_id"] == f"ko/seed0/{checkpoint}/eval/{split}"
            samples = pd.read_parquet(tmp_path / f"results/ko/seed0/eval/{split}/{checkpoint}.parquet")
            assert set(samples["split"]) == {split} and samples["item_id"].str.startswith(f"world-{split}-").all()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT split, count(*) FROM runs WHERE stage = 'eval' GROUP BY split ORDER BY split"
        ).fetchall() == [("test", 5), ("validation", 5)]
        assert con.execute("SELECT count(*), bool_and(consistent) FROM v_eval_check").fetchone() == (20, True)
        trade = con.execute("SELECT split, arm, n_seeds FROM v_tradeoff WHERE decoding = 'greedy' "
                            "ORDER BY split, arm").fetchall()
        assert trade == [("test", "acc", 1), ("test", "acc_lc", 1), ("validation", "acc", 1),
                         ("validation", "acc_lc", 1)]
        irr = con.execute("SELECT split, count(*) FROM v_irreversibility WHERE arm = 'acc' AND decoding = 'greedy' "
                          "GROUP BY split ORDER BY split").fetchall()
        assert irr == [("test", 4), ("validation", 4)]
        per_view = con.execute("SELECT split, sum(n) FROM v_correct_by_language WHERE decoding = 'greedy' "
                               "GROUP BY split ORDER BY split").fetchall()
        assert per_view == [("test", 5 * 6), ("validation", 5 * 6)]  # 5 checkpoints x n_items, never pooled
    done = snakemake(tmp_path, "-n", configs=both, timeout=120)
    assert done.returncode == 0 and "Nothing to be done" in done.stdout + done.stderr
    shutil.rmtree(tmp_path / "results", ignore_errors=True)
