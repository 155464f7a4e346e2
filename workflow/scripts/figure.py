"""Snakemake glue for pipeline.figures (rule figure)."""
from pipeline import figures
from pipeline.smk import job_log

with job_log(snakemake):
    plot = getattr(figures, f"plot_{snakemake.wildcards.figure}")
    plot(snakemake.params.db, snakemake.output.png, snakemake.output.pdf, **snakemake.params.opts)
