"""Evaluation engines: Hugging Face ``generate`` and vLLM's offline ``LLM.generate``, with the same decodings.

Every setting that shapes decoding is passed explicitly (:class:`Decoding`); nothing is inherited from a
checkpoint's ``generation_config.json`` (Qwen2.5-Instruct ships ``repetition_penalty`` 1.1, ``top_k`` 20,
``top_p`` 0.8, which transformers and vLLM would otherwise apply to every unset field). Each engine reports
the settings it actually applied (:meth:`HFEngine.applied`, :meth:`VLLMEngine.applied`), and the evaluate
stage records them with the run. Both engines see the same prompt token ids (the tokenizer's chat template
applied here, no special tokens added again).

``eval.engine: auto`` takes vLLM when it is importable and the job runs on a CUDA device, HF otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from pipeline.devices import Placement
from pipeline.requirements import MissingDependencyError, importable, message

ENGINES = ("auto", "hf", "vllm")


@dataclass(frozen=True)
class Decoding:
    """One decoding setting of an evaluation: greedy (``temperature`` None) or sampling ``n`` per prompt.

    ``top_p`` / ``top_k`` apply to sampling only (``top_k`` 0 = off); ``repetition_penalty`` to both.
    """

    decoding: str
    temperature: float | None
    n: int
    top_p: float
    top_k: int
    repetition_penalty: float
    max_new_tokens: int
    seed: int

    @property
    def sampling(self) -> bool:
        """True for sampled decodings."""
        return self.temperature is not None


def decodings(cfg: dict[str, Any], seed: int) -> list[Decoding]:
    """The decodings an eval section asks for: greedy (optional), then one per sampling temperature.

    >>> cfg = {"greedy": True, "temperatures": [1.0], "samples": 4, "top_p": 1.0, "top_k": 0,
    ...        "repetition_penalty": 1.0, "max_new_tokens": 32}
    >>> [(d.decoding, d.temperature, d.n) for d in decodings(cfg, seed=0)]
    [('greedy', None, 1), ('sampled', 1.0, 4)]
    """
    shared = {"top_p": float(cfg["top_p"]), "top_k": int(cfg["top_k"]),
              "repetition_penalty": float(cfg["repetition_penalty"]),
              "max_new_tokens": int(cfg["max_new_tokens"]), "seed": int(seed)}
    out = [Decoding("greedy", None, 1, **shared)] if cfg["greedy"] else []
    out += [Decoding("sampled", float(t), int(cfg["samples"]), **shared) for t in cfg["temperatures"]]
    if not out:
        raise ValueError("eval: nothing to evaluate; set eval.greedy or eval.temperatures")
    return out


def engine_name(requested: str, placement: Placement) -> str:
    """The engine an evaluate job uses: ``auto`` -> vLLM on a CUDA device when installed, else HF.

    >>> engine_name("auto", Placement("cpu", "float32", 0))
    'hf'
    """
    if requested not in ENGINES:
        raise ValueError(f"eval.engine must be one of {ENGINES}, got {requested!r}")
    if requested == "auto":
        return "vllm" if placement.device == "cuda" and importable("vllm") else "hf"
    if requested == "vllm":
        if not importable("vllm"):
            raise MissingDependencyError(message("vllm_eval", "eval.engine"))
        if placement.device != "cuda":
            raise ValueError(f"eval.engine vllm needs a CUDA device, but this job resolved to {placement.device!r} "
                             "(eval.use_cpu, or no GPU visible); use eval.engine: auto / hf")
    return requested


def prompt_ids(tokenizer: Any, prompts: Sequence[str | list[dict[str, str]]],
               prefill: str | None = None) -> list[list[int]]:
    """Token ids of each prompt: chat prompts through the tokenizer's chat template, no special tokens added;
    ``prefill`` (a decoding-time control, :mod:`pipeline.evaluate.controls`) appended after the generation
    prompt, so the completion continues it."""
    texts = [p if isinstance(p, str) else tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True)
             for p in prompts]
    if prefill:
        texts = [t + prefill for t in texts]
    return [list(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]


# -- Hugging Face transformers -----------------------------------------------------------------------------------
def generation_config(dec: Decoding, tokenizer: Any) -> Any:
    """A ``GenerationConfig`` with every decoding field of ``dec`` explicit (greedy: no sampling warpers)."""
    from transformers import GenerationConfig

    sampling = {"do_sample": True, "temperature": dec.temperature, "top_p": dec.top_p, "top_k": dec.top_k,
                "num_return_sequences": dec.n}
    greedy = {"do_sample": False, "num_return_sequences": 1}  # sampling fields unset: greedy has no warpers
    return GenerationConfig(
        **(sampling if dec.sampling else greedy), repetition_penalty=dec.repetition_penalty,
        no_repeat_ngram_size=0, max_new_tokens=dec.max_new_tokens, num_beams=1,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        bos_token_id=getattr(tokenizer, "bos_token_id", None),
    )


class HFEngine:
    """Batched ``model.generate`` on the resolved device (model and inputs both moved there)."""

    name = "hf"

    def __init__(self, model_path: str, tokenizer: Any, placement: Placement, batch_size: int) -> None:
        from transformers import GenerationConfig

        from pipeline.train.models import load_model

        self.tokenizer = tokenizer
        self.placement = placement
        self.batch_size = batch_size
        self.model = load_model(model_path, placement.dtype).to(placement.device)
        self.model.eval()
        # Nothing may be inherited from the checkpoint's generation_config.json: replace it with a neutral one.
        self.model.generation_config = GenerationConfig(pad_token_id=tokenizer.pad_token_id,
                                                        eos_token_id=tokenizer.eos_token_id)

    def applied(self, dec: Decoding) -> dict[str, Any]:
        """The decoding fields transformers will actually use for ``dec`` (after its own defaults merging);
        sampling-only fields are None for greedy decoding, where transformers applies no warper."""
        config, _ = self.model._prepare_generation_config(generation_config(dec, self.tokenizer))
        sampling = ("temperature", "top_p", "top_k", "min_p", "typical_p")
        fields = ("do_sample", *sampling, "repetition_penalty", "no_repeat_ngram_size", "num_return_sequences",
                  "max_new_tokens", "num_beams")
        applied = {f: getattr(config, f) for f in fields}
        if not config.do_sample:
            applied.update(dict.fromkeys(sampling))
        return {"engine": self.name, **applied, "seed": dec.seed}

    def generate(self, prompts: Sequence[str | list[dict[str, str]]], dec: Decoding, desc: str = "generate",
                 prefill: str | None = None, bias: dict[int, float] | None = None) -> list[list[str]]:
        """``dec.n`` completions per prompt (the RNG seeded with ``dec.seed`` first); ``prefill`` and ``bias``
        (token id -> logit bias): the decoding-time controls of :mod:`pipeline.evaluate.controls`."""
        import torch
        from transformers import LogitsProcessorList

        from pipeline.evaluate.controls import script_bias_processor

        torch.manual_seed(dec.seed)
        ids = prompt_ids(self.tokenizer, prompts, prefill)
        config = generation_config(dec, self.tokenizer)
        extra = {"logits_processor": LogitsProcessorList([script_bias_processor(
            bias, self.model.get_output_embeddings().weight.shape[0])])} if bias else {}
        self.tokenizer.padding_side = "left"
        out: list[list[str]] = []
        for start in tqdm(range(0, len(ids), self.batch_size), desc=desc, unit="batch", mininterval=2.0):
            enc = self.tokenizer.pad({"input_ids": ids[start : start + self.batch_size]}, return_tensors="pt")
            enc = {k: v.to(self.model.device) for k, v in enc.items()}
            with torch.no_grad():
                gen = self.model.generate(**enc, generation_config=config, **extra)
            decoded = self.tokenizer.batch_decode(gen[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
            out.extend(decoded[i : i + dec.n] for i in range(0, len(decoded), dec.n))
        return out


# -- vLLM ----------------------------------------------------------------------------------------------------------
def sampling_params_kwargs(dec: Decoding) -> dict[str, Any]:
    """``vllm.SamplingParams`` fields for ``dec``: greedy is temperature 0; every field explicit.

    >>> kw = sampling_params_kwargs(Decoding("greedy", None, 1, 1.0, 0, 1.0, 64, 3))
    >>> kw["temperature"], kw["top_k"], kw["n"], kw["max_tokens"], kw["seed"]
    (0.0, 0, 1, 64, 3)
    """
    return {"n": dec.n, "temperature": dec.temperature if dec.sampling else 0.0,
            "top_p": dec.top_p if dec.sampling else 1.0, "top_k": dec.top_k if dec.sampling else 0,
            "min_p": 0.0, "repetition_penalty": dec.repetition_penalty, "presence_penalty": 0.0,
            "frequency_penalty": 0.0, "max_tokens": dec.max_new_tokens, "seed": dec.seed,
            "skip_special_tokens": True}


class VLLMEngine:
    """vLLM offline inference: one ``LLM`` over the job's GPUs (tensor parallel), prompts as token ids."""

    name = "vllm"

    def __init__(self, model_path: str, tokenizer: Any, placement: Placement, seed: int,
                 tensor_parallel_size: int | None = None, gpu_memory_utilization: float = 0.9,
                 max_model_len: int | None = None) -> None:
        from vllm import LLM

        self.tokenizer = tokenizer
        self.placement = placement
        self.tensor_parallel_size = int(tensor_parallel_size or max(1, placement.n_accelerators))
        self.llm = LLM(model=str(model_path), tokenizer=str(model_path), dtype=placement.dtype, seed=seed,
                       tensor_parallel_size=self.tensor_parallel_size,
                       gpu_memory_utilization=gpu_memory_utilization, max_model_len=max_model_len,
                       generation_config="vllm")  # vLLM's own defaults, never the checkpoint's file

    def applied(self, dec: Decoding) -> dict[str, Any]:
        """The ``SamplingParams`` fields passed for ``dec`` (and the tensor-parallel width)."""
        return {"engine": self.name, **sampling_params_kwargs(dec), "tensor_parallel_size": self.tensor_parallel_size}

    def generate(self, prompts: Sequence[str | list[dict[str, str]]], dec: Decoding, desc: str = "generate",
                 prefill: str | None = None, bias: dict[int, float] | None = None) -> list[list[str]]:
        """``dec.n`` completions per prompt in one ``LLM.generate`` call (vLLM schedules the batches); the
        controls as for :meth:`HFEngine.generate`, the bias as ``SamplingParams.logit_bias``."""
        from vllm import SamplingParams

        params = SamplingParams(**sampling_params_kwargs(dec), **({"logit_bias": dict(bias)} if bias else {}))
        requests = [{"prompt_token_ids": ids} for ids in prompt_ids(self.tokenizer, prompts, prefill)]
        outputs = self.llm.generate(requests, params, use_tqdm=True)
        return [[c.text for c in out.outputs] for out in outputs]


def make_engine(cfg: dict[str, Any], model_path: str, tokenizer: Any, placement: Placement,
                seed: int) -> HFEngine | VLLMEngine:
    """The engine ``cfg["engine"]`` resolves to on ``placement``."""
    if engine_name(cfg["engine"], placement) == "vllm":
        return VLLMEngine(model_path, tokenizer, placement, seed, cfg.get("tensor_parallel_size"),
                          cfg["gpu_memory_utilization"], cfg.get("max_model_len"))
    return HFEngine(model_path, tokenizer, placement, cfg["batch_size"])
