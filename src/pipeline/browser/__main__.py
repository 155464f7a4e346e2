"""CLI: ``python -m pipeline.browser DB [--out DIR] [--seed N] [--eval-per-group N] [--steps-per-run N]
[--rollouts-per-step N]`` writes ``DIR/index.html`` (default ``results/browser/``) from the store ``DB``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.browser.data import Sampling
from pipeline.browser.page import write_browser
from pipeline.store import StoreMissingError, StoreVersionError


def main(argv: list[str] | None = None) -> int:
    """Write the page; print where it is and how many rows it embeds."""
    d = Sampling()
    ap = argparse.ArgumentParser(prog="python -m pipeline.browser",
                                 description="Write the static chain-of-thought browser of a results store.")
    ap.add_argument("db", type=Path, help="the DuckDB store, e.g. results/collapse.duckdb")
    ap.add_argument("--out", type=Path, default=Path("results/browser"),
                    help="output directory (gets index.html) or .html file (default: results/browser/)")
    ap.add_argument("--seed", type=int, default=d.seed, help=f"sampling seed (default {d.seed})")
    ap.add_argument("--eval-per-group", type=int, default=d.eval_per_group,
                    help=f"eval samples per eval run and decoding, 0 = all (default {d.eval_per_group})")
    ap.add_argument("--steps-per-run", type=int, default=d.steps_per_run,
                    help=f"GRPO steps with rollouts per run, 0 = all (default {d.steps_per_run})")
    ap.add_argument("--rollouts-per-step", type=int, default=d.rollouts_per_step,
                    help=f"rollouts per GRPO run and step, 0 = all (default {d.rollouts_per_step})")
    args = ap.parse_args(argv)
    if min(args.eval_per_group, args.steps_per_run, args.rollouts_per_step) < 0:
        ap.error("sampling caps must be >= 0 (0 = all)")
    sampling = Sampling(args.seed, args.eval_per_group, args.steps_per_run, args.rollouts_per_step)
    try:
        path = write_browser(args.db, args.out, sampling)
    except (StoreMissingError, StoreVersionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB): open file://{path.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
