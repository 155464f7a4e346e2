"""Confidence intervals for the findings: a hierarchical bootstrap over seeds and, within each seed, items.

A finding's number (say the Target WR the accuracy-only arm loses) is a mean over seeds of a mean over eval items.
Its uncertainty has two sources: which seeds were run (training is stochastic) and which items were evaluated. The
bootstrap resamples both: seeds with replacement, then each drawn seed's items with replacement, and recomputes the
statistic; the percentile interval of the resamples is the confidence interval. With one seed only the items are
resampled (the interval then says nothing about seed-to-seed spread: :attr:`Interval.n_seeds` tells).

A claim's verdict compares the interval with the claim's threshold (:func:`verdict`): ``holds`` when the whole
interval is on the claim's side, ``not reproduced`` when the whole interval is on the other side, ``inconclusive``
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

N_BOOT = 2000
LEVEL = 0.95
HOLDS, NOT_REPRODUCED, INCONCLUSIVE = "holds", "not reproduced", "inconclusive"


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap percentile interval."""

    estimate: float
    lo: float
    hi: float
    n_seeds: int
    n_items: int  # items summed over seeds
    level: float = LEVEL
    n_boot: int = N_BOOT


def hierarchical_bootstrap(groups: Sequence[np.ndarray], combine: Callable[[np.ndarray], np.ndarray] | None = None,
                           *, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = 0, n_items: int | None = None,
                           n_seeds: int | None = None) -> Interval:
    """Bootstrap ``combine(mean over seeds of the per-seed column means)``.

    ``groups``: one array per seed, shape ``(items, k)`` (or ``(items,)`` for k = 1), rows paired across columns
    (the same item under the checkpoints compared). ``combine`` maps column means ``(..., k)`` to the statistic
    ``(...)``; default the first column's mean. Seeded: the same inputs give the same interval.

    ``n_items`` / ``n_seeds`` draw that many items per seed / seeds per resample instead of as many as there are:
    the interval a study of that size would get if items and seeds varied as these do (:func:`resolution`).

    >>> same = [np.full(50, 0.4), np.full(80, 0.4)]
    >>> iv = hierarchical_bootstrap(same)
    >>> round(iv.estimate, 6), round(iv.lo, 6), round(iv.hi, 6), iv.n_seeds, iv.n_items
    (0.4, 0.4, 0.4, 2, 130)
    >>> ratio = hierarchical_bootstrap([np.array([[1.0, 4.0], [1.0, 4.0]])], lambda m: m[..., 0] / m[..., 1])
    >>> ratio.estimate
    0.25
    """
    arrays = [np.asarray(g, dtype=float) for g in groups]
    arrays = [a.reshape(len(a), -1) for a in arrays if len(a)]
    if not arrays:
        raise ValueError("no items to bootstrap: every seed's table is empty")
    k = arrays[0].shape[1]
    if any(a.shape[1] != k for a in arrays):
        raise ValueError(f"every seed needs the same columns; got {[a.shape[1] for a in arrays]}")
    combine = combine or (lambda means: means[..., 0])
    rng = np.random.default_rng(seed)
    # per seed: the column means of n_boot resamples of its items, shape (n_boot, k)
    item_means = np.stack([a[rng.integers(len(a), size=(n_boot, n_items or len(a)))].mean(axis=1) for a in arrays],
                          axis=1)
    have = len(arrays)
    if have > 1:  # resample seeds too: (n_boot, n_seeds) seed indices into each resample's per-seed means
        picks = rng.integers(have, size=(n_boot, n_seeds or have))
        item_means = np.take_along_axis(item_means, picks[..., None], axis=1)
    stats = np.asarray(combine(item_means.mean(axis=1)), dtype=float)
    point = float(combine(np.mean([a.mean(axis=0) for a in arrays], axis=0)))
    alpha = (1.0 - level) / 2
    lo, hi = np.nanquantile(stats, [alpha, 1.0 - alpha])
    return Interval(point, float(lo), float(hi), n_seeds or have, sum(n_items or len(a) for a in arrays), level,
                    n_boot)


def resolution(groups: Sequence[np.ndarray], combine: Callable[[np.ndarray], np.ndarray] | None,
               n_items: Sequence[int], n_seeds: Sequence[int], n_boot: int = N_BOOT) -> list[dict[str, float]]:
    """Interval width of the statistic for studies of ``n_items`` eval items per seed x ``n_seeds`` seeds, with
    items and seeds varying as in ``groups`` (what eval n would resolve a claim; README "How sure we are").

    >>> rng = np.random.default_rng(1)
    >>> groups = [rng.integers(0, 2, 200).astype(float) for _ in range(3)]
    >>> rows = resolution(groups, None, [50, 800], [3], n_boot=500)
    >>> rows[0]["width"] > rows[1]["width"]
    True
    """
    out = []
    for s in n_seeds:
        for n in n_items:
            iv = hierarchical_bootstrap(groups, combine, n_boot=n_boot, n_items=n, n_seeds=s)
            out.append({"n_items": n, "n_seeds": s, "lo": iv.lo, "hi": iv.hi, "width": iv.hi - iv.lo})
    return out


def verdict(interval: Interval, threshold: float, above: bool) -> str:
    """``holds`` when the whole interval is on the claim's side of ``threshold`` (above it, or below it with
    ``above=False``; strictly), ``not reproduced`` when it is all on the other side, else ``inconclusive``.

    >>> verdict(Interval(0.5, 0.4, 0.6, 3, 300), 0.3, above=True)
    'holds'
    >>> verdict(Interval(0.2, 0.1, 0.25, 3, 300), 0.3, above=True)
    'not reproduced'
    >>> verdict(Interval(0.3, 0.2, 0.4, 3, 300), 0.3, above=True)
    'inconclusive'
    """
    lo, hi = (interval.lo, interval.hi) if above else (-interval.hi, -interval.lo)
    t = threshold if above else -threshold
    if lo > t:
        return HOLDS
    if hi <= t:
        return NOT_REPRODUCED
    return INCONCLUSIVE


def all_of(verdicts: Sequence[str]) -> str:
    """A claim made of clauses that must all hold.

    >>> all_of(["holds", "holds"]), all_of(["holds", "inconclusive"]), all_of(["inconclusive", "not reproduced"])
    ('holds', 'inconclusive', 'not reproduced')
    """
    if NOT_REPRODUCED in verdicts:
        return NOT_REPRODUCED
    return HOLDS if all(v == HOLDS for v in verdicts) else INCONCLUSIVE


def any_of(verdicts: Sequence[str]) -> str:
    """A claim made of alternatives (one clause holding suffices).

    >>> any_of(["not reproduced", "holds"]), any_of(["not reproduced", "inconclusive"])
    ('holds', 'inconclusive')
    """
    if HOLDS in verdicts:
        return HOLDS
    return NOT_REPRODUCED if all(v == NOT_REPRODUCED for v in verdicts) else INCONCLUSIVE
