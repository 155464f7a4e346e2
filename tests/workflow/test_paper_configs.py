"""Scale-out configuration: paper configs and overlays, sweeps, LoRA/vLLM switches, profiles and env files."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from pipeline.train.grpo import resolve_extra_args
from pipeline.sweeps import SweepError, all_arms, expand_sweep, split_overrides
from pipeline.train.common import MissingDependencyError, last_checkpoint, lora_config
from support import MICRO, ROOT, SNAKEMAKE

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PAPER = sorted((ROOT / "config").glob("paper_*.yaml"))
MODELS = sorted((ROOT / "config" / "models").glob("*.yaml"))
SWEEPS = sorted((ROOT / "config" / "sweeps").glob("*.yaml"))
HUB_IDS = {"Qwen/Qwen2.5-1.5B-Instruct", "meta-llama/Llama-3.2-3B-Instruct", "allenai/OLMo-2-0425-1B-Instruct"}


def merged(*paths: Path) -> dict:
    """Config files merged the way Snakemake merges several --configfile files (nested dicts key by key)."""
    def update(base: dict, new: dict) -> None:
        for key, value in new.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                update(base[key], value)
            else:
                base[key] = copy.deepcopy(value)

    out: dict = {}
    for path in paths:
        update(out, yaml.safe_load(path.read_text()))
    return out


def dry_run(tmp_path: Path, *configs: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SNAKEMAKE, "--directory", str(tmp_path), "-n", "--configfile", *map(str, configs)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"})


def test_paper_configs_exist_for_both_datasets_and_all_models():
    assert {p.name for p in PAPER} == {"paper_gsm8k.yaml", "paper_simplerl.yaml"}
    bases = {yaml.safe_load(p.read_text())["model"]["base"] for p in PAPER + MODELS}
    assert bases == HUB_IDS


@pytest.mark.parametrize("paper", PAPER, ids=lambda p: p.stem)
@pytest.mark.parametrize("overlay", [None, *MODELS, *SWEEPS], ids=lambda p: p.stem if p else "alone")
def test_paper_config_and_overlays_pass_the_schema(paper, overlay):
    cfg = merged(paper, *([overlay] if overlay else []))
    validate(cfg, str(SCHEMA))
    assert cfg["languages"] == ["zh", "ko", "uk"]
    assert cfg["model"]["base"] in HUB_IDS and cfg["prompt"]["style"] == "chat"
    assert "{language}" in cfg["prompt"]["system"]
    assert cfg["translation"]["backend"] == "deep_translator"
    for section in ("sft", "grpo"):
        assert cfg[section]["bf16"] and cfg[section]["gradient_checkpointing"] and not cfg[section]["use_cpu"]
        assert cfg[section]["dtype"] == "bfloat16" and cfg[section]["save_steps"] > 0
    raw = yaml.safe_load(paper.read_text())["grpo"]
    for field in ("num_generations", "lr", "beta", "loss_type", "max_completion_length", "temperature"):
        assert field in raw, f"{paper.name}: grpo.{field} must be explicit"
    assert raw["extra_args"]["vllm_mode"] == "colocate"
    sft_split = cfg["data"]["splits"][cfg["data"]["sft_split"]]
    assert sft_split["source"] in ("gsm8k", "math500"), "SFT needs reference solutions"
    assert cfg["resources"]["grpo"]["gpu"] == 1
    # every checkpoint on translated GSM8K test and MATH500 in the same run (no eval overlay, no retraining)
    assert cfg["eval"]["splits"] == ["test", "math500"] and "split" not in cfg["eval"]
    assert cfg["data"]["splits"]["math500"]["source"] == "math500"
    assert cfg["data"]["splits"]["test"]["source"] == "gsm8k" and cfg["figures"]["split"] == "test"


@pytest.mark.parametrize("configs", [
    ["config/paper_gsm8k.yaml"],
    ["config/paper_simplerl.yaml", "config/models/olmo2_1b.yaml"],
    ["config/paper_gsm8k.yaml", "config/models/llama3.2_3b.yaml", "config/sweeps/lc_temperature.yaml"],
], ids=["gsm8k", "simplerl_olmo", "gsm8k_llama_sweep"])
def test_paper_configs_dry_run_without_hub_access(tmp_path, configs):
    """`snakemake -n` builds the whole DAG offline (nothing is loaded from the hub at parse time)."""
    result = dry_run(tmp_path, *(ROOT / c for c in configs))
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "pretrain" not in out.split("Job stats")[1].split("total")[0]
    cfg = merged(*(ROOT / c for c in configs))
    n_arms = len(all_arms(cfg.get("arms", {}), cfg.get("sweep")))
    n_runs = len(cfg["languages"]) * len(cfg["seeds"])
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", out.split("Job stats")[1].split("total")[0], re.M))
    assert int(stats["grpo"]) == n_runs * n_arms
    n_checkpoints = 1 + cfg["sft"]["enabled"] + n_arms + len(cfg["recovery"]["arms"])
    assert int(stats["evaluate"]) == n_runs * n_checkpoints * len(cfg["eval"]["splits"])
    assert int(stats["translate"]) == len(cfg["languages"]) * len(cfg["data"]["splits"])
    assert "results/zh/seed0/eval/math500/grpo_acc.json" in out and "results/zh/seed0/eval/test/base.json" in out
    assert "gpu=1" in out and "slurm_partition=gpu" in out


def test_sweep_expands_to_named_arms_merged_with_explicit_arms():
    sweep = {"lc_weight": [0.0, 0.25], "lc_variant": ["proportional", "threshold"], "temperature": [0.7, 1.0]}
    arms = all_arms({"acc": {"lc_weight": 0.0}}, sweep)
    assert len(arms) == 1 + 8 and list(arms)[0] == "acc"
    assert arms["lcw0p25_threshold_temp0p7"] == {"lc_weight": 0.25, "lc_variant": "threshold", "temperature": 0.7}
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in arms)
    assert list(expand_sweep(sweep)) == list(expand_sweep(dict(sweep)))  # deterministic order
    reward, grpo = split_overrides(arms["lcw0p0_proportional_temp1p0"])
    assert reward == {"lc_weight": 0.0, "lc_variant": "proportional"} and grpo == {"temperature": 1.0}


@pytest.mark.parametrize(("explicit", "sweep", "message"), [
    ({}, {"lr_scheduler": ["cosine"]}, "cannot vary per arm"),
    ({"lcw0p5": {"lc_weight": 0.1}}, {"lc_weight": [0.5]}, "clashes"),
    ({}, {}, "no GRPO arms"),
    ({"Bad": {"lc_weight": 0.1}}, None, "[a-z0-9_]+"),
    ({}, {"lc_weight": []}, "non-empty list"),
])
def test_bad_sweeps_are_rejected(explicit, sweep, message):
    with pytest.raises(SweepError, match=re.escape(message)):
        all_arms(explicit, sweep)


def test_sweep_arms_become_grpo_jobs(tmp_path):
    """Sweep arms join the explicit ones in the DAG (their params reaching run.json: tests/test_resume.py)."""
    cfg = yaml.safe_load((MICRO).read_text())
    cfg["arms"] = {"acc": {"lc_weight": 0.0}}
    cfg["sweep"] = {"lc_weight": [0.5], "temperature": [0.5, 2.0]}
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = subprocess.run([*SNAKEMAKE, "--directory", str(tmp_path), "-n", "--configfile", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    arms = set(re.findall(r"wildcards: lang=ko, seed=0, arm=(\w+)", result.stdout))
    assert arms == {"acc", "lcw0p5_temp0p5", "lcw0p5_temp2p0"}


def test_lora_needs_peft_and_says_how_to_install_it():
    assert lora_config({"lora": None}) is None
    try:
        import peft  # noqa: F401
    except ImportError:
        with pytest.raises(MissingDependencyError, match="pip install peft"):
            lora_config({"lora": {"r": 8}})
    else:  # pragma: no cover - peft installed
        cfg = lora_config({"lora": {"r": 8, "alpha": 16, "dropout": 0.1, "target_modules": ["q_proj"]}})
        assert cfg.r == 8 and cfg.lora_alpha == 16


def test_use_vllm_auto_falls_back_without_vllm():
    try:
        import vllm  # noqa: F401
        have = True
    except ImportError:
        have = False
    extra = resolve_extra_args({"use_vllm": "auto", "vllm_mode": "colocate"})
    assert extra["use_vllm"] is have
    if not have:
        assert "vllm_mode" not in extra
        with pytest.raises(MissingDependencyError, match="train_vllm.yaml"):
            resolve_extra_args({"use_vllm": True})
    with pytest.raises(ValueError, match="true, false or auto"):
        resolve_extra_args({"use_vllm": "yes"})


def test_last_checkpoint_skips_a_checkpoint_killed_while_saving(tmp_path):
    assert last_checkpoint(tmp_path / "missing") is None
    for step, state in ((5, '{"global_step": 5}'), (10, '{"global_step": 10}'), (15, '{"glob')):
        (tmp_path / f"checkpoint-{step}").mkdir()
        (tmp_path / f"checkpoint-{step}" / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoint-20").mkdir()  # killed before trainer_state.json
    assert last_checkpoint(tmp_path) == str(tmp_path / "checkpoint-10")


RUNS_SNAKEMAKE = {"prior_pipeline"}  # runs a whole pipeline with Snakemake: its jobs bring their own envs


def test_every_rule_has_conda_env_log_and_config_resources():
    rules = sorted((ROOT / "workflow" / "rules").glob("*.smk"))
    common = (ROOT / "workflow" / "rules" / "common.smk").read_text()
    envs = dict(re.findall(r'^(\w+_ENV) = "(\.\./\.\./envs/[\w.]+\.yaml)"', common, re.M))
    assert set(envs) == {"DATA_ENV", "TRAIN_ENV", "STORE_ENV", "GRPO_ENV"}
    n_rules = 0
    for path in rules:
        text = path.read_text()
        for block in re.split(r"^rule ", text, flags=re.M)[1:]:
            name = block.split(":", 1)[0]
            n_rules += 1
            if name in RUNS_SNAKEMAKE:
                assert "conda:" not in block and "run_prior_pipeline(" in block.split("run:")[1], name
            else:
                assert "conda:" in block and "_ENV" in block.split("conda:")[1].split("\n")[1], name
            assert "log:" in block, name
            assert f'rule_resources("{name}"' in block and f'resources_for("{name}", "threads"' in block, name
    assert n_rules == 13
    for env in [*envs.values(), "../../envs/train_vllm.yaml"]:
        path = (ROOT / "workflow" / "rules" / env).resolve()
        spec = yaml.safe_load(path.read_text())
        pins = [d for d in spec["dependencies"] if isinstance(d, dict)][0]["pip"]
        assert pins and all("==" in p for p in pins), path.name
    train = yaml.safe_load((ROOT / "workflow" / "envs" / "train.yaml").read_text())["dependencies"][-1]["pip"]
    assert {"torch==2.13.0", "transformers==5.23.0", "trl==1.16.0"} <= set(train)


def test_profiles_parse_and_every_entry_is_commented():
    for name in ("slurm", "local"):
        path = ROOT / "workflow" / "profiles" / name / "profile.yaml"
        profile = yaml.safe_load(path.read_text())
        assert profile, name
        for line in path.read_text().splitlines():
            if re.match(r"^\s*[\w-]+:\s*\S", line) and not line.lstrip().startswith("#"):
                assert "#" in line, f"{name}: uncommented entry {line!r}"
    slurm = yaml.safe_load((ROOT / "workflow" / "profiles" / "slurm" / "profile.yaml").read_text())
    assert slurm["executor"] == "slurm" and slurm["slurm-status-command"] == "squeue"
    assert slurm["retries"] >= 1 and slurm["latency-wait"] > 0 and "slurm_partition" in slurm["default-resources"]


def test_local_profile_dry_run(tmp_path):
    result = subprocess.run([*SNAKEMAKE, "--directory", str(tmp_path), "-n", "--profile",
                             str(ROOT / "workflow" / "profiles" / "local"), "--configfile",
                             str(MICRO)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "grpo" in result.stdout


def test_figure_caption_template_matches_the_per_figure_captions():
    template = (ROOT / "workflow" / "report" / "figure.rst").read_text()
    for name in ("drift", "irreversibility", "tradeoff"):
        text = (ROOT / "workflow" / "report" / f"{name}.rst").read_text().strip()
        assert f'snakemake.wildcards.figure == "{name}" %}}\n{text}\n{{%' in template, name


def test_lint_is_clean_on_the_default_config():
    result = subprocess.run([*SNAKEMAKE, "--lint"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Lints for" not in result.stdout + result.stderr
