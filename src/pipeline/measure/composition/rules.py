"""The rule table of word-level language composition: every labelling rule of docs/metrics.md as data.

Both labelling paths read it: :mod:`.tokens` builds the token scanner from :data:`SCRIPTS`, :mod:`.reference`
labels the scanner's tokens with it, and :mod:`.fast_tables` generates the byte tables of the fast path from it.
A rule is edited here once; ``tests/unit/measure/test_composition_rules.py`` checks that the fast tables agree.

The scanner tries, at each position: a run of :data:`SENTENCE_BREAKS` (neutral, ends a sentence), a number
(:data:`NUMBER_CHARS` with at least one of :data:`DIGITS`, neutral), then the classes of :data:`SCRIPTS` in
order. Everything else (spaces, punctuation, symbols, combining marks) is neutral. Before scanning, code blocks,
LaTeX environments other than :data:`PROSE_ENVIRONMENTS` and math regions are removed (:mod:`.tokens`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product

__all__ = [
    "APOSTROPHES",
    "DIGITS",
    "LATIN_FASTTEXT_LANGS",
    "LATIN_FASTTEXT_MIN_SCORE",
    "NEUTRAL_CYRILLIC",
    "NEUTRAL_LATIN",
    "NEUTRAL_LATIN_FORMS",
    "NUMBER_CHARS",
    "PROSE_ENVIRONMENTS",
    "RU_ONLY",
    "RU_WORDS",
    "SCRIPTS",
    "SCRIPT_BY_NAME",
    "SENTENCE_BREAKS",
    "UK_ONLY",
    "UK_RU_FASTTEXT_AS_UK",
    "UK_RU_FASTTEXT_TOP_K",
    "UK_WORDS",
    "ZH_FUNCTION_CHARS",
    "Ranges",
    "ScriptClass",
    "japanese_or_korean",
]

Ranges = tuple[tuple[int, int], ...]  # inclusive code-point ranges


@dataclass(frozen=True)
class ScriptClass:
    """One class of the token scanner: which characters, what label, how its words are counted."""

    name: str  # the scanner's group name (a Python identifier)
    ranges: Ranges  # the characters of the class; empty for the catch-all class (``any_letter``)
    label: str | None  # ISO 639-1 code of its words; ``None``: neutral (never counted); ``"cyr"``: uk or ru
    chars_per_word: int = 0  # 0: one word per maximal run; k: one word per k characters of a run (the last shorter)
    joiners: str = ""  # characters that join two runs into one word when a letter of the class follows
    min_chars: int = 1  # shorter runs are neutral (a single Greek letter is a math symbol)
    neutral_words: frozenset[str] = frozenset()  # runs that are neutral (variables, units, function names)
    letters_only: bool = False  # a run with a non-letter (``str.isalpha``) is neutral
    any_letter: bool = False  # catch-all: every other letter or number-like word character (``[^\W\d_]``)


SENTENCE_BREAKS = ".!?;\n\u3002\uff01\uff1f\uff1b"  # also ends the sentences of the Han and uk/ru rules
NUMBER_CHARS: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))  # 18, 3x, km2, 2nd: neutral when with a digit
DIGITS: Ranges = ((0x30, 0x39),)
APOSTROPHES = "'\u2019\u02bc"  # join Latin and Cyrillic runs: don't, м'ячів

# Latin tokens that are math, units or formula names rather than English words (lower-cased).
NEUTRAL_LATIN: frozenset[str] = frozenset(
    """
    kg g mg cm mm km m ml l kl dl lb lbs oz ft sq mph kph kmh hr hrs h min mins sec secs s ms
    sin cos tan cot csc arcsin arccos arctan sinh cosh tanh log ln lg exp lim max min gcd lcm mod
    det deg rad dx dy dz dt cdot frac sqrt boxed text pi usd eur cny krw uah rub jpy
    """.split()
)


def _neutral_latin_forms() -> frozenset[str]:
    """Neutral Latin tokens: single letters, 2-3 capitals (AB, ABC), NEUTRAL_LATIN in lower/Title/UPPER."""
    capitals = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    forms = set(capitals) | {c.lower() for c in capitals}
    forms |= {"".join(p) for p in product(capitals, repeat=2)} | {"".join(p) for p in product(capitals, repeat=3)}
    for w in NEUTRAL_LATIN:
        forms |= {w, w.upper(), w.title()}
    return frozenset(forms)


NEUTRAL_LATIN_FORMS = _neutral_latin_forms()
# Cyrillic unit and currency abbreviations (neutral like Latin units), case-sensitive.
NEUTRAL_CYRILLIC: frozenset[str] = frozenset(
    "кг см мм км мл грн руб коп шт КГ СМ ММ КМ МЛ ГРН РУБ Кг См Мм Км Мл Грн Руб".split()
)

SCRIPTS: tuple[ScriptClass, ...] = (
    ScriptClass(
        "lat",
        ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)),
        "en",  # a sentence's run with a non-ASCII letter: fastText may name another Latin-script language
        joiners=APOSTROPHES,
        neutral_words=NEUTRAL_LATIN_FORMS,
    ),
    ScriptClass("ko", ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)), "ko"),
    ScriptClass(
        "han",
        ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F), (0x3005, 0x3005), (0x3007, 0x3007)),
        "zh",  # or ja / ko by the sentence, the text and the target (Han rules below, :mod:`.han`)
        chars_per_word=1,  # no segmenter: every character is a word
    ),
    ScriptClass(
        "kana",
        ((0x3040, 0x309F), (0x30A0, 0x30FA), (0x30FC, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
        "ja",
        chars_per_word=1,
    ),
    ScriptClass(
        "cyr",
        ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
        "cyr",  # uk or ru: letters, lexicons, sentence and text evidence, fastText (the constants below)
        joiners=APOSTROPHES,
        neutral_words=NEUTRAL_CYRILLIC,
    ),
    ScriptClass("th", ((0x0E00, 0x0E7F),), "th", chars_per_word=4),  # Thai has no spaces
    ScriptClass("el", ((0x0370, 0x03FF), (0x1F00, 0x1FFF)), "el", min_chars=2),  # pi, theta: math symbols
    ScriptClass("ar", ((0x0600, 0x06FF), (0x0750, 0x077F)), "ar"),
    ScriptClass("he", ((0x0590, 0x05FF),), "he"),
    ScriptClass("hi", ((0x0900, 0x097F),), "hi"),
    # superscripts/subscripts and letterlike symbols (², ⁿ, ℃, ℓ, µ): neutral
    ScriptClass("sym", ((0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA), (0x2070, 0x209F), (0x2100, 0x214F)), None),
    # any other letters; a run with a number-like character (½, Ⅻ) is neutral
    ScriptClass("und", (), "und", letters_only=True, any_letter=True),
)
SCRIPT_BY_NAME: dict[str, ScriptClass] = {s.name: s for s in SCRIPTS}

# Ukrainian vs Russian (labels of "cyr" words): letters of one language only decide a word (both: ambiguous) ...
UK_ONLY = frozenset("іїєґІЇЄҐ")
RU_ONLY = frozenset("ыэъёЫЭЪЁ")
# ... and so do frequent words without a telltale letter that exist in only one of the two languages (lower-cased).
# A word form that is also a common word of the other language is left out: та, тому (Russian "that" fem., "to that";
# "тому назад"), кожного (Russian genitive of "кожный", of the skin). Rare homographs stay: Russian коли/буде
# (archaic), як (yak), зараз (colloquial); Ukrainian потом (instrumental of піт, sweat), но (interjection).
# tests/unit/measure/test_composition_rules.py checks the lexicons against hand lists of shared words.
UK_WORDS: frozenset[str] = frozenset(
    """
    отже що щоб це якщо коли як але або його має мають буде будуть можна потрібно кожен кожна
    ще вже цього цей ця отримуємо маємо купує коштує вона воно вони ми ви зараз спочатку
    всього загалом обчислимо знайдемо залишилося тобто
    """.split()
)
RU_WORDS: frozenset[str] = frozenset(
    """
    итак что чтобы это поэтому потом также если когда как но или его имеет имеют будет будут можно нужно
    каждый каждая каждого еще этого этот эта вместе получаем имеем покупает стоит она оно они
    сначала всего значит затем равно вычислим найдем осталось сколько тогда
    """.split()
)
# Han characters (:mod:`.han`): Chinese, or Japanese (kanji) or Korean (hanja) by the sentence, the text and the target.
# Chinese-only evidence is a Han character that is neither Japanese (JIS X 0208, Python's ``shift_jis``) nor Korean
# (KS X 1001, ``euc_kr``): simplified-only forms such as 们 这 说 为 计 简 单, and rare characters; or one of these
# Chinese function characters, which Japanese and Korean use only in rare compounds (是非, 一个月). 的 and 了 are not
# evidence: 目的, 終了 and 完了 are everyday Japanese (and Korean hanja) words.
ZH_FUNCTION_CHARS = frozenset("是个也")


@cache
def japanese_or_korean() -> frozenset[str]:
    """The characters of JIS X 0208 and KS X 1001 (every two-byte code of ``shift_jis`` and ``euc_kr`` decoded)."""
    chars: set[str] = set()
    codecs = (("shift_jis", [*range(0x81, 0xA0), *range(0xE0, 0xF0)], [*range(0x40, 0x7F), *range(0x80, 0xFD)]),
              ("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF)))
    for codec, leads, trails in codecs:
        row = bytes(b for t in trails for b in (0, t, 0x0A))  # lead placeholder, trail byte, newline
        for lead in leads:
            chars.update(row.translate(bytes([lead, *range(1, 256)])).decode(codec, "replace").split("\n"))
    return frozenset(chars - {"", "\ufffd"})


# Without evidence in the sentence or the text: the first of uk/ru in fastText's top k; these count as uk.
UK_RU_FASTTEXT_TOP_K = 20
UK_RU_FASTTEXT_AS_UK = frozenset({"be"})  # Belarusian shares і/ў; closer to Ukrainian for our purpose

# Latin runs with a non-ASCII letter take fastText's top label when it is one of these with at least this score.
LATIN_FASTTEXT_MIN_SCORE = 0.8
LATIN_FASTTEXT_LANGS = frozenset(
    "en fr de es it pt nl sv da no nb nn fi pl cs sk sl hr ro hu tr vi id ms ca gl eu et lv lt is ga cy "
    "sq af sw tl eo la".split()
)

# LaTeX environments whose content is prose; every other ``\begin{X}...\end{X}`` (tabular, align*, array, cases,
# asy, ...) is neutral except its \text{}-style arguments, like a math region (:mod:`.tokens`).
PROSE_ENVIRONMENTS = frozenset(
    """
    document abstract itemize enumerate description quote quotation verse center flushleft flushright minipage
    proof theorem lemma proposition corollary claim definition remark note example exercise problem solution
    """.split()
)
