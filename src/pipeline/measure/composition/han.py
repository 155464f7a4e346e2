"""Han characters: Chinese, Japanese kanji or Korean hanja, decided once for both labelling paths (docs/metrics.md).

A Han character alone does not say which language it is written in; its sentence, the whole text and the target
do (:func:`han_label`). Chinese-only evidence is defined in :mod:`.rules` (:data:`.rules.ZH_FUNCTION_CHARS`,
:func:`.rules.japanese_or_korean`).
"""

from __future__ import annotations

import re

from pipeline.measure.composition.rules import SCRIPT_BY_NAME, ZH_FUNCTION_CHARS, japanese_or_korean
from pipeline.measure.composition.tokens import char_class

__all__ = ["HAN_RUN", "han_label", "has_zh_evidence"]

HAN_RUN = re.compile(f"[{char_class(SCRIPT_BY_NAME['han'].ranges)}]+")


def has_zh_evidence(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has a Han character that is Chinese only (neither Japanese nor Korean, or a
    Chinese function character).

    >>> has_zh_evidence("我们先计算"), has_zh_evidence("合計金額"), has_zh_evidence("答案是18"), has_zh_evidence("目的")
    (True, False, True, False)
    """
    runs = HAN_RUN.findall(text, start, len(text) if end is None else end)
    if not runs:
        return False
    chars = set("".join(runs))
    return not ZH_FUNCTION_CHARS.isdisjoint(chars) or not japanese_or_korean().issuperset(chars)


def han_label(target: str | None, kana: bool, hangul: bool, zh: bool, doc_kana: bool, doc_zh: bool) -> str:
    """The label of the Han characters of a sentence.

    ``kana``/``hangul``/``zh``: the sentence has kana, Hangul, Chinese-only evidence (:func:`has_zh_evidence`);
    ``doc_kana``/``doc_zh``: the whole text has.

    1. the sentence has kana -> ``ja``;
    2. the sentence has Chinese-only evidence -> ``zh``;
    3. the sentence has Hangul -> ``ko`` (hanja in a Korean sentence, whatever the target);
    4. the target is ``ja``, unless the text has Chinese-only evidence and no kana -> ``ja`` (kanji-only Japanese
       sentences: 合計, 解答);
    5. else ``zh``.

    >>> han_label("ja", False, False, False, True, False), han_label("ko", False, True, False, False, False)
    ('ja', 'ko')
    """
    if kana:
        return "ja"
    if zh:
        return "zh"
    if hangul:
        return "ko"
    if target == "ja" and (doc_kana or not doc_zh):
        return "ja"
    return "zh"
