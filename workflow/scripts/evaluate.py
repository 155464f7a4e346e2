"""Snakemake glue for pipeline.evaluate.run (rule evaluate)."""
from pipeline.evaluate.run import run_evaluation
from pipeline.smk import eval_run, job_log

params = snakemake.params
with job_log(snakemake):
    info = eval_run(snakemake)
    run_evaluation(params.model_path, snakemake.input.test, snakemake.output.samples, snakemake.output.summary,
                   info, info.parent_run_id, params.cfg, params.prompt, snakemake.threads)
