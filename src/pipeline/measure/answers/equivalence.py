"""Answer normalisation and equivalence: exact fractions for plain numbers, math-verify for everything else."""

from __future__ import annotations

import re
import threading
from fractions import Fraction
from functools import lru_cache

from pipeline.measure.answers.numerals import fold_tex_separators

__all__ = ["answers_match", "gold_parseable", "normalize_answer"]

# A plain number: optional sign, digits with optional 3-digit thousands groups, decimals, or a fraction a/b.
_PLAIN_NUM_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:/\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:\.\d+)?$")
_DEGREE_RE = re.compile(r"\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree\b)")
_PERCENT_RE = re.compile(r"\s*\\?%$")
_UNIT_TEXT_RE = re.compile(r"(?<=\S)\s*\\(?:text|mbox|mathrm|textrm)\s*\{\s*[^\W\d_][^{}]*\}(?:\^\s*\{?\d\}?)?$")
_NUM_UNIT_RE = re.compile(r"^([-+]?\d[\d.,]*)\s+(?:[^\W\d_]{2,}\.?)$")
_CURRENCY_RE = re.compile(r"^(-?)\s*\\?[$€£¥₩₴₽฿]\s*(?=[-\d.])")
_DELIMS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"), ("**", "**"))


def _strip_delims(s: str) -> str:
    s = s.strip()
    for left, right in _DELIMS:
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            s = s[len(left) : len(s) - len(right)].strip()
    return s


_SIMPLE_NUM_RE = re.compile(r"-?\d+(?:\.\d+)?")


def normalize_answer(ans: str) -> str:
    """Light normalisation of an answer (gold or extracted) for comparison.

    Removed: math delimiters, a ``\\text{}`` wrapper, trailing punctuation, ``\\dfrac``/``\\tfrac`` (-> ``\\frac``),
    degree marks (``^\\circ``, ``°``), a trailing ``%``/``\\%``, trailing unit words (``5 \\text{ cm}``,
    ``40 dollars``), a leading currency sign and the thousands separators of plain numbers.

    >>> [normalize_answer(a) for a in ["90^\\\\circ", "\\\\$32,\\\\!348", "864 \\\\mbox{ inches}^2", "50\\\\%"]]
    ['90', '32348', '864', '50']
    >>> normalize_answer("7 400"), normalize_answer("\\\\dfrac{3}{4}"), normalize_answer("40 dollars")
    ('7400', '\\\\frac{3}{4}', '40')
    """
    if _SIMPLE_NUM_RE.fullmatch(ans):
        return ans
    return _normalize(ans)


@lru_cache(maxsize=16384)
def _normalize(ans: str) -> str:
    s = _strip_delims(ans.replace("\u2212", "-"))
    s = s.rstrip(" .。,，;；!！").strip()
    s = _strip_delims(s)
    s = re.sub(r"^\\text\{(.*)\}$", r"\1", s).strip()
    s = re.sub(r"\\[dt]frac\b", r"\\frac", s)
    s = _DEGREE_RE.sub("", fold_tex_separators(s)).replace("\\!", "")
    s = _PERCENT_RE.sub("", s)
    s = _UNIT_TEXT_RE.sub("", s).strip()
    unit = _NUM_UNIT_RE.match(s)
    if unit:
        s = unit.group(1)
    s = _CURRENCY_RE.sub(r"\1", s)
    if _GROUPED_RE.match(s):
        s = re.sub(r"[ \u00a0\u202f\u2009]", "", s)
    if _PLAIN_NUM_RE.match(s) and re.search(r"\d", s):
        s = s.replace(",", "").lstrip("+")
    return s


def _as_fraction(s: str) -> Fraction | None:
    if not s or not _PLAIN_NUM_RE.match(s) or not re.search(r"\d", s):
        return None
    try:
        return Fraction(s.replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return None


def _rhs(s: str) -> str:
    """The part after the last top-level ``=`` (``x = 5`` -> ``5``; ``<=``, ``==`` and braces skipped)."""
    depth, last = 0, -1
    for i, c in enumerate(s):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "=" and depth == 0 and s[i - 1 : i] not in ("<", ">", "!", "=", "\\") and s[i + 1 : i + 2] != "=":
            last = i
    return s[last + 1 :].strip() if last >= 0 else s


def _mv_kwargs() -> tuple[dict, dict]:
    """math-verify timeouts use signal.alarm, which only works in the main thread."""
    if threading.current_thread() is threading.main_thread():
        return {}, {}
    return {"parsing_timeout": None}, {"timeout_seconds": None}


@lru_cache(maxsize=8192)
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


def _align_equations(p: str, g: str) -> tuple[str, str]:
    """``x = 5`` vs ``5``: a predicted equation is compared by its right side when the gold has none, a gold
    ``x = 5`` (one-letter left side) by its right side when the prediction has none."""
    p_eq, g_eq = "=" in p and _rhs(p) != p, "=" in g and _rhs(g) != g
    if p_eq and not g_eq:
        return _rhs(p), g
    if g_eq and not p_eq and re.match(r"^[A-Za-z]\s*=[^=]", g):
        return p, _rhs(g)
    return p, g


def answers_match(pred: str | None, gold: str) -> bool:
    """Whether the predicted answer equals the gold answer.

    Plain numbers (``18``, ``18.0``, ``1,000``, ``-3``, ``3/4``) are compared exactly; everything else with
    math-verify ``verify(gold, pred)``. ``None``/empty prediction or gold -> ``False``.

    >>> answers_match("x = 5", "5"), answers_match("90°", "90^\\\\circ"), answers_match("38 + 2 = 40", "38")
    (True, True, False)
    """
    if pred is None or gold is None:
        return False
    p, g = normalize_answer(str(pred)), normalize_answer(str(gold))
    if not p or not g:
        return False
    if p == g:
        return True
    p, g = _align_equations(p, g)
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
