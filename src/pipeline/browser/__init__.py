"""A static, self-contained HTML browser of a results store's chains of thought (docs/browser.md).

``python -m pipeline.browser results/collapse.duckdb --out results/browser/`` writes ``results/browser/index.html``:
eval samples and GRPO rollouts (sampled, :class:`Sampling`) with every counted word coloured by its language label,
the drift curve of each GRPO arm, and one eval item across checkpoints. It opens from ``file://``.
"""

from __future__ import annotations

from pipeline.browser.data import Sampling, browser_data
from pipeline.browser.page import INDEX, render_page, write_browser
from pipeline.browser.words import LabelledCot, labelled_cot

__all__ = ["INDEX", "LabelledCot", "Sampling", "browser_data", "labelled_cot", "render_page", "write_browser"]
