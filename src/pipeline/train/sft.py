"""Stage ``sft``: supervised fine-tuning on target-language reasoning with TRL's ``SFTTrainer``.

Used twice: as the warm-start before GRPO and as the recovery fine-tune after it. Loss is on the
completion (reasoning + final-answer line) only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.jsonl import read_jsonl
from pipeline.prompts import build_prompt, build_target
from pipeline.runinfo import RunInfo, track_run
from pipeline.train.common import common_args, fit, last_checkpoint, lora_config, nan_guard_callback, save_trained
from pipeline.train.models import load_model, load_tokenizer, set_threads


def sft_rows(records: list[dict[str, Any]], lang: str, prompt_cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Prompt-completion rows (plain strings, or chat messages for ``prompt_style: chat``)."""
    style = prompt_cfg["style"]
    rows = []
    for rec in records:
        prompt = build_prompt(rec["question"], lang, style, prompt_cfg["template"], prompt_cfg.get("system"))
        target = build_target(rec["solution"], rec["answer"], lang)
        completion = target if style == "plain" else [{"role": "assistant", "content": target}]
        rows.append({"prompt": prompt, "completion": completion})
    return rows


def sft_args(cfg: dict[str, Any], seed: int, output_dir: Path) -> dict[str, Any]:
    """Every ``SFTConfig`` field the SFT and recovery jobs set, from their trainer section (what the
    effective-settings audit checks against the config files)."""
    return {**common_args(cfg, seed, output_dir), "max_length": cfg["max_length"], "packing": False,
            "completion_only_loss": True, "dataset_num_proc": None}


def run_sft(model_path: str, train_path: str | Path, out_dir: str | Path, info: RunInfo,
            cfg: dict[str, Any], prompt_cfg: dict[str, Any], threads: int | None = None) -> dict[str, Any]:
    """Fine-tune ``model_path`` on ``train_path`` records; write ``model/``, ``train_log.jsonl``, ``run.json``."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    set_threads(threads)
    out_dir = Path(out_dir)
    records = read_jsonl(train_path)
    if cfg.get("n_train"):
        records = records[: cfg["n_train"]]
    if not records:
        raise ValueError(f"{train_path}: no training records")
    info.params = {**cfg, "prompt": prompt_cfg, "model_path": str(model_path), "train_path": str(train_path)}
    with track_run(info, out_dir / "run.json"):
        tokenizer = load_tokenizer(model_path, padding_side="right")
        model = load_model(model_path, cfg["dtype"])
        args = SFTConfig(**sft_args(cfg, info.seed, out_dir / "checkpoints"))
        trainer = SFTTrainer(model=model, args=args, processing_class=tokenizer,
                             train_dataset=Dataset.from_list(sft_rows(records, info.lang, prompt_cfg)),
                             callbacks=[nan_guard_callback()], peft_config=lora_config(cfg))
        if len(trainer.train_dataset) == 0:
            raise ValueError(f"{train_path}: all {len(records)} SFT examples were dropped by the trainer (the "
                             f"completion is cut off entirely at max_length {cfg['max_length']} tokens); raise "
                             "max_length or shorten the prompt (system prompt, template)")
        info.extra["n_train_kept"] = len(trainer.train_dataset)
        fit(trainer, last_checkpoint(out_dir / "checkpoints"), info, out_dir)
        info.extra["n_train"] = len(records)
        save_trained(trainer, tokenizer, out_dir, [out_dir / "checkpoints"])
    return info.extra
