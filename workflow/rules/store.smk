# The one writer of each root's DuckDB store: ingests every artifact of the root (idempotent, incremental), and
# the paper's findings read back from it.
# The store is an output of the DAG, flagged update() so Snakemake keeps it (and backs it up, restoring it if the
# job fails) instead of deleting it before the job: a deleted store is rebuilt, and every artifact the ingest reads
# is an input, so a changed or missing artifact re-runs (or first re-makes) what the store holds.
# Figures and findings depend on the ingest report with ancient() so they re-run only when their own inputs change.


localrules:
    ingest,
    figure,
    findings,


rule ingest:
    input:
        unpack(lambda wc: store_inputs(wc.root)),
    output:
        db=update(P(S.store_in_root)),
        report=P(L.INGEST_REPORT),
    params:
        current=lambda wc: at(wc).run_ids(),
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
        amplifiers=lambda wc: at(wc).amplifier_specs(),
    threads: S.resource("findings", "threads", 1)
    resources:
        **S.resources("findings", mem_mb=2000, runtime=10),
    log:
        log_path("findings"),
    conda:
        STORE_ENV
    script:
        "../scripts/findings.py"
