# GRPO arms, all from the same starting checkpoint.


rule grpo:
    # on the critical path: start before the evaluations of earlier checkpoints, which can wait
    priority: 10
    input:
        model=grpo_start_input,
        train=translated(TRAIN_SPLIT),
    output:
        model=directory(run_path("grpo_{arm}/model")),
        rollouts=run_path("grpo_{arm}/rollouts.parquet"),
        train_log=run_path("grpo_{arm}/train_log.jsonl"),
        run=run_path("grpo_{arm}/run.json"),
    params:
        model_path=grpo_start,
        cfg=lambda wc: grpo_cfg(wc.arm),
        reward=lambda wc: reward_spec(wc.arm),
        prompt=config["prompt"],
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/" + ("sft" if SFT_ENABLED else "base"),
    threads: resources_for("grpo", "threads", 1)
    resources:
        **rule_resources("grpo", mem_mb=4000, runtime=120, gpu=0),
    log:
        "results/logs/grpo/{lang}_seed{seed}_{arm}.log",
    conda:
        GRPO_ENV
    script:
        "../scripts/grpo.py"
