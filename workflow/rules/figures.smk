# Paper figures, drawn only from the DuckDB views.


def figure_inputs(wildcards):
    """The artifacts behind each figure's view: a figure re-runs only when these change."""
    if wildcards.figure == "drift":
        return expand(RUN + "/grpo_{arm}/rollouts.parquet", lang=LANGS, seed=SEEDS, arm=ARMS)
    return eval_outputs()


rule figure:
    input:
        ingested=ancient(INGEST_REPORT),
        artifacts=figure_inputs,
    output:
        png=report("results/figures/{figure}.png", caption="../report/{figure}.rst", category="Figures"),
        pdf="results/figures/{figure}.pdf",
    params:
        db=STORE,
        opts=config.get("figures", {}),
    wildcard_constraints:
        figure="drift|irreversibility|tradeoff",
    log:
        "results/logs/figures/{figure}.log",
    script:
        "../scripts/figure.py"
