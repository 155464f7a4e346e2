"""Native multilingual math benchmarks (MMATH, PolyMath, MGSM) as evaluation splits (docs/benchmarks.md).

A split with ``source: mmath | polymath | mgsm`` is a benchmark the authors translated by hand: its English
records are the benchmark's English items (stage ``prepare``, :func:`load_native_with_report`), and its records
in a target language are the benchmark's own items in that language (stage ``translate``, :func:`run_native`),
never a machine translation. Items are linked across languages by a language-free id,
``{source}-{split}-{key}``: MMATH ``gid`` (else ``data_source`` + ``data_source_id``), PolyMath level + the
number of its ``{level}-{lang}-{n}`` id, MGSM the position in the file (its languages are line-parallel).

:data:`BENCHMARKS` is the one table of what each benchmark covers; the config check (:func:`config_problems`,
called by ``pipeline.settings``) rejects a target language a benchmark lacks and a native split used for
training. Rows come from a local ``path`` (a directory of per-language files, or one file whose records carry
``lang``) or from the hub through ``datasets.load_dataset`` (``hub_id``, ``hub_config``, ``hub_split``,
``hub_data_files``; ``{lang}`` and ``{level}`` are filled in).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.jsonl import iter_jsonl, read_jsonl, read_text, write_json, write_jsonl


class SourceError(ValueError):
    """A dataset spec or source file the loaders cannot use; the message says what to fix.

    Defined here and re-exported by :mod:`pipeline.data.sources`, which delegates native splits to this module.
    """


@dataclass(frozen=True)
class Benchmark:
    """One native benchmark: its languages, hub defaults and the file names of one language in a directory."""

    name: str  # the split ``source``
    title: str
    languages: tuple[str, ...]
    items: str  # what one language holds
    hub_id: str
    hub_config: str | None  # ``{lang}`` = one hub config per language
    hub_split: str
    files: tuple[str, ...]  # per-language file names tried in a ``path`` directory, in order
    hub_data_files: str | None = None


POLYMATH_LEVELS = ("low", "medium", "high", "top")
_DATA_FILES = ("{lang}.jsonl", "{lang}.json", "{lang}.parquet")
BENCHMARKS: dict[str, Benchmark] = {
    "mmath": Benchmark(
        "mmath", "MMATH", ("ar", "en", "es", "fr", "ja", "ko", "pt", "th", "vi", "zh"),
        "374 problems (AIME 2024/2025, CNMO, MATH-500)", "RUCAIBox/MMATH", None, "test", _DATA_FILES,
        hub_data_files="mmath/{lang}.json"),
    "polymath": Benchmark(
        "polymath", "PolyMath", ("ar", "bn", "de", "en", "es", "fr", "id", "it", "ja", "ko", "ms", "pt", "ru",
                                 "sw", "te", "th", "vi", "zh"),
        "4 levels (low, medium, high, top) x 125 problems", "Qwen/PolyMath", "{lang}", "{level}",
        tuple(f"{{lang}}/{{level}}.{ext}" for ext in ("parquet", "jsonl", "json"))),
    "mgsm": Benchmark(
        "mgsm", "MGSM", ("bn", "de", "en", "es", "fr", "ja", "ru", "sw", "te", "th", "zh"),
        "250 GSM8K test problems", "juletxara/mgsm", "{lang}", "test",
        ("mgsm_{lang}.tsv", "{lang}.tsv", *_DATA_FILES)),
}
FLAG_MISSING = "native_missing"  # QC flag: the benchmark has no record of this id in the target language
FLAG_ANSWER_DIFFERS = "answer_differs"  # QC flag (informational): its gold answer differs from the English one
EXAMPLES = 20  # ids listed in reports and summaries


# -- config ------------------------------------------------------------------------------------------------------
def is_native(spec: dict[str, Any]) -> bool:
    """Whether a ``data.splits`` entry is a native benchmark."""
    return spec.get("source") in BENCHMARKS


def native_spec(config: dict[str, Any], split: str) -> dict[str, Any] | None:
    """The spec of ``split`` when it is a native benchmark split, else None (rule translate's switch)."""
    spec = config["data"]["splits"][split]
    return dict(spec) if is_native(spec) else None


def config_problems(splits: dict[str, dict[str, Any]], langs: list[str], trained: dict[str, str]) -> list[str]:
    """What a config gets wrong about native splits: a target language a benchmark lacks, ``levels`` on a
    benchmark without levels, or a native split among ``trained`` (config key -> split name)."""
    problems = []
    for key, name in trained.items():
        if is_native(splits.get(name, {})):
            problems.append(
                f"{key} {name!r} is a native {BENCHMARKS[splits[name]['source']].title} split, which is "
                "evaluation-only (no target-language reference solutions to train on); train on a synthetic, "
                f"gsm8k, math500 or simplerl split and list {name!r} in eval.splits")
    for name, spec in splits.items():
        bench = BENCHMARKS.get(spec.get("source"))
        if bench is None:
            continue
        missing = [lang for lang in langs if lang not in bench.languages]
        if missing:
            problems.append(
                f"data.splits.{name} (source {bench.name}, {bench.title}) does not cover target language(s) "
                f"{', '.join(missing)}; it covers {', '.join(bench.languages)}. Evaluate those languages on a "
                "translated gsm8k or math500 split instead (docs/benchmarks.md)")
        if spec.get("levels") and bench.name != "polymath":
            problems.append(f"data.splits.{name}: levels apply to polymath only, not {bench.name}")
    return problems


# -- reading rows ------------------------------------------------------------------------------------------------
def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of one file: ``.jsonl``, ``.json`` (a JSON array, or JSON Lines), ``.parquet`` or an MGSM ``.tsv``.

    A file with no records is a :class:`SourceError` naming it; a byte that is not UTF-8 (text formats) a
    :class:`pipeline.jsonl.JsonlError` naming the file, line and byte offset.
    """
    rows = _read_any(path)
    if not rows:
        raise SourceError(f"dataset file {path} holds no records (it is empty or has only blank lines); "
                          "check the download or fix `path` in the data config")
    return rows


def _read_any(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".tsv":
        return _read_tsv(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    if path.suffix == ".json":
        text = read_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return read_jsonl(path)  # JSON Lines under a .json name (or broken: the error names the line)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise SourceError(f"{path}: expected a JSON array of records")
        return data
    if path.suffix == ".jsonl":
        return list(iter_jsonl(path))
    raise SourceError(f"{path}: unsupported extension {path.suffix!r} (use .jsonl, .json, .parquet or .tsv)")


def _read_tsv(path: Path) -> list[dict[str, Any]]:
    """MGSM's original files: ``question<TAB>answer_number`` per line, no header."""
    rows = []
    text = io.StringIO(read_text(path), newline="")  # splits lines exactly as open(newline="") does
    for lineno, cells in enumerate(csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
        if not "".join(cells).strip():  # a blank line, as JSON Lines readers skip them
            continue
        if len(cells) != 2:
            raise SourceError(f"{path}:{lineno}: expected 2 tab-separated fields (question, answer_number), "
                              f"got {len(cells)}")
        rows.append({"question": cells[0], "answer_number": cells[1]})
    return rows


def _row_tags(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(language, level) a row states: fields ``lang`` and ``level``/``difficulty``, else a PolyMath id."""
    parts = str(row.get("id") or "").split("-")
    id_level, id_lang = (parts[0], parts[1]) if len(parts) == 3 and parts[0] in POLYMATH_LEVELS else (None, None)
    return row.get("lang") or id_lang, row.get("level") or row.get("difficulty") or id_level


def _select(rows: list[dict[str, Any]], lang: str, level: str | None, where: str) -> list[dict[str, Any]]:
    """The rows of one language (and level) from a table holding several."""
    out = []
    for i, row in enumerate(rows):
        row_lang, row_level = _row_tags(row)
        if row_lang is None:
            raise SourceError(f"{where} record {i + 1}: missing field 'lang' (a file holding every language needs it "
                              "on each record; or use a directory of per-language files)")
        if row_lang == lang and (level is None or row_level == level):
            out.append(row)
    if not out:
        raise SourceError(f"{where}: no record has lang {lang!r}" + (f" and level {level!r}" if level else ""))
    return out


def _language_file(bench: Benchmark, root: Path, lang: str, level: str | None) -> Path:
    names = [name.format(lang=lang, level=level) for name in bench.files]
    for name in names:
        if (root / name).is_file():
            return root / name
    raise SourceError(f"{bench.title}: no {lang} file under {root} (looked for {', '.join(names)})")


def _fill(template: str | None, lang: str, level: str | None) -> str | None:
    return None if template is None else template.format(lang=lang, level=level)


def _hub_rows(bench: Benchmark, spec: dict[str, Any], lang: str,
              level: str | None) -> tuple[str, list[dict[str, Any]], bool]:
    """(origin, rows, per_language) from ``datasets.load_dataset`` (needs network or a populated HF cache)."""
    import datasets

    hub_id = spec.get("hub_id") or bench.hub_id
    config = spec.get("hub_config", bench.hub_config)
    split = _fill(spec.get("hub_split") or bench.hub_split, lang, level)
    files = spec.get("hub_data_files", bench.hub_data_files)
    kwargs = {"data_files": {split: _fill(files, lang, level)}} if files else {}
    ds = datasets.load_dataset(hub_id, _fill(config, lang, level), split=split, **kwargs)
    per_language = "{lang}" in (config or "") + (files or "")
    name = _fill(config, lang, level) or _fill(files, lang, level) or "default"
    return f"{hub_id} ({name}, split {split})", [dict(row) for row in ds], per_language


def _rows(bench: Benchmark, spec: dict[str, Any], lang: str, level: str | None) -> tuple[str, list[dict]]:
    """(origin, rows) of one language (and PolyMath level)."""
    if not spec.get("path"):
        origin, rows, per_language = _hub_rows(bench, spec, lang, level)
        return origin, rows if per_language else _select(rows, lang, level, origin)
    path = Path(spec["path"])
    if not path.exists():
        raise SourceError(f"{bench.title} path {path} does not exist; fix `path` in data.splits")
    if path.is_dir():
        file = _language_file(bench, path, lang, level)
        return str(file), read_rows(file)
    return str(path), _select(read_rows(path), lang, level, str(path))


# -- normalising rows --------------------------------------------------------------------------------------------
class NativeRow(NamedTuple):
    """One benchmark row, normalised; ``key`` links the languages of one item."""

    key: str
    question: str
    solution: str
    gold: str | None
    difficulty: Any


def _require(row: dict[str, Any], key: str, where: str) -> Any:
    if row.get(key) is None:
        raise SourceError(f"{where}: missing field {key!r} (fields present: {', '.join(sorted(row)) or 'none'})")
    return row[key]


def _key(value: Any) -> str:
    """An id fragment: integers zero-padded (``7`` -> ``00007``), anything else made id-safe."""
    text = str(value).strip()
    return f"{int(text):05d}" if re.fullmatch(r"\d+", text) else re.sub(r"[^A-Za-z0-9]+", "_", text)


def number_text(value: Any) -> str | None:
    """MGSM ``answer_number`` as gold text: ``18`` / ``18.0`` / ``"1,000"`` -> ``"18"`` / ``"18"`` / ``"1000"``."""
    text = str(value).strip().replace(",", "")
    if re.fullmatch(r"-?\d+\.0*", text):
        text = text.split(".")[0]
    return text or None


def _mmath(row: dict[str, Any], where: str, position: int, level: str | None) -> NativeRow:
    question, answer = _require(row, "question", where), _require(row, "answer", where)
    if row.get("gid") is not None:
        key = _key(row["gid"])
    elif row.get("data_source") is not None and row.get("data_source_id") is not None:
        key = f"{_key(row['data_source'])}-{_key(row['data_source_id'])}"
    else:
        key = f"{position:05d}"
    return NativeRow(key, str(question), "", str(answer).strip() or None, row.get("data_source"))


def _polymath(row: dict[str, Any], where: str, position: int, level: str | None) -> NativeRow:
    question, answer = _require(row, "question", where), _require(row, "answer", where)
    tail = str(row.get("id") or "").rsplit("-", 1)[-1]
    number = int(tail) if tail.isdigit() else position
    return NativeRow(f"{level}-{number:05d}", str(question), "", str(answer).strip() or None, level)


def _mgsm(row: dict[str, Any], where: str, position: int, level: str | None) -> NativeRow:
    question, number = _require(row, "question", where), _require(row, "answer_number", where)
    solution = str(row.get("answer") or "").strip()  # only the 8 exemplars (hub split "train") have one
    return NativeRow(f"{position:05d}", str(question), solution, number_text(number), None)


NORMALISERS = {"mmath": _mmath, "polymath": _polymath, "mgsm": _mgsm}


# -- loading one language ----------------------------------------------------------------------------------------
def _levels(spec: dict[str, Any]) -> list[str | None]:
    if spec["source"] != "polymath":
        if spec.get("levels"):
            raise SourceError(f"data spec for {spec['source']}: levels apply to polymath only")
        return [None]
    levels = list(spec.get("levels") or POLYMATH_LEVELS)
    unknown = [lv for lv in levels if lv not in POLYMATH_LEVELS]
    if unknown:
        raise SourceError(f"polymath levels {unknown} unknown; choose from {list(POLYMATH_LEVELS)}")
    return levels


def load_native_with_report(spec: dict[str, Any], split_name: str,
                            lang: str = "en") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records of one language of a native split, and a report like ``sources.load_records_with_report``'s.

    Records are in the data-record format (``solution`` is ``""`` where the benchmark has none); gold answers are
    the benchmark's ``answer`` (MMATH LaTeX kept as is, PolyMath) or ``answer_number`` (MGSM). ``spec`` keys:
    ``source``, ``path`` or ``hub_*``, optional ``limit`` (max records) and, for polymath, ``levels``.
    """
    bench = BENCHMARKS.get(spec.get("source"))
    if bench is None:
        raise SourceError(f"native source {spec.get('source')!r} unknown; choose one of {sorted(BENCHMARKS)}")
    if lang not in bench.languages:
        raise SourceError(f"{bench.title} has no {lang!r} records; it covers {', '.join(bench.languages)}")
    limit = spec.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise SourceError(f"data spec for {bench.name}: limit must be a non-negative integer, got {limit!r}")
    records: list[dict[str, Any]] = []
    skipped: list[str] = []
    origins, seen, n_read = [], set(), 0
    for level in _levels(spec):
        if limit is not None and len(records) >= limit:
            break
        origin, rows = _rows(bench, spec, lang, level)
        origins.append(origin)
        for position, row in enumerate(rows):
            if limit is not None and len(records) >= limit:
                break
            n_read += 1
            item = NORMALISERS[bench.name](row, f"{origin} record {position + 1}", position, level)
            item_id = f"{bench.name}-{split_name}-{item.key}"
            if item_id in seen:
                raise SourceError(f"{origin} record {position + 1}: duplicate item id {item_id!r}")
            seen.add(item_id)
            if not item.gold:
                skipped.append(item_id)
                continue
            records.append({"id": item_id, "source": bench.name, "split": split_name, "lang": lang,
                            "question": item.question.strip(), "solution": item.solution, "answer": item.gold,
                            "difficulty": item.difficulty})
    report = {"source": bench.name, "split": split_name, "origin": "; ".join(origins), "n_read": n_read,
              "n_records": len(records), "n_skipped_no_answer": len(skipped), "skipped_ids": skipped[:EXAMPLES],
              "n_gold_mismatch": 0, "native": True, "benchmark": bench.title, "lang": lang}
    return records, report


# -- stage translate for a native split -------------------------------------------------------------------------
def _qc_row(english: dict[str, Any], native: dict[str, Any] | None, lang: str, bench: Benchmark,
            origin: str) -> dict[str, Any]:
    if native is None:
        flags = [FLAG_MISSING]
    else:
        flags = [FLAG_ANSWER_DIFFERS] if native["answer"] != english["answer"] else []
    return {"id": str(english["id"]), "split": english.get("split"), "lang": lang, "backend": "native",
            "model": bench.name, "ok": native is not None, "flags": flags, "numbers_ok": None, "lang_ok": None,
            "target_share": None, "length_ratio": None, "attempts": 0, "cached": False,
            "backtranslation_score": None, "dropped": native is None,
            "error": None if native is not None else f"no {lang} record with this id in {origin}"}


def run_native(source_path: str | Path, out_path: str | Path, qc_path: str | Path, summary_path: str | Path,
               target_lang: str, spec: dict[str, Any], split: str) -> dict[str, Any]:
    """Stage ``translate`` of a native split: the benchmark's own ``target_lang`` records of the English ids.

    Writes what :func:`pipeline.data.translate.run_translation` writes (records, QC parquet, summary json);
    calls no translator. An English id without a target-language record is dropped and counted
    (``dropped``, ``missing_ids``); none found at all is an error (the languages' files do not line up).
    """
    from pipeline.data.translate.runner import write_qc_parquet

    started = time.time()
    bench = BENCHMARKS[spec["source"]]
    english = read_jsonl(source_path)
    native, report = load_native_with_report({k: v for k, v in spec.items() if k != "limit"}, split, target_lang)
    by_id = {rec["id"]: rec for rec in native}
    qc = [_qc_row(rec, by_id.get(rec["id"]), target_lang, bench, report["origin"]) for rec in english]
    records = [{**rec, "lang": target_lang, **{k: by_id[rec["id"]][k] for k in ("question", "solution", "answer")}}
               for rec in english if rec["id"] in by_id]
    if english and not records:
        raise SourceError(f"{report['origin']}: none of the {len(english)} ids of {source_path} has a "
                          f"{target_lang} record; do the languages' files line up (same gid / id / order)?")
    write_jsonl(out_path, records)
    write_qc_parquet(qc_path, qc)
    missing = [row["id"] for row in qc if row["dropped"]]
    differs = sum(FLAG_ANSWER_DIFFERS in row["flags"] for row in qc)
    wall = time.time() - started
    summary = {
        "lang": target_lang, "split": split, "source_lang": "en", "target_lang": target_lang,
        "backend": "native", "model": bench.name, "native": True, "benchmark": bench.title, "origin": report["origin"],
        "n_items": len(english), "native_records": len(native), "written": len(records),
        "translated": 0, "cached": 0, "copied": 0, "ok": len(records), "failed": len(missing), "failed_error": 0,
        "kept_flagged": 0, "dropped": len(missing), "missing_ids": missing[:EXAMPLES], "answer_differs": differs,
        "retried": 0, "backend_calls": 0, "flag_counts": {k: v for k, v in ((FLAG_MISSING, len(missing)),
                                                                             (FLAG_ANSWER_DIFFERS, differs)) if v},
        "backtranslated": 0, "backtranslation_mean": None, "wall_seconds": round(wall, 3),
        "items_per_second": round(len(english) / wall, 3) if wall > 0 else None, "spec": dict(spec),
        "source_path": str(source_path), "out_path": str(out_path), "qc_path": str(qc_path),
    }
    write_json(summary_path, summary)
    print(f"native {bench.title} {split} [{target_lang}]: {len(english)} items, {len(records)} written, "
          f"{len(missing)} missing, {differs} with a different gold answer (no translator called)")
    return summary
