"""Stage ``grpo``: GRPO with TRL's ``GRPOTrainer`` and the measurement core's reward functions.

Every GRPOConfig field that matters for the science is set from the config (TRL 1.16 defaults are not
classic GRPO). The language-consistency reward is always computed: with weight 0.0 it is logged, not trained
on. TRL's per-step completion Parquet files are normalised into ``rollouts.parquet``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.evaluate.controls import Control, control_from_spec, logit_bias, rollout_generation_kwargs
from pipeline.jsonl import read_jsonl
from pipeline.measure.composition import COMPOSITION_FIELDS, cot_compositions
from pipeline.measure.rewards import build_reward_funcs
from pipeline.measure.text import as_text
from pipeline.prompts import build_prompt
from pipeline.requirements import MissingDependencyError, importable, message
from pipeline.runinfo import RunInfo, track_run
from pipeline.train.common import (
    common_args,
    fit,
    last_checkpoint,
    lora_config,
    nan_guard_callback,
    save_trained,
)
from pipeline.train.models import load_model, load_tokenizer, set_threads

# GRPOConfig fields passed through verbatim from the config's ``grpo`` section (an arm may override some of them:
# pipeline.arms.ARM_GRPO_FIELDS).
GRPO_CONFIG_FIELDS = (
    "num_generations", "max_completion_length", "temperature", "top_p", "top_k", "repetition_penalty",
    "beta", "loss_type", "scale_rewards", "epsilon", "epsilon_high", "num_iterations",
    "mask_truncated_completions", "multi_objective_aggregation", "importance_sampling_level",
)


def resolve_extra_args(extra: dict[str, Any]) -> dict[str, Any]:
    """``grpo.extra_args`` for GRPOConfig, with ``use_vllm: auto`` resolved to whether vLLM is installed.

    ``use_vllm: true`` without vLLM is an error naming the fix; ``auto`` falls back to transformers generation.
    """
    extra = dict(extra or {})
    want = extra.get("use_vllm", False)
    have = importable("vllm")
    if want == "auto":
        extra["use_vllm"] = have
        if not have:
            for key in [k for k in extra if k.startswith("vllm_")]:
                extra.pop(key)
    elif want is True and not have:
        raise MissingDependencyError(message("vllm_grpo", "grpo.extra_args.use_vllm"))
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


def prompt_text(prompt: Any, tokenizer: Any) -> str:
    """The prompt as the model saw it: a chat prompt (messages, or the numpy array of them Parquet gives back)
    through the tokenizer's chat template, system message included; a plain prompt as is."""
    if isinstance(prompt, str):
        return prompt
    messages = [dict(m) for m in (prompt if isinstance(prompt, list | tuple) else list(prompt))]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def normalise_rollouts(completions_dir: Path, rid: str, lang: str, reward_names: list[str],
                       weights: list[float], tokenizer: Any) -> pd.DataFrame:
    """One row per rollout with the columns of docs/artifacts.md, from TRL's completions_*.parquet: the
    completion as text (:func:`pipeline.measure.text.as_text`), the prompt as the model saw it."""
    files = sorted(completions_dir.glob("completions_*.parquet"))
    if not files:
        raise FileNotFoundError(f"{completions_dir}: TRL wrote no completions files (log_completions off?)")
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    df["completion"] = df["completion"].map(as_text)
    df["prompt"] = [prompt_text(p, tokenizer) for p in df["prompt"]]
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


def print_completions(prompts: list[Any], completions: list[Any], rewards: dict[str, list[float]],
                      advantages: list[float], step: int, num_samples: int | None = None,
                      extra: dict[str, list[Any]] | None = None) -> None:
    """The first ``num_samples`` completions of a logging step as plain text with their rewards and advantage.

    Same signature as TRL's ``print_prompt_completions_sample`` (a rich table with a column per reward and per
    logged extra, unreadable in a job log), which :func:`plain_completion_log` replaces during training.
    """
    count = len(completions) if num_samples is None else min(num_samples, len(completions))
    for i in range(count):
        scores = "  ".join(f"{reward_column(name)}={values[i]:.3f}" for name, values in rewards.items())
        print(f"\n--- step {step} completion {i + 1}/{count}: {scores}  advantage={advantages[i]:.3f}\n"
              f"{as_text(completions[i]).strip()}", flush=True)


@contextlib.contextmanager
def plain_completion_log() -> Iterator[None]:
    """Within the block, GRPOTrainer prints completions with :func:`print_completions`, whether or not ``rich``
    is installed (TRL looks both names up in its module on every log call; restored afterwards)."""
    from trl.trainer import grpo_trainer

    printed: set[int] = set()

    def once_per_step(*args: Any, **kwargs: Any) -> None:  # TRL logs the last step again when training ends
        step = args[4] if len(args) > 4 else kwargs["step"]
        if step not in printed:
            printed.add(step)
            print_completions(*args, **kwargs)

    patched = {"print_prompt_completions_sample": once_per_step, "is_rich_available": lambda: True}
    original = {name: getattr(grpo_trainer, name) for name in patched}
    for name, value in patched.items():
        setattr(grpo_trainer, name, value)
    try:
        yield
    finally:
        for name, value in original.items():
            setattr(grpo_trainer, name, value)


def grpo_rows(records: list[dict[str, Any]], lang: str, prompt_cfg: dict[str, Any], prefill: str | None = None,
              tokenizer: Any = None) -> list[dict[str, Any]]:
    """GRPO dataset rows: the prompt plus the columns reward functions read (answer, lang, id).

    ``prefill`` (a rollout control's opener) is appended to the prompt as the model sees it, so every rollout
    starts after it: a chat prompt is then rendered with ``tokenizer``'s chat template into text first (TRL 1.16
    always adds a generation prompt to conversational prompts, so it cannot continue an assistant message).
    """
    rows = []
    for r in records:
        prompt = build_prompt(r["question"], lang, prompt_cfg["style"], prompt_cfg["template"],
                              prompt_cfg.get("system"))
        if prefill:
            prompt = prompt_text(prompt, tokenizer) + prefill
        rows.append({"prompt": prompt, "answer": r["answer"], "lang": lang, "id": r["id"]})
    return rows


def select_difficulty(records: list[dict[str, Any]], difficulty: list[int] | None, path: str | Path
                      ) -> list[dict[str, Any]]:
    """The records whose ``difficulty`` (the world's number of reasoning steps) is one of ``difficulty`` (all
    when None); a record without one, or no record left, is an error naming ``path``.

    >>> select_difficulty([{"difficulty": 1}, {"difficulty": 3}], [3], "train.jsonl")
    [{'difficulty': 3}]
    """
    if not difficulty:
        return records
    missing = sum(1 for r in records if "difficulty" not in r)
    if missing:
        raise ValueError(f"{path}: {missing} records have no 'difficulty' field; train_difficulty needs synthetic "
                         "world records")
    kept = [r for r in records if r["difficulty"] in set(difficulty)]
    if not kept:
        have = sorted({r["difficulty"] for r in records})
        raise ValueError(f"{path}: no record has difficulty {difficulty} (the split has {have}); fix the arm's "
                         "train_difficulty or the world's min_steps/max_steps")
    return kept


def grpo_args(cfg: dict[str, Any], weights: list[float], seed: int, output_dir: Path,
              extra_args: dict[str, Any]) -> dict[str, Any]:
    """Every ``GRPOConfig`` field a GRPO job sets, from its arm's settings, reward weights and resolved
    ``extra_args`` (what the effective-settings audit checks against the config files)."""
    return {**common_args(cfg, seed, output_dir), **{k: cfg[k] for k in GRPO_CONFIG_FIELDS},
            "reward_weights": weights, "log_completions": True, "num_completions_to_print": cfg["print_completions"],
            "remove_unused_columns": False, "shuffle_dataset": True, **extra_args}


def rollout_control(cfg: dict[str, Any], lang: str, tokenizer: Any, use_vllm: bool,
                    extra_args: dict[str, Any]) -> Control | None:
    """The arm's ``rollout_control`` for ``lang`` (None without one); its logit bias is put into ``extra_args``
    as ``generation_kwargs`` (merged with any the config sets). Recorded by the caller in run.json."""
    spec = cfg.get("rollout_control")
    if not spec:
        return None
    control = control_from_spec("rollout", spec, cfg.get("openers"), lang, "arm rollout_control")
    bias = logit_bias(tokenizer, lang, control)
    if bias:
        extra_args["generation_kwargs"] = {**(extra_args.get("generation_kwargs") or {}),
                                           **rollout_generation_kwargs(bias, use_vllm)}
    return control


def run_grpo(model_path: str, train_path: str | Path, out_dir: str | Path, info: RunInfo,
             cfg: dict[str, Any], reward_spec: dict[str, Any], prompt_cfg: dict[str, Any],
             threads: int | None = None) -> dict[str, Any]:
    """Train one GRPO arm; write ``model/``, ``completions/``, ``rollouts.parquet``, logs and ``run.json``."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    set_threads(threads)
    out_dir = Path(out_dir)
    records = select_difficulty(read_jsonl(train_path), cfg.get("train_difficulty"), train_path)
    if cfg.get("n_train"):
        records = records[: cfg["n_train"]]
    funcs, weights = build_reward_funcs(reward_spec)
    funcs = [with_item_ids(funcs[0]), *funcs[1:]]
    names = [f.__name__ for f in funcs]
    info.reward = {**reward_spec, "functions": names, "weights": weights}
    info.params = {**cfg, "prompt": prompt_cfg, "model_path": str(model_path), "train_path": str(train_path)}
    extra_args = resolve_extra_args(cfg.get("extra_args", {}))
    info.extra["use_vllm"] = bool(extra_args.get("use_vllm", False))
    info.extra["n_train_records"] = len(records)
    with track_run(info, out_dir / "run.json"):
        tokenizer = load_tokenizer(model_path, padding_side="left")
        model = load_model(model_path, cfg["dtype"])
        control = rollout_control(cfg, info.lang, tokenizer, info.extra["use_vllm"], extra_args)
        if control:  # what the rollouts were generated with (the bias as the number of tokens it touches)
            gen = extra_args.get("generation_kwargs") or {}
            info.extra["rollout_control"] = {**control.record(), "biased_tokens": len(
                gen.get("sequence_bias") or gen.get("logit_bias") or [])}
        args = GRPOConfig(**grpo_args(cfg, weights, info.seed, out_dir, extra_args))
        rows = grpo_rows(records, info.lang, prompt_cfg, control.prefill if control else None, tokenizer)
        trainer = GRPOTrainer(model=model, reward_funcs=funcs, args=args, processing_class=tokenizer,
                              train_dataset=Dataset.from_list(rows),
                              callbacks=[nan_guard_callback()], peft_config=lora_config(cfg))
        resume = last_checkpoint(out_dir)
        info.extra["stale_completions_removed"] = clear_stale_completions(
            out_dir / "completions", int(Path(resume).name.split("-")[1]) if resume else 0)
        with plain_completion_log():
            fit(trainer, resume, info, out_dir)
        rollouts = normalise_rollouts(out_dir / "completions", info.run_id, info.lang, names, weights, tokenizer)
        rollouts.to_parquet(out_dir / "rollouts.parquet", index=False)
        info.extra["n_rollouts"] = len(rollouts)
        save_trained(trainer, tokenizer, out_dir, list(out_dir.glob("checkpoint-*")))
    return info.extra
