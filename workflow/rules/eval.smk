# Evaluation of every checkpoint (base, sft, grpo_*, recovery_*) on each eval split (eval.splits) of held-out
# target-language questions; one job per (lang, seed, split, checkpoint).
import re


rule evaluate:
    input:
        model=lambda wc: model_input(wc, wc.checkpoint),
        test=P(L.TRANSLATED),
    output:
        samples=P(L.EVAL_SAMPLES),
        summary=P(L.EVAL_SUMMARY),
    params:
        model_path=lambda wc: model_path(wc, wc.checkpoint),
        cfg=lambda wc: at(wc).evaluation(wc.split, wc.checkpoint),
        prompt=lambda wc: at(wc).config["prompt"],
    wildcard_constraints:
        split="|".join(re.escape(s) for s in S.eval_splits),
    threads: S.resource("evaluate", "threads", 1)
    resources:
        **S.resources("evaluate", mem_mb=4000, runtime=60, gpu=0),
    log:
        log_path("eval/{split}/{lang}_seed{seed}_{checkpoint}"),
    conda:
        EVAL_ENV
    script:
        "../scripts/evaluate.py"
