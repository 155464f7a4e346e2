# Pretraining-prior sweep (target prior_sweep; docs/world.md "Pretraining-prior sweep"): the whole pipeline once
# per pretraining mix of prior_sweep.mixes, each in its own directory results/priors/{prior}/ (a complete results
# tree with its own DuckDB store), then one figure across them. Each prior's pipeline is an ordinary Snakemake run
# (`snakemake --directory results/priors/{prior}`), so it resumes and skips finished work like the default run.
from pipeline.analysis.prior_sweep import prior_config, run_prior_pipeline

PRIORS = list((config.get("prior_sweep") or {}).get("mixes") or {})


localrules:
    prior_config,
    prior_sweep_figure,


rule prior_config:
    output:
        "results/priors/{prior}/config.yaml",
    params:
        cfg=lambda wc: prior_config(config, wc.prior),
    threads: resources_for("prior_config", "threads", 1)
    resources:
        **rule_resources("prior_config", mem_mb=1000, runtime=5),
    log:
        "results/logs/priors/{prior}_config.log",
    conda:
        DATA_ENV
    script:
        "../scripts/prior_config.py"


rule prior_pipeline:
    input:
        cfg="results/priors/{prior}/config.yaml",
    output:
        findings="results/priors/{prior}/results/findings.json",
    params:
        snakefile=workflow.main_snakefile,
        workdir=lambda wc: f"results/priors/{wc.prior}",
    threads: resources_for("prior_pipeline", "threads", 64)  # capped at --cores: the whole machine
    resources:
        **rule_resources("prior_pipeline", mem_mb=8000, runtime=240),
    log:
        "results/logs/priors/{prior}.log",
    # a run block, not a conda env: this job runs Snakemake itself (the prior's jobs use their own rules' envs)
    run:
        run_prior_pipeline(params.snakefile, params.workdir, threads, log[0])


rule prior_sweep_figure:
    input:
        expand("results/priors/{prior}/results/findings.json", prior=PRIORS),
    output:
        png=report("results/figures/prior_sweep.png", caption="../report/prior_sweep.rst", category="Figures"),
        pdf="results/figures/prior_sweep.pdf",
        table="results/priors/prior_sweep.csv",
    params:
        dbs={prior: f"results/priors/{prior}/{STORE}" for prior in PRIORS},
        split=FIGURE_SPLIT,
    threads: resources_for("prior_sweep_figure", "threads", 1)
    resources:
        **rule_resources("prior_sweep_figure", mem_mb=2000, runtime=10),
    log:
        "results/logs/figures/prior_sweep.log",
    conda:
        STORE_ENV
    script:
        "../scripts/prior_sweep.py"
