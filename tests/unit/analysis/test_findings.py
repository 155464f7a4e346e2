"""The three findings read from a real DuckDB store built from a fixture results tree with known numbers."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analysis import figures, findings
from pipeline.settings import Settings, load_config
from pipeline.store import ingest
from store_fixtures import build_results_tree, eval_accuracy, eval_lc_acc, eval_lcr, eval_target_wr


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


def test_language_metrics_table_puts_ours_next_to_the_peers(db, tmp_path):
    """results/findings.md: per checkpoint, the mean over seeds of accuracy, our Target WR and the peer rates."""
    findings.write_findings(db, tmp_path / "f.json", tmp_path / "f.md")
    md = (tmp_path / "f.md").read_text()
    assert "| lang | checkpoint | accuracy | Target WR (ours) | MMATH think LCR |" in md
    for label, checkpoint in (("SFT", "sft"), ("GRPO acc-only", "grpo_acc"), ("+ LC", "grpo_acc_lc"),
                              ("recovery", "recovery_acc")):
        def mean(f, checkpoint=checkpoint):
            return sum(f(checkpoint, s) for s in (0, 1, 2)) / 3
        lcr = f"{mean(eval_lcr):.3f}"
        row = (f"| ko | {label} | {mean(eval_accuracy):.3f} | {mean(eval_target_wr):.3f} | {lcr} | {lcr} | {lcr} "
               f"| {lcr} | {mean(eval_lc_acc):.3f} |")
        assert row in md, row


def test_missing_measurements_are_nan_not_pass(tmp_path):
    results = build_results_tree(tmp_path / "results", seeds=(0,), recovery_arms=())
    ingest(results, tmp_path / "c.duckdb")
    row = findings.findings_table(tmp_path / "c.duckdb").iloc[0]
    assert math.isnan(row.recovery_accuracy) and math.isnan(row.iii_irreversible)
    assert row.i_drift == 1.0
    with pytest.raises(ValueError, match=r"split 'validation' not in v_eval_points; available: \['test'\]"):
        findings.findings_table(tmp_path / "c.duckdb", split="validation")
    with pytest.raises(ValueError, match=r"no evaluation .* matches decoding='sampled' temperature=0.7"):
        findings.findings_table(tmp_path / "c.duckdb", temperature=0.7)


# -- the decoding the eval figures show; the GRPO start checkpoint -----------------------------------------------
def resample(results: Path, temperatures: tuple[float, ...]) -> None:
    """Every eval summary as eval.greedy: true with ``temperatures``: greedy keeps the fixture's numbers, sampled at
    T has accuracy and Target WR lower by T / 10, so each decoding has numbers of its own."""
    for path in results.glob("*/seed*/eval/*/*.json"):
        meta = json.loads(path.read_text())
        greedy = next(e for e in meta["summary"] if e["decoding"] == "greedy")
        meta["summary"] = [greedy] + [
            {**greedy, "decoding": "sampled", "temperature": t, "accuracy": greedy["accuracy"] - t / 10,
             "target_wr": greedy["target_wr"] - t / 10} for t in temperatures]
        path.write_text(json.dumps(meta))


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[tuple[float, ...], Path]:
    """Stores evaluated like config/config.yaml and the micro config (greedy, T 1.0) and like
    config/paper_gsm8k.yaml (greedy, T 0.7 and 1.0), keyed by eval.temperatures."""
    out = {}
    for temps in ((1.0,), (0.7, 1.0)):
        root = tmp_path_factory.mktemp("decodings")
        resample(build_results_tree(root / "results"), temps)
        ingest(root / "results", root / "collapse.duckdb")
        out[temps] = root / "collapse.duckdb"
    return out


def _shown(data) -> set[tuple[str, float | None]]:
    return {(d, None if pd.isna(t) else float(t)) for d, t in zip(data["decoding"], data["temperature"], strict=True)}


def _check_same_decoding(db: Path, tmp_path: Path, opts: dict, expected: tuple[str, float | None]) -> None:
    """Figures drawn with ``opts`` (a figures: section) and findings written with them show ``expected``."""
    irr = figures.plot_irreversibility(db, tmp_path / "i.png", tmp_path / "i.pdf", **opts)
    trade = figures.plot_tradeoff(db, tmp_path / "t.png", tmp_path / "t.pdf", **opts)
    table = findings.write_findings(db, tmp_path / "f.json", tmp_path / "f.md", **figures.eval_selection(opts))
    assert _shown(irr) == _shown(trade) == _shown(table) == {expected}
    shift = (expected[1] or 0.0) / 10
    assert table.grpo_accuracy.tolist() == pytest.approx([eval_accuracy("grpo_acc", s) - shift for s in (0, 1, 2)])
    irr_mean = irr.set_index(["arm", "stage", "metric"])["mean"]
    assert irr_mean["acc", "grpo", "accuracy"] == pytest.approx(table.grpo_accuracy.mean())
    assert trade.set_index("arm").loc["acc", "accuracy"] == pytest.approx(table.grpo_accuracy.mean())
    assert irr_mean["acc", "sft", "target_wr"] == pytest.approx(table.start_target_wr.mean())
    label = "greedy" if expected[1] is None else f"sampled T={expected[1]}"
    assert f"split `test`, {label} decoding" in (tmp_path / "f.md").read_text()
    payload = json.loads((tmp_path / "f.json").read_text())
    assert (payload["split"], payload["decoding"], payload["temperature"]) == ("test", *expected)


@pytest.mark.parametrize(("config", "temps", "expected"), [
    ("config/config.yaml", (1.0,), ("sampled", 1.0)),  # figures.decoding: sampled, as before
    (".test/config_micro/config.yaml", (1.0,), ("greedy", None)),
    ("config/paper_gsm8k.yaml", (0.7, 1.0), ("greedy", None)),
], ids=["default", "micro", "paper"])
def test_findings_show_the_decoding_of_the_configs_eval_figures(stores, tmp_path, config, temps, expected):
    _check_same_decoding(stores[temps], tmp_path, Settings(load_config(config)).figure_options(), expected)


@pytest.mark.parametrize(("opts", "expected"), [
    ({"decoding": "sampled"}, ("sampled", 1.0)),  # several temperatures: the highest
    ({"decoding": "sampled", "temperature": 0.7}, ("sampled", 0.7)),
    ({"temperature": 0.7, "smoothing": 5}, ("sampled", 0.7)),  # a temperature alone means sampled
    ({"decoding": "greedy"}, ("greedy", None)),
])
def test_paper_shaped_figures_and_findings_agree_on_any_choice(stores, tmp_path, opts, expected):
    _check_same_decoding(stores[(0.7, 1.0)], tmp_path, {"split": "test", **opts}, expected)


def test_without_sft_drift_is_judged_from_the_base_model(tmp_path):
    """sft.enabled: false: checkpoints base, grpo_*, recovery_*; GRPO's parent run is base."""
    results = build_results_tree(tmp_path / "results")
    for seed in (0, 1, 2):
        run_dir = results / "ko" / f"seed{seed}"
        shutil.rmtree(run_dir / "sft")
        for ext in ("json", "parquet"):
            (run_dir / "eval" / "test" / f"sft.{ext}").unlink()
        for arm in ("acc", "acc_lc"):
            run_json = run_dir / f"grpo_{arm}" / "run.json"
            meta = {**json.loads(run_json.read_text()), "parent_run_id": f"ko/seed{seed}/base"}
            run_json.write_text(json.dumps(meta))
    ingest(results, tmp_path / "c.duckdb")
    table = findings.write_findings(tmp_path / "c.duckdb", tmp_path / "f.json", tmp_path / "f.md")
    assert set(table.start) == {"base"} and table.sft_accuracy.isna().all()
    for row in table.itertuples():
        assert row.start_accuracy == pytest.approx(eval_accuracy("base", row.seed))
        assert row.target_drop == pytest.approx(eval_target_wr("base", row.seed) - eval_target_wr("grpo_acc", row.seed))
        assert row.accuracy_gain == pytest.approx(eval_accuracy("grpo_acc", row.seed) - eval_accuracy("base", row.seed))
    assert list(table.i_drift) == [1.0, 1.0, 1.0] and list(table.iii_irreversible) == [1.0, 1.0, 1.0]
    md = (tmp_path / "f.md").read_text()
    assert "nan" not in md and "| - |" not in md and "| base acc / target |" in md and "| ko | base |" in md
    assert "| ko | 0 | 0.250 / 1.00 |" in md and "| 3/3 | 2/3 | 3/3 |" in md
    assert json.loads((tmp_path / "f.json").read_text())["start"] == ["base"]


def test_cli_names_the_decoding_and_rejects_one_not_evaluated(stores, capsys):
    db = str(stores[(0.7, 1.0)])
    assert findings.main([db]) == 0 and "split `test`, greedy decoding" in capsys.readouterr().out
    assert findings.main([db, "--temperature", "0.7"]) == 0 and "sampled T=0.7 decoding" in capsys.readouterr().out
    assert findings.main([db, "--decoding", "greedy", "--temperature", "0.7"]) == 1
    assert "available (decoding, temperature): [('greedy', None), ('sampled', 0.7)" in capsys.readouterr().err


def test_claim_intervals_pool_seeds_and_items_from_the_store(db, tmp_path):
    """Each claim's estimate is the mean over seeds of the mean over paired items, recomputed here in SQL; its
    interval brackets it; the verdict follows the interval; JSON and Markdown carry the table."""
    import duckdb

    table = findings.findings_table(db, decoding="greedy")
    intervals = findings.claim_intervals(db, table, n_boot=500)
    clauses = intervals[intervals.clause != "all"]
    assert set(clauses.claim) == {"i_drift", "ii_tradeoff", "iii_irreversible"} and len(clauses) == 6
    assert (clauses.lo <= clauses.estimate + 1e-12).all() and (clauses.estimate <= clauses.hi + 1e-12).all()
    assert set(clauses.n_seeds) == {3}
    with duckdb.connect(str(db), read_only=True) as con:
        per_seed = con.execute("""
            WITH item AS (
              SELECT seed, split_part(checkpoint_run_id, '/', 3) AS ck, item_id, avg(target_share) AS t
              FROM eval_samples WHERE split = 'test' AND decoding = 'greedy' AND gold_ok IS NOT FALSE GROUP BY ALL)
            SELECT s.seed, avg(s.t - g.t) FROM item s JOIN item g USING (seed, item_id)
            WHERE s.ck = 'sft' AND g.ck = 'grpo_acc' GROUP BY s.seed""").fetchall()
    expected = sum(v for _, v in per_seed) / len(per_seed)
    lost = clauses[(clauses.claim == "i_drift") & (clauses.clause == "target lost")].iloc[0]
    assert lost.estimate == pytest.approx(expected)
    for r in clauses.itertuples():
        side_ok = r.lo > r.threshold if r.side == ">" else r.hi < r.threshold
        assert (r.verdict == "holds") == side_ok
    claims = intervals[intervals.clause == "all"].set_index("claim").verdict
    assert set(claims.index) == {"i_drift", "ii_tradeoff", "iii_irreversible"}

    findings.write_findings(db, tmp_path / "f.json", tmp_path / "f.md", decoding="greedy")
    payload = json.loads((tmp_path / "f.json").read_text())
    assert {r["claim"] for r in payload["intervals"]} == {"i_drift", "ii_tradeoff", "iii_irreversible"}
    md = (tmp_path / "f.md").read_text()
    assert "hierarchical bootstrap over seeds and items" in md and "| ko | (i) drift | target lost |" in md


def test_resolution_narrows_with_more_items_and_seeds_and_keeps_the_estimate(db):
    from pipeline.analysis.resolution import clause_resolution

    table = findings.findings_table(db)
    out = clause_resolution(db, "ii_tradeoff", "accuracy cost", [4, 400], [3, 30])
    assert list(out.n_items) == [4, 400, 4, 400] and list(out.n_seeds) == [3, 3, 30, 30]
    width = out.set_index(["n_seeds", "n_items"]).width
    assert width[(3, 400)] < width[(3, 4)] and width[(30, 400)] < width[(3, 400)]
    est = (table.grpo_accuracy - table.lc_accuracy).mean()
    assert all(lo <= est + 1e-9 and est - 1e-9 <= hi for lo, hi in zip(out.lo, out.hi, strict=True))
    with pytest.raises(ValueError, match="claim 'ii_tradeoff' has clauses"):
        clause_resolution(db, "ii_tradeoff", "nope", [4], [3])
