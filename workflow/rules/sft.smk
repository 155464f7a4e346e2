# SFT warm-start on target-language reasoning.


rule sft:
    input:
        model=base_model_input,
        train=translated(TRAIN_SPLIT),
    output:
        model=directory(RUN + "/sft/model"),
        train_log=RUN + "/sft/train_log.jsonl",
        run=RUN + "/sft/run.json",
    params:
        model_path=base_model,
        cfg=trainer_cfg(config["sft"]),
        prompt=config["prompt"],
        stage="sft",
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/base",
    threads: resources_for("sft", "threads", 2)
    resources:
        mem_mb=resources_for("sft", "mem_mb", 4000),
        runtime=resources_for("sft", "runtime", 60),
    log:
        "results/logs/sft/{lang}_seed{seed}.log",
    script:
        "../scripts/sft.py"
