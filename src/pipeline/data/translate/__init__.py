"""Translation of source records into target languages: backends, cache, QC and the stage runner.

Public API::

    run_translation(source_path, out_path, qc_path, summary_path, target_lang, cfg) -> summary dict
    make_backend(cfg) -> TranslatorBackend          # backend: deep_translator | hf | template | registered
    register_backend(name, cls)                     # plug in a new backend
    TranslatorBackend.translate(texts, source, target) -> list[str]

Errors: ``TransientTranslationError`` (retried), ``TranslationError`` / ``UntranslatableError`` (counted, not
retried), ``BackendConfigError`` (aborts), ``TranslationStageError`` (the run produced nothing usable).
See docs/translation.md for the config keys, the cache and the QC flags.
"""

from __future__ import annotations

from pipeline.data.translate.base import (
    BackendConfigError,
    TransientTranslationError,
    TranslationError,
    TranslationStageError,
    TranslatorBackend,
    UntranslatableError,
)
from pipeline.data.translate.cache import TranslationCache
from pipeline.data.translate.registry import BACKENDS, backend_class, make_backend, register_backend
from pipeline.data.translate.runner import run_translation

__all__ = [
    "BACKENDS",
    "BackendConfigError",
    "TranslationCache",
    "TranslationError",
    "TranslationStageError",
    "TranslatorBackend",
    "TransientTranslationError",
    "UntranslatableError",
    "backend_class",
    "make_backend",
    "register_backend",
    "run_translation",
]
