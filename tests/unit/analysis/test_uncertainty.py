"""The hierarchical bootstrap behind the findings' intervals: coverage, what it resamples, verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.analysis.uncertainty import (
    HOLDS,
    INCONCLUSIVE,
    NOT_REPRODUCED,
    Interval,
    all_of,
    any_of,
    hierarchical_bootstrap,
    verdict,
)


def test_interval_covers_the_true_mean_about_as_often_as_it_says():
    """200 simulated experiments (3 seeds with a seed effect, 100 Bernoulli items each): the 95% interval of the
    mean contains the true mean in roughly 95% of them (a bootstrap with 3 seeds under-covers a little)."""
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(200):
        seeds = [rng.binomial(1, np.clip(0.4 + rng.normal(0, 0.05), 0, 1), size=100) for _ in range(3)]
        iv = hierarchical_bootstrap(seeds, n_boot=500, seed=int(rng.integers(1 << 30)))
        hits += iv.lo <= 0.4 <= iv.hi
    assert 0.75 <= hits / 200 <= 0.99, hits


def test_seed_spread_widens_the_interval_items_alone_do_not_see_it():
    rng = np.random.default_rng(2)
    alike = [rng.normal(0.5, 0.1, size=200) for _ in range(3)]
    apart = [a + shift for a, shift in zip(alike, (-0.2, 0.0, 0.2), strict=True)]
    narrow, wide = hierarchical_bootstrap(alike), hierarchical_bootstrap(apart)
    assert narrow.estimate == pytest.approx(wide.estimate)
    assert (wide.hi - wide.lo) > 5 * (narrow.hi - narrow.lo)
    one = hierarchical_bootstrap(apart[:1])  # one seed: only items are resampled
    assert one.n_seeds == 1 and one.hi - one.lo < wide.hi - wide.lo


def test_paired_columns_are_resampled_together():
    """A difference of two perfectly correlated columns has no uncertainty; resampled apart it would."""
    rng = np.random.default_rng(3)
    base = rng.normal(0.5, 0.2, size=300)
    groups = [np.column_stack([base + 0.1, base])]
    iv = hierarchical_bootstrap(groups, lambda m: m[..., 0] - m[..., 1])
    assert iv.estimate == pytest.approx(0.1) and iv.lo == pytest.approx(0.1) and iv.hi == pytest.approx(0.1)


def test_same_inputs_same_interval_and_bad_inputs_are_errors():
    data = [np.arange(10.0), np.arange(5.0)]
    assert hierarchical_bootstrap(data) == hierarchical_bootstrap(data)
    with pytest.raises(ValueError, match="no items"):
        hierarchical_bootstrap([np.array([])])
    with pytest.raises(ValueError, match="same columns"):
        hierarchical_bootstrap([np.zeros((3, 2)), np.zeros((3, 1))])


@pytest.mark.parametrize(("lo", "hi", "above", "expected"), [
    (0.35, 0.5, True, HOLDS), (0.3, 0.5, True, INCONCLUSIVE), (0.1, 0.3, True, NOT_REPRODUCED),
    (0.1, 0.29, False, HOLDS), (0.1, 0.3, False, INCONCLUSIVE), (0.3, 0.4, False, NOT_REPRODUCED),
])
def test_verdict_needs_the_whole_interval_past_the_threshold(lo, hi, above, expected):
    assert verdict(Interval((lo + hi) / 2, lo, hi, 3, 300), 0.3, above) == expected


def test_clauses_combine():
    assert all_of([HOLDS, HOLDS]) == HOLDS and all_of([HOLDS, NOT_REPRODUCED]) == NOT_REPRODUCED
    assert any_of([NOT_REPRODUCED, NOT_REPRODUCED]) == NOT_REPRODUCED and any_of([INCONCLUSIVE, HOLDS]) == HOLDS
