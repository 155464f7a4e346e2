"""GRPO reward functions in TRL form: ``f(completions, **columns) -> list[float]``.

Dataset columns arrive as keyword lists (``answer``, ``lang``, ``id``); TRL 1.16 also passes ``log_extra``
(per-completion columns of the completions parquet) and ``log_metric`` (batch scalars). Completions may be
strings or chat messages. Any completion text gives a defined reward; configuration errors (missing
``answer``/``lang`` column, unknown language code) raise a clear error instead.

Rewards (definitions in docs/metrics.md):

* ``accuracy``: 1.0 if the extracted answer equals the gold answer else 0.0. An unparseable gold answer
  gives 0.0 (never ``None``, never a silent 1.0) and is counted in ``accuracy/gold_unparseable``.
* ``format``: 1.0 if an anchored final answer (``\\boxed{}``, ``####``, answer phrase) was found.
* ``lang_consistency``: from the CoT's word composition; variants ``proportional`` (target_share),
  ``threshold`` (1.0 if target_share >= tau) and ``en_penalty`` (-en_share). The trainer multiplies by the
  weight from :func:`build_reward_funcs`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.measure.answers import check_answer, gold_parseable
from pipeline.measure.composition import Composition, cot_compositions
from pipeline.languages import get_language

__all__ = [
    "LC_VARIANTS",
    "AccuracyReward",
    "FormatReward",
    "LanguageConsistencyReward",
    "accuracy_reward",
    "build_reward_funcs",
    "format_reward",
    "lc_value",
    "make_language_reward",
]

LC_VARIANTS = ("proportional", "threshold", "en_penalty")
COMPOSITION_COLUMNS = (
    "target_share",
    "en_share",
    "other_share",
    "other_lang",
    "n_words",
    "first_switch_word",
    "first_switch_frac",
)


def _per_item(values: Any, n: int, column: str, required: bool) -> list[Any]:
    """Broadcast a scalar column value to ``n`` items; check a list's length."""
    if values is None:
        if required:
            raise ValueError(
                f"reward function needs the dataset column {column!r}; keep it in the GRPO dataset "
                "(GRPOConfig(remove_unused_columns=False)) or pass it explicitly"
            )
        return [None] * n
    if isinstance(values, str) or not isinstance(values, Sequence):
        return [values] * n
    values = list(values)
    if len(values) != n:
        raise ValueError(f"reward column {column!r} has {len(values)} values for {n} completions")
    return values


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


class AccuracyReward:
    """1.0 for a correct final answer, 0.0 otherwise (also 0.0, counted, for an unparseable gold answer)."""

    def __init__(self, last_number_fallback: bool = False, name: str = "accuracy") -> None:
        self.last_number_fallback = bool(last_number_fallback)
        self.__name__ = name

    def __call__(self, completions: Sequence[Any], answer: Any = None, lang: Any = None, **kwargs: Any):
        n = len(completions)
        golds = _per_item(answer, n, "answer", required=True)
        langs = _per_item(lang, n, "lang", required=False)
        rewards: list[float] = []
        correct: list[bool] = []
        preds: list[str | None] = []
        format_ok: list[bool] = []
        n_bad_gold = 0
        gold_cache: dict[str, bool] = {}
        for comp, gold, code in zip(completions, golds, langs, strict=True):
            gold_s = "" if gold is None else str(gold)
            if gold_s not in gold_cache:
                gold_cache[gold_s] = gold_parseable(gold_s)
            check = check_answer(comp, gold_s, code, self.last_number_fallback)
            if not gold_cache[gold_s]:
                n_bad_gold += 1
            rewards.append(1.0 if check.correct and gold_cache[gold_s] else 0.0)
            correct.append(bool(check.correct and gold_cache[gold_s]))
            preds.append(check.pred)
            format_ok.append(check.format_ok)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            log_extra("correct", correct)
            log_extra("pred_answer", preds)
            log_extra("format_ok", format_ok)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            log_metric("accuracy/gold_unparseable", float(n_bad_gold))
            log_metric("accuracy/format_ok", _mean([float(x) for x in format_ok]))
        return rewards


class FormatReward:
    """1.0 when the completion states an anchored final answer (boxed, ``####`` or answer phrase)."""

    def __init__(self, name: str = "format") -> None:
        self.__name__ = name

    def __call__(self, completions: Sequence[Any], lang: Any = None, **kwargs: Any) -> list[float]:
        langs = _per_item(lang, len(completions), "lang", required=False)
        return [
            1.0 if check_answer(c, "0", code).format_ok else 0.0
            for c, code in zip(completions, langs, strict=True)
        ]


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
    """Language-consistency reward of the CoT (``cot_text``) measured per word against the target language."""

    def __init__(
        self,
        variant: str = "proportional",
        tau: float = 0.9,
        target: str | None = None,
        name: str = "lang_consistency",
    ) -> None:
        if variant not in LC_VARIANTS:
            raise ValueError(f"unknown lc_variant {variant!r}; choose one of {', '.join(LC_VARIANTS)}")
        if not (isinstance(tau, (int, float)) and 0.0 <= float(tau) <= 1.0):
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
        langs = [self.target] * n if self.target else _per_item(lang, n, "lang", required=True)
        return cot_compositions(completions, langs)

    def __call__(self, completions: Sequence[Any], lang: Any = None, **kwargs: Any) -> list[float]:
        comps = self.compositions(completions, lang)
        rewards = [lc_value(c, self.variant, self.tau) for c in comps]
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            for column in COMPOSITION_COLUMNS:
                log_extra(column, [getattr(c, column) for c in comps])
        log_metric = kwargs.get("log_metric")
        if callable(log_metric) and comps:
            counted = [c for c in comps if c.n_words > 0]
            log_metric("lang/target_share", _mean([c.target_share for c in counted]))
            log_metric("lang/en_share", _mean([c.en_share for c in counted]))
            log_metric("lang/other_share", _mean([c.other_share for c in counted]))
            log_metric("lang/switched_frac", _mean([float(c.first_switch_word is not None) for c in counted]))
            log_metric("lang/no_words", float(len(comps) - len(counted)))
        return rewards


def accuracy_reward(
    completions: Sequence[Any], answer: Any = None, lang: Any = None, **kwargs: Any
) -> list[float]:
    """TRL accuracy reward (strict extraction; see :class:`AccuracyReward`)."""
    return AccuracyReward(last_number_fallback=bool(kwargs.pop("last_number_fallback", False)))(
        completions, answer, lang, **kwargs
    )


def format_reward(completions: Sequence[Any], lang: Any = None, **kwargs: Any) -> list[float]:
    """TRL format reward (see :class:`FormatReward`)."""
    return FormatReward()(completions, lang, **kwargs)


def make_language_reward(
    variant: str = "proportional", tau: float = 0.9, target: str | None = None
) -> Callable[..., list[float]]:
    """A language-consistency reward function named ``lang_consistency`` (TRL uses ``__name__``).

    ``target`` fixes the language; by default each item's ``lang`` column is the target.
    """
    return LanguageConsistencyReward(variant=variant, tau=tau, target=target)


_SPEC_DEFAULTS: dict[str, Any] = {
    "accuracy_weight": 1.0,
    "format_weight": 0.0,
    "lc_weight": 0.0,
    "lc_variant": "proportional",
    "lc_tau": 0.9,
    "lc_target": None,
    "last_number_fallback": False,
}


def build_reward_funcs(spec: dict[str, Any]) -> tuple[list[Callable[..., list[float]]], list[float]]:
    """Reward functions and weights for ``GRPOTrainer(reward_funcs=)`` / ``GRPOConfig(reward_weights=)``.

    Always returns ``[accuracy, format, lang_consistency]`` (names as logged by TRL) with weights
    ``[accuracy_weight, format_weight, lc_weight]``; a 0.0 weight means computed and logged, not trained on.
    Spec keys (defaults): ``accuracy_weight`` (1.0), ``format_weight`` (0.0), ``lc_weight`` (0.0),
    ``lc_variant`` (``proportional``), ``lc_tau`` (0.9), ``lc_target`` (None: the ``lang`` column),
    ``last_number_fallback`` (False).
    """
    if not isinstance(spec, dict):
        raise TypeError(f"reward spec must be a dict, got {type(spec).__name__}")
    unknown = sorted(set(spec) - set(_SPEC_DEFAULTS))
    if unknown:
        raise ValueError(f"reward spec: unknown keys {unknown}; allowed keys: {', '.join(_SPEC_DEFAULTS)}")
    cfg = {**_SPEC_DEFAULTS, **{k: v for k, v in spec.items() if v is not None or k == "lc_target"}}
    weights = []
    for key in ("accuracy_weight", "format_weight", "lc_weight"):
        value = cfg[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"reward spec: {key} must be a finite number, got {value!r}")
        weights.append(float(value))
    if not any(weights):
        raise ValueError("reward spec: all weights are 0.0, GRPO would get no signal; set accuracy_weight")
    if not isinstance(cfg["last_number_fallback"], bool):
        raise ValueError(
            f"reward spec: last_number_fallback must be true/false, got {cfg['last_number_fallback']!r}"
        )
    funcs: list[Callable[..., list[float]]] = [
        AccuracyReward(last_number_fallback=cfg["last_number_fallback"]),
        FormatReward(),
        LanguageConsistencyReward(variant=cfg["lc_variant"], tau=cfg["lc_tau"], target=cfg["lc_target"]),
    ]
    return funcs, weights
