"""Loaders for the real English math datasets (GSM8K, MATH-500, SimpleRL-Zoo) into normalised records.

The native multilingual benchmarks (MMATH, PolyMath, MGSM) live in :mod:`pipeline.data.native`; for them
:func:`load_records_with_report` returns the benchmark's English records.

Every loader returns records in the data-record format of ``docs/artifacts.md``::

    {"id", "source", "split", "lang": "en", "question", "solution", "answer", "difficulty"}

A dataset comes either from a local file (``path``) or from the Hugging Face hub (``hub_id`` and friends,
through ``datasets.load_dataset``). Ids are ``{source}-{split}-{index:05d}`` where ``index`` is the
position of the item in the source file, so they stay stable when items are skipped or ``limit`` is set.
A record without a parseable gold answer is a counted skip, reported by :func:`load_records_with_report`.
A local file with no records is an error (:func:`pipeline.data.native.read_rows`); record numbers in error
messages are 1-based (record N of a JSON Lines file is on line N when it has no blank lines).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.data.native import BENCHMARKS, SourceError, load_native_with_report, read_rows
from pipeline.measure import answers

log = logging.getLogger(__name__)

CALCULATOR_NOTE = re.compile(r"<<[^<>]*>>")
GSM8K_FINAL_LINE = re.compile(r"^\s*####.*$", re.MULTILINE)

DEFAULT_HUB = {
    "gsm8k": {"hub_id": "openai/gsm8k", "hub_config": "main"},
    "math500": {"hub_id": "HuggingFaceH4/MATH-500", "hub_config": None, "hub_split": "test"},
    "simplerl": {"hub_id": "hkust-nlp/SimpleRL-Zoo-Data", "hub_config": None},
}

# SimpleRL-Zoo-Data tiers (paper: Easy = GSM8K + MATH L1, Medium = MATH L1-4, Hard = MATH L3-5).
SIMPLERL_SUBSETS = {
    "easy": "simplelr_qwen_gsm8k_level1",
    "medium": "simplelr_qwen_level1to4",
    "hard": "simplelr_qwen_level3to5",
}

SKIP_EXAMPLES = 20  # ids of skipped items kept in the report


def strip_calculator_notes(text: str) -> str:
    """Remove GSM8K ``<<48/2=24>>`` calculator annotations."""
    return CALCULATOR_NOTE.sub("", text)


def gsm8k_solution(raw: str) -> str:
    """The GSM8K reasoning without calculator notes and without the ``#### N`` line."""
    text = GSM8K_FINAL_LINE.sub("", strip_calculator_notes(raw))
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _require(row: dict[str, Any], key: str, where: str) -> Any:
    if key not in row or row[key] is None:
        fields = ", ".join(sorted(row)) or "none"
        raise SourceError(f"{where}: missing field {key!r} (fields present: {fields}); is the source right?")
    return row[key]


def _first(row: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


class Normalised(NamedTuple):
    """One source row, normalised; ``mismatch``: two gold-answer sources of the row disagree."""

    question: str
    solution: str
    gold: str | None
    level: Any
    mismatch: bool = False


def _gsm8k(row: dict[str, Any], where: str) -> Normalised:
    raw = str(_require(row, "answer", where))
    question = str(_require(row, "question", where))
    return Normalised(question, gsm8k_solution(raw), answers.gsm8k_gold(raw), None)


def _math500(row: dict[str, Any], where: str) -> Normalised:
    solution = str(_require(row, "solution", where)).strip()
    boxed = answers.boxed_gold(solution)
    field = str(row["answer"]).strip() if row.get("answer") not in (None, "") else None
    return Normalised(str(_require(row, "problem", where)), solution, boxed or field, row.get("level"),
                      mismatch=bool(boxed and field and boxed != field))


def _simplerl(row: dict[str, Any], where: str) -> Normalised:
    question = _first(row, ("question", "problem"))
    if question is None:
        _require(row, "question", where)
    solution = str(_first(row, ("solution",)) or "").strip()  # SimpleRL-Zoo ships no reference CoT
    extra = row.get("extra_info") if isinstance(row.get("extra_info"), dict) else {}
    reward = row.get("reward_model") if isinstance(row.get("reward_model"), dict) else {}
    gold = (_first(row, ("answer", "gt_answer")) or _first(extra, ("answer",))
            or _first(reward, ("ground_truth",)))
    if gold is None and solution:
        gold = answers.boxed_gold(solution)
    gold = str(gold).strip() if gold is not None else None
    return Normalised(str(question), solution, gold, row.get("level"))


NORMALISERS: dict[str, Callable[[dict[str, Any], str], Normalised]] = {
    "gsm8k": _gsm8k,
    "math500": _math500,
    "simplerl": _simplerl,
}


def _read_path(path: Path) -> list[dict[str, Any]]:
    """Rows of a local dataset file (:func:`pipeline.data.native.read_rows`: jsonl, json, parquet).

    A file with no records is a :class:`SourceError`; a non-UTF-8 byte a :class:`pipeline.jsonl.JsonlError`
    naming the file, line and byte offset.
    """
    if not path.exists():
        raise SourceError(f"dataset file {path} does not exist; fix `path` in the data config")
    if path.suffix not in (".parquet", ".jsonl", ".json"):
        raise SourceError(f"dataset file {path}: unsupported extension {path.suffix!r} "
                          "(use .jsonl or .parquet)")
    return read_rows(path)


def _resolve_simplerl_path(path: Path, spec: dict[str, Any], split_name: str) -> Path:
    """A directory laid out like the hub repo resolves to ``{dir}/{subset}/{split}.parquet``."""
    if not path.is_dir():
        return path
    subset = _simplerl_subset(spec)
    return path / subset / f"{spec.get('hub_split') or split_name}.parquet"


def _simplerl_subset(spec: dict[str, Any]) -> str:
    tier = spec.get("difficulty", "easy")
    if tier not in SIMPLERL_SUBSETS:
        raise SourceError(f"simplerl difficulty {tier!r} unknown; choose one of {sorted(SIMPLERL_SUBSETS)}")
    return spec.get("hub_subset") or SIMPLERL_SUBSETS[tier]


def _read_hub(spec: dict[str, Any], split_name: str) -> Iterator[dict[str, Any]]:
    """Rows from ``datasets.load_dataset`` (needs network or a populated HF cache)."""
    import datasets

    source = spec["source"]
    hub_id = spec.get("hub_id") or DEFAULT_HUB[source]["hub_id"]
    hub_split = spec.get("hub_split") or DEFAULT_HUB[source].get("hub_split") or split_name
    if source == "simplerl":
        files = {hub_split: f"{_simplerl_subset(spec)}/{hub_split}.parquet"}
        ds = datasets.load_dataset(hub_id, data_files=files, split=hub_split)
    else:
        config = spec.get("hub_config", DEFAULT_HUB[source]["hub_config"])
        ds = datasets.load_dataset(hub_id, config, split=hub_split)
    for row in ds:
        yield dict(row)


def _describe(spec: dict[str, Any]) -> str:
    return str(spec.get("path") or spec.get("hub_id") or DEFAULT_HUB[spec["source"]]["hub_id"])


def load_records_with_report(spec: dict[str, Any],
                             split_name: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Load and normalise one split; return ``(records, report)``.

    Gold answers: GSM8K ``#### N`` (:func:`pipeline.measure.answers.gsm8k_gold`); MATH-500 the last ``\\boxed{}``
    of the solution (:func:`pipeline.measure.answers.boxed_gold`), falling back to the ``answer`` field (the report
    counts rows where both exist and differ, ``n_gold_mismatch``); SimpleRL-Zoo the ``answer``/``gt_answer``
    field, ``extra_info.answer`` or ``reward_model.ground_truth`` (it has no reference solution: ``""``).

    Native multilingual benchmarks (``mmath``, ``polymath``, ``mgsm``) are delegated to
    :func:`pipeline.data.native.load_native_with_report` (their English records).

    ``spec`` keys: ``source`` (gsm8k | math500 | simplerl), then either ``path`` (jsonl/parquet file) or
    ``hub_id``/``hub_config``/``hub_split``; optional ``limit`` (max records returned) and, for simplerl,
    ``difficulty`` (easy | medium | hard). The report counts items read, kept and skipped (no gold answer).
    """
    source = spec.get("source")
    if source in BENCHMARKS:
        return load_native_with_report(spec, split_name)
    if source not in NORMALISERS:
        raise SourceError(f"data source {source!r} unknown; choose one of {sorted({*NORMALISERS, *BENCHMARKS})}")
    limit = spec.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise SourceError(f"data spec for {source}: limit must be a non-negative integer, got {limit!r}")
    if source == "simplerl" and spec.get("difficulty") is not None:
        _simplerl_subset(spec)  # validates the tier name
    if spec.get("path"):
        path = Path(spec["path"])
        if source == "simplerl":
            path = _resolve_simplerl_path(path, spec, split_name)
        rows: Iterable[dict[str, Any]] = _read_path(path)
        origin = str(path)
    else:
        rows = _read_hub(spec, split_name)
        origin = _describe(spec)
    normalise = NORMALISERS[source]
    prefix = f"{source}-{spec['difficulty']}" if source == "simplerl" and spec.get("difficulty") else source
    records: list[dict[str, Any]] = []
    skipped: list[str] = []
    n_read = mismatches = 0
    for index, row in enumerate(rows):
        if limit is not None and len(records) >= limit:
            break
        n_read += 1
        item_id = f"{prefix}-{split_name}-{index:05d}"
        question, solution, gold, level, mismatch = normalise(row, f"{origin} record {index + 1}")
        mismatches += mismatch
        if not gold:
            skipped.append(item_id)
            continue
        difficulty = level if level is not None else spec.get("difficulty")
        records.append({
            "id": item_id, "source": source, "split": split_name, "lang": "en",
            "question": question.strip(), "solution": solution, "answer": gold, "difficulty": difficulty,
        })
    report = {
        "source": source, "split": split_name, "origin": origin, "n_read": n_read,
        "n_records": len(records), "n_skipped_no_answer": len(skipped),
        "skipped_ids": skipped[:SKIP_EXAMPLES], "n_gold_mismatch": mismatches,
    }
    return records, report


def load_records(spec: dict[str, Any], split_name: str) -> list[dict[str, Any]]:
    """Normalised records of one split (see :func:`load_records_with_report`); logs the counts."""
    records, report = load_records_with_report(spec, split_name)
    log.info("%s/%s from %s: %d read, %d kept, %d skipped (no gold answer)", report["source"], split_name,
             report["origin"], report["n_read"], report["n_records"], report["n_skipped_no_answer"])
    return records
