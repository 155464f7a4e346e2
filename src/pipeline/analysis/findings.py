"""The paper's three findings, read from the DuckDB store, one row per (lang, seed) plus a mean/spread summary.

* (i) drift: under the accuracy-only arm the target-language word share falls by >= ``drop`` from its value at
  the GRPO start checkpoint while accuracy rises (eval of the GRPO checkpoint vs the checkpoint GRPO started from:
  the SFT warm-start, or the base model with ``sft.enabled: false``; the same on the training rollouts, first vs
  last ``window`` steps);
* (ii) trade-off: the consistency arm keeps the target share >= ``keep`` and ends below the accuracy-only
  arm in accuracy;
* (iii) irreversibility: recovery fine-tuning of the collapsed model wins back less than half of the lost
  target share, or its accuracy falls below the collapsed model's.

The evaluation numbers are those of the eval figures: one split and one decoding chosen by
:func:`pipeline.analysis.figures.select_eval` from the ``figures:`` options ``split``, ``decoding`` and
``temperature`` (:func:`pipeline.analysis.figures.eval_selection`); the Markdown names them. The accuracy-only arm
is the GRPO arm with ``lc_weight == 0`` and the consistency arm the one with the largest ``lc_weight`` (names are
free in the config). ``python -m pipeline.analysis.findings results/collapse.duckdb [--decoding sampled]``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.analysis.figure_data import decoding_arg
from pipeline.analysis.figures import PHASE_LABELS, FigureOptionError, select_eval
from pipeline.analysis.plotting import decoding_label
from pipeline.analysis.points import eval_points, item_means
from pipeline.analysis.uncertainty import N_BOOT, all_of, any_of, hierarchical_bootstrap, verdict
from pipeline.measure.peers import PEER_RATES
from pipeline.store import connect_readonly

THRESHOLDS = {"drop": 0.30, "keep": 0.80, "window": 10}


def _arms(con: Any) -> pd.DataFrame:
    """The GRPO arms of the findings: amplifier-sweep arms and arms with a rollout control are their own rows
    (pipeline.analysis.amplifiers, .control_findings), never the accuracy-only or consistency arm."""
    return con.execute(
        "SELECT lang, seed, arm, lc_weight, run_id, parent_run_id FROM runs WHERE stage = 'grpo' AND arm IS NOT NULL "
        "AND json_extract(params, '$.amplifier') IS NULL AND json_extract(params, '$.rollout_control') IS NULL "
        "AND run_id IN (SELECT run_id FROM v_current_runs) ORDER BY run_id").df()


def _rollout_shares(con: Any, window: int) -> pd.DataFrame:
    """Mean accuracy / target share of the first and the last ``window`` logged GRPO steps per run."""
    return con.execute(
        """
        WITH d AS (
          SELECT run_id, lang, arm, seed, step, accuracy, target_wr,
                 row_number() OVER (PARTITION BY run_id ORDER BY step) AS k,
                 row_number() OVER (PARTITION BY run_id ORDER BY step DESC) AS r
          FROM v_drift)
        SELECT run_id, lang, arm, seed,
               avg(target_wr) FILTER (WHERE k <= ?) AS first_target,
               avg(target_wr) FILTER (WHERE r <= ?) AS last_target,
               avg(accuracy) FILTER (WHERE k <= ?) AS first_acc, avg(accuracy) FILTER (WHERE r <= ?) AS last_acc
        FROM d GROUP BY ALL
        """, [window] * 4).df()


def _point(points: pd.DataFrame, lang: str, seed: int, phase: str, arm: str | None = None) -> pd.Series | None:
    sel = points[(points.lang == lang) & (points.seed == seed) & (points.phase == phase)]
    if arm is not None:
        sel = sel[sel.arm == arm]
    return None if sel.empty else sel.iloc[0]


def _start_point(points: pd.DataFrame, lang: str, seed: int, parent: str | None) -> tuple[str, pd.Series | None]:
    """Name and eval point of the checkpoint GRPO started from: the GRPO run's parent (``sft``, or ``base`` when
    SFT is off); without a recorded parent the SFT checkpoint when evaluated, else base."""
    if parent:  # run ids are {lang}/seed{seed}/{checkpoint}: the eval points' checkpoint_run_id
        sel = points[(points.lang == lang) & (points.seed == seed) & (points.checkpoint_run_id == parent)]
        return parent.rsplit("/", 1)[-1], None if sel.empty else sel.iloc[0]
    sft = _point(points, lang, seed, "sft")
    return ("sft", sft) if sft is not None else ("base", _point(points, lang, seed, "base"))


def findings_table(db_path: str | Path, split: str | None = "test", decoding: str | None = None,
                   thresholds: dict[str, float] | None = None, temperature: float | None = None) -> pd.DataFrame:
    """One row per (lang, seed): the numbers behind each finding and whether it holds (NaN: not measured), on the
    split and decoding :func:`select_eval` picks (``decoding`` None: greedy when evaluated, else sampled at the
    highest temperature); every row names the split, decoding and temperature chosen and the ``start``."""
    th = {**THRESHOLDS, **(thresholds or {})}
    con = connect_readonly(Path(db_path))
    try:
        points = eval_points(con)
        arms, rollouts = _arms(con), _rollout_shares(con, int(th["window"]))
    finally:
        con.close()
    if points.empty:
        raise ValueError(f"{db_path}: no evaluation in the store; run the pipeline (and ingest) first")
    try:
        points, split, decoding, temperature = select_eval(points, "v_eval_points", split, decoding, temperature)
    except FigureOptionError as err:
        raise FigureOptionError(f"{db_path}: {err}; pick another --split/--decoding/--temperature") from err
    rows = []
    for (lang, seed), group in arms.groupby(["lang", "seed"]):
        acc_arms = group[group.lc_weight.fillna(0) == 0].arm.tolist()
        lc_arms = group[group.lc_weight.fillna(0) > 0].sort_values("lc_weight").arm.tolist()
        acc_arm, lc_arm = (acc_arms or [None])[0], (lc_arms or [None])[-1]
        start_name, start = _start_point(points, lang, seed, next(iter(group.parent_run_id.dropna()), None))
        sft = _point(points, lang, seed, "sft")
        grpo = _point(points, lang, seed, "grpo", acc_arm) if acc_arm else None
        lc = _point(points, lang, seed, "grpo", lc_arm) if lc_arm else None
        rec = _point(points, lang, seed, "recovery", acc_arm) if acc_arm else None
        roll = rollouts[(rollouts.lang == lang) & (rollouts.seed == seed) & (rollouts.arm == acc_arm)]
        row: dict[str, Any] = {"lang": lang, "seed": int(seed), "acc_arm": acc_arm, "lc_arm": lc_arm,
                               "split": split, "decoding": decoding, "temperature": temperature, "start": start_name}
        # sft_*: the SFT checkpoint (NaN without SFT), kept for pipeline.analysis.prior_sweep; drift is start_*
        for name, p in (("start", start), ("sft", sft), ("grpo", grpo), ("lc", lc), ("recovery", rec)):
            row[f"{name}_accuracy"] = float(p.accuracy) if p is not None else math.nan
            row[f"{name}_target_wr"] = float(p.target_wr) if p is not None else math.nan
            row[f"{name}_en_wr"] = float(p.en_wr) if p is not None else math.nan
            for rate in PEER_RATES:
                value = p[rate] if p is not None else None
                row[f"{name}_{rate}"] = math.nan if value is None or pd.isna(value) else float(value)
        row["rollout_first_target"] = float(roll.first_target.iloc[0]) if len(roll) else math.nan
        row["rollout_last_target"] = float(roll.last_target.iloc[0]) if len(roll) else math.nan
        row["rollout_first_accuracy"] = float(roll.first_acc.iloc[0]) if len(roll) else math.nan
        row["rollout_last_accuracy"] = float(roll.last_acc.iloc[0]) if len(roll) else math.nan
        lost = row["start_target_wr"] - row["grpo_target_wr"]
        row["target_drop"] = lost
        row["accuracy_gain"] = row["grpo_accuracy"] - row["start_accuracy"]
        row["rollout_target_drop"] = row["rollout_first_target"] - row["rollout_last_target"]
        row["recovered_target"] = row["recovery_target_wr"] - row["grpo_target_wr"]
        row["i_drift"] = _holds(lost >= th["drop"] and row["accuracy_gain"] > 0, lost, row["accuracy_gain"])
        row["i_drift_rollouts"] = _holds(
            row["rollout_target_drop"] >= th["drop"]
            and row["rollout_last_accuracy"] > row["rollout_first_accuracy"],
            row["rollout_target_drop"], row["rollout_last_accuracy"])
        row["ii_tradeoff"] = _holds(row["lc_target_wr"] >= th["keep"] and row["lc_accuracy"] < row["grpo_accuracy"],
                                    row["lc_target_wr"], row["grpo_accuracy"])
        row["iii_irreversible"] = _holds(
            (lost > 0 and row["recovered_target"] < 0.5 * lost) or row["recovery_accuracy"] < row["grpo_accuracy"],
            row["recovery_target_wr"], row["recovery_accuracy"])
        rows.append(row)
    return pd.DataFrame(rows)


def _holds(condition: bool, *inputs: float) -> float:
    """1.0 / 0.0, or NaN when a number the check needs was not measured."""
    return math.nan if any(pd.isna(x) for x in inputs) else float(bool(condition))


CHECKS = ("i_drift", "i_drift_rollouts", "ii_tradeoff", "iii_irreversible")
SUMMARY_COLUMNS = ("start_accuracy", "start_target_wr", "grpo_accuracy", "grpo_target_wr", "grpo_en_wr",
                   "lc_accuracy", "lc_target_wr", "recovery_accuracy", "recovery_target_wr", "target_drop",
                   "accuracy_gain", "rollout_first_target", "rollout_last_target")


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, sample std and count over seeds per language, plus how many seeds each finding holds for."""
    out = []
    for lang, group in table.groupby("lang"):
        row: dict[str, Any] = {"lang": lang, "n_seeds": len(group), "seeds": sorted(group.seed.tolist())}
        for col in SUMMARY_COLUMNS:
            row[f"{col}_mean"] = group[col].mean()
            row[f"{col}_std"] = group[col].std(ddof=1) if len(group) > 1 else math.nan
        for check in CHECKS:
            row[f"{check}_holds"] = f"{int(group[check].sum())}/{int(group[check].notna().sum())}"
        out.append(row)
    return pd.DataFrame(out)


def _start_label(table: pd.DataFrame) -> str:
    """How the table names the GRPO start checkpoint: ``SFT``, ``base`` (``GRPO start`` when they differ)."""
    starts = sorted(set(table.start.dropna()))
    return PHASE_LABELS.get(starts[0], starts[0]) if len(starts) == 1 else "GRPO start"


def caption(table: pd.DataFrame) -> str:
    """The line above the Markdown table: which split and decoding the numbers are, and the start checkpoint."""
    sel = table.iloc[0]
    return (f"Evaluation on split `{sel.split}`, {decoding_label(sel.decoding, sel.temperature)} decoding; "
            f"drift is measured from the checkpoint GRPO started from ({_start_label(table)}).")


def to_markdown(table: pd.DataFrame) -> str:
    """A caption (split, decoding, start checkpoint), a per-seed table and a mean (std) line per language."""
    lines = [caption(table), "",
             f"| lang | seed | {_start_label(table)} acc / target | GRPO acc-only acc / target | + LC acc / target "
             "| recovery acc / target | (i) | (ii) | (iii) |", "|---|---|---|---|---|---|---|---|---|"]
    mark = {1.0: "yes", 0.0: "no"}
    for r in table.itertuples():
        lines.append(
            f"| {r.lang} | {r.seed} | {r.start_accuracy:.3f} / {r.start_target_wr:.2f} | {r.grpo_accuracy:.3f} / "
            f"{r.grpo_target_wr:.2f} | {r.lc_accuracy:.3f} / {r.lc_target_wr:.2f} | {r.recovery_accuracy:.3f} / "
            f"{r.recovery_target_wr:.2f} | {mark.get(r.i_drift, '-')} | {mark.get(r.ii_tradeoff, '-')} | "
            f"{mark.get(r.iii_irreversible, '-')} |")
    for s in summarise(table).itertuples():
        def ms(col: str, digits: int = 3, s: Any = s) -> str:
            mean, std = getattr(s, f"{col}_mean"), getattr(s, f"{col}_std")
            return f"{mean:.{digits}f}" + ("" if pd.isna(std) else f" ({std:.{digits}f})")
        lines.append(
            f"| {s.lang} | mean (std), {s.n_seeds} seeds | {ms('start_accuracy')} / {ms('start_target_wr', 2)} | "
            f"{ms('grpo_accuracy')} / {ms('grpo_target_wr', 2)} | {ms('lc_accuracy')} / {ms('lc_target_wr', 2)} | "
            f"{ms('recovery_accuracy')} / {ms('recovery_target_wr', 2)} | {s.i_drift_holds} | {s.ii_tradeoff_holds} | "
            f"{s.iii_irreversible_holds} |")
    return "\n".join(lines) + "\n"


# The checkpoints of the language-metrics table: (column prefix of findings_table, label).
METRIC_POINTS = (("start", None), ("grpo", "GRPO acc-only"), ("lc", "+ LC"), ("recovery", "recovery"))


def metrics_markdown(table: pd.DataFrame) -> str:
    """Our Target WR next to the peers' language metrics (docs/metrics.md), mean over seeds per lang/checkpoint."""
    lines = ["Language fidelity by metric (mean over seeds; definitions and sources in docs/metrics.md): our CoT word "
             "share next to MMATH's thinking/answer LCR, PolyMath-style LC and TRIT's LC and LC&Acc.", "",
             "| lang | checkpoint | accuracy | Target WR (ours) | MMATH think LCR | MMATH answer LCR | PolyMath LC "
             "| TRIT LC | LC&Acc |", "|---|---|---|---|---|---|---|---|---|"]
    cols = ("accuracy", "target_wr", *PEER_RATES)
    for lang, group in table.groupby("lang"):
        for prefix, label in METRIC_POINTS:
            values = [group[f"{prefix}_{c}"].mean() for c in cols]
            if all(pd.isna(v) for v in values):
                continue
            cells = " | ".join("-" if pd.isna(v) else f"{v:.3f}" for v in values)
            lines.append(f"| {lang} | {label or _start_label(table)} | {cells} |")
    return "\n".join(lines) + "\n"


# -- confidence intervals: each claim pooled over seeds, hierarchical bootstrap over seeds and items --------------
# claim -> (clause, statistic, threshold key, above?, columns of the paired item table, combine of column means)
CLAUSES: dict[str, tuple[tuple[str, str, str, bool, tuple[str, ...], Callable[[Any], Any]], ...]] = {
    "i_drift": (("target lost", "start - acc-only Target WR", "drop", True, ("start_tgt", "grpo_tgt"),
                 lambda m: m[..., 0] - m[..., 1]),
                ("accuracy gained", "acc-only - start accuracy", "zero", True, ("grpo_acc", "start_acc"),
                 lambda m: m[..., 0] - m[..., 1])),
    "ii_tradeoff": (("target kept", "LC arm Target WR", "keep", True, ("lc_tgt",), lambda m: m[..., 0]),
                    ("accuracy cost", "acc-only - LC accuracy", "zero", True, ("grpo_acc", "lc_acc"),
                     lambda m: m[..., 0] - m[..., 1])),
    "iii_irreversible": (("target not won back", "share of the lost Target WR recovery wins back", "half", False,
                          ("recovery_tgt", "grpo_tgt", "start_tgt"),
                          lambda m: (m[..., 0] - m[..., 1]) / (m[..., 2] - m[..., 1])),
                         ("accuracy lost", "recovery - acc-only accuracy", "zero", False,
                          ("recovery_acc", "grpo_acc"), lambda m: m[..., 0] - m[..., 1])),
}
# (i) and (ii) need both clauses; (iii) holds through either (the finding's "or")
_COMBINE = {"i_drift": all_of, "ii_tradeoff": all_of, "iii_irreversible": any_of}


def table_items(db_path: str | Path, table: pd.DataFrame) -> pd.DataFrame:
    """The per-item means (:func:`pipeline.analysis.points.item_means`) on the split and decoding of a findings
    ``table``: what every interval of the findings resamples."""
    sel = table.iloc[0]
    temperature = None if pd.isna(sel.temperature) else float(sel.temperature)
    con = connect_readonly(Path(db_path))
    try:
        return item_means(con, sel.split, sel.decoding, temperature)
    finally:
        con.close()


def clause_groups(items: pd.DataFrame, seeds: pd.DataFrame, lang: str, cols: tuple[str, ...]) -> list[Any]:
    """Per seed of ``seeds`` (findings rows of ``lang``), the item table of the checkpoints a clause compares:
    columns ``cols`` (``<prefix>_acc`` / ``<prefix>_tgt``, prefixes start, grpo, lc, recovery), items paired."""
    groups = []
    for r in seeds.itertuples():
        names = {"start": r.start, "grpo": f"grpo_{r.acc_arm}", "lc": f"grpo_{r.lc_arm}",
                 "recovery": f"recovery_{r.acc_arm}"}
        mine = items[(items.lang == lang) & (items.seed == r.seed)]
        wide = None
        for prefix, checkpoint in names.items():
            part = mine[mine.checkpoint == checkpoint].set_index("item_id")[["acc", "tgt"]].add_prefix(f"{prefix}_")
            wide = part if wide is None else wide.join(part, how="outer")
        if wide is not None and set(cols) <= set(wide.columns):
            group = wide[list(cols)].dropna().to_numpy()
            if len(group):
                groups.append(group)
    return groups


def claim_intervals(db_path: str | Path, table: pd.DataFrame, thresholds: dict[str, float] | None = None,
                    n_boot: int = N_BOOT) -> pd.DataFrame:
    """One row per (lang, claim, clause): the statistic over every seed of :func:`findings_table`'s ``table``
    (pooled: mean over seeds of the mean over items, items paired across the checkpoints compared), its
    hierarchical bootstrap interval (:mod:`pipeline.analysis.uncertainty`) and verdict, plus one ``all`` row per
    claim combining its clauses."""
    th = {**THRESHOLDS, **(thresholds or {}), "zero": 0.0, "half": 0.5}
    items = table_items(db_path, table)
    rows = []
    for lang, seeds in table.groupby("lang"):
        for claim, clauses in CLAUSES.items():
            verdicts = []
            for clause, statistic, key, above, cols, combine in clauses:
                groups = clause_groups(items, seeds, lang, cols)
                if not groups:
                    continue
                iv = hierarchical_bootstrap(groups, combine, n_boot=n_boot)
                verdicts.append(verdict(iv, th[key], above))
                rows.append({"lang": lang, "claim": claim, "clause": clause, "statistic": statistic,
                             "estimate": iv.estimate, "lo": iv.lo, "hi": iv.hi, "threshold": th[key],
                             "side": ">" if above else "<", "verdict": verdicts[-1], "n_seeds": iv.n_seeds,
                             "n_items": iv.n_items, "level": iv.level, "n_boot": iv.n_boot})
            if verdicts:
                rows.append({"lang": lang, "claim": claim, "clause": "all", "verdict": _COMBINE[claim](verdicts)})
    return pd.DataFrame(rows)


_CLAIM_LABELS = {"i_drift": "(i) drift", "ii_tradeoff": "(ii) trade-off", "iii_irreversible": "(iii) irreversibility"}


def intervals_markdown(intervals: pd.DataFrame) -> str:
    """The claims with their 95% intervals and verdicts (``holds`` only when the interval clears the threshold)."""
    if intervals.empty:
        return ""
    first = intervals.dropna(subset=["n_boot"]).iloc[0]
    lines = [f"Each claim pooled over seeds with its {first.level:.0%} interval (hierarchical bootstrap over seeds "
             f"and items, {int(first.n_boot):,} resamples): a claim holds only when every interval it needs clears "
             "its threshold, is not reproduced when one lies wholly on the other side, and is inconclusive "
             "otherwise ((iii) needs one of its two clauses).", "",
             "| lang | claim | clause | statistic | estimate [95% CI] | needs | seeds / items | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for r in intervals.itertuples():
        if r.clause == "all":
            lines.append(f"| {r.lang} | {_CLAIM_LABELS[r.claim]} | **claim** | | | | | **{r.verdict}** |")
        else:
            lines.append(f"| {r.lang} | {_CLAIM_LABELS[r.claim]} | {r.clause} | {r.statistic} | {r.estimate:.3f} "
                         f"[{r.lo:.3f}, {r.hi:.3f}] | {r.side} {r.threshold:g} | {int(r.n_seeds)} / {int(r.n_items)} | "
                         f"{r.verdict} |")
    return "\n".join(lines) + "\n"


def write_findings(db_path: str | Path, out_json: str | Path, out_md: str | Path, split: str | None = "test",
                   decoding: str | None = None, temperature: float | None = None,
                   amplifiers: dict[str, dict[str, Any]] | None = None) -> pd.DataFrame:
    """Write the per-seed findings (JSON records + summary) and the Markdown table; return the table.
    ``split``, ``decoding``, ``temperature``: the ``figures:`` options
    (:func:`pipeline.analysis.figures.eval_selection`); ``amplifiers``: sweep name -> ``{"label", "points"}``
    (:attr:`pipeline.settings.Settings.amplifiers`), each a section of its own. The decoding-time control, eval
    temperature and rollout-control rows (:mod:`pipeline.analysis.control_findings`) come with whatever the
    store holds."""
    from pipeline.analysis.amplifiers import sweep_markdown, sweep_table
    from pipeline.analysis.control_findings import control_rows, controls_markdown

    table = findings_table(db_path, split, decoding, temperature=temperature)
    intervals = claim_intervals(db_path, table)
    controls = control_rows(db_path, table)
    sweeps, sweeps_md = {}, ""
    sel = table.iloc[0]
    selection = {"split": sel.split, "decoding": sel.decoding,
                 "temperature": None if pd.isna(sel.temperature) else float(sel.temperature)}
    for name, spec in (amplifiers or {}).items():
        pooled = sweep_table(db_path, spec["points"], **selection)[1]
        sweeps[name] = json.loads(pooled.to_json(orient="records"))
        sweeps_md += "\n" + sweep_markdown(name, spec.get("label", name), pooled)
    sel = table.iloc[0]
    payload = {"db": str(db_path), "split": sel.split, "decoding": sel.decoding,
               "temperature": None if pd.isna(sel.temperature) else float(sel.temperature),
               "start": sorted(set(table.start.dropna())), "caption": caption(table), "thresholds": THRESHOLDS,
               "per_seed": json.loads(table.to_json(orient="records")),
               "summary": json.loads(summarise(table).to_json(orient="records")),
               "intervals": json.loads(intervals.to_json(orient="records")),
               "controls": json.loads(controls.to_json(orient="records")), "amplifiers": sweeps}
    Path(out_json).parent.mkdir(parents=True, exist_ok=True)
    Path(out_json).write_text(json.dumps(payload, indent=2) + "\n")
    Path(out_md).write_text(to_markdown(table) + "\n" + intervals_markdown(intervals) + "\n" + metrics_markdown(table)
                            + ("\n" + controls_markdown(controls) if len(controls) else "") + sweeps_md)
    return table


def main(argv: list[str] | None = None) -> int:
    """CLI: print the findings table of a store."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--split", default="test")
    ap.add_argument("--decoding", type=decoding_arg, help="default: greedy when evaluated, else sampled")
    ap.add_argument("--temperature", type=float, help="sampled at this temperature (default: the highest)")
    args = ap.parse_args(argv)
    try:
        table = findings_table(args.db, args.split, args.decoding, temperature=args.temperature)
        from pipeline.analysis.control_findings import control_rows, controls_markdown

        print(to_markdown(table) + "\n" + intervals_markdown(claim_intervals(args.db, table)) + "\n"
              + metrics_markdown(table) + "\n" + controls_markdown(control_rows(args.db, table)), end="")
    except ValueError as err:  # no such split / decoding (FigureOptionError), an empty store
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
