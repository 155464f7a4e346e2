"""Evaluation of one checkpoint: greedy and sampled decoding, scored, summarised and written per split."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from pipeline.evaluate.run import run_evaluation
from pipeline.measure.peers import PEER_FIELDS, PEER_RATES, peer_metrics
from pipeline.runinfo import RunInfo
from support import PROMPT


def test_evaluation_scores_greedy_and_sampled(lab, sft_dir, micro):
    info = RunInfo("ko/seed0/sft/eval/test", "eval", "ko", 0, {}, parent_run_id="ko/seed0/sft",
                   extra={"checkpoint_stage": "sft"})
    cfg = {**micro.evaluation("test"), "n_items": 5, "samples": 3, "batch_size": 4}
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
    for rate, field in PEER_RATES.items():  # peer metrics: per-sample columns, summary rates
        assert math.isclose(got[rate], sampled[field].mean()), rate
    for row in rows.head(4).itertuples():  # recomputed from the stored completion
        assert peer_metrics(row.completion, "ko", row.format_ok, row.correct).as_dict() == {
            f: None if pd.isna(getattr(row, f)) else getattr(row, f) for f in PEER_FIELDS}
    assert (rows["lc_acc"] <= (rows["correct"] & rows["trit_lc"])).all()
    meta = json.loads((lab / "e.json").read_text())
    assert meta["checkpoint_run_id"] == "ko/seed0/sft" and meta["summary"] == summary
    assert meta["split"] == "test" and meta["params"]["split"] == "test"
    no_split = {k: v for k, v in cfg.items() if k != "split"}
    with pytest.raises(ValueError, match="'split'.*is required"):
        run_evaluation(str(sft_dir / "model"), lab / "ko_test.jsonl", lab / "x.parquet", lab / "x.json",
                       info, "ko/seed0/sft", no_split, PROMPT)
