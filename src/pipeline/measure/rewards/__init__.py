"""GRPO reward functions in TRL form, ``f(completions, **columns) -> list[float]``, and the arm's reward set.

Dataset columns arrive as keyword lists (``answer``, ``lang``, ``id``); TRL 1.16 also passes ``log_extra``
(per-completion columns of the completions parquet) and ``log_metric`` (batch scalars). Completions may be
strings or chat messages. Any completion text gives a defined reward; configuration errors (missing
``answer``/``lang`` column, unknown language code) raise a clear error instead. By kind (docs/metrics.md):

* :mod:`.answer`: ``accuracy`` (1.0 for a correct final answer) and ``format`` (1.0 for an anchored one);
* :mod:`.consistency`: ``lang_consistency``, from the word composition of the chain of thought, in the variants
  ``proportional``, ``threshold`` and ``en_penalty``.

:func:`build_reward_funcs` turns an arm's reward spec (``pipeline.settings.Settings.reward``) into the functions
and weights TRL takes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pipeline.measure.rewards.answer import AccuracyReward, FormatReward
from pipeline.measure.rewards.consistency import LC_VARIANTS, LanguageConsistencyReward, lc_value

__all__ = ["LC_VARIANTS", "SPEC_KEYS", "AccuracyReward", "FormatReward", "LanguageConsistencyReward",
           "build_reward_funcs", "lc_value"]

# The keys of a reward spec (the config's ``reward`` section merged with an arm's reward fields; their defaults are
# the config schema's). ``lc_target`` (fix the target language instead of each item's ``lang``) is optional.
SPEC_KEYS = ("accuracy_weight", "format_weight", "lc_weight", "lc_variant", "lc_tau", "last_number_fallback")
WEIGHT_KEYS = ("accuracy_weight", "format_weight", "lc_weight")


def build_reward_funcs(spec: dict[str, Any]) -> tuple[list[Callable[..., list[float]]], list[float]]:
    """Reward functions and weights for ``GRPOTrainer(reward_funcs=)`` / ``GRPOConfig(reward_weights=)``.

    Always ``[accuracy, format, lang_consistency]`` (the names TRL logs) with weights ``[accuracy_weight,
    format_weight, lc_weight]``; a 0.0 weight means computed and logged, not trained on.

    >>> spec = {"accuracy_weight": 1.0, "format_weight": 0.0, "lc_weight": 0.5, "lc_variant": "proportional",
    ...         "lc_tau": 0.9, "last_number_fallback": False}
    >>> funcs, weights = build_reward_funcs(spec)
    >>> [f.__name__ for f in funcs], weights
    (['accuracy', 'format', 'lang_consistency'], [1.0, 0.0, 0.5])
    """
    if not isinstance(spec, dict):
        raise TypeError(f"reward spec must be a dict, got {type(spec).__name__}")
    unknown = sorted(set(spec) - set(SPEC_KEYS) - {"lc_target"})
    if unknown:
        raise ValueError(f"reward spec: unknown keys {unknown}; allowed keys: {', '.join(SPEC_KEYS)}, lc_target")
    missing = [k for k in SPEC_KEYS if k not in spec]
    if missing:
        raise ValueError(f"reward spec: missing keys {missing}; pass the config's reward section "
                         "(pipeline.settings.Settings.reward), whose defaults the config schema fills in")
    weights = []
    for key in WEIGHT_KEYS:
        value = spec[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"reward spec: {key} must be a finite number, got {value!r}")
        weights.append(float(value))
    if not any(weights):
        raise ValueError("reward spec: all weights are 0.0, GRPO would get no signal; set accuracy_weight")
    if not isinstance(spec["last_number_fallback"], bool):
        raise ValueError(
            f"reward spec: last_number_fallback must be true/false, got {spec['last_number_fallback']!r}")
    funcs: list[Callable[..., list[float]]] = [
        AccuracyReward(last_number_fallback=spec["last_number_fallback"]),
        FormatReward(),
        LanguageConsistencyReward(variant=spec["lc_variant"], tau=spec["lc_tau"], target=spec.get("lc_target")),
    ]
    return funcs, weights
