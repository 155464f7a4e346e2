"""The value right after an answer anchor: markdown, math spans, numbers, expressions, negation ("not A but B").

:func:`read_value` returns a raw value (a canonical number such as ``7400``, an expression such as ``10^{3}``, or
LaTeX as written) and the text after it; :func:`pipeline.measure.answers.normalize_answer` finishes it.
"""

from __future__ import annotations

import re

from pipeline.measure.answers.gold import brace_end
from pipeline.measure.answers.numerals import (
    SIGNED_NUMERAL_RE,
    canonical_numeral,
    fold_tex_separators,
    read_signed_number,
)

__all__ = ["content_value", "read_label_sentence", "read_one", "read_value", "skip_decoration"]

# What may stand between an anchor and its value: spaces and newlines, markdown emphasis, ``:`` ``=``, dashes, ``、``
_DECORATION_RE = re.compile(r"(?:[\s*_`~≈、，]|[:：=]|—+|–(?=\s)|-(?=\s))*")
# negation before a value ("not 5 but 6") and the turn to the corrected value after it
_NEG_PREFIX_RE = re.compile(r"(?:not\b|не\b|(?:并|並)?不是|ไม่ใช่)\s*", re.IGNORECASE)
_CORRECTION_RE = re.compile(
    r"[*_`\s]*[,，、]?\s*(?:but(?:\s+rather)?|rather|instead|а|але|но|而是|是|แต่(?:เป็น|คือ)?)(?![^\W\d_])\s*[:：]?\s*",
    re.IGNORECASE,
)
# postposed negation: ko "5이 아니라 6", ja "5ではなく6" (a particle or unit word may sit before it)
_POST_NEG_RE = re.compile(
    r"[*_`$\s]*[^\s\d.,;:!?。，、*]{0,4}?\s*(?:아니라|아니고|ではなく(?:て)?|じゃなくて|でなく)\s*[,，、]?\s*"
)
_BOXED_LEAD_RE = re.compile(r"(?:\$\$?|\\[(\[])?\s*\\(?:boxed|fbox)\s*\{")
_ASSIGN_RE = re.compile(r"[A-Za-z]\s*=(?!=)\s*")
# a number-led expression: operators, operands, powers; what may follow a number (degree, %, closing markdown)
_OP_RE = re.compile(r"\s*(\\times|\\cdot|\\div|[-+*/×·÷=−–^]|[xX](?=\s+\d))\s*")
_OPERAND_LEAD_RE = re.compile(r"(?:\*\*|__|`)?\s*")
_POWER_RE = re.compile(r"\{?\s*(\d+)\s*\}?")
_SUFFIX_RE = re.compile(r"(?:°|\s?\^\s*\{?\s*\\circ\s*\}?|\\degree\b|\s?\\?%|\*\*|\*(?!\s*\d)|__|`)*")
# a number that continues as LaTeX or algebra: 2\sqrt{3}, 5i, 2k+2, 288 \pi, 1 \pm \sqrt{19}
_GLUED_MATH_RE = re.compile(
    r"\\(?!text|mbox|mathrm|quad|qquad|times|cdot|div|[$%,;: !])|[_^](?!\s*\{?\s*\d)"
    r"|[A-Za-z](?![A-Za-z])|\s+\\(?:sqrt|pi|pm|mp|frac|dfrac|infty)\b|\s*\\pm"
)
# what may follow a whole math-span/boxed value: nothing, or units (``\text{ cm}``, ``\mbox{ inches}^2``, ``dollars``)
_UNIT_REST_RE = re.compile(
    r"(?:\s*(?:\\(?:text|mbox|mathrm|textrm)\s*\{\s*[^\W\d_][^{}]*\}|[^\W\d_]{2,}\.?)(?:\^\{?\d\}?)?)?"
)
# two Latin words in a row outside LaTeX commands and braces: prose, not math
_PROSE_RE = re.compile(r"(?<![\\A-Za-z{])[A-Za-z]{2,}\s+[A-Za-z]{2,}(?![^{]*\})")
_LATEX_OPS = {"×": "\\times", "*": "\\times", "x": "\\times", "X": "\\times", "·": "\\cdot", "÷": "\\div", "−": "-",
              "–": "-"}
_COMMAND_RE = re.compile(r"\\(?:[A-Za-z]+|[\s\S])?")
_WORD_AHEAD_RE = re.compile(r"\s*\(?[^\W\d_]{2}")


def skip_decoration(s: str) -> str:
    """``s`` without the decoration that may precede a value (spaces, markdown, ``:``, ``=``, dashes).

    >>> skip_decoration("** :  40**")
    '40**'
    """
    return s[_DECORATION_RE.match(s).end() :]


def _math_span(s: str) -> tuple[str, int] | None:
    """(content, end) of a ``$...$``/``$$...$$``/``\\(...\\)``/``\\[...\\]`` span at the start of ``s``."""
    for left, right in (("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]"), ("$", "$")):
        if s.startswith(left):
            stop = s.find(right, len(left))
            while stop > 0 and right[0] == "$" and s[stop - 1] == "\\":  # \$ is a dollar sign, not a delimiter
                stop = s.find(right, stop + 1)
            if stop <= len(left):
                return None
            content = s[len(left) : stop]
            if left == "$" and ("\n" in content or _is_currency(content, s[stop + 1 : stop + 2])):
                return None
            return content, stop + len(right)
    return None


def _is_currency(content: str, after: str) -> bool:
    """Whether the ``$`` opening ``$content$`` is a dollar sign (``$18 + $22``, ``$40 per day ... $``)."""
    if not re.match(r"\s?\d", content):
        return False
    return bool(
        re.search(r"(?<![\\A-Za-z])[A-Za-z]{2,}", content) or content[-1:] in " +-*/=×" or after[:1].isdigit()
    )


def content_value(content: str, comma_decimal: bool) -> str:
    """The value of a math span or ``\\boxed{}`` content: read whole when it is one value, else kept as written.

    >>> content_value("20 + 20 = 40", False), content_value("0{,}5", True), content_value("3, 5, 7", False)
    ('40', '0.5', '3, 5, 7')
    """
    c = fold_tex_separators(content.strip())
    boxed = _BOXED_LEAD_RE.match(c)
    if boxed:
        end = brace_end(c, boxed.end())
        if end is not None:
            c = c[boxed.end() : end].strip()
    value, rest = read_one(c, comma_decimal)
    if value is not None and _UNIT_REST_RE.fullmatch(rest.strip(" \t.,;:。*_`$")):
        return value
    if _PROSE_RE.search(c):  # "$The answer is $", not math
        return ""
    return c.rstrip(" .,;:。")


def _number_led(s: str, comma_decimal: bool) -> tuple[str | None, str]:
    """A number, possibly the start of an expression: ``18 × 2 = 36`` -> ``36``, ``10^3`` -> ``10^{3}``."""
    first = read_signed_number(s, 0, comma_decimal)
    if first is None:
        return None, s
    tokens, pos = [first[0]], first[1]
    while True:
        pos = _SUFFIX_RE.match(s, pos).end()
        if _GLUED_MATH_RE.match(s, pos):
            return _clause(s)
        op = _OP_RE.match(s, pos)
        if op is None:
            break
        sym = op.group(1)
        if sym == "^":
            power = _POWER_RE.match(s, op.end())
            operand = (power.group(1), power.end()) if power else None
        else:
            operand = read_signed_number(s, _OPERAND_LEAD_RE.match(s, op.end()).end(), comma_decimal)
        if operand is None:
            break
        tokens += [sym, operand[0]]
        pos = operand[1]
    return _expression(tokens), s[pos:]


def _expression(tokens: list[str]) -> str:
    """The value of ``[number, op, number, ...]``: the part after the last ``=``, as LaTeX when not one number."""
    if "=" in tokens:
        tokens = tokens[len(tokens) - tokens[::-1].index("=") :]
    out = tokens[0]
    for op, operand in zip(tokens[1::2], tokens[2::2], strict=True):
        if op in "^/":
            out += f"^{{{operand}}}" if op == "^" else f"/{operand}"
        else:
            out += f" {_LATEX_OPS.get(op, op)} {operand}"
    return out


def _clause_stop(s: str, i: int) -> str | None:
    """Whether the clause ends at ``s[i]`` (outside brackets): ``"end"``, ``"word"`` (prose follows) or ``None``."""
    c = s[i]
    if c in "\n$。！？；;，" or s.startswith(("**", "__", "`"), i):
        return "end"
    if c in ".!?" and s[i + 1 : i + 2] in ("", " ", "\t", "\n", "*", ")"):
        return "end"
    if c in " \t," and _WORD_AHEAD_RE.match(s, i + 1):
        return "word"
    if c.isalpha() and not c.isascii() and not "\u0370" <= c <= "\u03ff":  # a particle or unit: 입니다, 元, грн
        return "end"
    return None


def _clause(s: str) -> tuple[str | None, str]:
    """LaTeX-ish text up to the end of the clause (``\\frac{3}{4}``, ``(-\\infty, 3]``, ``x^2+1``), or ``None``
    when it looks like prose (``correct``, ``a number``)."""
    depth, i, n, word, stop = 0, 0, min(len(s), 300), False, None
    while i < n:
        c = s[i]
        if c == "\\":  # a command is skipped whole: its letters are not prose
            i += len(_COMMAND_RE.match(s, i).group())
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            stop = _clause_stop(s, i)
            if stop:
                break
            word = word or c.isascii() and c.isalpha() and s[i + 1 : i + 2].isascii() and s[i + 1 : i + 2].isalpha()
        i += 1
    cut_by_word = stop == "word"
    value = s[:i].strip().rstrip(".,:;*_` ")
    if not value or word or len(value) > 200 or re.fullmatch(r"\(\s*[^\W\d_]{2,}[^)]*\)", value):
        return None, s
    if cut_by_word and not re.search(r"[\d\\]", value):
        return None, s
    return value, s[i:]


def read_one(s: str, comma_decimal: bool) -> tuple[str | None, str]:
    """One value at the start of ``s`` and the text after it; ``(None, s)`` when ``s`` does not start with one.

    >>> read_one("**40**입니다", False)[0], read_one("$\\\\frac{3}{4}$.", False)[0], read_one("correct.", False)[0]
    ('40', '\\\\frac{3}{4}', None)
    """
    s = s.lstrip("*_`")
    boxed = _BOXED_LEAD_RE.match(s)
    if boxed:
        end = brace_end(s, boxed.end())
        if end is None:
            return None, s
        after = end + 1 + len(re.match(r"\s*(?:\$\$?|\\[)\]])?", s[end + 1 :]).group())
        return content_value(s[boxed.end() : end], comma_decimal), s[after:]
    span = _math_span(s)
    if span:
        return content_value(span[0], comma_decimal), s[span[1] :]
    if re.match(r"[-−–+]?\s?(?:(?:\\?\$|[€£¥₩₴₽฿])\s?[-−]?)?\.?\d", s):
        return _number_led(s, comma_decimal)
    assign = _ASSIGN_RE.match(s)
    if assign:
        return read_one(skip_decoration(s[assign.end() :]), comma_decimal)
    if s[:1] == "\\" or s[:1] in "([{" or s[:1].isascii() and s[:1].isalpha() or "\u0370" <= s[:1] <= "\u03ff":
        return _clause(s)
    return None, s


def read_value(tail: str, comma_decimal: bool) -> tuple[str | None, str]:
    """The answer at the start of ``tail`` (the text after an anchor) and the text after it.

    ``not A but B`` / ``не A, а B`` / ``不是A而是B`` / ``A이 아니라 B`` / ``AではなくB`` give ``B``; a bare
    ``not A`` gives ``None``.

    >>> read_value(" **40**.", False)[0], read_value(" 20 + 20 = 40.", False)[0], read_value("не 5, а 6.", True)[0]
    ('40', '40', '6')
    >>> read_value(" 5이 아니라 6입니다", False)[0], read_value(" not 5.", False)[0]
    ('6', None)
    """
    s = fold_tex_separators(skip_decoration(tail))
    negated = _NEG_PREFIX_RE.match(s)
    if negated:
        s = skip_decoration(s[negated.end() :])
    value, rest = read_one(s, comma_decimal)
    if value is None:
        return None, tail
    turn = _POST_NEG_RE.match(rest) or (_CORRECTION_RE.match(rest) if negated else None)
    if turn:
        return read_one(skip_decoration(rest[turn.end() :]), comma_decimal)
    return (None, tail) if negated else (value, rest)




def read_label_sentence(tail: str, comma_decimal: bool) -> str | None:
    """After a label (``**Answer:**``), a one-line sentence holding exactly one number gives that number.

    >>> read_label_sentence("** Janet makes $18 every day.", False), read_label_sentence(" 3 + 4 is 7.", False)
    ('18', None)
    """
    line = fold_tex_separators(skip_decoration(tail).split("\n", 1)[0])
    if len(line) > 200:
        return None
    numbers = list(SIGNED_NUMERAL_RE.finditer(line))
    if len(numbers) != 1:
        return None
    m = numbers[0]
    return ("-" if m.group()[0] in "-−" else "") + canonical_numeral(m, comma_decimal)
