"""Evaluation engines: the decoding applied is the decoding asked for (never the checkpoint's generation_config),
on the resolved device; the vLLM engine at its boundary (a recording double of the ``vllm`` module)."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import (
    AutoTokenizer,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from doubles import vllm as vllm_double
from pipeline.devices import Placement
from pipeline.evaluate import engines
from pipeline.evaluate.engines import Decoding, HFEngine, VLLMEngine, decodings, engine_name, make_engine
from pipeline.evaluate.run import run_evaluation
from pipeline.jsonl import write_jsonl
from pipeline.requirements import MissingDependencyError
from pipeline.runinfo import RunInfo

CPU = Placement("cpu", "float32", 0)
CHAT = {"style": "chat", "template": "{question}", "system": "Reason in {language} only."}


def dec(temperature: float | None, **over) -> Decoding:
    base = {"top_p": 1.0, "top_k": 0, "repetition_penalty": 1.0, "max_new_tokens": 6, "seed": 0}
    return Decoding("greedy" if temperature is None else "sampled", temperature, 1 if temperature is None else 2,
                    **{**base, **over})


def processors_used(engine: HFEngine, decoding: Decoding) -> list:
    """The logits processors transformers builds while ``engine`` generates with ``decoding``."""
    seen: list = []
    original = engine.model._get_logits_processor

    def recording(*args, **kwargs):
        out = original(*args, **kwargs)
        seen.extend(out)
        return out

    engine.model._get_logits_processor = recording
    engine.generate(["질문 1"], decoding)
    return seen


def kinds(processors: list) -> set[type]:
    return {type(p) for p in processors}


def test_checkpoint_generation_config_is_applied_by_plain_generate(chat_model):
    """The trap the engine avoids: generate() with explicit sampling args still takes repetition_penalty 1.1."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(chat_model)
    seen = []
    original = model._get_logits_processor
    model._get_logits_processor = lambda *a, **k: seen.extend(out := original(*a, **k)) or out
    tok = AutoTokenizer.from_pretrained(chat_model)
    model.generate(**tok(["질문"], return_tensors="pt"), do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
                   max_new_tokens=2, pad_token_id=tok.pad_token_id)
    assert RepetitionPenaltyLogitsProcessor in kinds(seen)


def test_hf_engine_applies_exactly_the_requested_decoding(chat_model):
    tok = AutoTokenizer.from_pretrained(chat_model)
    engine = HFEngine(str(chat_model), tok, CPU, batch_size=4)
    assert kinds(processors_used(engine, dec(None))) & {RepetitionPenaltyLogitsProcessor, TopKLogitsWarper,
                                                       TopPLogitsWarper, TemperatureLogitsWarper} == set()
    sampled = processors_used(engine, dec(0.7))
    assert kinds(sampled) == {TemperatureLogitsWarper}
    assert next(p for p in sampled if isinstance(p, TemperatureLogitsWarper)).temperature == 0.7
    controlled = processors_used(engine, dec(1.0, top_k=5, top_p=0.9, repetition_penalty=1.3))
    assert {TopKLogitsWarper, TopPLogitsWarper, RepetitionPenaltyLogitsProcessor} <= kinds(controlled)
    assert next(p for p in controlled if isinstance(p, TopKLogitsWarper)).top_k == 5
    assert next(p for p in controlled if isinstance(p, RepetitionPenaltyLogitsProcessor)).penalty == 1.3
    applied = engine.applied(dec(0.7))
    assert applied | {"engine": "hf"} == applied
    assert (applied["do_sample"], applied["temperature"], applied["top_k"], applied["top_p"],
            applied["repetition_penalty"]) == (True, 0.7, 0, 1.0, 1.0)
    assert engine.applied(dec(None))["do_sample"] is False


def test_hf_engine_puts_model_and_inputs_on_the_resolved_device(chat_model, monkeypatch):
    tok = AutoTokenizer.from_pretrained(chat_model)
    engine = HFEngine(str(chat_model), tok, Placement("cpu", "bfloat16", 0), batch_size=4)
    assert engine.model.device.type == "cpu" and engine.model.dtype == torch.bfloat16
    devices = []
    original = engine.model.generate
    monkeypatch.setattr(engine.model, "generate", lambda **kw: devices.append(
        {k: v.device.type for k, v in kw.items() if torch.is_tensor(v)}) or original(**kw))
    out = engine.generate([[{"role": "user", "content": "질문 2"}]] * 3, dec(1.0))
    assert len(out) == 3 and all(len(texts) == 2 for texts in out)
    assert devices and all(set(d.values()) == {"cpu"} for d in devices)


def test_engine_resolution(monkeypatch):
    monkeypatch.setattr(engines, "importable", lambda package: False)  # a node without vLLM
    assert engine_name("hf", Placement("cuda", "bfloat16", 1)) == "hf"
    assert engine_name("auto", Placement("cuda", "bfloat16", 1)) == "hf"
    with pytest.raises(MissingDependencyError, match="eval.engine is vllm but vLLM is not installed"):
        engine_name("vllm", Placement("cuda", "bfloat16", 1))
    with pytest.raises(ValueError, match="engine must be one of"):
        engine_name("sglang", CPU)


def test_engines_share_decodings_from_the_eval_section():
    cfg = {"greedy": True, "temperatures": [0.7, 1.0], "samples": 4, "top_p": 0.95, "top_k": 0,
           "repetition_penalty": 1.0, "max_new_tokens": 64}
    got = decodings(cfg, seed=3)
    assert [(d.decoding, d.temperature, d.n, d.top_p, d.seed) for d in got] == [
        ("greedy", None, 1, 0.95, 3), ("sampled", 0.7, 4, 0.95, 3), ("sampled", 1.0, 4, 0.95, 3)]


def test_vllm_engine_at_its_boundary(chat_model, monkeypatch):
    calls = vllm_double.install(monkeypatch)
    tok = AutoTokenizer.from_pretrained(chat_model)
    placement = Placement("cuda", "bfloat16", 2)
    assert engine_name("auto", placement) == "vllm"
    cfg = {"engine": "auto", "batch_size": 8, "tensor_parallel_size": None, "gpu_memory_utilization": 0.8,
           "max_model_len": 4096}
    engine = make_engine(cfg, str(chat_model), tok, placement, seed=7)
    assert isinstance(engine, VLLMEngine)
    prompt = [{"role": "system", "content": "Reason in Korean."}, {"role": "user", "content": "질문 3"}]
    out = engine.generate([prompt, "plain 1"], dec(0.7, top_p=0.9, max_new_tokens=32))
    assert out == [["answer 0.0", "answer 0.1"], ["answer 1.0", "answer 1.1"]]
    init, gen = calls
    assert init == {**init, "model": str(chat_model), "dtype": "bfloat16", "seed": 7, "tensor_parallel_size": 2,
                    "gpu_memory_utilization": 0.8, "max_model_len": 4096, "generation_config": "vllm"}
    assert gen["sampling_params"] == {**gen["sampling_params"], "n": 2, "temperature": 0.7, "top_p": 0.9, "top_k": 0,
                                      "repetition_penalty": 1.0, "max_tokens": 32, "seed": 0}
    templated = tok.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
    assert tok.decode(gen["prompt_token_ids"][0]) == templated and "Reason in Korean." in templated
    assert gen["prompt_token_ids"][1] == tok("plain 1", add_special_tokens=False)["input_ids"]
    engine.generate(["x"], dec(None))
    assert calls[-1]["sampling_params"] | {"temperature": 0.0, "n": 1, "top_k": 0} == calls[-1]["sampling_params"]


def test_evaluation_records_device_engine_and_applied_settings(chat_model, tmp_path, monkeypatch):
    calls = vllm_double.install(monkeypatch)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    write_jsonl(tmp_path / "test.jsonl", [{"id": f"q{i}", "question": f"질문 {i}", "answer": str(i)} for i in range(3)])
    cfg = {"split": "test", "n_items": 3, "greedy": True, "temperatures": [1.0], "samples": 2, "max_new_tokens": 8,
           "batch_size": 2, "last_number_fallback": False, "dtype": "bfloat16", "use_cpu": False, "engine": "auto",
           "top_p": 1.0, "top_k": 0, "repetition_penalty": 1.0, "tensor_parallel_size": None,
           "gpu_memory_utilization": 0.9, "max_model_len": None}
    info = RunInfo("ko/seed0/sft/eval/test", "eval", "ko", 0, {}, extra={"checkpoint_stage": "sft"})
    run_evaluation(str(chat_model), tmp_path / "test.jsonl", tmp_path / "e.parquet", tmp_path / "e.json", info,
                   "ko/seed0/sft", cfg, CHAT)
    meta = json.loads((tmp_path / "e.json").read_text())
    assert (meta["device"], meta["dtype"], meta["n_accelerators"], meta["engine"]) == ("cuda", "bfloat16", 4, "vllm")
    by_decoding = {s["decoding"]: s["generation"] for s in meta["summary"]}
    assert by_decoding["greedy"]["temperature"] == 0.0 and by_decoding["sampled"]["temperature"] == 1.0
    assert by_decoding["sampled"]["n"] == 2 and by_decoding["sampled"]["tensor_parallel_size"] == 4
    assert [c["sampling_params"]["temperature"] for c in calls if c["call"] == "generate"] == [0.0, 1.0]
    cpu = {**cfg, "use_cpu": True}
    info = RunInfo("ko/seed0/sft/eval/test", "eval", "ko", 0, {}, extra={"checkpoint_stage": "sft"})
    run_evaluation(str(chat_model), tmp_path / "test.jsonl", tmp_path / "c.parquet", tmp_path / "c.json", info,
                   "ko/seed0/sft", cpu, CHAT)
    meta = json.loads((tmp_path / "c.json").read_text())
    assert (meta["device"], meta["engine"], meta["n_accelerators"]) == ("cpu", "hf", 4)
    assert {s["decoding"]: s["generation"]["repetition_penalty"] for s in meta["summary"]} == {"greedy": 1.0,
                                                                                             "sampled": 1.0}
