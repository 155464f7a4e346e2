"""Stage ``evaluate``: accuracy and CoT language composition of one checkpoint on held-out questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.devices import resolve
from pipeline.evaluate.controls import NONE, controls, logit_bias
from pipeline.evaluate.engines import decodings, make_engine
from pipeline.jsonl import read_jsonl
from pipeline.measure.answers import check_answer
from pipeline.measure.composition import COMPOSITION_FIELDS, cot_compositions
from pipeline.measure.peers import PEER_FIELDS, PEER_RATES, peer_metrics_many, peer_rates
from pipeline.prompts import build_prompt
from pipeline.runinfo import RunInfo, track_run
from pipeline.train.models import load_tokenizer, set_threads


def score(rows: pd.DataFrame, lang: str, fallback: bool) -> pd.DataFrame:
    """Add answer checking, language composition and peer-metric columns (docs/metrics.md) to generated rows."""
    checks = [check_answer(c, g, lang, fallback) for c, g in zip(rows["completion"], rows["gold_answer"], strict=True)]
    rows["pred_answer"] = [c.pred for c in checks]
    rows["correct"] = [c.correct for c in checks]
    rows["format_ok"] = [c.format_ok for c in checks]
    rows["gold_ok"] = [c.gold_ok for c in checks]
    comps = cot_compositions(rows["completion"].tolist(), lang)
    for field in COMPOSITION_FIELDS:
        rows[field] = [getattr(c, field) for c in comps]
    peers = peer_metrics_many(rows["completion"].tolist(), [lang] * len(rows), rows["format_ok"], rows["correct"])
    for field in PEER_FIELDS:
        rows[field] = [getattr(m, field) for m in peers]
    return rows


def summarise(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Accuracy, Target WR, EN WR, other WR and the peer rates per decoding setting (gold-unparseable items
    excluded)."""
    kept = rows[rows["gold_ok"]]
    out = []
    for (dec, temp), grp in kept.groupby(["decoding", kept["temperature"].fillna(-1.0)], sort=False):
        out.append({"decoding": dec, "temperature": None if temp == -1.0 else float(temp), "n": len(grp),
                    "accuracy": float(grp["correct"].mean()), "target_wr": float(grp["target_share"].mean()),
                    "en_wr": float(grp["en_share"].mean()), "other_wr": float(grp["other_share"].mean()),
                    **peer_rates(grp[list(PEER_RATES.values())].to_dict("records")),
                    "n_gold_skipped": int((~rows["gold_ok"]).sum())})
    return out


def run_evaluation(model_path: str, test_path: str | Path, out_parquet: str | Path, out_json: str | Path,
                   info: RunInfo, checkpoint_run_id: str, cfg: dict[str, Any], prompt_cfg: dict[str, Any],
                   threads: int | None = None) -> list[dict[str, Any]]:
    """Generate, score and write per-sample rows (Parquet) and the summary with run metadata (JSON).

    ``cfg["split"]`` names the eval split of ``test_path``; both outputs record it (``split`` column / key).
    The JSON also records where it ran (``device``, ``dtype``, ``n_accelerators``), the ``engine`` and, in each
    summary entry, the ``generation`` settings the engine actually applied for that decoding.
    """
    if not cfg.get("split"):
        raise ValueError("eval cfg: 'split' (the name of the evaluated split) is required")
    set_threads(threads)
    records = read_jsonl(test_path)[: cfg["n_items"]]
    if not records:
        raise ValueError(f"{test_path}: no evaluation records")
    lang = info.lang
    info.params = {**cfg, "prompt": prompt_cfg, "model_path": str(model_path), "test_path": str(test_path)}
    info.extra.update(checkpoint_run_id=checkpoint_run_id, split=cfg["split"])
    with track_run(info, out_json) as run:
        placement = resolve(cfg["use_cpu"], cfg["dtype"])
        tokenizer = load_tokenizer(model_path, padding_side="left")
        engine = make_engine(cfg, model_path, tokenizer, placement, info.seed)
        run.extra.update(placement.record(), engine=engine.name)
        applied: dict[tuple[str, float | None], dict[str, Any]] = {}
        prompts = [build_prompt(r["question"], lang, prompt_cfg["style"], prompt_cfg["template"],
                                prompt_cfg.get("system")) for r in records]
        frames = []
        for control in controls(cfg, lang):  # no control first, then eval.controls (pipeline.evaluate.controls)
            bias = logit_bias(tokenizer, lang, control)
            for dec in decodings(cfg, info.seed):
                label = control.label(dec.decoding)
                applied[(label, dec.temperature)] = engine.applied(dec) if control.name == NONE else {
                    **engine.applied(dec), **control.record(), "biased_tokens": len(bias)}
                outs = engine.generate(prompts, dec, desc=f"eval {checkpoint_run_id} {label}",
                                       prefill=control.prefill, bias=bias)
                frames.append(pd.DataFrame([
                    {"item_id": rec["id"], "gold_answer": rec["answer"], "sample_idx": k, "completion": text,
                     "decoding": label, "temperature": dec.temperature}
                    for rec, texts in zip(records, outs, strict=True) for k, text in enumerate(texts)
                ]))
        rows = score(pd.concat(frames, ignore_index=True), lang, cfg["last_number_fallback"])
        meta = {"run_id": run.run_id, "checkpoint_run_id": checkpoint_run_id, "stage": run.extra["checkpoint_stage"],
                "arm": run.arm, "lang": lang, "seed": run.seed, "split": cfg["split"]}
        rows = pd.concat([pd.DataFrame([meta] * len(rows)), rows], axis=1)
        rows.to_parquet(out_parquet, index=False)
        run.extra["summary"] = [{**entry, "generation": applied[(entry["decoding"], entry["temperature"])]}
                                for entry in summarise(rows)]
    return run.extra["summary"]
