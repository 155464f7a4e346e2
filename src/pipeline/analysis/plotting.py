"""Plotting helpers every figure shares: style, colour-blind-safe palette, per-arm styles, titles (with the
decoding an eval figure shows), figure, legend, save.

matplotlib's object API on the Agg canvas (no pyplot state), PNG at 200 dpi and an editable PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.languages import LANGUAGES

# Okabe & Ito (2008) colour-blind-safe palette, yellow moved late (poor contrast on white).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":")
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "lines.linewidth": 1.5,
    "lines.markersize": 4,
    "pdf.fonttype": 42,  # embed TrueType: editable text in the PDF
    "savefig.bbox": "tight",
}


def arm_styles(arms: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """Stable (colour, marker, line style) per arm: sorted arm names take palette entries in order, so
    arms stay distinguishable without colour too."""
    return {
        arm: (OKABE_ITO[i % len(OKABE_ITO)], MARKERS[i % len(MARKERS)], LINESTYLES[i % len(LINESTYLES)])
        for i, arm in enumerate(sorted(arms))
    }


def lang_title(lang: str, split: str | None = None) -> str:
    """Panel title of a language (``Korean (ko)``), with the eval split when given."""
    language = LANGUAGES.get(lang)
    title = f"{language.name} ({lang})" if language else lang
    return f"{title}, {split}" if split else title


def decoding_label(decoding: str, temperature: float | None) -> str:
    """How the eval figures and the findings name a decoding: ``greedy``, ``sampled T=1.0``."""
    return decoding if temperature is None or pd.isna(temperature) else f"{decoding} T={float(temperature)}"


def eval_title(lang: str, selection: Any) -> str:
    """Panel title of an eval figure from a row with ``split``, ``decoding``, ``temperature``:
    ``Korean (ko), test, sampled T=1.0``."""
    label = decoding_label(selection["decoding"], selection["temperature"])
    return lang_title(lang, f"{selection['split']}, {label}")


def new_figure(nrows: int, ncols: int, width: float = 2.6, height: float = 2.0) -> Figure:
    """A constrained-layout figure of ``nrows`` x ``ncols`` panels of ``width`` x ``height`` inches each."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, out_png: Path, out_pdf: Path) -> None:
    """Write ``fig`` as PNG (200 dpi) and PDF (no creation date, so reruns give the same bytes)."""
    for out in (out_png, out_pdf):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=200)
    fig.savefig(out_pdf, metadata={"CreationDate": None})


def figure_legend(fig: Figure, axes_list: list[Any]) -> None:
    """One legend above all panels with every label of ``axes_list`` once, in first-seen order."""
    handles, labels = {}, []
    for ax in axes_list:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles:
                handles[label] = handle
                labels.append(label)
    fig.legend(
        [handles[lab] for lab in labels], labels, loc="outside upper center", ncols=min(len(labels), 6)
    )
