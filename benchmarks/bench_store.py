"""Benchmark of the results store: ingest 1M synthetic rollout rows and time every figure query.

    python benchmarks/bench_store.py [--rows 1000000] [--runs 8] [--keep DIR] [--strict]

Writes a results/ tree (run.json, rollouts.parquet, eval parquet/json per run) in a temp dir, times
the first ingest (target <= 10 s), a no-op re-ingest, and each figure's view query and data function
(target <= 100 ms per query). ``--strict`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.analysis import figures
from pipeline.jsonl import write_json
from pipeline.store import connect_readonly, ingest

INGEST_TARGET_S = 10.0
QUERY_TARGET_MS = 100.0
EVAL_ITEMS = 200


def _run_meta(run_id: str, stage: str, arm: str | None, lang: str, seed: int) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "stage": stage,
        "arm": arm,
        "lang": lang,
        "seed": seed,
        "parent_run_id": None,
        "model": "tiny-qwen2",
        "dataset": "synthetic",
        "reward": {
            "accuracy_weight": 1.0,
            "lc_variant": "proportional",
            "lc_weight": 0.5 if arm == "acc_lc" else 0.0,
        },
        "params": {"learning_rate": 2e-4},
        "config_hash": "0" * 16,
        "versions": {"python": sys.version.split()[0]},
        "started_at": "2025-06-01T10:00:00Z",
        "finished_at": "2025-06-01T11:00:00Z",
        "wall_seconds": 3600.0,
        "host": "bench",
    }


def write_rollouts(path: Path, run_id: str, n_rows: int, rng: np.random.Generator, drift: float) -> None:
    """``n_rows`` rollouts over 500 steps with distinct prompt/completion strings."""
    steps = np.repeat(np.arange(500), -(-n_rows // 500))[:n_rows]
    target = np.clip(0.95 - drift * steps / 500 + rng.normal(0, 0.1, n_rows), 0, 1)
    correct = rng.random(n_rows) < 0.3 + 0.4 * steps / 500
    idx = np.arange(n_rows)
    table = pa.table(
        {
            "run_id": pa.array([run_id] * n_rows).dictionary_encode(),
            "step": steps,
            "item_id": [f"world-train-{i % 5000:06d}" for i in idx],
            "prompt": [
                f"문제 {i % 5000}: 사과가 {i % 97}개 있고 {i % 13}개를 더 샀습니다. 몇 개?" for i in idx
            ],
            "completion": [
                f"먼저 {i % 97} + {i % 13} = {i % 97 + i % 13}. 그러므로 answer is {i}." for i in idx
            ],
            "reward": correct.astype(float) + 0.5 * target,
            "reward_accuracy": correct.astype(float),
            "reward_lang_consistency": target,
            "advantage": rng.normal(0, 1, n_rows),
            "correct": correct,
            "target_share": target,
            "en_share": 1 - target,
            "other_share": np.zeros(n_rows),
            "other_lang": pa.nulls(n_rows, pa.string()),
            "n_words": rng.integers(10, 60, n_rows),
            "first_switch_word": rng.integers(0, 60, n_rows),
            "first_switch_frac": rng.random(n_rows),
        }
    )
    pq.write_table(table, path)


def write_eval(eval_dir: Path, lang: str, seed: int, checkpoint: str, rng: np.random.Generator) -> None:
    """eval parquet (greedy + 4 sampled per item) and the matching json summary."""
    stage = {"base": "pretrain", "sft": "sft"}.get(checkpoint, checkpoint.split("_", 1)[0])
    arm = checkpoint.split("_", 1)[1] if "_" in checkpoint else None
    run_id = f"{lang}/seed{seed}/{checkpoint}/eval/test"  # eval/{split}/{checkpoint}.* layout
    rows: dict[str, list[Any]] = {}
    summary = []
    for decoding, temperature, n_samples in (("greedy", 0.0, 1), ("sampled", 1.0, 4)):
        n = EVAL_ITEMS * n_samples
        correct = rng.random(n) < 0.5
        target = rng.random(n)
        cols = {
            "run_id": [run_id] * n,
            "checkpoint_run_id": [f"{lang}/seed{seed}/{checkpoint}"] * n,
            "stage": [stage] * n,
            "arm": [arm] * n,
            "lang": [lang] * n,
            "seed": [seed] * n,
            "split": ["test"] * n,
            "decoding": [decoding] * n,
            "temperature": [temperature] * n,
            "sample_idx": np.repeat(np.arange(n_samples), EVAL_ITEMS).tolist(),
            "item_id": [f"gsm8k-test-{i % EVAL_ITEMS:05d}" for i in range(n)],
            "completion": ["..."] * n,
            "pred_answer": ["1"] * n,
            "gold_answer": ["1"] * n,
            "correct": correct.tolist(),
            "format_ok": [True] * n,
            "target_share": target.tolist(),
            "en_share": (1 - target).tolist(),
            "other_share": [0.0] * n,
            "other_lang": [None] * n,
            "n_words": [20] * n,
            "first_switch_word": [None] * n,
            "first_switch_frac": [None] * n,
        }
        for key, values in cols.items():
            rows.setdefault(key, []).extend(values)
        summary.append(
            {
                "decoding": decoding,
                "temperature": temperature,
                "n": n,
                "accuracy": float(correct.mean()),
                "target_wr": float(target.mean()),
                "en_wr": float(1 - target.mean()),
                "other_wr": 0.0,
            }
        )
    eval_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows), eval_dir / f"{checkpoint}.parquet")
    write_json(
        eval_dir / f"{checkpoint}.json", _run_meta(run_id, "eval", arm, lang, seed) | {"summary": summary}
    )


def build_tree(root: Path, total_rows: int, n_runs: int) -> None:
    """``n_runs`` GRPO runs (langs x seeds x arms acc/acc_lc) sharing ``total_rows`` rollouts, plus evals."""
    rng = np.random.default_rng(0)
    combos = [
        (lang, seed, arm) for lang in ("ko", "zh", "uk") for seed in range(8) for arm in ("acc", "acc_lc")
    ]
    per_run = total_rows // n_runs
    for k, (lang, seed, arm) in enumerate(combos[:n_runs]):
        seed_dir = root / lang / f"seed{seed}"
        for checkpoint, stage in (("base", "pretrain"), ("sft", "sft")):
            write_json(
                seed_dir / checkpoint / "run.json",
                _run_meta(f"{lang}/seed{seed}/{checkpoint}", stage, None, lang, seed),
            )
            write_eval(seed_dir / "eval" / "test", lang, seed, checkpoint, rng)
        run_dir = seed_dir / f"grpo_{arm}"
        run_dir.mkdir(parents=True, exist_ok=True)
        write_json(run_dir / "run.json", _run_meta(f"{lang}/seed{seed}/grpo_{arm}", "grpo", arm, lang, seed))
        n = per_run if k < n_runs - 1 else total_rows - per_run * (n_runs - 1)
        write_rollouts(
            run_dir / "rollouts.parquet",
            f"{lang}/seed{seed}/grpo_{arm}",
            n,
            rng,
            drift=0.8 if arm == "acc" else 0.1,
        )
        write_eval(seed_dir / "eval" / "test", lang, seed, f"grpo_{arm}", rng)


def first_and_best(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float]:
    """Wall time of the first call (cold) and the best of ``repeat`` calls (warm), in milliseconds;
    the machine is shared, so best-of is the least noisy warm number."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], min(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_store_") as tmp:
        base = args.keep or Path(tmp)
        results, db = base / "results", base / "collapse.duckdb"
        db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build_tree(results, args.rows, args.runs)
        print(f"wrote {args.rows:,} rollout rows in {args.runs} runs: {time.perf_counter() - t0:.1f} s")
        size_mb = sum(p.stat().st_size for p in results.rglob("*.parquet")) / 1e6
        t0 = time.perf_counter()
        report = ingest(results, db)
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ingest(results, db)
        noop_s = time.perf_counter() - t0
        assert report["total"]["rollouts"] == args.rows and sum(again["inserted"].values()) == 0
        print(
            f"ingest: {ingest_s:.2f} s for {size_mb:.0f} MB parquet, totals {json.dumps(report['total'])}"
            f" [target <= {INGEST_TARGET_S:.0f} s: {'ok' if ingest_s <= INGEST_TARGET_S else 'MISSED'}]"
        )
        print(f"re-ingest (nothing changed): {noop_s:.2f} s; database {db.stat().st_size / 1e6:.0f} MB")
        queries = {
            "v_drift": "SELECT lang, arm, seed, step, accuracy, target_wr, en_wr FROM v_drift",
            "v_irreversibility": "SELECT * FROM v_irreversibility WHERE decoding = 'greedy'",
            "v_tradeoff": "SELECT * FROM v_tradeoff WHERE decoding = 'greedy'",
            "v_correct_by_language": "SELECT * FROM v_correct_by_language",
        }
        missed = ingest_s > INGEST_TARGET_S
        print("figure queries (first call on a fresh connection / best of 5):")
        for view, sql in queries.items():
            with connect_readonly(db) as con:
                first, best = first_and_best(lambda sql=sql, con=con: con.execute(sql).df())
                n = len(con.execute(sql).df())
            missed |= first > QUERY_TARGET_MS
            verdict = "ok" if first <= QUERY_TARGET_MS else "MISSED"
            print(
                f"  query {view:<22} {first:7.1f} / {best:6.1f} ms  ({n} rows) [target <= "
                f"{QUERY_TARGET_MS:.0f} ms: {verdict}]"
            )
        for name, fn in (
            ("drift_data", figures.drift_data),
            ("irreversibility_data", figures.irreversibility_data),
            ("tradeoff_data", figures.tradeoff_data),
        ):
            first, best = first_and_best(lambda fn=fn: fn(db), repeat=3)
            print(f"  {name:<28} {first:7.1f} / {best:6.1f} ms  (open read-only + query + pandas)")
        for name, plot in figures.PLOTS.items():
            t0 = time.perf_counter()
            plot(db, base / f"{name}.png", base / f"{name}.pdf")
            print(
                f"  plot_{name:<21} {(time.perf_counter() - t0) * 1000:7.0f} ms  (query + draw + PNG + PDF)"
            )
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
