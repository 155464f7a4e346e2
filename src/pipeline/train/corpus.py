"""The pretraining corpus of the tiny model: a controlled language imbalance over the synthetic world.

Each document is a prompt followed by a reference completion. Its *kind* says which languages it uses:

* ``en_en``: English question, English reasoning (the dominant pretraining language);
* ``tgt_tgt``: target-language question and reasoning;
* ``tgt_en``: target-language question, English reasoning (code-switched).

The mix (shares of each kind) is the knob that sets how strongly English dominates the model's prior.
*English-only families* (``data.world.english_only_families``) model knowledge that the target-language
data lacks: their items appear only in kinds whose reasoning is English, so the model learns, for
example, that a dozen is 12 only while reasoning in English.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from typing import Any

from pipeline.prompts import build_prompt, build_target

KINDS = ("en_en", "tgt_tgt", "tgt_en")
REASONING_LANG = {"en_en": "en", "tgt_tgt": "tgt", "tgt_en": "en"}


def document(item: dict[str, Any], kind: str, target: str, template: str) -> str:
    """One pretraining document for a parallel item (``renderings`` per language)."""
    q_lang, r_lang = {"en_en": ("en", "en"), "tgt_tgt": (target, target), "tgt_en": (target, "en")}[kind]
    question = item["renderings"][q_lang]["question"]
    solution = item["renderings"][r_lang]["solution"]
    prompt = build_prompt(question, q_lang, "plain", template)
    return prompt + build_target(solution, item["answer"], r_lang)


def build_corpus(items: Sequence[dict[str, Any]], target: str, mix: dict[str, float], n_docs: int,
                 seed: int, template: str, english_only: Collection[str] = ()) -> list[dict[str, str]]:
    """``n_docs`` documents drawn with kinds in proportion to ``mix`` (normalised); deterministic in ``seed``.

    Items whose ``family`` is in ``english_only`` are only drawn for kinds with English reasoning.
    """
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown corpus kinds {sorted(unknown)} in pretrain.mix; use {list(KINDS)}")
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("pretrain.mix shares must sum to a positive number")
    missing = [it["id"] for it in items if target not in it["renderings"] or "en" not in it["renderings"]]
    if missing:
        raise ValueError(f"{len(missing)} world items lack an 'en' or {target!r} rendering (e.g. {missing[0]})")
    english_only = set(english_only)
    target_pool = [it for it in items if it.get("family") not in english_only]
    if mix.get("tgt_tgt", 0) > 0 and not target_pool:
        raise ValueError(f"every world item is of an English-only family {sorted(english_only)}: nothing is "
                         "left for target-language reasoning documents (tgt_tgt)")
    rng = random.Random(seed)
    kinds = [k for k in KINDS if k in mix]  # fixed order: the corpus must not depend on the config's key order
    weights = [mix[k] / total for k in kinds]
    docs = []
    for _ in range(n_docs):
        kind = rng.choices(kinds, weights)[0]
        pool = items if REASONING_LANG[kind] == "en" else target_pool
        item = pool[rng.randrange(len(pool))]
        docs.append({"id": item["id"], "kind": kind, "family": item.get("family"),
                     "text": document(item, kind, target, template)})
    return docs
