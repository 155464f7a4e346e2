"""Paper figures drawn only from the results store's views (matplotlib Agg, PNG + PDF).

    python -m pipeline.analysis.figures drift DB PNG PDF [--smoothing 5] [--band std|minmax] [--data drift.csv]
    python -m pipeline.analysis.figures irreversibility DB PNG PDF [--split test] [--decoding sampled] [--temperature 1]
    python -m pipeline.analysis.figures tradeoff DB PNG PDF [--split test] [--decoding sampled] [--temperature 1]
    python -m pipeline.analysis.figures all DB OUTDIR           # OUTDIR/{drift,irreversibility,tradeoff}.{png,pdf}

Every ``plot_*`` function returns the exact data it plotted (a tidy DataFrame) so tests check the
data behind the figure, not pixels; the ``*_data`` functions return the same without drawing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd

from pipeline import layout
from pipeline.analysis.plotting import (
    STYLE,
    arm_styles,
    eval_title,
    figure_legend,
    lang_title,
    new_figure,
    save_figure,
)
from pipeline.store import StoreMissingError, StoreVersionError, connect_readonly

METRIC_LABELS = {"accuracy": "Accuracy", "target_wr": "Target WR", "en_wr": "EN WR"}
DRIFT_METRICS = ("accuracy", "target_wr", "en_wr")
PHASE_LABELS = {"base": "base", "sft": "SFT", "grpo": "GRPO", "recovery": "recovery"}
STAGE_LABELS = {i: PHASE_LABELS[phase] for i, phase in enumerate(layout.PHASES, start=1)}  # v_*.stage_order


class EmptyViewError(ValueError):
    """A view (after the requested filters) holds no rows, so there is nothing to plot."""


class FigureOptionError(ValueError):
    """An option that does not fit the data in the store (unknown language, arm, split or decoding)."""


# The one eval split and decoding that the eval figures and the findings (pipeline.analysis.findings) show: these
# options of the ``figures:`` config, resolved by select_eval (the decoding rule is _select_decoding's).
EVAL_SELECTION = ("split", "decoding", "temperature")
# Options each figure takes. A plot_* function also accepts (and ignores) the other figures' options, so
# one ``figures:`` config mapping can be passed to every figure; an unknown key is an error.
FIGURE_OPTIONS: dict[str, tuple[str, ...]] = {
    "drift": ("smoothing", "band", "langs", "arms"),
    "irreversibility": (*EVAL_SELECTION, "langs", "arms"),
    "tradeoff": (*EVAL_SELECTION, "langs", "arms"),
}


def options_for(figure: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``opts`` that ``figure`` uses; unknown option names raise :class:`FigureOptionError`."""
    known = sorted({name for names in FIGURE_OPTIONS.values() for name in names})
    unknown = sorted(set(opts) - set(known))
    if unknown:
        raise FigureOptionError(f"unknown figure option(s) {unknown}; known options: {known}")
    return {k: v for k, v in opts.items() if k in FIGURE_OPTIONS[figure]}


def eval_selection(opts: dict[str, Any]) -> dict[str, Any]:
    """``split``, ``decoding`` and ``temperature`` of a ``figures:`` options mapping (None when unset), as the
    findings take them; unknown option names raise :class:`FigureOptionError`."""
    options_for("irreversibility", opts)
    return {name: opts.get(name) for name in EVAL_SELECTION}


# -- data -------------------------------------------------------------------------------------------
def _query(db_path: Path, view: str, sql: str, params: Sequence[Any] = (), hint: str = "") -> pd.DataFrame:
    with connect_readonly(db_path) as con:
        df = con.execute(sql, list(params)).df()
    if df.empty:
        raise EmptyViewError(f"view {view} in {db_path} has no rows; {hint}".rstrip("; "))
    return df


def _filter(df: pd.DataFrame, column: str, wanted: Sequence[str] | None, view: str) -> pd.DataFrame:
    if not wanted:
        return df
    available = sorted(df[column].dropna().unique())
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise FigureOptionError(f"{column} {unknown} not in {view}; available: {available}")
    return df[df[column].isin(wanted)]


def _select_split(df: pd.DataFrame, view: str, split: str | None) -> tuple[pd.DataFrame, str]:
    """Rows of one eval split: ``split``, else the only split in the view. Several splits and none chosen is
    an error: a figure never averages over different test sets."""
    available = sorted(df["split"].dropna().unique())
    if split is None:
        if len(available) > 1:
            raise FigureOptionError(
                f"{view} holds evaluations on several splits {available}; choose one with split=... "
                "(config figures.split, CLI --split)"
            )
        split = available[0]
    elif split not in available:
        raise FigureOptionError(f"split {split!r} not in {view}; available: {available}")
    return df[df["split"] == split], split


def _select_decoding(
    df: pd.DataFrame, view: str, decoding: str | None, temperature: float | None
) -> tuple[pd.DataFrame, str, float | None]:
    """Rows of one (decoding, temperature). ``decoding`` None: ``greedy`` when evaluated, else ``sampled``; a
    ``temperature`` alone means sampled. ``temperature`` None: the only one evaluated for that decoding, or the
    highest when several were sampled (1.0, the GRPO rollouts' temperature, in every shipped config)."""
    temps = df["temperature"].astype(object).where(df["temperature"].notna(), None)
    options = sorted(
        set(zip(df["decoding"], temps, strict=True)), key=lambda p: (p[0], -1.0 if p[1] is None else p[1])
    )
    if decoding is None:
        decoding = "greedy" if temperature is None and any(d == "greedy" for d, _ in options) else "sampled"
    chosen = [p for p in options if p[0] == decoding and (temperature is None or p[1] == temperature)]
    if not chosen:
        raise FigureOptionError(
            f"no evaluation in {view} matches decoding={decoding!r} temperature={temperature!r}; "
            f"available (decoding, temperature): {options}"
        )
    decoding, temperature = chosen[-1]
    mask = (df["decoding"] == decoding) & (temps.isna() if temperature is None else temps == temperature)
    return df[mask], decoding, temperature


def select_eval(df: pd.DataFrame, view: str, split: str | None = None, decoding: str | None = None,
                temperature: float | None = None) -> tuple[pd.DataFrame, str, str, float | None]:
    """Rows of one eval split (:func:`_select_split`) and one decoding (:func:`_select_decoding`), with the
    split, decoding and temperature chosen: the one definition the eval figures and the findings share."""
    df, split = _select_split(df, view, split)
    df, decoding, temperature = _select_decoding(df, view, decoding, temperature)
    return df, split, decoding, temperature


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
    if band not in ("std", "minmax"):
        raise FigureOptionError(f"band must be 'std' or 'minmax', got {band!r}")
    df = _query(
        db_path,
        "v_drift",
        "SELECT lang, arm, seed, step, accuracy, target_wr, en_wr FROM v_drift",
        hint="ingest GRPO rollouts.parquet files first",
    )
    df = _filter(_filter(df, "lang", langs, "v_drift"), "arm", arms, "v_drift")
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


def _eval_view(db_path: Path, view: str, columns: str, hint: str, *, split: str | None = None,
               decoding: str | None = None, temperature: float | None = None, langs: Sequence[str] | None = None,
               arms: Sequence[str] | None = None) -> tuple[pd.DataFrame, str, str, float | None]:
    """Rows of an eval view for one split and one decoding (:func:`select_eval`), filtered to ``langs`` and
    ``arms``; with the split, decoding and temperature chosen."""
    df = _query(db_path, view, f"SELECT {columns} FROM {view}", hint=hint)
    df, split, decoding, temperature = select_eval(df, view, split, decoding, temperature)
    df = _filter(_filter(df, "lang", langs, view), "arm", arms, view)
    return df, split, decoding, temperature


def irreversibility_data(db_path: Path, **selection: Any) -> pd.DataFrame:
    """Target WR and accuracy at base -> SFT -> GRPO -> recovery per arm, mean and std over seeds, on one eval
    split and decoding. ``selection``: ``split``, ``decoding``, ``temperature``, ``langs``, ``arms``
    (:func:`_eval_view`).

    Columns: lang, arm, stage_order, stage, metric, mean, std, n_seeds, split, decoding, temperature.
    """
    df, split, decoding, temperature = _eval_view(
        db_path, "v_irreversibility",
        "lang, split, arm, seed, stage_order, stage, decoding, temperature, accuracy, target_wr",
        "ingest eval/{split}/*.json of base, sft, grpo_* and recovery_* checkpoints first", **selection)
    long = df.melt(
        id_vars=["lang", "arm", "seed", "stage_order", "stage"],
        value_vars=["target_wr", "accuracy"],
        var_name="metric",
    )
    agg = long.groupby(["lang", "arm", "stage_order", "stage", "metric"], as_index=False)["value"].agg(
        mean="mean", std="std", n_seeds="count"
    )
    agg["std"] = agg["std"].fillna(0.0)
    agg["split"], agg["decoding"], agg["temperature"] = split, decoding, temperature
    return agg.sort_values(["lang", "arm", "metric", "stage_order"]).reset_index(drop=True)


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
    """Final GRPO accuracy vs Target WR per (lang, arm) on one eval split and decoding, seeds averaged, with the
    Pareto flag. ``selection`` as for :func:`irreversibility_data`.

    Columns: lang, arm, accuracy, accuracy_std, target_wr, target_wr_std, n_seeds, pareto, split, decoding,
    temperature. Stds are 0 for a single seed.
    """
    df, split, decoding, temperature = _eval_view(
        db_path, "v_tradeoff",
        "lang, split, arm, decoding, temperature, accuracy, accuracy_std, target_wr, target_wr_std, n_seeds",
        "ingest eval/{split}/grpo_*.json files first", **selection)
    df = df.drop(columns=["split", "decoding", "temperature"])
    df[["accuracy_std", "target_wr_std"]] = df[["accuracy_std", "target_wr_std"]].fillna(0.0)
    df["pareto"] = False
    for _, idx in df.groupby("lang").groups.items():
        df.loc[idx, "pareto"] = pareto_front(df.loc[idx, "target_wr"], df.loc[idx, "accuracy"])
    df["split"], df["decoding"], df["temperature"] = split, decoding, temperature
    return df.sort_values(["lang", "arm"]).reset_index(drop=True)


# -- drawing ----------------------------------------------------------------------------------------
def plot_drift(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Drift figure: metrics (rows) x languages (columns) vs GRPO step, one line + seed band per arm.
    ``opts`` go to :func:`drift_data` (see :func:`options_for`); returns its DataFrame."""
    data = drift_data(db_path, **options_for("drift", opts))
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
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
                    ax.set_title(lang_title(lang))
                if col == 0:
                    ax.set_ylabel(METRIC_LABELS[metric])
                if row == len(DRIFT_METRICS) - 1:
                    ax.set_xlabel("GRPO step")
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
        save_figure(fig, out_png, out_pdf)
    return data


def plot_irreversibility(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Irreversibility figure: Target WR and accuracy across base -> SFT -> GRPO -> recovery per arm,
    error bars = std over seeds. ``opts`` go to :func:`irreversibility_data`."""
    data = irreversibility_data(db_path, **options_for("irreversibility", opts))
    langs = sorted(data["lang"].unique())
    styles = arm_styles(data["arm"].unique())
    metrics = ("target_wr", "accuracy")
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(metrics), len(langs))
        axes = fig.subplots(len(metrics), len(langs), squeeze=False, sharey=True)
        for col, lang in enumerate(langs):
            for row, metric in enumerate(metrics):
                ax = axes[row][col]
                for i, (arm, (color, marker, linestyle)) in enumerate(styles.items()):
                    cur = data[(data["lang"] == lang) & (data["arm"] == arm) & (data["metric"] == metric)]
                    if cur.empty:
                        continue
                    offset = (i - (len(styles) - 1) / 2) * 0.06  # keep overlapping error bars apart
                    ax.errorbar(cur["stage_order"] + offset, cur["mean"], yerr=cur["std"], color=color,
                                marker=marker, linestyle=linestyle, capsize=2, label=arm)
                ax.set_xticks(list(STAGE_LABELS), list(STAGE_LABELS.values()))
                ax.set_ylim(-0.03, 1.03)
                if row == 0:
                    ax.set_title(eval_title(lang, data.iloc[0]))
                if col == 0:
                    ax.set_ylabel(METRIC_LABELS[metric])
        figure_legend(fig, [ax for row_axes in axes for ax in row_axes])
        save_figure(fig, out_png, out_pdf)
    return data


def plot_tradeoff(db_path: Path, out_png: Path, out_pdf: Path, **opts: Any) -> pd.DataFrame:
    """Trade-off figure: final GRPO accuracy vs Target WR, one point per arm with seed error bars and
    the Pareto frontier (dashed). ``opts`` go to :func:`tradeoff_data`."""
    data = tradeoff_data(db_path, **options_for("tradeoff", opts))
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
            for row in cur.itertuples(index=False):
                color, marker, _linestyle = styles[row.arm]
                ax.errorbar(row.target_wr, row.accuracy, xerr=row.target_wr_std, yerr=row.accuracy_std, color=color,
                            marker=marker, markersize=6, capsize=2, label=row.arm, zorder=2)
            ax.set_xlim(-0.03, 1.03)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("Target WR")
            ax.set_ylabel("Accuracy")
            ax.set_title(eval_title(lang, data.iloc[0]))
        figure_legend(fig, list(axes))
        save_figure(fig, out_png, out_pdf)
    return data


# The figures of every experiment, by the names of pipeline.layout.FIGURES (rule figure, CLI).
PLOTS = {"drift": plot_drift, "irreversibility": plot_irreversibility, "tradeoff": plot_tradeoff}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.analysis.figures", description=__doc__.splitlines()[0])
    parser.add_argument("figure", choices=[*PLOTS, "all"])
    parser.add_argument("db_path", type=Path)
    parser.add_argument("outputs", type=Path, nargs="+", help="PNG PDF (or OUTDIR for 'all')")
    parser.add_argument("--smoothing", type=int, default=1, help="drift: rolling-mean window in logged steps")
    parser.add_argument("--band", choices=["std", "minmax"], default="std", help="drift: seed band")
    parser.add_argument("--split", help="irreversibility/tradeoff: eval split (needed when several were ingested)")
    parser.add_argument("--decoding", choices=["greedy", "sampled"],
                        help="irreversibility/tradeoff: default greedy when evaluated, else sampled")
    parser.add_argument("--temperature", type=float, help="sampled at this temperature (default: the highest)")
    parser.add_argument("--langs", nargs="+")
    parser.add_argument("--arms", nargs="+")
    parser.add_argument("--data", type=Path, help="also write the plotted data as CSV (single figure only)")
    args = parser.parse_args(argv)
    opts = {name: getattr(args, name) for names in FIGURE_OPTIONS.values() for name in names}
    if args.figure == "all":
        if len(args.outputs) != 1:
            parser.error("'all' takes one output directory")
        jobs = [(name, args.outputs[0] / f"{name}.png", args.outputs[0] / f"{name}.pdf") for name in PLOTS]
    else:
        if len(args.outputs) != 2:
            parser.error(f"{args.figure} takes two outputs: PNG PDF")
        jobs = [(args.figure, *args.outputs)]
    try:
        for name, png, pdf in jobs:
            data = PLOTS[name](args.db_path, png, pdf, **opts)
            if args.data and args.figure != "all":
                args.data.parent.mkdir(parents=True, exist_ok=True)
                data.to_csv(args.data, index=False)
            print(f"{name}: {len(data)} plotted values -> {png}, {pdf}")
    except (EmptyViewError, FigureOptionError, StoreMissingError, StoreVersionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
