"""Snakemake glue for pipeline.analysis.figures (rule figure)."""
from pipeline.analysis import figures
from pipeline.smk import job_log

with job_log(snakemake):
    plot = getattr(figures, f"plot_{snakemake.wildcards.figure}")
    plot(snakemake.params.db, snakemake.output.png, snakemake.output.pdf, **snakemake.params.opts)
