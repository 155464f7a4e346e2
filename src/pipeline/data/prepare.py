"""Stage ``prepare``: the English source records of every data split.

Synthetic splits come from the grade-school-math world (which also writes every item's renderings in all
world languages to ``parallel.jsonl``, the template translator's table and the pretraining corpus's source);
real splits come from :mod:`pipeline.data.sources` (GSM8K, MATH500, SimpleRL-Zoo; hub or local files), native
multilingual benchmark splits (MMATH, PolyMath, MGSM) as the benchmark's English records (:mod:`pipeline.data.native`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.jsonl import write_json, write_jsonl


def run_prepare(out_dir: str | Path, splits: dict[str, dict[str, Any]], world_cfg: dict[str, Any],
                world_languages: list[str]) -> dict[str, Any]:
    """Write ``{split}.jsonl`` for every split (and ``parallel.jsonl`` for synthetic ones) into ``out_dir``."""
    out_dir = Path(out_dir)
    synthetic = {name: spec for name, spec in splits.items() if spec["source"] == "synthetic"}
    report: dict[str, Any] = {}
    if synthetic:
        from pipeline.data import world

        gen = {k: world_cfg[k] for k in ("min_steps", "max_steps", "max_value", "families")}
        report["synthetic"] = world.write_world(out_dir, {n: {"n": s["n"]} for n, s in synthetic.items()},
                                                seed=world_cfg["seed"], languages=world_languages, **gen)
    for name, spec in splits.items():
        if spec["source"] == "synthetic":
            continue
        from pipeline.data.sources import load_records_with_report

        records, load_report = load_records_with_report(spec, name)
        write_jsonl(out_dir / f"{name}.jsonl", records)
        report[name] = load_report
    write_json(out_dir / "prepare_report.json", report)
    return report
