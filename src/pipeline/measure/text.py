"""A model completion as one valid ``str``: the single completion -> text function of the package.

:func:`as_text` is what answer extraction (:mod:`pipeline.measure.answers`), CoT extraction
(:mod:`pipeline.measure.cot`) and language composition (:mod:`pipeline.measure.composition`) read a completion
with; :func:`clean_text` adds the NFKC folding that composition applies before labelling words.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["as_text", "clean_text", "text_and_utf8"]

# Fullwidth digits and letters and the Latin ligatures (U+FF10-FF19, FF21-FF3A, FF41-FF5A, FB00-FB06) are folded
# with NFKC when present; matched in the UTF-8 bytes, which is a fast scan for their 0xEF lead byte.
_NEEDS_NFKC_UTF8 = re.compile(rb"\xef(?:\xbc[\x90-\x99\xa1-\xba]|\xbd[\x81-\x9a]|\xac[\x80-\x86])")


def as_text(completion: object) -> str:
    """A completion as one valid ``str``: its text, never the repr of a container.

    * a ``str`` passes through; ``None`` gives ``""``; ``bytes`` are decoded as UTF-8 (invalid bytes -> U+FFFD);
    * a chat message (a dict) gives the text of its ``content`` (a missing or ``None`` content adds nothing); a
      content part (``{"type": "text", "text": ...}``, the OpenAI/transformers multimodal format) gives its
      ``text``; any other dict (an image part, a tool call) adds nothing;
    * a sequence (a list, a tuple, or a numpy array of any shape, such as the array of dicts that pyarrow/pandas
      return for a chat column read back from Parquet) gives the texts of its items concatenated, at any nesting:
      a batch of chats, a message whose content is a list of parts; ``None`` items are skipped;
    * anything else (a number) gives ``str(completion)``;
    * lone surrogates (the only code points UTF-8 cannot encode) become U+FFFD; a surrogate pair becomes the
      character it encodes.

    >>> as_text("Step one.")
    'Step one.'
    >>> as_text(None)
    ''
    >>> as_text([{"role": "assistant", "content": "Рахуємо. "}, {"role": "assistant", "content": "Відповідь: 5."}])
    'Рахуємо. Відповідь: 5.'
    >>> as_text({"role": "assistant", "content": None})
    ''
    >>> as_text({"role": "assistant", "content": [{"type": "text", "text": "먼저 "}, {"type": "image"},
    ...                                           {"type": "text", "text": "계산합니다."}]})
    '먼저 계산합니다.'
    >>> as_text([[{"role": "assistant", "content": "A. "}], ({"content": "B."},)])
    'A. B.'
    >>> import numpy as np
    >>> as_text(np.array([{"role": "assistant", "content": "答案是18。"}], dtype=object))
    '答案是18。'
    >>> as_text("a\\ud800b \\ud83d\\ude42")
    'a\\ufffdb 🙂'
    """
    return text_and_utf8(completion)[0]


def text_and_utf8(completion: object) -> tuple[str, bytes]:
    """:func:`as_text` of ``completion`` and its UTF-8 encoding (computed anyway to find invalid code points)."""
    if isinstance(completion, str):
        text = completion
    elif completion is None:
        return "", b""
    else:
        text = _joined(completion)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        raw = text.encode("utf-8")
    return text, raw


def _joined(completion: object) -> str:
    """The text of a non-``str`` completion (see :func:`as_text`)."""
    parts: list[str] = []
    _collect(completion, parts)
    return "".join(parts)


def _collect(item: object, parts: list[str]) -> None:
    """Append the texts of ``item`` to ``parts`` (depth first, in order)."""
    if isinstance(item, str):
        parts.append(item)
    elif item is None:
        return
    elif isinstance(item, dict):
        if "content" in item:
            _collect(item["content"], parts)
        elif "text" in item:
            _collect(item["text"], parts)
    elif isinstance(item, (bytes, bytearray)):
        parts.append(bytes(item).decode("utf-8", "replace"))
    elif isinstance(item, (list, tuple)) or getattr(item, "ndim", 0):
        for sub in item:
            _collect(sub, parts)
    elif getattr(item, "ndim", None) == 0 and hasattr(item, "item"):  # a numpy scalar or 0-d array
        _collect(item.item(), parts)
    else:
        parts.append(str(item))


def clean_text(completion: object) -> str:
    """:func:`as_text` plus NFKC folding of fullwidth digits/letters and Latin ligatures when there are any.

    >>> clean_text("ａｂｃ１２３ 全角")
    'abc123 全角'
    """
    text, raw = text_and_utf8(completion)
    if _NEEDS_NFKC_UTF8.search(raw):
        text = unicodedata.normalize("NFKC", text)
    return text
