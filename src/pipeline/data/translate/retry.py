"""Hard per-call timeouts and exponential back-off for flaky translation calls."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


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
