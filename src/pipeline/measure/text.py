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
    """A completion as one valid ``str``.

    * a ``str`` passes through; ``None`` gives ``""``;
    * a chat message (a dict) or a sequence of them (a list, a tuple, or a one-dimensional array such as the
      numpy array of dicts that pyarrow/pandas return for a chat column read back from Parquet) gives the
      messages' ``content`` values concatenated (a missing or empty ``content`` adds nothing; a non-dict item
      adds ``str(item)``; ``None`` items are skipped);
    * anything else gives ``str(completion)``;
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
    messages = [completion] if isinstance(completion, dict) else completion
    if isinstance(messages, (list, tuple)) or getattr(messages, "ndim", None) == 1:
        return "".join(
            str(m.get("content") or "") if isinstance(m, dict) else str(m) for m in messages if m is not None
        )
    return str(completion)


def clean_text(completion: object) -> str:
    """:func:`as_text` plus NFKC folding of fullwidth digits/letters and Latin ligatures when there are any.

    >>> clean_text("ａｂｃ１２３ 全角")
    'abc123 全角'
    """
    text, raw = text_and_utf8(completion)
    if _NEEDS_NFKC_UTF8.search(raw):
        text = unicodedata.normalize("NFKC", text)
    return text
