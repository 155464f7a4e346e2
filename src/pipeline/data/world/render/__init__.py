"""Per-language templates of the synthetic world: ``RENDERERS[lang](spec) -> (question, solution)``.

The control flow lives once in :mod:`pipeline.data.world.render.base`; each ``<code>.py`` holds a language's
word lists and family tables as ``LANGUAGE``. Adding a language: one new file and one line below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.data.world.render import en, ja, ko, th, uk, zh
from pipeline.data.world.render.base import Language

LANGUAGES: dict[str, Language] = {language.code: language for language in (
    en.LANGUAGE,
    ko.LANGUAGE,
    zh.LANGUAGE,
    uk.LANGUAGE,
    ja.LANGUAGE,
    th.LANGUAGE,
)}
RENDERERS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    code: language.render for code, language in LANGUAGES.items()
}
