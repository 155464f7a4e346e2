"""Effective-settings audit: for every config a user can run, what each job (sft, grpo per arm, recovery, evaluate
per split) would hand its library -- TrainingArguments / GRPOConfig fields, the LoRA config, the device on a GPU
node, the generation settings of each engine -- equals what the config files say, without running anything.

Expectations are computed from the YAML files themselves (merged here, key by key) and the schema's declared
defaults; recovery expects its own values where its section sets them and the SFT section's otherwise.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from pipeline.devices import resolve
from pipeline.evaluate.engines import decodings, generation_config, sampling_params_kwargs
from pipeline.settings import Settings, every_job, load_config
from pipeline.train.common import lora_config
from pipeline.train.grpo import grpo_args, resolve_extra_args
from pipeline.train.sft import sft_args
from support import DEFAULT_CONFIG, PAPER_CONFIGS, ROOT, RUNNABLE_CONFIGS

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
SMOKE = sorted((ROOT / "config" / "smoke").glob("*.yaml"))  # overlays of config/paper_gsm8k.yaml
CONFIGS = [*RUNNABLE_CONFIGS, *[(ROOT / "config" / "paper_gsm8k.yaml", s) for s in SMOKE]]
GPU_NODE = lambda: ("cuda", 1)  # noqa: E731
TOKENIZER = SimpleNamespace(pad_token_id=0, eos_token_id=1, bos_token_id=None)


def config_id(paths: tuple) -> str:
    return "+".join(p.stem if p.parent.name != "config_micro" else "micro" for p in paths)


def merged_files(paths: tuple[Path, ...]) -> dict[str, Any]:
    """The files merged key by key, as Snakemake merges --configfile files (nothing filled in)."""
    def merge(a: dict, b: dict) -> dict:
        out = dict(a)
        for key, value in b.items():
            out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        return out

    raw: dict[str, Any] = {}
    for path in paths:
        raw = merge(raw, yaml.safe_load(path.read_text()) or {})
    return raw


def said(raw: dict[str, Any], section: str, field: str) -> Any:
    """What the files say for ``section.field``, else the schema's declared default (recovery: else sft's)."""
    own = raw.get(section) or {}
    if field in own:
        return own[field]
    if section == "recovery":
        return said(raw, "sft", field)
    props = SCHEMA["properties"][section]["properties"]
    if section in ("sft", "grpo"):
        default = SCHEMA["$defs"]["trainer_defaults"]["properties"].get(field, props.get(field, {}))
    else:
        default = props[field]
    return default["default"]


def check_trainer(raw: dict, section: str, cfg: dict, kwargs: dict, arm: dict | None = None) -> None:
    want = lambda field: (arm or {}).get(field, said(raw, section, field))  # noqa: E731 (an arm's own value wins)
    assert kwargs["use_cpu"] == want("use_cpu") and kwargs["bf16"] == want("bf16")
    assert kwargs["gradient_checkpointing"] == want("gradient_checkpointing")
    assert kwargs["gradient_accumulation_steps"] == want("grad_accum")
    assert kwargs["lr_scheduler_type"] == want("lr_scheduler") and kwargs["warmup_steps"] == want("warmup_steps")
    assert kwargs["max_steps"] == want("steps") and kwargs["per_device_train_batch_size"] == want("batch_size")
    assert kwargs["save_strategy"] == ("steps" if want("save_steps") else "no")
    if want("save_steps"):
        assert kwargs["save_steps"] == want("save_steps")
    assert cfg["dtype"] == want("dtype")
    device = resolve(cfg["use_cpu"], cfg["dtype"], probe=GPU_NODE).device
    assert device == ("cpu" if want("use_cpu") else "cuda")
    lora, peft = want("lora"), lora_config(cfg)
    assert (peft is None) == (lora is None)
    if lora:
        assert peft.r == lora["r"] and peft.lora_alpha == lora.get("alpha", 2 * lora["r"])


@pytest.mark.parametrize("paths", CONFIGS, ids=config_id)
def test_every_job_receives_what_the_files_say(paths, tmp_path):
    raw = merged_files(paths)
    s = Settings(load_config(*paths))
    seen = set()
    for job, cfg in every_job(s):
        kind, _, name = job.partition("/")
        seen.add(kind)
        if kind in ("sft", "recovery"):
            check_trainer(raw, kind, cfg, sft_args(cfg, 0, tmp_path))
            assert cfg["max_length"] == said(raw, kind, "max_length")
        elif kind == "grpo":
            kwargs = grpo_args(cfg, [1.0, 0.0], 0, tmp_path, resolve_extra_args(cfg.get("extra_args", {})))
            arm = s.arms[name]
            check_trainer(raw, "grpo", cfg, kwargs, arm)
            for field in ("temperature", "top_p", "top_k", "repetition_penalty", "beta", "loss_type",
                          "num_generations", "max_completion_length", "scale_rewards"):
                assert kwargs[field] == arm.get(field, said(raw, "grpo", field)), f"{job}: {field}"
            assert kwargs["learning_rate"] == arm.get("lr", said(raw, "grpo", "lr"))
        else:
            check_eval(raw, cfg, name.partition("/")[2] or None)
    assert seen >= {"grpo", "evaluate"}


def check_eval(raw: dict, cfg: dict, checkpoint: str | None) -> None:
    want = lambda field: said(raw, "eval", field)  # noqa: E731
    on = want("studies_on")
    studied = on is None or checkpoint in on  # the decoding-time studies: more temperatures, controls
    assert bool(cfg.get("controls")) == bool(want("controls") and studied)
    expected = sorted({*want("temperatures"), *(want("axis_temperatures") if studied else [])})
    placement = resolve(cfg["use_cpu"], cfg["dtype"], probe=GPU_NODE)
    assert placement.device == ("cpu" if want("use_cpu") else "cuda") and placement.dtype == want("dtype")
    assert cfg["engine"] == want("engine")
    decs = decodings(cfg, seed=0)
    temps = [d.temperature for d in decs if d.sampling]
    assert temps == [float(t) for t in expected] and any(not d.sampling for d in decs) == want("greedy")
    for dec in decs:
        hf, vllm = generation_config(dec, TOKENIZER), sampling_params_kwargs(dec)
        assert hf.repetition_penalty == vllm["repetition_penalty"] == want("repetition_penalty")
        assert hf.max_new_tokens == vllm["max_tokens"] == want("max_new_tokens")
        if dec.sampling:
            assert hf.do_sample and hf.temperature == vllm["temperature"] == dec.temperature
            assert hf.top_k == vllm["top_k"] == want("top_k") and hf.top_p == vllm["top_p"] == want("top_p")
            assert hf.num_return_sequences == vllm["n"] == want("samples")
        else:
            assert not hf.do_sample and vllm["temperature"] == 0.0 and vllm["n"] == 1


def test_paper_jobs_run_on_the_gpu_in_bf16_and_the_default_on_the_cpu():
    """The audit's premise in numbers: a paper config puts every training and evaluate job on the GPU."""
    for paths, device in (((PAPER_CONFIGS[0],), "cuda"), ((DEFAULT_CONFIG,), "cpu")):
        s = Settings(load_config(*paths))
        for job, cfg in every_job(s):
            assert resolve(cfg["use_cpu"], cfg["dtype"], probe=GPU_NODE).device == device, job
