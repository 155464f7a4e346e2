"""Snakemake glue for pipeline.data.translate (rule translate)."""
from pipeline.data.translate import run_translation
from pipeline.smk import job_log

with job_log(snakemake):
    run_translation(snakemake.input.records, snakemake.output.records, snakemake.output.qc,
                    snakemake.output.summary, snakemake.wildcards.lang,
                    {**snakemake.params.cfg, "max_workers": snakemake.params.cfg.get("max_workers", snakemake.threads)})
