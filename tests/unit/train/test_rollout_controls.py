"""GRPO arms with a rollout control (prefilled opener, target-script logit bias) and with a difficulty filter,
through run_grpo on the micro lab's tiny model (real TRL, real transformers generation)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from transformers import GenerationConfig

from pipeline.evaluate.controls import Control, logit_bias, rollout_generation_kwargs, script_token_ids
from pipeline.measure.composition import cot_compositions
from pipeline.runinfo import RunInfo
from pipeline.train.grpo import grpo_rows, run_grpo, select_difficulty
from pipeline.train.models import load_tokenizer
from support import PROMPT

OPENER = "먼저 단계별로 풀어 보겠습니다."


def _run(lab, sft_dir, micro, arm: str, tmp_path, **over):
    info = RunInfo(f"ko/seed0/grpo_{arm}", "grpo", "ko", 0, {}, arm=arm, parent_run_id="ko/seed0/sft")
    cfg = {**micro.grpo("acc"), "steps": 1, "print_completions": 0, **over}
    run_grpo(str(sft_dir / "model"), lab / "ko_train.jsonl", tmp_path / arm, info, cfg, micro.reward("acc"), PROMPT)
    return pd.read_parquet(tmp_path / arm / "rollouts.parquet"), json.loads((tmp_path / arm / "run.json").read_text())


def test_script_bias_steers_every_rollout_into_the_target_script(lab, sft_dir, micro, tmp_path):
    plain, _ = _run(lab, sft_dir, micro, "acc", tmp_path)
    biased, run = _run(lab, sft_dir, micro, "acc_bias", tmp_path,
                       rollout_control={"prefill": False, "script_bias": 30.0, "latin_penalty": 0.0})
    tok = load_tokenizer(str(sft_dir / "model"))
    target, _ = script_token_ids(tok, "ko")
    assert run["rollout_control"] == {"control": "rollout", "prefill": None, "script_bias": 30.0,
                                      "latin_penalty": 0.0, "biased_tokens": len(target)}
    share = [c.target_share for c in cot_compositions(biased["completion"].tolist(), "ko")]
    base = [c.target_share for c in cot_compositions(plain["completion"].tolist(), "ko")]
    assert min(share) > 0.99 and sum(share) / len(share) > sum(base) / len(base)


def test_prefill_starts_every_rollout_after_the_opener(lab, sft_dir, micro, tmp_path):
    roll, run = _run(lab, sft_dir, micro, "acc_prefill", tmp_path, openers={"ko": OPENER},
                     rollout_control={"prefill": True, "script_bias": 0.0, "latin_penalty": 0.0})
    assert run["rollout_control"]["prefill"] == OPENER and run["rollout_control"]["biased_tokens"] == 0
    assert roll["prompt"].str.endswith(OPENER).all()
    assert not roll["completion"].str.startswith(OPENER).any()  # the opener is the prompt's, not scored


def test_prefill_without_an_opener_names_the_language(lab, sft_dir, micro, tmp_path):
    with pytest.raises(ValueError, match="prefill needs an opener for 'ko' in eval.openers"):
        _run(lab, sft_dir, micro, "acc_prefill", tmp_path, rollout_control={"prefill": True})


def test_chat_prompts_are_rendered_before_the_opener(sft_dir):
    tok = load_tokenizer(str(sft_dir / "model"))
    tok.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}"
                         "{% if add_generation_prompt %}<assistant>{% endif %}")
    chat = {"style": "chat", "template": "{question}", "system": None}
    rows = grpo_rows([{"question": "Q?", "answer": "1", "id": "a"}], "ko", chat, OPENER, tok)
    assert rows[0]["prompt"] == f"<user>Q?<assistant>{OPENER}"
    assert grpo_rows([{"question": "Q?", "answer": "1", "id": "a"}], "ko", chat)[0]["prompt"] == [
        {"role": "user", "content": "Q?"}]


def test_transformers_applies_the_sequence_bias_trl_passes(sft_dir):
    """TRL 1.16 builds GenerationConfig(**generation_kwargs): the list form of sequence_bias must bias
    generation the way the eval engine's LogitsProcessor does."""
    import torch
    from transformers import AutoModelForCausalLM

    tok = load_tokenizer(str(sft_dir / "model"), padding_side="left")
    model = AutoModelForCausalLM.from_pretrained(str(sft_dir / "model"))
    bias = logit_bias(tok, "ko", Control("b", None, 40.0))
    gen = GenerationConfig(max_new_tokens=12, do_sample=True, pad_token_id=tok.pad_token_id,
                           **rollout_generation_kwargs(bias, use_vllm=False))
    ids = tok(["철수는 사과 3개를 가지고 있습니다.\n"], return_tensors="pt")
    torch.manual_seed(0)
    out = model.generate(**ids, generation_config=gen)[0, ids["input_ids"].shape[1]:].tolist()
    assert set(out) <= set(bias) | {tok.eos_token_id, tok.pad_token_id} and set(out) & set(bias)


def test_select_difficulty_keeps_the_steps_asked_for(lab):
    from pipeline.jsonl import read_jsonl

    records = read_jsonl(lab / "ko_train.jsonl")  # the micro world: every item has 2 steps
    assert select_difficulty(records, [2], "t.jsonl") == records and select_difficulty(records, None, "t") == records
    with pytest.raises(ValueError, match=r"t.jsonl: no record has difficulty \[1\] \(the split has \[2\]\)"):
        select_difficulty(records, [1], "t.jsonl")
    with pytest.raises(ValueError, match="1 records have no 'difficulty' field"):
        select_difficulty([{"id": "x"}], [1], "t.jsonl")
