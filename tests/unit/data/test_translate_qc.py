"""QC checks, chunking, the persistent cache, the rate limiter and the timeout helper."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from pipeline.data.translate.cache import TranslationCache
from pipeline.data.translate.chunking import chunk_text, reassemble
from pipeline.data.translate.qc import (
    QCSettings,
    backtranslation_score,
    check_text,
    missing_numbers,
    output_number_readings,
    source_numbers,
)
from pipeline.data.translate.retry import CallTimeout, backoff_delay, call_with_timeout
from pipeline.data.translate.throttle import RateLimiter

SRC = "The cost came out to 80,000+50,000=$130,000\nHe increased the value by 80,000*1.5=120,000"


def test_source_numbers_use_english_conventions() -> None:
    assert source_numbers(SRC) == ["80000", "50000", "130000", "1.5", "120000"]
    assert source_numbers("Convert $(0,3)$; 1,000,000 and 3.50 and 007") == ["0", "3", "1000000", "3.5", "7"]
    assert source_numbers("no digits here") == []
    # comma runs that are not thousands grouping are separate numbers (MATH gcd / asy code)
    assert source_numbers("gcd(3339,2961); Arc((0,0),5,90,130)") == ["3339", "2961", "0", "5", "90", "130"]


@pytest.mark.parametrize("written", ["80 000", "80\u00a0000", "80.000", "80,000", "80000", "８００００"])
def test_output_numbers_read_leniently(written: str) -> None:
    assert "80000" in output_number_readings(f"Вартість {written} грн")


def test_decimal_comma_and_missing_numbers() -> None:
    out_uk = "Вартість склала 80 000+50 000=$130 000\nВін збільшив вартість на 80 000*1,5=120 000"
    assert missing_numbers(SRC, out_uk) == []
    assert missing_numbers(SRC, out_uk.replace("=120 000", "")) == ["120000"]
    assert missing_numbers("1,234 apples", "1 234 яблук") == []
    assert missing_numbers("1.5 kg", "15 кг") == ["1.5"]


S = QCSettings(min_target_share=0.5, length_ratio=(0.2, 4.0))


def test_check_text_flags() -> None:
    good = ("집과 수리 비용은 80,000+50,000=$130,000이 나왔습니다.\n"
            "그는 가치를 80,000*1.5=120,000만큼 올렸습니다.")
    ok = check_text(SRC, good, "ko", S)
    assert ok.ok and ok.flags == [] and ok.target_share == 1.0 and 0.2 < ok.length_ratio < 1.0
    english = check_text(SRC, SRC, "ko", S)
    assert english.flags == ["wrong_language"] and english.target_share == 0.0
    assert check_text(SRC, "  ", "ko", S).flags == ["empty"]
    assert check_text(SRC, good.replace("120,000", ""), "ko", S).flags == ["numbers_missing"]
    assert check_text(SRC, good * 5, "ko", S).flags == ["length_ratio"]
    assert check_text("", "", "ko", S).ok  # nothing to translate (SimpleRL has no solutions)
    assert check_text("12 + 5 = 17", "12 + 5 = 17", "ko", S).ok  # only formulas: no words to judge


def test_backtranslation_score() -> None:
    assert backtranslation_score(SRC, SRC) == pytest.approx(1.0)
    close = SRC.replace("came out to", "was")
    assert 0.8 < backtranslation_score(SRC, close) < 1.0
    assert backtranslation_score(SRC, "Something else entirely") < 0.3


def test_chunking_round_trip_and_limits() -> None:
    text = "\n".join(f"Line {i} has some words." for i in range(50)) + "\n\nLast paragraph."
    pieces = chunk_text(text, 100)
    assert all(len(c) <= 100 for c, _ in pieces)
    assert reassemble(pieces, [c for c, _ in pieces]) == text
    per_line = chunk_text(text, 100, pack=False)
    assert len(per_line) == 51
    long_word = "x" * 250
    assert [len(c) for c, _ in chunk_text(long_word, 100)] == [100, 100, 50]
    assert chunk_text("", 10) == []
    with pytest.raises(ValueError):
        chunk_text("a", 0)


def test_cache_round_trip_key_and_corruption(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "cache")
    args = ("deep_translator", "google", "en", "ko")
    assert cache.get(*args, "Hello") is None
    path = cache.put(*args, "Hello", "안녕하세요")
    assert cache.get(*args, "Hello") == "안녕하세요"
    assert cache.get("deep_translator", "mymemory", "en", "ko", "Hello") is None  # model is part of the key
    assert cache.get(*args[:3], "zh", "Hello") is None
    assert path.parent.parent.name == "en-ko" and not list(path.parent.glob("*.tmp"))
    entry = json.loads(path.read_text(encoding="utf-8"))
    assert entry["text"] == "Hello" and entry["translation"] == "안녕하세요"
    path.write_text("{broken", encoding="utf-8")
    assert cache.get(*args, "Hello") is None and cache.corrupt == 1
    cache.put(*args, "Hello", "안녕")
    assert cache.get(*args, "Hello") == "안녕"


def test_cache_concurrent_writers(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path)

    def writer(k: int) -> None:
        for i in range(50):
            cache.put("b", "m", "en", "ko", f"text {i}", f"t{i}-{k}")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    values = [cache.get("b", "m", "en", "ko", f"text {i}") for i in range(50)]
    assert all(v is not None and v.startswith(f"t{i}-") for i, v in enumerate(values))
    assert not list(tmp_path.rglob("*.tmp"))


def test_rate_limiter_spacing_with_fake_clock() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    assert waits == pytest.approx([0.25, 0.25, 0.25, 0.25])
    assert RateLimiter(None).acquire() == 0.0 and RateLimiter(0).acquire() == 0.0


def test_call_with_timeout_and_backoff() -> None:
    assert call_with_timeout(lambda: 5, 1.0) == 5
    with pytest.raises(ZeroDivisionError):
        call_with_timeout(lambda: 1 / 0, 1.0)
    start = time.monotonic()
    with pytest.raises(CallTimeout):
        call_with_timeout(lambda: time.sleep(5), 0.1)
    assert time.monotonic() - start < 1.0
    assert [backoff_delay(a, 1.5) for a in (1, 2, 3)] == [1.5, 3.0, 6.0]
    assert backoff_delay(20, 1.0, cap=60.0) == 60.0 and backoff_delay(3, 0.0) == 0.0
