"""Figures of the held-out evaluation on one split and decoding: irreversibility (base -> SFT -> GRPO -> recovery,
``v_irreversibility``) and the accuracy / consistency trade-off of the GRPO arms (``v_tradeoff``).

Every point carries the 95% interval of :mod:`pipeline.analysis.eval_intervals` (hierarchical bootstrap over seeds
and items, as the findings): the error bars, ``lo`` / ``hi`` columns of the data. ``plot_*`` draw and save a figure
and return the data plotted; ``*_data`` return it without drawing, ``draw_*`` build the figure from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analysis.eval_intervals import bounds, error_bars, item_means, pooled_intervals
from pipeline.analysis.figure_data import METRIC_LABELS, STAGE_LABELS, count_label, eval_view, options_for
from pipeline.analysis.plotting import STYLE, arm_styles, eval_title, figure_legend, new_figure, save_figure

IRREVERSIBILITY_METRICS = ("target_wr", "accuracy")
INTERVAL_NOTE = "95% intervals"


def irreversibility_data(db_path: Path, **selection: Any) -> pd.DataFrame:
    """Target WR and accuracy at base -> SFT -> GRPO -> recovery per arm, mean and std over seeds and the 95%
    interval (``lo``, ``hi``; NaN without eval samples), on one eval split and decoding. ``selection``:
    ``split``, ``decoding``, ``temperature``, ``langs``, ``arms``
    (:func:`~pipeline.analysis.figure_data.eval_view`).

    Columns: lang, arm, stage_order, stage, metric, mean, std, lo, hi, n_seeds, split, decoding, temperature.
    """
    df, split, decoding, temperature = eval_view(
        db_path, "v_irreversibility",
        "lang, split, arm, seed, stage_order, stage, checkpoint_run_id, decoding, temperature, accuracy, target_wr",
        "ingest eval/{split}/*.json of base, sft, grpo_* and recovery_* checkpoints first", **selection)
    keys = ["lang", "arm", "stage_order", "stage"]
    long = df.melt(id_vars=[*keys, "seed"], value_vars=list(IRREVERSIBILITY_METRICS), var_name="metric")
    agg = long.groupby([*keys, "metric"], as_index=False)["value"].agg(mean="mean", std="std", n_seeds="count")
    agg["std"] = agg["std"].fillna(0.0)
    checkpoints = df.groupby(keys)["checkpoint_run_id"].agg(tuple)
    items = item_means(db_path, split, decoding, temperature)
    lookups = {metric: pooled_intervals(items, [metric]) for metric in IRREVERSIBILITY_METRICS}
    ivs = [bounds(lookups[r.metric](checkpoints[(r.lang, r.arm, r.stage_order, r.stage)])) for r in agg.itertuples()]
    agg["lo"], agg["hi"] = [lo for lo, _ in ivs], [hi for _, hi in ivs]
    agg["split"], agg["decoding"], agg["temperature"] = split, decoding, temperature
    cols = ["lang", "arm", "stage_order", "stage", "metric", "mean", "std", "lo", "hi", "n_seeds", "split",
            "decoding", "temperature"]
    return agg[cols].sort_values(["lang", "arm", "metric", "stage_order"]).reset_index(drop=True)


def pareto_front(x: pd.Series, y: pd.Series) -> pd.Series:
    """True where no other point is at least as good on both axes and better on one (maximising both)."""
    on_front = []
    for i in range(len(x)):
        dominated = any(
            x.iloc[j] >= x.iloc[i]
            and y.iloc[j] >= y.iloc[i]
            and (x.iloc[j] > x.iloc[i] or y.iloc[j] > y.iloc[i])
            for j in range(len(x))
            if j != i
        )
        on_front.append(not dominated)
    return pd.Series(on_front, index=x.index)


def tradeoff_data(db_path: Path, **selection: Any) -> pd.DataFrame:
    """Final GRPO accuracy vs Target WR per (lang, arm) on one eval split and decoding, seeds averaged, with their
    95% intervals and the Pareto flag. ``selection`` as for :func:`irreversibility_data`.

    Columns: lang, arm, accuracy, accuracy_std, accuracy_lo, accuracy_hi, target_wr, target_wr_std, target_wr_lo,
    target_wr_hi, n_seeds, pareto, split, decoding, temperature. Stds are 0 for a single seed.
    """
    df, split, decoding, temperature = eval_view(
        db_path, "v_tradeoff",
        "lang, split, arm, decoding, temperature, accuracy, accuracy_std, target_wr, target_wr_std, n_seeds",
        "ingest eval/{split}/grpo_*.json files first", **selection)
    df = df.drop(columns=["split", "decoding", "temperature"])
    df[["accuracy_std", "target_wr_std"]] = df[["accuracy_std", "target_wr_std"]].fillna(0.0)
    items = item_means(db_path, split, decoding, temperature)
    grpo = items[items["phase"] == "grpo"].groupby(["lang", "arm"])["checkpoint_run_id"].agg(tuple)
    for metric in ("accuracy", "target_wr"):
        lookup = pooled_intervals(items, [metric])
        ivs = [bounds(lookup(grpo.get((r.lang, r.arm), ()))) for r in df.itertuples()]
        df[f"{metric}_lo"], df[f"{metric}_hi"] = [lo for lo, _ in ivs], [hi for _, hi in ivs]
    df["pareto"] = False
    for _, idx in df.groupby("lang").groups.items():
        df.loc[idx, "pareto"] = pareto_front(df.loc[idx, "target_wr"], df.loc[idx, "accuracy"])
    df["split"], df["decoding"], df["temperature"] = split, decoding, temperature
    cols = ["lang", "arm", "accuracy", "accuracy_std", "accuracy_lo", "accuracy_hi", "target_wr", "target_wr_std",
            "target_wr_lo", "target_wr_hi", "n_seeds", "pareto", "split", "decoding", "temperature"]
    return df[cols].sort_values(["lang", "arm"]).reset_index(drop=True)


def panel_title(lang: str, data: pd.DataFrame) -> str:
    """Title of an eval panel: language, split and decoding, then how many seeds its points pool."""
    cur = data[data["lang"] == lang]
    return f"{eval_title(lang, cur.iloc[0])}\n{count_label(cur['n_seeds'].tolist(), 'seed')}, {INTERVAL_NOTE}"


def draw_irreversibility(data: pd.DataFrame) -> Figure:
    """Target WR and accuracy (rows) x languages (columns) across base -> SFT -> GRPO -> recovery, one line per
    arm, error bars = 95% intervals."""
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(IRREVERSIBILITY_METRICS), len(langs))
        axes = fig.subplots(len(IRREVERSIBILITY_METRICS), len(langs), squeeze=False, sharey=True)
        for col, lang in enumerate(langs):
            for row, metric in enumerate(IRREVERSIBILITY_METRICS):
                ax = axes[row][col]
                for i, (arm, (color, marker, linestyle)) in enumerate(styles.items()):
                    cur = data[(data["lang"] == lang) & (data["arm"] == arm) & (data["metric"] == metric)]
                    if cur.empty:
                        continue
                    offset = (i - (len(styles) - 1) / 2) * 0.06  # keep overlapping error bars apart
                    ax.errorbar(cur["stage_order"] + offset, cur["mean"],
                                yerr=error_bars(cur["mean"], cur["lo"], cur["hi"]), color=color, marker=marker,
                                linestyle=linestyle, capsize=2, label=arm)
                ax.set_xticks(list(STAGE_LABELS), list(STAGE_LABELS.values()))
                ax.set_xlim(0.5, len(STAGE_LABELS) + 0.5)  # room for the outer tick labels
                ax.set_ylim(-0.03, 1.03)
                if row == 0:
                    ax.set_title(panel_title(lang, data))
                if col == 0:
                    ax.set_ylabel(METRIC_LABELS[metric])
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
    return fig


def plot_irreversibility(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Irreversibility figure (:func:`draw_irreversibility`). ``opts`` go to :func:`irreversibility_data`."""
    data = irreversibility_data(db_path, **options_for("irreversibility", opts))
    with matplotlib.rc_context(STYLE):
        save_figure(draw_irreversibility(data), out_png, out_pdf)
    return data


def draw_tradeoff(data: pd.DataFrame) -> Figure:
    """Final GRPO accuracy vs Target WR per language, one point per arm with 95% intervals on both axes, and the
    Pareto frontier (dashed)."""
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    with matplotlib.rc_context(STYLE):
        fig = new_figure(1, len(langs), width=3.0, height=2.6)
        axes = fig.subplots(1, len(langs), squeeze=False)[0]
        for ax, lang in zip(axes, langs, strict=True):
            cur = data[data["lang"] == lang]
            front = cur[cur["pareto"]].sort_values("target_wr")
            ax.plot(front["target_wr"], front["accuracy"], color="0.5", linestyle="--", linewidth=1,
                    label="Pareto frontier", zorder=1)
            xerr = error_bars(cur["target_wr"], cur["target_wr_lo"], cur["target_wr_hi"])
            yerr = error_bars(cur["accuracy"], cur["accuracy_lo"], cur["accuracy_hi"])
            for i, row in enumerate(cur.itertuples(index=False)):
                color, marker, _linestyle = styles[row.arm]
                ax.errorbar(row.target_wr, row.accuracy, xerr=xerr[:, i:i + 1], yerr=yerr[:, i:i + 1], color=color,
                            marker=marker, markersize=6, capsize=2, label=row.arm, zorder=2)
            ax.set_xlim(-0.03, 1.03)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("Target WR")
            ax.set_ylabel("Accuracy")
            ax.set_title(panel_title(lang, data))
        figure_legend(fig, list(axes))
    return fig


def plot_tradeoff(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Trade-off figure (:func:`draw_tradeoff`). ``opts`` go to :func:`tradeoff_data`."""
    data = tradeoff_data(db_path, **options_for("tradeoff", opts))
    with matplotlib.rc_context(STYLE):
        save_figure(draw_tradeoff(data), out_png, out_pdf)
    return data
