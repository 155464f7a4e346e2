"""Command line of the DuckDB results store.

    python -m pipeline.store ingest results/ results/collapse.duckdb [--prune] [--report ingest.json]
    python -m pipeline.store summary results/collapse.duckdb
    python -m pipeline.store check results/ results/collapse.duckdb
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.jsonl import write_json
from pipeline.store import (
    IngestError,
    StoreMissingError,
    StoreVersionError,
    connect_readonly,
    ingest,
    ledger_problems,
    table_counts,
)


def _cmd_ingest(args: argparse.Namespace) -> int:
    try:
        report = ingest(args.results_dir, args.db_path, prune=args.prune)
    except IngestError as err:
        print(f"ingest failed, database unchanged: {err}", file=sys.stderr)
        return 1
    if args.report:
        write_json(args.report, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    try:
        counts = table_counts(args.db_path)
    except (StoreMissingError, StoreVersionError) as err:
        print(err, file=sys.stderr)
        return 1
    with connect_readonly(args.db_path) as con:
        bad = con.execute("SELECT count(*) FROM v_eval_check WHERE NOT consistent").fetchone()[0]
    print(json.dumps({"tables": counts, "eval_summary_vs_samples_inconsistent": int(bad)}, indent=2))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    problems = ledger_problems(args.results_dir, args.db_path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): the store is missing or stale; rebuild it with `snakemake --cores 2` "
              f"(the ingest rule) or `python -m pipeline.store ingest {args.results_dir} {args.db_path}`",
              file=sys.stderr)
        return 1
    print(f"{args.db_path}: consistent with every artifact under {args.results_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.store", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_ingest = sub.add_parser("ingest", help="ingest new/changed artifacts in one transaction")
    p_ingest.add_argument("results_dir", type=Path)
    p_ingest.add_argument("db_path", type=Path)
    p_ingest.add_argument("--prune", action="store_true", help="drop rows of artifacts deleted from disk")
    p_ingest.add_argument("--report", type=Path, help="also write the ingest report as JSON here")
    p_ingest.set_defaults(func=_cmd_ingest)
    p_summary = sub.add_parser("summary", help="row counts and the eval summary/sample cross-check")
    p_summary.add_argument("db_path", type=Path)
    p_summary.set_defaults(func=_cmd_summary)
    p_check = sub.add_parser("check", help="is the store there and its ledger consistent with the artifacts?")
    p_check.add_argument("results_dir", type=Path)
    p_check.add_argument("db_path", type=Path)
    p_check.set_defaults(func=_cmd_check)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
