"""Snakemake glue for pipeline.train.grpo (rule grpo)."""
from pathlib import Path

from pipeline.train.grpo import run_grpo
from pipeline.runinfo import RunInfo
from pipeline.smk import job_log

wc, params = snakemake.wildcards, snakemake.params
out_dir = Path(snakemake.output.run).parent
info = RunInfo(run_id=f"{wc.lang}/seed{wc.seed}/grpo_{wc.arm}", stage="grpo", lang=wc.lang, seed=int(wc.seed),
               params={}, arm=wc.arm, parent_run_id=params.parent, model=params.model_path,
               dataset=snakemake.input.train)
with job_log(snakemake):
    run_grpo(params.model_path, snakemake.input.train, out_dir, info, params.cfg, params.reward, params.prompt,
             snakemake.threads)
