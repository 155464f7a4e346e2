"""What eval n (and how many seeds) would resolve a claim: the interval width of one findings clause for studies of
other sizes, with items and seeds varying as in a finished store (:func:`pipeline.analysis.uncertainty.resolution`).

    python -m pipeline.analysis.resolution results/collapse.duckdb [--claim ii_tradeoff --clause "accuracy cost"]
        [--items 100 200 400 800] [--seeds 3 5 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipeline.analysis.figure_data import decoding_arg
from pipeline.analysis.findings import CLAUSES, THRESHOLDS, clause_groups, findings_table, table_items
from pipeline.analysis.uncertainty import resolution


def clause_resolution(db: str | Path, claim: str, clause: str, n_items: list[int], n_seeds: list[int],
                      decoding: str | None = None, temperature: float | None = None) -> pd.DataFrame:
    """Per language and study size: the clause's interval (lo, hi, width) and whether it would clear its
    threshold if the estimate stayed where it is."""
    table = findings_table(db, "test", decoding, temperature=temperature)
    sel = table.iloc[0]
    temp = None if pd.isna(sel.temperature) else float(sel.temperature)
    items = table_items(db, table)
    spec = {c[0]: c for c in CLAUSES[claim]}
    if clause not in spec:
        raise ValueError(f"claim {claim!r} has clauses {sorted(spec)}, not {clause!r}")
    _, statistic, key, above, cols, combine = spec[clause]
    threshold = {**THRESHOLDS, "zero": 0.0, "half": 0.5}[key]
    rows = []
    for lang, seeds in table.groupby("lang"):
        for r in resolution(clause_groups(items, seeds, lang, cols), combine, n_items, n_seeds):
            clears = r["lo"] > threshold if above else r["hi"] < threshold
            rows.append({"lang": lang, "claim": claim, "clause": clause, "statistic": statistic, **r,
                         "threshold": threshold, "clears": bool(clears), "decoding": sel.decoding,
                         "temperature": temp})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the interval width of one clause by eval n and number of seeds."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--claim", default="ii_tradeoff", choices=sorted(CLAUSES))
    ap.add_argument("--clause", default="accuracy cost")
    ap.add_argument("--items", type=int, nargs="+", default=[100, 200, 400, 800])
    ap.add_argument("--seeds", type=int, nargs="+", default=[3, 5, 10])
    ap.add_argument("--decoding", type=decoding_arg, default=None)
    ap.add_argument("--temperature", type=float, default=None)
    args = ap.parse_args(argv)
    out = clause_resolution(args.db, args.claim, args.clause, args.items, args.seeds, args.decoding,
                            args.temperature)
    print(out[["lang", "n_seeds", "n_items", "lo", "hi", "width", "clears"]].to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
