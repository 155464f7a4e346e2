"""Every counted word of a chain of thought with its language label, placed in the text the page shows.

The labels are the composition code's own: :func:`pipeline.measure.composition.reference.labels_of_prepared` on
the text :func:`pipeline.measure.composition.cot_compositions` measures (``strip_math(cot_text(completion,
lang))``), so their shares are the stored ``target_share`` / ``en_share`` / ``first_switch_word``
(:func:`pipeline.measure.composition.result.from_labels`). Nothing here labels a word; this module only finds
where each labelled word stands in the CoT as displayed (with its math and LaTeX, which the measurement removes).

Placement: the labelled words are, in order, tokens of the prepared text (the scanner
:data:`pipeline.measure.composition.tokens.TOKEN_RE`, Han/kana/Thai runs split as the rule table says), so each is
found exactly there; the prepared text's tokens are then aligned to the displayed text's tokens (difflib on token
strings), which maps every word to its characters in the displayed CoT even when a removed formula holds the same
word (``\\right)`` before the prose word ``right``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

from pipeline.measure.composition.reference import labels_of_prepared
from pipeline.measure.composition.result import Composition, from_labels
from pipeline.measure.composition.rules import SCRIPTS
from pipeline.measure.composition.tokens import BREAK, TOKEN_RE, strip_math
from pipeline.measure.cot import cot_text

__all__ = ["LabelledCot", "labelled_cot", "place_words", "utf16_index"]

# chars_per_word of every class the scanner names (0: one word per run); sentence breaks are no word
_PIECE = {s.name: s.chars_per_word for s in SCRIPTS} | {"num": 0}

Span = tuple[int, int]
Word = tuple[int, int, str]  # (start, end, ISO code); start = end = -1: not found in the displayed text


@dataclass(frozen=True)
class LabelledCot:
    """A completion's CoT as composition measures it, with every counted word placed and labelled."""

    text: str  # the CoT (pipeline.measure.cot.cot_text): what the page shows
    words: tuple[Word, ...]  # one per counted word, in order (index = counted-word index of first_switch_word)
    composition: Composition  # from_labels of the labels: equals the stored composition of the completion


def labelled_cot(completion: object, lang: str) -> LabelledCot:
    """The CoT of ``completion`` with the composition code's word labels for target language ``lang``.

    >>> c = labelled_cot("먼저 total cost를 $x^2$ 계산합니다.\\n#### 7", "ko")
    >>> c.text
    '먼저 total cost를 $x^2$ 계산합니다.'
    >>> [(c.text[s:e], code) for s, e, code in c.words]
    [('먼저', 'ko'), ('total', 'en'), ('cost', 'en'), ('를', 'ko'), ('계산합니다', 'ko')]
    >>> c.composition.first_switch_word
    1
    """
    text = cot_text(completion, lang)
    prepared = strip_math(text)
    labels = labels_of_prepared(prepared, lang)
    spans = place_words(text, prepared, [w for w, _code in labels])
    words = tuple((s, e, code) for (s, e), (_w, code) in zip(spans, labels, strict=True))
    return LabelledCot(text, words, from_labels([code for _w, code in labels], lang))


def _units(text: str) -> list[tuple[str, int]]:
    """Every scanner token of ``text`` but sentence breaks, runs of split classes cut into their words."""
    out = []
    for m in TOKEN_RE.finditer(text):
        k = _PIECE.get(m.lastgroup or BREAK)
        if k is None:
            continue
        w, start = m.group(), m.start()
        if k and len(w) > k:
            out += [(w[i : i + k], start + i) for i in range(0, len(w), k)]
        else:
            out.append((w, start))
    return out


def _greedy(words: list[str], units: list[tuple[str, int]]) -> list[int | None]:
    """Index in ``units`` of each word: the next unit equal to it (None: none left)."""
    out: list[int | None] = []
    j = 0
    for w in words:
        while j < len(units) and units[j][0] != w:
            j += 1
        out.append(j if j < len(units) else None)
        j += 1
    return out


def place_words(text: str, prepared: str, words: list[str]) -> list[Span]:
    """``(start, end)`` in ``text`` of each labelled word of ``prepared`` (``strip_math(text)``); ``(-1, -1)`` for
    a word not found (none in practice).

    >>> t = "\\\\left( x \\\\right) is on the right"
    >>> [t[s:e] + f"@{s}" for s, e in place_words(t, strip_math(t), ["is", "on", "the", "right"])]
    ['is@17', 'on@20', 'the@23', 'right@27']
    """
    p_units = _units(prepared)
    in_prepared = _greedy(words, p_units)
    if prepared == text:
        return [(-1, -1) if i is None else (p_units[i][1], p_units[i][1] + len(words[k]))
                for k, i in enumerate(in_prepared)]
    t_units = _units(text)
    # autojunk: tokens making up over 1% of a long text anchor no match (difflib stays fast on repetitive text);
    # the words left unaligned take the next equal token of the displayed text
    matcher = SequenceMatcher(None, [u for u, _s in p_units], [u for u, _s in t_units], autojunk=True)
    to_text = {a + i: b + i for a, b, size in matcher.get_matching_blocks() for i in range(size)}
    spans: list[Span] = []
    nxt = 0  # first token of the displayed text after the last placed word
    for w, i in zip(words, in_prepared, strict=True):
        j = None if i is None else to_text.get(i)
        if j is None or j < nxt:
            j = next((k for k in range(nxt, len(t_units)) if t_units[k][0] == w), None)
        if j is None:
            spans.append((-1, -1))
            continue
        spans.append((t_units[j][1], t_units[j][1] + len(w)))
        nxt = j + 1
    return spans

def utf16_index(text: str) -> Callable[[int], int]:
    """Code-point offset in ``text`` -> UTF-16 code-unit offset (JavaScript string indices).

    >>> f = utf16_index("a\\U00020000b")
    >>> f(1), f(2), f(3)
    (1, 3, 4)
    """
    if not text or max(text) <= "\uffff":
        return int
    prefix = list(accumulate((2 if c > "\uffff" else 1 for c in text), initial=0))
    return prefix.__getitem__

