"""Prompt and target formatting shared by pretraining, SFT, GRPO and evaluation.

Two styles, chosen by ``prompt.style`` in the config:

* ``plain`` (tiny in-pipeline models): the prompt is ``template.format(question=...)``, the completion is the
  reasoning followed by the final-answer line.
* ``chat`` (instruction-tuned hub models): the prompt is a list of chat messages; TRL applies the chat template.
"""

from __future__ import annotations

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
