# Recovery: target-language SFT of a collapsed GRPO model (irreversibility test), with the SFT warm-start's
# settings wherever the recovery section is silent (pipeline.settings.Settings.recovery).


rule recovery:
    # on the critical path: start before the evaluations of earlier checkpoints, which can wait
    priority: 10
    input:
        model=P(L.MODEL, checkpoint="grpo_{arm}"),
        train=P(L.TRANSLATED, split=S.sft_split),
    output:
        model=directory(P(L.MODEL, checkpoint="recovery_{arm}")),
        train_log=P(L.TRAIN_LOG, checkpoint="recovery_{arm}"),
        run=P(L.RUN_JSON, checkpoint="recovery_{arm}"),
    params:
        checkpoint=lambda wc: L.checkpoint_name("recovery", wc.arm),
        model_path=lambda wc, input: input.model,
        parent=lambda wc: L.run_id(wc.lang, wc.seed, L.checkpoint_name("grpo", wc.arm)),
        cfg=lambda wc: at(wc).recovery(),
        prompt=lambda wc: at(wc).config["prompt"],
    threads: S.resource("recovery", "threads", 1)  # seconds of work: never wait for 2 free cores
    resources:
        **S.resources("recovery", mem_mb=4000, runtime=60, gpu=0),
    log:
        log_path("recovery/{lang}_seed{seed}_{arm}"),
    conda:
        TRAIN_ENV
    script:
        "../scripts/sft.py"
