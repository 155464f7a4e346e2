# Paper figures of each results root, drawn only from the DuckDB views.


rule figure:
    input:
        ingested=ancient(P(L.INGEST_REPORT)),
        artifacts=figure_inputs,
    output:
        png=report(P(L.FIGURE, ext="png"), caption="../report/figure.rst", category="Figures"),
        pdf=P(L.FIGURE, ext="pdf"),
    params:
        db=lambda wc: at(wc).store,
        opts=lambda wc: at(wc).figure_options(),
    threads: S.resource("figure", "threads", 1)
    resources:
        **S.resources("figure", mem_mb=2000, runtime=30),
    log:
        log_path("figures/{figure}"),
    conda:
        STORE_ENV
    script:
        "../scripts/figure.py"
