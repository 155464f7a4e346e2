"""Text preparation (code, LaTeX environments, math regions, LaTeX commands and ``<think>`` tags to spaces) and the
token scanner.

Both labelling paths read :func:`prepare`'s output. :data:`TOKEN_RE` is built from the rule table
(:mod:`.rules`): one alternative per class, tried in order; ``lastgroup`` names the class of a token.
"""

from __future__ import annotations

import re

from pipeline.measure.composition.rules import (
    DIGITS,
    NUMBER_CHARS,
    PROSE_ENVIRONMENTS,
    SCRIPT_BY_NAME,
    SCRIPTS,
    SENTENCE_BREAKS,
    Ranges,
)
from pipeline.measure.text import clean_text

__all__ = ["BREAK", "NUMBER", "TOKEN_RE", "char_class", "class_pattern", "prepare", "strip_math"]

BREAK = "brk"  # group name of a run of sentence breaks
NUMBER = "num"  # group name of a number (neutral)


def char_class(ranges: Ranges | str) -> str:
    """The inside of a regex character class ``[...]`` holding ``ranges`` (or the characters of a string)."""
    if isinstance(ranges, str):
        ranges = tuple((ord(c), ord(c)) for c in ranges)
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


def class_pattern(name: str) -> str:
    """The scanner's pattern of one class of :data:`rules.SCRIPTS` (a run, or runs joined by its joiners)."""
    script = SCRIPT_BY_NAME[name]
    body = r"^\W\d_" if script.any_letter else char_class(script.ranges)
    if script.joiners:
        return f"[{body}]+(?:[{char_class(script.joiners)}][{body}]+)*"
    return f"[{body}]+"


_NUM = char_class(NUMBER_CHARS)
TOKEN_RE = re.compile(
    f"(?P<{BREAK}>[{char_class(SENTENCE_BREAKS)}]+)"
    f"|(?P<{NUMBER}>[{_NUM}]*[{char_class(DIGITS)}][{_NUM}]*)"
    + "".join(f"|(?P<{s.name}>{class_pattern(s.name)})" for s in SCRIPTS)
)

# --------------------------------------------------------------------------------------------------
# Code, LaTeX environments, math regions and LaTeX commands
# --------------------------------------------------------------------------------------------------

_LATIN = char_class(SCRIPT_BY_NAME["lat"].ranges)
# Asymptote diagrams (MATH's [asy] blocks), fenced code blocks and inline code spans; an unclosed block runs to the end.
_CODE = re.compile(r"\[asy\].*?(?:\[/asy\]|\Z)|`{3,}.*?(?:`{3,}|\Z)|`[^`\n]+`", re.S)
# \begin{X}...\end{X} for X not a prose environment, without a nested \begin{X} (so the innermost goes first).
_PROSE = "|".join(sorted(map(re.escape, PROSE_ENVIRONMENTS)))
_ENVIRONMENT = re.compile(
    rf"\\begin\s*\{{(?!(?:{_PROSE})\*?\}})([^{{}}]*)\}}(?:(?!\\begin\s*\{{\1\}}).)*?\\end\s*\{{\1\}}", re.S
)
_ESCAPED_DOLLAR = re.compile(r"(?<!\\)\\\$")  # \$ is a dollar sign in LaTeX, never a math delimiter
_BACKSLASH_SPECIAL = re.compile(r"\\(?:begin|[$(\[])")  # an environment, \$, \( or \[ (one scan for the four)
_DIGITS = frozenset("0123456789")
_MATH_DELIMS = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]{1,400}?\$", re.S)
_TEXT_ARG = re.compile(r"\\(?:text|textbf|textit|mbox|mathrm|operatorname)\s*\{([^{}]*)\}")  # prose inside math
_TWO_WORDS = re.compile(f"[{_LATIN}]{{2,}}\\s+[{_LATIN}]{{2,}}")
# A word of any script inside a currency pair: two letters, or one letter that is not a Latin or Greek variable
# (``[^\W\d_]`` without the superscripts, fractions and number forms that are word characters too).
_NUMBER_LIKE = "\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f"
_ANY_WORD = re.compile(rf"[^\W\d_{_NUMBER_LIKE}]{{2,}}|[^\W\d_{_NUMBER_LIKE}A-Za-z\u0370-\u03ff]")
# LaTeX environments/commands and <think> tags are neutral; removed before tokenising.
_COMMANDS = re.compile(r"\\(?:begin|end)\s*\{[^}]*\}|\\[A-Za-z]+|</?think>", re.I)
# A command name as _COMMANDS matches it (IGNORECASE adds four non-ASCII letters), and environment names.
_COMMAND_NAME = re.compile(r"[A-Za-z]+", re.I)
_ENV_NAME = re.compile(r"begin|end", re.I)


def _text_commands(region: str) -> str:
    """The ``\\text{}``-style commands of a LaTeX environment, kept for the math regions and command removal after."""
    return " " + " ".join(m.group() for m in _TEXT_ARG.finditer(region)) + " "


def _strip_environments(text: str) -> str:
    """LaTeX environments other than prose ones replaced by their ``\\text{}``-style commands, innermost first."""
    n = 1
    while n and "\\begin" in text:
        text, n = _ENVIRONMENT.subn(lambda m: _text_commands(m.group()), text)
    return text


def _math_sub(match: re.Match) -> str:
    return _math_region(match.group(), match.string[match.end() : match.end() + 1])


def _is_currency(region: str, after: str) -> bool:
    """Whether a ``$...$`` region is a pair of dollar signs around prose, not a formula: two Latin words in a row
    (``$2 per egg ... $18``), or a word of any script when both ``$`` are followed by a number (``$5이고 배는 $10``,
    ``$5 and $10``; ``after`` is the character after the region). ``\\text{}`` arguments and command names are not
    words here."""
    prose = _TEXT_ARG.sub(" ", region) if "\\" in region else region
    if _TWO_WORDS.search(prose):
        return True
    if region[1] not in _DIGITS or after not in _DIGITS:
        return False
    if "\\" in prose:
        prose = _COMMANDS.sub(" ", prose)
    return _ANY_WORD.search(prose) is not None


def _math_region(region: str, after: str = "") -> str:
    """A math region replaced by the arguments of its ``\\text{}`` commands (the only prose inside math), or kept
    when it is a currency pair (:func:`_is_currency`)."""
    if region[1] != "$" and region[0] == "$" and _is_currency(region, after):
        return region
    if "\\" not in region:
        return " "
    args = _TEXT_ARG.findall(region)
    return " " + " ".join(args) + " " if args else " "


def _replace_dollar_math(pieces: list[str]) -> str:
    """``_MATH_DELIMS.sub(_math_sub, text)`` for text whose only delimiters are single ``$`` signs, given as
    ``text.split("$")``.

    The scanner's ``$...$`` alternative closes at the next ``$`` when the gap is 1-400 characters without
    a newline; otherwise that next ``$`` is the next candidate opener. Splitting at ``$`` does the same.
    """
    out = [pieces[0]]
    k, n = 1, len(pieces)
    while k < n:
        gap = pieces[k]
        if k + 1 < n and 0 < len(gap) <= 400 and "\n" not in gap:
            out.append(_math_region("$" + gap + "$", pieces[k + 1][:1]))
            out.append(pieces[k + 1])
            k += 2
        else:
            out.append("$" + gap)
            k += 1
    return "".join(out)


def _strip_commands(text: str) -> str:
    """``_COMMANDS.sub(" ", text)``: LaTeX commands (and environments, ``<think>`` tags) to spaces.

    Without ``<`` and ``\\begin``/``\\end`` every match is a backslash and its letters, so splitting at
    backslashes does the same; otherwise the regex runs.
    """
    if "<" in text:
        return _COMMANDS.sub(" ", text)
    pieces = text.split("\\")
    out = [pieces[0]]
    for piece in pieces[1:]:
        m = _COMMAND_NAME.match(piece)
        if m is None:
            out.append("\\" + piece)
        elif _ENV_NAME.match(piece):
            return _COMMANDS.sub(" ", text)
        else:
            out.append(" " + piece[m.end() :])
    return "".join(out)


def strip_math(text: str) -> str:
    """Clean text (:func:`pipeline.measure.text.clean_text`) with code, LaTeX environments, math regions, LaTeX
    commands and ``<think>`` tags replaced by spaces (``\\text{}`` arguments inside math and environments kept as
    prose; currency pairs ``$5 ... $10`` kept; see docs/metrics.md).

    >>> strip_math("Area $x^2 + \\\\text{five apples}$ \\\\times 2 <think>")
    'Area  five apples    2  '
    >>> strip_math("See `x = 1` [asy]draw(A--B);[/asy] $5 and $10")
    'See     $5 and $10'
    """
    if "`" in text or ("[" in text and "[asy]" in text):
        text = _CODE.sub(" ", text)
    special = "\\" in text and _BACKSLASH_SPECIAL.search(text) is not None  # else only $ delimiters can occur
    if special:
        if "\\begin" in text:
            text = _strip_environments(text)
        if "\\$" in text:
            text = _ESCAPED_DOLLAR.sub(" ", text)
    if special and ("\\(" in text or "\\[" in text):
        text = _MATH_DELIMS.sub(_math_sub, text)
    elif "$" in text:
        pieces = text.split("$")
        if "" in pieces[1:-1]:  # $$
            text = _MATH_DELIMS.sub(_math_sub, text)
        else:
            text = _replace_dollar_math(pieces)
    if "\\" in text or "<" in text:
        text = _strip_commands(text)
    return text


def prepare(completion: object) -> str:
    """:func:`strip_math` of :func:`pipeline.measure.text.clean_text` of ``completion``: what is labelled."""
    return strip_math(clean_text(completion))
