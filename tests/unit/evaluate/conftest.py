"""Fixtures of the evaluation tests: a tiny random chat model built offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.train import tinylm

CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
# What Qwen2.5-Instruct's generation_config.json sets: applied by transformers to every field left unset.
HUB_GENERATION = {"do_sample": True, "repetition_penalty": 1.1, "top_k": 20, "top_p": 0.8, "temperature": 0.7}

@pytest.fixture(scope="module")
def chat_model(tmp_path_factory) -> Path:
    """A tiny random Qwen2 with a ChatML chat template and a hub-like generation_config (saved by
    ``save_pretrained``, not by the pipeline, so the file is kept as the hub ships it)."""
    out = tmp_path_factory.mktemp("chat_model")
    tok = tinylm.train_tokenizer(["질문 답 1 2 3 question answer"] * 20, vocab_size=300)
    tok.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tok.chat_template = CHATML
    model = tinylm.build_model(tok, {"hidden_size": 32, "intermediate_size": 64, "num_layers": 1, "num_heads": 2,
                                     "num_kv_heads": 1, "max_positions": 256}, seed=0)
    for key, value in HUB_GENERATION.items():
        setattr(model.generation_config, key, value)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    assert json.loads((out / "generation_config.json").read_text())["repetition_penalty"] == 1.1
    return out
