"""Gold-answer parsing, final-answer extraction from model output, and answer equivalence.

Extraction order for a completion (the first rule that finds something wins; see docs/metrics.md):

1. the last ``\\boxed{...}`` (or ``\\fbox{...}``), nested braces allowed;
2. the last ``#### N`` (GSM8K anchor) whose line holds only the value (``#### 1. Compute`` is a heading);
3. the last final-answer phrase of any supported language that is followed by a value (``The answer is N``,
   ``**Answer:** N``, ``### Final Answer`` + newline + ``N``, ``答案是N``, ``답은 N입니다``, ``Отже, відповідь N``,
   ``Ответ: N``, ``答えは N``, ``คำตอบคือ N``; every ``languages.answer_line`` template included);
4. only with ``last_number_fallback=True``: the last number of the completion.

Rules 1-3 set ``format_ok``. The value after an anchor is read by :mod:`.values` (markdown, math spans, numbers
with the separator rule of :mod:`.numerals`, expressions -> the part after the last ``=``, "not A but B" -> B).
Equivalence (:mod:`.equivalence`): plain numbers are compared exactly as fractions (``18`` == ``18.0``,
``1,000`` == ``1000``); anything else goes through math-verify ``verify(gold, pred)``.

Modules: :mod:`.gold` (gold answers, ``\\boxed{}``), :mod:`.numerals`, :mod:`.values`, :mod:`.anchors`,
:mod:`.equivalence`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.languages import get_language
from pipeline.measure.answers.anchors import answer_anchor_start, find_anchored, is_answer_line
from pipeline.measure.answers.equivalence import answers_match, gold_parseable, normalize_answer
from pipeline.measure.answers.gold import boxed_gold, gsm8k_gold, last_boxed
from pipeline.measure.answers.numerals import COMMA_DECIMAL_LANGS, comma_decimal_text, last_number
from pipeline.measure.text import clean_text

__all__ = [
    "AnswerCheck",
    "answer_anchor_start",
    "answers_match",
    "boxed_gold",
    "check_answer",
    "extract_answer",
    "gold_parseable",
    "gsm8k_gold",
    "is_answer_line",
    "last_boxed",
    "normalize_answer",
]


def _extract(text: str, lang: str | None, last_number_fallback: bool) -> tuple[str | None, bool, str | None]:
    """(normalised answer or ``None``, whether it was anchored, the as-written reading of a decimal comma)."""
    found = find_anchored(text, lang)
    if found is not None:
        value = normalize_answer(found.value)
        if value:
            return value, True, found.as_written
    if last_number_fallback:
        comma = lang in COMMA_DECIMAL_LANGS if lang is not None else comma_decimal_text(text)
        number = last_number(text, comma)
        if number is not None:
            return normalize_answer(number) or None, False, None
    return None, False, None


def extract_answer(completion: object, lang: str | None = None, last_number_fallback: bool = False) -> str | None:
    """The final answer of a model completion (see module docstring for the order), normalised, or ``None``.

    ``lang`` is validated (unknown code -> ``UnknownLanguageError``) and decides decimal commas (uk/ru: ``0,5`` is
    0.5) together with the language of the anchoring phrase; phrases of every language are always accepted, so an
    English ``The answer is 18`` in a Korean completion still counts.

    >>> extract_answer("답은 **40**입니다"), extract_answer("The answer is 20 + 20 = 40."), extract_answer("7 400 грн")
    ('40', '40', None)
    >>> extract_answer("Відповідь: 7 400 грн"), extract_answer("답은 39이 아니라 40입니다")
    ('7400', '40')
    """
    if lang is not None:
        get_language(lang)
    return _extract(clean_text(completion), lang, last_number_fallback)[0]  # the decimal-comma reading


@dataclass(frozen=True)
class AnswerCheck:
    """Result of grading one completion."""

    pred: str | None  # extracted, normalised answer (None if nothing found)
    correct: bool
    format_ok: bool  # an anchored answer (boxed, ####, answer phrase) was found
    gold_ok: bool  # the gold answer is parseable; False -> correct is False and the item should be counted


def check_answer(
    completion: object, gold: str | None, lang: str | None = None, last_number_fallback: bool = False
) -> AnswerCheck:
    """Extract the answer of ``completion`` and compare it with ``gold``; never raises on bad text.

    A number read with a decimal comma (uk/ru context) also counts when its as-written reading matches: the MATH
    pair ``-2,1`` in a Russian completion is ``-2.1`` or ``(-2, 1)``.

    >>> check_answer("### Final Answer\\n1,000", "1000")
    AnswerCheck(pred='1000', correct=True, format_ok=True, gold_ok=True)
    >>> check_answer("Ответ: $-2,1$", "-2,1").correct, check_answer("Ответ: $-2,1$", "-2.1").correct
    (True, True)
    """
    if lang is not None:
        get_language(lang)
    pred, anchored, as_written = _extract(clean_text(completion), lang, last_number_fallback)
    gold_ok = gold_parseable(gold)
    correct = gold_ok and (answers_match(pred, gold) or as_written is not None and answers_match(as_written, gold))
    return AnswerCheck(pred=pred, correct=correct, format_ok=anchored, gold_ok=gold_ok)
