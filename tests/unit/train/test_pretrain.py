"""Pretraining of the tiny model on a micro world: model, corpus, a falling loss, the schedule and batching."""

from __future__ import annotations

import json
import random

import pytest

from pipeline.jsonl import read_jsonl
from pipeline.train.models import load_model
from pipeline.train.pretrain import NonFiniteLossError, length_bucketed_batches, lr_at, run_pretrain


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


def test_pretrain_stops_on_non_finite_loss(lab, micro, tmp_path):
    cfg = micro.pretrain()
    cfg = {**cfg, "train": {**cfg["train"], "lr": 1e30, "steps": 5, "warmup_frac": 0.0}}
    with pytest.raises(NonFiniteLossError, match="lower pretrain.train.lr"):
        run_pretrain(lab / "source" / "parallel.jsonl", tmp_path / "b", "ko", 0, cfg, "{question}\n")
    assert not (tmp_path / "b" / "run.json").exists()


def test_lr_schedule_warms_up_then_decays():
    assert lr_at(0, 100, 1.0, 10) == pytest.approx(0.1)
    assert lr_at(9, 100, 1.0, 10) == pytest.approx(1.0)
    assert lr_at(99, 100, 1.0, 10) < 0.2


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
