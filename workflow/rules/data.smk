# Dataset preparation (English sources) and translation into each target language; a native benchmark split
# (source mmath | polymath | mgsm, docs/benchmarks.md) takes the benchmark's own records instead of a translator.
from pipeline.data.native import native_spec


rule prepare_data:
    output:
        records=expand(P(L.SOURCE_RECORDS), split=S.splits, allow_missing=True),
        report=P(L.PREPARE_REPORT),
        **({"parallel": P(L.PARALLEL)} if S.synthetic else {}),
    params:
        splits=lambda wc: at(wc).config["data"]["splits"],
        world=lambda wc: at(wc).config["data"]["world"],
        world_languages=lambda wc: sorted({"en", *at(wc).langs}),
    threads: S.resource("prepare_data", "threads", 1)
    resources:
        **S.resources("prepare_data", mem_mb=2000, runtime=30),
    log:
        log_path("prepare_data"),
    conda:
        DATA_ENV
    script:
        "../scripts/prepare_data.py"


rule translate:
    input:
        records=P(L.SOURCE_RECORDS),
        parallel=lambda wc: [f"{wc.root}/{L.PARALLEL}"]
        if at(wc).config["translation"]["backend"] == "template" and not native_spec(at(wc).config, wc.split)
        else [],
    output:
        records=P(L.TRANSLATED),
        qc=P(L.TRANSLATION_QC),
        summary=P(L.TRANSLATION_SUMMARY),
    params:
        cfg=lambda wc, input: {"native": native_spec(at(wc).config, wc.split)}
        if native_spec(at(wc).config, wc.split)
        else {**at(wc).translation(), "parallel_path": input.parallel[0] if input.parallel else None},
    threads: S.resource("translate", "threads", 1)
    resources:
        **S.resources("translate", mem_mb=2000, runtime=60),
    log:
        log_path("translate/{lang}_{split}"),
    conda:
        DATA_ENV
    script:
        "../scripts/translate.py"
