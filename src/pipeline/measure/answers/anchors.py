"""Final-answer anchors: the last ``\\boxed{}``, the last ``#### N``, the last answer phrase followed by a value.

The phrases are those of ``pipeline.languages`` (``Language.answer_phrases``), joined into one regex with one
named group per language, so the language of the phrase that anchored an answer is known (decimal commas).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline.languages import LANGUAGES
from pipeline.measure.answers.gold import BOXED_RE, last_boxed
from pipeline.measure.answers.numerals import COMMA_DECIMAL_LANGS, comma_decimal_text
from pipeline.measure.answers.values import content_value, read_label_sentence, read_value, skip_decoration

__all__ = ["PHRASE_RE", "Anchored", "answer_anchor_start", "find_anchored", "is_answer_line", "phrase_matches"]

PHRASE_RE = re.compile(
    "|".join(
        f"(?P<{code}>" + "|".join(f"(?:{p})" for p in lang.answer_phrases) + ")"
        for code, lang in LANGUAGES.items()
        if lang.answer_phrases
    ),
    re.IGNORECASE,
)
# every phrase contains one of these (lower case); only lines holding one are scanned with PHRASE_RE (speed)
_KEYWORDS = ("answer", "답", "答", "відповід", "ответ", "คำตอบ", "正解")
_HASH_RE = re.compile("####")
_WINDOW = 400  # characters after an anchor that its value is read from
# after ``#### value`` the line may hold only units and punctuation (``#### 1. Compute the eggs`` is a heading)
_HASH_REST_RE = re.compile(r"[\s.。!*_`$)]*(?:[^\W\d_]+[\s.。!)]*){0,2}")
_DECORATION_BEFORE = " \t*_#>`~-"


@dataclass(frozen=True)
class Anchored:
    """An anchored answer: its raw value, the anchor kind (boxed, hash, phrase), the phrase's language and, when a
    decimal comma was read (``-2,1`` -> ``-2.1``), the value as written (``-2,1``, maybe a pair)."""

    value: str
    kind: str
    lang: str | None = None
    as_written: str | None = None


def phrase_matches(text: str) -> list[re.Match]:
    """All :data:`PHRASE_RE` matches of ``text`` in order (a phrase does not span lines).

    >>> [m.group().strip() for m in phrase_matches("To answer, add.\\nThe answer is 5.\\n답은 6입니다")]
    ['The answer is', '답은']
    """
    low = text.lower()
    if len(low) != len(text):  # a rare character changed length when lower-cased: scan everything
        return list(PHRASE_RE.finditer(text))
    starts = set()
    for key in _KEYWORDS:
        i = low.find(key)
        while i >= 0:
            starts.add(text.rfind("\n", 0, i) + 1)
            i = low.find(key, i + len(key))
    found = []
    for start in sorted(starts):
        end = text.find("\n", start)
        found += PHRASE_RE.finditer(text, start, len(text) if end < 0 else end)
    return found


def _hash_value(text: str, end: int, comma_decimal: bool) -> str | None:
    """The value after the ``####`` ending at ``end``, if the rest of its line is only units and punctuation."""
    value, rest = read_value(text[end : end + _WINDOW], comma_decimal)
    if value is None:
        return None
    line_rest = rest.split("\n", 1)[0]
    if re.match(r"[.:)]\s+\S", line_rest) or _HASH_REST_RE.fullmatch(line_rest) is None:
        return None
    return value


def _phrase_value(text: str, m: re.Match, comma_decimal: bool) -> str | None:
    """The value after the phrase ``m``; after a label (``Answer:``) also a sentence with one number in it."""
    tail = text[m.end() : m.end() + _WINDOW]
    value = read_value(tail, comma_decimal)[0]
    if value is None and m.group().rstrip(" *_")[-1:] in (":", "："):
        value = read_label_sentence(tail, comma_decimal)
    return value


def _candidates(text: str) -> Iterator[tuple[str, str | None, Callable[[bool], str | None]]]:
    """The anchors of ``text`` in the order they are tried: (kind, phrase language, reader of the value)."""
    boxed = last_boxed(text)
    if boxed is not None:  # a \boxed{} decides alone
        yield "boxed", None, lambda comma: content_value(boxed, comma)
        return
    if "####" in text:
        for m in reversed(list(_HASH_RE.finditer(text))):
            yield "hash", None, lambda comma, m=m: _hash_value(text, m.end(), comma)
    for m in reversed(phrase_matches(text)):
        yield "phrase", m.lastgroup, lambda comma, m=m: _phrase_value(text, m, comma)


def find_anchored(text: str, lang: str | None = None) -> Anchored | None:
    """The anchored answer of ``text``: last ``\\boxed{}``, else last valid ``####``, else last phrase with a value.

    Decimal commas (rule in :mod:`.numerals`): read as such when the phrase's language or ``lang`` is uk/ru, or,
    with neither, when the text has Cyrillic or accented Latin letters.

    >>> find_anchored("The answer is 40.\\nLet me check whether the answer is correct.")
    Anchored(value='40', kind='phrase', lang='en', as_written=None)
    >>> find_anchored("Отже, відповідь 0,5 кг.").value, find_anchored("#### 1. Eggs\\nSo 7.") is None
    ('0.5', True)
    """
    text_comma: list[bool] = []  # computed once, when needed
    for kind, phrase_lang, read in _candidates(text):
        if lang in COMMA_DECIMAL_LANGS or phrase_lang in COMMA_DECIMAL_LANGS:
            comma = True
        elif lang is not None or phrase_lang is not None:
            comma = False
        else:
            text_comma = text_comma or [comma_decimal_text(text)]
            comma = text_comma[0]
        value = read(comma)
        if value:
            as_written = read(False) if comma and "." in value else None
            return Anchored(value, kind, phrase_lang, as_written if as_written != value else None)
    return None


def _phrase_anchors(line: str, m: re.Match) -> bool:
    """A phrase anchors ``line`` when a value follows it there, or nothing does (a heading; value on the next line)."""
    return not skip_decoration(line[m.end() :]).strip() or _phrase_value(line, m, False) is not None


def answer_anchor_start(line: str) -> int | None:
    """Start of the first final-answer anchor in ``line`` (markdown before it included), or ``None``.

    The anchors are those :func:`find_anchored` reads: ``\\boxed{}``, ``#### N`` and answer phrases followed by a
    value or ending the line (``### Final Answer``).

    >>> answer_anchor_start("9 * 2 = 18, so the answer is 18."), answer_anchor_start("- **Answer:** 40")
    (14, 0)
    >>> answer_anchor_start("Let me check whether the answer is correct.") is None
    True
    """
    starts = []
    boxed = BOXED_RE.search(line)
    if boxed:
        starts.append(boxed.start())
    for m in _HASH_RE.finditer(line) if "####" in line else ():
        if _hash_value(line, m.end(), False):
            starts.append(m.start())
            break
    for m in phrase_matches(line):
        if _phrase_anchors(line, m):
            starts.append(m.start())
            break
    if not starts:
        return None
    start = min(starts)
    while start > 0 and line[start - 1] in _DECORATION_BEFORE:
        start -= 1
    return start


def is_answer_line(line: str) -> bool:
    """Whether ``line`` holds a final-answer anchor (see :func:`answer_anchor_start`)."""
    return answer_anchor_start(line) is not None
