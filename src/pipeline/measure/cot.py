"""The chain-of-thought (CoT) part of a completion: what the language composition measures (docs/metrics.md)."""

from __future__ import annotations

import re

from pipeline.languages import get_language
from pipeline.measure.answers import answer_anchor_start
from pipeline.measure.text import clean_text

__all__ = ["cot_text"]

_THINK_TAG = re.compile(r"</?think>", re.I)
_THINK_OPEN = re.compile(r"<think>", re.I)
_THINK_CLOSE = re.compile(r"</think>", re.I)


def _first_tag(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)`` for a pattern that starts with ``<``: tried only where ``<`` is."""
    i = text.find("<")
    while i >= 0:
        m = pattern.match(text, i)
        if m:
            return m
        i = text.find("<", i + 1)
    return None


def cot_text(completion: object, lang: str) -> str:
    """The chain-of-thought part of a completion: ``<think>`` tags and the final-answer line(s) removed.

    The completion is read with :func:`pipeline.measure.text.clean_text` (str or chat format, NFKC-folded).
    Final-answer lines are recognised by :func:`pipeline.measure.answers.answer_anchor_start` (``#### N``,
    ``\\boxed{}`` and the answer phrases of every supported language, including ``languages.answer_line``
    templates). If a ``<think>...</think>`` block exists, only its content is the CoT.

    >>> cot_text("<think>\\n9 * 2 = 18, so the answer is 18.\\n</think>\\nThe answer is 18.", "en")
    '9 * 2 = 18, so'
    """
    get_language(lang)
    text = clean_text(completion)
    if "<" in text:
        open_tag, close_tag = _first_tag(_THINK_OPEN, text), _first_tag(_THINK_CLOSE, text)
        if open_tag and close_tag and close_tag.start() > open_tag.start():
            text = text[open_tag.end() : close_tag.start()]
        elif close_tag and not open_tag:
            text = text[: close_tag.start()]
        if "<" in text:
            text = _THINK_TAG.sub(" ", text)
    text = text.rstrip()
    while text:  # drop trailing final-answer lines; keep the reasoning before an anchor on the last line
        cut = text.rfind("\n") + 1
        last = text[cut:]
        start = answer_anchor_start(last)
        if start is None:
            break
        if last[:start].strip():  # "9 * 2 = 18, so the answer is 18." keeps "9 * 2 = 18, so"
            text = text[:cut] + last[:start].rstrip()
            break
        text = text[:cut].rstrip()
    return text.strip()
