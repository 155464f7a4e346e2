"""The rule table (composition/rules.py) drives both labelling paths: the scanner and the fast path's tables agree."""

from __future__ import annotations

import doctest
import importlib

import pytest

from pipeline.measure.composition import composition, word_labels
from pipeline.measure.composition import fast_tables as ft
from pipeline.measure.composition.cyrillic import word_evidence
from pipeline.measure.composition.fast import fast_composition
from pipeline.measure.composition.han import HAN_RUN, has_zh_evidence
from pipeline.measure.composition.reference import labels_of_prepared
from pipeline.measure.composition.result import from_labels
from pipeline.measure.composition.rules import (
    RU_WORDS,
    SCRIPT_BY_NAME,
    SCRIPTS,
    SENTENCE_BREAKS,
    UK_WORDS,
    ZH_FUNCTION_CHARS,
)
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
    """A fast character's lead byte names its class in the script view; an ASCII sentence break gives ``|``, another
    neutral character a space."""
    for cp in BMP:
        if not is_fast(cp):
            continue
        cls = ft.rule_class(cp)
        code = ft.SCRIPT_TABLE[ft.lead_byte(cp)]
        if cls in ft.FAST_CODES:
            assert code == ft.FAST_CODES[cls][0], (hex(cp), cls)
        elif cp < 0x80 and cls == BREAK:
            assert code == ord(ft.ASCII_BREAK), hex(cp)
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
            ("αβ{}γδ {}мама", "ru"), ("合{}計 {}數學 값", "ja")]


def test_fast_path_equals_reference_for_characters_in_context():
    """A sample of every character (every 11th code point) in four contexts: the fast path is exact or declines."""
    n_fast = 0
    for cp in BMP[::11]:
        for ctx, target in CONTEXTS:
            text = prepare(ctx.replace("{}", chr(cp)))
            fast = fast_composition(text, target)
            if fast is not None:
                n_fast += 1
                reference = from_labels([lab for _w, lab in labels_of_prepared(text, target)], target)
                assert fast == reference, (hex(cp), ctx)
    assert n_fast > len(BMP[::11]) * len(CONTEXTS) // 2


DOCTESTED = ["composition", "composition.cyrillic", "composition.han", "composition.reference", "composition.result",
             "composition.tokens", "cot"]


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples(module):
    assert doctest.testmod(importlib.import_module(f"pipeline.measure.{module}")).failed == 0


# --------------------------------------------------------------------------------------------------
# Rules for real benchmark text: code, environments, currency, Han, lexicons (docs/metrics.md)
# --------------------------------------------------------------------------------------------------


def words(text: str, target: str) -> list[str]:
    return [w for w, _lab in word_labels(text, target)]


@pytest.mark.parametrize("text", [
    "삼각형을 그립니다. [asy]\ndraw((0,0)--(1,0)--(0,1)--cycle);\nlabel(\"$A$\", (0,0), SW);\n[/asy]\n넓이를 구합니다.",
    "삼각형을 그립니다. [asy]\ndraw((0,0)--(1,0)); label(\"$B$\", B, dir(0));",  # unclosed: to the end
    "삼각형을 그립니다.\n```python\nprint('hello world')\n```\n넓이를 구합니다.",
    "삼각형을 그립니다.\n```\nfor i in range(3): total += i",  # unclosed fence
    "삼각형을 `draw(A--B)` 그립니다. `total_cost` 넓이를 구합니다.",
])
def test_code_and_diagram_blocks_are_neutral(text):
    assert {lab for _w, lab in word_labels(text, "ko")} == {"ko"}
    assert composition(text, "ko").target_share == 1.0


@pytest.mark.parametrize("text,expected", [
    ("표: \\begin{tabular}{|c|c|} Stem & Leaves \\\\ \\hline 5 & 1 2 \\end{tabular} 합은 12", ["표", "합은"]),
    ("계산하면 \\begin{align*} \\text{비용} &= 5 \\times 2 \\\\ total &= 10 \\end{align*} 입니다",
     ["계산하면", "비용", "입니다"]),  # \text{} arguments are prose, as inside math
    ("행렬 $\\begin{pmatrix} a & b \\end{pmatrix}$ 와 \\begin{foo} any words here \\end{foo} 끝", ["행렬", "와", "끝"]),
    ("중첩 \\begin{array}{c} a \\begin{array}{c} word \\end{array} more \\end{array} 끝", ["중첩", "끝"]),
    ("넓이 \\[ \\text{넓이} = base \\times height \\] 입니다", ["넓이", "넓이", "입니다"]),  # \[...\]: math
    ("$$\\begin{aligned} \\text{합} &= 5 \\end{aligned}$$ 끝", ["합", "끝"]),
    ("\\begin{itemize} \\item 먼저 계산합니다 \\end{itemize}", ["먼저", "계산합니다"]),  # prose environment
    ("\\begin{center} \\begin{tabular}{c} Stem \\end{tabular} 표입니다 \\end{center}", ["표입니다"]),
    ("열린 \\begin{tabular}{c} 환경", ["열린", "환경"]),  # unclosed: only the command is removed
])
def test_latex_environments_are_neutral(text, expected):
    assert words(text, "ko") == expected


@pytest.mark.parametrize("text,target,expected", [
    ("I paid $5 and $10.", "en", ["paid", "and"]),
    ("She sells eggs for $2 per egg and makes $18 every day.", "en",
     ["She", "sells", "eggs", "for", "per", "egg", "and", "makes", "every", "day"]),
    ("사과는 $5이고 배는 $10입니다.", "ko", ["사과는", "이고", "배는", "입니다"]),
    ("苹果每个$5，梨每个$10。", "zh", list("苹果每个梨每个")),
    ("Яблуко коштує $5, а груша $10.", "uk", ["Яблуко", "коштує", "а", "груша"]),
    ("Juan paid \\$1.50 and \\$2 for pears.", "en", ["Juan", "paid", "and", "for", "pears"]),  # \$ is no delimiter
    ("후안은 \\$1.50, 배에 \\$2를 냈습니다.", "ko", ["후안은", "배에", "를", "냈습니다"]),
    # real inline math stays neutral
    ("풀이: $x+5=10$ 이므로 $5x$ 는 25입니다.", "ko", ["풀이", "이므로", "는", "입니다"]),
    ("$5$개와 $10$개를 더합니다", "ko", ["개와", "개를", "더합니다"]),
    ("If $2x$ and $3$ then $5 \\cdot x$2", "en", ["If", "and", "then"]),
    ("$5 \\text{ apples}$ 사과", "ko", ["apples", "사과"]),
])
def test_currency_amounts_do_not_open_math(text, target, expected):
    assert words(text, target) == expected


@pytest.mark.parametrize("text,target,labels", [
    ("合計 = 3 + 4", "ja", ["ja", "ja"]),  # kanji-only Japanese sentence
    ("合計 = 3 + 4", "zh", ["zh", "zh"]),
    ("解答\n計算\n答えは 7 です", "ja", ["ja"] * 9),
    ("我们计算 合計", "ja", ["zh"] * 6),  # 们, 计: Chinese only
    ("所以答案是 18", "ja", ["zh"] * 5),  # 是: a Chinese function character
    ("首先计算总数。然后乘以3。", "ja", ["zh"] * 10),  # no kana, Chinese evidence in the text
    ("答えは 18 です。然后乘以3。", "ja", ["ja"] * 9),  # kana in the text: a sentence without evidence is ja
    ("目的関数\n終了", "ja", ["ja"] * 6),  # 的 and 了 are everyday Japanese
    ("이 값은 數學 입니다", "ko", ["ko"] * 5),  # hanja in a Korean sentence
    ("이 값은 數學 입니다", "zh", ["ko"] * 5),  # whatever the target
    ("이 문제는 简单 합니다.", "ko", ["ko", "ko", "zh", "zh", "ko"]),  # simplified: Chinese, not hanja
    ("이 값을 구합니다. 數學", "ko", ["ko", "ko", "ko", "zh", "zh"]),  # another sentence
])
def test_han_is_chinese_japanese_or_korean_by_sentence_text_and_target(text, target, labels):
    assert [lab for _w, lab in word_labels(text, target)] == labels
    assert composition(text, target) == from_labels(labels, target)


def test_chinese_only_evidence():
    assert all(has_zh_evidence(c) for c in "们这个是说为计简单吗")
    assert not any(has_zh_evidence(c) for c in "的了目終合計数學學答")
    assert not has_zh_evidence("먼저 total") and has_zh_evidence("x 们", 1) and not has_zh_evidence("们 x", 1)
    assert all(SCRIPT_BY_NAME["han"].ranges and HAN_RUN.fullmatch(c) for c in ZH_FUNCTION_CHARS)


def test_kanji_only_japanese_takes_the_fast_path():
    for text in ["合計 = 7", "解答\n計算", "我们计算", "이 문제는 简单 합니다."]:
        assert fast_composition(prepare(text), "ja") is not None, text
    assert fast_composition(prepare("이 값은 數學 입니다"), "ko") is None  # hanja: the token-level path


# Word forms that are common words of both Ukrainian and Russian: evidence for neither.
SHARED_UK_RU = set("""
    а в на не по за до так то там тут та тому при без над про нас вас нам вам раз два три сто все мама дома
    вода число кожного
""".split())
# Frequent Russian words without a telltale letter (none may be Ukrainian evidence) ...
RU_COMMON = set("""
    и в не на я что тот с он а весь это как она по но они к у ты из мы за вы так же от этот который мочь о один
    еще бы такой только себя какой когда уже для вот кто да год знать мой до или если время рука нет самый ни
    стать большой даже другой наш свой ну под где дело есть сам раз чтобы два там чем день тут во потом очень со
    хотеть ли при надо без теперь тоже сейчас можно после здесь через тогда ведь каждый почему потому просто иметь
    над нужно три ваш уж конец час пока хорошо давать более хотя всегда куда сразу совсем об значит про лишь
    правда однако именно найти сколько получить вместе назад давно нельзя долго пять оно тому та того кому чему
""".split())
# ... and frequent Ukrainian ones (none may be Russian evidence).
UK_COMMON = set("""
    в у на не що з а до як та це за по так але то ми ви вони його там тут вже ще або чи коли ж же би б щоб бути
    може треба можна тепер тому дуже все ось просто лише саме разом кожен один два три сто раз час число сума
    ціна задача потрібно маємо отже буде будуть має мають цей ця цього
""".split())


def test_lexicons_hold_no_word_of_both_languages():
    assert not UK_WORDS & SHARED_UK_RU and not RU_WORDS & SHARED_UK_RU
    assert not UK_WORDS & RU_COMMON, UK_WORDS & RU_COMMON
    assert not RU_WORDS & UK_COMMON, RU_WORDS & UK_COMMON
    assert not UK_WORDS & RU_WORDS
    assert word_evidence("тому") == word_evidence("та") == "cyr"  # no evidence: the sentence decides
    assert [lab for _w, lab in word_labels("Это было тому назад.", "ru")] == ["ru"] * 4
