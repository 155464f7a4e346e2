"""What every paper figure shares: the options each figure takes, the errors, the labels, the view queries and the
one rule choosing the eval split and decoding (:func:`select_eval`, shared with the findings).

The figures themselves are in :mod:`pipeline.analysis.drift_figures` (training rollouts),
:mod:`pipeline.analysis.eval_figures` and :mod:`pipeline.analysis.language_figures` (held-out evaluation); their
registry and command line in :mod:`pipeline.analysis.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import layout
from pipeline.store import connect_readonly

METRIC_LABELS = {"accuracy": "Accuracy", "target_wr": "Target WR", "en_wr": "EN WR"}
PHASE_LABELS = {"base": "base", "sft": "SFT", "grpo": "GRPO", "recovery": "recovery"}
STAGE_LABELS = {i: PHASE_LABELS[phase] for i, phase in enumerate(layout.PHASES, start=1)}  # v_*.stage_order
STAGE_ORDER = {phase: i for i, phase in enumerate(layout.PHASES, start=1)}


class EmptyViewError(ValueError):
    """A view (after the requested filters) holds no rows, so there is nothing to plot."""


class FigureOptionError(ValueError):
    """An option that does not fit the data in the store (unknown language, arm, split or decoding)."""


# The one eval split and decoding that the eval figures and the findings (pipeline.analysis.findings) show: these
# options of the ``figures:`` config, resolved by select_eval (the decoding rule is _select_decoding's).
EVAL_SELECTION = ("split", "decoding", "temperature")
# Options each figure takes, in the order of pipeline.layout.FIGURES. A plot_* function also accepts (and
# ignores) the other figures' options, so one ``figures:`` config mapping can be passed to every figure; an
# unknown key is an error.
FIGURE_OPTIONS: dict[str, tuple[str, ...]] = {
    "drift": ("smoothing", "band", "langs", "arms"),
    "irreversibility": (*EVAL_SELECTION, "langs", "arms"),
    "tradeoff": (*EVAL_SELECTION, "langs", "arms"),
    "switch_position": ("step_bin", "langs", "arms"),
    "accuracy_by_language": (*EVAL_SELECTION, "langs", "arms"),
}


def plural(n: int, noun: str) -> str:
    """``1 seed``, ``3 seeds``: a count with its noun in the right number.

    >>> plural(1, "seed"), plural(3, "seed"), plural(0, "option")
    ('1 seed', '3 seeds', '0 options')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def count_label(counts: Sequence[int], noun: str) -> str:
    """How many of ``noun`` the points of a panel pool: ``3 seeds``, or a range when they differ (``1-3 seeds``).

    >>> count_label([3, 3], "seed"), count_label([1], "seed"), count_label([1, 3, 2], "seed")
    ('3 seeds', '1 seed', '1-3 seeds')
    """
    lo, hi = int(min(counts)), int(max(counts))
    return plural(lo, noun) if lo == hi else f"{lo}-{hi} {noun}s"


def options_for(figure: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``opts`` that ``figure`` uses; unknown option names raise :class:`FigureOptionError`."""
    known = sorted({name for names in FIGURE_OPTIONS.values() for name in names})
    unknown = sorted(set(opts) - set(known))
    if unknown:
        noun = "option" if len(unknown) == 1 else "options"
        raise FigureOptionError(f"unknown figure {noun} {unknown}; known options: {known}")
    return {k: v for k, v in opts.items() if k in FIGURE_OPTIONS[figure]}


def eval_selection(opts: dict[str, Any]) -> dict[str, Any]:
    """``split``, ``decoding`` and ``temperature`` of a ``figures:`` options mapping (None when unset), as the
    findings take them; unknown option names raise :class:`FigureOptionError`."""
    options_for("irreversibility", opts)
    return {name: opts.get(name) for name in EVAL_SELECTION}


def query(db_path: Path, view: str, sql: str, params: Sequence[Any] = (), hint: str = "") -> pd.DataFrame:
    """Rows of ``sql`` on the store, read-only; no rows raise :class:`EmptyViewError` naming ``view``."""
    with connect_readonly(db_path) as con:
        df = con.execute(sql, list(params)).df()
    if df.empty:
        raise EmptyViewError(f"view {view} in {db_path} has no rows; {hint}".rstrip("; "))
    return df


def filter_rows(df: pd.DataFrame, column: str, wanted: Sequence[str] | None, view: str) -> pd.DataFrame:
    """Rows whose ``column`` is one of ``wanted`` (all rows for None); an unknown value raises
    :class:`FigureOptionError` listing the available ones."""
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


DECODING = r"(greedy|sampled)(\+[a-z0-9_]+)?"  # a decoding label: greedy, sampled, or either + a control


def decoding_arg(text: str) -> str:
    """argparse type of ``--decoding``: ``greedy``, ``sampled`` or a control's label (``greedy+prefill``).

    >>> decoding_arg("sampled+script_bias")
    'sampled+script_bias'
    """
    import argparse
    import re

    if not re.fullmatch(DECODING, text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a decoding: greedy, sampled, or <decoding>+<control> "
                                         "(eval.controls), e.g. greedy+prefill")
    return text


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


def eval_view(db_path: Path, view: str, columns: str, hint: str, *, split: str | None = None,
              decoding: str | None = None, temperature: float | None = None, langs: Sequence[str] | None = None,
              arms: Sequence[str] | None = None) -> tuple[pd.DataFrame, str, str, float | None]:
    """Rows of an eval view for one split and one decoding (:func:`select_eval`), filtered to ``langs`` and
    ``arms``; with the split, decoding and temperature chosen."""
    df = query(db_path, view, f"SELECT {columns} FROM {view}", hint=hint)
    df, split, decoding, temperature = select_eval(df, view, split, decoding, temperature)
    df = filter_rows(filter_rows(df, "lang", langs, view), "arm", arms, view)
    return df, split, decoding, temperature
