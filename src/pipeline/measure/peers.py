"""Language metrics peers publish, computed from the same samples as ours (definitions in docs/metrics.md).

* MMATH (RUCAIBox/MMATH ``calculate_lcr.py``): split a completion at the last ``</think>``; the fastText top-1
  label of the thinking part and of the answer part (both the whole completion when there is no ``</think>``)
  must equal the target: ``think_lc`` and ``answer_lc``, rates ``think_lcr`` / ``answer_lcr``.
* PolyMath-style language consistency: the completion with LaTeX stripped is consistent when it has at most 15
  characters, or when langdetect returns exactly one language and it is the target (``polymath_lc``).
* TRIT (arXiv 2602.05940): consistent (``trit_lc``) = the final answer is anchored (format ok) AND langdetect's top
  language of the reasoning is the target AND the completion is not repetitive (:func:`is_repetitive`); its primary
  metric LC&Acc is consistent AND correct (``lc_acc``).
* Ours (DeepSeek-R1's word ratio): ``target_share`` of the CoT, :mod:`pipeline.measure.composition`.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.languages import get_language
from pipeline.measure.composition import detect_language
from pipeline.measure.composition.tokens import strip_math
from pipeline.measure.langid import langdetect_probs, langdetect_top
from pipeline.measure.text import as_text, clean_text

__all__ = [
    "PEER_FIELDS",
    "PEER_RATES",
    "PeerMetrics",
    "is_repetitive",
    "peer_metrics",
    "peer_metrics_many",
    "peer_rates",
    "polymath_consistent",
    "think_split",
    "trit_consistent",
]

THINK_CLOSE = "</think>"
POLYMATH_SHORT_CHARS = 15  # PolyMath counts a text of at most this many characters as consistent
# TRIT's repetition filter: a 20-gram seen >= 20 times, or a line of >= 20 tokens repeated >= 6 times.
REPEAT_NGRAM, REPEAT_NGRAM_COUNT = 20, 20
REPEAT_LINE_TOKENS, REPEAT_LINE_COUNT = 20, 6
# Tokens for the repetition filter: a Han, kana or Thai character alone (those scripts have no spaces), else a
# whitespace-separated run.
_NO_SPACE = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(f"[{_NO_SPACE}]|[^\\s{_NO_SPACE}]+")


def think_split(completion: object) -> tuple[str, str]:
    """MMATH's split: ``(thinking, answer)`` around the last ``</think>``; both the whole text without one.

    >>> think_split("<think>계산합니다</think>답은 5입니다")
    ('<think>계산합니다', '답은 5입니다')
    >>> think_split("The answer is 5.")
    ('The answer is 5.', 'The answer is 5.')
    """
    text = as_text(completion)
    if THINK_CLOSE not in text:
        return text.strip(), text.strip()
    parts = text.split(THINK_CLOSE)
    return " ".join(parts[:-1]).strip(), parts[-1].strip()


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def is_repetitive(text: object) -> bool:
    """TRIT's repetition filter: some 20-token n-gram occurs >= 20 times, or some line of >= 20 tokens >= 6 times.

    >>> is_repetitive("one two three " * 200), is_repetitive("First we add. Then we subtract.")
    (True, False)
    """
    s = as_text(text)
    tokens = _tokens(s)
    if len(tokens) >= REPEAT_NGRAM + REPEAT_NGRAM_COUNT - 1:  # fewest tokens with 20 (overlapping) 20-grams
        grams = Counter(tuple(tokens[i : i + REPEAT_NGRAM]) for i in range(len(tokens) - REPEAT_NGRAM + 1))
        if grams and max(grams.values()) >= REPEAT_NGRAM_COUNT:
            return True
    lines = Counter(line.strip() for line in s.splitlines() if len(_tokens(line)) >= REPEAT_LINE_TOKENS)
    return bool(lines) and max(lines.values()) >= REPEAT_LINE_COUNT


def polymath_consistent(completion: object, target: str) -> bool:
    """PolyMath-style consistency: LaTeX stripped; <= 15 characters, or langdetect finds only ``target``.

    >>> polymath_consistent("$x^2 + 1 = 5$", "ko"), polymath_consistent("먼저 사과의 개수를 계산해 봅시다.", "ko")
    (True, True)
    """
    text = " ".join(strip_math(clean_text(completion)).split())
    if len(text) <= POLYMATH_SHORT_CHARS:
        return True
    probs = langdetect_probs(text)
    return len(probs) == 1 and probs[0][0] == target


def trit_consistent(completion: object, target: str, format_ok: bool, thinking: str | None = None,
                    repetitive: bool | None = None) -> bool:
    """TRIT's language consistency: format ok, langdetect's top language of the reasoning (``thinking``, MMATH's
    split when not given) is ``target``, and the completion is not repetitive (``repetitive``: computed when not
    given).

    >>> trit_consistent("먼저 사과를 셉니다. 모두 일곱 개입니다.\\n답은 7입니다.", "ko", True)
    True
    """
    if not format_ok:
        return False
    if repetitive is None:
        repetitive = is_repetitive(completion)
    if repetitive:
        return False
    if thinking is None:
        thinking = think_split(completion)[0]
    return langdetect_top(thinking) == target


@dataclass(frozen=True)
class PeerMetrics:
    """Peer language metrics of one completion (the ``eval_samples`` columns of the same names)."""

    think_lang: str | None  # MMATH: fastText top-1 of the thinking part (None: empty)
    answer_lang: str | None  # MMATH: fastText top-1 of the answer part
    think_lc: bool  # think_lang == target
    answer_lc: bool  # answer_lang == target
    polymath_lc: bool  # PolyMath-style consistency of the whole completion
    repetitive: bool  # TRIT's repetition filter fired
    trit_lc: bool  # TRIT: format ok, reasoning in the target (langdetect), not repetitive
    lc_acc: bool  # TRIT's LC&Acc: trit_lc and correct

    def as_dict(self) -> dict:
        """The fields as a plain dict (eval table columns)."""
        return dataclasses.asdict(self)


PEER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PeerMetrics))
# Summary rate -> the per-sample boolean it averages.
PEER_RATES: dict[str, str] = {"think_lcr": "think_lc", "answer_lcr": "answer_lc", "polymath_lcr": "polymath_lc",
                              "trit_lcr": "trit_lc", "lc_acc": "lc_acc"}


def peer_metrics(completion: object, target: str, format_ok: bool, correct: bool) -> PeerMetrics:
    """Every peer metric of one completion against language ``target``.

    >>> m = peer_metrics("먼저 사과를 셉니다. 모두 일곱 개입니다.\\n답은 7입니다.", "ko", True, True)
    >>> m.think_lang, m.think_lc, m.polymath_lc, m.trit_lc, m.lc_acc
    ('ko', True, True, True, True)
    >>> peer_metrics("First we count the apples.\\nThe answer is 7.", "ko", True, True).lc_acc
    False
    """
    get_language(target)
    thinking, answer = think_split(completion)
    think_lang, answer_lang = detect_language(thinking), detect_language(answer)
    repetitive = is_repetitive(completion)
    trit = trit_consistent(completion, target, format_ok, thinking, repetitive)
    return PeerMetrics(
        think_lang=think_lang, answer_lang=answer_lang, think_lc=think_lang == target,
        answer_lc=answer_lang == target, polymath_lc=polymath_consistent(completion, target),
        repetitive=repetitive, trit_lc=trit, lc_acc=trit and bool(correct),
    )


def peer_metrics_many(completions: Sequence[object], targets: Sequence[str], format_ok: Iterable[bool],
                      correct: Iterable[bool]) -> list[PeerMetrics]:
    """:func:`peer_metrics` of many completions (one target, format flag and correctness each)."""
    return [peer_metrics(c, t, f, k) for c, t, f, k in zip(completions, targets, format_ok, correct, strict=True)]


def peer_rates(rows: Iterable[dict | PeerMetrics]) -> dict[str, float]:
    """The summary rates (:data:`PEER_RATES`) over per-sample metrics; 0.0 each for no samples.

    >>> peer_rates([{"think_lc": True, "answer_lc": False, "polymath_lc": True, "trit_lc": True, "lc_acc": False},
    ...             {"think_lc": False, "answer_lc": False, "polymath_lc": True, "trit_lc": True, "lc_acc": True}])
    {'think_lcr': 0.5, 'answer_lcr': 0.0, 'polymath_lcr': 1.0, 'trit_lcr': 1.0, 'lc_acc': 0.5}
    """
    items = [r.as_dict() if isinstance(r, PeerMetrics) else r for r in rows]
    n = len(items)
    return {rate: (sum(bool(r[field]) for r in items) / n if n else 0.0) for rate, field in PEER_RATES.items()}
