"""The results layout (pipeline.layout): run ids, checkpoint vocabulary, roots; and what DAG parsing imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline import layout
from pipeline.layout import LayoutError


def test_run_ids_mirror_the_directories():
    assert layout.run_id("ko", "0", "grpo_acc") == "ko/seed0/grpo_acc"
    assert layout.eval_run_id("ko", 2, "base", "math500") == "ko/seed2/base/eval/math500"
    assert layout.fill(layout.EVAL_SUMMARY, split="test") == "{lang}/seed{seed}/eval/test/{checkpoint}.json"


@pytest.mark.parametrize(("checkpoint", "phase", "arm", "stage"), [
    ("base", "base", None, "pretrain"), ("sft", "sft", None, "sft"), ("grpo_acc_lc", "grpo", "acc_lc", "grpo"),
    ("recovery_acc", "recovery", "acc", "recovery"),
])
def test_checkpoint_vocabulary(checkpoint, phase, arm, stage):
    assert layout.parse_checkpoint(checkpoint) == (phase, arm)
    assert layout.checkpoint_name(phase, arm) == checkpoint
    assert (layout.phase_of(checkpoint), layout.arm_of(checkpoint), layout.stage_of(checkpoint)) == (phase, arm, stage)


def test_names_outside_the_layout_are_refused():
    assert layout.parse_checkpoint("grpo_Acc") is None and layout.phase_of("eval") is None
    with pytest.raises(LayoutError, match="needs arm"):
        layout.checkpoint_name("grpo")
    with pytest.raises(LayoutError, match="not a checkpoint"):
        layout.stage_of("final")
    with pytest.raises(LayoutError, match="not a results root"):
        layout.prior_of_root("elsewhere/results")


def test_roots():
    assert layout.prior_root("en70") == "results/priors/en70/results"
    assert layout.prior_of_root("results/priors/en70/results") == "en70" and layout.prior_of_root("results") is None
    assert layout.workdir_of("results") == "" and layout.workdir_of(layout.prior_root("en70")) == "results/priors/en70/"


def test_dag_parsing_imports_no_heavy_library():
    """What workflow/rules/common.smk imports at `snakemake -n` time stays light (no torch, pandas, duckdb ...;
    numpy comes with Snakemake itself)."""
    code = ("import sys; from pipeline import layout, settings, smk; "
            "settings.settings_by_root(settings.load_config('config/config.yaml')); "
            "print(' '.join(sorted(m for m in ('torch', 'transformers', 'trl', 'pandas', 'duckdb', 'matplotlib', "
            "'datasets', 'pyarrow') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"heavy modules imported at DAG parse time: {out.stdout}"
