# The one writer of the DuckDB store: ingests every artifact (idempotent, incremental).
# The database file itself is not a Snakemake output (Snakemake would delete it before each run);
# the ingest report is, and figures depend on it with ancient() so they re-run only when their own inputs change.

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
        results_dir="results",
        db=STORE,
    log:
        "results/logs/ingest.log",
    script:
        "../scripts/ingest.py"
