# Recovery: target-language SFT of a collapsed GRPO model (irreversibility test).


rule recovery:
    input:
        model=RUN + "/grpo_{arm}/model",
        train=translated(TRAIN_SPLIT),
    output:
        model=directory(RUN + "/recovery_{arm}/model"),
        train_log=RUN + "/recovery_{arm}/train_log.jsonl",
        run=RUN + "/recovery_{arm}/run.json",
    params:
        model_path=lambda wc, input: input.model,
        cfg=recovery_cfg(),
        prompt=config["prompt"],
        stage="recovery",
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/grpo_{wc.arm}",
    threads: resources_for("recovery", "threads", 2)
    resources:
        mem_mb=resources_for("recovery", "mem_mb", 4000),
        runtime=resources_for("recovery", "runtime", 60),
    log:
        "results/logs/recovery/{lang}_seed{seed}_{arm}.log",
    script:
        "../scripts/sft.py"
