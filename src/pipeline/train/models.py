"""Loading models and tokenizers from a pipeline directory, a local path or a hub id."""

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
