# The chain-of-thought browser of each results root (docs/browser.md): one self-contained HTML page written from the
# DuckDB store. Like the figures it depends on the ingest report with ancient() and on the artifacts it shows
# (rollouts, eval samples and summaries), so it re-runs only when those change.


localrules:
    browser,


rule browser:
    input:
        ingested=ancient(P(L.INGEST_REPORT)),
        artifacts=lambda wc: store_inputs(wc.root)["rollouts"] + store_inputs(wc.root)["evals"],
    output:
        html=report(P(L.BROWSER), category="Browser"),
    params:
        db=lambda wc: at(wc).store,
    threads: S.resource("browser", "threads", 1)
    resources:
        **S.resources("browser", mem_mb=4000, runtime=30),
    log:
        log_path("browser"),
    conda:
        STORE_ENV
    script:
        "../scripts/browser.py"
