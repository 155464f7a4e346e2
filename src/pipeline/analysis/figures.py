"""Paper figures drawn only from the results store's views (matplotlib Agg, PNG + PDF): the registry and the CLI.

    python -m pipeline.analysis.figures drift DB PNG PDF [--smoothing 5] [--band std|minmax] [--data drift.csv]
    python -m pipeline.analysis.figures irreversibility DB PNG PDF [--split test] [--decoding sampled] [--temperature 1]
    python -m pipeline.analysis.figures tradeoff DB PNG PDF [--split test] [--decoding sampled] [--temperature 1]
    python -m pipeline.analysis.figures switch_position DB PNG PDF [--step-bin 10]
    python -m pipeline.analysis.figures accuracy_by_language DB PNG PDF [--split test] [--decoding sampled]
    python -m pipeline.analysis.figures all DB OUTDIR           # OUTDIR/<figure>.{png,pdf}, every figure

Every ``plot_*`` function returns the exact data it plotted (a tidy DataFrame) so tests check the
data behind the figure, not pixels; the ``*_data`` functions return the same without drawing and the ``draw_*``
ones build the figure from it. The figures live in :mod:`pipeline.analysis.drift_figures` (drift, switch_position),
:mod:`pipeline.analysis.eval_figures` (irreversibility, tradeoff) and :mod:`pipeline.analysis.language_figures`
(accuracy_by_language); what they share (options, errors, the eval selection) in
:mod:`pipeline.analysis.figure_data`. This module re-exports their public names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.analysis.drift_figures import (
    DRIFT_METRICS,
    MAX_STEP_BINS,
    draw_drift,
    draw_switch_position,
    drift_data,
    plot_drift,
    plot_switch_position,
    switch_position_data,
)
from pipeline.analysis.eval_figures import (
    draw_irreversibility,
    draw_tradeoff,
    irreversibility_data,
    pareto_front,
    plot_irreversibility,
    plot_tradeoff,
    tradeoff_data,
)
from pipeline.analysis.figure_data import (
    EVAL_SELECTION,
    FIGURE_OPTIONS,
    METRIC_LABELS,
    PHASE_LABELS,
    STAGE_LABELS,
    EmptyViewError,
    FigureOptionError,
    decoding_arg,
    eval_selection,
    options_for,
    select_eval,
)
from pipeline.analysis.language_figures import (
    accuracy_by_language_data,
    draw_accuracy_by_language,
    plot_accuracy_by_language,
)
from pipeline.store import StoreMissingError, StoreVersionError

__all__ = [
    "DRIFT_METRICS", "EVAL_SELECTION", "FIGURE_OPTIONS", "METRIC_LABELS", "PHASE_LABELS", "PLOTS", "STAGE_LABELS",
    "EmptyViewError", "FigureOptionError", "accuracy_by_language_data", "draw_accuracy_by_language", "draw_drift",
    "draw_irreversibility", "draw_switch_position", "draw_tradeoff", "drift_data", "eval_selection",
    "irreversibility_data", "main", "options_for", "pareto_front", "plot_accuracy_by_language", "plot_drift",
    "plot_irreversibility", "plot_switch_position", "plot_tradeoff", "select_eval", "switch_position_data",
    "tradeoff_data",
]

# The figures of every experiment, by the names (and in the order) of pipeline.layout.FIGURES (rule figure, CLI).
PLOTS = {
    "drift": plot_drift,
    "irreversibility": plot_irreversibility,
    "tradeoff": plot_tradeoff,
    "switch_position": plot_switch_position,
    "accuracy_by_language": plot_accuracy_by_language,
}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.analysis.figures", description=__doc__.splitlines()[0])
    parser.add_argument("figure", choices=[*PLOTS, "all"])
    parser.add_argument("db_path", type=Path)
    parser.add_argument("outputs", type=Path, nargs="+", help="PNG PDF (or OUTDIR for 'all')")
    parser.add_argument("--smoothing", type=int, default=1, help="drift: rolling-mean window in logged steps")
    parser.add_argument("--band", choices=["std", "minmax"], default="std", help="drift: band over seeds")
    parser.add_argument("--step-bin", dest="step_bin", type=int,
                        help=f"switch_position: GRPO steps per bin (default: at most {MAX_STEP_BINS} bins)")
    parser.add_argument("--split", help="eval figures: eval split (needed when several were ingested)")
    parser.add_argument("--decoding", type=decoding_arg,
                        help="eval figures: default greedy when evaluated, else sampled")
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
