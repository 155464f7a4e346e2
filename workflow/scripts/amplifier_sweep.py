"""Snakemake glue for pipeline.analysis.amplifiers (rule amplifier_figure)."""
from pipeline.analysis.amplifiers import sweep_markdown, write_sweep
from pipeline.analysis.figures import eval_selection
from pipeline.smk import job_log

with job_log(snakemake):
    spec = snakemake.params.spec
    pooled = write_sweep(snakemake.params.db, snakemake.wildcards.sweep, spec, snakemake.output.png,
                         snakemake.output.pdf, snakemake.output.table, **eval_selection(snakemake.params.opts))
    print(sweep_markdown(snakemake.wildcards.sweep, spec["label"], pooled), end="")
