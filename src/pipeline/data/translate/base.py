"""The translator-backend interface every backend implements, and the errors backends raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pipeline.data.translate.throttle import RateLimiter


class TranslationError(RuntimeError):
    """One call could not be translated (network, unknown text, bad output); counted and retried."""


class BackendConfigError(ValueError):
    """The backend cannot run with this configuration or language pair; aborts the stage."""


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

        Raise :class:`TranslationError` for a failure the runner should count and retry, and
        :class:`BackendConfigError` for one no retry can fix (unsupported language, missing model).
        """

    def throttle(self) -> None:
        """Wait for the shared rate limiter, if one is set."""
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
