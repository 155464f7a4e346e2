"""Gold answers (GSM8K ``#### N``, MATH ``\\boxed{}``) and the balanced-brace reading they share with extraction."""

from __future__ import annotations

import re

__all__ = ["BOXED_RE", "boxed_gold", "brace_end", "gsm8k_gold", "last_boxed"]

_GSM8K_RE = re.compile(r"####\s*\$?\s*(-?[0-9.,]+)")
BOXED_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")


_MAX_BOXED = 4000  # longest \boxed{} content read, in characters
_MAX_TRIES = 50  # unbalanced \boxed{ tried before giving up (bounds the work on degenerate text)


def brace_end(text: str, start: int, limit: int = _MAX_BOXED) -> int | None:
    """Index of the ``}`` closing the group whose content starts at ``start`` (one ``{`` already open), looking
    at most ``limit`` characters ahead.

    >>> brace_end("{a{b}c}d", 1)
    6
    >>> brace_end("{a", 1) is None
    True
    """
    depth = 1
    for i in range(start, min(len(text), start + limit)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}``/``\\fbox{...}`` with balanced (nested) braces, or ``None``.

    >>> last_boxed("\\\\boxed{1} then \\\\boxed{\\\\frac{1}{2}} and \\\\boxed{}")
    '\\\\frac{1}{2}'
    """
    if "\\" not in text:
        return None
    for m in reversed(list(BOXED_RE.finditer(text))[-_MAX_TRIES:]):
        end = brace_end(text, m.end())
        if end is not None:
            content = text[m.end() : end].strip()
            if content:
                return content
    return None


def gsm8k_gold(solution: str) -> str | None:
    """The GSM8K gold answer after ``####``, thousands separators removed; ``None`` without a ``#### N`` line.

    >>> gsm8k_gold("He pays 5 * 200 = <<5*200=1000>>1000.\\n#### 1,000")
    '1000'
    """
    matches = _GSM8K_RE.findall(solution or "")
    if not matches:
        return None
    value = matches[-1].replace(",", "").rstrip(".")
    return value if re.search(r"\d", value) else None


def boxed_gold(solution: str) -> str | None:
    """The MATH gold answer: content of the last ``\\boxed{...}`` (nested braces), or ``None``."""
    return last_boxed(solution or "")
