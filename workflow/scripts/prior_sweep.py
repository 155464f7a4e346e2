"""Snakemake glue for pipeline.analysis.prior_sweep (rule prior_sweep_figure)."""
from pipeline.analysis.prior_sweep import plot_prior_sweep, prior_table
from pipeline.smk import job_log

with job_log(snakemake):
    table = prior_table(snakemake.params.dbs, snakemake.params.split)
    table.to_csv(snakemake.output.table, index=False)
    plot_prior_sweep(table, snakemake.output.png, snakemake.output.pdf)
    print(table.to_string())
