# GRPO arms, all from the same starting checkpoint.


rule grpo:
    input:
        model=grpo_start_input,
        train=translated(TRAIN_SPLIT),
    output:
        model=directory(RUN + "/grpo_{arm}/model"),
        rollouts=RUN + "/grpo_{arm}/rollouts.parquet",
        train_log=RUN + "/grpo_{arm}/train_log.jsonl",
        run=RUN + "/grpo_{arm}/run.json",
    params:
        model_path=grpo_start,
        cfg=trainer_cfg(config["grpo"]),
        reward=lambda wc: reward_spec(wc.arm),
        prompt=config["prompt"],
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/" + ("sft" if SFT_ENABLED else "base"),
    threads: resources_for("grpo", "threads", 1)
    resources:
        mem_mb=resources_for("grpo", "mem_mb", 4000),
        runtime=resources_for("grpo", "runtime", 120),
        gpu=resources_for("grpo", "gpu", 0),
    log:
        "results/logs/grpo/{lang}_seed{seed}_{arm}.log",
    script:
        "../scripts/grpo.py"
