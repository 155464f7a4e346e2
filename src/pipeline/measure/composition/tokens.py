"""Text preparation (math regions, LaTeX commands and ``<think>`` tags to spaces) and the token scanner.

Both labelling paths read :func:`prepare`'s output. :data:`TOKEN_RE` is built from the rule table
(:mod:`.rules`): one alternative per class, tried in order; ``lastgroup`` names the class of a token.
"""

from __future__ import annotations

import re

from pipeline.measure.composition.rules import DIGITS, NUMBER_CHARS, SCRIPT_BY_NAME, SCRIPTS, SENTENCE_BREAKS, Ranges
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
# Math regions and LaTeX commands
# --------------------------------------------------------------------------------------------------

_LATIN = char_class(SCRIPT_BY_NAME["lat"].ranges)
_MATH_DELIMS = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]{1,400}?\$", re.S)
_TEXT_ARG = re.compile(r"\\(?:text|textbf|textit|mbox|mathrm|operatorname)\s*\{([^{}]*)\}")  # prose inside math
_TWO_WORDS = re.compile(f"[{_LATIN}]{{2,}}\\s+[{_LATIN}]{{2,}}")
# LaTeX environments/commands and <think> tags are neutral; removed before tokenising.
_COMMANDS = re.compile(r"\\(?:begin|end)\s*\{[^}]*\}|\\[A-Za-z]+|</?think>", re.I)
# A command name as _COMMANDS matches it (IGNORECASE adds four non-ASCII letters), and environment names.
_COMMAND_NAME = re.compile(r"[A-Za-z]+", re.I)
_ENV_NAME = re.compile(r"begin|end", re.I)


def _math_sub(match: re.Match) -> str:
    return _math_region(match.group(0))


def _math_region(region: str) -> str:
    """A math region replaced by the arguments of its ``\\text{}`` commands (the only prose inside math)."""
    if "\\" not in region:  # no \text{} argument: a formula, or currency when it spans two words
        return region if region[1] != "$" and _TWO_WORDS.search(region) else " "
    is_dollar = region.startswith("$") and not region.startswith("$$")
    if is_dollar and _TWO_WORDS.search(_TEXT_ARG.sub(" ", region)):
        return region  # two dollar signs used as currency ("$2 per egg ... $18"), not a formula
    args = _TEXT_ARG.findall(region)
    return " " + " ".join(args) + " " if args else " "


def _replace_dollar_math(text: str) -> str:
    """``_MATH_DELIMS.sub(_math_sub, text)`` for text whose only delimiters are single ``$`` signs.

    The scanner's ``$...$`` alternative closes at the next ``$`` when the gap is 1-400 characters without
    a newline; otherwise that next ``$`` is the next candidate opener. Splitting at ``$`` does the same.
    """
    pieces = text.split("$")
    out = [pieces[0]]
    k, n = 1, len(pieces)
    while k < n:
        gap = pieces[k]
        if k + 1 < n and 0 < len(gap) <= 400 and "\n" not in gap:
            out.append(_math_region("$" + gap + "$"))
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
    """Clean text (:func:`pipeline.measure.text.clean_text`) with math regions, LaTeX commands and ``<think>``
    tags replaced by spaces (``\\text{}`` arguments inside math kept as prose, see docs/metrics.md).

    >>> strip_math("Area $x^2 + \\\\text{five apples}$ \\\\times 2 <think>")
    'Area  five apples    2  '
    """
    if "\\(" in text or "\\[" in text or "$$" in text:
        text = _MATH_DELIMS.sub(_math_sub, text)
    elif "$" in text:
        text = _replace_dollar_math(text)
    if "\\" in text or "<" in text:
        text = _strip_commands(text)
    return text


def prepare(completion: object) -> str:
    """:func:`strip_math` of :func:`pipeline.measure.text.clean_text` of ``completion``: what is labelled."""
    return strip_math(clean_text(completion))
