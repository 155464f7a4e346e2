"""Finding (iii), tried harder: recovery variants on the collapsed checkpoints of a finished results tree.

The pipeline's recovery is the SFT warm-start again (same steps, learning rate and target-language data) on the
collapsed accuracy-only GRPO model. This study asks what would make recovery *hard* at this scale by re-running it
with less: fewer SFT steps, a lower learning rate, and (with ``config/sweeps/irreversibility.yaml``) a collapse twice
as long. Each variant recovers every (lang, seed) from the same collapsed checkpoint and is evaluated exactly
like the pipeline's checkpoints (the config's eval settings, the same items), so every number pairs with the tree's
warm-start and collapsed evaluations. Per variant, pooled over seeds with a 95% hierarchical bootstrap interval:
the share of the lost Target WR won back (the language clause of (iii) needs < 0.5) and recovery minus collapsed
accuracy (the accuracy clause needs < 0).

    python -m pipeline.analysis.recovery_study results/ --config config/config.yaml config/sweeps/seeds.yaml \\
        [--arms acc acc_long] [--out results/irreversibility]

Variants that exist already are not re-run (their eval summary is there); the study writes ``study.csv`` and
``study.md`` into ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import layout
from pipeline.analysis.uncertainty import hierarchical_bootstrap, verdict
from pipeline.runinfo import RunInfo
from pipeline.settings import Settings, load_config

# name -> overrides of the pipeline's recovery settings (``default`` is the pipeline's own recovery checkpoint)
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "steps2": {"steps": 2},
    "steps1": {"steps": 1},
    "lr_quarter": {"lr_factor": 0.25},
    "steps1_lr_quarter": {"steps": 1, "lr_factor": 0.25},
}


def variant_settings(base: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """The recovery settings of one variant: ``steps`` replaced, ``lr`` scaled by ``lr_factor``.

    >>> variant_settings({"steps": 4, "lr": 2e-4}, {"steps": 1, "lr_factor": 0.25})
    {'steps': 1, 'lr': 5e-05}
    """
    out = {**base, **{k: v for k, v in variant.items() if k != "lr_factor"}}
    out["lr"] = base["lr"] * variant.get("lr_factor", 1.0)
    return out


def _items(parquet: Path, decoding: str, temperature: float | None) -> pd.DataFrame:
    df = pd.read_parquet(parquet, columns=["item_id", "decoding", "temperature", "correct", "target_share",
                                            "gold_ok"])
    sel = df[(df.decoding == decoding) & (df.gold_ok)]
    sel = sel[sel.temperature.isna()] if temperature is None else sel[(sel.temperature - temperature).abs() < 1e-9]
    return sel.groupby("item_id").agg(acc=("correct", "mean"), tgt=("target_share", "mean"))


def run_variant(tree: Path, s: Settings, lang: str, seed: int, arm: str, name: str, out: Path) -> Path:
    """Recover ``grpo_{arm}`` of (lang, seed) with variant ``name`` and evaluate it; returns the eval Parquet
    (the pipeline's own ``recovery_{arm}`` eval for ``default``)."""
    from pipeline.evaluate.run import run_evaluation
    from pipeline.train.sft import run_sft

    split = s.figure_split
    if name == "default":
        return tree / layout.EVAL_SAMPLES.format(lang=lang, seed=seed, split=split,
                                                 checkpoint=layout.checkpoint_name("recovery", arm))
    grpo = layout.checkpoint_name("grpo", arm)
    run_dir = out / lang / f"seed{seed}" / arm / name
    samples = run_dir / "eval.parquet"
    if samples.exists() and (run_dir / "eval.json").exists():
        return samples
    cfg = variant_settings(s.recovery(), VARIANTS[name])
    parent = layout.run_id(lang, seed, grpo)
    info = RunInfo(f"{parent}/study_{name}", "recovery", lang, seed, {}, arm=arm, parent_run_id=parent)
    run_sft(str(tree / layout.MODEL.format(lang=lang, seed=seed, checkpoint=grpo)),
            tree / layout.TRANSLATED.format(lang=lang, split=s.sft_split), run_dir, info, cfg, s.config["prompt"])
    eval_info = RunInfo(f"{info.run_id}/eval/{split}", "eval", lang, seed, {}, arm=arm, parent_run_id=info.run_id,
                        extra={"checkpoint_stage": "recovery"})
    run_evaluation(str(run_dir / "model"), tree / layout.TRANSLATED.format(lang=lang, split=split), samples,
                   run_dir / "eval.json", eval_info, info.run_id, s.evaluation(split, "recovery"),
                   s.config["prompt"])
    return samples


def study(tree: Path, s: Settings, arms: list[str], out: Path, decoding: str, temperature: float | None
          ) -> pd.DataFrame:
    """One row per (lang, arm, variant): the two clauses of (iii) pooled over seeds, with intervals."""
    rows = []
    split = s.figure_split
    for lang in s.langs:
        for arm in arms:
            for name in VARIANTS:
                groups = []
                for seed in s.seeds:
                    ev = {c: tree / layout.EVAL_SAMPLES.format(lang=lang, seed=seed, split=split, checkpoint=c)
                          for c in (layout.checkpoint_name("grpo", arm), s.grpo_start())}
                    rec = _items(run_variant(tree, s, lang, seed, arm, name, out), decoding, temperature)
                    grpo = _items(ev[layout.checkpoint_name("grpo", arm)], decoding, temperature)
                    start = _items(ev[s.grpo_start()], decoding, temperature)
                    both = rec.join(grpo, rsuffix="_grpo").join(start, rsuffix="_start").dropna()
                    groups.append(both[["tgt", "tgt_grpo", "tgt_start", "acc", "acc_grpo"]].to_numpy())
                won = hierarchical_bootstrap(groups, lambda m: (m[..., 0] - m[..., 1]) / (m[..., 2] - m[..., 1]))
                lost = hierarchical_bootstrap(groups, lambda m: m[..., 3] - m[..., 4])
                tgt = hierarchical_bootstrap(groups, lambda m: m[..., 0])
                cfg = variant_settings(s.recovery(), VARIANTS[name])
                rows.append({"lang": lang, "arm": arm, "variant": name, "steps": cfg["steps"], "lr": cfg["lr"],
                             "recovery_target_wr": tgt.estimate, "won_back": won.estimate, "won_back_lo": won.lo,
                             "won_back_hi": won.hi, "language_clause": verdict(won, 0.5, above=False),
                             "accuracy_vs_collapsed": lost.estimate, "accuracy_lo": lost.lo, "accuracy_hi": lost.hi,
                             "accuracy_clause": verdict(lost, 0.0, above=False), "n_seeds": won.n_seeds,
                             "n_items": won.n_items})
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame, decoding: str, temperature: float | None) -> str:
    """The study's table: every configuration tried, with both clauses of (iii)."""
    label = decoding if temperature is None else f"{decoding} T={temperature:g}"
    lines = [f"Recovery variants ({label} eval; pooled over seeds, 95% hierarchical bootstrap intervals). (iii)'s "
             "language clause needs the share won back < 0.5, its accuracy clause recovery minus collapsed < 0.", "",
             "| lang | collapsed arm | variant | steps | lr | recovery Target WR | share of lost Target WR won back "
             "[95% CI] | language clause | accuracy vs collapsed [95% CI] | accuracy clause | seeds / items |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.lang} | {r.arm} | {r.variant} | {r.steps} | {r.lr:.1e} | {r.recovery_target_wr:.3f} | "
                     f"{r.won_back:.3f} [{r.won_back_lo:.3f}, {r.won_back_hi:.3f}] | {r.language_clause} | "
                     f"{r.accuracy_vs_collapsed:.3f} [{r.accuracy_lo:.3f}, {r.accuracy_hi:.3f}] | "
                     f"{r.accuracy_clause} | {int(r.n_seeds)} / {int(r.n_items)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """CLI: run the missing variants, then print and write the study table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tree", type=Path, help="a finished results root, e.g. results/")
    ap.add_argument("--config", nargs="+", default=["config/config.yaml"], help="the config files it was run with")
    ap.add_argument("--arms", nargs="+", default=None, help="collapsed GRPO arms (default: recovery.arms)")
    ap.add_argument("--out", type=Path, default=None, help="default: TREE/irreversibility")
    args = ap.parse_args(argv)
    s = Settings(load_config(*args.config))
    opts = s.figure_options()
    # the decoding of the findings (pipeline.analysis.figures.select_eval): greedy when evaluated, else sampled
    decoding = opts.get("decoding") or ("greedy" if s.config["eval"]["greedy"] else "sampled")
    temperature = None if decoding == "greedy" else (opts.get("temperature") or max(s.config["eval"]["temperatures"]))
    out = args.out or args.tree / "irreversibility"
    out.mkdir(parents=True, exist_ok=True)
    table = study(args.tree, s, args.arms or s.recovery_arms, out, decoding, temperature)
    table.to_csv(out / "study.csv", index=False)
    md = to_markdown(table, decoding, temperature)
    (out / "study.md").write_text(md)
    print(md, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
