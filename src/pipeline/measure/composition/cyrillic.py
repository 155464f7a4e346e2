"""Ukrainian vs Russian: the decisions both labelling paths (:mod:`.reference`, :mod:`.fast`) make, written once.

1. :func:`word_evidence`: a word's own evidence (telltale letters, then the lexicons of :mod:`.rules`);
2. :func:`sentence_label`: the label of a sentence's words without evidence, from the sentence's evidence, else
   the text's, else fastText on the sentence's Cyrillic words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pipeline.measure.composition.fasttext import uk_or_ru
from pipeline.measure.composition.rules import RU_ONLY, RU_WORDS, UK_ONLY, UK_WORDS

__all__ = ["AMBIGUOUS", "RU_LETTERS_LOWER", "UK_LETTERS_LOWER", "sentence_label", "word_evidence"]

AMBIGUOUS = "cyr"  # the label of a Cyrillic word without evidence (or with letters of both languages)
UK_LETTERS_LOWER = tuple(sorted({c.lower() for c in UK_ONLY}))
RU_LETTERS_LOWER = tuple(sorted({c.lower() for c in RU_ONLY}))


def word_evidence(word: str) -> str:
    """``uk`` or ``ru`` when the word itself decides (a telltale letter, else a lexicon word), else ``cyr``.

    >>> word_evidence("їжак"), word_evidence("этот"), word_evidence("отже"), word_evidence("мама")
    ('uk', 'ru', 'uk', 'cyr')
    """
    chars = set(word)
    if chars & UK_ONLY:
        return "uk" if not chars & RU_ONLY else AMBIGUOUS
    if chars & RU_ONLY:
        return "ru"
    low = word.lower()
    return "uk" if low in UK_WORDS else "ru" if low in RU_WORDS else AMBIGUOUS


def sentence_label(has_uk: bool, has_ru: bool, doc_uk: bool, doc_ru: bool, words: Callable[[], Iterable[str]]) -> str:
    """The label of a sentence's Cyrillic words without evidence.

    ``has_uk``/``has_ru``: the sentence has evidence for that language; ``doc_uk``/``doc_ru``: the whole text has;
    ``words()``: the sentence's counted Cyrillic words (called only when fastText decides).

    1. the sentence has evidence for one side only -> that side;
    2. else the whole text has evidence for one side only -> that side;
    3. else fastText on the sentence's Cyrillic words, restricted to uk/ru (:func:`.fasttext.uk_or_ru`).
    """
    if has_uk != has_ru:
        return "uk" if has_uk else "ru"
    if doc_uk != doc_ru:
        return "uk" if doc_uk else "ru"
    return uk_or_ru(" ".join(words()))
