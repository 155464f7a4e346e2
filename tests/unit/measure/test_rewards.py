"""TRL-form reward functions: fixed completions, variants, logging hooks, malformed input, spec validation."""

from __future__ import annotations

import pickle
from collections import defaultdict

import pytest

from pipeline.languages import UnknownLanguageError
from pipeline.measure.composition import COMPOSITION_FIELDS
from pipeline.measure.rewards import (
    LC_VARIANTS,
    AccuracyReward,
    FormatReward,
    LanguageConsistencyReward,
    build_reward_funcs,
)

KO_PURE = "먼저 사과의 개수를 계산합니다.\n3 + 4 = 7\n답은 7입니다."  # CoT: 4 ko words
KO_MIXED = "먼저 total cost를 계산하면 3 + 4 = 7입니다.\n답은 7입니다."  # CoT: 4 ko + 2 en
EN_ONLY = "First we add the numbers.\nThe answer is 8."  # CoT: 5 en words, wrong answer
CHAT = [{"role": "assistant", "content": "<think>사과를 셉니다</think>\n#### 7"}]  # CoT: 2 ko words
MALFORMED = ["", "   \n ", "12 34 56", "\ud800\udc00\ud800", "x " * 50_000, None]
# The default config's reward section (the config schema's defaults): a spec names every key.
SPEC = {"accuracy_weight": 1.0, "format_weight": 0.0, "lc_weight": 0.0, "lc_variant": "proportional", "lc_tau": 0.9,
        "last_number_fallback": False}


class Recorder:
    """Collects what a reward function passes to TRL's ``log_extra`` / ``log_metric``."""

    def __init__(self) -> None:
        self.extra: dict[str, list] = defaultdict(list)
        self.metrics: dict[str, list[float]] = defaultdict(list)

    def log_extra(self, column: str, values: list) -> None:
        self.extra[column].extend(values)

    def log_metric(self, name: str, value: float) -> None:
        self.metrics[name].append(value)


def test_accuracy_reward_fixed_completions_and_logging():
    rec = Recorder()
    completions = [KO_PURE, KO_MIXED, EN_ONLY, CHAT]
    rewards = AccuracyReward()(
        completions,
        answer=["7", "7", "7", "7"],
        lang=["ko"] * 4,
        log_extra=rec.log_extra,
        log_metric=rec.log_metric,
    )
    assert rewards == [1.0, 1.0, 0.0, 1.0]
    assert rec.extra["correct"] == [True, True, False, True]
    assert rec.extra["pred_answer"] == ["7", "7", "8", "7"]
    assert rec.metrics["accuracy/gold_unparseable"] == [0.0]


def test_unparseable_gold_gives_zero_and_is_counted():
    rec = Recorder()
    rewards = AccuracyReward()(
        ["#### 5", "#### 5", "#### 5"], answer=["5", "", None], log_metric=rec.log_metric
    )
    assert rewards == [1.0, 0.0, 0.0]
    assert rec.metrics["accuracy/gold_unparseable"] == [2.0]


def test_accuracy_reward_needs_answer_column():
    with pytest.raises(ValueError, match="'answer'"):
        AccuracyReward()(["#### 5"])


def test_format_reward():
    assert FormatReward()([KO_PURE, "no answer here", CHAT, ""]) == [1.0, 0.0, 1.0, 0.0]


@pytest.mark.parametrize(
    "variant,tau,expected",
    [
        ("proportional", 0.9, [1.0, 4 / 6, 0.0, 1.0]),
        ("threshold", 0.9, [1.0, 0.0, 0.0, 1.0]),
        ("threshold", 0.6, [1.0, 1.0, 0.0, 1.0]),
        ("en_penalty", 0.9, [0.0, -2 / 6, -1.0, 0.0]),
    ],
)
def test_language_reward_variants(variant, tau, expected):
    reward = LanguageConsistencyReward(variant, tau)
    assert reward.__name__ == "lang_consistency"
    values = reward([KO_PURE, KO_MIXED, EN_ONLY, CHAT], lang=["ko"] * 4)
    assert values == pytest.approx(expected, abs=1e-9)


def test_language_reward_logs_composition_columns():
    rec = Recorder()
    reward = LanguageConsistencyReward()
    reward([KO_PURE, KO_MIXED, EN_ONLY, ""], lang="ko", log_extra=rec.log_extra, log_metric=rec.log_metric)
    assert set(rec.extra) == set(COMPOSITION_FIELDS)
    for column in COMPOSITION_FIELDS:
        assert len(rec.extra[column]) == 4, column
    assert rec.extra["n_words"] == [4, 6, 5, 0]
    assert rec.extra["first_switch_word"] == [None, 1, 0, None]
    assert rec.metrics["lang/target_share"] == [pytest.approx((1.0 + 4 / 6 + 0.0) / 3)]
    assert rec.metrics["lang/no_words"] == [1.0]


def test_language_reward_fixed_target_and_missing_lang():
    assert LanguageConsistencyReward(target="en")([EN_ONLY]) == [1.0]
    with pytest.raises(ValueError, match="'lang'"):
        LanguageConsistencyReward()([EN_ONLY])
    with pytest.raises(UnknownLanguageError):
        LanguageConsistencyReward()([EN_ONLY], lang=["xx"])
    with pytest.raises(ValueError, match="lc_variant"):
        LanguageConsistencyReward("bogus")


@pytest.mark.parametrize("variant", LC_VARIANTS)
def test_malformed_completions_get_defined_rewards(variant):
    funcs, _ = build_reward_funcs({**SPEC, "lc_weight": 1.0, "lc_variant": variant})
    n = len(MALFORMED)
    for func in funcs:
        values = func(MALFORMED, answer=["7"] * n, lang=["uk"] * n)
        assert len(values) == n and all(isinstance(v, float) for v in values), func.__name__
    lc = funcs[2](MALFORMED, lang=["uk"] * n)
    assert lc[:4] == [0.0, 0.0, 0.0, 0.0]  # no counted words -> 0.0 for every variant


def test_build_reward_funcs_spec():
    funcs, weights = build_reward_funcs(
        {
            **SPEC,
            "accuracy_weight": 1.0,
            "format_weight": 0.0,
            "lc_weight": 0.5,
            "lc_variant": "threshold",
            "lc_tau": 0.8,
            "last_number_fallback": True,
        }
    )
    assert [f.__name__ for f in funcs] == ["accuracy", "format", "lang_consistency"]
    assert weights == [1.0, 0.0, 0.5]
    assert funcs[0](["so 3 + 4 = 7"], answer=["7"]) == [1.0]  # fallback on
    assert funcs[2]([KO_MIXED], lang=["ko"]) == [0.0]  # 4/6 < 0.8
    # accuracy-only arm still computes (and logs) the LC reward with weight 0.0
    funcs, weights = build_reward_funcs(SPEC)
    assert weights == [1.0, 0.0, 0.0] and funcs[2].__name__ == "lang_consistency"
    assert funcs[0](["so 3 + 4 = 7"], answer=["7"]) == [0.0]  # fallback off by default
    pickle.loads(pickle.dumps(funcs))  # picklable (module-level classes)


@pytest.mark.parametrize(
    "spec,match",
    [
        ({"acc_weight": 1.0}, "unknown keys"),
        ({"lc_weight": None}, "missing keys \\['lc_weight'\\]"),
        ({"accuracy_weight": "1"}, "finite number"),
        ({"accuracy_weight": float("nan")}, "finite number"),
        ({"accuracy_weight": 0.0}, "all weights are 0.0"),
        ({"lc_variant": "gate"}, "lc_variant"),
        ({"lc_tau": 1.5}, "lc_tau"),
        ({"last_number_fallback": "yes"}, "last_number_fallback"),
    ],
)
def test_build_reward_funcs_rejects_bad_specs(spec, match):
    spec = {k: v for k, v in {**SPEC, **spec}.items() if v is not None}
    with pytest.raises(ValueError, match=match):
        build_reward_funcs(spec)
