"""The deep-translator backend with its HTTP layer (``requests.get``) mocked: no network."""

from __future__ import annotations

import math
import threading
import time

import pytest
import requests

from pipeline.data.translate.base import BackendConfigError, TranslationError
from pipeline.data.translate.deep_translator_backend import DeepTranslatorBackend
from pipeline.data.translate.registry import make_backend
from pipeline.data.translate.throttle import RateLimiter


class FakeResponse:
    def __init__(self, status_code: int, text: str = "") -> None:
        self.status_code = status_code
        self.text = text

    def close(self) -> None:
        pass


class FakeGoogle:
    """Stands in for ``requests.get``: scripted statuses, optional stalls, records every request."""

    def __init__(self, script: list[str] | None = None, stall: float = 0.0) -> None:
        self.script = list(script or [])  # per request: "ok", "429", "500", "stall"
        self.stall = stall
        self.requests: list[dict] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, url: str, params: dict | None = None, proxies: dict | None = None,
                 **kw: object) -> FakeResponse:
        with self.lock:
            self.requests.append(dict(params or {}))
            action = self.script.pop(0) if self.script else "ok"
        if action == "stall":
            self.release.wait(self.stall)  # a server that never answers (bounded so the test ends)
        if action == "429":
            return FakeResponse(429)
        if action == "500":
            return FakeResponse(500)
        text = params["q"]
        return FakeResponse(200, f'<html><div class="t0">[{params["tl"]}] {text}</div></html>')


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch):
    def install(script: list[str] | None = None, stall: float = 0.0) -> FakeGoogle:
        fake = FakeGoogle(script, stall)
        monkeypatch.setattr(requests, "get", fake)  # deep_translator.google calls requests.get(...)
        return fake

    return install


def test_translates_and_maps_zh_to_zh_cn(google) -> None:
    fake = google()
    backend = make_backend({"backend": "deep_translator", "engine": "google", "timeout": 5})
    assert (backend.name, backend.model) == ("deep_translator", "google")
    out = backend.translate(["Tom has 3 apples.", "  ", "He eats 1."], "en", "zh")
    assert out == ["[zh-CN] Tom has 3 apples.", "  ", "[zh-CN] He eats 1."]
    # the blank text makes no request
    assert [(r["sl"], r["tl"]) for r in fake.requests] == [("en", "zh-CN"), ("en", "zh-CN")]


def test_429_and_5xx_retried_with_exponential_backoff(google) -> None:
    fake = google(["429", "500", "429", "ok"])
    sleeps: list[float] = []
    backend = DeepTranslatorBackend(retries=4, backoff=0.5, sleep=sleeps.append)
    assert backend.translate(["Hello 5"], "en", "ko") == ["[ko] Hello 5"]
    assert len(fake.requests) == 4 and backend.requests == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_gives_up_after_retries(google) -> None:
    fake = google(["429"] * 10)
    backend = DeepTranslatorBackend(retries=2, backoff=0.0, sleep=lambda s: None)
    with pytest.raises(TranslationError, match="gave up after 3 attempts; last error TooManyRequests"):
        backend.translate(["Hello"], "en", "ko")
    assert len(fake.requests) == 3


def test_stalled_request_times_out_and_is_retried(google) -> None:
    fake = google(["stall", "ok"], stall=10.0)
    backend = DeepTranslatorBackend(timeout=0.3, retries=2, backoff=0.0, sleep=lambda s: None)
    start = time.monotonic()
    out = backend.translate(["Hello 7"], "en", "uk")
    elapsed = time.monotonic() - start
    fake.release.set()
    assert out == ["[uk] Hello 7"]
    assert len(fake.requests) == 2
    assert 0.3 <= elapsed < 3.0  # did not wait for the stalled 10 s "server"


def test_oversized_input_is_chunked_at_line_boundaries(google) -> None:
    fake = google()
    lines = [f"Line {i}: Tom buys {i} apples and pays {2 * i} dollars for them today." for i in range(300)]
    text = "\n".join(lines)
    assert len(text) > 15_000
    backend = DeepTranslatorBackend(backoff=0.0)
    [out] = backend.translate([text], "en", "ko")
    sent = [r["q"] for r in fake.requests]
    assert math.ceil(len(text) / 4500) <= len(sent) <= math.ceil(len(text) / 4500) + 1
    assert all(len(q) <= 4500 for q in sent)
    assert "\n".join(sent) == text  # split exactly at line boundaries, nothing lost
    assert out == "\n".join(f"[ko] {q}" for q in sent)


def test_oversized_single_line_split_at_sentences(google) -> None:
    fake = google()
    text = " ".join(f"Sentence number {i} has {i} words." for i in range(400))  # one 12k-char line
    backend = DeepTranslatorBackend(backoff=0.0)
    [out] = backend.translate([text], "en", "ko")
    sent = [r["q"] for r in fake.requests]
    assert len(sent) >= 3 and all(len(q) < 5000 for q in sent)
    assert all(q.endswith("words.") for q in sent)
    assert " ".join(sent) == text
    assert out.count("[ko]") == len(sent)


def test_rate_limit_spaces_requests(google) -> None:
    google()
    backend = DeepTranslatorBackend(backoff=0.0)
    backend.rate_limiter = RateLimiter(20.0)  # 20 requests/s -> 5 requests take >= 0.2 s
    start = time.monotonic()
    backend.translate([f"text {i}" for i in range(5)], "en", "ko")
    assert time.monotonic() - start >= 0.19


def test_config_errors() -> None:
    with pytest.raises(BackendConfigError, match="engine 'babelfish' unknown"):
        make_backend({"backend": "deep_translator", "engine": "babelfish"})
    backend = DeepTranslatorBackend(lang_codes={"ko": "klingon"})
    with pytest.raises(BackendConfigError, match="does not support"):
        backend.translate(["hi"], "en", "ko")
