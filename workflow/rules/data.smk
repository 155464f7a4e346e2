# Dataset preparation (English sources) and translation into each target language.


rule prepare_data:
    output:
        records=expand("results/data/source/{split}.jsonl", split=SPLITS),
        report="results/data/source/prepare_report.json",
        **({"parallel": "results/data/source/parallel.jsonl"} if SYNTHETIC else {}),
    params:
        splits=config["data"]["splits"],
        world=config["data"]["world"],
        world_languages=sorted({"en", *LANGS}),
    threads: resources_for("prepare_data", "threads", 1)
    resources:
        **rule_resources("prepare_data", mem_mb=2000, runtime=30),
    log:
        "results/logs/prepare_data.log",
    conda:
        DATA_ENV
    script:
        "../scripts/prepare_data.py"


rule translate:
    input:
        records="results/data/source/{split}.jsonl",
        parallel=lambda wc: (
            ["results/data/source/parallel.jsonl"] if config["translation"]["backend"] == "template" else []
        ),
    output:
        records="results/data/{lang}/{split}.jsonl",
        qc="results/data/{lang}/{split}.qc.parquet",
        summary="results/data/{lang}/{split}.summary.json",
    params:
        cfg=lambda wc, input: {**config["translation"], "parallel_path": input.parallel[0] if input.parallel else None},
    threads: resources_for("translate", "threads", 1)
    resources:
        **rule_resources("translate", mem_mb=2000, runtime=60),
    log:
        "results/logs/translate/{lang}_{split}.log",
    conda:
        DATA_ENV
    script:
        "../scripts/translate.py"
