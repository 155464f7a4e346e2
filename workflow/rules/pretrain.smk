# Pretraining of the tiny in-pipeline model on an English-dominant corpus (CPU scale only).


rule pretrain:
    input:
        parallel=P(L.PARALLEL),
    output:
        model=directory(P(L.MODEL, checkpoint="base")),
        corpus=P(L.CORPUS, checkpoint="base"),
        train_log=P(L.TRAIN_LOG, checkpoint="base"),
        run=P(L.RUN_JSON, checkpoint="base"),
    params:
        cfg=lambda wc: at(wc).pretrain(),
        template=lambda wc: at(wc).config["prompt"]["template"],
    threads: S.resource("pretrain", "threads", 2)
    resources:
        **S.resources("pretrain", mem_mb=4000, runtime=60, gpu=0),
    log:
        log_path("pretrain/{lang}_seed{seed}"),
    conda:
        TRAIN_ENV
    script:
        "../scripts/pretrain.py"
