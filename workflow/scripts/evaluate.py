"""Snakemake glue for pipeline.evaluate.run (rule evaluate)."""
from pipeline.evaluate.run import run_evaluation
from pipeline.runinfo import RunInfo
from pipeline.smk import job_log

wc, params = snakemake.wildcards, snakemake.params
checkpoint_run = f"{wc.lang}/seed{wc.seed}/{wc.checkpoint}"
# One eval run per (checkpoint, split): ko/seed0/grpo_acc/eval/test
info = RunInfo(run_id=f"{checkpoint_run}/eval/{wc.split}", stage="eval", lang=wc.lang, seed=int(wc.seed), params={},
               arm=params.arm, parent_run_id=checkpoint_run, model=params.model_path,
               dataset=snakemake.input.test, extra={"checkpoint_stage": params.stage})
with job_log(snakemake):
    run_evaluation(params.model_path, snakemake.input.test, snakemake.output.samples, snakemake.output.summary,
                   info, checkpoint_run, params.cfg, params.prompt, snakemake.threads)
