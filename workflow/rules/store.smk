# The one writer of the DuckDB store: ingests every artifact (idempotent, incremental).
# The database file itself is not a Snakemake output (Snakemake would delete it before each run);
# the ingest report is, and figures depend on it with ancient() so they re-run only when their own inputs change.

from pathlib import Path

INGEST_REPORT = "results/store/ingest_report.json"


localrules:
    ingest,
    figure,


rule ingest:
    input:
        evals=eval_outputs(),
        runs=training_outputs(),
        translations=translated_outputs(),
    output:
        report=INGEST_REPORT,
    params:
        results_dir=lambda wc, output: str(Path(output.report).parents[1]),
        db=STORE,
    threads: resources_for("ingest", "threads", 1)
    resources:
        **rule_resources("ingest", mem_mb=2000, runtime=30),
    log:
        "results/logs/ingest.log",
    conda:
        STORE_ENV
    script:
        "../scripts/ingest.py"
