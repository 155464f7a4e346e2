"""Models on disk, in one place: loading (pipeline directory, local path or hub id), saving, merging LoRA."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_tokenizer(name_or_path: str | Path, padding_side: str = "left") -> Any:
    """Tokenizer with a pad token (EOS if none) and the requested padding side."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(name_or_path))
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.padding_side = padding_side
    return tok


def load_model(name_or_path: str | Path, dtype: str = "float32") -> Any:
    """A causal LM in ``dtype`` (``float32``, ``bfloat16``, ``float16``); raises naming the path if missing."""
    import torch
    from transformers import AutoModelForCausalLM

    path = Path(str(name_or_path))
    if str(name_or_path).startswith((".", "/", "results")) and not path.exists():
        raise FileNotFoundError(f"model directory {path} does not exist; run the stage that writes it first")
    return AutoModelForCausalLM.from_pretrained(str(name_or_path), dtype=getattr(torch, dtype))


def set_threads(threads: int | None) -> None:
    """Limit torch's intra-op threads to what Snakemake gave the job."""
    if threads:
        import torch

        torch.set_num_threads(int(threads))


def save(model: Any, tokenizer: Any, out_dir: str | Path) -> None:
    """Save model, generation config and tokenizer together in Hugging Face format (what every stage loads).

    The generation config saved is neutral (special tokens only): a hub model's sampling defaults (Qwen2.5's
    ``repetition_penalty`` 1.1, ``top_k`` 20, ...) are not carried into the pipeline's checkpoints; every
    stage that generates sets its decoding explicitly (:mod:`pipeline.evaluate.engines`, GRPO's config).
    """
    from transformers import GenerationConfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id,
                                               bos_token_id=getattr(tokenizer, "bos_token_id", None))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def merged_model(model: Any) -> Any:
    """The trained model with a LoRA adapter merged in (plain models are returned unchanged)."""
    merge = getattr(model, "merge_and_unload", None)
    return merge() if callable(merge) else model
