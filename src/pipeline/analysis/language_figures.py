"""Accuracy split by the language the model reasoned in, per checkpoint (``v_correct_by_language``), on one eval
split and decoding: is a chain of thought that stays in the target language less often right than one that drifts?

A sample's chain of thought counts as in the target language when its target word share is >= 0.5 (the view's
``in_target``). Each point pools the seeds' samples and carries the 95% interval of
:mod:`pipeline.analysis.eval_intervals` (hierarchical bootstrap over seeds and items; the statistic is the pooled
share correct among the samples in that language, a ratio of item means).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analysis.eval_figures import panel_title
from pipeline.analysis.eval_intervals import bounds, error_bars, item_language_counts, pooled_intervals, ratio
from pipeline.analysis.figure_data import (
    STAGE_LABELS,
    STAGE_ORDER,
    EmptyViewError,
    filter_rows,
    options_for,
    query,
    select_eval,
)
from pipeline.analysis.plotting import STYLE, arm_styles, figure_legend, new_figure, save_figure

VIEW = "v_correct_by_language"
# The chain-of-thought languages the figure separates (``in_target`` of the view) and their row labels.
COT_LABELS = {"target": "Accuracy, CoT in\ntarget language", "other": "Accuracy, CoT not in\ntarget language"}


def accuracy_by_language_data(db_path: Path, *, split: str | None = None, decoding: str | None = None,
                              temperature: float | None = None, langs: Sequence[str] | None = None,
                              arms: Sequence[str] | None = None) -> pd.DataFrame:
    """Per checkpoint (base, SFT, each arm's GRPO and recovery) and chain-of-thought language (``cot``:
    ``target`` / ``other``): the share of correct samples pooled over seeds from ``v_correct_by_language``
    (``accuracy = n_correct / n``), with the 95% interval (``lo``, ``hi``). Base and SFT, shared by the arms, are
    repeated for each arm of their language (as in ``v_irreversibility``); a checkpoint without a sample in that
    language has no row. Options as :func:`~pipeline.analysis.eval_figures.irreversibility_data`.

    Columns: lang, arm, stage_order, stage, checkpoint, cot, accuracy, lo, hi, n, n_correct, n_seeds, split,
    decoding, temperature.
    """
    df = query(db_path, VIEW, f"SELECT checkpoint_run_id, lang, seed, split, arm, stage, decoding, temperature, "
               f"correct, in_target, n FROM {VIEW} WHERE stage IS NOT NULL",
               hint="ingest eval/{split}/*.parquet (eval samples) first")
    df, split, decoding, temperature = select_eval(df, VIEW, split, decoding, temperature)
    df = filter_rows(df, "lang", langs, VIEW).copy()
    df["cot"] = df["in_target"].map({True: "target", False: "other"})
    df["n_correct"] = df["n"].where(df["correct"], 0)
    keys = ["lang", "stage", "arm", "cot"]
    cells = df.groupby(["checkpoint_run_id", "seed", *keys], dropna=False, as_index=False)[["n", "n_correct"]].sum()
    # every seed's checkpoint run pools (and is resampled), also one without a sample in that language
    pooled = cells.groupby(keys, dropna=False, as_index=False).agg(
        n=("n", "sum"), n_correct=("n_correct", "sum"), n_seeds=("seed", "nunique"),
        checkpoints=("checkpoint_run_id", tuple))
    pooled = pooled[pooled["n"] > 0]
    pooled["accuracy"] = pooled["n_correct"] / pooled["n"]
    items = item_language_counts(db_path, split, decoding, temperature)
    lookups = {cot: pooled_intervals(items, [f"{cot}_correct", f"{cot}_n"], ratio) for cot in COT_LABELS}
    ivs = [bounds(lookups[r.cot](r.checkpoints)) for r in pooled.itertuples()]
    pooled["lo"], pooled["hi"] = [lo for lo, _ in ivs], [hi for _, hi in ivs]
    pooled["checkpoint"] = [c[0].rsplit("/", 1)[-1] for c in pooled["checkpoints"]]
    # the checkpoints every arm shares (base, SFT: no arm) once per arm of their language
    arms_of = pooled.dropna(subset=["arm"]).groupby("lang")["arm"].unique()
    shared = pooled[pooled["arm"].isna()].drop(columns="arm")
    shared = shared.merge(arms_of.explode().rename("arm").reset_index(), on="lang")
    data = pd.concat([pooled.dropna(subset=["arm"]), shared], ignore_index=True)
    data = filter_rows(data, "arm", arms, VIEW)
    if data.empty:
        raise EmptyViewError(f"view {VIEW} in {db_path} has no GRPO arm on split {split!r}, {decoding}; ingest "
                             "the eval samples of grpo_* checkpoints first")
    data["stage_order"] = data["stage"].map(STAGE_ORDER)
    data["split"], data["decoding"], data["temperature"] = split, decoding, temperature
    cols = ["lang", "arm", "stage_order", "stage", "checkpoint", "cot", "accuracy", "lo", "hi", "n", "n_correct",
            "n_seeds", "split", "decoding", "temperature"]
    return data[cols].sort_values(["lang", "arm", "cot", "stage_order"]).reset_index(drop=True)


def draw_accuracy_by_language(data: pd.DataFrame) -> Figure:
    """Accuracy of the samples reasoning in the target language and of the others (rows) x languages (columns)
    across base -> SFT -> GRPO -> recovery, one line per arm, error bars = 95% intervals."""
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(COT_LABELS), len(langs))
        axes = fig.subplots(len(COT_LABELS), len(langs), squeeze=False, sharey=True)
        for col, lang in enumerate(langs):
            for row, (cot, label) in enumerate(COT_LABELS.items()):
                ax = axes[row][col]
                for i, (arm, (color, marker, linestyle)) in enumerate(styles.items()):
                    cur = data[(data["lang"] == lang) & (data["arm"] == arm) & (data["cot"] == cot)]
                    if cur.empty:
                        continue
                    offset = (i - (len(styles) - 1) / 2) * 0.06  # keep overlapping error bars apart
                    ax.errorbar(cur["stage_order"] + offset, cur["accuracy"],
                                yerr=error_bars(cur["accuracy"], cur["lo"], cur["hi"]), color=color, marker=marker,
                                linestyle=linestyle, capsize=2, label=arm)
                ax.set_xticks(list(STAGE_LABELS), list(STAGE_LABELS.values()))
                ax.set_xlim(0.5, len(STAGE_LABELS) + 0.5)
                ax.set_ylim(-0.03, 1.03)
                if row == 0:
                    ax.set_title(panel_title(lang, data))
                if col == 0:
                    ax.set_ylabel(label)
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
    return fig


def plot_accuracy_by_language(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Accuracy-by-language figure (:func:`draw_accuracy_by_language`). ``opts`` go to
    :func:`accuracy_by_language_data`."""
    data = accuracy_by_language_data(db_path, **options_for("accuracy_by_language", opts))
    with matplotlib.rc_context(STYLE):
        save_figure(draw_accuracy_by_language(data), out_png, out_pdf)
    return data
