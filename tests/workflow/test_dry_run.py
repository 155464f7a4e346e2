"""`snakemake -n` on every kind of config: clear errors before any job, and the jobs each config plans."""

from __future__ import annotations

import re

import pytest

from pipeline import layout as L
from pipeline.settings import Settings, load_config
from support import DEFAULT_CONFIG, MICRO, ROOT, SCENARIOS, job_stats, snakemake, write_config

TWO_SPLITS = SCENARIOS / "config_two_splits" / "config.yaml"
PRIOR_SWEEP = SCENARIOS / "config_prior_sweep" / "config.yaml"


@pytest.mark.parametrize(("changes", "message"), [
    ({"languages": ["xx"]}, "xx"),
    ({"grpo__lossType": "grpo"}, "lossType"),
    ({"grpo__batch_size": 6}, "multiple of grpo.num_generations"),
    ({"recovery__arms": ["nope"]}, "recovery.arms"),
    ({"eval__split": "test"}, "eval.split was replaced by eval.splits: [test]"),
    ({"eval__splits": []}, "config: eval.splits: [] should be non-empty"),
    # issue 14: NaN/inf named with their arm before any job (not when the GRPO job starts), repeated seeds
    ({"arms__acc_lc__lc_weight": float("nan")}, "config: arms.acc_lc.lc_weight must be a finite number"),
    ({"arms__acc__lc_weight": float("inf")}, "config: arms.acc.lc_weight must be a finite number"),
    ({"seeds": [0, 0]}, "config: seeds lists [0] more than once"),
    # the template translator on a GSM8K split: an error before any job, not 0 items after an hour of retries
    ({"data__splits__test": {"source": "gsm8k", "path": "gsm8k_test.jsonl"}},
     "translation.backend 'template' translates only synthetic splits"),
])
def test_bad_config_is_rejected_with_a_clear_message(tmp_path, changes, message):
    result = snakemake(tmp_path, "-n", configs=(write_config(tmp_path, **changes),), timeout=120)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert "Job stats" not in result.stdout
    assert len((result.stdout + result.stderr).splitlines()) < 40  # the error, not a dump of schema and config


def test_a_yaml_syntax_error_in_the_workflow_config_names_file_line_and_column(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text(MICRO.read_text().replace("seeds: [0]", "seeds: [0"))
    result = snakemake(tmp_path, "-n", configs=(), timeout=120)
    assert result.returncode != 0
    assert re.search(r"config/config\.yaml:\d+:\d+: YAML syntax error", result.stdout + result.stderr), \
        (result.stdout + result.stderr)[-2000:]


def test_default_and_micro_configs_dry_run(tmp_path):
    for config in (DEFAULT_CONFIG, MICRO):
        result = snakemake(tmp_path, "-n", configs=(config,), timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert job_stats(result.stdout) == {
            "prepare_data": 1, "translate": 2, "pretrain": 1, "sft": 1, "grpo": 2, "recovery": 1, "evaluate": 5,
            "ingest": 1, "figure": len(L.FIGURES), "findings": 1, "browser": 1, "all": 1}


def test_two_eval_splits_dry_run_evaluates_every_checkpoint_on_both(tmp_path):
    result = snakemake(tmp_path, "-n", configs=(MICRO, TWO_SPLITS), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = set(re.findall(r"wildcards: root=results, lang=ko, seed=0, split=(\w+), checkpoint=(\w+)", result.stdout))
    checkpoints = {"base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc"}
    assert jobs == {(split, c) for split in ("test", "validation") for c in checkpoints}
    assert "results/ko/seed0/eval/validation/grpo_acc.json" in result.stdout
    assert "results/data/ko/validation.jsonl" in result.stdout


def test_prior_sweep_is_one_dag_with_a_results_root_per_mix(tmp_path):
    result = snakemake(tmp_path, "-n", "prior_sweep", configs=(MICRO, PRIOR_SWEEP), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    stats = job_stats(result.stdout)
    assert stats["pretrain"] == stats["ingest"] == stats["findings"] == stats["prior_config"] == 2
    assert stats["figure"] == 2 * len(L.FIGURES) and stats["prior_sweep_figure"] == 1
    roots = set(re.findall(r"wildcards: root=(\S+), lang=ko, seed=0$", result.stdout, re.M))
    assert roots == {"results/priors/en90/results", "results/priors/en50/results"}
    assert "output: results/priors/en50/results/collapse.duckdb (update)" in result.stdout  # an output, kept
    assert "results/priors/en90/results/findings.json" in result.stdout


@pytest.mark.parametrize("configs", [
    ["config/paper_gsm8k.yaml"],
    ["config/paper_simplerl.yaml", "config/models/olmo2_1b.yaml"],
    ["config/paper_gsm8k.yaml", "config/models/llama3.2_3b.yaml", "config/sweeps/lc_temperature.yaml"],
], ids=["gsm8k", "simplerl_olmo", "gsm8k_llama_sweep"])
def test_paper_configs_dry_run_without_hub_access(tmp_path, configs):
    """`snakemake -n` builds the whole DAG offline (nothing is loaded from the hub at parse time)."""
    paths = tuple(ROOT / c for c in configs)
    result = snakemake(tmp_path, "-n", configs=paths, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = job_stats(result.stdout)
    assert "pretrain" not in stats
    s = Settings(load_config(*paths))
    n_runs = len(s.langs) * len(s.seeds)
    assert stats["grpo"] == n_runs * len(s.arms)
    assert stats["evaluate"] == n_runs * len(s.checkpoints()) * len(s.eval_splits)
    assert stats["translate"] == len(s.langs) * len(s.splits)
    assert "results/zh/seed0/eval/math500/grpo_acc.json" in result.stdout
    assert "results/zh/seed0/eval/test/base.json" in result.stdout
    assert "gpu=1" in result.stdout and "slurm_partition=gpu" in result.stdout


def test_sweep_arms_become_grpo_jobs(tmp_path):
    """Sweep arms join the explicit ones in the DAG (their params reaching run.json: test_resume.py)."""
    config = write_config(tmp_path, arms={"acc": {"lc_weight": 0.0}},
                          sweep={"lc_weight": [0.5], "temperature": [0.5, 2.0]})
    result = snakemake(tmp_path, "-n", configs=(config,), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    arms = set(re.findall(r"wildcards: root=results, lang=ko, seed=0, arm=(\w+)", result.stdout))
    assert arms == {"acc", "lcw0p5_temp0p5", "lcw0p5_temp2p0"}


def test_local_profile_dry_run(tmp_path):
    result = snakemake(tmp_path, "-n", "--profile", str(ROOT / "workflow" / "profiles" / "local"), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "grpo" in result.stdout
