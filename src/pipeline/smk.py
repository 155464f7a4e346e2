"""Glue for Snakemake ``script:`` files: send all output of a job to its ``log:`` file."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


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
