"""Snakemake glue for pipeline.analysis.findings (rule findings)."""
from pipeline.analysis.figures import eval_selection
from pipeline.analysis.findings import to_markdown, write_findings
from pipeline.smk import job_log

with job_log(snakemake):
    table = write_findings(snakemake.params.db, snakemake.output.json, snakemake.output.md,
                           **eval_selection(snakemake.params.opts), amplifiers=snakemake.params.amplifiers)
    print(to_markdown(table), end="")
