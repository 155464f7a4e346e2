# Paper figures, drawn only from the DuckDB views.


rule figure:
    input:
        ingested=ancient(INGEST_REPORT),
        artifacts=figure_inputs,
    output:
        png=report("results/figures/{figure}.png", caption="../report/figure.rst", category="Figures"),
        pdf="results/figures/{figure}.pdf",
    params:
        db=STORE,
        opts=figure_opts(),
    wildcard_constraints:
        figure="drift|irreversibility|tradeoff",
    threads: resources_for("figure", "threads", 1)
    resources:
        **rule_resources("figure", mem_mb=2000, runtime=30),
    log:
        "results/logs/figures/{figure}.log",
    conda:
        STORE_ENV
    script:
        "../scripts/figure.py"
