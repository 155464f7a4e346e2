# Evaluation of every checkpoint (base, sft, grpo_*, recovery_*) on each eval split (eval.splits) of held-out
# target-language questions; one job per (lang, seed, split, checkpoint).
import re


rule evaluate:
    input:
        model=checkpoint_model_input,
        test=translated("{split}"),
    output:
        samples=run_path("eval/{split}/{checkpoint}.parquet"),
        summary=run_path("eval/{split}/{checkpoint}.json"),
    params:
        model_path=checkpoint_model,
        cfg=lambda wc: eval_cfg(wc.split),
        prompt=config["prompt"],
        stage=lambda wc: checkpoint_stage(wc.checkpoint),
        arm=lambda wc: checkpoint_arm(wc.checkpoint),
    wildcard_constraints:
        checkpoint="base|sft|(grpo|recovery)_[a-z0-9_]+",
        split="|".join(re.escape(s) for s in EVAL_SPLITS),
    threads: resources_for("evaluate", "threads", 1)
    resources:
        **rule_resources("evaluate", mem_mb=4000, runtime=60, gpu=0),
    log:
        "results/logs/eval/{split}/{lang}_seed{seed}_{checkpoint}.log",
    conda:
        TRAIN_ENV
    script:
        "../scripts/evaluate.py"
