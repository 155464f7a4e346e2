"""Word-level language composition of a chain of thought (CoT).

``composition(text, target)`` splits a CoT into words, drops language-neutral tokens (numbers, formulas,
LaTeX, units, punctuation), labels every remaining word with an ISO 639-1 code and returns the shares of
the target language, English and everything else plus the position of the first word that is not in the
target language. The exact definition is in ``docs/metrics.md``.

Labelling is script-first (cheap and decisive where it can be):

* Hangul run -> ``ko`` (one word per Hangul run: Korean separates words with spaces; a particle glued to
  an English word, ``cost를``, splits into ``cost`` = en and ``를`` = ko).
* Han character -> ``ja`` when its sentence has kana, ``zh`` when it has a Chinese-only character (simplified forms
  such as 们 这, 是), ``ko`` when it has Hangul (hanja), ``ja`` for a Japanese target (kanji-only lines such as 合計)
  unless the text is Chinese, else ``zh`` (:mod:`.han`); every Han/kana character is one word (Chinese and
  Japanese have no spaces; no segmenter is used, see docs/metrics.md).
* Cyrillic word -> ``uk`` if it has a Ukrainian-only letter (і ї є ґ), ``ru`` if it has a Russian-only
  letter (ы э ъ ё); the other Cyrillic words of a sentence follow the letter evidence of that sentence, and
  fastText lid.176 decides (uk vs ru) only when the sentence has no evidence or evidence for both.
* Latin word -> ``en``; a sentence's Latin run containing non-ASCII letters (é, ü, ñ ...) is re-labelled by
  fastText when it is confidently another Latin-script language.
* Thai -> ``th`` (one word per 4 Thai characters), Greek/Arabic/Hebrew/Devanagari words -> el/ar/he/hi,
  any other letters -> ``und``.

Code blocks (``[asy]``, fenced, inline), LaTeX environments, math regions and commands are removed first; dollar
signs around amounts (``$5 ... $10``) are currency, not math.

The modules: :mod:`.rules` (the rule table: every class, word list and threshold), :mod:`.tokens` (code, LaTeX and
math removal, the scanner built from the table), :mod:`.fasttext` (the detector), :mod:`.cyrillic` (the uk/ru
decisions), :mod:`.han` (the zh/ja/ko decisions), :mod:`.reference` (the token-level labelling, the definition),
:mod:`.fast_tables`, :mod:`.fast_latin` and :mod:`.fast` (the exact byte-level fast path, its tables generated from
the rule table), :mod:`.result` (:class:`Composition`). CoT extraction is :mod:`pipeline.measure.cot`,
completion -> text :mod:`pipeline.measure.text`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.languages import get_language
from pipeline.measure.composition.fast import fast_composition
from pipeline.measure.composition.fasttext import detect_language
from pipeline.measure.composition.reference import labels_of_prepared, word_labels
from pipeline.measure.composition.result import COMPOSITION_FIELDS, EMPTY, Composition, from_labels
from pipeline.measure.composition.tokens import prepare, strip_math
from pipeline.measure.cot import cot_text
from pipeline.measure.text import as_text

__all__ = [
    "COMPOSITION_FIELDS",
    "EMPTY",
    "Composition",
    "as_text",
    "composition",
    "compositions",
    "cot_compositions",
    "cot_text",
    "detect_language",
    "word_labels",
]


def _composition(prepared: str, target: str) -> Composition:
    fast = fast_composition(prepared, target)
    if fast is not None:
        return fast
    return from_labels([lab for _w, lab in labels_of_prepared(prepared, target)], target)


def composition(text: object, target: str) -> Composition:
    """Language composition of ``text`` measured against the ``target`` ISO 639-1 code.

    Raises :class:`pipeline.languages.UnknownLanguageError` for an unsupported ``target``. Any text
    (empty, numbers only, invalid unicode) gives a defined result; no counted word -> all shares 0.0.

    >>> c = composition("먼저 total cost를 계산하면 3 + 4 = 7입니다.", "ko")
    >>> c.n_words, c.target_share, c.en_share, c.first_switch_word
    (6, 0.6666666666666666, 0.3333333333333333, 1)
    """
    get_language(target)
    return _composition(prepare(text), target)


def compositions(texts: Sequence[object], target: str | Sequence[str]) -> list[Composition]:
    """:func:`composition` for many texts; ``target`` is one code or one code per text."""
    if isinstance(target, str):
        get_language(target)
        targets: Sequence[str] = [target] * len(texts)
    else:
        if len(target) != len(texts):
            raise ValueError(f"compositions: got {len(texts)} texts but {len(target)} target codes")
        for code in set(target):
            get_language(code)
        targets = target
    return [_composition(prepare(t), tg) for t, tg in zip(texts, targets, strict=True)]


def cot_compositions(completions: Sequence[object], target: str | Sequence[str]) -> list[Composition]:
    """:func:`compositions` of the CoT part (:func:`cot_text`) of each completion (str or chat format).

    This is what the lang_consistency reward measures; use it for eval/rollout tables so the numbers match.
    """
    targets = [target] * len(completions) if isinstance(target, str) else list(target)
    if len(targets) != len(completions):
        raise ValueError(f"cot_compositions: {len(completions)} completions but {len(targets)} target codes")
    for code in set(targets):
        get_language(code)
    pairs = zip(completions, targets, strict=True)
    return [_composition(strip_math(cot_text(c, t)), t) for c, t in pairs]
