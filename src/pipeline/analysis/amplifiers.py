"""Amplifier sweeps: how much Target WR accuracy-only GRPO takes away, and how much accuracy it adds, as one factor
of the GRPO stage varies (config ``amplifiers:``; README "What you will see").

Each sweep is a list of points ``{"x", "value", "arm"}`` (:func:`pipeline.arms.amplifier_arms`): GRPO arms that are
the reference arm with one field changed, all trained from the same warm-start of each seed. So every contrast is
paired twice: the same seed's warm-start, and the same eval items. Per point and seed:

* ``target_lost`` = Target WR of the warm-start minus Target WR of the point's GRPO checkpoint;
* ``accuracy_gained`` = accuracy of the GRPO checkpoint minus the warm-start's.

Both pooled over seeds carry a hierarchical bootstrap interval over seeds and items
(:mod:`pipeline.analysis.uncertainty`), and the sweep's claim "the factor amplifies the drift" is the contrast
``target_lost(highest x) - target_lost(lowest x)``: *holds* when its interval lies above 0, *not reproduced* when it
lies below, *inconclusive* otherwise.

    python -m pipeline.analysis.amplifiers DB PNG PDF CSV --name difficulty \
        --points '[{"x": 1, "arm": "difficulty_1"}, {"x": 3, "arm": "difficulty_3"}]'
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd

from pipeline.analysis.figure_data import decoding_arg
from pipeline.analysis.plotting import OKABE_ITO, STYLE, decoding_label, new_figure, save_figure
from pipeline.analysis.points import eval_points, item_means
from pipeline.analysis.uncertainty import N_BOOT, hierarchical_bootstrap, verdict
from pipeline.store import connect_readonly


class AmplifierError(ValueError):
    """A sweep whose arms are missing from the store (not trained or not ingested yet)."""


def _seeds_items(items: pd.DataFrame, lang: str, start: str, arm: str) -> list[np.ndarray]:
    """Per seed, the items paired between the warm-start and ``grpo_{arm}``: columns start acc, start tgt, arm acc,
    arm tgt."""
    groups = []
    for _, mine in items[items.lang == lang].groupby("seed"):
        a = mine[mine.checkpoint == start].set_index("item_id")[["acc", "tgt"]]
        b = mine[mine.checkpoint == f"grpo_{arm}"].set_index("item_id")[["acc", "tgt"]]
        both = a.join(b, lsuffix="_start", rsuffix="_arm", how="inner").dropna()
        if len(both):
            groups.append(both[["acc_start", "tgt_start", "acc_arm", "tgt_arm"]].to_numpy())
    return groups


def sweep_table(db_path: str | Path, points: list[dict[str, Any]], split: str | None = None,
                decoding: str | None = None, temperature: float | None = None, start: str = "sft",
                n_boot: int = N_BOOT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per lang/seed/point numbers, per lang/point pooled intervals plus one ``contrast`` row per lang)."""
    from pipeline.analysis.figures import select_eval

    con = connect_readonly(Path(db_path))
    try:
        pts = eval_points(con)
        pts, split, decoding, temperature = select_eval(pts, "v_eval_points", split, decoding, temperature)
        items = item_means(con, split, decoding, temperature)
    finally:
        con.close()
    arms = [p["arm"] for p in points]
    have = set(pts.checkpoint)
    missing = [a for a in arms if f"grpo_{a}" not in have]
    if missing or start not in have:
        raise AmplifierError(f"{db_path}: no evaluation of {[f'grpo_{a}' for a in missing] or [start]}; train and "
                             "ingest the sweep's arms first (snakemake amplifier_sweeps with the sweep enabled)")
    rows, pooled = [], []
    for lang in sorted(pts.lang.unique()):
        for p in points:
            for seed, grp in pts[pts.lang == lang].groupby("seed"):
                s = grp[grp.checkpoint == start]
                a = grp[grp.checkpoint == f"grpo_{p['arm']}"]
                if s.empty or a.empty:
                    continue
                s, a = s.iloc[0], a.iloc[0]
                rows.append({"lang": lang, "seed": int(seed), "x": p["x"], "value": json.dumps(p.get("value")),
                             "arm": p["arm"], "start_target_wr": s.target_wr, "start_accuracy": s.accuracy,
                             "target_wr": a.target_wr, "accuracy": a.accuracy,
                             "target_lost": s.target_wr - a.target_wr, "accuracy_gained": a.accuracy - s.accuracy,
                             "split": split, "decoding": decoding, "temperature": temperature})
            groups = _seeds_items(items, lang, start, p["arm"])
            if not groups:
                continue
            lost = hierarchical_bootstrap(groups, lambda m: m[..., 1] - m[..., 3], n_boot=n_boot)
            gained = hierarchical_bootstrap(groups, lambda m: m[..., 2] - m[..., 0], n_boot=n_boot)
            pooled.append({"lang": lang, "x": p["x"], "arm": p["arm"], "row": "point",
                           "target_lost": lost.estimate, "target_lost_lo": lost.lo, "target_lost_hi": lost.hi,
                           "accuracy_gained": gained.estimate, "accuracy_gained_lo": gained.lo,
                           "accuracy_gained_hi": gained.hi, "n_seeds": lost.n_seeds, "n_items": lost.n_items})
        pooled.extend(_contrast(items, lang, start, points, n_boot))
    return pd.DataFrame(rows), pd.DataFrame(pooled)


def _contrast(items: pd.DataFrame, lang: str, start: str, points: list[dict[str, Any]], n_boot: int
              ) -> list[dict[str, Any]]:
    """``target_lost(highest x) - target_lost(lowest x)`` (= Target WR at the lowest minus at the highest x) and
    the same for accuracy gained, paired by seed and item, with the verdict of "amplifies"."""
    lo_p, hi_p = min(points, key=lambda p: p["x"]), max(points, key=lambda p: p["x"])
    groups = []
    for _, mine in items[items.lang == lang].groupby("seed"):
        cols = []
        for arm in (lo_p["arm"], hi_p["arm"]):
            cols.append(mine[mine.checkpoint == f"grpo_{arm}"].set_index("item_id")[["acc", "tgt"]])
        both = cols[0].join(cols[1], lsuffix="_lo", rsuffix="_hi", how="inner").dropna()
        if len(both):
            groups.append(both[["acc_lo", "tgt_lo", "acc_hi", "tgt_hi"]].to_numpy())
    if not groups:
        return []
    lost = hierarchical_bootstrap(groups, lambda m: m[..., 1] - m[..., 3], n_boot=n_boot)
    gained = hierarchical_bootstrap(groups, lambda m: m[..., 2] - m[..., 0], n_boot=n_boot)
    return [{"lang": lang, "x": hi_p["x"], "x_low": lo_p["x"], "arm": hi_p["arm"], "arm_low": lo_p["arm"],
             "row": "contrast", "target_lost": lost.estimate, "target_lost_lo": lost.lo, "target_lost_hi": lost.hi,
             "accuracy_gained": gained.estimate, "accuracy_gained_lo": gained.lo, "accuracy_gained_hi": gained.hi,
             "n_seeds": lost.n_seeds, "n_items": lost.n_items, "verdict": verdict(lost, 0.0, above=True)}]


PANELS = (("target_lost", "Target WR lost (SFT -> GRPO)"), ("accuracy_gained", "accuracy gained (SFT -> GRPO)"))


def plot_sweep(table: pd.DataFrame, pooled: pd.DataFrame, label: str, out_png: Path, out_pdf: Path
               ) -> pd.DataFrame:
    """Two panels per language vs the factor: Target WR lost and accuracy gained; dots are seeds, the line the
    pooled estimate with its 95% interval as error bars. Returns what it drew."""
    langs = sorted(table.lang.unique())
    drawn = []
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(langs), len(PANELS), width=3.0, height=2.4)
        axes = fig.subplots(len(langs), len(PANELS), squeeze=False)
        for r, lang in enumerate(langs):
            cur = table[table.lang == lang]
            pts = pooled[(pooled.lang == lang) & (pooled.row == "point")].sort_values("x")
            n_seeds = cur.seed.nunique()
            for c, (metric, ylabel) in enumerate(PANELS):
                ax = axes[r][c]
                ax.scatter(cur.x, cur[metric], color=OKABE_ITO[0], alpha=0.4, s=14, label="one seed")
                err = np.vstack([pts[metric] - pts[f"{metric}_lo"], pts[f"{metric}_hi"] - pts[metric]])
                ax.errorbar(pts.x, pts[metric], yerr=err, color=OKABE_ITO[5], marker="o", capsize=3,
                            label=f"pooled, 95% CI ({n_seeds} seed{'s' if n_seeds != 1 else ''})")
                ax.axhline(0.0, color="0.6", lw=0.8)
                ax.set_xlabel(label)
                ax.set_ylabel(ylabel)
                ax.set_xticks(sorted(cur.x.unique()))
                drawn += [{"lang": lang, "metric": metric, "x": x, "estimate": e, "lo": lo, "hi": hi}
                          for x, e, lo, hi in zip(pts.x, pts[metric], pts[f"{metric}_lo"], pts[f"{metric}_hi"],
                                                  strict=True)]
            sel = cur.iloc[0]
            axes[r][0].set_title(f"{lang}, {sel.split}, {decoding_label(sel.decoding, sel.temperature)}", loc="left")
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=2)
        save_figure(fig, out_png, out_pdf)
    return pd.DataFrame(drawn)


def sweep_markdown(name: str, label: str, pooled: pd.DataFrame) -> str:
    """One table per sweep: pooled numbers per point and the contrast with its verdict."""
    lines = [f"Amplifier sweep `{name}` ({label}): accuracy-only GRPO from the same warm-start, one factor varied; "
             "pooled over seeds, 95% hierarchical bootstrap intervals.", "",
             "| lang | x | arm | Target WR lost [95% CI] | accuracy gained [95% CI] | seeds / items | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in pooled.itertuples():
        x = f"{r.x:g} vs {r.x_low:g}" if r.row == "contrast" else f"{r.x:g}"
        arm = f"{r.arm} - {r.arm_low}" if r.row == "contrast" else r.arm
        ver = f"amplifies: **{r.verdict}**" if r.row == "contrast" else ""
        lines.append(f"| {r.lang} | {x} | {arm} | {r.target_lost:.3f} [{r.target_lost_lo:.3f}, "
                     f"{r.target_lost_hi:.3f}] | {r.accuracy_gained:.3f} [{r.accuracy_gained_lo:.3f}, "
                     f"{r.accuracy_gained_hi:.3f}] | {int(r.n_seeds)} / {int(r.n_items)} | {ver} |")
    return "\n".join(lines) + "\n"


def write_sweep(db: str | Path, name: str, spec: dict[str, Any], out_png: Path, out_pdf: Path, out_csv: Path,
                **selection: Any) -> pd.DataFrame:
    """Table (CSV: per-seed rows then pooled rows), figure and the pooled frame of one sweep."""
    table, pooled = sweep_table(db, spec["points"], **selection)
    Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
    pd.concat([table.assign(row="seed"), pooled], ignore_index=True).to_csv(out_csv, index=False)
    plot_sweep(table, pooled, spec.get("label") or spec.get("field", name), Path(out_png), Path(out_pdf))
    return pooled


def main(argv: list[str] | None = None) -> int:
    """CLI: draw one sweep's figure and write its table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("pdf", type=Path)
    ap.add_argument("csv", type=Path)
    ap.add_argument("--name", required=True)
    ap.add_argument("--label", default=None)
    ap.add_argument("--points", required=True, help='JSON list of {"x": number, "arm": name}')
    ap.add_argument("--split", default=None)
    ap.add_argument("--decoding", default=None, type=decoding_arg)
    ap.add_argument("--temperature", type=float, default=None)
    args = ap.parse_args(argv)
    spec = {"points": json.loads(args.points), "label": args.label or args.name}
    pooled = write_sweep(args.db, args.name, spec, args.png, args.pdf, args.csv, split=args.split,
                         decoding=args.decoding, temperature=args.temperature)
    print(sweep_markdown(args.name, spec["label"], pooled), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
