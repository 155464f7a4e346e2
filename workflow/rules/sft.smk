# SFT warm-start on target-language reasoning.


rule sft:
    input:
        model=lambda wc: model_input(wc, "base"),
        train=P(L.TRANSLATED, split=S.sft_split),
    output:
        model=directory(P(L.MODEL, checkpoint="sft")),
        train_log=P(L.TRAIN_LOG, checkpoint="sft"),
        run=P(L.RUN_JSON, checkpoint="sft"),
    params:
        checkpoint="sft",
        model_path=lambda wc: model_path(wc, "base"),
        parent=lambda wc: L.run_id(wc.lang, wc.seed, "base"),
        cfg=lambda wc: at(wc).sft(),
        prompt=lambda wc: at(wc).config["prompt"],
    threads: S.resource("sft", "threads", 2)
    resources:
        **S.resources("sft", mem_mb=4000, runtime=60, gpu=0),
    log:
        log_path("sft/{lang}_seed{seed}"),
    conda:
        TRAIN_ENV
    script:
        "../scripts/sft.py"
