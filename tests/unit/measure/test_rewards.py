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
    assert set(rec.extra) == {*COMPOSITION_FIELDS, "lc_measured"}
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
    lc = funcs[2](MALFORMED, answer=["7"] * n, lang=["uk"] * n)
    worst = -1.0 if variant == "en_penalty" else 0.0
    assert lc[:3] == [worst] * 3  # no counted words anywhere -> the variant's worst value
    assert lc[3] == 0.0  # one counted word (U+10000, a letter of no supported language): neither target nor English


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


# -- completions without counted CoT words, and the reward zoo ---------------------------------------------------
ANSWER_ONLY_KO = "답은 7입니다."  # no CoT at all: the answer line is judged (2 ko words)
ANSWER_ONLY_EN = "The answer is 7."  # no CoT: judged by its English answer line
NUMBERS_ONLY = "3 + 4 = 7\n#### 7"  # no counted word anywhere


@pytest.mark.parametrize("variant,expected", [
    ("proportional", [1.0, 0.0, 0.0]),
    ("threshold", [1.0, 0.0, 0.0]),
    ("en_penalty", [0.0, -1.0, -1.0]),
])
def test_completion_without_cot_words_is_judged_by_its_answer_line(variant, expected):
    rec = Recorder()
    values = LanguageConsistencyReward(variant)([ANSWER_ONLY_KO, ANSWER_ONLY_EN, NUMBERS_ONLY], lang="ko",
                                                 log_extra=rec.log_extra)
    assert values == pytest.approx(expected)
    assert rec.extra["lc_measured"] == ["completion", "completion", "none"]
    assert rec.extra["n_words"] == [0, 0, 0]  # the logged composition is still the CoT's (what eval measures)


@pytest.mark.parametrize("variant", LC_VARIANTS)
def test_no_variant_pays_more_for_no_words_than_for_target_language_reasoning(variant):
    """The en_penalty dodge (an answer line only, or numbers only) must not beat a Korean CoT under any variant."""
    reward = LanguageConsistencyReward(variant)
    completions = [KO_PURE, ANSWER_ONLY_EN, NUMBERS_ONLY, "", EN_ONLY]
    values = reward(completions, lang="ko", answer=["7"] * 5, prompts=["사과는 모두 몇 개입니까?"] * 5)
    assert all(v <= values[0] for v in values[1:]), values
    assert values[0] > values[4], values  # Korean reasoning beats English reasoning


KO_LONG = "먼저 사과의 개수를 계산해 봅시다. 민수는 사과를 세 개 가지고 있고 네 개를 더 삽니다.\n답은 7입니다."
EN_LONG = "First we count the apples. Minsu has three apples and buys four more.\nThe answer is 7."


def test_trit_gated_reward():
    """TRIT: 1 consistent and correct, 0.1 consistent and wrong, 0 inconsistent, unformatted or repetitive."""
    repetitive = ("사과를 하나씩 세어 보면 모두 일곱 개가 있습니다 그리고 다시 세어 봅니다 " * 30) + "\n답은 7입니다."
    no_anchor = "먼저 사과의 개수를 계산해 봅시다. 모두 일곱 개입니다."
    values = LanguageConsistencyReward("trit_gated")(
        [KO_LONG, KO_LONG, EN_LONG, no_anchor, repetitive], lang="ko", answer=["7", "8", "7", "7", "7"])
    assert values == [1.0, 0.1, 0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="'answer'"):
        LanguageConsistencyReward("trit_gated")([KO_LONG], lang="ko")


def test_same_language_reward_compares_prompt_thinking_and_answer():
    reward = LanguageConsistencyReward("same_language")
    ko_prompt = "민수는 사과를 세 개 가지고 있고 네 개를 더 삽니다. 사과는 모두 몇 개입니까?"
    chat_prompt = [{"role": "system", "content": "Please reason step by step."}, {"role": "user", "content": ko_prompt}]
    think_en = "<think>First we count the apples and add four more.</think>먼저 사과를 셉니다. 답은 7입니다."
    values = reward([KO_LONG, EN_LONG, think_en, KO_LONG], lang="ko",
                    prompts=[ko_prompt, ko_prompt, ko_prompt, chat_prompt])
    assert values == [1.0, 0.0, 0.0, 1.0]  # the chat prompt's English system message is not the question
    assert reward([KO_LONG], lang="ko") == [1.0]  # no prompts: the target is the prompt's language


def test_lang_prob_and_binary_rewards():
    mixed = "먼저 사과의 개수를 계산해 봅시다. 민수는 사과를 세 개 가지고 있습니다. First we count the apples."
    prob = LanguageConsistencyReward("lang_prob")([KO_LONG, EN_LONG, mixed], lang="ko")
    assert prob[0] > 0.99 and prob[1] == 0.0 and 0.0 < prob[2] < 1.0
    assert LanguageConsistencyReward("binary")([KO_LONG, EN_LONG], lang="ko") == [1.0, 0.0]


@pytest.mark.parametrize("variant", LC_VARIANTS)
def test_every_variant_is_selectable_through_the_spec_and_takes_trl_keywords(variant):
    """The TRL call shape: prompts, completions, completion_ids, dataset columns, log hooks."""
    funcs, weights = build_reward_funcs({**SPEC, "lc_weight": 0.5, "lc_variant": variant})
    rec = Recorder()
    lc = funcs[2]
    assert lc.variant == variant and weights[2] == 0.5
    values = lc(prompts=["사과는 몇 개입니까?"] * 2, completions=[KO_LONG, EN_LONG], completion_ids=[[1], [2]],
                answer=["7", "7"], lang=["ko", "ko"], id=["a", "b"], log_extra=rec.log_extra,
                log_metric=rec.log_metric)
    assert len(values) == 2 and values[0] > values[1]
    assert len(rec.extra["lc_measured"]) == 2
