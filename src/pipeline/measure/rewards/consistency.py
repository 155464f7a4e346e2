"""The language-consistency reward and its variants (the reward zoo), each with its source (docs/metrics.md).

Word-share variants, from the word composition of the chain of thought (:func:`cot_compositions`):

* ``proportional`` (DeepSeek-R1): the target share;
* ``threshold``: 1.0 when the target share is at least ``tau``;
* ``en_penalty``: minus the English share.

A CoT without counted words (empty, equations only, only an answer line) is judged by the whole completion
(answer lines included); a completion without any counted word gets the variant's worst value (0.0, or -1.0 for
``en_penalty``), so writing nothing but numbers never beats writing in the target language.

Whole-output variants, from whole-text language identification (:mod:`pipeline.measure.langid`):

* ``trit_gated`` (TRIT): 1.0 if consistent and correct, 0.1 if consistent and wrong, 0.0 otherwise; consistent is
  :func:`pipeline.measure.peers.peer_metrics`' ``trit_lc`` (format ok, reasoning in the target, not repetitive);
* ``same_language`` (Magistral): 1.0 when the prompt, the thinking and the answer (MMATH's split at ``</think>``)
  have one fastText language (the prompt's language is the target when TRL passes no prompts);
* ``lang_prob`` (Budget Alignment): langdetect's probability of the target over the whole completion;
* ``binary`` (open-r1 PR #683): 1.0 when langdetect's top language of the whole completion is the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.languages import get_language
from pipeline.measure.answers import check_answer
from pipeline.measure.composition import (
    COMPOSITION_FIELDS,
    Composition,
    compositions,
    cot_compositions,
    detect_language,
)
from pipeline.measure.langid import langdetect_probs, langdetect_top
from pipeline.measure.peers import think_split, trit_consistent
from pipeline.measure.rewards.columns import log_columns, log_metrics, mean, per_item
from pipeline.measure.text import as_text

SHARE_VARIANTS = ("proportional", "threshold", "en_penalty")
WHOLE_VARIANTS = ("trit_gated", "same_language", "lang_prob", "binary")
LC_VARIANTS = SHARE_VARIANTS + WHOLE_VARIANTS
TRIT_CONSISTENT_WRONG = 0.1  # TRIT's reward for a consistent but wrong completion


def lc_value(comp: Composition, variant: str = "proportional", tau: float = 0.9) -> float:
    """A word-share variant's reward of one composition (unweighted; no counted words -> the worst value).

    >>> from pipeline.measure.composition import EMPTY, composition
    >>> lc_value(composition("먼저 total cost를 계산합니다", "ko")), lc_value(EMPTY, "en_penalty")
    (0.6, -1.0)
    """
    if variant == "proportional":
        return float(comp.target_share)
    if variant == "threshold":
        return 1.0 if comp.n_words > 0 and comp.target_share >= tau else 0.0
    if variant == "en_penalty":
        return -comp.en_share if comp.n_words > 0 else -1.0
    raise ValueError(f"{variant!r} is not a word-share lc_variant; those are {', '.join(SHARE_VARIANTS)}")


def prompt_text(prompt: object) -> str:
    """The question of a TRL prompt: a string as is; of chat messages, the last user message's content.

    >>> prompt_text([{"role": "system", "content": "Think."}, {"role": "user", "content": "2+2?"}])
    '2+2?'
    """
    if isinstance(prompt, list | tuple) and prompt and all(isinstance(m, dict) for m in prompt):
        users = [m for m in prompt if m.get("role") == "user"]
        return as_text(users[-1] if users else prompt[-1])
    return as_text(prompt)


def same_language(completion: object, target: str, prompt: object = None) -> bool:
    """Magistral's condition: prompt, thinking and answer all have one (fastText) language."""
    thinking, answer = think_split(completion)
    langs = {detect_language(thinking), detect_language(answer),
             target if prompt is None else detect_language(prompt_text(prompt))}
    return len(langs) == 1 and None not in langs


def _target_prob(completion: object, target: str) -> float:
    return next((p for code, p in langdetect_probs(completion) if code == target), 0.0)


class LanguageConsistencyReward:
    """The ``lang_consistency`` reward in one of :data:`LC_VARIANTS`, against the target language.

    The target is ``target`` when given, else each item's ``lang`` column. Logs every composition field of the CoT
    (:data:`pipeline.measure.composition.COMPOSITION_FIELDS`) per completion, plus ``lc_measured`` (``cot``,
    ``completion`` or ``none``: what the word-share variants judged), and batch shares as metrics.

    >>> LanguageConsistencyReward()(["먼저 사과를 셉니다.\\n답은 7입니다.", "First count the apples."], lang="ko")
    [1.0, 0.0]
    >>> LanguageConsistencyReward("trit_gated")(["사과를 셉니다. 모두 일곱 개입니다.\\n답은 7입니다."] * 2,
    ...                                         lang="ko", answer=["7", "8"])
    [1.0, 0.1]
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

    def targets(self, n: int, lang: Any) -> list[str]:
        """One target code per completion: ``self.target`` or the ``lang`` column."""
        return [self.target] * n if self.target else per_item(lang, n, "lang", required=True)

    def compositions(self, completions: Sequence[Any], lang: Any = None) -> list[Composition]:
        """Compositions of the CoTs of ``completions`` (target: ``self.target`` or the ``lang`` column)."""
        return cot_compositions(completions, self.targets(len(completions), lang))

    def _share_rewards(self, completions: Sequence[Any], langs: list[str],
                       comps: list[Composition]) -> tuple[list[float], list[str]]:
        empty = [i for i, c in enumerate(comps) if c.n_words == 0]
        judged = list(comps)
        measured = ["cot"] * len(comps)
        if empty:
            for i, whole in zip(empty, compositions([completions[i] for i in empty], [langs[i] for i in empty]),
                                strict=True):
                judged[i] = whole
                measured[i] = "completion" if whole.n_words else "none"
        return [lc_value(c, self.variant, self.tau) for c in judged], measured

    def _whole_rewards(self, completions: Sequence[Any], langs: list[str], answer: Any,
                       prompts: Any) -> list[float]:
        n = len(completions)
        if self.variant == "trit_gated":
            golds = per_item(answer, n, "answer", required=True)
            out = []
            for comp, gold, code in zip(completions, golds, langs, strict=True):
                check = check_answer(comp, "" if gold is None else str(gold), code)
                consistent = trit_consistent(comp, code, check.format_ok)
                out.append(0.0 if not consistent else 1.0 if check.correct else TRIT_CONSISTENT_WRONG)
            return out
        if self.variant == "same_language":
            prompt_list = per_item(prompts, n, "prompts", required=False)
            return [float(same_language(c, t, p)) for c, t, p in zip(completions, langs, prompt_list, strict=True)]
        if self.variant == "lang_prob":
            return [_target_prob(c, t) for c, t in zip(completions, langs, strict=True)]
        return [float(langdetect_top(c) == t) for c, t in zip(completions, langs, strict=True)]  # binary

    def __call__(self, completions: Sequence[Any], lang: Any = None, answer: Any = None, prompts: Any = None,
                 **kwargs: Any) -> list[float]:
        langs = self.targets(len(completions), lang)
        comps = cot_compositions(completions, langs)
        if self.variant in SHARE_VARIANTS:
            rewards, measured = self._share_rewards(completions, langs, comps)
        else:
            rewards, measured = self._whole_rewards(completions, langs, answer, prompts), ["completion"] * len(comps)
        log_columns(kwargs, {**{field: [getattr(c, field) for c in comps] for field in COMPOSITION_FIELDS},
                             "lc_measured": measured})
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
