"""The rule table (composition/rules.py) drives both labelling paths: the scanner and the fast path's tables agree."""

from __future__ import annotations

import doctest
import importlib

import pytest

from pipeline.measure.composition import fast_tables as ft
from pipeline.measure.composition.fast import fast_composition
from pipeline.measure.composition.reference import labels_of_prepared
from pipeline.measure.composition.result import from_labels
from pipeline.measure.composition.rules import SCRIPT_BY_NAME, SCRIPTS, SENTENCE_BREAKS
from pipeline.measure.composition.tokens import BREAK, NUMBER, TOKEN_RE, prepare

BMP = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
NEUTRAL_CLASSES = {ft.NEUTRAL, BREAK, NUMBER, ft.NUMBER_LIKE} | {s.name for s in SCRIPTS if s.label is None}


def scanner_class(ch: str) -> str:
    """The class the token scanner gives one character standing alone (as fast_tables.rule_class names it)."""
    m = TOKEN_RE.match(ch)
    if m is None:
        return ft.NEUTRAL
    if SCRIPT_BY_NAME.get(m.lastgroup) and SCRIPT_BY_NAME[m.lastgroup].any_letter and not ch.isalpha():
        return ft.NUMBER_LIKE
    return m.lastgroup


def is_fast(cp: int) -> bool:
    return ft.NOT_FAST.match(chr(cp)) is None


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_every_character_of_a_class_is_scanned_as_that_class(script):
    assert script.any_letter or script.ranges
    for a, b in script.ranges:
        for cp in [*range(a, min(b, 0xFFFF) + 1), *([a, b] if b > 0xFFFF else [])]:
            assert scanner_class(chr(cp)) == script.name, (script.name, hex(cp))


def test_sentence_breaks_and_numbers_are_scanned_as_such():
    for ch in SENTENCE_BREAKS:
        assert TOKEN_RE.fullmatch(ch).lastgroup == BREAK
    for token in ["18", "3x", "km2", "2nd", "x2y"]:
        assert TOKEN_RE.fullmatch(token).lastgroup == NUMBER


def test_fast_classification_is_the_scanners():
    """fast_tables.rule_class (from the rule table's ranges and the catch-all's Unicode test) == the scanner."""
    for cp in BMP:
        assert ft.rule_class(cp) == scanner_class(chr(cp)), hex(cp)


def test_script_table_reads_every_fast_character_as_its_class():
    """A fast character's lead byte names its class in the script view; a neutral one gives a space."""
    for cp in BMP:
        if not is_fast(cp):
            continue
        cls = ft.rule_class(cp)
        code = ft.SCRIPT_TABLE[ft.lead_byte(cp)]
        if cls in ft.FAST_CODES:
            assert code == ft.FAST_CODES[cls][0], (hex(cp), cls)
        else:
            assert cls in NEUTRAL_CLASSES and code == ord(" "), (hex(cp), cls)
        view = chr(cp).encode().translate(ft.SCRIPT_TABLE, ft.CONTINUATION)
        assert len(view) == 1  # one byte per character


def test_fast_characters_are_the_fast_classes_and_neutral_ones():
    """Every character of a fast class under its lead bytes is fast; nothing of another class is."""
    for cp in BMP:
        cls = ft.rule_class(cp)
        lead = ft.lead_byte(cp)
        if cp < 0x80:
            expected = True
        elif cls in ft.FAST_CODES and cls != "lat":
            expected = ft.SCRIPT_TABLE[lead] == ft.FAST_CODES[cls][0]
        elif cls in NEUTRAL_CLASSES:
            expected = ft.SCRIPT_TABLE[lead] == ord(" ")  # not under a lead byte that stands for a script
        else:  # non-ASCII Latin, kana, Thai, ... and other letters: the token-level path
            expected = False
        assert is_fast(cp) == expected, (hex(cp), cls)
        glued = ft.NUMBER_GLUED.match(chr(cp) + "a") is not None
        assert glued == (is_fast(cp) and cls == ft.NUMBER_LIKE), hex(cp)


def test_sure_bytes_start_only_fast_characters():
    for lead in ft.SURE_FAST_BYTES:
        if 0xC2 <= lead <= 0xEF:
            lo, hi = ft.lead_span(lead)
            for cp in range(lo, hi):
                if not 0xD800 <= cp <= 0xDFFF:
                    assert is_fast(cp) and ft.rule_class(cp) != ft.NUMBER_LIKE, hex(cp)
    assert not set(range(0xF0, 0x100)) & set(ft.SURE_FAST_BYTES)  # the fast characters are in the BMP


def test_byte_views_follow_the_rule_table():
    lat = {chr(cp) for cp in range(0x80) if ft.rule_class(cp) == "lat"}
    kept = {chr(b) for b in range(256) if ft.LATIN_VIEW[b] == b != ord(" ")}
    assert kept == lat | set("0123456789") | {"'"}
    breaks = {chr(b) for b in range(128) if ft.CYR_VIEW[b] == ord("|")}
    assert breaks == {c for c in SENTENCE_BREAKS if c.isascii()}
    cyr = {cp for cp in BMP if is_fast(cp) and ft.rule_class(cp) == "cyr"}
    assert cyr and all(ft.CYR_WORD.fullmatch(chr(cp)) for cp in cyr)
    assert not any(ft.CYR_WORD.fullmatch(chr(cp)) for cp in BMP if cp not in cyr)
    for w in ["м'ячів", "п’ять", "з\u02bcїдає"]:
        assert ft.CYR_WORD.fullmatch(w) and TOKEN_RE.fullmatch(w).lastgroup == "cyr"


CONTEXTS = [("Отже {}ціна. Итак {}нужно", "uk"), ("{}а x{}y total", "en"), ("먼저{}계산 我们{}计算", "ko"),
            ("αβ{}γδ {}мама", "ru")]


def test_fast_path_equals_reference_for_characters_in_context():
    """A sample of every character (every 11th code point) in four contexts: the fast path is exact or declines."""
    n_fast = 0
    for cp in BMP[::11]:
        for ctx, target in CONTEXTS:
            text = prepare(ctx.replace("{}", chr(cp)))
            fast = fast_composition(text, target)
            if fast is not None:
                n_fast += 1
                assert fast == from_labels([lab for _w, lab in labels_of_prepared(text)], target), (hex(cp), ctx)
    assert n_fast > len(BMP[::11]) * len(CONTEXTS) // 2


DOCTESTED = ["composition", "composition.cyrillic", "composition.reference", "composition.result", "composition.tokens",
             "cot"]


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples(module):
    assert doctest.testmod(importlib.import_module(f"pipeline.measure.{module}")).failed == 0
