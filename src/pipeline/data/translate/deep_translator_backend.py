"""deep-translator engines (Google by default) with timeouts, retries, chunking and a rate limit.

deep-translator 1.11.4 sends one ``requests`` call per text with no timeout, rejects texts of 5,000
characters or more, raises ``TooManyRequests`` on HTTP 429 and ``RequestError`` on other HTTP errors, and
its Google engine wants ``zh-CN`` rather than ``zh``. This wrapper fixes all four. Only transient errors
(those, timeouts, connection errors) are retried; any other library error is raised at once as
:class:`TranslationError`, and giving up after the retries raises :class:`TransientTranslationError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from pipeline.data.translate.base import (
    BackendConfigError,
    TransientTranslationError,
    TranslationError,
    TranslatorBackend,
)
from pipeline.data.translate.chunking import chunk_text, reassemble
from pipeline.data.translate.retry import backoff_delay, call_with_timeout, is_transient
from pipeline.languages import get_language

log = logging.getLogger(__name__)

GOOGLE_MAX_CHARS = 4500  # the library refuses len >= 5000; keep a margin
ENGINE_MAX_CHARS = {"mymemory": 450}


def _engines() -> dict[str, type]:
    import deep_translator  # noqa: F401 - importing the package registers every engine subclass
    from deep_translator.engines import __engines__

    return dict(__engines__)


def _retryable() -> tuple[type[BaseException], ...]:
    """deep-translator's own transient errors (HTTP 429, other HTTP failures, an answer page without a
    translation); :func:`~pipeline.data.translate.retry.is_transient` adds timeouts and connection errors."""
    from deep_translator.exceptions import RequestError, TooManyRequests, TranslationNotFound

    return (TooManyRequests, RequestError, TranslationNotFound)


class DeepTranslatorBackend(TranslatorBackend):
    """One deep-translator engine (``engine:`` google, mymemory, deepl, libre, ...)."""

    name: ClassVar[str] = "deep_translator"
    config_keys: ClassVar[tuple[str, ...]] = ("engine", "engine_kwargs", "max_chars", "lang_codes")
    self_throttled: ClassVar[bool] = True

    def __init__(self, engine: str = "google", timeout: float = 30.0, retries: int = 4, backoff: float = 2.0,
                 max_chars: int | None = None, engine_kwargs: dict[str, Any] | None = None,
                 lang_codes: dict[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        engines = _engines()
        if engine not in engines:
            raise BackendConfigError(f"deep_translator engine {engine!r} unknown; "
                                     f"choose one of {sorted(engines)}")
        self.engine = engine
        self.engine_cls = engines[engine]
        self.model = engine
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_chars = max_chars or ENGINE_MAX_CHARS.get(engine, GOOGLE_MAX_CHARS)
        self.engine_kwargs = dict(engine_kwargs or {})
        self.lang_codes = dict(lang_codes or {})
        self._sleep = sleep
        self.requests = 0  # HTTP requests attempted (for the summary and tests)

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> DeepTranslatorBackend:
        return cls(engine=cfg.get("engine", "google"), timeout=cfg.get("timeout", 30.0),
                   retries=cfg.get("retries", 2), backoff=cfg.get("backoff", 1.0),
                   max_chars=cfg.get("max_chars"),
                   engine_kwargs=cfg.get("engine_kwargs"), lang_codes=cfg.get("lang_codes"))

    def code(self, lang: str) -> str:
        """The code this engine expects for ISO 639-1 ``lang`` (``zh`` -> ``zh-CN`` for Google)."""
        if lang in self.lang_codes:
            return self.lang_codes[lang]
        language = get_language(lang)
        return language.deep_translator_code if self.engine == "google" else language.code

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        src, tgt = self.code(source), self.code(target)
        engine = self._make_engine(src, tgt)  # validates the language pair once per call
        del engine
        return [self._translate_one(text, src, tgt) for text in texts]

    def _make_engine(self, src: str, tgt: str) -> Any:
        from deep_translator.exceptions import InvalidSourceOrTargetLanguage, LanguageNotSupportedException

        try:
            return self.engine_cls(source=src, target=tgt, **self.engine_kwargs)
        except (LanguageNotSupportedException, InvalidSourceOrTargetLanguage) as err:
            raise BackendConfigError(f"deep_translator engine {self.engine!r} does not support {src}->{tgt}: "
                                     f"{err}; set `lang_codes` in the translation config") from None

    def _translate_one(self, text: str, src: str, tgt: str) -> str:
        if not text.strip():
            return text
        pieces = chunk_text(text, self.max_chars, pack=True)
        return reassemble(pieces, [self._request(chunk, src, tgt) for chunk, _ in pieces])

    def _request(self, chunk: str, src: str, tgt: str) -> str:
        """One engine call with a hard timeout and exponential back-off on transient errors."""
        retryable = _retryable()
        last: BaseException | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = backoff_delay(attempt, self.backoff)
                log.debug("retry %d of a %s request in %.1fs after %r", attempt, self.engine, delay, last)
                self._sleep(delay)
            self.throttle()
            self.requests += 1
            engine = self._make_engine(src, tgt)  # engines keep per-request state: one per request
            try:
                result = call_with_timeout(lambda engine=engine: engine.translate(chunk), self.timeout)
            except Exception as err:
                if not is_transient(err, retryable):  # deterministic: the same request fails again
                    raise TranslationError(f"{self.engine}: {type(err).__name__}: {err}") from err
                last = err
                continue
            if not isinstance(result, str):
                last = TransientTranslationError(f"{self.engine} returned {type(result).__name__}, not text")
                continue
            return result
        raise TransientTranslationError(f"{self.engine}: gave up after {self.retries + 1} attempts; last error "
                                        f"{type(last).__name__}: {last}")
