"""A stand-in for the ``vllm`` package at its offline-inference boundary (``LLM``, ``SamplingParams``).

vLLM needs a CUDA torch and a GPU, which this machine has not. The double mirrors the API the pipeline uses
(vLLM 0.31: ``LLM(model=..., tokenizer=..., dtype=..., seed=..., tensor_parallel_size=...,
gpu_memory_utilization=..., max_model_len=..., generation_config=...)``, ``LLM.generate(prompts,
sampling_params, use_tqdm=...)`` with ``{"prompt_token_ids": [...]}`` prompts, ``SamplingParams`` keyword
fields with vLLM's defaults, ``RequestOutput.outputs[i].text``) and records every call in :data:`CALLS`.
Unknown keyword arguments raise ``TypeError`` as the real classes do.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from dataclasses import dataclass, field, fields
from typing import Any

CALLS: list[dict[str, Any]] = []

LLM_ARGS = {"model": None, "tokenizer": None, "dtype": "auto", "seed": 0, "tensor_parallel_size": 1,
            "gpu_memory_utilization": 0.9, "max_model_len": None, "generation_config": "auto",
            "trust_remote_code": False, "enforce_eager": False}


@dataclass
class SamplingParams:
    """vLLM's sampling parameters (the fields the pipeline may set, with vLLM's defaults)."""

    n: int = 1
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    min_p: float = 0.0
    repetition_penalty: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    max_tokens: int | None = 16
    seed: int | None = None
    skip_special_tokens: bool = True
    logit_bias: dict[int, float] | None = None  # token id -> additive bias (vLLM's field)
    stop: list[str] | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        """Every field and its value."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class CompletionOutput:
    index: int
    text: str
    token_ids: list[int]


@dataclass
class RequestOutput:
    request_id: str
    prompt_token_ids: list[int]
    outputs: list[CompletionOutput]


class LLM:
    """Records its construction and every ``generate``; completion i of prompt p is ``"answer {p}.{i}"``."""

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(LLM_ARGS))
        if unknown:
            raise TypeError(f"LLM() got unexpected keyword arguments {unknown}")
        if kwargs.get("model") is None:
            raise TypeError("LLM() missing required argument 'model'")
        self.args = {**LLM_ARGS, **kwargs}
        CALLS.append({"call": "LLM", **self.args})

    def generate(self, prompts: list[dict[str, list[int]]], sampling_params: SamplingParams | None = None,
                 use_tqdm: bool = True) -> list[RequestOutput]:
        params = sampling_params or SamplingParams()
        if not all(isinstance(p, dict) and "prompt_token_ids" in p for p in prompts):
            raise TypeError("the double accepts token-id prompts only ({'prompt_token_ids': [...]})")
        CALLS.append({"call": "generate", "prompt_token_ids": [list(p["prompt_token_ids"]) for p in prompts],
                      "sampling_params": params.as_dict()})
        return [RequestOutput(str(p), list(req["prompt_token_ids"]),
                              [CompletionOutput(i, f"answer {p}.{i}", []) for i in range(params.n)])
                for p, req in enumerate(prompts)]


def module() -> types.ModuleType:
    """A ``vllm`` module object (with a spec, so ``importlib.util.find_spec("vllm")`` finds it in sys.modules)."""
    mod = types.ModuleType("vllm")
    mod.__spec__ = importlib.machinery.ModuleSpec("vllm", loader=None)
    mod.LLM = LLM
    mod.SamplingParams = SamplingParams
    return mod


def install(monkeypatch: Any) -> list[dict[str, Any]]:
    """Put the double in ``sys.modules["vllm"]`` for one test; returns the (emptied) call record."""
    CALLS.clear()
    monkeypatch.setitem(sys.modules, "vllm", module())
    return CALLS
