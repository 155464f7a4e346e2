"""Decoding-time language controls (pipeline.evaluate.controls) on a real tiny model: the script-bias logits
processor, the prefilled opener, both engines (vLLM at its boundary), and their eval rows and records."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from transformers import AutoTokenizer

from doubles import vllm as vllm_double
from pipeline.devices import Placement
from pipeline.evaluate.controls import Control, controls, logit_bias, script_token_ids
from pipeline.evaluate.engines import Decoding, HFEngine, VLLMEngine, prompt_ids
from pipeline.evaluate.run import run_evaluation
from pipeline.jsonl import write_jsonl
from pipeline.measure.composition import composition
from pipeline.runinfo import RunInfo

CPU = Placement("cpu", "float32", 0)
GREEDY = Decoding("greedy", None, 1, 1.0, 0, 1.0, 8, 0)
OPENER = "질문 답"


def is_hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3 or 0x1100 <= ord(ch) <= 0x11FF or 0x3130 <= ord(ch) <= 0x318F


def test_script_tokens_are_the_tokens_with_target_script_text(chat_model):
    tok = AutoTokenizer.from_pretrained(chat_model)
    target, latin = script_token_ids(tok, "ko")
    assert target and latin and not set(target) & set(latin)
    assert all(any(is_hangul(c) for c in tok.decode([t])) for t in target)
    assert all(any(c.isascii() and c.isalpha() for c in tok.decode([t])) for t in latin)
    assert not set(target + latin) & set(tok.all_special_ids)
    rest = set(range(len(tok))) - set(target) - set(latin) - set(tok.all_special_ids)
    assert not any(any(is_hangul(c) for c in tok.decode([t])) for t in rest)
    bias = logit_bias(tok, "ko", Control("b", script_bias=2.0, latin_penalty=1.0))
    assert {bias[t] for t in target} == {2.0} and {bias[t] for t in latin} == {-1.0}
    assert not set(bias) & set(tok.all_special_ids)
    assert logit_bias(tok, "ko", Control("none")) == {}


def test_a_strong_script_bias_makes_greedy_output_all_target_script(chat_model):
    tok = AutoTokenizer.from_pretrained(chat_model)
    engine = HFEngine(str(chat_model), tok, CPU, batch_size=4)
    prompts = ["question 1", "question 2"]
    plain = engine.generate(prompts, GREEDY)
    bias = logit_bias(tok, "ko", Control("b", script_bias=100.0))
    biased = engine.generate(prompts, GREEDY, bias=bias)
    assert biased != plain
    for [text] in biased:
        letters = [c for c in text if c.isalpha()]
        assert letters and all(is_hangul(c) for c in letters), text
        assert composition(text, "ko").target_share == 1.0
    small = engine.generate(prompts, GREEDY, bias=logit_bias(tok, "ko", Control("b", script_bias=1e-6)))
    assert small == plain  # a negligible bias changes nothing: the processor only adds


def test_prefill_continues_after_the_opener_in_both_prompt_styles(chat_model):
    tok = AutoTokenizer.from_pretrained(chat_model)
    chat = [{"role": "user", "content": "질문 3"}]
    templated = tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
    ids = prompt_ids(tok, [chat, "plain 3"], prefill=OPENER)
    assert ids[0] == tok(templated + OPENER, add_special_tokens=False)["input_ids"]
    assert ids[1] == tok("plain 3" + OPENER, add_special_tokens=False)["input_ids"]
    engine = HFEngine(str(chat_model), tok, CPU, batch_size=4)
    assert engine.generate([chat], GREEDY, prefill=OPENER) == engine.generate(
        [templated + OPENER], GREEDY)  # the same as writing the opener into the prompt by hand


def test_vllm_engine_gets_the_opener_and_the_bias_as_sampling_params(chat_model, monkeypatch):
    calls = vllm_double.install(monkeypatch)
    tok = AutoTokenizer.from_pretrained(chat_model)
    engine = VLLMEngine(str(chat_model), tok, Placement("cuda", "bfloat16", 1), seed=0)
    bias = logit_bias(tok, "ko", Control("b", script_bias=3.0))
    engine.generate(["plain 1"], GREEDY, prefill=OPENER, bias=bias)
    gen = calls[-1]
    assert gen["sampling_params"]["logit_bias"] == bias and len(bias) > 0
    assert gen["prompt_token_ids"][0] == tok("plain 1" + OPENER, add_special_tokens=False)["input_ids"]
    engine.generate(["plain 1"], GREEDY)
    assert calls[-1]["sampling_params"]["logit_bias"] is None


def test_controls_are_their_own_decodings_in_eval_files(chat_model, tmp_path):
    write_jsonl(tmp_path / "test.jsonl", [{"id": f"q{i}", "question": f"질문 {i}", "answer": str(i)} for i in range(3)])
    cfg = {"split": "test", "n_items": 3, "greedy": True, "temperatures": [1.0], "samples": 2, "max_new_tokens": 6,
           "batch_size": 4, "last_number_fallback": False, "dtype": "float32", "use_cpu": True, "engine": "hf",
           "top_p": 1.0, "top_k": 0, "repetition_penalty": 1.0, "tensor_parallel_size": None,
           "gpu_memory_utilization": 0.9, "max_model_len": None,
           "controls": {"prefill": {"prefill": True}, "hangul": {"script_bias": 100.0}}, "openers": {"ko": OPENER}}
    info = RunInfo("ko/seed0/sft/eval/test", "eval", "ko", 0, {}, extra={"checkpoint_stage": "sft"})
    run_evaluation(str(chat_model), tmp_path / "test.jsonl", tmp_path / "e.parquet", tmp_path / "e.json", info,
                   "ko/seed0/sft", cfg, {"style": "plain", "template": "{question}\n", "system": None})
    summary = {s["decoding"]: s for s in json.loads((tmp_path / "e.json").read_text())["summary"]}
    assert set(summary) == {"greedy", "sampled", "greedy+prefill", "sampled+prefill", "greedy+hangul",
                            "sampled+hangul"}
    assert summary["greedy+prefill"]["generation"]["prefill"] == OPENER
    assert summary["greedy+hangul"]["generation"]["script_bias"] == 100.0
    assert summary["greedy+hangul"]["generation"]["biased_tokens"] > 0
    assert "control" not in summary["greedy"]["generation"]  # no control: exactly what the engine applied
    assert summary["greedy+hangul"]["target_wr"] == pytest.approx(1.0)
    rows = pd.read_parquet(tmp_path / "e.parquet")
    assert rows.groupby("decoding").size().to_dict() == {"greedy": 3, "greedy+hangul": 3, "greedy+prefill": 3,
                                                          "sampled": 6, "sampled+hangul": 6, "sampled+prefill": 6}


def test_a_prefill_without_an_opener_for_the_language_is_an_error():
    with pytest.raises(ValueError, match="eval.controls.p: prefill needs an opener for 'th'"):
        controls({"controls": {"p": {"prefill": True}}, "openers": {"ko": "먼저"}}, "th")
