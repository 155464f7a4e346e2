"""Snakemake glue for pipeline.train.grpo (rule grpo)."""
from pathlib import Path

from pipeline.smk import checkpoint_run, job_log
from pipeline.train.grpo import run_grpo

params = snakemake.params
with job_log(snakemake):
    run_grpo(params.model_path, snakemake.input.train, Path(snakemake.output.run).parent, checkpoint_run(snakemake),
             params.cfg, params.reward, params.prompt, snakemake.threads)
