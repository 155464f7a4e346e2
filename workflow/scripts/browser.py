"""Snakemake glue for pipeline.browser (rule browser): the chain-of-thought browser of one results root."""
from pipeline.browser import write_browser
from pipeline.smk import job_log

with job_log(snakemake):
    page = write_browser(snakemake.params.db, snakemake.output.html)
    print(f"{page}: {page.stat().st_size / 1e6:.1f} MB")
