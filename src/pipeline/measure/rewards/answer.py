"""Rewards from the final answer: ``accuracy`` and ``format`` (extraction rules in :mod:`pipeline.measure.answers`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.measure.answers import check_answer, gold_parseable
from pipeline.measure.rewards.columns import log_columns, log_metrics, mean, per_item


class AccuracyReward:
    """1.0 for a correct final answer, 0.0 otherwise (also 0.0, counted, for an unparseable gold answer).

    >>> AccuracyReward()(["3 + 4 = 7\\nThe answer is 7.", "The answer is 8."], answer=["7", "7"])
    [1.0, 0.0]
    """

    def __init__(self, last_number_fallback: bool = False, name: str = "accuracy") -> None:
        self.last_number_fallback = bool(last_number_fallback)
        self.__name__ = name

    def __call__(self, completions: Sequence[Any], answer: Any = None, lang: Any = None, **kwargs: Any):
        n = len(completions)
        golds = per_item(answer, n, "answer", required=True)
        langs = per_item(lang, n, "lang", required=False)
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
        log_columns(kwargs, {"correct": correct, "pred_answer": preds, "format_ok": format_ok})
        log_metrics(kwargs, {"accuracy/gold_unparseable": float(n_bad_gold),
                             "accuracy/format_ok": mean([float(x) for x in format_ok])})
        return rewards


class FormatReward:
    """1.0 when the completion states an anchored final answer (boxed, ``####`` or answer phrase).

    >>> FormatReward()(["#### 7", "it is seven"])
    [1.0, 0.0]
    """

    def __init__(self, name: str = "format") -> None:
        self.__name__ = name

    def __call__(self, completions: Sequence[Any], lang: Any = None, **kwargs: Any) -> list[float]:
        langs = per_item(lang, len(completions), "lang", required=False)
        return [
            1.0 if check_answer(c, "0", code).format_ok else 0.0
            for c, code in zip(completions, langs, strict=True)
        ]
