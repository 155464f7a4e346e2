"""Pretraining-prior sweep: how the collapse depends on the language mix the tiny model was pretrained on.

Target ``prior_sweep`` runs the whole default pipeline once per mix of ``prior_sweep.mixes``, each in its own
results root ``results/priors/{prior}/results/`` with its own DuckDB store (one DAG; the config of each mix is
:func:`pipeline.settings.prior_config`). This module reads those stores back: per prior and seed the findings table
(:mod:`pipeline.analysis.findings`) joined with the mix recorded in the pretraining run, and one figure with the
target-language share of pretraining reasoning on the x axis.

    python -m pipeline.analysis.prior_sweep PNG PDF CSV NAME=DB [NAME=DB ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib
import pandas as pd

from pipeline.analysis.findings import findings_table
from pipeline.analysis.plotting import OKABE_ITO, STYLE, new_figure, save_figure
from pipeline.store import connect_readonly
from pipeline.train.corpus import KINDS, REASONING_LANG


class PriorSweepError(ValueError):
    """A prior sweep that cannot be read (no stores, a store without a pretraining run)."""


def mix_shares(mix: dict[str, float]) -> dict[str, float]:
    """Normalised kind shares plus the shares of English and of target-language reasoning."""
    total = sum(mix.values())
    shares = {k: mix.get(k, 0.0) / total for k in KINDS}
    return {**shares,
            "en_reasoning": sum(v for k, v in shares.items() if REASONING_LANG[k] == "en"),
            "tgt_reasoning": sum(v for k, v in shares.items() if REASONING_LANG[k] == "tgt")}


def _pretrain_mixes(db_path: Path) -> pd.DataFrame:
    con = connect_readonly(db_path)
    try:
        rows = con.execute("SELECT lang, seed, run_id, params, config_hash FROM runs WHERE stage = 'pretrain'"
                           ).fetchall()
    finally:
        con.close()
    if not rows:
        raise PriorSweepError(f"{db_path}: no pretraining run in the store (is this a prior-sweep pipeline?)")
    return pd.DataFrame([{"lang": lang, "seed": seed, "pretrain_run_id": rid, "pretrain_config_hash": chash,
                          **mix_shares(json.loads(params)["mix"])} for lang, seed, rid, params, chash in rows])


def prior_table(dbs: dict[str, str | Path], split: str = "test", decoding: str = "sampled") -> pd.DataFrame:
    """One row per (prior, lang, seed): the mix shares and the findings numbers, with the store they came from."""
    if not dbs:
        raise PriorSweepError("no prior stores given; set prior_sweep.mixes in the config")
    frames = []
    for prior, db in dbs.items():
        found = findings_table(db, split, decoding).merge(_pretrain_mixes(Path(db)), on=["lang", "seed"],
                                                           how="left")
        found.insert(0, "prior", prior)
        found["db"] = str(db)
        frames.append(found)
    return pd.concat(frames, ignore_index=True).sort_values(["tgt_reasoning", "prior", "lang", "seed"])


PANELS = (("target_wr", "Target WR (sampled eval)"), ("accuracy", "Accuracy (sampled eval)"),
          ("target_drop", "Target WR drop, SFT -> acc-only"))
SERIES = (("sft", "after SFT", OKABE_ITO[1], "o"), ("grpo", "acc-only GRPO", OKABE_ITO[0], "s"),
          ("lc", "GRPO + consistency", OKABE_ITO[2], "^"), ("recovery", "recovery", OKABE_ITO[5], "D"))


def plot_prior_sweep(table: pd.DataFrame, out_png: Path, out_pdf: Path) -> pd.DataFrame:
    """Panels vs target-language share of pretraining reasoning: Target WR and accuracy per stage, and the
    Target WR drop under accuracy-only GRPO; dots are seeds, lines join the means. Returns what it plotted."""
    langs = sorted(table["lang"].unique())
    plotted = []
    with matplotlib.rc_context(STYLE):
        fig = new_figure(len(langs), len(PANELS), width=2.8, height=2.3)
        axes = fig.subplots(len(langs), len(PANELS), squeeze=False)
        for r, lang in enumerate(langs):
            cur = table[table["lang"] == lang]
            for c, (metric, label) in enumerate(PANELS):
                ax = axes[r][c]
                series = [("", "acc-only GRPO", OKABE_ITO[3], "v")] if metric == "target_drop" else SERIES
                for prefix, name, color, marker in series:
                    col = metric if metric == "target_drop" else f"{prefix}_{metric}"
                    means = cur.groupby("tgt_reasoning")[col].mean()
                    ax.scatter(cur["tgt_reasoning"], cur[col], color=color, marker=marker, alpha=0.45, s=14)
                    ax.plot(means.index, means.values, color=color, marker=marker, label=name)
                    plotted += [{"lang": lang, "metric": col, "tgt_reasoning": x, "mean": y}
                                for x, y in means.items()]
                ax.set_xlabel("target-language share of pretraining reasoning")
                ax.set_ylabel(label)
                ax.set_ylim(min(-0.03, float(cur[[c for c in cur if c.endswith(metric)]].min().min()) - 0.05), 1.03)
                ticks = cur.groupby("prior")["tgt_reasoning"].first().sort_values()  # the mix under its share
                ax.set_xticks(ticks.values, [f"{x:.2f}\n{prior}" for prior, x in ticks.items()], fontsize=6)
            n = cur["seed"].nunique()
            axes[r][0].set_title(f"{lang}: {n} seed{'' if n == 1 else 's'} per prior", loc="left")
        handles, labels = axes[0][1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=4)
        save_figure(fig, out_png, out_pdf)
    return pd.DataFrame(plotted)


def main(argv: list[str] | None = None) -> int:
    """CLI: draw the prior-sweep figure and write its table from NAME=DB pairs."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("png", type=Path)
    ap.add_argument("pdf", type=Path)
    ap.add_argument("csv", type=Path)
    ap.add_argument("stores", nargs="+", help="NAME=path/to/collapse.duckdb")
    ap.add_argument("--split", default="test")
    args = ap.parse_args(argv)
    bad = [s for s in args.stores if "=" not in s]
    if bad:
        ap.error(f"stores must be NAME=DB, got {bad}")
    table = prior_table(dict(s.split("=", 1) for s in args.stores), args.split)
    table.to_csv(args.csv, index=False)
    plot_prior_sweep(table, args.png, args.pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
