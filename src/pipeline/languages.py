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
# ``answer_template`` below must be matched by its own language's phrases (tests/unit/measure/test_answers.py
# checks it). ``pipeline.measure.answers`` tries the phrases of every language on every completion, reads the value
# after the LAST phrase that is followed by one (markdown, ``:``, dashes and line breaks in between are skipped,
# so a phrase may end without a separator: "### Final Answer" + newline + "40", "Отже, відповідь 18"), and
# uses the phrase's language for decimal commas (uk/ru: ``0,5`` is 0.5). Word boundaries are explicit:
# ``답은`` not in ``대답은``, ``答案是`` not in ``答案是否``, ``answer`` not in ``reanswer``/``answers``. A phrase
# that ends before a negation (``答案不是5，而是6``, ``คำตอบไม่ใช่ 5 แต่เป็น 6``) lets the reader take the
# corrected value; "not A" alone yields nothing. Checking sentences are not anchors ("Let's verify the answer:
# 18 × 2 = 36", "Проверим ответ:", "验证答案："): fixed-width lookbehinds, as Python's re needs. A phrase may follow
# a digit or, in English, a lower-case letter when the phrase starts upper-case ("= 2The answer is 2",
# "20 kilometersThe answer is 1": small models glue lines), never another letter ("reanswer", "대답은").
_ANSWER_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        r"(?:(?<![^\W\d_]|-)|(?<=(?-i:[a-z]))(?=(?-i:[A-Z])))"
        r"(?<!check )(?<!checking )(?<!verify )(?<!verifying )(?<!confirm )(?<!the )"
        r"(?:the\s+)?(?:(?:final|correct|right)\s+)?answer(?:\s+to\s+(?:the|this)\s+(?:question|problem))?"
        r"(?:\*\*|__)?\s*(?:is\b\s*(?:(?:therefore|thus|indeed|actually|simply|just|exactly|clearly|then|still"
        r"|approximately|about|now)\b\s*|as\s+follows\b\s*)?:?|equals\b|:|：|=)",
        r"(?:(?<![^\W\d_]|-)|(?<=(?-i:[a-z]))(?=(?-i:F)))final\s+answer(?![\w-])",
    ),
    "ko": (
        r"(?<![가-힣])(?:최종\s*)?(?:정답|답안|해답|답)(?:\*\*|__)?\s*(?:은|는|:|：|=|이다)"
        r"(?:\s*다음과\s*같(?:습니다|다))?",
        r"(?<![가-힣])최종\s*(?:정답|답안|답)(?![가-힣])",
    ),
    "zh": (
        r"(?<!验证)(?<!驗證)(?<!检查)(?<!檢查)(?<!检验)(?:最终|最終|最后|最後|正确|正確)?答案(?:\*\*|__)?\s*"
        r"(?:应该|應該|就|应|便)?\s*(?:是|为|為|等于|等於|如下|:|：|=)(?!否)",
        r"(?:最终|最終|最后|最後)答案",
        r"答案(?=\s*(?:并|並)?不是)",
        r"(?<![回解])答\s*[:：]",
    ),
    "uk": (
        r"(?<![^\W\d_])(?<!перевіримо )(?<!перевіряємо )(?<!перевірка )(?:(?:остаточна|кінцева|правильна)\s+)?"
        r"відповідь(?!\w)(?:\s+на\s+(?:питання|запитання|задачу))?(?:\*\*|__)?\s*"
        r"(?:[:：=]|дорівнює|становить|буде|—\s*це|це|є)?",
    ),
    "ru": (
        r"(?<![^\W\d_])(?<!проверим )(?<!проверяем )(?<!проверка )(?:(?:окончательный|итоговый|правильный)\s+)?"
        r"ответ(?!\w)(?:\s+на\s+(?:вопрос|задачу))?(?:\*\*|__)?\s*"
        r"(?:[:：=]|равен|равняется|составляет|будет|—\s*это|это)?",
    ),
    "ja": (
        r"(?:最終的な)?(?:答え|解答|正解)(?:\*\*|__)?\s*(?:は|:|：|=)",
        r"最終的な(?:答え|解答)",
    ),
    "th": (
        r"(?<!ตรวจสอบ)คำตอบ(?:สุดท้าย|ที่ถูกต้อง)?(?:\*\*|__)?\s*(?:คือ|ได้แก่|เท่ากับ|:|：|=)",
        r"คำตอบสุดท้าย",
        r"คำตอบ(?=\s*ไม่ใช่)",
    ),
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
