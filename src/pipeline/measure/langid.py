"""langdetect, the whole-text language detector of TRIT, PolyMath and Budget Alignment (docs/metrics.md).

:func:`langdetect_probs` is the ``langdetect`` package's ``detect_langs`` (languages with probability > 0.1, best
first), seeded (``DetectorFactory.seed = 0``) so a text always gets the same answer. The other whole-text detector
peers use, fastText lid.176 top-1 (MMATH), is :func:`pipeline.measure.composition.detect_language`.

Labels are normalised with :func:`pipeline.languages.normalize_lid_label` (``zh-cn`` -> ``zh``, ``wuu`` -> ``zh``).
Text without letters gives ``None`` / ``()``.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pipeline.languages import normalize_lid_label
from pipeline.measure.text import clean_text

__all__ = ["langdetect_probs", "langdetect_top"]

_LOCK = threading.Lock()
_SEEDED = False


def _seed() -> None:
    global _SEEDED
    if not _SEEDED:
        with _LOCK:
            from langdetect import DetectorFactory

            DetectorFactory.seed = 0
            _SEEDED = True


@lru_cache(maxsize=65536)
def _probs(text: str) -> tuple[tuple[str, float], ...]:
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    _seed()
    try:
        found = detect_langs(text)
    except LangDetectException:  # no letters at all ("18 + 4 = 22")
        return ()
    return tuple((normalize_lid_label(lang.lang), float(lang.prob)) for lang in found)


def langdetect_probs(text: object) -> tuple[tuple[str, float], ...]:
    """langdetect's ``detect_langs``: ``((code, probability), ...)`` with probability > 0.1, best first.

    >>> langdetect_probs("Спочатку обчислимо, скільки яблук має Марко.")[0][0]
    'uk'
    >>> langdetect_probs("18 + 4 = 22")
    ()
    """
    s = " ".join(clean_text(text).split())
    return _probs(s) if s else ()


def langdetect_top(text: object) -> str | None:
    """langdetect's most probable language, or ``None`` for text without letters."""
    probs = langdetect_probs(text)
    return probs[0][0] if probs else None
