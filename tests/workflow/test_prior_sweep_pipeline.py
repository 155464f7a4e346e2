"""Target prior_sweep end to end on the micro config (slow): one results root per pretraining mix."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from support import MICRO, SCENARIOS, merged, snakemake

PRIOR_SWEEP = SCENARIOS / "config_prior_sweep" / "config.yaml"


@pytest.mark.slow
def test_prior_sweep_runs_one_pipeline_per_mix_and_one_figure(tmp_path):
    """Target prior_sweep on the micro config: a complete pipeline (own config, results tree and store) per
    pretraining mix, in one DAG, then one figure and table read from those stores; a second call has nothing
    to do."""
    configs = (MICRO, PRIOR_SWEEP)
    cfg = merged(*configs)
    run = snakemake(tmp_path, "--cores", "2", "prior_sweep", configs=configs, timeout=1500)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    for prior, mix in cfg["prior_sweep"]["mixes"].items():
        prior_cfg = yaml.safe_load((tmp_path / "results" / "priors" / prior / "config.yaml").read_text())
        assert prior_cfg["pretrain"]["mix"] == mix and "prior_sweep" not in prior_cfg
        base = json.loads((tmp_path / f"results/priors/{prior}/results/ko/seed0/base/run.json").read_text())
        assert base["params"]["mix"] == mix
        assert (tmp_path / f"results/priors/{prior}/results/collapse.duckdb").exists()
    assert not (tmp_path / "results" / "ko").exists()  # the sweep does not touch the default run
    table = pd.read_csv(tmp_path / "results" / "priors" / "prior_sweep.csv")
    assert sorted(table.prior) == ["en50", "en90"]
    assert table.set_index("prior").tgt_reasoning.to_dict() == pytest.approx({"en90": 0.05, "en50": 0.45})
    assert (tmp_path / "results" / "figures" / "prior_sweep.png").stat().st_size > 5000
    again = snakemake(tmp_path, "-n", "prior_sweep", configs=configs, timeout=120)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
