"""Japanese and Thai through the whole micro DAG (slow): the world renders both, the template translator keeps every
item, and every stage down to the findings has a row per language."""

from __future__ import annotations

import json

import duckdb
import pytest

from support import DEFAULT_CONFIG, snakemake, write_config


@pytest.mark.slow
def test_ja_and_th_run_the_micro_dag(tmp_path):
    config = write_config(tmp_path, languages=["ja", "th"])
    run = snakemake(tmp_path, "--cores", "2", configs=(config,), timeout=1800)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    results = tmp_path / "results"
    for lang in ("ja", "th"):
        summary = json.loads((results / f"data/{lang}/train.summary.json").read_text())
        assert summary["written"] == summary["n_items"] == 120 and summary["dropped"] == 0
    findings = json.loads((results / "findings.json").read_text())
    assert sorted(r["lang"] for r in findings["per_seed"]) == ["ja", "th"]
    con = duckdb.connect(str(results / "collapse.duckdb"), read_only=True)
    langs = con.execute("SELECT lang, count(*) FROM eval_samples GROUP BY lang ORDER BY lang").fetchall()
    assert [lang for lang, _ in langs] == ["ja", "th"] and langs[0][1] == langs[1][1]
    # the prompts the models saw are in their own language (the world's renderings, not English)
    prompts = dict(con.execute("SELECT lang, any_value(prompt) FROM rollouts r JOIN runs u USING (run_id) "
                               "GROUP BY lang").fetchall())
    assert any("\u3040" <= ch <= "\u30ff" for ch in prompts["ja"]) and any("\u0e00" <= ch <= "\u0e7f"
                                                                         for ch in prompts["th"])


@pytest.mark.parametrize("lang", ["ja", "th"])
def test_the_default_dag_plans_every_job_for_ja_and_th(tmp_path, lang):
    config = write_config(tmp_path, base=DEFAULT_CONFIG, languages=[lang])
    plan = snakemake(tmp_path, "-n", configs=(config,), timeout=300)
    assert plan.returncode == 0, plan.stderr[-2000:]
    assert f"results/data/{lang}/train.jsonl" in plan.stdout and f"results/{lang}/seed0/grpo_acc/model" in plan.stdout
