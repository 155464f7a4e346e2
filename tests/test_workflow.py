"""The Snakemake workflow: config validation errors, and the whole micro DAG end to end (slow)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MICRO = ROOT / "tests" / "micro_config.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile")]


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
    ({"eval__split": "dev"}, "eval.split"),
])
def test_bad_config_is_rejected_with_a_clear_message(tmp_path, changes, message):
    result = snakemake(tmp_path, "-n", config=write_config(tmp_path, **changes), timeout=120)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_default_and_micro_configs_dry_run(tmp_path):
    for config in (ROOT / "config.yaml", MICRO):
        result = snakemake(tmp_path, "-n", config=config, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "grpo" in result.stdout and "figure" in result.stdout


@pytest.mark.slow
def test_micro_pipeline_end_to_end(tmp_path):
    """The real DAG on the micro config: DuckDB contents, figures, and nothing to redo afterwards."""
    run = snakemake(tmp_path, "--cores", "2")
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
    again = snakemake(tmp_path, "-n", timeout=120)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
    shutil.rmtree(tmp_path / "results", ignore_errors=True)
