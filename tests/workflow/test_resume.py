"""Resumable training: a GRPO job SIGKILLed mid-run resumes from its last checkpoint-N when re-run (slow).

Runs the real micro DAG up to one GRPO arm in a subprocess, kills the whole Snakemake process group once a
complete checkpoint exists, re-runs it (``--unlock`` first: the killed Snakemake left its lock) and checks that
training continued from the checkpoint instead of starting over. The arm comes from a ``sweep:`` with a
temperature, so the test also shows sweep parameters reaching run.json.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from support import MICRO, SNAKEMAKE

STEPS, SAVE_STEPS = 120, 10
ARM = "lcw0p5_temp0p7"

pytestmark = pytest.mark.slow


def resume_config(tmp_path: Path) -> Path:
    cfg = yaml.safe_load((MICRO).read_text())
    cfg["grpo"].update(steps=STEPS, save_steps=SAVE_STEPS)
    cfg["arms"] = {}
    cfg["sweep"] = {"lc_weight": [0.5], "temperature": [0.7]}
    cfg["recovery"]["arms"] = []
    path = tmp_path / "resume.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def complete_checkpoints(run_dir: Path) -> list[int]:
    return sorted(int(p.parent.name.split("-")[1]) for p in run_dir.glob("checkpoint-*/trainer_state.json"))


def test_killed_grpo_job_resumes_from_its_checkpoint(tmp_path):
    config = resume_config(tmp_path)
    work = tmp_path / "work"
    run_dir = work / "results" / "ko" / "seed0" / f"grpo_{ARM}"
    target = f"results/ko/seed0/grpo_{ARM}/run.json"
    cmd = [*SNAKEMAKE, "--directory", str(work), "--configfile", str(config), "--cores", "2", target]

    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    try:
        while not complete_checkpoints(run_dir):
            assert first.poll() is None, "the first run ended before writing a checkpoint"
            assert time.monotonic() < deadline, "no checkpoint within 10 minutes"
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # Snakemake and its job: the whole process group
        first.wait()
    killed_at = complete_checkpoints(run_dir)
    assert killed_at and killed_at[-1] < STEPS, killed_at
    assert not (run_dir / "run.json").exists(), "the job finished before it was killed; raise STEPS"

    # A killed Snakemake leaves its lock: the next run refuses to start until --unlock ...
    locked = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert locked.returncode != 0 and "--unlock" in locked.stderr
    assert subprocess.run([*cmd, "--unlock"], capture_output=True, timeout=300).returncode == 0
    # ... then the job simply runs again: none of its outputs existed yet (they are written at the end), so
    # even --rerun-incomplete (set in both profiles for kills during the final save) is not needed here. The
    # checkpoints are not outputs, so Snakemake keeps them and the trainer resumes from the newest complete one.
    assert complete_checkpoints(run_dir)
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]

    info = json.loads((run_dir / "run.json").read_text())
    resumed = info["resumed_from"]
    assert resumed is not None, "training started over instead of resuming"
    resumed_step = int(Path(resumed).name.split("-")[1])
    assert resumed_step >= SAVE_STEPS and resumed_step % SAVE_STEPS == 0 and resumed_step < STEPS
    assert info["global_step"] == STEPS
    # The train log holds every step once: the steps before the checkpoint come from the restored state.
    steps = [row["step"] for row in map(json.loads, (run_dir / "train_log.jsonl").read_text().splitlines())
             if "loss" in row]
    assert steps == list(range(1, STEPS + 1))
    # train_loss averages every step, the ones before the resume too (issue 14: it covered only those after)
    losses = [row["loss"] for row in map(json.loads, (run_dir / "train_log.jsonl").read_text().splitlines())
              if "loss" in row]
    assert info["train_loss"] == pytest.approx(sum(losses) / len(losses), rel=1e-9)
    rollouts = pd.read_parquet(run_dir / "rollouts.parquet")
    assert sorted(rollouts["step"].unique()) == list(range(1, STEPS + 1))
    assert not list(run_dir.glob("checkpoint-*")), "checkpoints are removed after a successful run"
    # The sweep arm's parameters are recorded.
    assert info["arm"] == ARM and info["params"]["temperature"] == 0.7 and info["reward"]["lc_weight"] == 0.5
    assert info["reward"]["weights"][-1] == 0.5
