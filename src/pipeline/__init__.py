"""Cross-lingual collapse pipeline: the code behind every Snakemake rule (workflow/rules/*.smk), by stage.

Folders follow the pipeline:

* ``data``: English source records (synthetic ``world``, GSM8K / MATH500 / SimpleRL-Zoo ``sources``) and their
  ``translate``-ion into the target languages;
* ``train``: the tiny in-pipeline model (``tinylm``, ``corpus``, ``pretrain``), ``sft`` and ``grpo`` on top of
  TRL, what they share (``common``) and models on disk (``models``);
* ``measure``: answer checking (``answers``), the chain of thought's language ``composition`` and the GRPO
  ``rewards`` built on both;
* ``evaluate``: generation engines (``engines``: HF and vLLM) and the evaluation of one checkpoint (``run``);
* ``store``: the DuckDB results store (``schema``, ``ingest``; ``python -m pipeline.store``);
* ``analysis``: ``figures``, ``findings`` and the pretraining-``prior_sweep``, read from the store.

At the top, shared by all: ``layout`` (every path, run id and checkpoint name), ``settings`` (each job's
effective settings from the config), ``languages``, ``prompts``, ``runinfo`` (run.json), ``jsonl`` (files) and
``smk`` (glue for Snakemake scripts).
"""
