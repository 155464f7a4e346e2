"""Backend registry: config ``backend: <name>`` -> class. Adding a backend = one class + one line here.

Entries are ``"module:Class"`` strings, imported on first use, so choosing the template backend never
imports transformers and choosing ``hf`` never imports deep-translator.
"""

from __future__ import annotations

import importlib
from typing import Any

from pipeline.data.translate.base import BackendConfigError, TranslatorBackend

BACKENDS: dict[str, str | type[TranslatorBackend]] = {
    "deep_translator": "pipeline.data.translate.deep_translator_backend:DeepTranslatorBackend",
    "hf": "pipeline.data.translate.hf_backend:HFBackend",
    "template": "pipeline.data.translate.template_backend:TemplateBackend",
}


def register_backend(name: str, cls: type[TranslatorBackend] | str) -> None:
    """Register (or replace) a backend at run time, e.g. a fake one in tests or a plugin."""
    BACKENDS[name] = cls


def backend_class(name: str) -> type[TranslatorBackend]:
    """The class registered under ``name``."""
    try:
        entry = BACKENDS[name]
    except KeyError:
        raise BackendConfigError(f"translation backend {name!r} unknown; choose one of {sorted(BACKENDS)} "
                                 "(or register one: pipeline.data.translate.registry.register_backend)") from None
    if isinstance(entry, str):
        module, _, attr = entry.partition(":")
        entry = getattr(importlib.import_module(module), attr)
    return entry


def make_backend(cfg: dict[str, Any]) -> TranslatorBackend:
    """Instantiate the backend named by ``cfg['backend']`` from the stage config."""
    if "backend" not in cfg:
        raise BackendConfigError(f"translation config needs `backend:` (one of {sorted(BACKENDS)})")
    backend = backend_class(cfg["backend"]).from_config(cfg)
    if not backend.name:
        backend.name = cfg["backend"]  # type: ignore[misc]
    return backend
