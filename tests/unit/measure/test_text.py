"""Completion -> text (pipeline.measure.text): one behaviour for str, chat lists and chat columns read from Parquet."""

from __future__ import annotations

import doctest

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import pipeline.measure.text as text_module
from pipeline.measure.composition import cot_compositions, cot_text
from pipeline.measure.text import as_text, clean_text

CHATS = [
    [{"role": "assistant", "content": "먼저 계산합니다.\n답은 7입니다."}],
    [{"role": "user", "content": "Рахуй. "}, {"role": "assistant", "content": "Рахуємо.\nВідповідь: 5."}],
    [{"role": "assistant", "content": None}],
]


def test_docstring_examples():
    assert doctest.testmod(text_module).failed == 0


def test_plain_and_chat_forms():
    assert as_text("x") == "x"
    assert as_text(None) == ""
    assert as_text({"role": "assistant", "content": "hi"}) == "hi"
    assert as_text(({"content": "a"}, {"content": ""}, None, {"role": "tool"})) == "a"
    assert as_text([]) == ""
    assert as_text(12) == "12"


def test_invalid_code_points_become_replacement_characters():
    assert as_text("a\ud800b") == "a\ufffdb"
    assert as_text([{"content": "\udfff"}]) == "\ufffd"
    assert as_text("\ud83d\ude42") == "\U0001f642"  # a surrogate pair is the character it encodes
    assert clean_text("\ud800ａ") == "\ufffda"


def test_chat_column_read_back_from_parquet(tmp_path):
    """pandas gives a list<struct> column back as numpy arrays of dicts: the same text as the lists."""
    path = tmp_path / "rollouts.parquet"
    pq.write_table(pa.table({"completion": CHATS}), path)
    column = pq.read_table(path).to_pandas()["completion"]
    assert all(isinstance(c, np.ndarray) for c in column)
    assert [as_text(c) for c in column] == [as_text(c) for c in CHATS]
    assert [cot_text(c, "uk") for c in column] == [cot_text(c, "uk") for c in CHATS]
    assert cot_compositions(list(column), "ko") == cot_compositions(CHATS, "ko")
    assert cot_compositions(list(column), "ko")[0].target_share == 1.0


def test_any_nesting_gives_the_text_never_a_repr():
    """A batch of chats, content parts (OpenAI/transformers multimodal format), tuples, nested object arrays."""
    parts = [{"type": "text", "text": "먼저 "}, {"type": "image_url", "image_url": {"url": "x.png"}},
             {"type": "text", "text": "계산합니다."}]
    assert as_text({"role": "assistant", "content": parts}) == "먼저 계산합니다."
    assert as_text([[{"role": "assistant", "content": "A. "}], [{"role": "assistant", "content": "B."}]]) == "A. B."
    assert as_text(({"role": "assistant", "content": ({"type": "text", "text": "t"},)},)) == "t"
    assert as_text([{"role": "assistant", "tool_calls": [{"id": "1"}]}, {"role": "assistant"}]) == ""
    assert as_text({"type": "text", "text": None}) == ""
    nested = np.empty(2, dtype=object)
    nested[0] = np.array([{"role": "assistant", "content": "p"}], dtype=object)
    nested[1] = {"role": "assistant", "content": np.array([{"type": "text", "text": "q"}], dtype=object)}
    assert as_text(nested) == "pq"
    assert as_text(np.array([[{"content": "a"}], [{"content": "b"}]], dtype=object)) == "ab"
    assert as_text(np.array({"content": "zero-d"}, dtype=object)) == "zero-d"
    assert as_text(b"bytes \xff") == "bytes \ufffd"
    assert as_text([np.int64(3), 2.5]) == "32.5"
    for completion in [nested, {"role": "assistant", "content": parts}, [[{"role": "user", "content": "x"}]]]:
        assert "role" not in as_text(completion) and "content" not in as_text(completion)
    assert cot_compositions([[{"role": "assistant", "content": parts}]], "ko")[0].target_share == 1.0


def test_content_parts_read_back_from_parquet(tmp_path):
    """A list<struct<role, content: list<struct<type, text>>>> column comes back as nested numpy arrays."""
    chats = [[{"role": "assistant", "content": [{"type": "text", "text": "먼저 계산합니다."}]}]]
    path = tmp_path / "parts.parquet"
    pq.write_table(pa.table({"completion": chats}), path)
    column = pq.read_table(path).to_pandas()["completion"]
    assert as_text(column[0]) == "먼저 계산합니다."
