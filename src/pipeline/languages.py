"""Supported languages: ISO 639-1 codes, scripts and final-answer phrasing.

Every stage that takes a language code goes through :func:`get_language`, so an unknown
code fails in one place with one clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Language:
    """A language the pipeline can train, translate and measure."""

    code: str  # ISO 639-1
    name: str
    script: str  # dominant script: Latin, Hangul, Han, Cyrillic, Kana, Thai
    answer_template: str  # final-answer line; ``{answer}`` is replaced by the gold answer
    deep_translator_code: str  # code the Google engine of deep-translator expects
    # regexes (case-insensitive) that end right before a final answer, e.g. ``답은\s*`` in ``답은 18입니다``;
    # used by ``pipeline.measure.answers`` (every language's phrases are tried on every completion)
    answer_phrases: tuple[str, ...] = ()


# Final-answer phrases per language (case-insensitive regexes ending right before the answer). Every
# ``answer_template`` above must be matched by its own language's phrases (tests/test_answers.py checks it).
_ANSWER_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (r"\b(?:the\s+)?(?:final\s+)?answer\s*(?:is\s*:?|:|=)\s*",),
    "ko": (r"(?:정답|답)\s*(?:은|는|:|：|=)\s*",),
    "zh": (r"答案\s*(?:应该|應該)?\s*(?:是|为|為|:|：|=)\s*",),
    "uk": (r"відповідь\s*(?::|—|–|-|=|дорівнює|становить|це)\s*",),
    "ru": (r"ответ\s*(?::|—|–|-|=|равен|составляет|это)\s*",),
    "ja": (r"答え\s*(?:は|:|：|=)\s*", r"解答\s*(?:は|:|：)\s*"),
    "th": (r"คำตอบ\s*(?:คือ|:|：)\s*",),
}

LANGUAGES: dict[str, Language] = {
    lang.code: replace(lang, answer_phrases=_ANSWER_PHRASES.get(lang.code, ()))
    for lang in (
        Language("en", "English", "Latin", "The answer is {answer}.", "en"),
        Language("ko", "Korean", "Hangul", "답은 {answer}입니다.", "ko"),
        Language("zh", "Chinese", "Han", "答案是 {answer}。", "zh-CN"),
        Language("uk", "Ukrainian", "Cyrillic", "Відповідь: {answer}.", "uk"),
        Language("ru", "Russian", "Cyrillic", "Ответ: {answer}.", "ru"),
        Language("ja", "Japanese", "Kana", "答えは {answer} です。", "ja"),
        Language("th", "Thai", "Thai", "คำตอบคือ {answer}", "th"),
    )
}


class UnknownLanguageError(ValueError):
    """Raised for a language code the pipeline does not support."""


def get_language(code: str) -> Language:
    """Return the :class:`Language` for an ISO 639-1 ``code`` or raise a clear error."""
    try:
        return LANGUAGES[code]
    except KeyError:
        supported = ", ".join(sorted(LANGUAGES))
        raise UnknownLanguageError(
            f"unknown language code {code!r}; supported ISO 639-1 codes: {supported}"
        ) from None


def answer_line(code: str, answer: str) -> str:
    """The final-answer line in language ``code``, e.g. ``답은 18입니다.``."""
    return get_language(code).answer_template.format(answer=answer)


# fastText lid.176 labels that name one of our languages under another code (Wu and Cantonese Chinese
# are what lid.176 often returns for short Mandarin lines).
LID_ALIASES: dict[str, str] = {"wuu": "zh", "yue": "zh", "zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh"}


def normalize_lid_label(label: str) -> str:
    """Map a language-ID label (``__label__wuu``, ``yue``, ``zh-CN``) to an ISO 639-1-style code (``zh``)."""
    code = label.replace("__label__", "").strip().lower()
    return LID_ALIASES.get(code, code)
