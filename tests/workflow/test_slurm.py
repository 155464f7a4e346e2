"""The micro DAG through a real single-node SLURM cluster with the project's SLURM profile (slow).

The test starts the cluster itself with tools/slurm/start_local_cluster.sh (root; installs slurm-wlm and munge
with apt-get when missing), runs every non-local rule with sbatch via snakemake-executor-plugin-slurm, checks
the DuckDB store and that each job really was a SLURM job, then builds the Snakemake HTML report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline import layout
from support import MICRO, ROOT, SNAKEMAKE

START = ROOT / "tools" / "slurm" / "start_local_cluster.sh"
REMOTE_RULES = {"prepare_data", "translate", "pretrain", "sft", "grpo", "recovery", "evaluate"}
LOCAL_RULES = {"ingest", "figure"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def partition() -> str:
    """Start (or reuse) the local SLURM cluster; its partition name."""
    if os.geteuid() != 0:
        pytest.skip("starting a SLURM cluster needs root (slurmctld/slurmd/munged and apt-get)")
    if shutil.which("sbatch") is None and shutil.which("apt-get") is None:
        pytest.skip("SLURM is not installed and apt-get is not available to install slurm-wlm/munge")
    result = subprocess.run(["bash", str(START)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"start_local_cluster.sh failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip().splitlines()[-1]


def site_profile(tmp_path: Path, partition: str) -> Path:
    """The micro-specific site profile layered after workflow/profiles/slurm (later profiles win per key)."""
    site = tmp_path / "site_profile"
    site.mkdir()
    (site / "profile.yaml").write_text(
        "default-resources:\n"
        f"  slurm_partition: {partition}\n"
        "  runtime: 30\n"
        "  mem_mb: 2000\n"
        "slurm-no-account: true\n"
        "slurm-init-seconds-before-status-checks: 2\n"
        "latency-wait: 5\n"
    )
    return site


def test_micro_dag_runs_through_slurm_and_report(tmp_path, partition):
    work = tmp_path / "work"
    cmd = [*SNAKEMAKE, "--directory", str(work), "--configfile", str(MICRO),
           "--profile", str(ROOT / "workflow" / "profiles" / "slurm"),
           "--profile", str(site_profile(tmp_path, partition))]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1500, cwd=tmp_path)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]

    # Results: the same store contents as the local micro run.
    with duckdb.connect(str(work / "results" / "collapse.duckdb"), read_only=True) as con:
        stages = con.execute("SELECT stage, arm FROM runs WHERE stage != 'eval' ORDER BY stage, arm").fetchall()
        assert stages == [("grpo", "acc"), ("grpo", "acc_lc"), ("pretrain", None), ("recovery", "acc"),
                          ("sft", None)]
        assert con.execute("SELECT count(DISTINCT checkpoint_run_id) FROM eval_samples").fetchone()[0] == 5

    # Every non-local job went through sbatch: the plugin's per-job SLURM log, named by the SLURM job id,
    # written by the job on the node, and slurmctld's record of that job (MinJobAge keeps it 10 minutes).
    submitted = dict(re.findall(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (\S+)\)", out))
    assert len(submitted) == 13, out[-3000:]  # prepare 1, translate 2, pretrain, sft, grpo 2, recovery, eval 5
    logs = sorted((work / ".snakemake" / "slurm_logs").rglob("*.log"))
    rules = {p.relative_to(work / ".snakemake" / "slurm_logs").parts[0].removeprefix("rule_") for p in logs}
    assert rules == REMOTE_RULES and not rules & LOCAL_RULES
    assert {p.stem for p in logs} == set(submitted)
    for jobid, log in submitted.items():
        text = Path(log).read_text()
        assert "Finished jobid: 0" in text, log
        info = subprocess.run(["scontrol", "show", "job", jobid], capture_output=True, text=True).stdout
        assert "JobState=COMPLETED" in info and f"Partition={partition}" in info, info
        assert f"WorkDir={work}" in info or f"WorkDir={tmp_path}" in info, info
    # Local rules ran in this process, not under SLURM.
    assert re.search(r"localrule ingest:", out) and re.search(r"localrule figure:", out)

    # The HTML report of that run: figures and their captions.
    report = work / "report.html"
    rep = subprocess.run([*SNAKEMAKE, "--directory", str(work), "--configfile", str(MICRO),
                          "--report", str(report)], capture_output=True, text=True, timeout=600)
    assert rep.returncode == 0, (rep.stdout + rep.stderr)[-3000:]
    html = report.read_text(errors="replace")
    assert len(html) > 50_000
    template = (ROOT / "workflow" / "report" / "figure.rst").read_text()
    for name in layout.FIGURES:
        assert f"{name}.png" in html
        # each figure's own caption (the first words of its branch of the caption template)
        branch = template.split(f'snakemake.wildcards.figure == "{name}" %}}', 1)[1].split("{%", 1)[0]
        assert " ".join(branch.split()[:3]) in html, f"caption of {name} missing from the report"
