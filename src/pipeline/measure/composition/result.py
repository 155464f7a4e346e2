"""The result of a composition measurement (:class:`Composition`) and its computation from word labels."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

__all__ = ["COMPOSITION_FIELDS", "EMPTY", "Composition", "from_labels"]


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


# The field names, in order: the composition columns of rollout and evaluation tables.
COMPOSITION_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Composition))
EMPTY = Composition(0.0, 0.0, 0.0, None, 0, None, None)


def from_labels(labels: Sequence[str], target: str) -> Composition:
    """The composition of counted words with these labels, in text order (the definition, docs/metrics.md).

    >>> from_labels(["ko", "en", "en", "ko", "zh"], "ko")
    Composition(target_share=0.4, en_share=0.4, other_share=0.2, other_lang='zh', n_words=5, first_switch_word=1, \
first_switch_frac=0.2)
    """
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
    return from_counts(n, n_target, n_en, other_lang, first)


def from_counts(n: int, n_target: int, n_en: int, other_lang: str | None, first: int | None) -> Composition:
    """The composition of ``n`` > 0 counted words of which ``n_target`` are in the target language and ``n_en`` in
    English (0 when the target is English), the first non-target word being word ``first`` (None: none)."""
    return Composition(
        target_share=n_target / n,
        en_share=n_en / n,
        other_share=(n - n_target - n_en) / n,
        other_lang=other_lang,
        n_words=n,
        first_switch_word=first,
        first_switch_frac=None if first is None else first / n,
    )
