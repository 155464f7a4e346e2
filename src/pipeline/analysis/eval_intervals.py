"""95% intervals of the eval figures' points, by the findings' hierarchical bootstrap over seeds and items.

An eval point of a figure (an arm's accuracy after GRPO, say) pools the seeds: its uncertainty comes from which
seeds were run and which items were evaluated, as for the findings (:mod:`pipeline.analysis.findings`). The
interval resamples both with :func:`pipeline.analysis.uncertainty.hierarchical_bootstrap` (seeds with replacement,
then each drawn seed's items; one seed: items only), from ``eval_samples`` of the split and decoding the figure
shows, each item first averaged over its samples; rows with an unparseable gold answer are left out and only
the current config's runs count, as in the views. Seeded (:data:`BOOT_SEED`): a figure redrawn from the same
store has the same error bars (items in a fixed order: the resampled rows depend on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analysis.uncertainty import N_BOOT, Interval, hierarchical_bootstrap
from pipeline.store import connect_readonly

BOOT_SEED = 0

_SELECTED = """
  e.split = ? AND e.decoding = ? AND e.temperature IS NOT DISTINCT FROM ? AND e.gold_ok IS NOT FALSE
  AND e.run_id IN (SELECT run_id FROM v_current_runs)
"""


def _rows(db_path: Path, sql: str, split: str, decoding: str, temperature: float | None) -> pd.DataFrame:
    temperature = None if temperature is None or pd.isna(temperature) else float(temperature)
    with connect_readonly(db_path) as con:
        return con.execute(sql, [split, decoding, temperature]).df()


def item_means(db_path: Path, split: str, decoding: str, temperature: float | None) -> pd.DataFrame:
    """Per (evaluated checkpoint run, item) on one split and decoding: ``accuracy`` and ``target_wr``, the
    item's mean correctness and target word share over its samples, with the checkpoint's ``lang``, ``seed``,
    ``arm`` and ``phase``; ``checkpoint_run_id`` as in ``v_eval_points``."""
    return _rows(db_path, f"""
        SELECT COALESCE(ru.checkpoint_run_id, e.checkpoint_run_id) AS checkpoint_run_id, ru.lang, ru.seed, ru.arm,
               ru.phase, e.item_id, avg(CAST(e.correct AS DOUBLE)) AS accuracy, avg(e.target_share) AS target_wr
        FROM eval_samples e
        JOIN runs ru ON ru.run_id = e.run_id AND ru.stage = 'eval'
        WHERE {_SELECTED}
        GROUP BY ALL ORDER BY checkpoint_run_id, item_id
        """, split, decoding, temperature)


def item_language_counts(db_path: Path, split: str, decoding: str, temperature: float | None) -> pd.DataFrame:
    """Per (evaluated checkpoint run, item) on one split and decoding, the samples whose chain of thought is in
    the target language (``target_share >= 0.5``, as ``v_correct_by_language``) and how many of them are correct
    (``target_n``, ``target_correct``), and the same for the other samples (``other_n``, ``other_correct``)."""
    return _rows(db_path, f"""
        WITH s AS (
          SELECT e.checkpoint_run_id, e.item_id, COALESCE(e.correct, false) AS ok,
                 COALESCE(e.target_share, 0.0) >= 0.5 AS tgt
          FROM eval_samples e
          WHERE {_SELECTED})
        SELECT checkpoint_run_id, item_id,
               sum(CAST(tgt AS INTEGER)) AS target_n, sum(CAST(tgt AND ok AS INTEGER)) AS target_correct,
               sum(CAST(NOT tgt AS INTEGER)) AS other_n, sum(CAST(NOT tgt AND ok AS INTEGER)) AS other_correct
        FROM s GROUP BY ALL ORDER BY checkpoint_run_id, item_id
        """, split, decoding, temperature)


def ratio(means: np.ndarray) -> np.ndarray:
    """First column's mean over the second's: a share among some of the samples (correct among those in the
    target language), pooled over items and seeds; NaN where the second is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return means[..., 0] / means[..., 1]


def pooled_intervals(items: pd.DataFrame, columns: Sequence[str],
                     combine: Callable[[np.ndarray], Any] | None = None,
                     n_boot: int = N_BOOT) -> Callable[[Iterable[str]], Interval | None]:
    """A lookup: the checkpoint runs of one eval point (one run per seed) -> the bootstrap :class:`Interval` of
    ``combine`` (default: the first column's mean) over their items' ``columns``, or None without items.
    Cached, so a checkpoint shared by several arms (base, SFT) is resampled once."""
    tables = {ckpt: group[list(columns)].dropna().to_numpy(dtype=float)
              for ckpt, group in items.groupby("checkpoint_run_id")}
    cache: dict[tuple[str, ...], Interval | None] = {}

    def interval(checkpoints: Iterable[str]) -> Interval | None:
        key = tuple(sorted(set(checkpoints)))
        if key not in cache:
            groups = [tables[c] for c in key if c in tables and len(tables[c])]
            with np.errstate(divide="ignore", invalid="ignore"):
                cache[key] = hierarchical_bootstrap(groups, combine, n_boot=n_boot, seed=BOOT_SEED) if groups else None
        return cache[key]

    return interval


def bounds(iv: Interval | None) -> tuple[float, float]:
    """``(lo, hi)`` of an interval, NaN for none."""
    return (np.nan, np.nan) if iv is None else (iv.lo, iv.hi)


def error_bars(estimate: pd.Series, lo: pd.Series, hi: pd.Series) -> np.ndarray:
    """matplotlib ``yerr``/``xerr`` of intervals around ``estimate``: distances below and above, 0 where no
    interval was measured."""
    below = (estimate - lo).clip(lower=0).fillna(0.0)
    above = (hi - estimate).clip(lower=0).fillna(0.0)
    return np.vstack([below.to_numpy(dtype=float), above.to_numpy(dtype=float)])
