"""Stage ``grpo``: GRPO with TRL's ``GRPOTrainer`` and the measurement core's reward functions.

Every GRPOConfig field that matters for the science is set from the config (TRL 1.16 defaults are not
classic GRPO). The language-consistency reward is always computed: with weight 0.0 it is logged, not trained
on. TRL's per-step completion Parquet files are normalised into ``rollouts.parquet``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.jsonl import read_jsonl
from pipeline.measure.composition import COMPOSITION_FIELDS, cot_compositions
from pipeline.measure.rewards import build_reward_funcs
from pipeline.measure.text import as_text
from pipeline.prompts import build_prompt
from pipeline.runinfo import RunInfo, track_run
from pipeline.train.common import (
    MissingDependencyError,
    common_args,
    fit,
    last_checkpoint,
    lora_config,
    nan_guard_callback,
    save_trained,
)
from pipeline.train.models import load_model, load_tokenizer, set_threads

# GRPOConfig fields passed through verbatim from the config's ``grpo`` section (an arm may override some of them:
# pipeline.settings.ARM_GRPO_FIELDS).
GRPO_CONFIG_FIELDS = (
    "num_generations", "max_completion_length", "temperature", "top_p", "top_k", "repetition_penalty",
    "beta", "loss_type", "scale_rewards", "epsilon", "epsilon_high", "num_iterations",
    "mask_truncated_completions", "multi_objective_aggregation", "importance_sampling_level",
)


def resolve_extra_args(extra: dict[str, Any]) -> dict[str, Any]:
    """``grpo.extra_args`` for GRPOConfig, with ``use_vllm: auto`` resolved to whether vLLM is installed.

    ``use_vllm: true`` without vLLM is an error naming the fix; ``auto`` falls back to transformers generation.
    """
    import importlib.util

    extra = dict(extra or {})
    want = extra.get("use_vllm", False)
    have = importlib.util.find_spec("vllm") is not None
    if want == "auto":
        extra["use_vllm"] = have
        if not have:
            for key in [k for k in extra if k.startswith("vllm_")]:
                extra.pop(key)
    elif want is True and not have:
        raise MissingDependencyError(
            "grpo.extra_args.use_vllm is true but vLLM is not installed; use the workflow/envs/train_vllm.yaml "
            "environment (or `pip install 'trl[vllm]==1.16.0'`), or set use_vllm: auto / false"
        )
    elif want not in (True, False):
        raise ValueError(f"grpo.extra_args.use_vllm must be true, false or auto, got {want!r}")
    return extra


def with_item_ids(func: Callable[..., list[float]]) -> Callable[..., list[float]]:
    """Wrap a reward so that it also logs each completion's item id into TRL's completions table."""

    @functools.wraps(func)
    def wrapped(completions: list[Any], **kwargs: Any) -> list[float]:
        if "log_extra" in kwargs and "id" in kwargs:
            kwargs["log_extra"]("item_id", list(kwargs["id"]))
        return func(completions, **kwargs)

    return wrapped


def reward_column(name: str) -> str:
    """``accuracy`` -> ``reward_accuracy``; ``lang_consistency`` -> ``reward_lang_consistency``."""
    return "reward_" + name.removesuffix("_reward")


def clear_stale_completions(completions_dir: Path, keep_up_to: int) -> int:
    """Delete TRL completions files of steps after ``keep_up_to`` (0 = all): left by an earlier run of this arm
    (a longer one, or a crash after the last checkpoint), they would otherwise end up in ``rollouts.parquet``.
    Returns how many files were deleted."""
    stale = [f for f in completions_dir.glob("completions_*.parquet")
             if int(f.stem.rsplit("_", 1)[1]) > keep_up_to]
    for f in stale:
        f.unlink()
    return len(stale)


def normalise_rollouts(completions_dir: Path, rid: str, lang: str, reward_names: list[str],
                       weights: list[float]) -> pd.DataFrame:
    """One row per rollout with the columns of docs/artifacts.md, from TRL's completions_*.parquet."""
    files = sorted(completions_dir.glob("completions_*.parquet"))
    if not files:
        raise FileNotFoundError(f"{completions_dir}: TRL wrote no completions files (log_completions off?)")
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    df["completion"] = df["completion"].map(as_text)
    df["prompt"] = df["prompt"].map(as_text)
    out = pd.DataFrame({"run_id": rid, "step": df["step"].astype(int), "item_id": df.get("item_id"),
                        "prompt": df["prompt"], "completion": df["completion"]})
    total = 0.0
    for name, weight in zip(reward_names, weights, strict=True):
        out[reward_column(name)] = df[name].astype(float)
        total = total + weight * out[reward_column(name)]
    out["reward"] = total
    out["advantage"] = df["advantage"].astype(float)
    out["correct"] = df["correct"].astype(bool) if "correct" in df else out["reward_accuracy"] > 0.5
    if all(field in df for field in COMPOSITION_FIELDS):  # logged by the lang_consistency reward (log_extra)
        for field in COMPOSITION_FIELDS:
            out[field] = df[field]
    else:
        comps = cot_compositions(out["completion"].tolist(), lang)
        for field in COMPOSITION_FIELDS:
            out[field] = [getattr(c, field) for c in comps]
    return out


def grpo_rows(records: list[dict[str, Any]], lang: str, prompt_cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """GRPO dataset rows: the prompt plus the columns reward functions read (answer, lang, id)."""
    return [{"prompt": build_prompt(r["question"], lang, prompt_cfg["style"], prompt_cfg["template"],
                                    prompt_cfg.get("system")),
             "answer": r["answer"], "lang": lang, "id": r["id"]} for r in records]


def run_grpo(model_path: str, train_path: str | Path, out_dir: str | Path, info: RunInfo,
             cfg: dict[str, Any], reward_spec: dict[str, Any], prompt_cfg: dict[str, Any],
             threads: int | None = None) -> dict[str, Any]:
    """Train one GRPO arm; write ``model/``, ``completions/``, ``rollouts.parquet``, logs and ``run.json``."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    set_threads(threads)
    out_dir = Path(out_dir)
    records = read_jsonl(train_path)
    if cfg.get("n_train"):
        records = records[: cfg["n_train"]]
    funcs, weights = build_reward_funcs(reward_spec)
    funcs = [with_item_ids(funcs[0]), *funcs[1:]]
    names = [f.__name__ for f in funcs]
    info.reward = {**reward_spec, "functions": names, "weights": weights}
    info.params = {**cfg, "prompt": prompt_cfg, "model_path": str(model_path), "train_path": str(train_path)}
    extra_args = resolve_extra_args(cfg.get("extra_args", {}))
    info.extra["use_vllm"] = bool(extra_args.get("use_vllm", False))
    with track_run(info, out_dir / "run.json"):
        tokenizer = load_tokenizer(model_path, padding_side="left")
        model = load_model(model_path, cfg["dtype"])
        args = GRPOConfig(
            **common_args(cfg, info.seed, out_dir),
            **{k: cfg[k] for k in GRPO_CONFIG_FIELDS},
            reward_weights=weights,
            log_completions=True,
            num_completions_to_print=cfg["print_completions"],
            remove_unused_columns=False,
            shuffle_dataset=True,
            **extra_args,
        )
        trainer = GRPOTrainer(model=model, reward_funcs=funcs, args=args, processing_class=tokenizer,
                              train_dataset=Dataset.from_list(grpo_rows(records, info.lang, prompt_cfg)),
                              callbacks=[nan_guard_callback()], peft_config=lora_config(cfg))
        resume = last_checkpoint(out_dir)
        info.extra["stale_completions_removed"] = clear_stale_completions(
            out_dir / "completions", int(Path(resume).name.split("-")[1]) if resume else 0)
        fit(trainer, resume, info, out_dir)
        rollouts = normalise_rollouts(out_dir / "completions", info.run_id, info.lang, names, weights)
        rollouts.to_parquet(out_dir / "rollouts.parquet", index=False)
        info.extra["n_rollouts"] = len(rollouts)
        save_trained(trainer, tokenizer, out_dir, list(out_dir.glob("checkpoint-*")))
    return info.extra
