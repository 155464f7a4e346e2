"""Tests of the DuckDB results store: ingest (idempotent, incremental, transactional), views, docs SQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.jsonl import read_json, write_json
from pipeline.store import (
    IngestError,
    StoreMissingError,
    StoreVersionError,
    connect_readonly,
    ingest,
    table_counts,
)
from pipeline.store.schema import SCHEMA_VERSION, TABLES, apply_schema
from pipeline.store.views import VIEWS
from store_fixtures import (
    add_arm,
    build_results_tree,
    db_snapshot,
    drift_target,
    eval_accuracy,
    eval_lc_acc,
    eval_lcr,
    eval_target_wr,
    truncate_file,
)
from support import ROOT

DOCS = ROOT / "docs" / "store.md"
FULL_TOTALS = {
    "runs": 30,
    "train_metrics": 219,
    "rollouts": 120,
    "rollout_steps": 30,
    "eval_samples": 225,
    "eval_summary": 30,
    "translation_qc": 8,
    "translation_summary": 2,
    "artifacts": 70,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture tree (ko, seeds 0-2, arms acc/acc_lc, recovery_acc) ingested once, read-only for tests."""
    root = tmp_path_factory.mktemp("store")
    results = build_results_tree(root / "results")
    db = root / "collapse.duckdb"
    ingest(results, db)
    return db


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect_readonly(db) as con:
        return con.execute(sql, params or []).fetchall()


# -- ingest ------------------------------------------------------------------------------------------
def test_ingest_fills_every_table_and_view(store: Path) -> None:
    assert table_counts(store) == FULL_TOTALS
    with connect_readonly(store) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        run = con.execute(
            "SELECT stage, arm, lc_weight, accuracy_weight, lc_variant, params->>'$.learning_rate', "
            "versions->>'$.trl', wall_seconds, finished_at - started_at FROM runs "
            "WHERE run_id = 'ko/seed1/grpo_acc_lc'"
        ).fetchone()
        reward_cols = [
            r[0] for r in con.execute("DESCRIBE rollouts").fetchall() if r[0].startswith("reward_")
        ]
    assert set(TABLES) | set(VIEWS) <= names
    assert run[:7] == ("grpo", "acc_lc", 0.5, 1.0, "proportional", "0.0002", "1.16.0")
    assert run[7] == 12.5 and run[8].total_seconds() == 12.5
    assert sorted(reward_cols) == ["reward_accuracy", "reward_lang_consistency"]


def test_runs_rows_for_base_sft_and_eval(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT run_id, stage, checkpoint, phase, arm, checkpoint_run_id, split FROM runs "
        "WHERE seed = 0 ORDER BY run_id",
    )
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["ko/seed0/base"] == ("pretrain", "base", "base", None, None, None)
    assert by_id["ko/seed0/sft"] == ("sft", "sft", "sft", None, None, None)
    assert by_id["ko/seed0/sft/eval/test"] == ("eval", "sft", "sft", None, "ko/seed0/sft", "test")
    assert by_id["ko/seed0/recovery_acc/eval/test"] == (
        "eval",
        "recovery_acc",
        "recovery",
        "acc",
        "ko/seed0/recovery_acc",
        "test",
    )
    assert len(rows) == 10


def test_runs_record_device_engine_and_applied_decoding(store: Path) -> None:
    rows = _rows(store, "SELECT stage, device, dtype, n_accelerators, engine, count(*) FROM runs GROUP BY ALL "
                        "ORDER BY stage")
    assert ("eval", "cuda", "bfloat16", 1, "vllm") == rows[0][:5]
    assert all(engine is None for stage, *_, engine, _n in rows if stage != "eval")
    got = _rows(store, "SELECT decoding, generation->>'temperature', CAST(generation->>'n' AS INT), "
                       "generation->>'repetition_penalty' FROM eval_summary WHERE run_id = 'ko/seed0/sft/eval/test' "
                       "ORDER BY decoding")
    assert got == [("greedy", "0.0", 1, "1.0"), ("sampled", "1.0", 2, "1.0")]


def test_store_made_before_the_placement_columns_gains_them(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # a schema-2 store as written before device/engine/generation existed
        apply_schema(con)
        for view in VIEWS:
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for table, column in (("runs", "device"), ("runs", "engine"), ("eval_summary", "generation"),
                              ("eval_summary", "lc_acc"), ("eval_samples", "trit_lc")):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        apply_schema(con)
        cols = {t: {r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()}
                for t in ("runs", "eval_summary", "eval_samples")}
    assert {"device", "dtype", "n_accelerators", "engine"} <= cols["runs"]
    assert {"generation", "lc_acc"} <= cols["eval_summary"] and "trit_lc" in cols["eval_samples"]


def test_peer_metrics_in_samples_summary_and_v_lang_metrics(store: Path) -> None:
    """Peer metrics reach eval_samples and eval_summary, v_eval_reaggregated recomputes them and v_lang_metrics
    lists them next to target_wr with the fixture's hand-computed values."""
    rows = _rows(store, "SELECT checkpoint, seed, decoding, accuracy, target_wr, think_lcr, answer_lcr, polymath_lcr, "
                        "trit_lcr, lc_acc FROM v_lang_metrics WHERE split = 'test'")
    assert len(rows) == 30
    for checkpoint, seed, _dec, acc, target_wr, *lcr, lc_acc in rows:
        assert acc == pytest.approx(eval_accuracy(checkpoint, seed))
        assert target_wr == pytest.approx(eval_target_wr(checkpoint, seed))
        assert lcr == pytest.approx([eval_lcr(checkpoint, seed)] * 4)
        assert lc_acc == pytest.approx(eval_lc_acc(checkpoint, seed))
    # grpo_acc seed 0: 3 correct (items 1-3), 1 in target (item 0): consistent but wrong -> LC&Acc 0
    assert eval_lc_acc("grpo_acc", 0) == 0.0 and eval_lc_acc("sft", 0) == 0.5
    again = _rows(store, "SELECT count(*) FROM v_eval_reaggregated a JOIN eval_summary s USING (run_id, decoding) "
                         "WHERE a.temperature IS NOT DISTINCT FROM s.temperature AND abs(a.lc_acc - s.lc_acc) < 1e-9 "
                         "AND abs(a.think_lcr - s.think_lcr) < 1e-9 AND abs(a.trit_lcr - s.trit_lcr) < 1e-9")
    assert again == [(30,)]
    labels = _rows(store, "SELECT think_lang, count(*) FROM eval_samples WHERE gold_ok GROUP BY ALL ORDER BY 1")
    assert [lab for lab, _n in labels] == ["en", "ko"]


def test_reward_weights_fall_back_to_function_weights(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",), recovery_arms=())
    run_json = results / "ko/seed0/grpo_acc/run.json"
    reward = {
        "lc_weight": 0.25,
        "functions": ["accuracy", "format", "lang_consistency"],
        "weights": [2.0, 0, 0.25],
    }
    write_json(run_json, read_json(run_json) | {"reward": reward})
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    assert _rows(
        db,
        "SELECT accuracy_weight, lc_weight, lc_variant, reward->>'$.weights[0]' FROM runs "
        "WHERE run_id = 'ko/seed0/grpo_acc'",
    ) == [(2.0, 0.25, None, "2.0")]


def test_train_metrics_long_format(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT step, metric, value FROM train_metrics WHERE run_id = 'ko/seed2/grpo_acc' "
        "AND metric IN ('loss', 'reward', 'train_runtime') ORDER BY metric, step",
    )
    assert rows == [
        (1, "loss", 1.0),
        (2, "loss", 0.5),
        (3, "loss", pytest.approx(1 / 3)),
        (1, "reward", 0.25),
        (2, "reward", 0.5),
        (3, "reward", 0.75),
        (3, "train_runtime", 12.5),
    ]


def test_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "c.duckdb"
    first = ingest(results, db)
    second = ingest(results, db)
    assert first["total"] == second["total"] == FULL_TOTALS
    assert first["artifacts"]["new"] == 70
    assert second["artifacts"] == {
        "new": 0,
        "changed": 0,
        "unchanged": 70,
        "missing": 0,
        "pruned": 0,
        "skipped": 0,
    }
    assert set(second["inserted"].values()) == {0} and set(second["deleted"].values()) == {0}


def test_adding_an_arm_ingests_only_that_arm(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",))
    db = tmp_path / "c.duckdb"
    before = ingest(results, db)
    ledger_before = db_snapshot(db)["ledger"]
    add_arm(results, "acc_lc")
    after = ingest(results, db)
    assert after["artifacts"] == {
        "new": 15,
        "changed": 0,
        "unchanged": before["artifacts"]["new"],
        "missing": 0,
        "pruned": 0,
        "skipped": 0,
    }
    assert after["inserted"] == {
        "runs": 6,
        "train_metrics": 60,
        "rollouts": 60,
        "rollout_steps": 15,
        "eval_samples": 45,
        "eval_summary": 6,
        "translation_qc": 0,
        "translation_summary": 0,
    }
    assert after["total"] == FULL_TOTALS
    ledger_after = db_snapshot(db)["ledger"]
    assert [r for r in ledger_after if "acc_lc" not in r[0]] == ledger_before  # old entries untouched
    assert _rows(db, "SELECT DISTINCT run_id FROM rollouts WHERE artifact LIKE '%acc_lc%' ORDER BY 1") == [
        (f"ko/seed{s}/grpo_acc_lc",) for s in range(3)
    ]


def test_changed_artifact_replaces_its_rows(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    path = results / "ko/seed0/grpo_acc/rollouts.parquet"
    pq.write_table(pq.read_table(path).slice(0, 8), path)
    run_json = results / "ko/seed0/grpo_acc/run.json"
    write_json(run_json, read_json(run_json) | {"wall_seconds": 99.0})
    report = ingest(results, db)
    assert report["artifacts"]["changed"] == 2 and report["artifacts"]["unchanged"] == 68
    assert report["deleted"]["rollouts"] == 20 and report["inserted"]["rollouts"] == 8
    assert report["deleted"]["rollout_steps"] == 5 and report["inserted"]["rollout_steps"] == 2
    assert report["deleted"]["runs"] == report["inserted"]["runs"] == 1
    assert report["total"]["rollouts"] == 108 and report["total"]["runs"] == 30
    assert _rows(db, "SELECT wall_seconds FROM runs WHERE run_id = 'ko/seed0/grpo_acc'") == [(99.0,)]
    assert _rows(db, "SELECT max(step) FROM v_drift WHERE run_id = 'ko/seed0/grpo_acc'") == [(1,)]


def _break_and_expect_unchanged(tmp_path: Path, breaker, match: str) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",))
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    before = db_snapshot(db)
    add_arm(results, "acc_lc")  # valid new files next to the broken one must not land either
    bad = breaker(results)
    with pytest.raises(IngestError, match=match) as err:
        ingest(results, db)
    assert str(bad) in str(err.value)
    assert db_snapshot(db) == before


def test_truncated_parquet_names_file_and_leaves_db_unchanged(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed1/grpo_acc_lc/rollouts.parquet"
        truncate_file(bad)
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, "rollouts")


def test_garbage_parquet_names_file_and_leaves_db_unchanged(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed2/eval/test/grpo_acc_lc.parquet"
        bad.write_bytes(b"PAR1 this is not a parquet file PAR1")
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, "eval_samples")


def test_truncated_json_names_file_and_leaves_db_unchanged(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed0/eval/test/grpo_acc_lc.json"
        truncate_file(bad)
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, "not valid JSON")


def test_truncated_train_log_names_file_and_line(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed0/grpo_acc_lc/train_log.jsonl"
        truncate_file(bad, keep=0.6)
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, r"train_log\.jsonl:\d+: not valid JSON")


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed0/grpo_acc_lc/rollouts.parquet"
        pq.write_table(pq.read_table(bad).drop_columns(["target_share"]), bad)
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, r"missing required column.*'target_share'")


def test_wrongly_typed_value_names_file(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed0/grpo_acc_lc/rollouts.parquet"
        table = pq.read_table(bad)
        idx = table.schema.get_field_index("correct")
        import pyarrow as pa

        table = table.set_column(idx, "correct", pa.array(["maybe"] * table.num_rows))
        pq.write_table(table, bad)
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, "cannot ingest as rollouts")


def test_duplicate_run_id_is_an_error(tmp_path: Path) -> None:
    def breaker(results: Path) -> Path:
        bad = results / "ko/seed0/grpo_acc_lc/run.json"
        write_json(bad, read_json(bad) | {"run_id": "ko/seed0/grpo_acc"})
        return bad

    _break_and_expect_unchanged(tmp_path, breaker, "already in the store from ko/seed0/grpo_acc/run.json")


def test_failed_first_ingest_creates_no_database(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",))
    truncate_file(results / "ko/seed0/grpo_acc/rollouts.parquet")
    db = tmp_path / "new.duckdb"
    with pytest.raises(IngestError, match="rollouts.parquet"):
        ingest(results, db)
    assert not db.exists() and not (tmp_path / "new.duckdb.wal").exists()


def test_unknown_layout_is_skipped_and_missing_results_dir_is_an_error(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",), recovery_arms=())
    write_json(results / "ko/seed0/notes/run.json", {"run_id": "x"})
    report = ingest(results, tmp_path / "c.duckdb")
    assert report["skipped_paths"] == ["ko/seed0/notes/run.json"] and report["artifacts"]["skipped"] == 1
    assert report["total"]["runs"] == 18
    with pytest.raises(IngestError, match="does not exist"):
        ingest(tmp_path / "nope", tmp_path / "c.duckdb")


def test_prune_drops_rows_of_deleted_artifacts(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    (results / "ko/seed2/grpo_acc_lc/rollouts.parquet").unlink()
    kept = ingest(results, db)
    assert kept["artifacts"]["missing"] == 1 and kept["total"]["rollouts"] == 120
    assert any("no longer on disk" in note for note in kept["notes"])
    pruned = ingest(results, db, prune=True)
    assert pruned["artifacts"]["pruned"] == 1 and pruned["deleted"]["rollouts"] == 20
    assert pruned["deleted"]["rollout_steps"] == 5 and pruned["total"]["rollout_steps"] == 25
    assert pruned["total"]["rollouts"] == 100 and pruned["total"]["artifacts"] == 69


def test_cli_ingest_and_summary(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",))
    db = tmp_path / "c.duckdb"
    report_path = tmp_path / "ingest.json"
    cmd = [sys.executable, "-m", "pipeline.store"]
    done = subprocess.run(
        [*cmd, "ingest", str(results), str(db), "--report", str(report_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"]["rollouts"] == 60
    assert read_json(report_path)["artifacts"]["new"] == 55
    summary = subprocess.run([*cmd, "summary", str(db)], capture_output=True, text=True, check=False)
    assert json.loads(summary.stdout)["eval_summary_vs_samples_inconsistent"] == 0
    truncate_file(results / "ko/seed0/eval/test/sft.json")
    (results / "ko/seed0/eval/test/sft.json").touch()
    failed = subprocess.run(
        [*cmd, "ingest", str(results), str(db)], capture_output=True, text=True, check=False
    )
    assert failed.returncode == 1
    assert "database unchanged" in failed.stderr and "ko/seed0/eval/test/sft.json" in failed.stderr


def test_connect_readonly_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError, match="pipeline.store ingest"):
        connect_readonly(tmp_path / "missing.duckdb")


# -- views -------------------------------------------------------------------------------------------
def test_v_drift_per_step(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT lang, arm, seed, step, accuracy, target_wr, en_wr, n FROM v_drift "
        "WHERE run_id = 'ko/seed1/grpo_acc' ORDER BY step",
    )
    assert [r[3] for r in rows] == [0, 1, 2, 3, 4]
    lang, arm, seed, step, acc, target, en, n = rows[2]
    assert (lang, arm, seed, n) == ("ko", "acc", 1, 4)
    assert acc == 0.75 and target == pytest.approx(0.5) and en == pytest.approx(0.5)
    assert [r[5] for r in rows] == pytest.approx([drift_target("acc", 1, s) for s in range(5)])
    assert _rows(store, "SELECT count(*), sum(n) FROM v_drift") == [(30, 120)]


def test_v_drift_from_step_sums_matches_raw_rollouts(store: Path) -> None:
    diff = _rows(
        store,
        "SELECT count(*), max(abs(d.accuracy - r.accuracy) + abs(d.target_wr - r.target_wr) "
        "+ abs(d.en_wr - r.en_wr)), bool_and(d.n = r.n) "
        "FROM v_drift d JOIN v_drift_raw r USING (run_id, step)",
    )
    assert diff[0][0] == 30 and diff[0][1] < 1e-12 and diff[0][2]


def test_v_irreversibility_joins_base_and_sft_to_every_arm(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT arm, stage_order, stage, accuracy, target_wr FROM v_irreversibility "
        "WHERE lang = 'ko' AND seed = 1 AND decoding = 'greedy' ORDER BY arm, stage_order",
    )
    assert rows == [
        ("acc", 1, "base", 0.25, 1.0),
        ("acc", 2, "sft", 0.5, pytest.approx(0.775)),
        ("acc", 3, "grpo", 1.0, pytest.approx(0.1)),
        ("acc", 4, "recovery", 0.5, 1.0),
        ("acc_lc", 1, "base", 0.25, 1.0),
        ("acc_lc", 2, "sft", 0.5, pytest.approx(0.775)),
        ("acc_lc", 3, "grpo", 0.75, 1.0),
    ]
    # base: 3 seeds x 2 arms x 2 decodings
    assert _rows(store, "SELECT count(*) FROM v_irreversibility WHERE stage = 'base'") == [(12,)]


def test_v_tradeoff_over_seeds(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT arm, accuracy, accuracy_std, target_wr, target_wr_std, n_seeds, seeds "
        "FROM v_tradeoff WHERE decoding = 'greedy' ORDER BY arm",
    )
    acc = [eval_accuracy("grpo_acc", s) for s in range(3)]
    wr = [eval_target_wr("grpo_acc", s) for s in range(3)]
    assert rows[0][0] == "acc" and rows[0][5] == 3 and rows[0][6] == [0, 1, 2]
    assert rows[0][1:5] == pytest.approx((0.8333333, 0.1443376, 0.175, 0.1299038), abs=1e-6)
    assert rows[0][1] == pytest.approx(sum(acc) / 3) and rows[0][3] == pytest.approx(sum(wr) / 3)
    assert rows[1][0] == "acc_lc" and rows[1][1:4] == pytest.approx((0.5833333, 0.1443376, 0.925), abs=1e-6)


def test_v_correct_by_language_2x2(store: Path) -> None:
    rows = _rows(
        store,
        "SELECT correct, in_target, n, share FROM v_correct_by_language "
        "WHERE checkpoint_run_id = 'ko/seed0/grpo_acc' AND decoding = 'sampled'",
    )
    cells = {(c, t): (n, s) for c, t, n, s in rows}
    assert cells == {
        (True, True): (0, 0.0),
        (True, False): (6, 0.75),
        (False, True): (2, 0.25),
        (False, False): (0, 0.0),
    }
    per_group = _rows(
        store, "SELECT count(*), sum(share) FROM v_correct_by_language GROUP BY checkpoint_run_id, decoding"
    )
    assert len(per_group) == 30 and {c for c, _ in per_group} == {4}
    assert all(s == pytest.approx(1.0) for _, s in per_group)


def test_v_eval_check_agrees_and_catches_a_wrong_summary(store: Path, tmp_path: Path) -> None:
    assert _rows(store, "SELECT count(*), bool_and(consistent) FROM v_eval_check") == [(30, True)]
    results = build_results_tree(tmp_path / "results", arms=("acc",))
    path = results / "ko/seed0/eval/test/grpo_acc.json"
    obj = read_json(path)
    obj["summary"][0]["accuracy"] = 0.5
    write_json(path, obj)
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    assert _rows(
        db,
        "SELECT run_id, decoding, summary_accuracy, samples_accuracy FROM v_eval_check WHERE NOT consistent",
    ) == [("ko/seed0/grpo_acc/eval/test", "greedy", 0.5, 0.75)]
    obj["summary"][0]["accuracy"] = 0.75
    obj["summary"][1]["lc_acc"] = 0.5  # LC&Acc is checked too
    write_json(path, obj)
    ingest(results, db)
    assert _rows(db, "SELECT decoding, lc_acc_diff FROM v_eval_check WHERE NOT consistent") == [("sampled", 0.5)]


def test_translation_tables(store: Path) -> None:
    rows = _rows(
        store, "SELECT id, ok, flags, dropped, error FROM translation_qc WHERE split = 'train' ORDER BY id"
    )
    assert rows[2] == ("gsm8k-train-00002", False, ["numbers"], False, None)
    assert rows[3][1:] == (False, [], True, "timeout after 3 attempts")
    assert _rows(
        store,
        "SELECT lang, split, translated, cached, failed, dropped, summary->>'$.backend' "
        "FROM translation_summary ORDER BY split",
    ) == [("ko", "test", 3, 2, 0, 0, "google"), ("ko", "train", 5, 3, 2, 1, "google")]


# -- docs -------------------------------------------------------------------------------------------
EXPECTED_EXAMPLES = {
    "ko_seed2_first_step_below_half": [("acc", "ko/seed2/grpo_acc", 2)],
    "tradeoff_per_arm": [
        ("ko", "acc", 0.8333, 0.1443, 0.175, 0.1299, 3),
        ("ko", "acc_lc", 0.5833, 0.1443, 0.925, 0.1299, 3),
        ("zh", "acc", 0.8333, 0.1443, 0.175, 0.1299, 3),
        ("zh", "acc_lc", 0.5833, 0.1443, 0.925, 0.1299, 3),
    ],
    "accuracy_by_split": [
        ("acc", "math500", 0.5833, 0.1, 3),
        ("acc", "test", 0.8333, 0.175, 3),
        ("acc_lc", "math500", 0.3333, 0.7, 3),
        ("acc_lc", "test", 0.5833, 0.925, 3),
    ],
    "translation_failures_per_language": [("ko", 8, 2, 1, 0.25), ("zh", 3, 1, 1, 0.3333)],
    "irreversibility_ko_acc": [
        ("base", 1.0, 0.25, 3),
        ("sft", 0.925, 0.5, 3),
        ("grpo", 0.175, 0.8333, 3),
        ("recovery", 0.925, 0.4167, 3),
    ],
    "eval_summary_inconsistent": [],
}


def _doc_examples() -> dict[str, str]:
    blocks = re.findall(r"```sql\n-- example: (\w+)\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return dict(blocks)


def test_docs_example_queries_run_and_give_documented_answers(tmp_path: Path) -> None:
    examples = _doc_examples()
    assert set(EXPECTED_EXAMPLES) | {"correct_but_english", "correct_not_target_cells"} == set(examples)
    results = build_results_tree(tmp_path / "results", langs=("ko", "zh"), eval_splits=("test", "math500"))
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    with duckdb.connect(str(db), read_only=True) as con:
        got = {name: con.execute(sql).fetchall() for name, sql in examples.items()}
    for name, expected in EXPECTED_EXAMPLES.items():
        assert got[name] == [
            tuple(pytest.approx(v) if isinstance(v, float) else v for v in row) for row in expected
        ], name
    english = {(r[0], r[1], r[2]): r[3:] for r in got["correct_but_english"]}
    assert len(english) == 120  # 2 langs x 3 seeds x 5 checkpoints x 2 splits x 2 decodings
    assert english[("ko/seed0/grpo_acc", "test", "greedy")] == (3, 1.0, 0.0, 0.75)
    assert english[("ko/seed0/grpo_acc", "test", "sampled")] == (6, 1.0, 0.0, 0.75)
    assert english[("ko/seed0/grpo_acc", "math500", "greedy")] == (4, 0.5, None, 0.5)
    assert english[("zh/seed0/base", "test", "greedy")] == (0, None, 0.25, 0.0)
    cells = {(r[0], r[1]): r[2:] for r in got["correct_not_target_cells"]}
    assert len(cells) == 24  # 2 langs x 3 seeds x 2 grpo arms x 2 decodings
    assert cells[("ko/seed0/grpo_acc", "greedy")] == (3, 0.75)
    assert cells[("ko/seed0/grpo_acc_lc", "greedy")] == (0, 0.0)


# -- several eval splits ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_split_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default fixture tree evaluated on two splits: GSM8K-like ``test`` and ``math500`` (other numbers)."""
    root = tmp_path_factory.mktemp("store2")
    results = build_results_tree(root / "results", eval_splits=("test", "math500"))
    db = root / "collapse.duckdb"
    ingest(results, db)
    return db


def test_eval_runs_and_summaries_are_per_split(two_split_store: Path) -> None:
    counts = table_counts(two_split_store)
    assert counts["runs"] == FULL_TOTALS["runs"] + 15  # 15 more eval runs, training runs unchanged
    assert counts["eval_summary"] == 2 * FULL_TOTALS["eval_summary"]
    assert counts["eval_samples"] == 2 * FULL_TOTALS["eval_samples"]
    assert _rows(
        two_split_store, "SELECT split, count(*) FROM runs WHERE stage = 'eval' GROUP BY split ORDER BY split"
    ) == [("math500", 15), ("test", 15)]
    assert _rows(two_split_store, "SELECT count(*) FROM runs WHERE stage != 'eval' AND split IS NOT NULL") == [
        (0,)
    ]
    assert _rows(
        two_split_store,
        "SELECT run_id, split, checkpoint, checkpoint_run_id FROM runs "
        "WHERE checkpoint_run_id = 'ko/seed1/grpo_acc' ORDER BY run_id",
    ) == [
        ("ko/seed1/grpo_acc/eval/math500", "math500", "grpo_acc", "ko/seed1/grpo_acc"),
        ("ko/seed1/grpo_acc/eval/test", "test", "grpo_acc", "ko/seed1/grpo_acc"),
    ]
    assert _rows(
        two_split_store,
        "SELECT split, accuracy, target_wr FROM eval_summary "
        "WHERE checkpoint_run_id = 'ko/seed1/grpo_acc' AND decoding = 'greedy' ORDER BY split",
    ) == [
        ("math500", eval_accuracy("grpo_acc", 1, "math500"), pytest.approx(eval_target_wr("grpo_acc", 1, "math500"))),
        ("test", eval_accuracy("grpo_acc", 1), pytest.approx(eval_target_wr("grpo_acc", 1))),
    ]
    assert _rows(two_split_store, "SELECT count(*), bool_and(consistent) FROM v_eval_check") == [(60, True)]
    assert _rows(
        two_split_store,
        "SELECT count(*) FROM eval_samples e JOIN runs r USING (run_id) WHERE e.split IS DISTINCT FROM r.split",
    ) == [(0,)]


def test_views_keep_eval_splits_apart(two_split_store: Path) -> None:
    trade = _rows(
        two_split_store,
        "SELECT split, arm, accuracy, target_wr, n_seeds FROM v_tradeoff WHERE decoding = 'greedy' "
        "ORDER BY split, arm",
    )
    expected = [
        (split, arm, sum(eval_accuracy(f"grpo_{arm}", s, split) for s in range(3)) / 3,
         sum(eval_target_wr(f"grpo_{arm}", s, split) for s in range(3)) / 3, 3)
        for split in ("math500", "test")
        for arm in ("acc", "acc_lc")
    ]
    assert trade == [(sp, arm, pytest.approx(a), pytest.approx(w), n) for sp, arm, a, w, n in expected]
    assert trade[0][2] != pytest.approx(trade[2][2])  # the splits really differ: mixing them would show
    irr = _rows(
        two_split_store,
        "SELECT split, stage, accuracy, target_wr FROM v_irreversibility "
        "WHERE lang = 'ko' AND seed = 1 AND arm = 'acc' AND decoding = 'greedy' ORDER BY split, stage_order",
    )
    checkpoints = ("base", "sft", "grpo_acc", "recovery_acc")
    assert irr == [
        (split, ckpt.split("_")[0], eval_accuracy(ckpt, 1, split), pytest.approx(eval_target_wr(ckpt, 1, split)))
        for split in ("math500", "test")
        for ckpt in checkpoints
    ]
    assert _rows(
        two_split_store,
        "SELECT max(c) FROM (SELECT count(*) AS c FROM v_irreversibility "
        "GROUP BY lang, seed, split, arm, stage, decoding, temperature)",
    ) == [(1,)]
    groups = _rows(
        two_split_store,
        "SELECT count(*), sum(share), sum(n) FROM v_correct_by_language "
        "GROUP BY checkpoint_run_id, split, decoding",
    )
    assert len(groups) == 60 and {c for c, _, _ in groups} == {4}
    assert all(total == pytest.approx(1.0) for _, total, _ in groups) and {n for *_, n in groups} <= {4, 8}
    cells = _rows(
        two_split_store,
        "SELECT split, correct, in_target, n FROM v_correct_by_language "
        "WHERE checkpoint_run_id = 'ko/seed0/grpo_acc' AND decoding = 'sampled' AND n > 0 ORDER BY split, n, correct",
    )
    # test: 3 correct of 4 (1 in target, and that one wrong); math500: 2 correct, none in target
    assert cells == [
        ("math500", False, False, 4),
        ("math500", True, False, 4),
        ("test", False, True, 2),
        ("test", True, False, 6),
    ]


def test_adding_an_eval_split_ingests_only_its_files(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results")
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    build_results_tree(tmp_path / "results2", eval_splits=("math500",))
    for path in (tmp_path / "results2").glob("*/seed*/eval/math500/*"):
        target = results / path.relative_to(tmp_path / "results2")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    report = ingest(results, db)
    assert report["artifacts"]["new"] == 30 and report["artifacts"]["changed"] == 0
    assert report["inserted"]["runs"] == 15 and report["inserted"]["train_metrics"] == 0
    assert _rows(db, "SELECT DISTINCT split FROM v_tradeoff ORDER BY 1") == [("math500",), ("test",)]


def test_eval_split_in_file_must_match_its_path(tmp_path: Path) -> None:
    def json_breaker(results: Path) -> Path:
        bad = results / "ko/seed0/eval/test/grpo_acc_lc.json"
        write_json(bad, read_json(bad) | {"split": "math500"})
        return bad

    _break_and_expect_unchanged(tmp_path / "a", json_breaker, "split 'math500' in the file but 'test' in the path")

    def parquet_breaker(results: Path) -> Path:
        bad = results / "ko/seed1/eval/test/grpo_acc_lc.parquet"
        table = pq.read_table(bad)
        idx = table.schema.get_field_index("split")
        import pyarrow as pa

        pq.write_table(table.set_column(idx, "split", pa.array(["math500"] * table.num_rows)), bad)
        return bad

    (tmp_path / "b").mkdir()
    _break_and_expect_unchanged(tmp_path / "b", parquet_breaker, r"split column holds \['math500'\]")


def test_eval_samples_without_split_column_take_the_path_split(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",), recovery_arms=())
    path = results / "ko/seed0/eval/test/sft.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["split"]), path)
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    assert _rows(db, "SELECT DISTINCT split FROM eval_samples WHERE artifact = 'ko/seed0/eval/test/sft.parquet'") == [
        ("test",)
    ]


def test_old_layout_eval_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",), recovery_arms=())
    for suffix in ("json", "parquet"):
        (results / f"ko/seed0/eval/test/sft.{suffix}").rename(results / f"ko/seed0/eval/sft.{suffix}")
    report = ingest(results, tmp_path / "c.duckdb")
    assert report["skipped_paths"] == ["ko/seed0/eval/sft.json", "ko/seed0/eval/sft.parquet"]
    assert report["artifacts"]["skipped"] == 2
    assert any("old layout" in note and "re-run the evaluate rule" in note for note in report["notes"])
    assert report["total"]["runs"] == 17  # 18 minus the skipped eval run


def test_store_of_another_schema_version_is_a_clear_error(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", arms=("acc",), recovery_arms=())
    db = tmp_path / "collapse.duckdb"
    ingest(results, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    before = db_snapshot(db)
    with pytest.raises(IngestError, match=rf"schema version 1, this code needs version {SCHEMA_VERSION}") as err:
        ingest(results, db)
    assert f"delete {db}" in str(err.value) and "re-run the pipeline" in str(err.value)
    assert db_snapshot(db) == before
    with pytest.raises(StoreVersionError, match="delete .* re-run the pipeline"):
        connect_readonly(db)
    legacy = tmp_path / "legacy.duckdb"  # tables but no version at all
    with duckdb.connect(str(legacy)) as con:
        con.execute("CREATE TABLE runs (run_id VARCHAR)")
    with pytest.raises(IngestError, match="schema version 0"):
        ingest(results, legacy)
    db.unlink()
    assert ingest(results, db)["total"]["runs"] == 18  # rebuilt from the artifacts
    assert table_counts(db)["eval_summary"] == 18
