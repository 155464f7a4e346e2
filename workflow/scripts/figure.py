"""Snakemake glue for pipeline.analysis.figures (rule figure)."""
from pipeline.analysis.figures import PLOTS
from pipeline.smk import job_log

with job_log(snakemake):
    PLOTS[snakemake.wildcards.figure](snakemake.params.db, snakemake.output.png, snakemake.output.pdf,
                                      **snakemake.params.opts)
