"""Snakemake glue for pipeline.train.sft (rules sft and recovery)."""
from pathlib import Path

from pipeline.smk import checkpoint_run, job_log
from pipeline.train.sft import run_sft

params = snakemake.params
with job_log(snakemake):
    run_sft(params.model_path, snakemake.input.train, Path(snakemake.output.run).parent, checkpoint_run(snakemake),
            params.cfg, params.prompt, snakemake.threads)
