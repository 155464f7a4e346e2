"""The eval numbers every analysis reads from the store: eval points (one per checkpoint x decoding) and per-item
means (what the bootstrap intervals resample), both of the current config's runs only."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.measure.peers import PEER_RATES


def eval_points(con: Any) -> pd.DataFrame:
    """Every eval point of the store (all splits and decodings; :func:`select_eval` picks one)."""
    return con.execute(
        "SELECT lang, seed, split, phase, checkpoint, arm, decoding, temperature, accuracy, target_wr, en_wr, n, "
        f"checkpoint_run_id, {', '.join(PEER_RATES)} FROM v_eval_points").df()


def item_means(con: Any, split: str, decoding: str, temperature: float | None) -> pd.DataFrame:
    """Per (lang, seed, checkpoint, item): mean correctness and Target WR over the item's samples, on the chosen
    split and decoding (items with an unparseable gold excluded, as everywhere)."""
    return con.execute(
        """
        SELECT lang, seed, split_part(checkpoint_run_id, '/', 3) AS checkpoint, item_id,
               avg(CAST(correct AS DOUBLE)) AS acc, avg(target_share) AS tgt
        FROM eval_samples
        WHERE split = ? AND decoding = ? AND temperature IS NOT DISTINCT FROM ? AND gold_ok IS NOT FALSE
          AND run_id IN (SELECT run_id FROM v_current_runs)
        GROUP BY ALL
        """, [split, decoding, temperature]).df()
