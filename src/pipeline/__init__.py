"""Cross-lingual collapse pipeline: one module per stage, called by thin Snakemake rules.

Stages: ``prepare`` (data) -> ``translate`` -> ``pretrain`` (tiny model, CPU scale only) -> ``sft`` ->
``grpo`` -> ``sft`` again as recovery -> ``evaluate`` -> ``store`` (DuckDB) -> ``figures``.
"""
