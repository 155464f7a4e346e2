# GRPO arms, all from the same starting checkpoint.


rule grpo:
    # on the critical path: start before the evaluations of earlier checkpoints, which can wait
    priority: 10
    input:
        model=lambda wc: model_input(wc, at(wc).grpo_start()),
        train=P(L.TRANSLATED, split=S.train_split),
    output:
        model=directory(P(L.MODEL, checkpoint="grpo_{arm}")),
        rollouts=P(L.ROLLOUTS, checkpoint="grpo_{arm}"),
        train_log=P(L.TRAIN_LOG, checkpoint="grpo_{arm}"),
        run=P(L.RUN_JSON, checkpoint="grpo_{arm}"),
    params:
        checkpoint=lambda wc: L.checkpoint_name("grpo", wc.arm),
        model_path=lambda wc: model_path(wc, at(wc).grpo_start()),
        parent=lambda wc: L.run_id(wc.lang, wc.seed, at(wc).grpo_start()),
        cfg=lambda wc: at(wc).grpo(wc.arm),
        reward=lambda wc: at(wc).reward(wc.arm),
        prompt=lambda wc: at(wc).config["prompt"],
    threads: S.resource("grpo", "threads", 1)
    resources:
        **S.resources("grpo", mem_mb=4000, runtime=120, gpu=0),
    log:
        log_path("grpo/{lang}_seed{seed}_{arm}"),
    conda:
        GRPO_ENV
    script:
        "../scripts/grpo.py"
