"""Snakemake glue for pipeline.store (rule ingest): one results root into its DuckDB store."""
from pathlib import Path

from pipeline.jsonl import write_json
from pipeline.smk import job_log
from pipeline.store import ingest

with job_log(snakemake):
    counts = ingest(Path(snakemake.wildcards.root), Path(snakemake.params.db))
    write_json(snakemake.output.report, {"db": snakemake.params.db, "counts": counts})
