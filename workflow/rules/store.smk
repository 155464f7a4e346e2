# The one writer of each root's DuckDB store: ingests every artifact of the root (idempotent, incremental), and
# the paper's findings read back from it.
# The database file itself is not a Snakemake output (Snakemake would delete it before each run);
# the ingest report is, and figures depend on it with ancient() so they re-run only when their own inputs change.


localrules:
    ingest,
    figure,
    findings,


rule ingest:
    input:
        evals=lambda wc: eval_outputs(wc.root),
        runs=lambda wc: training_outputs(wc.root),
        translations=lambda wc: translated_outputs(wc.root),
    output:
        report=P(L.INGEST_REPORT),
    params:
        db=lambda wc: at(wc).store,
    threads: S.resource("ingest", "threads", 1)
    resources:
        **S.resources("ingest", mem_mb=2000, runtime=30),
    log:
        log_path("ingest"),
    conda:
        STORE_ENV
    script:
        "../scripts/ingest.py"


rule findings:
    input:
        ingested=ancient(P(L.INGEST_REPORT)),
        artifacts=lambda wc: eval_outputs(wc.root, [at(wc).figure_split]) + training_outputs(wc.root),
    output:
        json=P(L.FINDINGS_JSON),
        md=report(P(L.FINDINGS_MD), caption="../report/findings.rst", category="Findings"),
    params:
        db=lambda wc: at(wc).store,
        opts=lambda wc: at(wc).figure_options(),
    threads: S.resource("findings", "threads", 1)
    resources:
        **S.resources("findings", mem_mb=2000, runtime=10),
    log:
        log_path("findings"),
    conda:
        STORE_ENV
    script:
        "../scripts/findings.py"
