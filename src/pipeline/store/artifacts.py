"""The artifacts of a results root (layout: :mod:`pipeline.layout`, contract: docs/artifacts.md): which files the
store ingests, what their paths say about them, and which tables each kind fills."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import layout


class IngestError(ValueError):
    """An artifact that cannot be ingested; the message names the file and what to fix."""


def path_regex(template: str) -> re.Pattern[str]:
    """A layout template (:mod:`pipeline.layout`) as a regex with one named group per field."""
    groups = {"lang": layout.LANG, "seed": layout.SEED, "checkpoint": layout.CHECKPOINT, "split": layout.SPLIT}
    regex = re.escape(template)
    for name, pattern in groups.items():
        regex = regex.replace(re.escape("{" + name + "}"), f"(?P<{name}>{pattern})")
    return re.compile(f"^{regex}$")


def path_glob(template: str, **fixed: str) -> str:
    """A layout template as a glob, e.g. ``*/seed*/*/run.json``."""
    return re.sub(r"\{\w+\}", "*", layout.fill(template, **fixed))


# kind -> (glob relative to the results root, regex the relative path must match); paths from pipeline.layout
_PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "run_json": (path_glob(layout.RUN_JSON), path_regex(layout.RUN_JSON)),
    "train_log": (path_glob(layout.TRAIN_LOG), path_regex(layout.TRAIN_LOG)),
    "rollouts": (path_glob(layout.ROLLOUTS, checkpoint="grpo_*"), path_regex(layout.ROLLOUTS)),
    "eval_samples": (path_glob(layout.EVAL_SAMPLES), path_regex(layout.EVAL_SAMPLES)),
    "eval_json": (path_glob(layout.EVAL_SUMMARY), path_regex(layout.EVAL_SUMMARY)),
    "translation_qc": (path_glob(layout.TRANSLATION_QC), path_regex(layout.TRANSLATION_QC)),
    "translation_summary": (path_glob(layout.TRANSLATION_SUMMARY), path_regex(layout.TRANSLATION_SUMMARY)),
}
# Eval artifacts of the pre-split layout (schema version 1): reported as skipped, with a note, never ingested.
_LEGACY_EVAL_GLOBS = ("*/seed*/eval/*.parquet", "*/seed*/eval/*.json")
LEGACY_EVAL_NOTE = (
    "eval artifact(s) in the old layout {lang}/seed{seed}/eval/{checkpoint}.* (no split) skipped: evaluation "
    "now writes eval/{split}/{checkpoint}.*; re-run the evaluate rule (or move a file to eval/<split>/ and set "
    "its run_id to <checkpoint run>/eval/<split>)"
)

# Which tables each kind of artifact writes (rows are replaced there when the artifact changes).
KIND_TABLES: dict[str, tuple[str, ...]] = {
    "run_json": ("runs",),
    "train_log": ("train_metrics",),
    "rollouts": ("rollouts", "rollout_steps"),
    "eval_samples": ("eval_samples",),
    "eval_json": ("runs", "eval_summary"),
    "translation_qc": ("translation_qc",),
    "translation_summary": ("translation_summary",),
}


@dataclass(frozen=True)
class Artifact:
    """One discovered artifact file and what its path says about it."""

    path: Path
    rel: str
    kind: str
    lang: str
    seed: int | None = None
    checkpoint: str | None = None
    split: str | None = None  # data split (translation artifacts) or evaluated split (eval artifacts)

    @property
    def path_run_id(self) -> str | None:
        """The run id the layout implies (``ko/seed0/grpo_acc``); None for data artifacts."""
        if self.seed is None or self.checkpoint is None:
            return None
        return layout.run_id(self.lang, self.seed, self.checkpoint)


def legacy_eval_paths(results_dir: Path) -> list[str]:
    """Eval files of the old layout without a split directory (``ko/seed0/eval/sft.json``)."""
    return sorted(
        path.relative_to(results_dir).as_posix()
        for pattern in _LEGACY_EVAL_GLOBS
        for path in results_dir.glob(pattern)
        if path.is_file()
    )


def discover_artifacts(results_dir: Path) -> tuple[list[Artifact], list[str]]:
    """All ingestible artifacts under ``results_dir`` (sorted) and the paths that looked like
    artifacts but do not fit the layout (recorded as skipped, not ingested; old-layout eval files too)."""
    found: dict[str, Artifact] = {}
    skipped: set[str] = set(legacy_eval_paths(results_dir))
    for kind, (pattern, regex) in _PATTERNS.items():
        for path in results_dir.glob(pattern):
            if not path.is_file():
                continue
            rel = path.relative_to(results_dir).as_posix()
            match = regex.match(rel)
            if match is None:
                skipped.add(rel)
                continue
            groups = match.groupdict()
            found[rel] = Artifact(
                path=path,
                rel=rel,
                kind=kind,
                lang=groups["lang"],
                seed=int(groups["seed"]) if groups.get("seed") is not None else None,
                checkpoint=groups.get("checkpoint"),
                split=groups.get("split"),
            )
    skipped -= set(found)
    return [found[k] for k in sorted(found)], sorted(skipped)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
