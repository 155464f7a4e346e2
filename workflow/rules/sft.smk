# SFT warm-start on target-language reasoning.


rule sft:
    input:
        model=base_model_input,
        train=translated(SFT_SPLIT),
    output:
        model=directory(run_path("sft/model")),
        train_log=run_path("sft/train_log.jsonl"),
        run=run_path("sft/run.json"),
    params:
        model_path=base_model,
        cfg=trainer_cfg(config["sft"]),
        prompt=config["prompt"],
        stage="sft",
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/base",
    threads: resources_for("sft", "threads", 2)
    resources:
        **rule_resources("sft", mem_mb=4000, runtime=60, gpu=0),
    log:
        "results/logs/sft/{lang}_seed{seed}.log",
    conda:
        TRAIN_ENV
    script:
        "../scripts/sft.py"
