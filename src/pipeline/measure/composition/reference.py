"""The reference labelling: every counted word of a text with its label, token by token (docs/metrics.md).

:func:`word_labels` is the definition the fast path (:mod:`.fast`) must reproduce exactly. Each token of
:data:`.tokens.TOKEN_RE` is labelled by its class in :mod:`.rules` (neutral words, minimum length, words per
characters), then Han characters are resolved to zh/ja/ko (:mod:`.han`), Cyrillic words to uk/ru
(:mod:`.cyrillic`), and Latin sentences with non-ASCII letters are relabelled by fastText.
"""

from __future__ import annotations

from pipeline.measure.composition.cyrillic import AMBIGUOUS, sentence_label, word_evidence
from pipeline.measure.composition.fasttext import latin_language
from pipeline.measure.composition.han import han_label, has_zh_evidence
from pipeline.measure.composition.rules import SCRIPTS
from pipeline.measure.composition.tokens import BREAK, TOKEN_RE, prepare

__all__ = ["labels_of_prepared", "word_labels"]

_COUNTED = {s.name: s for s in SCRIPTS if s.label is not None}
_CYR_LABELS = frozenset({"uk", "ru", AMBIGUOUS})
_LATIN = "lat"
_LATIN_LABEL = _COUNTED[_LATIN].label
_CYRILLIC = "cyr"
_HAN, _KANA, _HANGUL = "han", "kana", "ko"
_HAN_LABEL = _COUNTED[_HAN].label
if [s.name for s in SCRIPTS if s.label == _HAN_LABEL] != [_HAN]:
    raise ValueError("composition rules: only Han characters may have the Han class's label (zh)")


def word_labels(text: object, target: str | None = None) -> list[tuple[str, str]]:
    """``[(word, ISO code), ...]`` for every counted word of ``text``, in order (neutral tokens dropped).

    This is the reference labelling; :func:`pipeline.measure.composition.composition` takes an exact shortcut
    for most texts. Han and kana characters are one word each; a Thai run is one word per 4 characters. Only the
    labels of Han characters depend on the ``target`` (:func:`.han.han_label`: kanji-only sentences are ``ja`` for
    a Japanese target).

    >>> word_labels("먼저 total cost를 계산하면 x = 3 kg")
    [('먼저', 'ko'), ('total', 'en'), ('cost', 'en'), ('를', 'ko'), ('계산하면', 'ko')]
    >>> word_labels("合計 = 7", "ja"), word_labels("合計 = 7", "zh")
    ([('合', 'ja'), ('計', 'ja')], [('合', 'zh'), ('計', 'zh')])
    """
    return labels_of_prepared(prepare(text), target)


def labels_of_prepared(text: str, target: str | None = None) -> list[tuple[str, str]]:
    """:func:`word_labels` of text already prepared (:func:`.tokens.prepare`)."""
    words: list[str] = []
    labels: list[str] = []
    sent_of: list[int] = []
    sent = 0
    has_cyr = has_nonascii_lat = has_han = False
    sentences_with: dict[str, set[int]] = {_KANA: set(), _HANGUL: set(), _HAN: set()}  # han: Chinese-only evidence
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == BREAK:
            sent += 1
            continue
        script = _COUNTED.get(kind)
        if script is None:
            continue  # numbers and neutral classes
        w = m.group()
        if w in script.neutral_words or len(w) < script.min_chars or (script.letters_only and not w.isalpha()):
            continue  # variables (x, AB), units, function names, single Greek letters, number-like runs
        if kind == _HAN:
            has_han = True
            if has_zh_evidence(w):
                sentences_with[_HAN].add(sent)
        elif kind in sentences_with:
            sentences_with[kind].add(sent)
        label = script.label
        if kind == _LATIN:
            if not w.isascii():
                has_nonascii_lat = True
        elif kind == _CYRILLIC:
            has_cyr = True
            label = word_evidence(w)
        k = script.chars_per_word
        if k and len(w) > k:
            for i in range(0, len(w), k):
                words.append(w[i : i + k])
                labels.append(label)
                sent_of.append(sent)
        else:
            words.append(w)
            labels.append(label)
            sent_of.append(sent)

    if has_han:
        _resolve_han(labels, sent_of, sentences_with, target)
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


def _resolve_han(labels: list[str], sent_of: list[int], sentences_with: dict[str, set[int]],
                 target: str | None) -> None:
    """Label the Han characters of each sentence with :func:`.han.han_label` (only they are ``zh`` so far)."""
    kana, hangul, zh = sentences_with[_KANA], sentences_with[_HANGUL], sentences_with[_HAN]
    label_of: dict[int, str] = {}
    for i, lab in enumerate(labels):
        if lab == _HAN_LABEL:
            s = sent_of[i]
            if s not in label_of:
                label_of[s] = han_label(target, s in kana, s in hangul, s in zh, bool(kana), bool(zh))
            labels[i] = label_of[s]


def _resolve_cyrillic(words: list[str], labels: list[str], sent_of: list[int]) -> None:
    """Label the ambiguous Cyrillic words of each sentence with :func:`.cyrillic.sentence_label`."""
    doc_uk = "uk" in labels
    doc_ru = "ru" in labels
    for idx in _sentence_groups(labels, sent_of, _CYR_LABELS).values():
        if not any(labels[i] == AMBIGUOUS for i in idx):
            continue
        has_uk = any(labels[i] == "uk" for i in idx)
        has_ru = any(labels[i] == "ru" for i in idx)
        code = sentence_label(has_uk, has_ru, doc_uk, doc_ru, lambda idx=idx: [words[i] for i in idx])
        for i in idx:
            if labels[i] == AMBIGUOUS:
                labels[i] = code


def _resolve_latin(words: list[str], labels: list[str], sent_of: list[int]) -> None:
    """Re-label a sentence's Latin run with non-ASCII letters when fastText names another language."""
    for idx in _sentence_groups(labels, sent_of, frozenset({_LATIN_LABEL})).values():
        if all(words[i].isascii() for i in idx):
            continue
        code = latin_language(" ".join(words[i] for i in idx))
        if code != _LATIN_LABEL:
            for i in idx:
                labels[i] = code
