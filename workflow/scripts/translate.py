"""Snakemake glue for rule translate: pipeline.data.translate, or pipeline.data.native for a native benchmark split."""
from pipeline.smk import job_log

with job_log(snakemake):
    cfg = snakemake.params.cfg
    if "native" in cfg:  # the benchmark's own records in this language; no translator (docs/benchmarks.md)
        from pipeline.data.native import run_native

        run_native(snakemake.input.records, snakemake.output.records, snakemake.output.qc, snakemake.output.summary,
                   snakemake.wildcards.lang, cfg["native"], snakemake.wildcards.split)
    else:
        from pipeline.data.translate import run_translation

        run_translation(snakemake.input.records, snakemake.output.records, snakemake.output.qc,
                        snakemake.output.summary, snakemake.wildcards.lang,
                        {**cfg, "max_workers": cfg.get("max_workers", snakemake.threads)})
