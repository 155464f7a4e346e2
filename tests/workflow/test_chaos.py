"""Chaos (slow): the micro DAG killed at random points, re-run after each kill, ends with the same DuckDB contents as
a clean run, and nothing left to do.

The kill points are drawn from a fixed seed: after the k-th job of an attempt starts (Snakemake prints ``rule X:``
or ``localrule X:``), wait a random fraction of a second, then send a random signal: SIGKILL to the whole process
group (a node failure, an OOM kill: nothing is cleaned up), or SIGTERM / SIGINT to Snakemake alone (a scheduler
ending the job, Ctrl-C). Each re-run is what README's troubleshooting tells a user to do: ``--unlock``, then the
same command with ``--rerun-incomplete`` (the profiles set it).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from support import MICRO, OFFLINE, SNAKEMAKE, snakemake, store_contents

pytestmark = pytest.mark.slow

SEED = 14
KILLS = 6
JOB_START = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):", re.M)
SIGNALS = (("SIGKILL", True), ("SIGTERM", False), ("SIGINT", False))  # (signal, whole process group?)


def command(workdir: Path, *args: str) -> list[str]:
    return [*SNAKEMAKE, "--directory", str(workdir), "--cores", "2", "--configfile", str(MICRO), *args]


def run_and_kill(workdir: Path, after_job: int, delay: float, sig: str, group: bool) -> tuple[list[str], int | None]:
    """Start the DAG, kill it ``delay`` s after its ``after_job``-th job starts; (jobs started, exit code if it
    finished first)."""
    proc = subprocess.Popen(command(workdir, "--rerun-incomplete"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, **OFFLINE})
    started: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            m = JOB_START.match(line)
            if m:
                started.append(m.group(1))
                if len(started) >= after_job:
                    ready.set()
        ready.set()  # the run ended before the kill point

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ready.wait(timeout=600)
    time.sleep(delay)
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, getattr(signal, sig))
        else:
            proc.send_signal(getattr(signal, sig))
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:  # a graceful stop that hangs is killed hard (and would show in the log)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        code = None
    else:
        code = proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any job process a graceful stop left behind
    except ProcessLookupError:
        pass
    reader.join(timeout=30)
    return started, code


def test_killed_dag_resumes_to_the_clean_run_s_store(tmp_path):
    clean_dir, chaos_dir = tmp_path / "clean", tmp_path / "chaos"
    clean = snakemake(clean_dir, "--cores", "2")
    assert clean.returncode == 0, (clean.stdout + clean.stderr)[-4000:]
    # a translation the killed run had cached is taken from the cache on the re-run (and recorded so): the same records
    expected = store_contents(clean_dir / "results" / "collapse.duckdb", cache_provenance=False)

    rng = random.Random(SEED)
    killed = []
    for _ in range(KILLS):
        after_job, delay = rng.randint(1, 6), rng.uniform(0.0, 3.0)
        sig, group = rng.choice(SIGNALS)
        started, code = run_and_kill(chaos_dir, after_job, delay, sig, group)
        if code is not None:  # finished before the kill point: nothing more to break
            assert code == 0
            break
        killed.append((started[-1] if started else None, sig))
        unlock = subprocess.run(command(chaos_dir, "--unlock"), capture_output=True, text=True, timeout=300)
        assert unlock.returncode == 0, unlock.stderr[-2000:]
    assert len(killed) >= 5, f"only {len(killed)} kills landed before the DAG finished: {killed}"

    final = snakemake(chaos_dir, "--cores", "2", "--rerun-incomplete")
    assert final.returncode == 0, (final.stdout + final.stderr)[-4000:]
    assert store_contents(chaos_dir / "results" / "collapse.duckdb", cache_provenance=False) == expected, killed
    summary = store_contents(chaos_dir / "results" / "collapse.duckdb")["translation_summary"]
    assert sum(r[2] + r[3] for r in summary) == 136, summary  # each item translated or cached: 120 train, 16 test
    for name in ("findings.md", "findings.json", "figures/tradeoff.png", "figures/drift.pdf"):
        assert (chaos_dir / "results" / name).stat().st_size > 0
    again = snakemake(chaos_dir, "-n")
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr, again.stdout[-2000:]
