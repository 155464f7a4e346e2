"""Quality checks on one translated text: numbers survive, target language, non-empty, length ratio.

Number matching: numbers of the (English) source are read with English conventions (``80,000`` is one
number, ``(0,3)`` two, ``1.5`` a decimal); the output is read leniently (``80 000``, ``80.000``, ``1,5``
and every bare digit run count), because target languages write numbers differently. Signs are ignored
(``16-3-4`` has no negative numbers) and values compared after normalisation (``1.50`` == ``1.5``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from pipeline.measure.composition import composition

FLAG_EMPTY = "empty"
FLAG_NUMBERS = "numbers_missing"
FLAG_LANGUAGE = "wrong_language"
FLAG_LENGTH = "length_ratio"
FLAG_ERROR = "error"
FLAG_BT_LOW = "backtranslation_low"
FLAG_BT_FAILED = "backtranslation_failed"
QC_FLAGS = (FLAG_EMPTY, FLAG_NUMBERS, FLAG_LANGUAGE, FLAG_LENGTH, FLAG_ERROR, FLAG_BT_LOW, FLAG_BT_FAILED)
# flags that make an item fail QC (back-translation flags are informative only)
FAILING_FLAGS = frozenset({FLAG_EMPTY, FLAG_NUMBERS, FLAG_LANGUAGE, FLAG_LENGTH, FLAG_ERROR})

_SOURCE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_OUTPUT_TOKEN = re.compile(r"\d+(?:[.,'\u00a0\u202f\u2009 ]\d+)*")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class QCSettings:
    """Thresholds of the checks."""

    min_target_share: float = 0.5
    length_ratio: tuple[float, float] = (0.2, 4.0)


@dataclass
class TextQC:
    """QC outcome of one translated text."""

    ok: bool
    flags: list[str] = field(default_factory=list)
    numbers_ok: bool = True
    missing_numbers: list[str] = field(default_factory=list)
    lang_ok: bool = True
    target_share: float | None = None
    length_ratio: float | None = None


def _canon(number: str) -> str:
    try:
        value = Decimal(number).normalize()
    except InvalidOperation:
        return number
    return format(value, "f")


def _ascii_digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def source_numbers(text: str) -> list[str]:
    """Distinct numbers of an English text, normalised, in order of appearance."""
    seen: dict[str, None] = {}
    for m in _SOURCE_TOKEN.finditer(_ascii_digits(text)):
        token = m.group()
        if _THOUSANDS.fullmatch(token):  # 80,000 / 1,234.5
            parts = [token.replace(",", "")]
        else:  # (0,3), 5,90,130, 1.5, 1.2.3
            parts = [p for chunk in token.split(",") for p in
                     ([chunk] if _DECIMAL.fullmatch(chunk) else chunk.split("."))]
        for part in parts:
            seen.setdefault(_canon(part), None)
    return list(seen)


def output_number_readings(text: str) -> set[str]:
    """Every plausible reading of the numbers in a translated text (lenient about separators)."""
    text = _ascii_digits(text)
    readings = {_canon(d) for d in _DIGITS.findall(text)}
    for m in _OUTPUT_TOKEN.finditer(text):
        token = m.group()
        groups = re.split(r"[.,'\u00a0\u202f\u2009 ]", token)
        seps = re.findall(r"[.,'\u00a0\u202f\u2009 ]", token)
        if all(len(g) == 3 for g in groups[1:]):
            readings.add(_canon("".join(groups)))  # every separator a thousands separator
        if seps and seps[-1] in ".," and all(len(g) == 3 for g in groups[1:-1]):
            readings.add(_canon("".join(groups[:-1]) + "." + groups[-1]))  # last separator decimal
        for i in range(len(groups) - 1):  # adjacent pair as a decimal ("1,5" inside a list)
            if seps[i] in ".,":
                readings.add(_canon(groups[i] + "." + groups[i + 1]))
    return readings


def missing_numbers(source: str, output: str) -> list[str]:
    """Numbers of ``source`` with no reading in ``output``."""
    readings = output_number_readings(output)
    return [n for n in source_numbers(source) if n not in readings]


def check_text(source: str, output: str, target: str, settings: QCSettings) -> TextQC:
    """Run all checks on one translated text (an empty ``source`` passes trivially)."""
    if not source.strip():
        return TextQC(ok=True)
    flags: list[str] = []
    if not output.strip():
        return TextQC(ok=False, flags=[FLAG_EMPTY], numbers_ok=False, lang_ok=False, length_ratio=0.0)
    missing = missing_numbers(source, output)
    if missing:
        flags.append(FLAG_NUMBERS)
    comp = composition(output, target)
    lang_ok = comp.n_words == 0 or comp.target_share >= settings.min_target_share
    if not lang_ok:
        flags.append(FLAG_LANGUAGE)
    ratio = len(output.strip()) / len(source.strip())
    low, high = settings.length_ratio
    if not low <= ratio <= high:
        flags.append(FLAG_LENGTH)
    return TextQC(ok=not flags, flags=flags, numbers_ok=not missing, missing_numbers=missing, lang_ok=lang_ok,
                  target_share=comp.target_share if comp.n_words else None, length_ratio=ratio)


def backtranslation_score(source: str, back: str) -> float:
    """Agreement of a back-translation with its source: mean of number recall and a character similarity."""
    numbers = source_numbers(source)
    if numbers:
        readings = output_number_readings(back)
        number_recall = sum(n in readings for n in numbers) / len(numbers)
    else:
        number_recall = 1.0
    similarity = SequenceMatcher(None, " ".join(source.lower().split()), " ".join(back.lower().split()),
                                 autojunk=False).ratio()
    return 0.5 * number_recall + 0.5 * similarity
