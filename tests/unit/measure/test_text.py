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
