"""Gold-answer parsing, final-answer extraction from model output, and answer equivalence.

Extraction order for a completion (the first rule that finds something wins; see docs/metrics.md):

1. the last ``\\boxed{...}`` (or ``\\fbox{...}``), nested braces allowed;
2. the last ``#### N`` (GSM8K anchor);
3. the last final-answer phrase of any supported language (``The answer is N``, ``答案是N``, ``답은 N입니다``,
   ``Відповідь: N``, ``Ответ: N``, ``答えは N``, ``คำตอบคือ N``; ``languages.answer_line`` templates included);
4. only with ``last_number_fallback=True``: the last number of the completion.

Rules 1-3 set ``format_ok``. Equivalence: plain numbers are compared exactly as fractions (``18`` ==
``18.0``, ``1,000`` == ``1000``); anything else goes through math-verify ``verify(gold, pred)``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from pipeline.languages import LANGUAGES, get_language
from pipeline.measure.text import as_text

__all__ = [
    "AnswerCheck",
    "answers_match",
    "boxed_gold",
    "check_answer",
    "extract_answer",
    "gsm8k_gold",
    "is_answer_line",
    "answer_anchor_start",
    "normalize_answer",
    "last_boxed",
]

_GSM8K_RE = re.compile(r"####\s*\$?\s*(-?[0-9.,]+)")
_HASH_RE = re.compile(r"####[ \t]*([^\n]*)")
_HASH_ANCHOR_RE = re.compile("####")
_BOXED_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
# A plain number: optional sign, digits with optional 3-digit thousands groups, decimals, or a fraction a/b.
_PLAIN_NUM_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:/\d+)?$")
_LEAD_NUM_RE = re.compile(
    r"^[-+−]?\s*[$€£¥₩₴₽]?\s*(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?:\.\d+)?(?:\s*/\s*\d+)?(?!\s*[\^_*×(\\])"
)
_PHRASE_RE = re.compile(
    "|".join(f"(?:{p})" for lang in LANGUAGES.values() for p in lang.answer_phrases), re.IGNORECASE
)
_STOP_RE = re.compile(r"\n|。|！|，|；|(?<!\d)\.(?!\d)|\.(?=\s|$)|\$(?=\s*$)")
_TRAILING_WORDS_RE = re.compile(
    r"(?:\s*(?:입니다|이다|です|である|元|원|달러|개|명|доларів|долара|долар|гривень|рублей|рубля|рубль|"
    r"dollars?|units?|cm|m|kg|km|hours?|minutes?|years?|days?|%))+\s*$",
    re.IGNORECASE,
)


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}``/``\\fbox{...}`` with balanced (nested) braces, or ``None``."""
    for m in reversed(list(_BOXED_RE.finditer(text))):
        depth, start = 1, m.end()
        for i in range(start, len(text)):
            c = text[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    content = text[start:i].strip()
                    if content:
                        return content
                    break
    return None


def gsm8k_gold(solution: str) -> str | None:
    """The GSM8K gold answer after ``####``, thousands separators removed (``'#### 1,000'`` -> ``'1000'``).

    ``None`` when the solution has no ``#### N`` line.
    """
    matches = _GSM8K_RE.findall(solution or "")
    if not matches:
        return None
    value = matches[-1].replace(",", "").rstrip(".")
    return value if re.search(r"\d", value) else None


def boxed_gold(solution: str) -> str | None:
    """The MATH gold answer: content of the last ``\\boxed{...}`` (nested braces), or ``None``."""
    return last_boxed(solution or "")


def _strip_delims(s: str) -> str:
    s = s.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"), ("**", "**")):
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            s = s[len(left) : len(s) - len(right)].strip()
    return s


def normalize_answer(ans: str) -> str:
    """Light normalisation of an extracted answer: math delimiters, ``\\text{}`` wrappers, trailing
    punctuation, thousands separators of plain numbers and a leading currency sign are removed."""
    s = _strip_delims(ans.replace("\u2212", "-"))
    s = s.rstrip(" .。,，;；!！").strip()
    s = _strip_delims(s)
    s = re.sub(r"^\\text\{(.*)\}$", r"\1", s).strip()
    s = re.sub(r"^\\?[$€£¥₩₴₽]\s*(?=[-\d.])", "", s)
    s = re.sub(r"^(-?)\\?\$\s*", r"\1", s) if re.match(r"^-?\\?\$\s*\d", s) else s
    if _PLAIN_NUM_RE.match(s.replace(" ", "")) and re.search(r"\d", s):
        s = s.replace(" ", "").replace(",", "").lstrip("+")
    return s


def _value_after_anchor(tail: str) -> str | None:
    """The answer at the start of ``tail`` (text right after ``####`` or an answer phrase)."""
    tail = tail.lstrip(" \t*:：")
    if not tail:
        return None
    boxed = last_boxed(tail.split("\n", 1)[0])
    if boxed is not None and tail.lstrip().startswith(("\\boxed", "\\fbox", "$\\boxed")):
        return normalize_answer(boxed)
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if tail.startswith(left):
            end = tail.find(right, len(left))
            if end > len(left):
                return normalize_answer(tail[len(left) : end])
    m = _LEAD_NUM_RE.match(tail)
    if m:
        return normalize_answer(m.group().replace("−", "-"))
    stop = _STOP_RE.search(tail)
    value = tail[: stop.start()] if stop else tail
    value = _TRAILING_WORDS_RE.sub("", value).strip()
    if not value or len(value) > 200:
        return None
    return normalize_answer(value)


def _anchored_answer(text: str) -> str | None:
    boxed = last_boxed(text)
    if boxed is not None:
        return normalize_answer(boxed)
    hashes = _HASH_RE.findall(text)
    for tail in reversed(hashes):
        value = _value_after_anchor(tail)
        if value:
            return value
    for m in reversed(list(_PHRASE_RE.finditer(text))):
        value = _value_after_anchor(text[m.end() : m.end() + 400])
        if value:
            return value
    return None


_clean = as_text


def extract_answer(
    completion: str, lang: str | None = None, last_number_fallback: bool = False
) -> str | None:
    """The final answer of a model completion (see module docstring for the order), normalised, or ``None``.

    ``lang`` is validated (unknown code -> ``UnknownLanguageError``); phrases of every language are always
    accepted, so an English ``The answer is 18`` in a Korean completion still counts.
    """
    if lang is not None:
        get_language(lang)
    text = _clean(completion)
    value = _anchored_answer(text)
    if value is None and last_number_fallback:
        numbers = _NUMBER_RE.findall(text)
        if numbers:
            value = normalize_answer(numbers[-1])
    return value or None


def answer_anchor_start(line: str) -> int | None:
    """Start offset of the first final-answer anchor (``\\boxed``, ``####``, answer phrase) in ``line``."""
    found = (_BOXED_RE.search(line), _HASH_ANCHOR_RE.search(line), _PHRASE_RE.search(line))
    starts = [m.start() for m in found if m]
    return min(starts) if starts else None


def is_answer_line(line: str) -> bool:
    """Whether ``line`` holds a final-answer anchor (``#### N``, ``\\boxed{}``, an answer phrase)."""
    return answer_anchor_start(line) is not None


# --------------------------------------------------------------------------------------------------
# Equivalence
# --------------------------------------------------------------------------------------------------


def _as_fraction(s: str) -> Fraction | None:
    t = s.replace(" ", "")
    if not t or not _PLAIN_NUM_RE.match(t) or not re.search(r"\d", t):
        return None
    try:
        return Fraction(t.replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return None


def _mv_kwargs() -> tuple[dict, dict]:
    """math-verify timeouts use signal.alarm, which only works in the main thread."""
    if threading.current_thread() is threading.main_thread():
        return {}, {}
    return {"parsing_timeout": None}, {"timeout_seconds": None}


@lru_cache(maxsize=4096)
def _parse_main(expr: str) -> tuple:
    from math_verify import parse

    return tuple(parse("\\boxed{" + expr + "}"))


def _parse(expr: str) -> list:
    from math_verify import parse

    parse_kw, _ = _mv_kwargs()
    try:
        if parse_kw:  # other thread: no signal-based timeout; do not share the cache with main-thread results
            return list(parse("\\boxed{" + expr + "}", **parse_kw))
        return list(_parse_main(expr))
    except Exception:  # math-verify/sympy can raise on pathological input; treat as unparseable
        return []


def gold_parseable(gold: str | None) -> bool:
    """Whether ``gold`` can be compared at all (a plain number, or something math-verify parses)."""
    if gold is None or not str(gold).strip():
        return False
    g = normalize_answer(str(gold))
    return _as_fraction(g) is not None or bool(_parse(g))


def answers_match(pred: str | None, gold: str) -> bool:
    """Whether the predicted answer equals the gold answer.

    Plain numbers (``18``, ``18.0``, ``1,000``, ``-3``, ``3/4``) are compared exactly; everything else with
    math-verify ``verify(gold, pred)``. ``None``/empty prediction or gold -> ``False``.
    """
    if pred is None or gold is None:
        return False
    p, g = normalize_answer(str(pred)), normalize_answer(str(gold))
    if not p or not g:
        return False
    if p == g:
        return True
    fp, fg = _as_fraction(p), _as_fraction(g)
    if fp is not None and fg is not None:
        return fp == fg
    gold_parsed, pred_parsed = _parse(g), _parse(p)
    if not gold_parsed or not pred_parsed:
        return False
    from math_verify import verify

    _, verify_kw = _mv_kwargs()
    try:
        return bool(verify(gold_parsed, pred_parsed, **verify_kw))
    except Exception:
        return False


@dataclass(frozen=True)
class AnswerCheck:
    """Result of grading one completion."""

    pred: str | None  # extracted, normalised answer (None if nothing found)
    correct: bool
    format_ok: bool  # an anchored answer (boxed, ####, answer phrase) was found
    gold_ok: bool  # the gold answer is parseable; False -> correct is False and the item should be counted


def check_answer(
    completion: str, gold: str, lang: str | None = None, last_number_fallback: bool = False
) -> AnswerCheck:
    """Extract the answer of ``completion`` and compare it with ``gold``; never raises on bad text."""
    if lang is not None:
        get_language(lang)
    text = _clean(completion)
    anchored = _anchored_answer(text)
    pred = extract_answer(text, None, last_number_fallback) if anchored is None else anchored
    gold_ok = gold_parseable(gold)
    correct = gold_ok and answers_match(pred, gold)
    return AnswerCheck(pred=pred or None, correct=correct, format_ok=bool(anchored), gold_ok=gold_ok)
