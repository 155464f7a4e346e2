"""Stage ``translate``: English source records -> target-language records, QC table and summary.

Each record's ``question`` and ``solution`` are translated (the gold ``answer`` never goes through the
translator). Every text is looked up in the persistent cache first; misses go to the backend from a thread
pool (``max_workers``, one worker for backends that are not thread-safe) under a shared rate limit. A
translated text is written to the cache as soon as its item is done, so a killed run loses only the items
in flight and a re-run makes no backend call for anything already cached. Every item gets a QC row;
items that failed QC or met a transient error (:func:`pipeline.data.translate.retry.is_transient`) are retried
``retries`` times, then kept with flags or dropped (``on_fail``), always counted. A deterministic error is
recorded at once, without retries. The run fails (:class:`TranslationStageError`) when its first
:data:`FAIL_FAST_ITEMS` items all fail deterministically (the backend cannot translate this split) and when no
item at all is written.

This module is longer than 450 lines on purpose: the item loop, its retries, fail-fast and the summary share one
run's state (cache, counters, QC rows), and splitting them would pass that state between modules.

This module is longer than 400 lines on purpose: one translation run (cache, thread pool, retries, fail-fast,
QC, outputs and summary) reads in one sitting, as nanoGPT's loop does.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.data.translate.base import (
    BackendConfigError,
    TranslationError,
    TranslationStageError,
    TranslatorBackend,
)
from pipeline.data.translate.cache import TranslationCache
from pipeline.data.translate.config import TranslationConfig
from pipeline.data.translate.qc import (
    FAILING_FLAGS,
    FLAG_BT_FAILED,
    FLAG_BT_LOW,
    FLAG_ERROR,
    QCSettings,
    TextQC,
    backtranslation_score,
    check_text,
)
from pipeline.data.translate.registry import backend_class, make_backend
from pipeline.data.translate.retry import backoff_delay, is_transient
from pipeline.data.translate.throttle import RateLimiter
from pipeline.jsonl import iter_jsonl_numbered, make_temp, write_json, write_jsonl
from pipeline.languages import get_language

log = logging.getLogger(__name__)

FIELDS = ("question", "solution")
REQUIRED = ("id", "question", "solution", "answer")
FAIL_FAST_ITEMS = 5  # the run stops when its first this many finished items all failed deterministically


@dataclass
class ItemResult:
    """Outcome of one record."""

    index: int
    record: dict[str, Any] | None  # target-language record, None when dropped
    qc: dict[str, Any]  # one row of the QC table
    status: str  # translated | cached | copied
    calls: int  # backend calls made for this item (including back-translation)
    permanent: bool = False  # no translation, and the last error was deterministic (not retried)


def in_backtranslation_sample(item_id: str, fraction: float) -> bool:
    """Deterministic sample: the same ids are chosen on every run."""
    if fraction <= 0:
        return False
    digest = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:8], 16)
    return digest / 0x100000000 < fraction


def _worst_ratio(qcs: list[TextQC]) -> float | None:
    ratios = [q.length_ratio for q in qcs if q.length_ratio is not None]
    if not ratios:
        return None
    return max(ratios, key=lambda r: abs(math.log(r)) if r > 0 else math.inf)


class _Translator:
    """Per-run state shared by the worker threads."""

    def __init__(self, backend: TranslatorBackend, cache: TranslationCache, conf: TranslationConfig,
                 source: str, target: str) -> None:
        self.backend = backend
        self.cache = cache
        self.conf = conf
        self.source = source
        self.target = target
        self.settings = QCSettings(conf.min_target_share, conf.length_ratio)

    def _call(self, texts: list[str], source: str, target: str) -> list[str]:
        if not self.backend.self_throttled:
            self.backend.throttle()
        out = self.backend.translate(texts, source, target)
        if not isinstance(out, list) or len(out) != len(texts) or not all(isinstance(t, str) for t in out):
            size = len(out) if isinstance(out, list) else "?"
            raise TranslationError(f"backend {self.backend.name!r} returned {type(out).__name__} of {size} "
                                   f"items for {len(texts)} texts")
        return out

    def _cache_args(self, source: str, target: str) -> tuple[str, str, str, str]:
        return self.backend.name, self.backend.model, source, target

    def item(self, index: int, rec: dict[str, Any]) -> ItemResult:
        src_text = {f: str(rec.get(f) or "") for f in FIELDS}
        key = self._cache_args(self.source, self.target)
        final: dict[str, str] = {}
        qcs: dict[str, TextQC] = {}
        for f in FIELDS:
            text = src_text[f]
            hit = text if not text.strip() else self.cache.get(*key, text)
            if hit is not None:
                final[f], qcs[f] = hit, check_text(text, hit, self.target, self.settings)
        pending = [f for f in FIELDS if f not in final]
        best: dict[str, tuple[str, TextQC]] = {}
        attempts = calls = 0
        error: str | None = None
        permanent = False
        while pending and attempts <= self.conf.retries:
            if attempts:
                time.sleep(backoff_delay(attempts, self.conf.backoff))
            attempts += 1
            try:
                calls += 1
                out = self._call([src_text[f] for f in pending], self.source, self.target)
            except BackendConfigError:
                raise
            except Exception as err:  # counted failure; retried only when a later attempt may succeed
                error = f"{type(err).__name__}: {err}"[:500]
                permanent = not is_transient(err)
                if permanent:
                    break
                continue
            permanent = False
            still = []
            for f, text in zip(pending, out, strict=True):
                qc = check_text(src_text[f], text, self.target, self.settings)
                best[f] = (text, qc)
                if qc.ok:
                    final[f], qcs[f] = text, qc
                    self.cache.put(*key, src_text[f], text)
                else:
                    still.append(f)
            pending = still
        for f in pending:  # retries exhausted: keep the last translation that failed QC, if any
            if f in best:
                final[f], qcs[f] = best[f]
                self.cache.put(*key, src_text[f], best[f][0])
        missing = [f for f in FIELDS if f not in final]
        flags = sorted({flag for q in qcs.values() for flag in q.flags})
        if missing:
            flags.append(FLAG_ERROR)
        else:
            error, permanent = None, False
        bt_score = None
        if not missing and in_backtranslation_sample(str(rec["id"]), self.conf.backtranslation_sample):
            bt_score, bt_calls, bt_failed = self._backtranslate(src_text, final)
            calls += bt_calls
            if bt_failed:
                flags.append(FLAG_BT_FAILED)
            elif bt_score is not None and bt_score < self.conf.backtranslation_min_score:
                flags.append(FLAG_BT_LOW)
        ok = not (set(flags) & FAILING_FLAGS)
        dropped = bool(missing) or (not ok and self.conf.on_fail == "drop")
        field_qcs = list(qcs.values())
        shares = [q.target_share for q in field_qcs if q.target_share is not None]
        row = {
            "id": str(rec["id"]), "split": rec.get("split"), "lang": self.target,
            "backend": self.backend.name,
            "model": self.backend.model, "ok": ok, "flags": flags,
            "numbers_ok": not missing and all(q.numbers_ok for q in field_qcs),
            "lang_ok": not missing and all(q.lang_ok for q in field_qcs),
            "target_share": min(shares) if shares else None, "length_ratio": _worst_ratio(field_qcs),
            "attempts": attempts, "cached": attempts == 0, "backtranslation_score": bt_score,
            "dropped": dropped, "error": error,
        }
        if missing_numbers := sorted({n for q in field_qcs for n in q.missing_numbers}):
            log.debug("%s: numbers missing from the translation: %s", rec["id"], missing_numbers)
        record = None if dropped else {**rec, "lang": self.target, **final}
        return ItemResult(index, record, row, "cached" if attempts == 0 else "translated", calls, permanent)

    def _backtranslate(self, src_text: dict[str, str],
                       final: dict[str, str]) -> tuple[float | None, int, bool]:
        """Back-translate the item's fields; return (mean score, backend calls, failed)."""
        key = self._cache_args(self.target, self.source)
        fields = [f for f in FIELDS if src_text[f].strip()]
        back = {f: self.cache.get(*key, final[f]) for f in fields}
        todo = [f for f in fields if back[f] is None]
        calls = 0
        if todo:
            calls = 1
            try:
                out = self._call([final[f] for f in todo], self.target, self.source)
            except BackendConfigError:
                raise
            except Exception as err:
                log.debug("back-translation failed: %r", err)
                return None, calls, True
            for f, text in zip(todo, out, strict=True):
                back[f] = text
                self.cache.put(*key, final[f], text)
        if not fields:
            return None, calls, False
        scores = [backtranslation_score(src_text[f], back[f] or "") for f in fields]
        return sum(scores) / len(scores), calls, False


QC_SCHEMA_FIELDS: list[tuple[str, str]] = [
    ("id", "string"), ("split", "string"), ("lang", "string"), ("backend", "string"), ("model", "string"),
    ("ok", "bool_"), ("flags", "list<string>"), ("numbers_ok", "bool_"), ("lang_ok", "bool_"),
    ("target_share", "float64"), ("length_ratio", "float64"), ("attempts", "int64"), ("cached", "bool_"),
    ("backtranslation_score", "float64"), ("dropped", "bool_"), ("error", "string"),
]


def write_qc_parquet(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Write the QC table atomically with a fixed schema (nullable columns stay typed when all null)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.list_(pa.string()) if kind == "list<string>" else getattr(pa, kind)())
                        for name, kind in QC_SCHEMA_FIELDS])
    table = pa.Table.from_pylist(rows, schema=schema)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = make_temp(path.parent, prefix=f".{path.name}.")  # mode 0o666 & ~umask, not mkstemp's 0600
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_source(source_path: Path, source_lang: str) -> list[dict[str, Any]]:
    """The source records, checked; errors name ``file:line`` and the 1-based record number."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, (line, rec) in enumerate(iter_jsonl_numbered(source_path), start=1):
        where = f"{source_path}:{line}: record {n}"
        absent = [k for k in REQUIRED if k not in rec]
        if absent:
            raise ValueError(f"{where} lacks {absent}; expected the data-record format of "
                             "docs/artifacts.md (run the prepare stage)")
        if rec.get("lang", source_lang) != source_lang:
            raise ValueError(f"{where} ({rec['id']}) is in {rec['lang']!r} but the "
                             f"translation source_lang is {source_lang!r}")
        if rec["id"] in seen:
            raise ValueError(f"{where}: duplicate id {rec['id']!r}; ids must be unique")
        seen.add(rec["id"])
        records.append(rec)
    if not records:
        raise ValueError(f"{source_path}: no records to translate (the file is empty); re-run the prepare "
                         "stage and check its data split")
    return records


def _causes(results: list[ItemResult]) -> list[tuple[str, int]]:
    """Why items failed, most common first: the error text, else the QC flags."""
    causes = Counter(r.qc["error"] or "QC flags " + ",".join(r.qc["flags"]) for r in results if not r.qc["ok"])
    return causes.most_common()


def _describe_causes(results: list[ItemResult], top: int = 3) -> str:
    causes = _causes(results)
    if not causes:
        return "no item failed"
    shown = "; ".join(f"{count} x {cause}" for cause, count in causes[:top])
    more = f"; and {len(causes) - top} other causes (see the QC table)" if len(causes) > top else ""
    return shown + more


class _FailFast:
    """Watches the first finished items (from the worker threads); trips when :data:`FAIL_FAST_ITEMS` of them
    (or all, for a shorter split) failed deterministically in a row, so no further item is started."""

    def __init__(self, n_items: int) -> None:
        self.needed = min(FAIL_FAST_ITEMS, n_items)
        self.first: list[ItemResult] | None = []  # None once any item did not fail deterministically
        self.tripped = threading.Event()
        self._lock = threading.Lock()

    def record(self, res: ItemResult) -> None:
        """Note one finished item."""
        with self._lock:
            if self.first is None or self.tripped.is_set():
                return
            if not res.permanent:
                self.first = None
                return
            self.first.append(res)
            if len(self.first) >= self.needed:
                self.tripped.set()


def _fail_fast(results: list[ItemResult], backend: TranslatorBackend, source_path: Path, target: str,
               n_items: int) -> TranslationStageError:
    """The error that stops a run whose first items all failed deterministically."""
    split = next((r.qc["split"] for r in results if r.qc["split"]), None)
    what = f"split {split!r} ({source_path})" if split else str(source_path)
    return TranslationStageError(
        f"translate {what} -> {target} with backend {backend.name!r} ({backend.model}): the first {len(results)} "
        f"of {n_items} items all failed with an error no retry can fix, so the run stops here. Cause: "
        f"{_describe_causes(results)}")


def _copy_through(records: list[dict[str, Any]], target: str) -> list[ItemResult]:
    results = []
    for i, rec in enumerate(records):
        row = {"id": str(rec["id"]), "split": rec.get("split"), "lang": target, "backend": "identity",
               "model": "",
               "ok": True, "flags": [], "numbers_ok": True, "lang_ok": True, "target_share": None,
               "length_ratio": 1.0, "attempts": 0, "cached": False, "backtranslation_score": None,
               "dropped": False, "error": None}
        results.append(ItemResult(i, {**rec, "lang": target}, row, "copied", 0))
    return results


def _progress(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="item", disable=not enabled, file=sys.stderr, mininterval=0.5,
                dynamic_ncols=True)


def run_translation(source_path: str | Path, out_path: str | Path, qc_path: str | Path,
                    summary_path: str | Path, target_lang: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Translate one split file into ``target_lang``; write records, QC parquet and summary json.

    ``cfg`` keys are documented in docs/translation.md (backend, engine, model, cache_dir, max_workers,
    rate_limit, timeout, retries, backoff, on_fail, min_target_share, length_ratio, backtranslation_sample,
    backtranslation_min_score, parallel_path, source_lang, progress, plus the backend's own keys).
    """
    started = time.time()
    backend_keys = backend_class(cfg["backend"]).config_keys if "backend" in cfg else ()
    conf = TranslationConfig.from_dict(cfg, backend_keys)
    source, target = get_language(conf.source_lang).code, get_language(target_lang).code
    source_path = Path(source_path)
    records = _load_source(source_path, source)
    backend: TranslatorBackend | None = None
    calls = cache_corrupt = 0
    if target == source:
        results = _copy_through(records, target)
    else:
        backend = make_backend(cfg)
        backend.rate_limiter = RateLimiter(conf.rate_limit)
        cache = TranslationCache(conf.cache_dir)
        worker = _Translator(backend, cache, conf, source, target)
        n_workers = conf.max_workers if backend.concurrent else 1
        results_by_index: dict[int, ItemResult] = {}
        lock = threading.Lock()
        counts = {"cached": 0, "failed": 0}
        watch = _FailFast(len(records))

        def task(index: int, rec: dict[str, Any]) -> ItemResult | None:
            if watch.tripped.is_set():
                return None  # the run is stopping: start no further item
            res = worker.item(index, rec)
            watch.record(res)
            return res

        bar = _progress(len(records), f"translate {source}->{target} ({backend.name})", conf.progress)
        pool = ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="translate")
        try:
            futures = [pool.submit(task, i, rec) for i, rec in enumerate(records)]
            for fut in as_completed(futures):
                res = fut.result()
                if watch.tripped.is_set():
                    raise _fail_fast(watch.first or [], backend, source_path, target, len(records))
                assert res is not None  # items are skipped only after the watch tripped
                with lock:
                    results_by_index[res.index] = res
                    counts["cached"] += res.status == "cached"
                    counts["failed"] += not res.qc["ok"]
                bar.update(1)
                bar.set_postfix(counts, refresh=False)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            bar.close()
        pool.shutdown(wait=True)
        results = [results_by_index[i] for i in range(len(records))]
        calls = sum(r.calls for r in results)
        cache_corrupt = cache.corrupt
    out_records = [r.record for r in results if r.record is not None]
    if not out_records:
        name = backend.name if backend else "identity"
        raise TranslationStageError(
            f"translate {source_path} -> {out_path}: 0 of {len(results)} items translated (backend {name!r}), "
            f"so nothing would be written; most common cause: {_describe_causes(results)}")
    write_jsonl(out_path, out_records)
    qc_rows = [r.qc for r in results]
    write_qc_parquet(qc_path, qc_rows)
    summary = _summary(results, backend, conf, cfg, source, target, calls, cache_corrupt, started)
    summary.update({"source_path": str(source_path), "out_path": str(out_path), "qc_path": str(qc_path)})
    write_json(summary_path, summary)
    print(f"translate {source}->{target} [{summary['backend']}]: {summary['n_items']} items, "
          f"{summary['translated']} translated, {summary['cached']} cached, {summary['copied']} copied, "
          f"{summary['failed']} failed, {summary['dropped']} dropped, {summary['written']} written "
          f"({summary['backend_calls']} backend calls, {summary['wall_seconds']:.1f}s)"
          + (f"; {cache_corrupt} unreadable cache entries treated as misses" if cache_corrupt else ""))
    if summary["failed"]:
        print(f"translate {source}->{target}: most common failure causes: {_describe_causes(results)}")
    return summary


def _summary(results: list[ItemResult], backend: TranslatorBackend | None, conf: TranslationConfig,
             cfg: dict[str, Any], source: str, target: str, calls: int, cache_corrupt: int,
             started: float) -> dict[str, Any]:
    flag_counts: dict[str, int] = {}
    for r in results:
        for flag in r.qc["flags"]:
            flag_counts[flag] = flag_counts.get(flag, 0) + 1
    bt = [r.qc["backtranslation_score"] for r in results if r.qc["backtranslation_score"] is not None]
    wall = time.time() - started
    n = len(results)
    splits = sorted({str(r.qc["split"]) for r in results if r.qc["split"] is not None})
    return {
        "lang": target, "split": splits[0] if len(splits) == 1 else None,
        "source_lang": source, "target_lang": target,
        "backend": backend.name if backend else "identity", "model": backend.model if backend else "",
        "n_items": n,
        "translated": sum(r.status == "translated" for r in results),
        "cached": sum(r.status == "cached" for r in results),
        "copied": sum(r.status == "copied" for r in results),
        "ok": sum(bool(r.qc["ok"]) for r in results),
        "failed": sum(not r.qc["ok"] for r in results),
        "failed_error": flag_counts.get(FLAG_ERROR, 0),
        "kept_flagged": sum((not r.qc["ok"]) and not r.qc["dropped"] for r in results),
        "dropped": sum(bool(r.qc["dropped"]) for r in results),
        "written": sum(r.record is not None for r in results),
        "retried": sum(r.qc["attempts"] > 1 for r in results),
        "backend_calls": calls,
        "failed_permanent": sum(r.permanent for r in results),
        "cache_corrupt": cache_corrupt,
        "flag_counts": flag_counts,
        "failure_causes": dict(_causes(results)[:5]),
        "backtranslated": len(bt),
        "backtranslation_mean": sum(bt) / len(bt) if bt else None,
        "wall_seconds": round(wall, 3),
        "items_per_second": round(n / wall, 3) if wall > 0 else None,
        "config": {**asdict(conf), "length_ratio": list(conf.length_ratio)},
        "backend_config": {k: v for k, v in cfg.items() if k not in asdict(conf)},
    }
