"""What the SFT and GRPO stages share: TrainingArguments fields, LoRA, resuming, NaN guard, logs and saving."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.devices import trainer_placement
from pipeline.jsonl import write_jsonl
from pipeline.requirements import MissingDependencyError, message
from pipeline.runinfo import RunInfo
from pipeline.train.models import merged_model, save


def common_args(cfg: dict[str, Any], seed: int, output_dir: Path) -> dict[str, Any]:
    """TrainingArguments fields every trainer run sets explicitly (never TRL's hidden defaults)."""
    return {
        "output_dir": str(output_dir),
        "seed": seed,
        "data_seed": seed,
        "max_steps": cfg["steps"],
        "learning_rate": cfg["lr"],
        "lr_scheduler_type": cfg["lr_scheduler"],
        "warmup_steps": cfg["warmup_steps"],
        "weight_decay": cfg["weight_decay"],
        "max_grad_norm": cfg["max_grad_norm"],
        "per_device_train_batch_size": cfg["batch_size"],
        "gradient_accumulation_steps": cfg["grad_accum"],
        "gradient_checkpointing": cfg["gradient_checkpointing"],
        "bf16": cfg["bf16"],
        "use_cpu": cfg["use_cpu"],
        "logging_steps": 1,
        "save_strategy": "steps" if cfg["save_steps"] else "no",
        "save_steps": cfg["save_steps"] or 500,
        "save_total_limit": 2,
        "report_to": [],
        "disable_tqdm": False,
        "dataloader_num_workers": 0,
    }


def last_checkpoint(output_dir: Path) -> str | None:
    """The newest complete ``checkpoint-N`` directory under ``output_dir`` to resume from, if any.

    A job killed while saving leaves a ``checkpoint-N`` without (or with a truncated) ``trainer_state.json``,
    which the Trainer writes last; such a directory is skipped (transformers' ``get_last_checkpoint`` would
    pick it and fail), so the run resumes from the previous one (``save_total_limit`` keeps two).
    """
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return None
    found = []
    for path in output_dir.glob("checkpoint-*"):
        suffix = path.name.removeprefix("checkpoint-")
        if path.is_dir() and suffix.isdigit():
            found.append((int(suffix), path))
    for _, path in sorted(found, reverse=True):
        try:
            json.loads((path / "trainer_state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return str(path)
    return None


def lora_config(cfg: dict[str, Any]) -> Any | None:
    """A ``peft.LoraConfig`` from the section's ``lora`` mapping, or None for full fine-tuning.

    ``peft`` is imported only here, so configs without ``lora`` never need it.
    """
    lora = cfg.get("lora")
    if not lora:
        return None
    try:
        from peft import LoraConfig
    except ImportError as exc:
        raise MissingDependencyError(message("peft", "the config")) from exc
    return LoraConfig(
        r=int(lora["r"]),
        lora_alpha=lora.get("alpha", 2 * int(lora["r"])),
        lora_dropout=lora.get("dropout", 0.0),
        target_modules=lora.get("target_modules", "all-linear"),
        task_type="CAUSAL_LM",
    )


class NonFiniteMetricError(RuntimeError):
    """A trainer logged a NaN/inf loss: the run is stopped instead of producing silent wrong numbers."""


def nan_guard_callback() -> Any:
    """A TrainerCallback that stops training with a clear error when the logged loss is not finite."""
    from transformers import TrainerCallback

    class NanGuard(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: D401, ANN001
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(float(loss)):
                raise NonFiniteMetricError(
                    f"loss is {loss} at step {state.global_step} (output {args.output_dir}); "
                    "lower the learning rate or check the data"
                )

    return NanGuard()


def write_train_log(log_history: list[dict[str, Any]], path: Path, rid: str) -> int:
    """Write the trainer's per-step log (``state.log_history``) as ``train_log.jsonl``."""
    rows = [{"run_id": rid, **row} for row in log_history if "step" in row or "loss" in row]
    return write_jsonl(path, rows)


def mean_train_loss(log_history: list[dict[str, Any]]) -> float | None:
    """Mean per-step training loss over every logged step of the run, the steps before a resume included (the
    trainer's own ``training_loss`` covers only the steps after it). None when no loss was logged.

    >>> mean_train_loss([{"step": 1, "loss": 4.0}, {"step": 2, "loss": 2.0}, {"step": 2, "train_runtime": 1.0}])
    3.0
    """
    losses = {int(row["step"]): float(row["loss"]) for row in log_history if "loss" in row and "step" in row}
    return sum(losses.values()) / len(losses) if losses else None


def fit(trainer: Any, resume: str | None, info: RunInfo, out_dir: Path) -> None:
    """Train (resuming from checkpoint ``resume`` when given), record the outcome and where it ran (device,
    dtype, accelerators: :func:`pipeline.devices.trainer_placement`) in ``info.extra`` and write
    ``out_dir/train_log.jsonl``."""
    result = trainer.train(resume_from_checkpoint=resume)
    loss = mean_train_loss(trainer.state.log_history)  # logging_steps=1: one loss per step
    info.extra.update(resumed_from=resume, train_loss=result.training_loss if loss is None else loss,
                      global_step=trainer.state.global_step, **trainer_placement(trainer).record())
    write_train_log(trainer.state.log_history, out_dir / "train_log.jsonl", info.run_id)


def save_trained(trainer: Any, tokenizer: Any, out_dir: Path, checkpoints: Iterable[Path]) -> None:
    """Save the trained model (a LoRA adapter merged in) as ``out_dir/model``, padded left for generation, and
    delete the resume ``checkpoints`` it no longer needs."""
    tokenizer.padding_side = "left"
    save(merged_model(trainer.model), tokenizer, out_dir / "model")
    for ckpt in checkpoints:
        shutil.rmtree(ckpt, ignore_errors=True)
