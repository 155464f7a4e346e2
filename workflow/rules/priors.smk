# Pretraining-prior sweep (target prior_sweep; README "What you will see", docs/cluster.md): the whole pipeline once
# per pretraining mix of prior_sweep.mixes, each in its own results root results/priors/{prior}/results/ (a
# complete results tree with its own DuckDB store and findings), built by the same rules as the configured run
# in this one DAG, then one figure across the mixes.


localrules:
    prior_config,
    prior_sweep_figure,


rule prior_config:
    output:
        f"{L.RESULTS}/{L.PRIOR_CONFIG}",
    params:
        cfg=lambda wc: ROOTS[L.prior_root(wc.prior)].config,
    threads: S.resource("prior_config", "threads", 1)
    resources:
        **S.resources("prior_config", mem_mb=1000, runtime=5),
    log:
        f"{L.RESULTS}/{L.LOGS}/priors/{{prior}}_config.log",
    conda:
        DATA_ENV
    script:
        "../scripts/prior_config.py"


rule prior_sweep_figure:
    input:
        configs=expand(f"{L.RESULTS}/{L.PRIOR_CONFIG}", prior=PRIORS),
        pipelines=[path for prior in PRIORS for path in root_outputs(L.prior_root(prior))],
    output:
        png=report(f"{L.RESULTS}/{L.fill(L.PRIOR_SWEEP_FIGURE, ext='png')}", caption="../report/prior_sweep.rst",
                   category="Figures"),
        pdf=f"{L.RESULTS}/{L.fill(L.PRIOR_SWEEP_FIGURE, ext='pdf')}",
        table=f"{L.RESULTS}/{L.PRIOR_SWEEP_TABLE}",
    params:
        dbs={prior: ROOTS[L.prior_root(prior)].store for prior in PRIORS},
        split=S.figure_split,
    threads: S.resource("prior_sweep_figure", "threads", 1)
    resources:
        **S.resources("prior_sweep_figure", mem_mb=2000, runtime=10),
    log:
        f"{L.RESULTS}/{L.LOGS}/figures/prior_sweep.log",
    conda:
        STORE_ENV
    script:
        "../scripts/prior_sweep.py"
