"""The three findings read from a real DuckDB store built from a fixture results tree with known numbers."""

from __future__ import annotations

import json
import math

import pytest

from pipeline.analysis import findings
from pipeline.store import ingest
from store_fixtures import build_results_tree, eval_accuracy, eval_target_wr


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = tmp_path_factory.mktemp("findings")
    results = build_results_tree(root / "results")
    ingest(results, root / "collapse.duckdb")
    return root / "collapse.duckdb"


def test_per_seed_numbers_come_from_the_store(db):
    table = findings.findings_table(db, thresholds={"window": 2})
    assert list(table.seed) == [0, 1, 2]
    assert set(table.acc_arm) == {"acc"} and set(table.lc_arm) == {"acc_lc"}  # picked by lc_weight
    for row in table.itertuples():
        for col, checkpoint in (("sft", "sft"), ("grpo", "grpo_acc"), ("lc", "grpo_acc_lc"),
                                ("recovery", "recovery_acc")):
            assert getattr(row, f"{col}_accuracy") == pytest.approx(eval_accuracy(checkpoint, row.seed))
            assert getattr(row, f"{col}_target_wr") == pytest.approx(eval_target_wr(checkpoint, row.seed))
    # rollouts of arm acc, seed 1: target share 0.9, 0.7, ..., 0.1 over steps 0-4; window 2
    seed1 = table[table.seed == 1].iloc[0]
    assert seed1.rollout_first_target == pytest.approx(0.8) and seed1.rollout_last_target == pytest.approx(0.2)
    assert seed1.i_drift_rollouts == 1.0


def test_each_finding_is_checked_against_its_threshold(db):
    table = findings.findings_table(db).set_index("seed")
    assert list(table.i_drift) == [1.0, 1.0, 1.0]
    # seed 2: the consistency arm ends at target share 0.775 < 0.8
    assert list(table.ii_tradeoff) == [1.0, 1.0, 0.0]
    assert list(table.iii_irreversible) == [1.0, 1.0, 1.0]
    strict = findings.findings_table(db, thresholds={"drop": 0.7})
    assert list(strict.i_drift) == [0.0, 0.0, 1.0]  # drops 0.675, 0.675, 0.9


def test_summary_markdown_and_json(db, tmp_path):
    table = findings.write_findings(db, tmp_path / "f.json", tmp_path / "f.md")
    summary = findings.summarise(table).iloc[0]
    accs = [eval_accuracy("grpo_acc", s) for s in (0, 1, 2)]
    assert summary.grpo_accuracy_mean == pytest.approx(sum(accs) / 3)
    assert summary.grpo_accuracy_std == pytest.approx(0.1443375673)
    assert summary.ii_tradeoff_holds == "2/3"
    md = (tmp_path / "f.md").read_text()
    assert "| ko | mean (std), 3 seeds |" in md and "| 2/3 |" in md
    payload = json.loads((tmp_path / "f.json").read_text())
    assert len(payload["per_seed"]) == 3 and payload["summary"][0]["n_seeds"] == 3


def test_missing_measurements_are_nan_not_pass(tmp_path):
    results = build_results_tree(tmp_path / "results", seeds=(0,), recovery_arms=())
    ingest(results, tmp_path / "c.duckdb")
    row = findings.findings_table(tmp_path / "c.duckdb").iloc[0]
    assert math.isnan(row.recovery_accuracy) and math.isnan(row.iii_irreversible)
    assert row.i_drift == 1.0
    with pytest.raises(ValueError, match="no evaluation of split 'validation'"):
        findings.findings_table(tmp_path / "c.duckdb", split="validation")
