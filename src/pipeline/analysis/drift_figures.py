"""Figures of the GRPO training rollouts: the drift of accuracy and language shares per step (``v_drift``) and where
the chain of thought first leaves the target language (the ``rollouts`` of the current runs).

``plot_*`` draw and save a figure and return the data plotted; ``*_data`` return it without drawing, ``draw_*``
build the :class:`~matplotlib.figure.Figure` from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analysis.figure_data import (
    METRIC_LABELS,
    EmptyViewError,
    FigureOptionError,
    count_label,
    filter_rows,
    options_for,
    query,
)
from pipeline.analysis.plotting import STYLE, arm_styles, figure_legend, lang_title, new_figure, save_figure
from pipeline.store import connect_readonly

DRIFT_METRICS = ("accuracy", "target_wr", "en_wr")
BAND_LABELS = {"std": "band \u00b11 std", "minmax": "band min-max"}
MAX_STEP_BINS = 20  # switch_position: default bin width keeps at most this many bins


def drift_data(
    db_path: Path,
    *,
    smoothing: int = 1,
    band: str = "std",
    langs: Sequence[str] | None = None,
    arms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rollout accuracy / Target WR / EN WR per GRPO step from ``v_drift``, aggregated over seeds.

    ``smoothing`` > 1 applies a trailing rolling mean of that many logged steps to each seed's curve
    before aggregating. ``band``: ``std`` (mean +- sample std, clipped to [0, 1]) or ``minmax``.
    Columns: lang, arm, metric, step, mean, lo, hi, n_seeds.
    """
    if smoothing < 1:
        raise FigureOptionError(f"smoothing must be >= 1 (a window of logged steps), got {smoothing}")
    if band not in BAND_LABELS:
        raise FigureOptionError(f"band must be 'std' or 'minmax', got {band!r}")
    df = query(
        db_path,
        "v_drift",
        "SELECT lang, arm, seed, step, accuracy, target_wr, en_wr FROM v_drift",
        hint="ingest GRPO rollouts.parquet files first",
    )
    df = filter_rows(filter_rows(df, "lang", langs, "v_drift"), "arm", arms, "v_drift")
    df = df.sort_values(["lang", "arm", "seed", "step"])
    if smoothing > 1:
        grouped = df.groupby(["lang", "arm", "seed"], sort=False)[list(DRIFT_METRICS)]
        df[list(DRIFT_METRICS)] = grouped.transform(lambda s: s.rolling(smoothing, min_periods=1).mean())
    long = df.melt(id_vars=["lang", "arm", "seed", "step"], value_vars=list(DRIFT_METRICS), var_name="metric")
    agg = long.groupby(["lang", "arm", "metric", "step"], as_index=False)["value"].agg(
        mean="mean", std="std", vmin="min", vmax="max", n_seeds="count"
    )
    agg["std"] = agg["std"].fillna(0.0)
    if band == "std":
        agg["lo"] = (agg["mean"] - agg["std"]).clip(0.0, 1.0)
        agg["hi"] = (agg["mean"] + agg["std"]).clip(0.0, 1.0)
    else:
        agg["lo"], agg["hi"] = agg["vmin"], agg["vmax"]
    cols = ["lang", "arm", "metric", "step", "mean", "lo", "hi", "n_seeds"]
    return agg[cols].sort_values(["lang", "arm", "metric", "step"]).reset_index(drop=True)


def _seeds_title(lang: str, data: pd.DataFrame, note: str) -> str:
    """Panel title: the language, then how many seeds its curves pool and what the band is."""
    counts = data[data["lang"] == lang].groupby("arm")["n_seeds"].max()
    return f"{lang_title(lang)}\n{count_label(counts.tolist(), 'seed')}, {note}"


def draw_drift(data: pd.DataFrame, band: str = "std") -> Figure:
    """Metrics (rows) x languages (columns) vs GRPO step, one line + seed band (``band`` of :func:`drift_data`)
    per arm."""
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    note = BAND_LABELS[band]
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(DRIFT_METRICS), len(langs))
        axes = fig.subplots(len(DRIFT_METRICS), len(langs), squeeze=False, sharex="col", sharey=True)
        for col, lang in enumerate(langs):
            for row, metric in enumerate(DRIFT_METRICS):
                ax = axes[row][col]
                for arm, (color, _marker, linestyle) in styles.items():
                    cur = data[(data["lang"] == lang) & (data["arm"] == arm) & (data["metric"] == metric)]
                    if cur.empty:
                        continue
                    ax.plot(cur["step"], cur["mean"], color=color, linestyle=linestyle, label=arm)
                    ax.fill_between(cur["step"], cur["lo"], cur["hi"], color=color, alpha=0.2, linewidth=0)
                ax.set_ylim(-0.03, 1.03)
                if row == 0:
                    ax.set_title(_seeds_title(lang, data, note))
                if col == 0:
                    ax.set_ylabel(METRIC_LABELS[metric])
                if row == len(DRIFT_METRICS) - 1:
                    ax.set_xlabel("GRPO step")
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
    return fig


def plot_drift(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Drift figure (:func:`draw_drift`). ``opts`` go to :func:`drift_data` (see
    :func:`~pipeline.analysis.figure_data.options_for`); returns its DataFrame."""
    opts = options_for("drift", opts)
    data = drift_data(db_path, **opts)
    with matplotlib.rc_context(STYLE):
        save_figure(draw_drift(data, opts.get("band") or "std"), out_png, out_pdf)
    return data


_SWITCH_SQL = """
WITH current AS (SELECT DISTINCT run_id, lang, arm, seed FROM v_drift),
r AS (
  SELECT c.lang, c.arm, c.seed, (ro.step // ?) * ? AS step_lo, ro.first_switch_frac AS pos
  FROM rollouts ro JOIN current c ON c.run_id = ro.run_id
  WHERE ro.n_words IS NULL OR ro.n_words > 0)
SELECT lang, arm, step_lo, count(*) AS n_rollouts, count(pos) AS n_switched,
       quantile_cont(pos, 0.25) AS q25, quantile_cont(pos, 0.5) AS median, quantile_cont(pos, 0.75) AS q75,
       count(DISTINCT seed) AS n_seeds
FROM r GROUP BY lang, arm, step_lo
"""


def switch_position_data(
    db_path: Path,
    *,
    step_bin: int | None = None,
    langs: Sequence[str] | None = None,
    arms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Where the chain of thought first leaves the target language, per arm and bin of GRPO steps, pooled over
    the seeds' rollouts (of the current runs, as ``v_drift``; rollouts without counted words left out).

    The position is ``first_switch_frac``: the index of the first non-target word over the counted words (0 = the
    CoT starts outside the target language). A bin holds steps ``step_lo .. step_hi`` (``step_bin`` steps;
    default: wide enough for at most :data:`MAX_STEP_BINS` bins); ``step`` is its middle. Columns: lang, arm,
    step_lo, step_hi, step, n_rollouts, n_switched, switched_share (n_switched / n_rollouts), q25, median, q75 (of
    the position among switched rollouts; NaN when none switched), n_seeds, step_bin.
    """
    if step_bin is not None and step_bin < 1:
        raise FigureOptionError(f"step_bin must be >= 1 (GRPO steps per bin), got {step_bin}")
    hint = "ingest GRPO rollouts.parquet files first"
    with connect_readonly(db_path) as con:
        max_step = con.execute("SELECT max(step) FROM v_drift").fetchone()[0]
    if max_step is None:
        raise EmptyViewError(f"view v_drift in {db_path} has no rows; {hint}")
    width = int(step_bin or max(1, math.ceil((int(max_step) + 1) / MAX_STEP_BINS)))
    df = query(db_path, "rollouts", _SWITCH_SQL, [width, width], hint=hint)
    df = filter_rows(filter_rows(df, "lang", langs, "rollouts"), "arm", arms, "rollouts")
    df["step_hi"] = df["step_lo"] + width - 1
    df["step"] = df["step_lo"] + (width - 1) / 2
    df["switched_share"] = df["n_switched"] / df["n_rollouts"]
    df["step_bin"] = width
    cols = ["lang", "arm", "step_lo", "step_hi", "step", "n_rollouts", "n_switched", "switched_share", "q25",
            "median", "q75", "n_seeds", "step_bin"]
    return df[cols].sort_values(["lang", "arm", "step_lo"]).reset_index(drop=True)


SWITCH_ROWS = (("median", "First switch, share of CoT\n(median, IQR band)"), ("switched_share", "Rollouts switched"))


def draw_switch_position(data: pd.DataFrame) -> Figure:
    """First-switch position (median line, IQR band) and share of rollouts switched (rows) x languages (columns)
    vs GRPO step, one line per arm."""
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    width = int(data["step_bin"].iloc[0])
    note = "1 step per bin" if width == 1 else f"{width} steps per bin"
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(SWITCH_ROWS), len(langs))
        axes = fig.subplots(len(SWITCH_ROWS), len(langs), squeeze=False, sharex="col", sharey=True)
        for col, lang in enumerate(langs):
            for row, (column, label) in enumerate(SWITCH_ROWS):
                ax = axes[row][col]
                for arm, (color, marker, linestyle) in styles.items():
                    cur = data[(data["lang"] == lang) & (data["arm"] == arm)]
                    if cur.empty:
                        continue
                    ax.plot(cur["step"], cur[column], color=color, linestyle=linestyle, marker=marker,
                            markersize=2.5, label=arm)
                    if column == "median":
                        ax.fill_between(cur["step"], cur["q25"], cur["q75"], color=color, alpha=0.2, linewidth=0)
                ax.set_ylim(-0.03, 1.03)
                if row == 0:
                    ax.set_title(_seeds_title(lang, data, note))
                if col == 0:
                    ax.set_ylabel(label)
                if row == len(SWITCH_ROWS) - 1:
                    ax.set_xlabel("GRPO step")
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
    return fig


def plot_switch_position(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """First-switch figure (:func:`draw_switch_position`). ``opts`` go to :func:`switch_position_data`."""
    data = switch_position_data(db_path, **options_for("switch_position", opts))
    with matplotlib.rc_context(STYLE):
        save_figure(draw_switch_position(data), out_png, out_pdf)
    return data
