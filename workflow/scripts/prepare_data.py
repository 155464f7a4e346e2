"""Snakemake glue for pipeline.data.prepare (rule prepare_data)."""
from pathlib import Path

from pipeline.data.prepare import run_prepare
from pipeline.smk import job_log

with job_log(snakemake):
    run_prepare(Path(snakemake.output.report).parent, snakemake.params.splits, snakemake.params.world,
                snakemake.params.world_languages)
