"""The synthetic grade-school-math world: templated multi-step word problems in several languages.

Every item is a language-neutral *spec* (:mod:`pipeline.data.world.generate`) rendered by per-language
templates (:mod:`pipeline.data.world.render`) into a question and a step-by-step solution, one sentence with an
explicit equation per step. Ids are shared across languages; the final-answer line is not part of the
solution (the pipeline appends :func:`pipeline.languages.answer_line`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.data.world.generate import (
    DEFAULT_FAMILIES,
    FAMILIES,
    SPLIT_POOLS,
    WorldSpecError,
    check_knobs,
    evaluate,
    sample_spec,
    spec_bucket,
    spec_json,
    split_pool,
)
from pipeline.data.world.render import RENDERERS
from pipeline.jsonl import write_jsonl
from pipeline.languages import get_language

WORLD_LANGUAGES: tuple[str, ...] = tuple(RENDERERS)
MAX_ATTEMPTS = 2000  # draws per item before the requested space counts as exhausted

__all__ = ["DEFAULT_FAMILIES", "FAMILIES", "WORLD_LANGUAGES", "WorldItem", "WorldSpecError", "generate_items",
           "render", "render_spec", "to_record", "write_world"]


@dataclass(frozen=True)
class WorldItem:
    """One synthetic problem; ``spec`` holds everything the renderers need."""

    id: str  # f"world-{split}-{index:06d}"
    split: str
    family: str
    difficulty: int  # number of reasoning steps (= equations in the solution)
    answer: str  # str(int)
    spec: dict


def generate_items(n: int, split: str, seed: int, min_steps: int = 2, max_steps: int = 4, max_value: int = 99,
                   families: Sequence[str] | Mapping[str, float] | None = None) -> list[WorldItem]:
    """``n`` distinct items of ``split``; item ``i`` depends only on (seed, split, i) and the knobs.

    ``families`` is a list (drawn uniformly) or a mapping family -> relative weight.

    Specs whose arithmetic hashes outside the split's pool are redrawn, so train and test never share a
    problem. Raises :class:`WorldSpecError` for bad knobs, unknown families/splits or an exhausted space.
    """
    if n < 0:
        raise WorldSpecError(f"number of items must be >= 0, got {n}")
    chosen = check_knobs(min_steps, max_steps, max_value, families)
    pool = SPLIT_POOLS[split_pool(split)]
    seen: set[str] = set()
    items = []
    for index in range(n):
        rng = random.Random(f"world|{seed}|{split}|{index}")
        if isinstance(families, Mapping):
            family = rng.choices(chosen, [families[f] for f in chosen])[0]
        else:
            family = rng.choice(chosen)  # uniform
        n_steps = rng.randint(min_steps, max_steps)  # uniform, not reweighted
        for _ in range(MAX_ATTEMPTS):
            spec = sample_spec(rng, family, n_steps, max_value)
            if spec is None or spec_bucket(spec) not in pool:
                continue
            key = spec_json(spec)
            if key in seen:
                continue
            seen.add(key)
            break
        else:
            raise WorldSpecError(
                f"could not draw item {index} of split {split!r} ({family}, {n_steps} steps) in "
                f"{MAX_ATTEMPTS} attempts: the problem space is exhausted; raise max_value or max_steps, "
                f"or lower n={n}")
        answer = evaluate(spec)[-1]
        items.append(WorldItem(id=f"world-{split}-{index:06d}", split=split, family=spec["family"],
                               difficulty=len(spec["steps"]), answer=str(answer), spec=spec))
    return items


def check_world_language(lang: str) -> None:
    """Raise for a language the pipeline or the world does not know."""
    get_language(lang)  # UnknownLanguageError for codes the pipeline does not support at all
    if lang not in RENDERERS:
        raise WorldSpecError(f"the synthetic world has no templates for language {lang!r}; "
                             f"supported world languages: {', '.join(WORLD_LANGUAGES)}")


def render_spec(spec: dict[str, Any], lang: str) -> tuple[str, str]:
    """(question, solution without the answer line) of a spec in ``lang``: a pure function of both."""
    check_world_language(lang)
    return RENDERERS[lang](spec)


def render(item: WorldItem, lang: str) -> tuple[str, str]:
    """(question, solution without the final-answer line) of ``item`` in ``lang``."""
    return render_spec(item.spec, lang)


def to_record(item: WorldItem, lang: str) -> dict[str, Any]:
    """The data record of ``item`` in ``lang`` (docs/artifacts.md, ``source="synthetic"``)."""
    question, solution = render(item, lang)
    return {"id": item.id, "source": "synthetic", "split": item.split, "lang": lang, "question": question,
            "solution": solution, "answer": item.answer, "difficulty": item.difficulty, "family": item.family}


def write_world(out_dir: Path, splits: dict[str, dict], seed: int, languages: Sequence[str],
                **gen_kwargs: Any) -> dict[str, Any]:
    """Write ``{split}.jsonl`` (English records) and ``parallel.jsonl`` (all ``languages``) into ``out_dir``.

    ``splits`` maps split name to ``{"n": count}`` (other keys override ``gen_kwargs`` for that split).
    Returns ``{"splits": {split: count}, "parallel": rows, "languages": [...]}``.
    """
    languages = list(dict.fromkeys(languages))
    for lang in languages:
        check_world_language(lang)
    out_dir = Path(out_dir)
    counts: dict[str, int] = {}
    parallel = []
    for split, cfg in splits.items():
        if "n" not in cfg:
            raise WorldSpecError(f"split {split!r} needs an item count 'n' (got keys {sorted(cfg)})")
        kwargs = {**gen_kwargs, **{k: v for k, v in cfg.items() if k != "n"}}
        items = generate_items(int(cfg["n"]), split, seed, **kwargs)
        counts[split] = write_jsonl(out_dir / f"{split}.jsonl", (to_record(it, "en") for it in items))
        for it in items:
            renderings = {}
            for lang in languages:
                question, solution = render(it, lang)
                renderings[lang] = {"question": question, "solution": solution}
            parallel.append({"id": it.id, "split": split, "answer": it.answer, "difficulty": it.difficulty,
                             "family": it.family, "renderings": renderings})
    write_jsonl(out_dir / "parallel.jsonl", parallel)
    return {"splits": counts, "parallel": len(parallel), "languages": languages}
