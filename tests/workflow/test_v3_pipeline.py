"""The v3 studies end to end at micro scale (.test/config_v3 on top of config_micro): amplifier sweeps, decoding-time
controls and the temperature axis on the studied checkpoints, rollout-controlled arms; every number of the
findings' new rows recomputed from the store's per-sample rows."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from pipeline.jsonl import read_jsonl
from support import MICRO, SCENARIOS, snakemake

V3 = SCENARIOS / "config_v3" / "config.yaml"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def v3(tmp_path_factory):
    work = tmp_path_factory.mktemp("v3")
    run = snakemake(work, "--cores", "2", configs=(MICRO, V3), timeout=1800)
    assert run.returncode == 0, run.stderr[-4000:]
    return work / "results"


def _items(con, checkpoint: str, decoding: str, temperature: float | None) -> pd.DataFrame:
    return con.execute(
        "SELECT item_id, avg(CAST(correct AS DOUBLE)) AS acc, avg(target_share) AS tgt FROM eval_samples "
        "WHERE split_part(checkpoint_run_id, '/', 3) = ? AND decoding = ? AND temperature IS NOT DISTINCT FROM ? "
        "AND gold_ok GROUP BY item_id", [checkpoint, decoding, temperature]).df().set_index("item_id")


def test_studies_run_only_on_the_studied_checkpoints(v3):
    con = duckdb.connect(str(v3 / "collapse.duckdb"), read_only=True)
    got = con.execute("SELECT split_part(checkpoint_run_id, '/', 3) AS c, list(DISTINCT decoding || ':' || "
                      "coalesce(CAST(temperature AS VARCHAR), '-') ORDER BY decoding || ':' || "
                      "coalesce(CAST(temperature AS VARCHAR), '-')) FROM eval_samples GROUP BY 1").fetchall()
    got = dict(got)
    studied = sorted(f"{d}:{t}" for d in ("greedy", "greedy+prefill", "greedy+script_bias") for t in ("-",))
    studied += sorted(f"{d}:{t}" for d in ("sampled", "sampled+prefill", "sampled+script_bias") for t in ("0.5", "1.0"))
    for checkpoint in ("sft", "grpo_acc"):
        assert sorted(got.pop(checkpoint)) == sorted(studied)
    assert set(got) == {"base", "grpo_acc_lc", "grpo_acc_bias", "grpo_acc_prefill", "grpo_difficulty_1",
                        "grpo_difficulty_3", "grpo_grpo_temperature_0p7", "recovery_acc"}
    assert all(v == ["greedy:-", "sampled:1.0"] for v in got.values())
    # what the controls applied is recorded per decoding in the eval summary
    summary = json.loads((v3 / "ko/seed0/eval/test/grpo_acc.json").read_text())["summary"]
    gen = {(e["decoding"], e["temperature"]): e["generation"] for e in summary}
    assert gen[("greedy+script_bias", None)]["script_bias"] == 3.0 and gen[("greedy+script_bias", None)][
        "biased_tokens"] > 0
    assert gen[("sampled+prefill", 0.5)]["prefill"] == "먼저 단계별로 풀어 보겠습니다."


def test_difficulty_arms_train_on_their_difficulty_only(v3):
    difficulty = {r["id"]: r["difficulty"] for r in read_jsonl(v3 / "data/ko/train.jsonl")}
    assert set(difficulty.values()) == {1, 2, 3}
    for arm, level in (("difficulty_1", 1), ("difficulty_3", 3)):
        roll = pd.read_parquet(v3 / f"ko/seed0/grpo_{arm}/rollouts.parquet")
        assert {difficulty[i] for i in roll["item_id"]} == {level}
        run = json.loads((v3 / f"ko/seed0/grpo_{arm}/run.json").read_text())
        assert run["params"]["train_difficulty"] == [level]
        assert run["n_train_records"] == sum(1 for d in difficulty.values() if d == level)
    acc = pd.read_parquet(v3 / "ko/seed0/grpo_acc/rollouts.parquet")
    assert len({difficulty[i] for i in acc["item_id"]}) > 1


def test_rollout_controls_are_applied_and_recorded(v3):
    run = json.loads((v3 / "ko/seed0/grpo_acc_bias/run.json").read_text())
    assert run["rollout_control"]["script_bias"] == 3.0 and run["rollout_control"]["biased_tokens"] > 0
    roll = pd.read_parquet(v3 / "ko/seed0/grpo_acc_prefill/rollouts.parquet")
    assert roll["prompt"].str.endswith("먼저 단계별로 풀어 보겠습니다.").all()


def test_findings_rows_equal_the_paired_differences_of_the_samples(v3):
    found = json.loads((v3 / "findings.json").read_text())
    temperature = found["temperature"]
    con = duckdb.connect(str(v3 / "collapse.duckdb"), read_only=True)
    sft = _items(con, "sft", found["decoding"], temperature)
    # amplifier points: Target WR lost / accuracy gained from the warm-start, mean over the paired items
    for name, arms in (("difficulty", {1.0: "difficulty_1", 3.0: "difficulty_3"}),
                       ("grpo_temperature", {0.7: "grpo_temperature_0p7", 1.0: "acc"})):
        rows = {r["x"]: r for r in found["amplifiers"][name] if r["row"] == "point"}
        assert set(rows) == set(arms)
        for x, arm in arms.items():
            items = sft.join(_items(con, f"grpo_{arm}", found["decoding"], temperature), rsuffix="_arm")
            assert rows[x]["target_lost"] == pytest.approx((items.tgt - items.tgt_arm).mean())
            assert rows[x]["accuracy_gained"] == pytest.approx((items.acc_arm - items.acc).mean())
            assert rows[x]["target_lost_lo"] <= rows[x]["target_lost"] <= rows[x]["target_lost_hi"]
        contrast = [r for r in found["amplifiers"][name] if r["row"] == "contrast"]
        assert len(contrast) == 1 and contrast[0]["verdict"] in ("holds", "not reproduced", "inconclusive")
    # decoding-time controls: control minus no control on the same checkpoint and items
    controls = pd.DataFrame(found["controls"])
    assert set(controls.kind) == {"control", "temperature", "rollout_control"}
    row = controls[(controls.kind == "control") & (controls.condition == "script_bias")
                   & (controls.checkpoint == "collapsed") & (controls.decoding == "greedy")].iloc[0]
    plain, biased = _items(con, "grpo_acc", "greedy", None), _items(con, "grpo_acc", "greedy+script_bias", None)
    assert row.target == pytest.approx((biased.tgt - plain.tgt).mean())
    assert row.accuracy == pytest.approx((biased.acc - plain.acc).mean())
    hot, cool = _items(con, "sft", "sampled", 1.0), _items(con, "sft", "sampled", 0.5)
    row = controls[(controls.kind == "temperature") & (controls.checkpoint == "start")].iloc[0]
    assert row.condition == "T=0.5 vs T=1" and row.target == pytest.approx((cool.tgt - hot.tgt).mean())
    md = (v3 / "findings.md").read_text()
    assert "Decoding-time controls" in md and "Amplifier sweep `difficulty`" in md and "Rollout controls" in md


def test_each_sweep_has_its_figure_and_table_and_a_rerun_does_nothing(v3):
    for name in ("difficulty", "grpo_temperature"):
        assert (v3 / f"figures/amplifier_{name}.png").stat().st_size > 10_000
        table = pd.read_csv(v3 / f"amplifiers/{name}.csv")
        assert set(table.row) == {"seed", "point", "contrast"}
    again = snakemake(v3.parent, "-n", configs=(MICRO, V3), timeout=300)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr, again.stdout[-2000:]


def test_recovery_study_pairs_with_the_tree_and_reruns_nothing(v3):
    from pipeline.analysis.recovery_study import VARIANTS, main

    configs = [str(MICRO), str(V3)]
    assert main([str(v3), "--config", *configs]) == 0
    table = pd.read_csv(v3 / "irreversibility/study.csv")
    assert list(table.variant) == list(VARIANTS) and set(table.arm) == {"acc"}
    rec = pd.read_parquet(v3 / "ko/seed0/eval/test/recovery_acc.parquet")
    greedy = rec[rec.decoding == "greedy"].groupby("item_id").target_share.mean().mean()
    assert table.set_index("variant").loc["default", "recovery_target_wr"] == pytest.approx(greedy)
    one = v3 / "irreversibility/ko/seed0/acc/steps1"
    assert json.loads((one / "run.json").read_text())["params"]["steps"] == 1
    stamp = (one / "eval.parquet").stat().st_mtime_ns
    assert main([str(v3), "--config", *configs]) == 0 and (one / "eval.parquet").stat().st_mtime_ns == stamp
