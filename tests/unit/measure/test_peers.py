"""Peer language metrics (MMATH LCR, PolyMath-style LC, TRIT LC and LC&Acc) against hand-computed values."""

from __future__ import annotations

import pytest

from pipeline.languages import UnknownLanguageError
from pipeline.measure.composition import detect_language
from pipeline.measure.langid import langdetect_probs, langdetect_top
from pipeline.measure.peers import (
    PEER_FIELDS,
    PEER_RATES,
    is_repetitive,
    peer_metrics,
    peer_rates,
    polymath_consistent,
    think_split,
)

KO_THINK = "<think>먼저 사과의 개수를 계산해 봅시다. 민수는 사과를 세 개 가지고 있습니다.</think>"
EN_THINK = "<think>First we count the apples. Minsu has three apples and buys four more.</think>"
KO_ANSWER = "따라서 사과는 모두 일곱 개입니다. 답은 7입니다."
EN_ANSWER = "So there are seven apples in total. The answer is 7."


def test_think_split_follows_mmath():
    """Split at the LAST </think>; the thinking part joins every earlier piece; no tag -> whole text twice."""
    assert think_split("a</think>b</think>c") == ("a b", "c")
    assert think_split(KO_THINK + KO_ANSWER) == (KO_THINK.removesuffix("</think>"), KO_ANSWER)
    assert think_split(" plain text ") == ("plain text", "plain text")
    assert think_split([{"role": "assistant", "content": "x</think>y"}]) == ("x", "y")
    assert think_split(None) == ("", "")


@pytest.mark.parametrize("completion,think,answer", [
    (KO_THINK + KO_ANSWER, "ko", "ko"),
    (EN_THINK + KO_ANSWER, "en", "ko"),  # collapsed thinking, target-language answer
    (KO_THINK + EN_ANSWER, "ko", "en"),
    (KO_ANSWER, "ko", "ko"),  # no </think>: both parts are the whole completion
    ("</think>", None, None),  # empty parts: no label, counted as inconsistent
])
def test_mmath_labels(completion, think, answer):
    m = peer_metrics(completion, "ko", format_ok=True, correct=True)
    assert (m.think_lang, m.answer_lang) == (think, answer)
    assert (m.think_lc, m.answer_lc) == (think == "ko", answer == "ko")


def test_polymath_consistency():
    assert polymath_consistent("$\\frac{3}{4} + x = 12$", "ko")  # LaTeX stripped: <= 15 characters left
    assert polymath_consistent("답은 7", "ko")  # short texts count as consistent
    assert polymath_consistent(KO_THINK + KO_ANSWER, "ko")
    assert not polymath_consistent(EN_THINK + EN_ANSWER, "ko")
    mixed = "먼저 사과의 개수를 계산해 봅시다. 민수는 사과를 세 개 가지고 있습니다. First we count the apples."
    probs = langdetect_probs(mixed)
    assert len(probs) == 2 and {code for code, _p in probs} == {"ko", "en"}
    assert not polymath_consistent(mixed, "ko")  # two languages detected -> inconsistent


def test_repetition_filter_thresholds():
    gram = " ".join(f"w{i}" for i in range(20))
    assert is_repetitive(" ".join([gram] * 20))  # a 20-gram 20 times
    assert not is_repetitive(" ".join([gram] * 19) + " w0")  # ... 19 times (+1 token): not yet
    assert is_repetitive("a " * 39)  # overlapping copies count: 39 tokens hold 20 copies of "a"*20
    line = " ".join(f"t{i}" for i in range(20))
    assert is_repetitive("\n".join([line] * 6 + ["end"]))  # a >= 20-token line 6 times
    assert not is_repetitive("\n".join([line] * 5))
    short = "같은 줄입니다"
    assert not is_repetitive("\n".join([short] * 9))  # short lines do not count as repeated lines (18 tokens)
    assert is_repetitive("\n".join([short] * 50))  # ... but 100 tokens with period 2 repeat every 20-gram
    assert not is_repetitive("가" * 400)  # a Hangul run is one token (Korean separates words with spaces) ...
    assert is_repetitive("算" * 40)  # ... a Han character is one token (Chinese does not)


def test_trit_consistency_and_lc_acc():
    ok = peer_metrics(KO_THINK + KO_ANSWER, "ko", format_ok=True, correct=True)
    assert ok.trit_lc and ok.lc_acc and not ok.repetitive
    assert not peer_metrics(KO_THINK + KO_ANSWER, "ko", format_ok=True, correct=False).lc_acc
    assert peer_metrics(KO_THINK + KO_ANSWER, "ko", format_ok=True, correct=False).trit_lc
    assert not peer_metrics(KO_THINK + KO_ANSWER, "ko", format_ok=False, correct=True).trit_lc  # format gate
    assert not peer_metrics(EN_THINK + KO_ANSWER, "ko", format_ok=True, correct=True).trit_lc  # reasoning in en
    looping = KO_THINK + ("사과를 다시 세어 봅니다 " * 100) + KO_ANSWER
    m = peer_metrics(looping, "ko", format_ok=True, correct=True)
    assert m.repetitive and not m.trit_lc and not m.lc_acc


def test_rates_are_means_over_samples():
    samples = [
        peer_metrics(KO_THINK + KO_ANSWER, "ko", True, True),  # all consistent, correct
        peer_metrics(EN_THINK + KO_ANSWER, "ko", True, True),  # thinking collapsed
        peer_metrics(EN_THINK + EN_ANSWER, "ko", True, False),  # all English
        peer_metrics(KO_THINK + KO_ANSWER, "ko", True, False),  # consistent but wrong
    ]
    rates = peer_rates(samples)
    # answers in ko: samples 1, 2 and 4; thinking in ko and langdetect-consistent: 1 and 4; LC&Acc: sample 1
    assert rates == {"think_lcr": 0.5, "answer_lcr": 0.75, "polymath_lcr": 0.5, "trit_lcr": 0.5, "lc_acc": 0.25}
    assert set(rates) == set(PEER_RATES) and set(PEER_RATES.values()) <= set(PEER_FIELDS)
    assert peer_rates([]) == dict.fromkeys(PEER_RATES, 0.0)


def test_other_targets_and_bad_target():
    zh = "<think>首先，我们需要计算苹果的总数。小明有三个苹果。</think>所以答案是 7。"
    m = peer_metrics(zh, "zh", True, True)
    assert (m.think_lang, m.answer_lang, m.trit_lc) == ("zh", "zh", True)
    uk = "Спочатку обчислимо, скільки яблук має Марко. Отже, відповідь: 7."
    assert peer_metrics(uk, "uk", True, True).lc_acc
    assert langdetect_top(uk) == "uk" and detect_language(uk) == "uk"
    with pytest.raises(UnknownLanguageError):
        peer_metrics(uk, "xx", True, True)
