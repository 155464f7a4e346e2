"""The store keeps every run but shows the current config's (issue 14): config_runs, v_stale_runs, and the
ledger check of ``python -m pipeline.store check``."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from pipeline import layout
from pipeline.store import ingest, ledger_problems
from store_fixtures import build_results_tree, truncate_file

ANALYSIS_VIEWS = ("v_drift", "v_tradeoff", "v_irreversibility", "v_lang_metrics", "v_correct_by_language")


def current_run_ids(arms: tuple[str, ...], seeds: tuple[int, ...] = (0, 1, 2)) -> list[str]:
    """Run ids of a config with GRPO ``arms`` (the fixture tree's base, sft and recovery_acc included)."""
    checkpoints = ["base", "sft", *(f"grpo_{a}" for a in arms), "recovery_acc"]
    ids = [layout.run_id("ko", s, c) for s in seeds for c in checkpoints]
    return ids + [layout.eval_run_id("ko", s, c, "test") for s in seeds for c in checkpoints]


def arms_in(con: duckdb.DuckDBPyConnection, view: str) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT DISTINCT arm FROM {view} WHERE arm IS NOT NULL").fetchall()}


def test_views_show_the_current_config_s_arms_and_list_the_rest(tmp_path):
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "collapse.duckdb"
    report = ingest(results, db)  # no config recorded: every run is shown
    assert report["stale_runs"] == []
    with duckdb.connect(str(db), read_only=True) as con:
        assert all(arms_in(con, v) == {"acc", "acc_lc"} for v in ANALYSIS_VIEWS)

    # the config renamed nothing yet but dropped acc_lc: its runs stay in the tables, hidden from the views
    report = ingest(results, db, current=current_run_ids(("acc",)))
    assert report["artifacts"]["new"] == 0  # nothing re-read: only the config's run set changed
    assert "ko/seed0/grpo_acc_lc" in report["stale_runs"] and "ko/seed2/grpo_acc_lc/eval/test" in report["stale_runs"]
    assert len(report["stale_runs"]) == 6 and any("not in the current config" in n for n in report["notes"])
    with duckdb.connect(str(db), read_only=True) as con:
        for view in ANALYSIS_VIEWS:
            assert arms_in(con, view) == {"acc"}, view
        assert con.execute("SELECT count(*) FROM runs WHERE arm = 'acc_lc'").fetchone()[0] == 6
        assert con.execute("SELECT count(DISTINCT arm) FROM v_stale_runs").fetchone()[0] == 1
        # the cross-checks still see every stored row
        assert con.execute("SELECT bool_and(consistent), count(*) FROM v_eval_check").fetchone() == (True, 30)

    # a later ingest without a config keeps the recorded set
    assert len(ingest(results, db)["stale_runs"]) == 6


def test_ledger_check_names_missing_changed_and_new_artifacts(tmp_path):
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "collapse.duckdb"
    assert ledger_problems(results, db) == [f"results store {db} does not exist"]
    ingest(results, db)
    assert ledger_problems(results, db) == []
    cli = [sys.executable, "-m", "pipeline.store", "check", str(results), str(db)]
    assert subprocess.run(cli, capture_output=True, text=True).returncode == 0

    truncate_file(results / "ko/seed0/eval/test/sft.parquet")
    (results / "ko/seed1/eval/test/sft.json").unlink()
    problems = ledger_problems(results, db)
    assert problems == ["ko/seed0/eval/test/sft.parquet: changed since it was ingested",
                        "ko/seed1/eval/test/sft.json: ingested, no longer on disk"]
    check = subprocess.run(cli, capture_output=True, text=True)
    assert check.returncode == 1 and "2 problem(s)" in check.stderr and "sft.parquet: changed" in check.stderr
