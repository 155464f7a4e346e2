"""Per-language templates of the synthetic world: ``render_spec(spec) -> (question, solution)`` per language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.data.world.render import en, ko, uk, zh

RENDERERS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "en": en.render_spec,
    "ko": ko.render_spec,
    "zh": zh.render_spec,
    "uk": uk.render_spec,
}
