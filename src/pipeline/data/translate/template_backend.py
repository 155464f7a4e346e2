"""The synthetic world's translator: exact lookup in ``parallel.jsonl`` (every item in every language).

Each line of the parallel file is ``{"id", "split", "answer", "difficulty", "renderings": {lang:
{"question", "solution"}}}``. A text is translated by finding the item and field whose ``source``
rendering equals it exactly and returning the ``target`` rendering of the same item and field.

It translates only the synthetic world's own texts: a text with no parallel entry (any GSM8K, MATH-500 or
SimpleRL question) raises :class:`UntranslatableError`, which is never retried; the runner stops a run whose
first items all fail that way (:data:`pipeline.data.translate.runner.FAIL_FAST_ITEMS`).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, ClassVar

from pipeline.data.translate.base import BackendConfigError, TranslatorBackend, UntranslatableError
from pipeline.jsonl import JsonlError, iter_jsonl_numbered

log = logging.getLogger(__name__)

FIELDS = ("question", "solution")
DEFAULT_PARALLEL_PATH = "results/data/source/parallel.jsonl"  # relative to the Snakemake working directory
NOT_SYNTHETIC_HINT = ("The template backend translates only synthetic splits (source: synthetic, whose items "
                      "are in the parallel file); for a gsm8k/math500/simplerl split use backend: "
                      "deep_translator or hf, or a native benchmark source (mmath, polymath, mgsm)")


class TemplateBackend(TranslatorBackend):
    """Lookup translator over the synthetic world's parallel renderings (config key ``parallel_path``)."""

    name: ClassVar[str] = "template"
    config_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parallel_path: str | Path) -> None:
        path = Path(parallel_path)
        if not path.exists():
            raise BackendConfigError(f"template backend: parallel file {path} does not exist; run the "
                                     "prepare stage of a synthetic split or fix `parallel_path`")
        self.path = path
        self.model = f"parallel:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"
        self.languages: set[str] = set()
        # (lang, field, text) -> renderings of that item; first item wins when two items share a text
        self._index: dict[tuple[str, str], tuple[str, dict[str, dict[str, str]]]] = {}
        self.ambiguous = 0
        for lineno, row in iter_jsonl_numbered(path):
            renderings = row.get("renderings")
            if not isinstance(renderings, dict):
                raise JsonlError(f"{path}:{lineno}: item {row.get('id')!r} has no 'renderings' object")
            self.languages.update(renderings)
            for lang, rendering in renderings.items():
                for fld in FIELDS:
                    text = rendering.get(fld)
                    if text is None:
                        continue
                    key = (lang, text)
                    if key in self._index:
                        self.ambiguous += self._index[key][1] is not renderings
                        continue
                    self._index[key] = (fld, renderings)
        if self.ambiguous:
            log.warning("template backend: %d texts of %s occur in more than one item; the first is used",
                        self.ambiguous, path)

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> TemplateBackend:
        return cls(cfg.get("parallel_path") or DEFAULT_PARALLEL_PATH)

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        for lang in (source, target):
            if lang not in self.languages:
                raise BackendConfigError(f"template backend: {self.path} has no {lang!r} renderings (it has "
                                         f"{sorted(self.languages)}); add the language to the world config")
        out = []
        for text in texts:
            hit = self._index.get((source, text))
            if hit is None:
                raise UntranslatableError(
                    f"template backend: text not found among the {source!r} renderings of {self.path}: "
                    f"{text[:80]!r}. {NOT_SYNTHETIC_HINT}")
            fld, renderings = hit
            translated = renderings.get(target, {}).get(fld)
            if translated is None:
                raise UntranslatableError(f"template backend: the item of {text[:40]!r} in {self.path} has no "
                                          f"{target!r} {fld}")
            out.append(translated)
        return out
