"""Snakemake glue for pipeline.train.pretrain (rule pretrain)."""
from pathlib import Path

from pipeline.smk import job_log
from pipeline.train.pretrain import run_pretrain

with job_log(snakemake):
    run_pretrain(snakemake.input.parallel, Path(snakemake.output.run).parent, snakemake.wildcards.lang,
                 int(snakemake.wildcards.seed), snakemake.params.cfg, snakemake.params.template, snakemake.threads)
