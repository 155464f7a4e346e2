"""Optional packages a config needs are checked when the DAG is built (before any job runs)."""

from __future__ import annotations

import pytest

from pipeline.requirements import MissingDependencyError, check, env_lists, importable, needs
from pipeline.settings import Settings, load_config, merge
from support import DEFAULT_CONFIG, ROOT, snakemake, write_config

ENVS = ROOT / "workflow" / "envs"


def settings(**sections) -> Settings:
    return Settings(merge(load_config(DEFAULT_CONFIG), sections))


def test_needs_follow_the_config():
    assert needs(settings()) == []
    lora = settings(grpo={"lora": {"r": 4}})
    assert [(n.rule, n.package, n.where) for n in needs(lora)] == [("grpo", "peft", "grpo.lora")]
    inherited = settings(sft={"lora": {"r": 4}})  # recovery inherits sft's lora
    assert {n.rule for n in needs(inherited)} == {"sft", "recovery"}
    vllm = settings(grpo={"extra_args": {"use_vllm": True}}, eval={"engine": "vllm"})
    assert {(n.rule, n.package) for n in needs(vllm)} == {("grpo", "vllm"), ("evaluate", "vllm")}
    assert needs(settings(grpo={"extra_args": {"use_vllm": "auto"}})) == []  # auto falls back at run time


def test_check_names_every_missing_package_with_the_jobs_message():
    s = settings(grpo={"lora": {"r": 4}}, eval={"engine": "vllm"})
    with pytest.raises(MissingDependencyError) as err:
        check([s], has=lambda package: False)
    assert "grpo.lora sets a `lora:` section but the `peft` package is not installed" in str(err.value)
    assert "eval.engine is vllm but vLLM is not installed" in str(err.value)
    check([s], has=lambda package: True)


def test_conda_mode_checks_the_rules_env_files(tmp_path):
    bare = tmp_path / "bare.yaml"
    bare.write_text("dependencies:\n  - pip:\n      - torch==2.13.0\n")
    assert env_lists(ENVS / "train_vllm.yaml", "vllm") and env_lists(ENVS / "train.yaml", "peft")
    assert not env_lists(ENVS / "train.yaml", "vllm") and not env_lists(bare, "peft")
    s = settings(grpo={"lora": {"r": 4}}, eval={"engine": "vllm"})
    envs = {"sft": bare, "recovery": bare, "grpo": bare, "evaluate": ENVS / "train_vllm.yaml"}
    with pytest.raises(MissingDependencyError, match=r"rule grpo runs in .*bare.yaml, which does not list peft"):
        check([s], envs)
    check([s], {**envs, "grpo": ENVS / "train.yaml"})


@pytest.mark.skipif(importable("vllm"), reason="vLLM is installed here: nothing is missing")
def test_dry_run_fails_before_any_job_when_vllm_is_missing(tmp_path):
    config = write_config(tmp_path, DEFAULT_CONFIG, eval__engine="vllm")
    res = snakemake(tmp_path, "-n", configs=(config,))
    assert res.returncode != 0
    assert "eval.engine is vllm but vLLM is not installed" in res.stdout + res.stderr
