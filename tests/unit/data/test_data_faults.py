"""Reliability faults of the data path (issue 14), each reproduced on real files and the real runner.

A: deterministic translation errors are not retried; the template backend on a GSM8K split stops early with
   a clear error; a run that writes 0 items fails.
B: an empty source file, and a prepared split with 0 records, are errors naming the file / split.
C: a non-UTF-8 byte is a JsonlError naming file, line and offset; record numbers are 1-based.
D: result files and cache entries follow the umask (not mkstemp's 0600); the summary counts corrupt cache
   entries.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import requests

from pipeline.data import world
from pipeline.data.native import SourceError, read_rows
from pipeline.data.prepare import run_prepare
from pipeline.data.sources import load_records
from pipeline.data.translate import BACKENDS, TranslatorBackend, register_backend, run_translation
from pipeline.data.translate.base import (
    TransientTranslationError,
    TranslationError,
    TranslationStageError,
    UntranslatableError,
)
from pipeline.data.translate.cache import TranslationCache
from pipeline.data.translate.retry import CallTimeout, is_transient
from pipeline.data.translate.runner import FAIL_FAST_ITEMS, write_qc_parquet
from pipeline.data.translate.template_backend import TemplateBackend
from pipeline.jsonl import JsonlError, read_json, read_jsonl, write_json, write_jsonl

HANGUL = "가나다라마바사아자차카타파하"


def fake_korean(text: str) -> str:
    """Every Latin word becomes Hangul, numbers and symbols stay: passes QC for Korean."""
    return re.sub(r"[A-Za-z]+", lambda m: "".join(HANGUL[ord(c) % len(HANGUL)] for c in m.group()[:3]), text)


def gsm8k_rows(n: int) -> list[dict[str, str]]:
    """Rows in the raw GSM8K format (question, answer with calculator notes and a ``####`` line)."""
    return [{"question": f"Ann has {10 + i} pens and buys {i + 2} more. How many pens does she have?",
             "answer": f"She has {10 + i} + {i + 2} = <<{10 + i}+{i + 2}={12 + 2 * i}>>{12 + 2 * i} pens.\n"
                       f"#### {12 + 2 * i}"} for i in range(n)]


def write_raw(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def gsm8k_split(tmp_path: Path, n: int, split: str = "test") -> Path:
    """A prepared (English) GSM8K split file, made by the real loader from a raw GSM8K file."""
    raw = write_raw(tmp_path / "raw" / f"{split}.jsonl", gsm8k_rows(n))
    out = tmp_path / "source" / f"{split}.jsonl"
    write_jsonl(out, load_records({"source": "gsm8k", "path": str(raw)}, split))
    return out


def paths(tmp_path: Path, lang: str = "ko", split: str = "test") -> dict[str, Path]:
    return {"out_path": tmp_path / lang / f"{split}.jsonl", "qc_path": tmp_path / lang / f"{split}.qc.parquet",
            "summary_path": tmp_path / lang / f"{split}.summary.json"}


class ScriptedBackend(TranslatorBackend):
    """Translates to fake Korean, except: texts containing ``BROKEN`` raise a deterministic TranslationError,
    texts containing ``FLAKY`` raise a transient error on their first call only; every call is recorded."""

    name = "scripted"

    def __init__(self) -> None:
        self.model = "scripted-v1"
        self.calls: list[list[str]] = []
        self.seen: set[str] = set()

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        self.calls.append(list(texts))
        if any("BROKEN" in t for t in texts):
            raise TranslationError("scripted: this text cannot be translated")
        if any("FLAKY" in t and t not in self.seen for t in texts):
            self.seen.update(texts)
            raise requests.exceptions.ConnectionError("scripted: connection reset")
        return [fake_korean(t) for t in texts]


@pytest.fixture
def scripted() -> Iterator[ScriptedBackend]:
    backend = ScriptedBackend()
    bound = type("Bound", (ScriptedBackend,), {"from_config": classmethod(lambda c, cfg: backend)})
    register_backend("scripted", bound)
    yield backend
    BACKENDS.pop("scripted")


def cfg(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    return {"backend": "scripted", "cache_dir": str(tmp_path / "cache"), "max_workers": 2, "retries": 3,
            "backoff": 0.01, "progress": False, **kw}


# -- A: translation -------------------------------------------------------------------------------------------
def test_retry_helper_retries_only_transient_errors() -> None:
    response = requests.Response()
    response.status_code = 503
    transient = [TransientTranslationError("x"), CallTimeout("slow"), TimeoutError(), ConnectionError("reset"),
                 requests.exceptions.ConnectionError("dns"), requests.exceptions.ReadTimeout("read"),
                 requests.exceptions.HTTPError("busy", response=response)]
    assert all(is_transient(err) for err in transient)
    not_found = requests.Response()
    not_found.status_code = 404
    deterministic = [TranslationError("bad output"), UntranslatableError("no entry"), ValueError("bug"),
                     KeyError("k"), FileNotFoundError("model"), requests.exceptions.InvalidURL("url"),
                     requests.exceptions.HTTPError("gone", response=not_found)]
    assert not any(is_transient(err) for err in deterministic)
    try:
        try:
            raise ConnectionError("reset by peer")
        except ConnectionError as cause:
            raise TranslationError("wrapped") from cause
    except TranslationError as err:
        assert is_transient(err)  # an explicit transient cause counts


def test_deterministic_errors_are_recorded_at_once_transient_ones_retried(tmp_path: Path,
                                                                         scripted: ScriptedBackend) -> None:
    records = read_jsonl(gsm8k_split(tmp_path, 12))
    records[3]["question"] += " BROKEN"
    records[7]["question"] += " BROKEN"
    records[5]["solution"] += " FLAKY"
    source = tmp_path / "source" / "mixed.jsonl"
    write_jsonl(source, records)
    p = paths(tmp_path)
    summary = run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **p)
    qc = {r["id"]: r for r in pq.read_table(p["qc_path"]).to_pylist()}
    broken = [records[i]["id"] for i in (3, 7)]
    for item_id in broken:  # one call, no retry: the same input fails the same way again
        assert qc[item_id]["attempts"] == 1 and qc[item_id]["dropped"] and "error" in qc[item_id]["flags"]
        assert qc[item_id]["error"] == "TranslationError: scripted: this text cannot be translated"
    broken_calls = [c for c in scripted.calls if any("BROKEN" in t for t in c)]
    assert len(broken_calls) == 2
    flaky = qc[records[5]["id"]]
    assert flaky["ok"] and flaky["attempts"] == 2  # the transient error was retried and recovered
    assert summary["failed"] == summary["dropped"] == summary["failed_error"] == summary["failed_permanent"] == 2
    assert summary["written"] == 10 == len(read_jsonl(p["out_path"]))  # partial failures: counted, not fatal
    assert summary["failure_causes"] == {"TranslationError: scripted: this text cannot be translated": 2}


def test_template_backend_on_a_gsm8k_split_stops_early_with_a_clear_error(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    world.write_world(tmp_path / "source", {"train": {"n": 30}}, seed=1, languages=["en", "ko"])
    source = gsm8k_split(tmp_path, 40)  # a real (non-synthetic) split next to the synthetic world
    calls: list[int] = []
    real_translate = TemplateBackend.translate

    def counting(self: TemplateBackend, texts: list[str], src: str, tgt: str) -> list[str]:
        calls.append(len(texts))
        return real_translate(self, texts, src, tgt)

    monkeypatch.setattr(TemplateBackend, "translate", counting)
    p = paths(tmp_path)
    config = {"backend": "template", "parallel_path": str(tmp_path / "source" / "parallel.jsonl"),
              "cache_dir": str(tmp_path / "cache"), "retries": 4, "backoff": 0.05, "max_workers": 1,
              "progress": False}
    start = time.monotonic()
    with pytest.raises(TranslationStageError) as caught:
        run_translation(source, target_lang="ko", cfg=config, **p)
    message = str(caught.value)
    assert "'template'" in message and "split 'test'" in message and str(source) in message
    assert "translates only synthetic splits" in message and "deep_translator or hf" in message
    assert "native benchmark" in message and "text not found" in message
    assert len(calls) == FAIL_FAST_ITEMS  # one call per item, no retries, and it stopped after the first few
    assert time.monotonic() - start < 5  # before: 40 items x 4 retries with back-off (30 s), then "success"
    assert not any(v.exists() for v in p.values())  # no output that looks like a finished translation
    calls.clear()
    with pytest.raises(TranslationStageError, match="translates only synthetic splits"):
        run_translation(source, target_lang="ko", cfg={**config, "max_workers": 4}, **p)
    assert FAIL_FAST_ITEMS <= len(calls) <= FAIL_FAST_ITEMS + 3  # at most the items already in flight


def test_a_run_that_writes_no_item_fails_naming_the_file_and_cause(tmp_path: Path,
                                                                  scripted: ScriptedBackend) -> None:
    records = read_jsonl(gsm8k_split(tmp_path, 4))
    for rec in records:
        rec["question"] += " FLAKY"
    source = tmp_path / "source" / "flaky.jsonl"
    write_jsonl(source, records)
    p = paths(tmp_path)
    with pytest.raises(TranslationStageError) as caught:  # transient on every call, and no retry left
        run_translation(source, target_lang="ko", cfg=cfg(tmp_path, retries=0), **p)
    message = str(caught.value)
    assert str(p["out_path"]) in message and "0 of 4 items" in message
    assert "4 x ConnectionError: scripted: connection reset" in message
    assert not p["out_path"].exists() and not p["summary_path"].exists()


def test_all_items_dropped_by_qc_is_a_failure_too(tmp_path: Path) -> None:
    class English(TranslatorBackend):
        name = "english"

        def __init__(self) -> None:
            self.model = "echo"

        def translate(self, texts: list[str], source: str, target: str) -> list[str]:
            return list(texts)  # "translates" into English: wrong_language on every item

    register_backend("english", English)
    try:
        source = gsm8k_split(tmp_path, 3)
        with pytest.raises(TranslationStageError, match=r"0 of 3 items.*3 x QC flags wrong_language"):
            run_translation(source, target_lang="ko", cfg=cfg(tmp_path, backend="english", retries=0,
                                                              on_fail="drop"), **paths(tmp_path))
    finally:
        BACKENDS.pop("english")


# -- B: empty data --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_an_empty_source_file_is_an_error_naming_it(tmp_path: Path, content: str) -> None:
    empty = tmp_path / "gsm8k" / "test.jsonl"
    empty.parent.mkdir()
    empty.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=rf"{re.escape(str(empty))} holds no records"):
        load_records({"source": "gsm8k", "path": str(empty)}, "test")
    with pytest.raises(SourceError, match="holds no records"):
        run_prepare(tmp_path / "out", {"test": {"source": "gsm8k", "path": str(empty)}}, {}, ["en"])
    assert not (tmp_path / "out" / "test.jsonl").exists()
    for name in ("empty.json", "empty.tsv", "empty.parquet"):
        other = tmp_path / name
        if name.endswith(".parquet"):
            import pyarrow as pa

            pq.write_table(pa.table({"question": pa.array([], pa.string())}), other)
        else:
            other.write_text(content, encoding="utf-8")
        with pytest.raises(SourceError, match=rf"{re.escape(str(other))} holds no records"):
            read_rows(other)


def test_a_prepared_split_with_no_records_is_an_error_naming_the_split(tmp_path: Path) -> None:
    raw = write_raw(tmp_path / "raw.jsonl", [{"question": "q", "answer": "no final answer line"}] * 3)
    with pytest.raises(SourceError, match=r"data split 'dev': 0 records prepared from .*raw\.jsonl \(3 read, 3 "
                                          r"skipped without a gold answer\)"):
        run_prepare(tmp_path / "out", {"dev": {"source": "gsm8k", "path": str(raw)}}, {}, ["en"])
    good = write_raw(tmp_path / "good.jsonl", gsm8k_rows(2))
    with pytest.raises(SourceError, match="data split 'small': 0 records prepared"):
        run_prepare(tmp_path / "out", {"small": {"source": "gsm8k", "path": str(good), "limit": 0}}, {}, ["en"])
    assert not (tmp_path / "out" / "small.jsonl").exists()


def test_an_empty_split_file_given_to_translate_is_an_error(tmp_path: Path, scripted: ScriptedBackend) -> None:
    source = tmp_path / "source" / "test.jsonl"
    source.parent.mkdir()
    source.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{re.escape(str(source))}: no records to translate"):
        run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **paths(tmp_path))
    assert scripted.calls == []


# -- C: encoding and line numbers -----------------------------------------------------------------------------
def test_a_non_utf8_byte_names_file_line_column_and_offset(tmp_path: Path) -> None:
    good = json.dumps(gsm8k_rows(1)[0]).encode()
    bad = b'{"question": "Caf\xe9 sells 3 cakes.", "answer": "#### 3"}'
    data = good + b"\n" + bad + b"\n"
    path = tmp_path / "test.jsonl"
    path.write_bytes(data)
    offset = len(good) + 1 + bad.index(b"\xe9")
    column = bad.index(b"\xe9") + 1
    expected = rf"{re.escape(str(path))}:2:{column}: byte 0xe9 at file offset {offset} is not valid UTF-8.*re-encode"
    with pytest.raises(JsonlError, match=expected):
        read_jsonl(path)
    with pytest.raises(JsonlError, match=expected):  # what prepare meets on a latin-1 GSM8K file
        load_records({"source": "gsm8k", "path": str(path)}, "test")
    json_file = tmp_path / "rows.json"
    json_file.write_bytes(b'[\n  {"question": "ok"},\n  {"question": "\xff"}\n]\n')
    offset = json_file.read_bytes().index(0xFF)
    with pytest.raises(JsonlError, match=rf"rows\.json:3:17: byte 0xff at file offset {offset} "):
        read_rows(json_file)
    with pytest.raises(JsonlError, match=r"rows\.json:3:17: byte 0xff"):
        read_json(json_file)
    tsv = tmp_path / "mgsm_en.tsv"
    tsv.write_bytes("Ünïcode question\t3\n".encode() + b"Bad \x80 question\t4\n")
    with pytest.raises(JsonlError, match=r"mgsm_en\.tsv:2:5: byte 0x80"):
        read_rows(tsv)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(good + b"\n" + '{"question": "한국'.encode()[:-1])  # cut inside the last character
    with pytest.raises(JsonlError, match=r"cut\.jsonl:2:16: the file ends inside a multi-byte UTF-8 character"):
        read_jsonl(cut)
    assert issubclass(JsonlError, ValueError)  # callers catching ValueError/JsonlError keep working


def test_record_numbers_in_errors_are_one_based_like_an_editor(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = gsm8k_rows(3)
    del rows[1]["question"]  # line 2 of the file
    path = write_raw(tmp_path / "g.jsonl", rows)
    with pytest.raises(SourceError, match=r"g\.jsonl record 2: missing field 'question'"):
        load_records({"source": "gsm8k", "path": str(path)}, "train")
    prepared = read_jsonl(gsm8k_split(tmp_path, 3))
    del prepared[2]["answer"]
    source = tmp_path / "prepared.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in prepared[:2]) + "\n" + json.dumps(prepared[2]) + "\n",
                      encoding="utf-8")  # a blank line 3: the broken record is record 3 on line 4
    with pytest.raises(ValueError, match=r"prepared\.jsonl:4: record 3 lacks \['answer'\]"):
        run_translation(source, target_lang="ko", cfg={"backend": "template", "progress": False},
                        **paths(tmp_path))
    parallel = tmp_path / "parallel.jsonl"
    parallel.write_text('{"id": "a", "renderings": {"en": {}}}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(JsonlError, match=r"parallel\.jsonl:2: item 'b' has no 'renderings'"):
        TemplateBackend(parallel)


# -- D: file modes and the corrupt-cache count ----------------------------------------------------------------
@pytest.fixture(params=[(0o022, 0o644), (0o002, 0o664)], ids=["umask022", "umask002"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask, mode = request.param
    old = os.umask(mask)
    try:
        yield mode
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_and_cache_entries_follow_the_umask(tmp_path: Path, umask: int,
                                                         scripted: ScriptedBackend) -> None:
    write_jsonl(tmp_path / "a.jsonl", [{"x": 1}])
    write_json(tmp_path / "a.json", {"x": 1})
    write_qc_parquet(tmp_path / "a.parquet", [])
    entry = TranslationCache(tmp_path / "c").put("b", "m", "en", "ko", "text", "번역")
    for path in (tmp_path / "a.jsonl", tmp_path / "a.json", tmp_path / "a.parquet", entry):
        assert mode_of(path) == umask, (path, oct(mode_of(path)))
    source = gsm8k_split(tmp_path, 3)
    p = paths(tmp_path)
    run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **p)
    outputs = [source, *p.values(), *(tmp_path / "cache").rglob("*.json")]
    assert len(outputs) == 4 + 6  # 3 items x 2 fields cached
    assert {oct(mode_of(path)) for path in outputs} == {oct(umask)}
    assert not list(tmp_path.rglob("*.tmp"))  # no temp file left behind


def test_summary_reports_corrupt_cache_entries(tmp_path: Path, scripted: ScriptedBackend) -> None:
    source = gsm8k_split(tmp_path, 6)
    p = paths(tmp_path)
    first = run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **p)
    assert first["cache_corrupt"] == 0 and first["translated"] == 6
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 12
    entries[0].write_text('{"backend": "scripted", "transl', encoding="utf-8")  # truncated JSON
    wrong = json.loads(entries[1].read_text(encoding="utf-8"))
    entries[1].write_text(json.dumps({**wrong, "text_sha256": "0" * 64}), encoding="utf-8")  # key mismatch
    entries[2].write_bytes(b"\xff\xfe not text")  # not UTF-8
    entries[3].write_text("null", encoding="utf-8")  # valid JSON, not an entry
    scripted.calls.clear()
    again = run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **p)
    assert again["cache_corrupt"] == 4 == read_json(p["summary_path"])["cache_corrupt"]
    assert sum(len(c) for c in scripted.calls) == 4  # exactly the four corrupt texts went to the backend
    third = run_translation(source, target_lang="ko", cfg=cfg(tmp_path), **p)
    assert third["cache_corrupt"] == 0 and third["cached"] == 6  # the entries were repaired by the re-run
