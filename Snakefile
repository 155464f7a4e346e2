# Cross-lingual collapse pipeline: data -> translation -> pretraining -> SFT warm-start -> GRPO arms
# -> recovery -> evaluation -> DuckDB -> figures. Logic lives in src/pipeline; rules only wire files.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/pretrain.smk"
include: "workflow/rules/sft.smk"
include: "workflow/rules/grpo.smk"
include: "workflow/rules/recovery.smk"
include: "workflow/rules/eval.smk"
include: "workflow/rules/store.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/priors.smk"


rule all:
    default_target: True
    input:
        INGEST_REPORT,
        FINDINGS,
        figure_outputs(),


rule data:
    input:
        translated_outputs(),


rule train:
    input:
        training_outputs(),


rule evaluation:
    input:
        eval_outputs(),


rule prior_sweep:
    input:
        rules.prior_sweep_figure.output,
