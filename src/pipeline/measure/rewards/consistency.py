"""The language-consistency reward: how much of the chain of thought is in the target language (docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.languages import get_language
from pipeline.measure.composition import COMPOSITION_FIELDS, Composition, cot_compositions
from pipeline.measure.rewards.columns import log_columns, log_metrics, mean, per_item

LC_VARIANTS = ("proportional", "threshold", "en_penalty")


def lc_value(comp: Composition, variant: str = "proportional", tau: float = 0.9) -> float:
    """The language-consistency reward of one composition (unweighted).

    ``proportional``: target_share; ``threshold``: 1.0 if target_share >= tau else 0.0; ``en_penalty``:
    -en_share. A CoT without counted words (empty, equations only) has all shares 0.0, so it gets 0.0.
    """
    if variant == "proportional":
        return float(comp.target_share)
    if variant == "threshold":
        return 1.0 if comp.n_words > 0 and comp.target_share >= tau else 0.0
    if variant == "en_penalty":
        return -comp.en_share if comp.en_share else 0.0
    raise ValueError(f"unknown lc_variant {variant!r}; choose one of {', '.join(LC_VARIANTS)}")


class LanguageConsistencyReward:
    """Language-consistency reward of the CoT (``cot_text``) measured per word against the target language.

    The target is ``target`` when given, else each item's ``lang`` column. Logs every composition field
    (:data:`pipeline.measure.composition.COMPOSITION_FIELDS`) per completion and batch shares as metrics.

    >>> LanguageConsistencyReward()(["먼저 사과를 셉니다.\\n답은 7입니다.", "First count the apples."], lang="ko")
    [1.0, 0.0]
    """

    def __init__(self, variant: str = "proportional", tau: float = 0.9, target: str | None = None,
                 name: str = "lang_consistency") -> None:
        if variant not in LC_VARIANTS:
            raise ValueError(f"unknown lc_variant {variant!r}; choose one of {', '.join(LC_VARIANTS)}")
        if not (isinstance(tau, int | float) and 0.0 <= float(tau) <= 1.0):
            raise ValueError(f"lc_tau must be a number in [0, 1], got {tau!r}")
        if target is not None:
            get_language(target)
        self.variant = variant
        self.tau = float(tau)
        self.target = target
        self.__name__ = name

    def compositions(self, completions: Sequence[Any], lang: Any = None) -> list[Composition]:
        """Compositions of the CoTs of ``completions`` (target: ``self.target`` or the ``lang`` column)."""
        n = len(completions)
        langs = [self.target] * n if self.target else per_item(lang, n, "lang", required=True)
        return cot_compositions(completions, langs)

    def __call__(self, completions: Sequence[Any], lang: Any = None, **kwargs: Any) -> list[float]:
        comps = self.compositions(completions, lang)
        rewards = [lc_value(c, self.variant, self.tau) for c in comps]
        log_columns(kwargs, {field: [getattr(c, field) for c in comps] for field in COMPOSITION_FIELDS})
        if comps:
            counted = [c for c in comps if c.n_words > 0]
            log_metrics(kwargs, {
                "lang/target_share": mean([c.target_share for c in counted]),
                "lang/en_share": mean([c.en_share for c in counted]),
                "lang/other_share": mean([c.other_share for c in counted]),
                "lang/switched_frac": mean([float(c.first_switch_word is not None) for c in counted]),
                "lang/no_words": float(len(comps) - len(counted)),
            })
        return rewards
