"""Pretraining-prior sweep: per-prior configs, and the table + figure read back from real DuckDB stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.analysis.prior_sweep import PriorSweepError, mix_shares, plot_prior_sweep, prior_table
from pipeline.store import ingest
from store_fixtures import build_results_tree, eval_accuracy, eval_target_wr


def test_mix_shares_normalise_and_group_by_reasoning_language():
    shares = mix_shares({"en_en": 0.7, "tgt_tgt": 0.2, "tgt_en": 0.1})
    assert shares["en_reasoning"] == pytest.approx(0.8) and shares["tgt_reasoning"] == pytest.approx(0.2)
    assert mix_shares({"en_en": 2, "tgt_tgt": 2})["tgt_reasoning"] == pytest.approx(0.5)


def _prior_store(root: Path, mix: dict[str, float]) -> Path:
    results = build_results_tree(root / "results", seeds=(0, 1))
    for run_json in results.glob("ko/seed*/base/run.json"):
        meta = json.loads(run_json.read_text())
        meta["params"]["mix"] = mix
        run_json.write_text(json.dumps(meta))
    ingest(results, root / "collapse.duckdb")
    return root / "collapse.duckdb"


def test_prior_table_and_figure_from_stores(tmp_path):
    dbs = {"en90": _prior_store(tmp_path / "a", {"en_en": 0.9, "tgt_tgt": 0.1}),
           "en50": _prior_store(tmp_path / "b", {"en_en": 0.5, "tgt_tgt": 0.5})}
    table = prior_table(dbs)
    assert list(table.prior.unique()) == ["en90", "en50"]  # sorted by target share of reasoning
    assert sorted(table.tgt_reasoning.unique()) == pytest.approx([0.1, 0.5])
    assert set(table.db) == {str(p) for p in dbs.values()}
    row = table[(table.prior == "en50") & (table.seed == 1)].iloc[0]
    assert row.grpo_accuracy == pytest.approx(eval_accuracy("grpo_acc", 1))
    assert row.sft_target_wr == pytest.approx(eval_target_wr("sft", 1))
    assert row.pretrain_run_id == "ko/seed1/base"
    plotted = plot_prior_sweep(table, tmp_path / "p.png", tmp_path / "p.pdf")
    assert (tmp_path / "p.png").stat().st_size > 10_000 and (tmp_path / "p.pdf").exists()
    drop = plotted[(plotted.metric == "target_drop") & ((plotted.tgt_reasoning - 0.1).abs() < 1e-9)]
    expected = sum(eval_target_wr("sft", s) - eval_target_wr("grpo_acc", s) for s in (0, 1)) / 2
    assert drop["mean"].iloc[0] == pytest.approx(expected)
    with pytest.raises(PriorSweepError, match="no prior stores"):
        prior_table({})


def test_a_store_without_pretraining_is_refused(tmp_path):
    results = build_results_tree(tmp_path / "results", seeds=(0,))
    for run_json in results.glob("ko/seed*/base/run.json"):
        run_json.unlink()
    ingest(results, tmp_path / "c.duckdb")
    with pytest.raises(PriorSweepError, match="no pretraining run"):
        prior_table({"x": tmp_path / "c.duckdb"})
