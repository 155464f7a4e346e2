"""Snakemake glue for pipeline.store (rule ingest): one results root into its DuckDB store."""
from pathlib import Path

from pipeline.jsonl import write_json
from pipeline.smk import job_log
from pipeline.store import ingest

with job_log(snakemake):
    report = ingest(Path(snakemake.wildcards.root), Path(snakemake.output.db), current=snakemake.params.current)
    for note in report["notes"]:
        print(note)
    write_json(snakemake.output.report, {"db": snakemake.output.db, **report})
