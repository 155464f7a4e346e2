"""Snakemake glue for pipeline.train.sft (rules sft and recovery)."""
from pathlib import Path

from pipeline.runinfo import RunInfo
from pipeline.train.sft import run_sft
from pipeline.smk import job_log

wc, params = snakemake.wildcards, snakemake.params
out_dir = Path(snakemake.output.run).parent
info = RunInfo(run_id=f"{wc.lang}/seed{wc.seed}/{out_dir.name}", stage=params.stage, lang=wc.lang,
               seed=int(wc.seed), params={}, arm=getattr(wc, "arm", None), parent_run_id=params.parent,
               model=params.model_path, dataset=snakemake.input.train)
with job_log(snakemake):
    run_sft(params.model_path, snakemake.input.train, out_dir, info, params.cfg, params.prompt, snakemake.threads)
