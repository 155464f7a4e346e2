"""The workflow's files: every rule has a log, a conda env and config resources; env files pinned; profiles
documented; one report caption branch per figure."""

from __future__ import annotations

import re

import yaml

from pipeline import layout, settings
from support import ROOT

RULES_DIR = ROOT / "workflow" / "rules"
# target rules in workflow/Snakefile
LOCAL_ONLY = {"all", "data", "train", "evaluation", "prior_sweep", "amplifier_sweeps"}


def rule_blocks() -> dict[str, str]:
    blocks = {}
    for path in sorted(RULES_DIR.glob("*.smk")):
        for block in re.split(r"^rule ", path.read_text(), flags=re.M)[1:]:
            blocks[block.split(":", 1)[0]] = block
    return blocks


def test_every_rule_has_conda_env_log_and_config_resources():
    common = (RULES_DIR / "common.smk").read_text()
    envs = dict(re.findall(r'^(\w+_ENV) = "(\.\./envs/[\w.]+\.yaml)"', common, re.M))
    assert set(envs) == {"DATA_ENV", "TRAIN_ENV", "STORE_ENV", "VLLM_ENV"}  # GRPO_ENV, EVAL_ENV: TRAIN or VLLM
    blocks = rule_blocks()
    assert set(blocks) == set(settings.RULES)
    for name, block in blocks.items():
        assert "conda:" in block and "_ENV" in block.split("conda:")[1].split("\n")[1], name
        assert "log:" in block, name
        assert f'S.resources("{name}"' in block and f'S.resource("{name}", "threads"' in block, name
    snakefile = (ROOT / "workflow" / "Snakefile").read_text()
    assert set(re.findall(r"^rule (\w+):", snakefile, re.M)) == LOCAL_ONLY


def test_env_files_pin_every_package():
    for path in sorted((ROOT / "workflow" / "envs").glob("*.yaml")):
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


def test_report_caption_has_one_branch_per_figure():
    template = (ROOT / "workflow" / "report" / "figure.rst").read_text()
    branches = re.findall(r'snakemake\.wildcards\.figure == "(\w+)"', template)
    assert tuple(branches) == layout.FIGURES
    used = set()
    for path in RULES_DIR.glob("*.smk"):
        used |= set(re.findall(r'caption="\.\./report/(\w+\.rst)"', path.read_text()))
    assert used == {p.name for p in (ROOT / "workflow" / "report").glob("*.rst")} - {"workflow.rst"}
