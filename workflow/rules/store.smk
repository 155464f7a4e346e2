# The one writer of the DuckDB store: ingests every artifact (idempotent, incremental).
# The database file itself is not a Snakemake output (Snakemake would delete it before each run);
# the ingest report is, and figures depend on it with ancient() so they re-run only when their own inputs change.

from pathlib import Path

INGEST_REPORT = "results/store/ingest_report.json"
FINDINGS = ["results/findings.md", "results/findings.json"]  # both: a prior_sweep job waits for the json


localrules:
    ingest,
    figure,
    findings,


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


rule findings:
    input:
        ingested=ancient(INGEST_REPORT),
        artifacts=lambda wc: eval_outputs([FIGURE_SPLIT]) + training_outputs(),
    output:
        json="results/findings.json",
        md=report("results/findings.md", caption="../report/findings.rst", category="Findings"),
    params:
        db=STORE,
        split=FIGURE_SPLIT,
    threads: resources_for("findings", "threads", 1)
    resources:
        **rule_resources("findings", mem_mb=2000, runtime=10),
    log:
        "results/logs/findings.log",
    conda:
        STORE_ENV
    script:
        "../scripts/findings.py"
