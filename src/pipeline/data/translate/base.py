"""The translator-backend interface every backend implements, and the errors backends raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pipeline.data.translate.throttle import RateLimiter


class TranslationError(RuntimeError):
    """One call could not be translated; counted, and not retried (the same input would fail again).

    Raise :class:`TransientTranslationError` instead for a failure a later attempt may not meet.
    """


class TransientTranslationError(TranslationError):
    """A failure that may pass on a later attempt (network, timeout, rate limit, server error); retried."""


class UntranslatableError(TranslationError):
    """The backend can never translate this input (e.g. a text the template backend has no entry for)."""


class BackendConfigError(ValueError):
    """The backend cannot run with this configuration or language pair; aborts the stage."""


class TranslationStageError(RuntimeError):
    """The translation stage produced nothing usable (no item translated, or the first items all failed
    deterministically); the message names the backend, the files and the most common cause."""


class TranslatorBackend(ABC):
    """A machine-translation backend.

    Subclasses set ``name`` (the registry key, part of the cache key), set ``self.model`` (what exactly
    translates: engine, hub id, file hash; also part of the cache key) and implement :meth:`translate`.
    ``config_keys`` lists the backend-specific config keys it reads (anything else is rejected as a typo).
    ``concurrent`` says whether the stage runner may call it from several threads; ``self_throttled``
    says it calls ``self.rate_limiter.acquire()`` before each request itself (instead of once per call).
    """

    name: ClassVar[str] = ""
    config_keys: ClassVar[tuple[str, ...]] = ()
    concurrent: ClassVar[bool] = True
    self_throttled: ClassVar[bool] = False

    model: str = ""
    rate_limiter: RateLimiter | None = None

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> TranslatorBackend:
        """Build the backend from the stage config (only ``config_keys`` and generic keys are read)."""
        return cls()

    @abstractmethod
    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate ``texts`` from ISO 639-1 ``source`` to ``target``; one output per input, same order.

        Raise :class:`TransientTranslationError` for a failure the runner should count and retry (network,
        timeout, rate limit; builtin ``ConnectionError``/``TimeoutError`` and ``requests`` connection errors
        count too, :func:`pipeline.data.translate.retry.is_transient`), :class:`TranslationError` for one
        that is counted but not retried (the same input fails again), and :class:`BackendConfigError` for one
        that aborts the stage (unsupported language, missing model).
        """

    def throttle(self) -> None:
        """Wait for the shared rate limiter, if one is set."""
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
