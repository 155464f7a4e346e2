"""Snakemake glue: write one prior's pipeline config (rule prior_config)."""
from pathlib import Path

import yaml

from pipeline.smk import job_log

with job_log(snakemake):
    out = Path(snakemake.output[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(snakemake.params.cfg, sort_keys=False, allow_unicode=True))
