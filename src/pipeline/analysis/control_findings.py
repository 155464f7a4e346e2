"""Findings rows for decoding-time language controls, the eval temperature axis and rollout-controlled GRPO arms.

Every row is a paired contrast pooled over seeds, with a 95% hierarchical bootstrap interval over seeds and items
(:mod:`pipeline.analysis.uncertainty`): the same eval items of the same checkpoint (or of two arms trained from the
same warm-start) under two conditions.

* **decoding-time controls** (``eval.controls``, decodings ``<decoding>+<control>``): Target WR gained and accuracy
  changed by the control, on the warm-start and on the collapsed accuracy-only checkpoint; the claim "the control
  reduces the drift" holds when the collapsed checkpoint's Target WR gain lies above 0;
* **eval temperature** (``eval.temperatures``): Target WR at the lowest minus at the highest sampling temperature;
  "high-entropy decoding amplifies the drift" holds when it lies above 0;
* **rollout controls** (arm field ``rollout_control``): the arm minus the accuracy-only arm, Target WR and accuracy.

The accuracy changes say what each control costs: the performance-fidelity trade-off.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analysis.plotting import decoding_label
from pipeline.analysis.uncertainty import N_BOOT, hierarchical_bootstrap, verdict
from pipeline.store import connect_readonly


def _items(con: Any, split: str) -> pd.DataFrame:
    """Per (lang, seed, checkpoint, decoding, temperature, item): mean correctness and Target WR over samples."""
    return con.execute(
        """
        SELECT lang, seed, split_part(checkpoint_run_id, '/', 3) AS checkpoint, decoding, temperature, item_id,
               avg(CAST(correct AS DOUBLE)) AS acc, avg(target_share) AS tgt
        FROM eval_samples
        WHERE split = ? AND gold_ok IS NOT FALSE AND run_id IN (SELECT run_id FROM v_current_runs)
        GROUP BY ALL
        """, [split]).df()


def _rollout_arms(con: Any) -> pd.DataFrame:
    return con.execute(
        "SELECT lang, seed, arm, json_extract(params, '$.rollout_control') AS control FROM runs WHERE stage = 'grpo' "
        "AND json_extract(params, '$.rollout_control') IS NOT NULL AND run_id IN (SELECT run_id FROM v_current_runs)"
    ).df()


def _select(items: pd.DataFrame, checkpoint: str | dict[int, str], decoding: str, temperature: float | None
            ) -> pd.DataFrame:
    """Rows of one checkpoint (or one per seed: ``{seed: checkpoint}``) under one decoding."""
    sel = items[(items.decoding == decoding)
                & (items.temperature.isna() if temperature is None else np.isclose(items.temperature, temperature))]
    if isinstance(checkpoint, dict):
        return sel[[checkpoint.get(int(s)) == c for s, c in zip(sel.seed, sel.checkpoint, strict=True)]]
    return sel[sel.checkpoint == checkpoint]


def paired_contrast(a: pd.DataFrame, b: pd.DataFrame, n_boot: int = N_BOOT) -> dict[str, Any] | None:
    """``b - a`` in Target WR and accuracy, items paired within each seed; None when nothing pairs.

    >>> a = pd.DataFrame({"seed": [0, 0], "item_id": ["x", "y"], "acc": [1.0, 0.0], "tgt": [0.2, 0.4]})
    >>> b = a.assign(tgt=[0.8, 1.0], acc=[1.0, 1.0])
    >>> r = paired_contrast(a, b, n_boot=200)
    >>> round(r["target"], 3), round(r["accuracy"], 3), r["n_items"]
    (0.6, 0.5, 2)
    """
    groups = []
    for seed, mine in a.groupby("seed"):
        other = b[b.seed == seed]
        both = mine.set_index("item_id")[["acc", "tgt"]].join(
            other.set_index("item_id")[["acc", "tgt"]], lsuffix="_a", rsuffix="_b", how="inner").dropna()
        if len(both):
            groups.append(both[["acc_a", "tgt_a", "acc_b", "tgt_b"]].to_numpy())
    if not groups:
        return None
    tgt = hierarchical_bootstrap(groups, lambda m: m[..., 3] - m[..., 1], n_boot=n_boot)
    acc = hierarchical_bootstrap(groups, lambda m: m[..., 2] - m[..., 0], n_boot=n_boot)
    return {"target": tgt.estimate, "target_lo": tgt.lo, "target_hi": tgt.hi, "accuracy": acc.estimate,
            "accuracy_lo": acc.lo, "accuracy_hi": acc.hi, "n_seeds": tgt.n_seeds, "n_items": tgt.n_items,
            "verdict": verdict(tgt, 0.0, above=True)}


def _base_decodings(items: pd.DataFrame, temperature: float | None) -> Iterable[tuple[str, float | None]]:
    """Greedy, and sampled at the findings' temperature, when evaluated."""
    if (items.decoding == "greedy").any():
        yield "greedy", None
    if temperature is not None and ((items.decoding == "sampled") & np.isclose(items.temperature, temperature)).any():
        yield "sampled", temperature


def control_rows(db_path: str | Path, table: pd.DataFrame, n_boot: int = N_BOOT) -> pd.DataFrame:
    """Rows (kind ``control``, ``temperature``, ``rollout_control``) for every language of the findings
    ``table`` (:func:`pipeline.analysis.findings.findings_table`: its split, temperature, start and acc arm)."""
    sel = table.iloc[0]
    temperature = None if pd.isna(sel.temperature) else float(sel.temperature)
    con = connect_readonly(Path(db_path))
    try:
        items, rollout_arms = _items(con, sel.split), _rollout_arms(con)
    finally:
        con.close()
    rows: list[dict[str, Any]] = []
    for lang, seeds in table.groupby("lang"):
        mine = items[items.lang == lang]
        collapsed = {int(r.seed): f"grpo_{r.acc_arm}" for r in seeds.itertuples() if r.acc_arm}
        checkpoints = {"start": {int(r.seed): r.start for r in seeds.itertuples()}, "collapsed": collapsed}
        labels = sorted({d for d in mine.decoding.unique() if "+" in d})
        for base, temp in _base_decodings(mine, temperature):
            for label in labels:
                dec, control = label.split("+", 1)
                if dec != base:
                    continue
                for name, ck in checkpoints.items():
                    r = paired_contrast(_select(mine, ck, base, temp), _select(mine, ck, label, temp), n_boot)
                    if r:
                        rows.append({"lang": lang, "kind": "control", "condition": control, "checkpoint": name,
                                     "decoding": decoding_label(base, temp), **r})
        temps = sorted(t for t in mine.temperature.dropna().unique())
        for name, ck in checkpoints.items():
            for t in temps[1:]:  # hotter minus the coolest, as Target WR lost: paired (a = hot, b = cool)
                r = paired_contrast(_select(mine, ck, "sampled", t), _select(mine, ck, "sampled", temps[0]), n_boot)
                if r:
                    rows.append({"lang": lang, "kind": "temperature", "condition": f"T={temps[0]:g} vs T={t:g}",
                                 "checkpoint": name, "decoding": "sampled", **r})
        base, temp = sel.decoding, temperature  # rollout-controlled arms: under the findings' decoding
        for arm, grp in rollout_arms[rollout_arms.lang == lang].groupby("arm"):
            ck_arm = {int(s): f"grpo_{arm}" for s in grp.seed}
            r = paired_contrast(_select(mine, collapsed, base, temp), _select(mine, ck_arm, base, temp), n_boot)
            if r:
                rows.append({"lang": lang, "kind": "rollout_control", "condition": arm,
                             "checkpoint": json.dumps(json.loads(grp.control.iloc[0]), sort_keys=True),
                             "decoding": decoding_label(base, temp), **r})
    return pd.DataFrame(rows)


_HEAD = {
    "control": ("Decoding-time controls (eval.controls): each control minus no control on the same checkpoint and "
                "items. Target WR gained > 0 on the collapsed checkpoint = the control reduces the drift."),
    "temperature": ("Eval sampling temperature: Target WR at the lowest temperature minus at each higher one (the "
                    "Target WR a hotter decoding loses), accuracy likewise. > 0 = high-entropy decoding amplifies "
                    "the drift."),
    "rollout_control": ("Rollout controls (arm rollout_control): the arm minus the accuracy-only arm, both GRPO "
                        "from the same warm-start, on the same items."),
}


def controls_markdown(rows: pd.DataFrame) -> str:
    """One table per kind of row, each with its claim's verdict."""
    if rows.empty:
        return ""
    out = []
    for kind, head in _HEAD.items():
        part = rows[rows.kind == kind]
        if part.empty:
            continue
        metric = "Target WR lost" if kind == "temperature" else "Target WR gained"
        out += [head, "", f"| lang | condition | checkpoint | decoding | {metric} [95% CI] | accuracy change [95% CI] "
                "| seeds / items | verdict |", "|---|---|---|---|---|---|---|---|"]
        for r in part.itertuples():
            acc = (f"{-r.accuracy:.3f} [{-r.accuracy_hi:.3f}, {-r.accuracy_lo:.3f}]" if kind == "temperature"
                   else f"{r.accuracy:.3f} [{r.accuracy_lo:.3f}, {r.accuracy_hi:.3f}]")
            out.append(f"| {r.lang} | {r.condition} | {r.checkpoint} | {r.decoding} | {r.target:.3f} "
                       f"[{r.target_lo:.3f}, {r.target_hi:.3f}] | {acc} | {int(r.n_seeds)} / {int(r.n_items)} | "
                       f"{r.verdict} |")
        out.append("")
    return "\n".join(out)
