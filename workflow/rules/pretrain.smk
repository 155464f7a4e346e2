# Pretraining of the tiny in-pipeline model on an English-dominant corpus (CPU scale only).


rule pretrain:
    input:
        parallel="results/data/source/parallel.jsonl",
    output:
        model=directory(run_path("base/model")),
        corpus=run_path("base/corpus.jsonl"),
        train_log=run_path("base/train_log.jsonl"),
        run=run_path("base/run.json"),
    params:
        cfg=pretrain_cfg(),
        template=lambda wc: config["prompt"]["template"],
    threads: resources_for("pretrain", "threads", 2)
    resources:
        **rule_resources("pretrain", mem_mb=4000, runtime=60, gpu=0),
    log:
        "results/logs/pretrain/{lang}_seed{seed}.log",
    conda:
        TRAIN_ENV
    script:
        "../scripts/pretrain.py"
