"""Faults a user meets on a finished results tree (issue 14), each on the real micro DAG (slow): a deleted or stale
store, a truncated artifact, a config whose keys were only reordered, and a renamed arm."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest
import yaml

from support import MICRO, job_stats, snakemake, store_contents

pytestmark = pytest.mark.slow


def reordered(config: dict) -> dict:
    """The same config with every mapping's keys in reverse order."""
    if isinstance(config, dict):
        return {key: reordered(config[key]) for key in reversed(list(config))}
    if isinstance(config, list):
        return [reordered(v) for v in config]
    return config


def plan(workdir: Path, config: Path) -> dict[str, int]:
    """Rule -> job count of a dry run ({} when there is nothing to do)."""
    dry = snakemake(workdir, "-n", configs=(config,), timeout=300)
    assert dry.returncode == 0, (dry.stdout + dry.stderr)[-3000:]
    return {} if "Nothing to be done" in dry.stdout + dry.stderr else job_stats(dry.stdout)


def run(workdir: Path, config: Path, *args: str) -> str:
    done = snakemake(workdir, "--cores", "2", *args, configs=(config,))
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done.stdout + done.stderr


def test_finished_tree_survives_user_faults(tmp_path):
    work = tmp_path / "work"
    config = tmp_path / "micro.yaml"
    config.write_text(MICRO.read_text())
    run(work, config)
    db = work / "results" / "collapse.duckdb"
    clean = store_contents(db)

    # 4. results and cache entries are as readable as any file the user creates (not mkstemp's 0600)
    umask = os.umask(0)
    os.umask(umask)
    results = work / "results"
    for path in (results / "ko/seed0/grpo_acc/run.json", results / "store/ingest_report.json",
                 results / "findings.json", results / "data/ko/test.jsonl",
                 next((results / "cache").rglob("*.json"))):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path

    # 2. the same config with every mapping's keys reordered re-runs nothing (params compared by value)
    shuffled = tmp_path / "reordered.yaml"
    shuffled.write_text(yaml.safe_dump(reordered(yaml.safe_load(MICRO.read_text())), sort_keys=False))
    assert plan(work, shuffled) == {}

    # 1a. a deleted store is rebuilt by the next run, with the same contents
    db.unlink()
    assert plan(work, config) == {"ingest": 1, "all": 1}
    run(work, config)
    assert store_contents(db) == clean

    # 1b. an artifact truncated after the ingest: the next run re-ingests and fails naming the file; deleting it
    # (the error's advice) re-makes it (it is an input of the ingest) and the store is whole again
    samples = work / "results/ko/seed0/eval/test/grpo_acc.parquet"
    samples.write_bytes(samples.read_bytes()[:300])
    assert plan(work, config) == {"ingest": 1, "all": 1}
    broken = snakemake(work, "--cores", "2", configs=(config,))
    assert broken.returncode != 0
    assert "results/ko/seed0/eval/test/grpo_acc.parquet: cannot ingest" in broken.stdout + broken.stderr
    samples.unlink()
    assert plan(work, config)["evaluate"] == 1
    run(work, config)
    report = json.loads((work / "results/store/ingest_report.json").read_text())
    assert report["artifacts"]["missing"] == 0 and report["stale_runs"] == []
    assert store_contents(db) == clean

    # 5. a renamed arm: the store keeps the old arm's runs, the views, findings and figures show the config's arms
    renamed = yaml.safe_load(MICRO.read_text())
    renamed["arms"] = {"acc": renamed["arms"]["acc"], "lc": renamed["arms"]["acc_lc"]}
    config.write_text(yaml.safe_dump(renamed))
    run(work, config)
    report = json.loads((work / "results/store/ingest_report.json").read_text())
    assert "ko/seed0/grpo_acc_lc" in report["stale_runs"] and "ko/seed0/grpo_acc_lc/eval/test" in report["stale_runs"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE arm = 'acc_lc'").fetchone()[0] == 2  # kept
        for view in ("v_tradeoff", "v_drift", "v_irreversibility", "v_lang_metrics", "v_correct_by_language"):
            arms = {r[0] for r in con.execute(f"SELECT DISTINCT arm FROM {view} WHERE arm IS NOT NULL").fetchall()}
            assert arms == {"acc", "lc"}, (view, arms)
        stale = {r[0] for r in con.execute("SELECT arm FROM v_stale_runs").fetchall()}
        assert stale == {"acc_lc"}
    findings = json.loads((work / "results/findings.json").read_text())
    assert [r["lc_arm"] for r in findings["per_seed"]] == ["lc"]
