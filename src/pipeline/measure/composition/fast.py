"""The fast path: the exact composition of a prepared text counted per script on byte views, without the token loop.

:func:`fast_composition` gives what :func:`.result.from_labels` of :func:`.reference.labels_of_prepared` gives, or
``None`` when it cannot be sure (the caller then runs the reference). It applies when the text has only fast
characters (:mod:`.fast_tables`: no kana, no non-ASCII Latin letter, no other script, no Latin word joined by a
non-ASCII apostrophe, no number-like character glued to a letter), no Cyrillic word has letters of both Ukrainian
and Russian, no Cyrillic unit word sits in a text with mixed uk/ru evidence, and no sentence with Hangul has Han
characters without Chinese-only evidence (hanja, :mod:`.han`).

Counting works on views of the UTF-8 text that keep one byte per character at the character's index
(``bytes.translate``/``split``/``count``) instead of one Python object per word: a script view (one class byte per
character), a Latin view (letters, digits, apostrophes) and a lower-cased Cyrillic view. Hangul, Han and Greek are
counted from the script view by their rule (runs, characters, minimum length); Cyrillic words get one label for
the whole text when its evidence is one-sided, else a label per sentence (:func:`cyrillic_runs`) with the
decisions of :mod:`.cyrillic` that the reference makes. Han characters get one label for the whole text
(:func:`han_text_label`, the decisions of :mod:`.han`).
"""

from __future__ import annotations

import re

from pipeline.measure.composition.cyrillic import (
    AMBIGUOUS,
    RU_LETTERS_LOWER,
    UK_LETTERS_LOWER,
    sentence_label,
    word_evidence,
)
from pipeline.measure.composition.fast_latin import latin_count, latin_first, latin_tokens
from pipeline.measure.composition.fast_tables import (
    ASCII_BREAK,
    BAR_TO_SPACE,
    BREAK_CHAR,
    CONTINUATION,
    CYR_LEXICON_B,
    CYR_VIEW,
    CYR_WORD,
    FAST_CLASSES,
    FAST_CODES,
    LATIN_APOSTROPHE_JOIN,
    LATIN_VIEW,
    LONE_APOSTROPHE,
    NEUTRAL_CYRILLIC_LOW_B,
    NON_ASCII_APOSTROPHES,
    NON_ASCII_BREAKS_UTF8,
    NON_CYRILLIC_MB,
    NOT_FAST,
    NUMBER_GLUED,
    NUMBER_GLUED_LEADS,
    ONLY,
    RU_WORDS_B,
    SCRIPT_TABLE,
    SURE_FAST_BYTES,
    UK_WORDS_B,
)
from pipeline.measure.composition.han import has_zh_evidence
from pipeline.measure.composition.result import EMPTY, Composition, from_counts
from pipeline.measure.composition.rules import NEUTRAL_CYRILLIC, SCRIPT_BY_NAME, UK_ONLY

__all__ = ["cyrillic_runs", "cyrillic_view", "fast_composition", "han_text_label"]

_LAT, _CYR, _HAN, _KO = "lat", "cyr", "han", "ko"
_LAT_CODE, _CYR_CODE, _HAN_CODE, _KO_CODE = FAST_CODES[_LAT], FAST_CODES[_CYR], FAST_CODES[_HAN], FAST_CODES[_KO]
_LABEL = {name: SCRIPT_BY_NAME[name].label for name in FAST_CLASSES if name != _CYR}


def _simple_mode(name: str) -> tuple[str, re.Pattern | None]:
    """How a class without joiners is counted from the script view: ``chars``, ``runs`` or ``regex`` (runs of a
    minimum length, or several characters per word)."""
    s = SCRIPT_BY_NAME[name]
    if s.min_chars <= 1 and s.chars_per_word == 1:
        return "chars", None
    if s.min_chars <= 1 and s.chars_per_word == 0:
        return "runs", None
    return "regex", re.compile(re.escape(FAST_CODES[name]) + b"{%d,}" % max(1, s.min_chars))


# (class, script-view byte, mode, run pattern, characters per word) of Hangul, Han and Greek
_SIMPLE = [(n, FAST_CODES[n], *_simple_mode(n), SCRIPT_BY_NAME[n].chars_per_word) for n in FAST_CLASSES
           if n not in (_LAT, _CYR)]
_MODES = {name: mode for name, _code, mode, _pattern, _per_word in _SIMPLE}


def _has_any(haystack: str | bytes, needles: tuple) -> bool:
    """Whether one of ``needles`` is in ``haystack`` (``in`` is a fast substring search, unlike a regex class)."""
    for needle in needles:
        if needle in haystack:
            return True
    return False


_UK_LETTERS_B = tuple(c.encode() for c in UK_LETTERS_LOWER)
_RU_LETTERS_B = tuple(c.encode() for c in RU_LETTERS_LOWER)


def cyrillic_view(lowered: str, n_cyr: int) -> bytes:
    """UTF-8 view of ``lowered`` holding only its Cyrillic words (:data:`.fast_tables.CYR_WORD`), separated by
    spaces, and its sentence breaks as ``|``.

    ``lowered`` is lower-cased text of fast characters (``lower()`` keeps each in its script), with apostrophes
    as ``'`` and ``n_cyr`` Cyrillic characters (2 UTF-8 bytes each).
    """
    low = lowered.encode("utf-8")
    if len(low) != len(lowered) + n_cyr:  # multi-byte characters other than Cyrillic
        for brk in NON_ASCII_BREAKS_UTF8:
            if brk in low:
                low = low.replace(brk, b".")
        low = NON_CYRILLIC_MB.sub(b" ", low)
    view = low.translate(CYR_VIEW)
    if b"'" in view:
        view = LONE_APOSTROPHE.sub(b" ", view)
    return view


def _cyr_words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Counted Cyrillic words of ``text[start:end]`` (neutral unit words dropped)."""
    words = CYR_WORD.findall(text, start, len(text) if end is None else end)
    if not NEUTRAL_CYRILLIC.isdisjoint(words):
        words = [w for w in words if w not in NEUTRAL_CYRILLIC]
    return words


def _cyr_first(text: str, start: int = 0, end: int | None = None) -> int:
    """Character index of the first counted Cyrillic word of ``text[start:end]`` (there is one)."""
    for m in CYR_WORD.finditer(text, start, len(text) if end is None else end):
        if m.group() not in NEUTRAL_CYRILLIC:
            return m.start()
    raise AssertionError("no counted Cyrillic word")


# A run of Cyrillic words with one label: [start, end, label, n_words, first_word_index or -1 = not yet looked
# up]. ``start:end`` is a sentence (or one word); the run's words are the counted Cyrillic words in it.
_Run = list


def cyrillic_runs(text: str, view: bytes) -> list[_Run] | None:
    """Cyrillic words labelled uk/ru sentence by sentence, as the reference labels them.

    ``view`` is :func:`cyrillic_view` of ``text`` (which has no neutral Cyrillic word). A sentence whose words
    carry evidence for one side only is one run; a sentence with evidence for both sides is one run per word; a
    sentence without evidence follows :func:`.cyrillic.sentence_label`. ``None`` when a word has letters of both
    languages (left to the token-level path: such a word is no evidence for the reference).
    """
    breaks = [m.start() for m in BREAK_CHAR.finditer(text)]  # view.split(b"|") pieces lie between these
    sentences: list[tuple[int, int, int, bool, bool]] = []  # (start, end, n_words, has_uk, has_ru)
    doc_uk = doc_ru = False
    for i, piece in enumerate(view.split(b"|")):
        words = piece.split()
        if not words:
            continue
        has_uk = _has_any(piece, _UK_LETTERS_B) or not UK_WORDS_B.isdisjoint(words)
        has_ru = _has_any(piece, _RU_LETTERS_B) or not RU_WORDS_B.isdisjoint(words)
        doc_uk |= has_uk
        doc_ru |= has_ru
        start = breaks[i - 1] + 1 if i else 0
        sentences.append((start, breaks[i] if i < len(breaks) else len(text), len(words), has_uk, has_ru))
    runs: list[_Run] = []
    for a, b, n, has_uk, has_ru in sentences:
        if has_uk and has_ru:  # word by word; words without evidence follow the sentence rule
            code = None
            for m in CYR_WORD.finditer(text, a, b):
                w = m.group()
                lab = word_evidence(w)
                if lab == AMBIGUOUS:
                    if not UK_ONLY.isdisjoint(w):
                        return None  # letters of both languages in one word
                    code = code or sentence_label(True, True, doc_uk, doc_ru, lambda a=a, b=b: _cyr_words(text, a, b))
                    lab = code
                runs.append([m.start(), m.end(), lab, 1, m.start()])
            continue
        label = sentence_label(has_uk, has_ru, doc_uk, doc_ru, lambda a=a, b=b: _cyr_words(text, a, b))
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


_BAR = ASCII_BREAK.encode()
_NOT_KO_HAN_BAR = bytes(sorted(set(range(256)) - {_KO_CODE[0], _HAN_CODE[0], _BAR[0]}))


def _hangul_han_sentences(text: str, scripts: bytes) -> list[tuple[int, int]]:
    """Character spans of the sentences with both Hangul and Han of fast ``text`` (``scripts``: its script view)."""
    compact = scripts.translate(None, _NOT_KO_HAN_BAR)  # a stretch between ASCII breaks with both has KH or HK
    if _KO_CODE + _HAN_CODE not in compact and _HAN_CODE + _KO_CODE not in compact:
        return []
    spans, start = [], 0
    for piece in scripts.split(_BAR):
        end = start + len(piece)
        if _KO_CODE in piece and _HAN_CODE in piece:  # split the stretch at the other sentence breaks
            cuts = [start - 1, *(m.start() for m in BREAK_CHAR.finditer(text, start, end)), end]
            for a, b in zip(cuts, cuts[1:], strict=False):
                if _KO_CODE in scripts[a + 1 : b] and _HAN_CODE in scripts[a + 1 : b]:
                    spans.append((a + 1, b))
        start = end + 1
    return spans


def han_text_label(text: str, scripts: bytes, target: str) -> str | None:
    """The one label of the Han characters of prepared ``text`` of fast characters (``scripts``: its script view),
    or ``None`` when they differ by sentence.

    Fast text has no kana, so :func:`.han.han_label` gives ``zh`` to Han in a sentence with Chinese-only evidence;
    ``ko`` in a sentence with Hangul otherwise (``None``: left to the token-level path); and else ``ja`` for a
    Japanese target when the text has no Chinese-only evidence, else ``zh``.
    """
    if _KO_CODE in scripts:
        for start, end in _hangul_han_sentences(text, scripts):
            if not has_zh_evidence(text, start, end):
                return None
    if target == "ja" and not has_zh_evidence(text):
        return "ja"
    return "zh"


def _glued_number(residue: bytes, text: str) -> bool:
    for lead in NUMBER_GLUED_LEADS:
        if lead in residue:
            return NUMBER_GLUED.search(text) is not None
    return False


def fast_composition(text: str, target: str) -> Composition | None:
    """Exact composition of prepared ``text`` without the token loop, or ``None`` (token-level path needed)."""
    plain = text
    for apostrophe in NON_ASCII_APOSTROPHES:
        if apostrophe in text:
            if LATIN_APOSTROPHE_JOIN.search(text):
                return None  # a Latin word with a non-ASCII letter: the reference asks fastText about its sentence
            plain = plain.replace(apostrophe, "'")  # the same apostrophe for every rule of the fast path
    encoded = plain.encode("utf-8")
    # most lead bytes start only fast characters whatever follows them
    residue = encoded.translate(None, SURE_FAST_BYTES)
    if residue and (NOT_FAST.search(text) or _glued_number(residue, text)):
        return None
    # one byte per character naming its class: counts and positions without regex passes
    scripts = encoded.translate(SCRIPT_TABLE, CONTINUATION)
    label = dict(_LABEL)
    if _HAN_CODE in scripts:
        han = han_text_label(text, scripts, target)
        if han is None:
            return None
        label[_HAN] = han
    counts: dict[str, int] = {}
    latin = latin_split = None
    views: dict[str, object] = {}  # per simple class: its view (chars, runs) or [(start, n_words), ...] (regex)
    runs: list[_Run] | None = None
    if _LAT_CODE in scripts:
        latin = encoded.translate(LATIN_VIEW, CONTINUATION)
        latin_split = latin_tokens(latin)
        counts[_LAT] = latin_count(latin, latin_split)
    for name, code, mode, pattern, per_word in _SIMPLE:
        if code not in scripts:
            continue
        if mode == "chars":
            views[name] = scripts
            counts[name] = scripts.count(code)
        elif mode == "runs":
            views[name] = view = b" " + scripts.translate(ONLY[code])
            counts[name] = view.count(b" " + code)
        else:
            found = [(m.start(), -(-(m.end() - m.start()) // per_word) if per_word else 1)
                     for m in pattern.finditer(scripts)]
            views[name] = found
            counts[name] = sum(k for _s, k in found)
    if _CYR_CODE in scripts:
        lowered = plain.lower()
        view = cyrillic_view(lowered, scripts.count(_CYR_CODE))
        cyr_words = view.translate(BAR_TO_SPACE)
        words = cyr_words.split()
        lexical = CYR_LEXICON_B.intersection(words)  # unit, Ukrainian and Russian words present
        neutral = not NEUTRAL_CYRILLIC_LOW_B.isdisjoint(lexical)
        if neutral:  # maybe unit words (case-sensitive): the exact list
            words = [w.lower().encode("utf-8") for w in _cyr_words(text)]
        if words:
            has_uk = _has_any(lowered, UK_LETTERS_LOWER) or not UK_WORDS_B.isdisjoint(lexical)
            has_ru = _has_any(lowered, RU_LETTERS_LOWER) or not RU_WORDS_B.isdisjoint(lexical)
            if has_uk != has_ru:  # one-sided evidence in the whole text: every Cyrillic word takes that side
                counts[_CYR] = len(words)
                label[_CYR] = "uk" if has_uk else "ru"
            else:
                runs = None if neutral else cyrillic_runs(text, view)
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
        if cls == _LAT:
            return latin_first(latin, latin_split)
        if cls in views:
            mode, code, view = _MODES[cls], FAST_CODES[cls], views[cls]
            if mode == "chars":
                return view.find(code)
            return view.find(code) - 1 if mode == "runs" else view[0][0]
        if cls == _CYR:
            return _cyr_first(text)
        return _runs_first(runs, cls, text)

    def count_before(cls: str, pos: int) -> int:
        if cls == _LAT:
            prefix = latin[:pos]
            return latin_count(prefix, latin_tokens(prefix))
        if cls in views:
            mode, code, view = _MODES[cls], FAST_CODES[cls], views[cls]
            if mode == "chars":
                return view.count(code, 0, pos)
            if mode == "runs":
                return view.count(b" " + code, 0, pos + 1)
            return sum(k for start, k in view if start < pos)
        if cls == _CYR:
            if neutral or len(cyr_words) != len(encoded):
                return len(_cyr_words(text, 0, pos))
            # the view is byte-aligned with the text: ASCII characters 1 byte, Cyrillic 2
            return len(cyr_words[: pos + scripts.count(_CYR_CODE, 0, pos)].split())
        return _runs_before(runs, cls, text, pos)

    target_cls = next((c for c in counts if label[c] == target), None)
    n_target = counts[target_cls] if target_cls else 0
    n_en = counts.get(_LAT, 0) if target != "en" else 0
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
    return from_counts(n, n_target, n_en, other_lang, first)
