# Amplifier sweeps (config amplifiers:, enabled by config/sweeps/amplifiers.yaml): one figure and table per sweep
# from the root's store; the sweep's arms are GRPO arms of the same root (pipeline.arms.amplifier_arms).


localrules:
    amplifier_figure,


rule amplifier_figure:
    input:
        ingested=ancient(P(L.INGEST_REPORT)),
        artifacts=lambda wc: eval_outputs(wc.root, [at(wc).figure_split]),
    output:
        png=report(P(L.AMPLIFIER_FIGURE, ext="png"), caption="../report/amplifier.rst", category="Figures"),
        pdf=P(L.AMPLIFIER_FIGURE, ext="pdf"),
        table=P(L.AMPLIFIER_TABLE),
    params:
        db=lambda wc: at(wc).store,
        spec=lambda wc: amplifier_spec(wc),
        opts=lambda wc: at(wc).figure_options(),
    threads: S.resource("amplifier_figure", "threads", 1)
    resources:
        **S.resources("amplifier_figure", mem_mb=2000, runtime=10),
    log:
        log_path("figures/amplifier_{sweep}"),
    conda:
        STORE_ENV
    script:
        "../scripts/amplifier_sweep.py"
