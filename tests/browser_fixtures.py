"""A results tree with real chains of thought for the browser tests (unit and headless Chromium): the fixture
tree of store_fixtures.py with each rollout and eval sample's completion replaced by a real mixed-language text."""

from __future__ import annotations

import zlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.measure.composition import COMPOSITION_FIELDS, cot_compositions
from store_fixtures import build_results_tree

# Chains of thought that switch language at different places (Korean target; one Chinese text for Han words): with
# math and LaTeX the measurement removes (``\right`` before the prose word "right"), an astral Han character
# (two UTF-16 code units), Russian, and markup that must stay text.
TEXTS = {
    "ko": [
        "먼저 사과의 개수를 세어 봅시다. 사과가 3개 있고 4개를 더 사면 3 + 4 = 7개입니다.\n#### 7",
        "먼저 total cost를 계산하면 $3 \\times 4 = 12$입니다. So we need to add the tax of 2 dollars.\n"
        "The answer is 14.",
        "<think>\nWe compute \\left( 5 + 2 \\right) first, then go right to the end. 그래서 답은 7입니다.\n</think>\n"
        "\\boxed{7}",
        "사과 𠀀 문제를 풀어 보겠습니다. Сначала считаем: 2 + 2 = 4. 따라서 4개입니다.\n#### 4",
        "Let me think step by step. Each box has 6 pencils, so 6 * 5 = 30 pencils in total.\n#### 30",
        "먼저 계산합니다 </script><b>bold</b> 그리고 끝입니다. 답은 5입니다.",
        "사과 한 상자에 6개가 들어 있습니다. 상자가 5개이므로 6 × 5 = 30개입니다. 따라서 모두 30개입니다.\n#### 30",
        "먼저 필요한 값을 정리합니다. 한 권에 3달러이고 4권을 사므로 total은 12달러입니다.\n#### 12",
    ],
    "zh": ["首先计算总数:3 + 4 = 7。然后 we double it to get 14.\n#### 14",
           "我们先算 $x^2$ 的值,然后得到答案。\n#### 9"],
}


def realistic_tree(root: Path, **kwargs: object) -> Path:
    """The fixture results tree (tests/store_fixtures.py) with real chains of thought in every rollout and eval
    sample: each row gets a text of :data:`TEXTS` whose target share is near the fixture's (so the drift and the
    eval numbers keep their shape), and composition columns measured by the pipeline's own function
    (cot_compositions)."""
    results = build_results_tree(root, **kwargs)
    shares = {lang: [c.target_share for c in cot_compositions(texts, lang)] for lang, texts in TEXTS.items()}
    for path in sorted(results.rglob("*.parquet")):
        if path.name != "rollouts.parquet" and path.parent.parent.name != "eval":
            continue  # TRL completions and translation QC
        lang = path.relative_to(results).parts[0]
        df = pq.read_table(path).to_pandas()
        shift = zlib.crc32(str(path.relative_to(results)).encode())
        picked = []
        for i, want in enumerate(df["target_share"]):
            best = min(abs(x - want) for x in shares[lang])
            near = [k for k, x in enumerate(shares[lang]) if abs(x - want) <= best + 0.15]
            picked.append(TEXTS[lang][near[(i + shift) % len(near)]])
        df["completion"] = picked
        comps = cot_compositions(picked, lang)
        for field in COMPOSITION_FIELDS:
            values = [getattr(c, field) for c in comps]
            df[field] = pd.array(values, dtype="Int64") if field.endswith("_word") else values
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    return results
