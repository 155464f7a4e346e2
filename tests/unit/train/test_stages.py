"""Pretrain -> SFT -> GRPO -> evaluation on a micro world, through the stage functions the rules call."""

from __future__ import annotations

import json
import math
import random

import pandas as pd
import pytest

from pipeline.data import world
from pipeline.train.models import load_model
from pipeline.measure.composition import cot_compositions
from pipeline.evaluate.run import run_evaluation
from pipeline.train.grpo import clear_stale_completions, run_grpo
from pipeline.jsonl import read_jsonl, write_jsonl
from pipeline.train.pretrain import NonFiniteLossError, length_bucketed_batches, lr_at, run_pretrain
from pipeline.runinfo import RunInfo
from pipeline.train.sft import run_sft

PROMPT = {"style": "plain", "template": "{question}\n", "system": None}
TRAINER = {"lr_scheduler": "constant", "warmup_steps": 0, "weight_decay": 0.0, "max_grad_norm": 1.0,
           "grad_accum": 1, "gradient_checkpointing": False, "bf16": False, "use_cpu": True, "save_steps": 0,
           "dtype": "float32", "n_train": None}
PRETRAIN = {"source_split": "train", "n_docs": 300, "mix": {"en_en": 0.8, "tgt_tgt": 0.15, "tgt_en": 0.05},
            "vocab_size": 400,
            "model": {"hidden_size": 32, "intermediate_size": 64, "num_layers": 1, "num_heads": 2,
                      "num_kv_heads": 1, "max_positions": 256},
            "train": {"steps": 30, "batch_size": 8, "lr": 3e-3, "warmup_frac": 0.1, "weight_decay": 0.0,
                      "grad_clip": 1.0, "log_every": 5}}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A micro world, Korean train/test records and a pretrained base model."""
    root = tmp_path_factory.mktemp("lab")
    world.write_world(root / "source", {"train": {"n": 80}, "test": {"n": 8}}, seed=5, languages=["en", "ko"],
                      min_steps=2, max_steps=2, max_value=30)
    for split in ("train", "test"):
        items = world.generate_items(80 if split == "train" else 8, split, seed=5, min_steps=2, max_steps=2,
                                     max_value=30)
        write_jsonl(root / f"ko_{split}.jsonl", [world.to_record(it, "ko") for it in items])
    run_pretrain(root / "source" / "parallel.jsonl", root / "base", "ko", 0, PRETRAIN, "{question}\n", threads=2)
    return root


def test_pretrain_writes_model_corpus_and_a_falling_loss(lab):
    run = json.loads((lab / "base" / "run.json").read_text())
    assert run["run_id"] == "ko/seed0/base" and run["stage"] == "pretrain" and len(run["config_hash"]) == 16
    assert run["versions"]["torch"].startswith("2.13") and run["wall_seconds"] > 0
    log = read_jsonl(lab / "base" / "train_log.jsonl")
    assert [r["step"] for r in log] == [5, 10, 15, 20, 25, 30]
    assert log[-1]["loss"] < log[0]["loss"]
    kinds = {d["kind"] for d in read_jsonl(lab / "base" / "corpus.jsonl")}
    assert kinds == {"en_en", "tgt_tgt", "tgt_en"}
    assert load_model(lab / "base" / "model").config.model_type == "qwen2"


def test_pretrain_stops_on_non_finite_loss(lab, tmp_path):
    cfg = {**PRETRAIN, "train": {**PRETRAIN["train"], "lr": 1e30, "steps": 5, "warmup_frac": 0.0}}
    with pytest.raises(NonFiniteLossError, match="lower pretrain.train.lr"):
        run_pretrain(lab / "source" / "parallel.jsonl", tmp_path / "b", "ko", 0, cfg, "{question}\n")
    assert not (tmp_path / "b" / "run.json").exists()


def test_lr_schedule_warms_up_then_decays():
    assert lr_at(0, 100, 1.0, 10) == pytest.approx(0.1)
    assert lr_at(9, 100, 1.0, 10) == pytest.approx(1.0)
    assert lr_at(99, 100, 1.0, 10) < 0.2


@pytest.fixture(scope="module")
def sft_dir(lab):
    out = lab / "sft"
    info = RunInfo("ko/seed0/sft", "sft", "ko", 0, {}, parent_run_id="ko/seed0/base")
    run_sft(str(lab / "base" / "model"), lab / "ko_train.jsonl", out, info,
            {**TRAINER, "steps": 2, "lr": 5e-4, "batch_size": 8, "max_length": 128}, PROMPT, threads=2)
    return out


def test_sft_writes_model_log_and_run(sft_dir):
    run = json.loads((sft_dir / "run.json").read_text())
    assert run["global_step"] == 2 and run["parent_run_id"] == "ko/seed0/base"
    assert run["params"]["lr"] == 5e-4 and run["params"]["prompt"]["style"] == "plain"
    assert any("loss" in r for r in read_jsonl(sft_dir / "train_log.jsonl"))
    assert (sft_dir / "model" / "config.json").exists() and not (sft_dir / "checkpoints").exists()


def test_grpo_logs_every_rollout_with_reward_components(lab, sft_dir):
    out = lab / "grpo_acc_lc"
    info = RunInfo("ko/seed0/grpo_acc_lc", "grpo", "ko", 0, {}, arm="acc_lc", parent_run_id="ko/seed0/sft")
    cfg = {**TRAINER, "steps": 2, "lr": 1e-4, "batch_size": 8, "num_generations": 4,
           "max_completion_length": 24, "temperature": 1.0, "top_p": 1.0, "top_k": 0, "repetition_penalty": 1.0,
           "beta": 0.0, "loss_type": "grpo", "scale_rewards": "group", "epsilon": 0.2, "epsilon_high": None,
           "num_iterations": 1, "mask_truncated_completions": False,
           "multi_objective_aggregation": "sum_then_normalize", "importance_sampling_level": "token",
           "print_completions": 0}
    reward = {"accuracy_weight": 1.0, "format_weight": 0.0, "lc_variant": "proportional", "lc_weight": 0.5,
              "lc_tau": 0.9, "last_number_fallback": False}
    run_grpo(str(sft_dir / "model"), lab / "ko_train.jsonl", out, info, cfg, reward, PROMPT)
    roll = pd.read_parquet(out / "rollouts.parquet")
    assert len(roll) == 16 and sorted(roll["step"].unique()) == [1, 2]
    for col in ("item_id", "reward_accuracy", "reward_lang_consistency", "advantage", "target_share",
                "en_share", "first_switch_frac", "correct"):
        assert col in roll.columns
    assert roll["item_id"].str.startswith("world-train-").all()
    expected = roll["reward_accuracy"] + 0.5 * roll["reward_lang_consistency"]
    assert (roll["reward"] - expected).abs().max() < 1e-9
    assert roll["target_share"].between(0, 1).all()
    recomputed = cot_compositions(roll["completion"].tolist(), "ko")
    assert roll["target_share"].tolist() == pytest.approx([c.target_share for c in recomputed])
    assert roll["n_words"].tolist() == [c.n_words for c in recomputed]
    run = json.loads((out / "run.json").read_text())
    assert run["params"]["loss_type"] == "grpo" and run["params"]["beta"] == 0.0
    assert run["reward"]["weights"][-1] == 0.5 and run["global_step"] == 2


def test_evaluation_scores_greedy_and_sampled(lab, sft_dir):
    info = RunInfo("ko/seed0/sft/eval/test", "eval", "ko", 0, {}, parent_run_id="ko/seed0/sft",
                   extra={"checkpoint_stage": "sft"})
    cfg = {"split": "test", "n_items": 5, "greedy": True, "temperatures": [1.0], "samples": 3,
           "max_new_tokens": 24, "batch_size": 4, "last_number_fallback": False, "dtype": "float32"}
    summary = run_evaluation(str(sft_dir / "model"), lab / "ko_test.jsonl", lab / "e.parquet", lab / "e.json",
                             info, "ko/seed0/sft", cfg, PROMPT)
    rows = pd.read_parquet(lab / "e.parquet")
    assert len(rows) == 5 * 1 + 5 * 3
    assert set(rows["decoding"]) == {"greedy", "sampled"} and set(rows["stage"]) == {"sft"}
    assert set(rows["split"]) == {"test"} and set(rows["run_id"]) == {"ko/seed0/sft/eval/test"}
    assert {s["decoding"]: s["n"] for s in summary} == {"greedy": 5, "sampled": 15}
    sampled = rows[rows["decoding"] == "sampled"]
    got = next(s for s in summary if s["decoding"] == "sampled")
    assert math.isclose(got["accuracy"], sampled["correct"].mean())
    assert math.isclose(got["target_wr"], sampled["target_share"].mean())
    meta = json.loads((lab / "e.json").read_text())
    assert meta["checkpoint_run_id"] == "ko/seed0/sft" and meta["summary"] == summary
    assert meta["split"] == "test" and meta["params"]["split"] == "test"
    no_split = {k: v for k, v in cfg.items() if k != "split"}
    with pytest.raises(ValueError, match="'split'.*is required"):
        run_evaluation(str(sft_dir / "model"), lab / "ko_test.jsonl", lab / "x.parquet", lab / "x.json",
                       info, "ko/seed0/sft", no_split, PROMPT)


def test_length_buckets_group_documents_of_similar_length_without_changing_the_draw():
    docs = [[0] * n for n in range(1, 201)]  # document i has length i + 1
    plain = list(length_bucketed_batches(docs, 10, 8, 1, random.Random(3)))
    bucketed = list(length_bucketed_batches(docs, 10, 8, 4, random.Random(3)))
    assert len(plain) == len(bucketed) == 10 and all(len(b) == 8 for b in plain + bucketed)

    def padded(batches):
        return sum(max(map(len, b)) * len(b) for b in batches)

    assert padded(bucketed) < 0.8 * padded(plain)
    # k = 4: the first 4 batches are one sorted pool of 32 draws, cut into 4 (shuffled) batches
    first_pool = sorted(len(d) for b in bucketed[:4] for d in b)
    assert all(max(map(len, a)) <= min(map(len, b)) or max(map(len, b)) <= min(map(len, a))
               for a in bucketed[:4] for b in bucketed[:4] if a is not b)
    assert len(first_pool) == 32
    assert len(list(length_bucketed_batches(docs, 7, 8, 4, random.Random(0)))) == 7  # last pool is partial


def test_stale_completions_of_an_earlier_longer_run_are_removed(tmp_path):
    comp = tmp_path / "completions"
    comp.mkdir()
    for step in range(1, 8):
        pd.DataFrame({"step": [step]}).to_parquet(comp / f"completions_{step:05d}.parquet")
    assert clear_stale_completions(comp, 5) == 2  # resuming from checkpoint-5: steps 6-7 are re-run
    assert sorted(f.name for f in comp.iterdir())[-1] == "completions_00005.parquet"
    assert clear_stale_completions(comp, 0) == 5 and not list(comp.iterdir())  # fresh run: nothing kept
    assert clear_stale_completions(tmp_path / "missing", 0) == 0
