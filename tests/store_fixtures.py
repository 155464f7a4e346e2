"""Builders of small, realistic artifact trees (docs/artifacts.md layout) for store and figure tests.

Numbers are chosen so the expected view values can be worked out by hand:

* rollouts of ``grpo_{arm}`` at step ``t`` (steps 0..4, 4 completions per step): rows 0-1 have
  ``target_share = T + 0.1``, rows 2-3 ``T - 0.1`` (so the mean is ``T``), ``en_share = 1 - target_share``;
  rows ``i < C`` are correct. ``acc``: ``T = max(0.1, 0.9 - rate*t)`` with ``rate = 0.1*(seed+1)`` and
  ``C = min(4, 1 + t)``; any other arm: ``T = 0.9``, ``C = 1 + t // 2``.
* eval of a checkpoint on 4 items: the last ``k_correct`` items are correct, the first ``k_target``
  are in the target language (``target_share`` 1.0, else 0.1); greedy (temperature None, 1 sample)
  and sampled (temperature 1.0, 2 samples) use the same pattern. See :data:`EVAL_SPEC`. A fifth item
  has ``gold_ok = False`` (unparseable gold answer) and must not count anywhere, like in
  ``pipeline.evaluate.summarise``. Eval run ids are ``{lang}/seed{seed}/{checkpoint}/eval/{split}``.
  On any split other than ``test`` both counts are one lower (floored at 0; :func:`eval_counts`), so a view
  that mixed two splits would give numbers that match neither.
  Peer metrics: an item in the target language (``i < k_target``) is consistent under every peer metric
  (``think_lc``, ``answer_lc``, ``polymath_lc``, ``trit_lc``; labels ``lang``, else ``en``), ``lc_acc`` = consistent
  and correct: rates ``k_target / ITEMS`` (:func:`eval_lcr`) and :func:`eval_lc_acc`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.jsonl import write_json, write_jsonl

STEPS = tuple(range(5))
PER_STEP = 4
ITEMS = 4
NON_TARGET_SHARE = 0.1
VERSIONS = {"python": "3.11.7", "torch": "2.13.0", "transformers": "5.23.0", "trl": "1.16.0"}
LC_WEIGHTS = {"acc": 0.0, "acc_lc": 0.5, "rand": 0.0}

# (checkpoint, seed) -> (k_correct, k_target) out of ITEMS items.
EVAL_SPEC: dict[tuple[str, int], tuple[int, int]] = {
    ("base", 0): (1, 4),
    ("base", 1): (1, 4),
    ("base", 2): (1, 4),
    ("sft", 0): (2, 4),
    ("sft", 1): (2, 3),
    ("sft", 2): (2, 4),
    ("grpo_acc", 0): (3, 1),
    ("grpo_acc", 1): (4, 0),
    ("grpo_acc", 2): (3, 0),
    ("grpo_acc_lc", 0): (2, 4),
    ("grpo_acc_lc", 1): (3, 4),
    ("grpo_acc_lc", 2): (2, 3),
    ("recovery_acc", 0): (2, 3),
    ("recovery_acc", 1): (2, 4),
    ("recovery_acc", 2): (1, 4),
    ("grpo_rand", 0): (1, 3),
    ("grpo_rand", 1): (1, 3),
    ("grpo_rand", 2): (1, 3),
}


def eval_counts(checkpoint: str, seed: int, split: str = "test") -> tuple[int, int]:
    """(k_correct, k_target) of a fixture checkpoint on ``split``."""
    k_correct, k_target = EVAL_SPEC[(checkpoint, seed)]
    if split != "test":
        k_correct, k_target = max(k_correct - 1, 0), max(k_target - 1, 0)
    return k_correct, k_target


def eval_accuracy(checkpoint: str, seed: int, split: str = "test") -> float:
    """Expected accuracy of a fixture checkpoint."""
    return eval_counts(checkpoint, seed, split)[0] / ITEMS


def eval_target_wr(checkpoint: str, seed: int, split: str = "test") -> float:
    """Expected target word ratio of a fixture checkpoint."""
    k_target = eval_counts(checkpoint, seed, split)[1]
    return (k_target + NON_TARGET_SHARE * (ITEMS - k_target)) / ITEMS


def eval_lcr(checkpoint: str, seed: int, split: str = "test") -> float:
    """Expected rate of every peer consistency metric (think/answer/PolyMath/TRIT) of a fixture checkpoint."""
    return eval_counts(checkpoint, seed, split)[1] / ITEMS


def eval_lc_acc(checkpoint: str, seed: int, split: str = "test") -> float:
    """Expected LC&Acc: items both in the target language (the first k_target) and correct (the last k_correct)."""
    k_correct, k_target = eval_counts(checkpoint, seed, split)
    return sum(1 for i in range(ITEMS) if i < k_target and i >= ITEMS - k_correct) / ITEMS


def drift_target(arm: str, seed: int, step: int) -> float:
    """Mean rollout target share ``T`` at ``step``."""
    if arm == "acc":
        return round(max(0.1, 0.9 - 0.1 * (seed + 1) * step), 6)
    return 0.9


def drift_correct(arm: str, step: int) -> int:
    """Number of correct rollouts (of PER_STEP) at ``step``."""
    return min(PER_STEP, 1 + step) if arm == "acc" else 1 + step // 2


def _run_meta(
    lang: str, seed: int, checkpoint: str, stage: str, arm: str | None, parent: str | None, split: str = ""
) -> dict:
    lc_weight = LC_WEIGHTS.get(arm or "", 0.0)
    params = {"learning_rate": 2e-4, "max_steps": len(STEPS), "seed": seed, "checkpoint": checkpoint}
    return {
        # eval runs are named like workflow/scripts/evaluate.py does: "<checkpoint run>/eval/<split>"
        "run_id": f"{lang}/seed{seed}/{checkpoint}" + (f"/eval/{split}" if stage == "eval" else ""),
        "stage": stage,
        "arm": arm,
        "lang": lang,
        "seed": seed,
        "parent_run_id": parent,
        "model": "tiny-qwen2 (pretrained in pipeline)",
        "dataset": "synthetic",
        "reward": {"accuracy_weight": 1.0, "lc_variant": "proportional", "lc_weight": lc_weight},
        "params": params,
        "config_hash": hashlib.sha256(checkpoint.encode()).hexdigest()[:16],
        "versions": VERSIONS,
        "started_at": "2025-06-01T10:00:00+00:00",
        "finished_at": "2025-06-01T10:00:12.5+00:00",
        "wall_seconds": 12.5,
        "host": "node01",
        "device": "cpu" if stage == "pretrain" else "cuda",
        "dtype": "float32" if stage == "pretrain" else "bfloat16",
        "n_accelerators": 1,
        **({"engine": "vllm"} if stage == "eval" else {}),
    }


def write_training_run(root: Path, lang: str, seed: int, checkpoint: str) -> None:
    """run.json + train_log.jsonl (+ rollouts.parquet and TRL completions for GRPO) of one stage."""
    stage = {"base": "pretrain", "sft": "sft"}.get(checkpoint, checkpoint.split("_", 1)[0])
    arm = checkpoint.split("_", 1)[1] if stage in ("grpo", "recovery") else None
    parent = {"pretrain": None, "sft": "base", "grpo": "sft", "recovery": f"grpo_{arm}"}[stage]
    run_dir = root / lang / f"seed{seed}" / checkpoint
    (run_dir / "model").mkdir(parents=True, exist_ok=True)
    (run_dir / "model" / "config.json").write_text("{}\n")
    meta = _run_meta(lang, seed, checkpoint, stage, arm, parent and f"{lang}/seed{seed}/{parent}")
    write_json(run_dir / "run.json", meta)
    log = []
    for step in (1, 2, 3):
        row = {
            "run_id": meta["run_id"],
            "step": step,
            "loss": 1.0 / step,
            "learning_rate": 2e-4,
            "epoch": step / 3,
        }
        if stage == "grpo":
            row |= {"reward": 0.25 * step, "rewards/accuracy/mean": 0.2 * step, "entropy": 0.5}
        log.append(row)
    log.append({"run_id": meta["run_id"], "step": 3, "train_runtime": 12.5, "train_loss": 0.6})
    write_jsonl(run_dir / "train_log.jsonl", log)
    if stage == "grpo":
        write_rollouts(run_dir, meta["run_id"], arm, seed)


def write_rollouts(run_dir: Path, run_id: str, arm: str, seed: int) -> int:
    """rollouts.parquet (and one TRL completions file, which the store must ignore); returns rows."""
    cols: dict[str, list] = {
        k: []
        for k in (
            "run_id",
            "step",
            "item_id",
            "prompt",
            "completion",
            "reward",
            "reward_accuracy",
            "reward_lang_consistency",
            "advantage",
            "correct",
            "target_share",
            "en_share",
            "other_share",
            "other_lang",
            "n_words",
            "first_switch_word",
            "first_switch_frac",
        )
    }
    for step in STEPS:
        mean_t, n_correct = drift_target(arm, seed, step), drift_correct(arm, step)
        for i in range(PER_STEP):
            share = round(mean_t + (0.1 if i < 2 else -0.1), 6)
            correct = i < n_correct
            values = {
                "run_id": run_id,
                "step": step,
                "item_id": f"world-train-{i:06d}",
                "prompt": f"문제 {i}: 사과가 {i + 3}개 있습니다.",
                "completion": f"먼저 {i} + 3 = {i + 3}. 답은 {i + 3}입니다.",
                "reward": float(correct) + LC_WEIGHTS.get(arm, 0.0) * share,
                "reward_accuracy": float(correct),
                "reward_lang_consistency": share,
                "advantage": 0.1 * i - 0.15,
                "correct": correct,
                "target_share": share,
                "en_share": round(1.0 - share, 6),
                "other_share": 0.0,
                "other_lang": None,
                "n_words": 12,
                "first_switch_word": None if share > 0.9 else 3,
                "first_switch_frac": None if share > 0.9 else 0.25,
            }
            for key, value in values.items():
                cols[key].append(value)
    pq.write_table(pa.table(cols), run_dir / "rollouts.parquet")
    trl_dir = run_dir / "completions"
    trl_dir.mkdir(exist_ok=True)
    pq.write_table(
        pa.table({"step": [1], "prompt": ["p"], "completion": ["c"]}), trl_dir / "completions_00001.parquet"
    )
    return len(cols["run_id"])


def write_eval(root: Path, lang: str, seed: int, checkpoint: str, split: str = "test") -> int:
    """eval/{split}/{checkpoint}.parquet + .json for one checkpoint; returns sample rows."""
    k_correct, k_target = eval_counts(checkpoint, seed, split)
    stage = {"base": "pretrain", "sft": "sft"}.get(checkpoint, checkpoint.split("_", 1)[0])
    arm = checkpoint.split("_", 1)[1] if stage in ("grpo", "recovery") else None
    meta = _run_meta(lang, seed, checkpoint, "eval", arm, f"{lang}/seed{seed}/{checkpoint}", split)
    rows = []
    summary = []
    for decoding, temperature, n_samples in (("greedy", None, 1), ("sampled", 1.0, 2)):
        for sample_idx in range(n_samples):
            for i in range(ITEMS + 1):  # item ITEMS: gold answer unparseable, left out of every aggregate
                correct = ITEMS > i >= ITEMS - k_correct
                share = 1.0 if i < k_target or i == ITEMS else NON_TARGET_SHARE
                consistent = i < k_target or i == ITEMS
                rows.append(
                    {
                        "run_id": meta["run_id"],
                        "checkpoint_run_id": f"{lang}/seed{seed}/{checkpoint}",
                        "stage": stage,
                        "arm": arm,
                        "lang": lang,
                        "seed": seed,
                        "split": split,
                        "decoding": decoding,
                        "temperature": temperature,
                        "sample_idx": sample_idx,
                        "item_id": f"{split}-{i:05d}",
                        "completion": "...",
                        "pred_answer": str(i if correct else -1),
                        "gold_answer": str(i),
                        "correct": correct,
                        "format_ok": True,
                        "gold_ok": i < ITEMS,
                        "target_share": share,
                        "en_share": round(1.0 - share, 6),
                        "other_share": 0.0,
                        "other_lang": None,
                        "n_words": 10,
                        "first_switch_word": None if share == 1.0 else 0,
                        "first_switch_frac": None if share == 1.0 else 0.0,
                        "think_lang": lang if consistent else "en",
                        "answer_lang": lang if consistent else "en",
                        "think_lc": consistent,
                        "answer_lc": consistent,
                        "polymath_lc": consistent,
                        "repetitive": False,
                        "trit_lc": consistent,
                        "lc_acc": consistent and correct,
                    }
                )
        summary.append(
            {
                "decoding": decoding,
                "temperature": temperature,
                "n": ITEMS * n_samples,
                "accuracy": eval_accuracy(checkpoint, seed, split),
                "target_wr": eval_target_wr(checkpoint, seed, split),
                "en_wr": 1.0 - eval_target_wr(checkpoint, seed, split),
                "other_wr": 0.0,
                **{rate: eval_lcr(checkpoint, seed, split) for rate in ("think_lcr", "answer_lcr", "polymath_lcr",
                                                                         "trit_lcr")},
                "lc_acc": eval_lc_acc(checkpoint, seed, split),
                "n_gold_skipped": n_samples,
                "generation": {"engine": "vllm", "n": n_samples, "temperature": temperature or 0.0, "top_p": 1.0,
                               "top_k": 0, "repetition_penalty": 1.0, "max_tokens": 64, "seed": seed},
            }
        )
    eval_dir = root / lang / f"seed{seed}" / "eval" / split
    eval_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), eval_dir / f"{checkpoint}.parquet")
    write_json(
        eval_dir / f"{checkpoint}.json",
        meta
        | {
            "checkpoint_run_id": meta["parent_run_id"],
            "checkpoint_stage": stage,
            "split": split,
            "summary": summary,
        },
    )
    return len(rows)


QC_ROWS = {  # lang -> split -> list of (ok, flags, dropped, error)
    "ko": {
        "train": [
            (True, [], False, None),
            (True, [], False, None),
            (False, ["numbers"], False, None),
            (False, [], True, "timeout after 3 attempts"),
            (True, ["length"], False, None),
        ],
        "test": [(True, [], False, None)] * 3,
    },
    "zh": {"train": [(True, [], False, None), (False, ["lang"], True, None), (True, [], False, None)]},
}


def write_translation(root: Path, lang: str) -> None:
    """data/{lang}/{split}.qc.parquet + .summary.json (+ the translated jsonl, which is not ingested)."""
    for split, spec in QC_ROWS.get(lang, {}).items():
        out = root / "data" / lang
        out.mkdir(parents=True, exist_ok=True)
        rows = [
            {
                "id": f"gsm8k-{split}-{i:05d}",
                "split": split,
                "lang": lang,
                "backend": "google",
                "model": None,
                "ok": ok,
                "flags": flags,
                "numbers_ok": "numbers" not in flags,
                "lang_ok": "lang" not in flags,
                "target_share": 0.95,
                "length_ratio": 1.1,
                "attempts": 3 if error else 1,
                "cached": i % 2 == 0,
                "backtranslation_score": None,
                "dropped": dropped,
                "error": error,
            }
            for i, (ok, flags, dropped, error) in enumerate(spec)
        ]
        pq.write_table(pa.Table.from_pylist(rows), out / f"{split}.qc.parquet")
        failed = sum(not r["ok"] for r in rows)
        write_json(
            out / f"{split}.summary.json",
            {
                "lang": lang,
                "split": split,
                "translated": len(rows),
                "cached": sum(r["cached"] for r in rows),
                "failed": failed,
                "dropped": sum(r["dropped"] for r in rows),
                "backend": "google",
            },
        )
        write_jsonl(out / f"{split}.jsonl", [{"id": r["id"], "lang": lang} for r in rows if not r["dropped"]])


def add_arm(
    root: Path,
    arm: str,
    *,
    langs: tuple[str, ...] = ("ko",),
    seeds: tuple[int, ...] = (0, 1, 2),
    recovery: bool = False,
    eval_splits: tuple[str, ...] = ("test",),
) -> None:
    """Write every artifact of one GRPO arm (training run, rollouts, eval on each split; optionally its
    recovery)."""
    checkpoints = [f"grpo_{arm}"] + ([f"recovery_{arm}"] if recovery else [])
    for lang in langs:
        for seed in seeds:
            for checkpoint in checkpoints:
                write_training_run(root, lang, seed, checkpoint)
                for split in eval_splits:
                    write_eval(root, lang, seed, checkpoint, split)


def build_results_tree(
    root: Path,
    *,
    langs: tuple[str, ...] = ("ko",),
    seeds: tuple[int, ...] = (0, 1, 2),
    arms: tuple[str, ...] = ("acc", "acc_lc"),
    recovery_arms: tuple[str, ...] = ("acc",),
    eval_splits: tuple[str, ...] = ("test",),
) -> Path:
    """A results/ tree: translation QC, base, sft, GRPO arms, recovery and eval (on every split of
    ``eval_splits``) for every lang/seed."""
    write_jsonl(root / "data" / "source" / "train.jsonl", [{"id": "gsm8k-train-00000", "lang": "en"}])
    for lang in langs:
        write_translation(root, lang)
        for seed in seeds:
            for checkpoint in ("base", "sft"):
                write_training_run(root, lang, seed, checkpoint)
                for split in eval_splits:
                    write_eval(root, lang, seed, checkpoint, split)
            (root / lang / f"seed{seed}" / "base" / "tokenizer.json").write_text("{}\n")
            (root / lang / f"seed{seed}" / "base" / "corpus.jsonl").write_text("{}\n")
    for arm in arms:
        add_arm(root, arm, langs=langs, seeds=seeds, recovery=arm in recovery_arms, eval_splits=eval_splits)
    return root


def db_snapshot(db_path: Path) -> dict:
    """Everything a failed ingest must leave untouched: table row counts and the whole ledger."""
    import duckdb

    from pipeline.store.schema import TABLES

    with duckdb.connect(str(db_path), read_only=True) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        ledger = con.execute(
            "SELECT path, sha256, n_rows, ingested_at FROM artifacts ORDER BY path"
        ).fetchall()
        runs = con.execute("SELECT run_id, artifact, wall_seconds FROM runs ORDER BY run_id").fetchall()
    return {"counts": counts, "ledger": ledger, "runs": runs}


def truncate_file(path: Path, keep: float = 0.5) -> None:
    """Cut a file to a fraction of its bytes, like a job killed mid-write."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
