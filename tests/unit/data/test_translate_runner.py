"""The translation stage runner: flaky/corrupting backend, kill + restart, template world, identity copy."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.data.translate import BACKENDS, TranslatorBackend, register_backend, run_translation
from pipeline.data.translate.base import BackendConfigError, TransientTranslationError
from pipeline.jsonl import read_json, read_jsonl, write_jsonl

HANGUL = "가나다라마바사아자차카타파하"


def fake_korean(text: str) -> str:
    """A deterministic 'Korean' rendering: every Latin word becomes Hangul, numbers and symbols stay."""
    return re.sub(r"[A-Za-z]+", lambda m: "".join(HANGUL[ord(c) % len(HANGUL)] for c in m.group()[:3]), text)


def make_records(n: int) -> list[dict[str, Any]]:
    """Records whose numbers are distinct within an item, so dropping one is always detectable."""
    recs = []
    for i in range(n):
        a, b = 100 + 2 * i, 1 + i % 7
        recs.append({"id": f"gsm8k-train-{i:05d}", "source": "gsm8k", "split": "train", "lang": "en",
                     "question": f"Tom has {a} apples and buys {b} more. How many apples does Tom have now?",
                     "solution": f"Tom starts with {a} apples.\nHe buys {b} more, so {a} + {b} = {a + b}.",
                     "answer": str(a + b), "difficulty": None})
    return recs


class FlakyBackend(TranslatorBackend):
    """Fails ``fail_rate`` of calls; corrupts some outputs (drops a number, answers in English, empty)."""

    name = "flaky"

    def __init__(self, seed: int = 0, fail_rate: float = 0.3, corrupt_rate: float = 0.15) -> None:
        self.model = "flaky-v1"
        self.rng = random.Random(seed)
        self.fail_rate = fail_rate
        self.corrupt_rate = corrupt_rate
        self.lock = threading.Lock()
        self.calls = 0
        self.corrupted: dict[str, str] = {}  # corrupted output text -> kind

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        with self.lock:
            self.calls += 1
            if self.rng.random() < self.fail_rate:
                raise TransientTranslationError("simulated outage")
            draws = [(self.rng.random(), self.rng.choice(["drop_number", "english", "empty"])) for _ in texts]
        out = []
        for text, (r, kind) in zip(texts, draws, strict=True):
            good = fake_korean(text)
            if r >= self.corrupt_rate:
                out.append(good)
                continue
            if kind == "drop_number":
                number = re.findall(r"\d+", text)[0]
                bad = re.sub(rf"(?<!\d){number}(?!\d)", "", good)
            elif kind == "english":
                bad = text
            else:
                bad = ""
            with self.lock:
                self.corrupted[bad] = kind
            out.append(bad)
        return out


EXPECTED_FLAG = {"drop_number": "numbers_missing", "english": "wrong_language", "empty": "empty"}


@pytest.fixture
def flaky() -> FlakyBackend:
    backend = FlakyBackend(seed=1)
    bound = type("Bound", (FlakyBackend,), {"from_config": classmethod(lambda cls, cfg: backend)})
    register_backend("flaky", bound)
    yield backend
    BACKENDS.pop("flaky")


def _paths(tmp_path: Path, lang: str = "ko") -> dict[str, Path]:
    return {"out_path": tmp_path / lang / "train.jsonl", "qc_path": tmp_path / lang / "train.qc.parquet",
            "summary_path": tmp_path / lang / "train.summary.json"}


def _cfg(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    return {"backend": "flaky", "cache_dir": str(tmp_path / "cache"), "max_workers": 4, "retries": 0,
            "backoff": 0.0, "progress": False, **kw}


def test_flaky_backend_every_item_accounted_and_qc_flags_exactly_the_corrupted(tmp_path: Path,
                                                                               flaky: FlakyBackend) -> None:
    n = 200
    source = tmp_path / "source.jsonl"
    write_jsonl(source, make_records(n))
    answers = {r["id"]: r["answer"] for r in make_records(n)}
    paths = _paths(tmp_path)
    summary = run_translation(source, target_lang="ko", cfg=_cfg(tmp_path), **paths)
    qc = pq.read_table(paths["qc_path"]).to_pylist()
    out = {r["id"]: r for r in read_jsonl(paths["out_path"])}
    assert len(qc) == n and len({r["id"] for r in qc}) == n  # every item has exactly one QC row
    assert summary["translated"] + summary["cached"] == n and summary["cached"] == 0
    n_error = sum("error" in r["flags"] for r in qc)
    assert 0.2 * n < n_error < 0.4 * n  # the 30 % outage shows up, counted
    n_corrupt_items = 0
    for row in qc:
        if "error" in row["flags"]:  # no translation at all: dropped, error recorded
            assert row["dropped"] and not row["ok"] and row["error"] == "TransientTranslationError: simulated outage"
            assert row["id"] not in out
            continue
        rec = out[row["id"]]
        assert rec["lang"] == "ko" and rec["answer"] == answers[row["id"]]  # gold answer untouched
        kinds = {flaky.corrupted[rec[f]] for f in ("question", "solution") if rec[f] in flaky.corrupted}
        expected = sorted({EXPECTED_FLAG[k] for k in kinds})
        assert sorted(row["flags"]) == expected, (row, rec)
        assert row["ok"] == (not kinds) and not row["dropped"]  # on_fail: keep
        n_corrupt_items += bool(kinds)
    assert n_corrupt_items > 10
    assert summary["failed"] == n_error + n_corrupt_items == sum(not r["ok"] for r in qc)
    assert summary["dropped"] == n_error and summary["written"] == n - n_error == len(out)
    assert summary["kept_flagged"] == n_corrupt_items
    assert summary["backend_calls"] == flaky.calls == n  # retries 0: one call per item
    assert read_json(paths["summary_path"])["failed"] == summary["failed"]
    ids = [r["id"] for r in read_jsonl(paths["out_path"])]
    assert ids == sorted(ids)  # source order kept

    # re-run with the same cache: only the items that never got a translation reach the backend
    flaky.calls = 0
    again = run_translation(source, target_lang="ko", cfg=_cfg(tmp_path), **paths)
    assert flaky.calls == n_error
    assert again["cached"] == n - n_error and again["translated"] == n_error


def test_retries_recover_failures_and_drop_policy(tmp_path: Path, flaky: FlakyBackend) -> None:
    source = tmp_path / "source.jsonl"
    write_jsonl(source, make_records(120))
    paths = _paths(tmp_path)
    cfg = _cfg(tmp_path, retries=4, on_fail="drop")
    summary = run_translation(source, target_lang="ko", cfg=cfg, **paths)
    qc = pq.read_table(paths["qc_path"]).to_pylist()
    assert summary["retried"] > 20  # failures and QC rejections were retried
    assert summary["failed"] < 0.1 * 120  # 0.3**5 outage + rare repeated corruption
    assert all(r["dropped"] == (not r["ok"]) for r in qc)  # on_fail: drop
    assert summary["written"] == 120 - summary["dropped"] == len(read_jsonl(paths["out_path"]))
    assert max(r["attempts"] for r in qc) <= 5


def test_config_errors_are_clear(tmp_path: Path, flaky: FlakyBackend) -> None:
    source = tmp_path / "source.jsonl"
    write_jsonl(source, make_records(2))
    paths = _paths(tmp_path)
    with pytest.raises(BackendConfigError, match=r"unknown keys \['max_worker'\]"):
        run_translation(source, target_lang="ko", cfg=_cfg(tmp_path, max_worker=3), **paths)
    with pytest.raises(BackendConfigError, match="on_fail"):
        run_translation(source, target_lang="ko", cfg=_cfg(tmp_path, on_fail="ignore"), **paths)
    with pytest.raises(ValueError, match="unknown language code 'xx'"):
        run_translation(source, target_lang="xx", cfg=_cfg(tmp_path), **paths)
    write_jsonl(source, [{"id": "a", "question": "q"}])
    with pytest.raises(ValueError, match=r"source\.jsonl:1: record 1 lacks \['solution', 'answer'\]"):
        run_translation(source, target_lang="ko", cfg=_cfg(tmp_path), **paths)


def test_identity_target_copies_through(tmp_path: Path) -> None:
    source = tmp_path / "source.jsonl"
    records = make_records(5)
    write_jsonl(source, records)
    paths = _paths(tmp_path, "en")
    cfg = {"backend": "template", "progress": False}
    summary = run_translation(source, target_lang="en", cfg=cfg, **paths)
    assert read_jsonl(paths["out_path"]) == records
    assert summary["copied"] == 5 and summary["backend"] == "identity" and summary["backend_calls"] == 0
    assert all(r["ok"] for r in pq.read_table(paths["qc_path"]).to_pylist())


def test_template_world_end_to_end_with_backtranslation(tmp_path: Path) -> None:
    from pipeline.data import world

    world.write_world(tmp_path / "src", {"train": {"n": 60}}, seed=3, languages=["en", "ko", "zh"])
    cfg = {"backend": "template", "parallel_path": str(tmp_path / "src" / "parallel.jsonl"),
           "cache_dir": str(tmp_path / "cache"), "backtranslation_sample": 0.5, "progress": False}
    parallel = {r["id"]: r["renderings"] for r in read_jsonl(tmp_path / "src" / "parallel.jsonl")}
    for lang in ("ko", "zh"):
        paths = _paths(tmp_path, lang)
        summary = run_translation(tmp_path / "src" / "train.jsonl", target_lang=lang, cfg=cfg, **paths)
        assert summary["failed"] == 0 and summary["translated"] == 60  # QC accepts the world's own renderings
        for rec in read_jsonl(paths["out_path"]):
            assert rec["lang"] == lang
            assert (rec["question"], rec["solution"]) == (parallel[rec["id"]][lang]["question"],
                                                          parallel[rec["id"]][lang]["solution"])
        qc = pq.read_table(paths["qc_path"]).to_pylist()
        scores = [r["backtranslation_score"] for r in qc if r["backtranslation_score"] is not None]
        assert 15 <= len(scores) <= 45 and all(s == pytest.approx(1.0) for s in scores)  # exact round trip
    again = run_translation(tmp_path / "src" / "train.jsonl", target_lang="zh", cfg=cfg,
                            **_paths(tmp_path, "zh"))
    assert again["cached"] == 60 and again["backend_calls"] == 0  # back-translations cached too
    with pytest.raises(BackendConfigError, match="no 'uk' renderings"):  # aborts the run, no partial output
        run_translation(tmp_path / "src" / "train.jsonl", target_lang="uk", cfg=cfg, **_paths(tmp_path, "uk"))
    assert not (tmp_path / "uk").exists()


def test_rate_limit_applies_across_workers(tmp_path: Path, flaky: FlakyBackend) -> None:
    flaky.fail_rate = flaky.corrupt_rate = 0.0
    source = tmp_path / "source.jsonl"
    write_jsonl(source, make_records(11))
    start = time.monotonic()
    cfg = _cfg(tmp_path, rate_limit=50.0)
    summary = run_translation(source, target_lang="ko", cfg=cfg, **_paths(tmp_path))
    assert time.monotonic() - start >= 10 / 50.0 - 0.01  # 11 calls at 50/s, 4 workers
    assert summary["ok"] == 11 and summary["items_per_second"] > 0


# --------------------------------------------------------------------------------------------------
# SIGKILL mid-run, then restart: nothing translated twice beyond the items in flight
# --------------------------------------------------------------------------------------------------

SCRIPT = textwrap.dedent("""
    import json, re, sys, time
    from pipeline.data.translate import TranslatorBackend, register_backend, run_translation

    calls_path, source, out_dir, cache_dir = sys.argv[1:5]
    HANGUL = "가나다라마바사아자차카타파하"

    class SlowFake(TranslatorBackend):
        name = "slowfake"
        def __init__(self):
            self.model = "slow-v1"
        def translate(self, texts, source, target):
            time.sleep(0.03)
            out = [re.sub(r"[A-Za-z]+", lambda m: "".join(HANGUL[ord(c) % 14] for c in m.group()[:3]), t)
                   for t in texts]
            with open(calls_path, "a", encoding="utf-8") as fh:
                fh.write("".join(json.dumps(t) + "\\n" for t in texts))
            return out

    register_backend("slowfake", SlowFake)
    run_translation(source, f"{out_dir}/train.jsonl", f"{out_dir}/train.qc.parquet",
                    f"{out_dir}/train.summary.json", "ko",
                    {"backend": "slowfake", "cache_dir": cache_dir, "max_workers": 2, "retries": 0,
                     "progress": False})
""")


def test_sigkill_and_restart_translates_nothing_twice(tmp_path: Path) -> None:
    n, workers = 120, 2
    source = tmp_path / "source.jsonl"
    write_jsonl(source, make_records(n))
    script = tmp_path / "run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    calls = tmp_path / "calls.jsonl"
    args = [sys.executable, str(script), str(calls), str(source), str(tmp_path / "ko"),
            str(tmp_path / "cache")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if calls.exists() and calls.read_text(encoding="utf-8").count("\n") >= 2 * 40:
            break
        if proc.poll() is not None:
            pytest.fail(f"worker exited early: {proc.communicate()}")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    first = calls.read_text(encoding="utf-8").count("\n") // 2
    assert 40 <= first < n and not (tmp_path / "ko" / "train.jsonl").exists()

    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = read_json(tmp_path / "ko" / "train.summary.json")
    texts = [json.loads(line) for line in calls.read_text(encoding="utf-8").splitlines()]
    counts = Counter(texts)
    twice = [t for t, c in counts.items() if c > 1]
    sources = {r[f] for r in make_records(n) for f in ("question", "solution")}
    assert set(counts) == sources  # every text translated at least once
    assert len(twice) <= 2 * workers  # at most the items in flight at the kill were redone
    assert summary["cached"] >= first - workers and summary["cached"] + summary["translated"] == n
    assert summary["failed"] == 0 and len(read_jsonl(tmp_path / "ko" / "train.jsonl")) == n
    print(f"killed after {first} items; restart: {summary['cached']} cached, "
          f"{summary['translated']} translated, {len(twice)} texts translated twice")
