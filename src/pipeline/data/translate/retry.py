"""Hard per-call timeouts, exponential back-off, and which errors are worth retrying at all.

Only a *transient* error (:func:`is_transient`: network, timeout, rate limit, server error) is retried. Any
other error is deterministic: the same input fails the same way again, so retrying it only burns the back-off
(for the template backend on a GSM8K split that was five attempts per item, about an hour for GSM8K test).
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pipeline.data.translate.base import TransientTranslationError

T = TypeVar("T")

TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    TransientTranslationError, TimeoutError, ConnectionError, socket.gaierror,
)
"""Error types always retried (``CallTimeout`` is a ``TimeoutError``; ``socket.timeout`` is one too)."""
TRANSIENT_HTTP_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def _requests_transient(err: BaseException) -> bool:
    """A ``requests`` connection error, timeout, broken stream, or an HTTP status worth retrying.

    ``requests`` is looked up only if some backend already imported it (an error of it cannot exist otherwise),
    so the template and hf backends never import it.
    """
    requests = sys.modules.get("requests")
    if requests is None:
        return False
    exc = requests.exceptions
    if isinstance(err, exc.ConnectionError | exc.Timeout | exc.ChunkedEncodingError):
        return True
    if isinstance(err, exc.HTTPError):
        status = getattr(getattr(err, "response", None), "status_code", None)
        return status in TRANSIENT_HTTP_STATUS
    return False


def is_transient(err: BaseException, extra: tuple[type[BaseException], ...] = ()) -> bool:
    """Whether a later attempt may succeed: ``err`` (or an explicit ``raise ... from`` cause of it) is one of
    :data:`TRANSIENT_TYPES`, a transient ``requests`` error, or one of a backend's own ``extra`` types."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TRANSIENT_TYPES + extra) or _requests_transient(current):
            return True
        current = current.__cause__
    return False


class CallTimeout(TimeoutError):
    """A call did not return within its time limit."""


def call_with_timeout(fn: Callable[[], T], timeout: float | None) -> T:
    """Run ``fn`` in a daemon thread and wait at most ``timeout`` seconds for it.

    deep-translator calls ``requests.get`` without a timeout, so a stalled connection would block for
    ever; here the caller gets :class:`CallTimeout` and moves on while the stalled daemon thread is
    abandoned (it cannot keep the process alive). ``timeout`` None or <= 0 calls ``fn`` directly.
    """
    if not timeout or timeout <= 0:
        return fn()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # re-raised in the caller's thread
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True, name="translate-call")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise CallTimeout(f"call did not return within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def backoff_delay(attempt: int, base: float, cap: float = 60.0) -> float:
    """Delay before retry number ``attempt`` (1-based): ``base * 2**(attempt-1)``, at most ``cap``."""
    return min(cap, base * (2 ** (attempt - 1))) if base > 0 else 0.0
