# Recovery: target-language SFT of a collapsed GRPO model (irreversibility test).


rule recovery:
    # on the critical path: start before the evaluations of earlier checkpoints, which can wait
    priority: 10
    input:
        model=run_path("grpo_{arm}/model"),
        train=translated(SFT_SPLIT),
    output:
        model=directory(run_path("recovery_{arm}/model")),
        train_log=run_path("recovery_{arm}/train_log.jsonl"),
        run=run_path("recovery_{arm}/run.json"),
    params:
        model_path=lambda wc, input: input.model,
        cfg=recovery_cfg(),
        prompt=config["prompt"],
        stage="recovery",
        parent=lambda wc: f"{wc.lang}/seed{wc.seed}/grpo_{wc.arm}",
    threads: resources_for("recovery", "threads", 1)  # seconds of work: never wait for 2 free cores
    resources:
        **rule_resources("recovery", mem_mb=4000, runtime=60, gpu=0),
    log:
        "results/logs/recovery/{lang}_seed{seed}_{arm}.log",
    conda:
        TRAIN_ENV
    script:
        "../scripts/sft.py"
