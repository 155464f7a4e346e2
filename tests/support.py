"""Paths and helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEFILE = ROOT / "workflow" / "Snakefile"
DEFAULT_CONFIG = ROOT / "config" / "config.yaml"
SCENARIOS = ROOT / ".test"
MICRO = SCENARIOS / "config_micro" / "config.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE)]
OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
PROMPT = {"style": "plain", "template": "{question}\n", "system": None}  # the default config's prompt section


# The real data of ../shared/data (GSM8K, MATH500), next to the checkout or at /work/shared/data.
SHARED_DATA = next((c for c in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if c.is_dir()),
                   ROOT.parent / "shared" / "data")


PAPER_CONFIGS = sorted((ROOT / "config").glob("paper_*.yaml"))
OVERLAYS = [None, *sorted((ROOT / "config" / "models").glob("*.yaml")),
            *sorted((ROOT / "config" / "sweeps").glob("*.yaml"))]
# Overlays of the CPU lab only: the amplifier sweeps vary the synthetic world's difficulty (their definitions are
# in config/config.yaml).
CPU_LAB_ONLY = {"amplifiers.yaml"}
SWEEPS = sorted((ROOT / "config" / "sweeps").glob("*.yaml"))
# Every config a user can run: the default alone and with each sweep overlay, the micro scenario, each paper config
# alone and with each overlay that applies to it.
RUNNABLE_CONFIGS = [(DEFAULT_CONFIG,), *[(DEFAULT_CONFIG, o) for o in SWEEPS], (MICRO,),
                    *[(p, o) if o else (p,) for p in PAPER_CONFIGS for o in OVERLAYS
                      if o is None or o.name not in CPU_LAB_ONLY]]


def shared_data() -> Path:
    """:data:`SHARED_DATA`; the calling test is skipped where it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data dir missing: expected {SHARED_DATA} (or /work/shared/data)")
    return SHARED_DATA


def snakemake(workdir: Path, *args: str, configs: tuple[Path, ...] = (MICRO,), timeout: int = 900,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the workflow in ``workdir`` with ``configs`` (merged in order, as Snakemake merges them)."""
    config_args = ["--configfile", *map(str, configs)] if configs else []
    return subprocess.run([*SNAKEMAKE, "--directory", str(workdir), *args, *config_args],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **OFFLINE})


def merged(*paths: Path) -> dict:
    """Config files merged the way Snakemake merges several --configfile files (nested dicts key by key)."""
    def update(base: dict, new: dict) -> None:
        for key, value in new.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                update(base[key], value)
            else:
                base[key] = copy.deepcopy(value)

    out: dict = {}
    for path in paths:
        update(out, yaml.safe_load(path.read_text()))
    return out


def write_config(tmp_path: Path, base: Path = MICRO, name: str = "config.yaml", **changes) -> Path:
    """``base`` with ``changes`` applied (``section__key=value`` sets a nested key) written to ``tmp_path/name``."""
    cfg = yaml.safe_load(base.read_text())
    for dotted, value in changes.items():
        node = cfg
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    return path


def job_stats(stdout: str) -> dict[str, int]:
    """Rule -> job count from the "Job stats" table of a Snakemake (dry) run."""
    import re

    table = stdout.split("Job stats")[1].split("total")[0]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", table, re.M)}


# What differs between two runs of the same config by design: wall-clock times and speeds, and the ledger's file
# fingerprints (run.json records its start and end times). Everything else in the store must be identical.
VOLATILE_COLUMNS = {"started_at", "finished_at", "wall_seconds", "ingested_at", "recorded_at", "host", "mtime",
                    "size", "sha256"}
VOLATILE_METRICS = ("step_time", "train_runtime", "train_samples_per_second", "train_steps_per_second")
VOLATILE_SUMMARY_KEYS = ("items_per_second", "wall_seconds")
# How a translation was obtained (fresh from the backend, or from the translation cache a killed run had already
# filled): the same records either way, recorded truthfully, so a resumed run may differ here only.
CACHE_COLUMNS = {"cached", "attempts", "translated"}
CACHE_SUMMARY_KEYS = ("cached", "translated", "backend_calls", "cache_corrupt")


def store_contents(db: Path, cache_provenance: bool = True) -> dict[str, list[tuple]]:
    """Every table of a DuckDB store as sorted rows, without the columns and metrics that carry wall-clock time
    (and, with ``cache_provenance=False``, without whether translations came from the cache)."""
    import json

    import duckdb

    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
        for table in sorted(tables):
            cache = not cache_provenance and table.startswith("translation")
            skip = VOLATILE_COLUMNS | (CACHE_COLUMNS if cache else set())
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in skip]
            where = f"WHERE metric NOT IN {VOLATILE_METRICS}" if table == "train_metrics" else ""
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table} {where}").fetchall()
            if table == "translation_summary":
                i = cols.index("summary")
                drop = VOLATILE_SUMMARY_KEYS + (() if cache_provenance else CACHE_SUMMARY_KEYS)
                rows = [(*r[:i], json.dumps({k: v for k, v in json.loads(r[i]).items() if k not in drop},
                                            sort_keys=True), *r[i + 1:]) for r in rows]
            out[table] = sorted(rows, key=repr)
    return out
