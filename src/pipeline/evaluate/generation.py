"""Batched generation with Hugging Face ``generate``: greedy or true temperature sampling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tqdm import tqdm


def generate(model: Any, tokenizer: Any, prompts: Sequence[str | list[dict[str, str]]], *,
             max_new_tokens: int, temperature: float | None, num_samples: int = 1, batch_size: int = 32,
             seed: int = 0, desc: str = "generate") -> list[list[str]]:
    """Completions for every prompt: ``num_samples`` per prompt, greedy when ``temperature`` is None.

    Sampling is pure temperature sampling (``top_k=0``, ``top_p=1``); chat prompts get the chat template.
    """
    import torch

    torch.manual_seed(seed)
    texts = [p if isinstance(p, str) else tokenizer.apply_chat_template(p, tokenize=False,
                                                                        add_generation_prompt=True)
             for p in prompts]
    sampling = temperature is not None
    kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": tokenizer.pad_token_id,
                              "eos_token_id": tokenizer.eos_token_id}
    if sampling:
        kwargs.update(do_sample=True, temperature=temperature, top_k=0, top_p=1.0,
                      num_return_sequences=num_samples)
    else:
        kwargs.update(do_sample=False, num_return_sequences=1, top_k=None, top_p=None, temperature=None)
    per_prompt = num_samples if sampling else 1
    out: list[list[str]] = []
    model.eval()
    tokenizer.padding_side = "left"
    for start in tqdm(range(0, len(texts), batch_size), desc=desc, unit="batch", mininterval=2.0):
        chunk = texts[start : start + batch_size]
        enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            gen = model.generate(**enc, **kwargs)
        decoded = tokenizer.batch_decode(gen[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
        out.extend(decoded[i : i + per_prompt] for i in range(0, len(decoded), per_prompt))
    return out
