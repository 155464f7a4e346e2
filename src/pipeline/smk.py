"""Glue for Snakemake ``script:`` files: a job's log file, and the run metadata its wildcards imply."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline import layout
from pipeline.runinfo import RunInfo


def export_src_path(basedir: str | os.PathLike[str]) -> str:
    """Prepend ``<basedir>/src`` to ``PYTHONPATH`` so jobs outside this venv (conda envs, cluster nodes) import
    ``pipeline``; returns the new value."""
    src = os.path.normpath(os.path.join(os.fspath(basedir), "src"))
    parts = [src, *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != src)]
    os.environ["PYTHONPATH"] = os.pathsep.join(parts)
    return os.environ["PYTHONPATH"]


@contextmanager
def job_log(smk: Any) -> Iterator[None]:
    """Redirect stdout/stderr (file-descriptor level, so C extensions and tqdm too) to ``smk.log[0]``.

    An exception is written to the log with its traceback and then re-raised, so Snakemake marks the job failed.
    """
    if not smk.log:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(smk.log[0], "a", encoding="utf-8") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield
        except BaseException:
            traceback.print_exc()
            raise
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def checkpoint_run(smk: Any) -> RunInfo:
    """The :class:`RunInfo` of a training job (rules sft, grpo, recovery): run id, stage and arm of the checkpoint
    it writes (``params.checkpoint``), from :mod:`pipeline.layout`; the stage function fills in the rest."""
    wc, params = smk.wildcards, smk.params
    checkpoint = params.checkpoint
    return RunInfo(run_id=layout.run_id(wc.lang, wc.seed, checkpoint), stage=layout.stage_of(checkpoint),
                   lang=wc.lang, seed=int(wc.seed), params={}, arm=layout.arm_of(checkpoint),
                   parent_run_id=params.parent, model=params.model_path, dataset=smk.input.train)


def eval_run(smk: Any) -> RunInfo:
    """The :class:`RunInfo` of an evaluate job: one run per (checkpoint, split), e.g. ``ko/seed0/grpo_acc/eval/test``,
    whose parent is the evaluated checkpoint's run."""
    wc = smk.wildcards
    return RunInfo(run_id=layout.eval_run_id(wc.lang, wc.seed, wc.checkpoint, wc.split), stage="eval",
                   lang=wc.lang, seed=int(wc.seed), params={}, arm=layout.arm_of(wc.checkpoint),
                   parent_run_id=layout.run_id(wc.lang, wc.seed, wc.checkpoint), model=smk.params.model_path,
                   dataset=smk.input.test, extra={"checkpoint_stage": layout.phase_of(wc.checkpoint)})
