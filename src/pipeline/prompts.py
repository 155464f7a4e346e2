"""Prompt and target formatting shared by pretraining, SFT, GRPO and evaluation.

Two styles, chosen by ``model.prompt_style`` in the config:

* ``plain`` (tiny in-pipeline models): the prompt is ``template.format(question=...)``, the completion is the
  reasoning followed by the final-answer line.
* ``chat`` (instruction-tuned hub models): the prompt is a list of chat messages; TRL applies the chat template.
"""

from __future__ import annotations

from typing import Any

from pipeline.languages import answer_line, get_language

DEFAULT_TEMPLATE = "{question}\n"


def build_prompt(question: str, lang: str, style: str = "plain", template: str = DEFAULT_TEMPLATE,
                 system: str | None = None) -> str | list[dict[str, str]]:
    """The model input for ``question``; ``system`` may use ``{language}`` (the language's English name)."""
    text = template.format(question=question, language=get_language(lang).name)
    if style == "plain":
        return text
    if style == "chat":
        messages = []
        if system:
            messages.append({"role": "system", "content": system.format(language=get_language(lang).name)})
        messages.append({"role": "user", "content": text})
        return messages
    raise ValueError(f"unknown prompt style {style!r}; use 'plain' or 'chat'")


def build_target(solution: str, answer: str, lang: str) -> str:
    """The reference completion: reasoning, then the final-answer line in ``lang``."""
    solution = solution.rstrip()
    line = answer_line(lang, answer)
    return f"{solution}\n{line}" if solution else line


def completion_text(completion: Any) -> str:
    """Plain text of a completion given as a string or as chat messages."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return "" if completion is None else str(completion)
