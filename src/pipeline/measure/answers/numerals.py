"""Reading one written number (``1,000``, ``7 400``, ``0,5``, ``1.234,5``) as a canonical decimal string.

The separator rule (docs/metrics.md, "Answer extraction"):

* a comma followed by exactly three digits after a non-zero integer part of one to three digits groups
  thousands in every language (``1,000``, ``12,500``, ``1,234,567``), as do a space, U+00A0, U+202F, U+2009
  and LaTeX ``\\,`` / ``{,}`` / ``,\\!`` between three-digit groups (``7 400``, ``10,\\!080``);
* dots between three-digit groups are thousands when there are two of them or a decimal comma follows
  (``1.234.567``, ``1.234,5``); otherwise a dot is a decimal point;
* any other comma between digits is a decimal comma in a *comma-decimal context* (the answer was anchored by a
  uk/ru phrase, ``lang`` is uk/ru, or, with neither, the completion has Cyrillic or accented Latin letters) and
  always when the integer part is ``0`` (``0,5``: thousands never follow a lone zero); elsewhere such a number
  is kept as written (``3,5`` in English stays ``3,5``, compared as the pair it may be, never cut to ``3``).
"""

from __future__ import annotations

import re

__all__ = [
    "COMMA_DECIMAL_LANGS",
    "NUMERAL_RE",
    "SIGNED_NUMERAL_RE",
    "canonical_numeral",
    "comma_decimal_text",
    "fold_tex_separators",
    "last_number",
    "read_signed_number",
]

COMMA_DECIMAL_LANGS = frozenset({"uk", "ru"})

_SPACE = "[ \u00a0\u202f\u2009]"
NUMERAL_RE = re.compile(
    rf"(?P<g1>[1-9]\d{{0,2}}(?:,\d{{3}})+)(?![\d])(?:\.(?P<d1>\d+))?"  # 1,234,567.5
    rf"|(?P<g2>[1-9]\d{{0,2}}(?:{_SPACE}\d{{3}})+)(?!\d)(?:[.,](?P<d2>\d+))?"  # 7 400 / 1 234,5
    r"|(?P<g3>[1-9]\d{0,2}(?:\.\d{3}){2,})(?!\d)(?:,(?P<d3>\d+))?"  # 1.234.567,5
    r"|(?P<g4>[1-9]\d{0,2}\.\d{3}),(?P<d4>\d+)"  # 1.234,5
    r"|(?P<i5>\d+),(?P<d5>\d+)"  # 0,5 / 3,14 (comma rule)
    r"|(?P<i6>\d*)\.(?P<d6>\d+)|(?P<i7>\d+)"  # 0.5 / .5 / 18
)
_SIGNED_RE = re.compile(r"(?P<sign>[-−–+]?)\s?(?:(?:\\?\$|[€£¥₩₴₽฿])\s?(?P<sign2>[-−]?))?(?=[\d.])")
_TEX_SEP_RE = re.compile(r"(?<=\d)(?:\{,\}|,\\!\s?|\\[,;: ]|~)(?=\d)")
_ACCENTED_OR_CYRILLIC = re.compile(r"[\u0400-\u04ffÀ-ÖØ-öø-ſ]")


def fold_tex_separators(text: str) -> str:
    """LaTeX digit separators as plain ones: ``{,}`` and ``,\\!`` -> ``,``; ``\\,`` ``\\;`` ``\\ `` ``~`` -> U+2009.

    >>> fold_tex_separators("10,\\\\!080 and 0{,}5 and 1\\\\,000")
    '10,080 and 0,5 and 1\\u2009000'
    """
    if "\\" not in text and "{" not in text and "~" not in text:
        return text
    return _TEX_SEP_RE.sub(lambda m: "," if m.group()[0] in ",{" else "\u2009", text)


def canonical_numeral(m: re.Match, comma_decimal: bool) -> str:
    """The canonical form (digits, optional ``.`` decimals) of a :data:`NUMERAL_RE` match."""
    for n in "1234":
        group = m.group("g" + n)
        if group is not None:
            digits = re.sub(r"[^\d]", "", group)
            dec = m.group("d" + n)
            return digits + ("." + dec if dec else "")
    if m.group("i5") is not None:
        whole, dec = m.group("i5"), m.group("d5")
        return f"{whole}.{dec}" if comma_decimal or whole.strip("0") == "" else f"{whole},{dec}"
    if m.group("d6") is not None:
        return (m.group("i6") or "0") + "." + m.group("d6")
    return m.group("i7")


def read_signed_number(text: str, pos: int, comma_decimal: bool) -> tuple[str, int] | None:
    """A number starting at ``text[pos]`` (sign, currency sign, numeral) -> (canonical value, end), or ``None``.

    >>> read_signed_number("$1,000.", 0, False), read_signed_number("$-3", 0, False)
    (('1000', 6), ('-3', 3))
    >>> read_signed_number("−7 400 грн", 0, True)
    ('-7400', 6)
    >>> read_signed_number("0,5", 0, False), read_signed_number("3,5", 0, False), read_signed_number("3,5", 0, True)
    (('0.5', 3), ('3,5', 3), ('3.5', 3))
    """
    lead = _SIGNED_RE.match(text, pos)
    if lead is None:
        return None
    m = NUMERAL_RE.match(text, lead.end())
    if m is None:
        return None
    value = canonical_numeral(m, comma_decimal)
    sign = "-" if lead.group("sign") in ("-", "−", "–") or lead.group("sign2") else ""
    return sign + value, m.end()


def comma_decimal_text(text: str) -> bool:
    """Whether ``text`` has Cyrillic or accented Latin letters (a comma-decimal context when nothing else says).

    >>> comma_decimal_text("Отже, 0,5"), comma_decimal_text("So 0.5")
    (True, False)
    """
    return _ACCENTED_OR_CYRILLIC.search(text) is not None


# a numeral with a minus sign that is not a hyphen inside a word or number (``-5``, not ``x-5``, ``3-5``)
SIGNED_NUMERAL_RE = re.compile(r"(?:(?<![\w.,])[-−](?=\d))?(?:" + NUMERAL_RE.pattern + ")")


def last_number(text: str, comma_decimal: bool) -> str | None:
    """The last number of ``text`` (canonical), or ``None``; a ``-`` counts as a sign only after a non-word.

    >>> last_number("so 5 + 3 = 8 apples, or 7 400 грн", True)
    '7400'
    >>> last_number("20-3 = -17", False), last_number("no digits", False)
    ('-17', None)
    """
    matches = list(SIGNED_NUMERAL_RE.finditer(fold_tex_separators(text)))
    if not matches:
        return None
    found = matches[-1]
    sign = "-" if found.group()[0] in "-−" else ""
    return sign + canonical_numeral(found, comma_decimal)
