"""Stage ``prepare``: the English source records of every data split.

Synthetic splits come from the grade-school-math world (which also writes every item's renderings in all
world languages to ``parallel.jsonl``, the template translator's table and the pretraining corpus's source);
real splits come from :mod:`pipeline.data.sources` (GSM8K, MATH500, SimpleRL-Zoo; hub or local files), native
multilingual benchmark splits (MMATH, PolyMath, MGSM) as the benchmark's English records (:mod:`pipeline.data.native`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.data.native import SourceError
from pipeline.jsonl import write_json, write_jsonl


def _require_records(name: str, n: int, report: dict[str, Any] | None) -> None:
    """A prepared split with no records is an error naming the split (and, when known, where it came from)."""
    if n:
        return
    detail = ""
    if report:
        detail = (f" from {report.get('origin')} ({report.get('n_read')} read, "
                  f"{report.get('n_skipped_no_answer')} skipped without a gold answer)")
    raise SourceError(f"data split {name!r}: 0 records prepared{detail}; every later stage would see an empty "
                      "split. Check the source file or hub split, and `limit`/`n` in data.splits")


def run_prepare(out_dir: str | Path, splits: dict[str, dict[str, Any]], world_cfg: dict[str, Any],
                world_languages: list[str]) -> dict[str, Any]:
    """Write ``{split}.jsonl`` for every split (and ``parallel.jsonl`` for synthetic ones) into ``out_dir``.

    A split that ends up with 0 records raises :class:`pipeline.data.native.SourceError` naming it.
    """
    out_dir = Path(out_dir)
    synthetic = {name: spec for name, spec in splits.items() if spec["source"] == "synthetic"}
    report: dict[str, Any] = {}
    if synthetic:
        from pipeline.data import world

        gen = {k: world_cfg[k] for k in ("min_steps", "max_steps", "max_value", "families")}
        report["synthetic"] = world.write_world(out_dir, {n: {"n": s["n"]} for n, s in synthetic.items()},
                                                seed=world_cfg["seed"], languages=world_languages, **gen)
        for name, count in report["synthetic"]["splits"].items():
            _require_records(name, count, None)
    for name, spec in splits.items():
        if spec["source"] == "synthetic":
            continue
        from pipeline.data.sources import load_records_with_report

        records, load_report = load_records_with_report(spec, name)
        _require_records(name, len(records), load_report)
        write_jsonl(out_dir / f"{name}.jsonl", records)
        report[name] = load_report
    write_json(out_dir / "prepare_report.json", report)
    return report
