# Pretraining of the tiny in-pipeline model on an English-dominant corpus (CPU scale only).


rule pretrain:
    input:
        parallel="results/data/source/parallel.jsonl",
    output:
        model=directory(RUN + "/base/model"),
        corpus=RUN + "/base/corpus.jsonl",
        train_log=RUN + "/base/train_log.jsonl",
        run=RUN + "/base/run.json",
    params:
        cfg=config.get("pretrain", {}),
        template=lambda wc: config["prompt"]["template"],
    threads: resources_for("pretrain", "threads", 2)
    resources:
        mem_mb=resources_for("pretrain", "mem_mb", 4000),
        runtime=resources_for("pretrain", "runtime", 60),
    log:
        "results/logs/pretrain/{lang}_seed{seed}.log",
    script:
        "../scripts/pretrain.py"
