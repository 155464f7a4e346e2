# Evaluation of every checkpoint (base, sft, grpo_*, recovery_*) on held-out target-language questions.


rule evaluate:
    input:
        model=checkpoint_model_input,
        test=translated(EVAL_SPLIT),
    output:
        samples=run_path("eval/{checkpoint}.parquet"),
        summary=run_path("eval/{checkpoint}.json"),
    params:
        model_path=checkpoint_model,
        cfg={**config["eval"], "dtype": config["eval"].get("dtype", "float32")},
        prompt=config["prompt"],
        stage=lambda wc: checkpoint_stage(wc.checkpoint),
        arm=lambda wc: checkpoint_arm(wc.checkpoint),
    wildcard_constraints:
        checkpoint="base|sft|(grpo|recovery)_[a-z0-9_]+",
    threads: resources_for("evaluate", "threads", 1)
    resources:
        **rule_resources("evaluate", mem_mb=4000, runtime=60, gpu=0),
    log:
        "results/logs/eval/{lang}_seed{seed}_{checkpoint}.log",
    conda:
        TRAIN_ENV
    script:
        "../scripts/evaluate.py"
