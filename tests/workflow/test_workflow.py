"""The Snakemake workflow: config validation errors, and the whole micro DAG end to end (slow)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from support import MICRO, ROOT, SNAKEMAKE



def snakemake(workdir: Path, *args: str, config: Path = MICRO, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*SNAKEMAKE, "--directory", str(workdir), "--configfile", str(config), *args],
                          capture_output=True, text=True, timeout=timeout)


def write_config(tmp_path: Path, **changes) -> Path:
    cfg = yaml.safe_load(MICRO.read_text())
    for dotted, value in changes.items():
        node = cfg
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    return path


@pytest.mark.parametrize(("changes", "message"), [
    ({"languages": ["xx"]}, "xx"),
    ({"grpo__lossType": "grpo"}, "lossType"),
    ({"grpo__batch_size": 6}, "multiple of grpo.num_generations"),
    ({"recovery__arms": ["nope"]}, "recovery.arms"),
    ({"eval__split": "test"}, "eval.split was replaced by eval.splits: [test]"),
    ({"eval__splits": ["test", "dev"]}, "eval.splits ['dev'] are not keys of data.splits"),
    ({"eval__splits": []}, "['eval']['properties']['splits']"),
    ({"figures": {"split": "train"}}, "figures.split 'train' is not one of eval.splits"),
])
def test_bad_config_is_rejected_with_a_clear_message(tmp_path, changes, message):
    result = snakemake(tmp_path, "-n", config=write_config(tmp_path, **changes), timeout=120)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def two_split_config(tmp_path: Path, eval_splits: list[str]) -> Path:
    """The micro config with a second synthetic test split, ``validation``, evaluated on ``eval_splits``."""
    splits = {**yaml.safe_load(MICRO.read_text())["data"]["splits"], "validation": {"source": "synthetic", "n": 8}}
    return write_config(tmp_path, data__splits=splits, eval__splits=eval_splits)


def test_two_eval_splits_dry_run_evaluates_every_checkpoint_on_both(tmp_path):
    result = snakemake(tmp_path, "-n", config=two_split_config(tmp_path, ["test", "validation"]), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = set(re.findall(r"wildcards: lang=ko, seed=0, split=(\w+), checkpoint=(\w+)", result.stdout))
    checkpoints = {"base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc"}
    assert jobs == {(split, c) for split in ("test", "validation") for c in checkpoints}
    assert "results/ko/seed0/eval/validation/grpo_acc.json" in result.stdout
    assert "results/data/ko/validation.jsonl" in result.stdout


def test_default_and_micro_configs_dry_run(tmp_path):
    for config in (ROOT / "config" / "config.yaml", MICRO):
        result = snakemake(tmp_path, "-n", config=config, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "grpo" in result.stdout and "figure" in result.stdout


@pytest.mark.slow
def test_micro_pipeline_end_to_end(tmp_path):
    """The real DAG on the micro config: DuckDB contents, figures, and nothing to redo afterwards; then a
    second eval split added to eval.splits runs only its evaluations and the ingest (nothing retrains), and
    the store keeps the two splits apart."""
    run = snakemake(tmp_path, "--cores", "2", config=two_split_config(tmp_path, ["test"]))
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
    again = snakemake(tmp_path, "-n", config=two_split_config(tmp_path, ["test"]), timeout=120)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr

    both = two_split_config(tmp_path, ["test", "validation"])
    plan = snakemake(tmp_path, "-n", config=both, timeout=120)
    assert plan.returncode == 0, plan.stderr[-2000:]
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", plan.stdout.split("Job stats")[1].split("total")[0], re.M))
    # no training, no re-evaluation of test, no figure (it shows figures.split = test)
    assert stats == {"evaluate": "5", "ingest": "1", "all": "1"}, plan.stdout[-3000:]
    assert "split=test" not in plan.stdout
    run = snakemake(tmp_path, "--cores", "2", config=both)
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
    done = snakemake(tmp_path, "-n", config=both, timeout=120)
    assert done.returncode == 0 and "Nothing to be done" in done.stdout + done.stderr
    shutil.rmtree(tmp_path / "results", ignore_errors=True)


@pytest.mark.slow
def test_prior_sweep_runs_one_pipeline_per_mix_and_one_figure(tmp_path):
    """Target prior_sweep on the micro config: a complete pipeline (own config, results tree and store) per
    pretraining mix, then one figure and table read from those stores; a second call has nothing to do."""
    cfg = yaml.safe_load(MICRO.read_text())
    cfg["prior_sweep"] = {"mixes": {"en90": {"en_en": 0.9, "tgt_tgt": 0.05, "tgt_en": 0.05},
                                    "en50": {"en_en": 0.5, "tgt_tgt": 0.45, "tgt_en": 0.05}}}
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(cfg))
    run = snakemake(tmp_path, "--cores", "2", "prior_sweep", config=config, timeout=1500)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    for prior, mix in cfg["prior_sweep"]["mixes"].items():
        prior_cfg = yaml.safe_load((tmp_path / "results" / "priors" / prior / "config.yaml").read_text())
        assert prior_cfg["pretrain"]["mix"] == mix and "prior_sweep" not in prior_cfg
        base = json.loads((tmp_path / f"results/priors/{prior}/results/ko/seed0/base/run.json").read_text())
        assert base["params"]["mix"] == mix
        assert (tmp_path / f"results/priors/{prior}/results/collapse.duckdb").exists()
    assert not (tmp_path / "results" / "ko").exists()  # the sweep does not touch the default run
    table = pd.read_csv(tmp_path / "results" / "priors" / "prior_sweep.csv")
    assert sorted(table.prior) == ["en50", "en90"]
    assert table.set_index("prior").tgt_reasoning.to_dict() == pytest.approx({"en90": 0.05, "en50": 0.45})
    assert (tmp_path / "results" / "figures" / "prior_sweep.png").stat().st_size > 5000
    again = snakemake(tmp_path, "-n", "prior_sweep", config=config, timeout=120)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
