"""Word-level language composition: hand-written CoTs, CoT extraction, malformed input, fast path."""

from __future__ import annotations

import importlib.util
import json

import pytest

from pipeline.languages import UnknownLanguageError, answer_line
from pipeline.measure.composition import (
    Composition,
    composition,
    compositions,
    cot_compositions,
    cot_text,
    word_labels,
)
from pipeline.measure.composition.fast import fast_composition
from pipeline.measure.composition.result import from_labels
from pipeline.measure.composition.tokens import prepare
from support import ROOT, shared_data

TOL = 0.05


# (text, target, target_share, en_share, other_share, other_lang, n_words, first_switch_word)
CASES = [
    pytest.param(
        "먼저 사과의 개수를 계산합니다. 민수는 사과를 12개 가지고 있습니다.",
        "ko",
        1.0,
        0.0,
        0.0,
        None,
        9,
        None,
        id="ko-pure",
    ),
    pytest.param(
        "먼저 total cost를 계산하면 3 + 4 = 7입니다.",
        "ko",
        4 / 6,
        2 / 6,
        0.0,
        None,
        6,
        1,
        id="ko-english-words",
    ),
    pytest.param("이 문제는 简单 합니다.", "ko", 0.6, 0.0, 0.4, "zh", 5, 2, id="ko-chinese-inside"),
    pytest.param(
        "먼저 사과의 수를 셉니다. 그 다음 계산합니다. Then we multiply by 3 to get the total number.",
        "ko",
        7 / 16,
        9 / 16,
        0.0,
        None,
        16,
        7,
        id="ko-drift-to-english",
    ),
    pytest.param("小明有5个苹果，吃了2个。", "zh", 1.0, 0.0, 0.0, None, 9, None, id="zh-pure-han-chars"),
    pytest.param(
        "我们先计算 total cost，然后除以 3。", "zh", 9 / 11, 2 / 11, 0.0, None, 11, 5, id="zh-english-words"
    ),
    pytest.param(
        "Спочатку знайдемо загальну кількість яблук. Марія має 12 яблук.",
        "uk",
        1.0,
        0.0,
        0.0,
        None,
        8,
        None,
        id="uk-pure",
    ),
    pytest.param(
        "Спочатку знайдемо загальну кількість яблук. Итак, нужно сложить все числа. Потім ділимо на два.",
        "uk",
        9 / 14,
        0.0,
        5 / 14,
        "ru",
        14,
        5,
        id="uk-russian-sentence",
    ),
    pytest.param(
        "Отже, ціна одного олівця 5 гривень. Тепер we need the total price.",
        "uk",
        6 / 11,
        5 / 11,
        0.0,
        None,
        11,
        6,
        id="uk-english",
    ),
    pytest.param(
        "Сначала найдём общее количество яблок. Мария съела 3 яблока.",
        "ru",
        1.0,
        0.0,
        0.0,
        None,
        8,
        None,
        id="ru-pure",
    ),
    pytest.param(
        "Сначала найдём общее количество яблок. Потім ділимо їх на кількість дітей.",
        "ru",
        5 / 11,
        0.0,
        6 / 11,
        "uk",
        11,
        5,
        id="ru-ukrainian-sentence",
    ),
    pytest.param(
        "First, we compute the total cost: 3 * 4 = 12 dollars.",
        "en",
        1.0,
        0.0,
        0.0,
        None,
        7,
        None,
        id="en-pure-target-en",
    ),
    pytest.param(
        "First, we compute the total cost: 3 * 4 = 12 dollars.",
        "ko",
        0.0,
        1.0,
        0.0,
        None,
        7,
        0,
        id="en-against-ko",
    ),
    pytest.param(
        "3 + 4 = 7\n$x^2 + y^2 = z^2$\n\\frac{1}{2} \\times 8 = 4\n#### 4\n\\boxed{4}",
        "ko",
        0.0,
        0.0,
        0.0,
        None,
        0,
        None,
        id="equations-only",
    ),
    pytest.param(
        "민수는 $3x + 5 = 20$ 식을 풉니다.\n3x + 5 = 20\nx = 5 kg, AB = 3 cm",
        "ko",
        1.0,
        0.0,
        0.0,
        None,
        3,
        None,
        id="ko-with-math-lines",
    ),
    pytest.param("答えは 18 です。まず計算します。", "ja", 1.0, 0.0, 0.0, None, 12, None, id="ja-kana-han"),
    pytest.param(
        "삼각형 $ABC$에서 $AB = 5$입니다. [asy]\ndraw((0,0)--(5,0)--(0,3)--cycle);\nlabel(\"$A$\", (0,0), SW);\n"
        "[/asy]\n\\begin{tabular}{c|c} Stem & Leaves \\\\ 1 & 2 \\end{tabular}\n"
        "넓이는 $\\frac{1}{2} \\cdot 5 \\cdot 3$입니다.",
        "ko",
        1.0,
        0.0,
        0.0,
        None,
        5,
        None,
        id="ko-math-asy-tabular",
    ),
    pytest.param(
        "問題 1. 三角形の面積を求めよ。\n解答\n面積 = 底辺 × 高さ ÷ 2\n合計 = 15",
        "ja",
        1.0,
        0.0,
        0.0,
        None,
        22,
        None,
        id="ja-kanji-only-lines",
    ),
    pytest.param(
        "小明买苹果花了$5，买梨花了$10，一共花了多少钱？", "zh", 1.0, 0.0, 0.0, None, 18, None, id="zh-currency"
    ),
    pytest.param(
        "Die Lösung für diese Aufgabe ist einfach, wir müssen nur addieren.",
        "en",
        0.0,
        0.0,
        1.0,
        "de",
        11,
        0,
        id="latin-german-by-fasttext",
    ),
]


@pytest.mark.parametrize("text,target,t_share,en,other,other_lang,n_words,first", CASES)
def test_hand_written_compositions(text, target, t_share, en, other, other_lang, n_words, first):
    comp = composition(text, target)
    assert comp.target_share == pytest.approx(t_share, abs=TOL)
    assert comp.en_share == pytest.approx(en, abs=TOL)
    assert comp.other_share == pytest.approx(other, abs=TOL)
    assert comp.other_lang == other_lang
    assert comp.n_words == n_words
    assert comp.first_switch_word == first
    if first is None:
        assert comp.first_switch_frac is None
    else:
        assert comp.first_switch_frac == pytest.approx(first / n_words)
    if n_words:
        assert comp.target_share + comp.en_share + comp.other_share == pytest.approx(1.0)


def test_mixed_line_counts_english_words_as_english():
    labels = word_labels("먼저 total cost를 계산하면")
    assert labels == [("먼저", "ko"), ("total", "en"), ("cost", "en"), ("를", "ko"), ("계산하면", "ko")]


def test_neutral_tokens_are_excluded():
    labels = [w for w, _ in word_labels("x = 3, 5kg, 2nd, AB, sin(x), \\sqrt{2}, ² 10% <think> #### 18")]
    assert labels == []


def test_dollar_amounts_are_not_treated_as_math():
    comp = composition("She sells eggs for $2 per egg and makes $18 every day.", "en")
    assert comp.n_words == 10  # She sells eggs for per egg and makes every day
    assert comp.target_share == 1.0


def test_ukrainian_vs_russian_letters():
    assert dict(word_labels("їжак ґанок щастя")) == {"їжак": "uk", "ґанок": "uk", "щастя": "uk"}
    assert {lab for _, lab in word_labels("съёмка этот мы")} == {"ru"}


def test_wuu_yue_map_to_zh():
    from pipeline.languages import normalize_lid_label

    assert normalize_lid_label("__label__wuu") == "zh"
    assert normalize_lid_label("yue") == "zh"
    assert normalize_lid_label("__label__uk") == "uk"


def test_unknown_target_raises_with_supported_codes():
    with pytest.raises(UnknownLanguageError, match="supported ISO 639-1 codes: en, ja, ko, ru, th, uk, zh"):
        composition("hello", "xx")
    with pytest.raises(UnknownLanguageError):
        compositions(["hello"], ["xx"])


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   \n\t",
        "12345 678 = 9",
        "\ud800\udfff broken \ud83d",
        None,
        "ａｂｃ１２３ 全角",
        "x" * 200_000,
        "🙂🙂🙂",
    ],
)
def test_malformed_text_gives_defined_result(bad):
    comp = composition(bad, "ko")
    assert isinstance(comp, Composition)
    assert 0.0 <= comp.target_share <= 1.0 and 0.0 <= comp.en_share <= 1.0 and 0.0 <= comp.other_share <= 1.0
    if comp.n_words == 0:
        assert (comp.target_share, comp.en_share, comp.other_share, comp.first_switch_word) == (
            0.0,
            0.0,
            0.0,
            None,
        )


def test_cot_text_strips_think_tags_and_answer_lines():
    completion = "<think>\n먼저 계산합니다.\n3 + 4 = 7\n</think>\n" + answer_line("ko", "7")
    assert cot_text(completion, "ko") == "먼저 계산합니다.\n3 + 4 = 7"
    assert cot_text("먼저 계산합니다.\n답은 7입니다.\n\n", "ko") == "먼저 계산합니다."
    assert cot_text("9 * 2 = 18, so the answer is 18.", "en") == "9 * 2 = 18, so"
    assert cot_text("Step one.\n#### 18", "en") == "Step one."
    assert cot_text("计算一下。\n所以答案是18。", "zh") == "计算一下。\n所以"  # words before the anchor stay
    assert cot_text([{"role": "assistant", "content": "Рахуємо.\nВідповідь: 5."}], "uk") == "Рахуємо."
    assert cot_text("", "uk") == ""


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "uk", "ru", "ja", "th"])
def test_cot_text_removes_every_answer_template(lang):
    assert cot_text("3 + 4 = 7\n" + answer_line(lang, "7"), lang) == "3 + 4 = 7"


def test_cot_compositions_match_reward_view():
    comps = cot_compositions(["먼저 계산합니다.\n답은 7입니다.", "We add.\nThe answer is 7."], "ko")
    assert comps[0].target_share == 1.0 and comps[0].n_words == 2
    assert comps[1].en_share == 1.0 and comps[1].n_words == 2


def _bench_module():
    spec = importlib.util.spec_from_file_location(
        "bench_lang_reward", ROOT / "benchmarks" / "bench_lang_reward.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fast_path_equals_reference_labelling():
    """``composition`` takes a per-script counting shortcut; it must equal the token-level reference."""
    texts, targets = _bench_module().make_cots(300, 120, seed=1)
    texts += [p.values[0] for p in CASES]
    targets += [p.values[1] for p in CASES]
    for text, target in zip(texts, targets, strict=True):
        reference = from_labels([lab for _w, lab in word_labels(text, target)], target)
        assert composition(text, target) == reference, text[:200]


def test_compositions_batch_equals_single():
    texts = [p.values[0] for p in CASES]
    targets = [p.values[1] for p in CASES]
    assert compositions(texts, targets) == [composition(t, g) for t, g in zip(texts, targets, strict=True)]
    with pytest.raises(ValueError, match="2 texts but 1 target"):
        compositions(["a", "b"], ["en"])


def test_real_english_solutions_are_english():
    data = shared_data()
    rows = [json.loads(line) for line in (data / "gsm8k" / "test.jsonl").read_text().splitlines()[:300]]
    comps = compositions([r["answer"] for r in rows], "en")
    assert min(c.target_share for c in comps if c.n_words) == 1.0
    math_rows = [
        json.loads(line) for line in (data / "math500" / "test.jsonl").read_text().splitlines()[:200]
    ]
    math_comps = compositions([r["solution"] for r in math_rows], "en")
    mean = sum(c.target_share for c in math_comps if c.n_words) / sum(1 for c in math_comps if c.n_words)
    assert mean >= 0.98


# Fragments for random texts that exercise the fast path's corner cases: uk/ru evidence by letters and by
# lexicon, ambiguous Cyrillic (fastText), unit words, apostrophes (' and ’), letters glued to digits,
# neutral Latin forms, Greek, Hangul/Han next to Cyrillic, CJK sentence breaks, math; code blocks, LaTeX
# environments, currency amounts, kanji-only Japanese, Chinese-only characters and hanja; plus a few
# characters (kana, é) that send a text to the token-level path.
_FRAGMENTS = [
    "Отже, маємо", "Марія з'їдає", "п’ять м’ячів", "ціна", "Це правильно", "що", "ЩО", "Щоб",
    "Итак, нужно", "съёмка этот", "Это", "всего", "ЧТО", "нужно сложить", "тому", "та",
    "мама мила раму", "дом", "Так", "кГ", "КГ", "кг", "грн", "руб", "Руб", "їжы", "з'", "'я", "а'б'в",
    "먼저 계산합니다", "cost를", "민수는", "我们先计算", "苹果", "。", "！", "？", "；",
    "total cost", "don't", "don’t", "x", "AB", "ABC", "km2", "3x", "2nd", "it's", "'quoted'", "Then we add",
    "x'km2",
    "αβγ", "π", "$x+1$", "\\times", "\\text{kg}", "12", "3.5", "½", "×", "—", "²",
    "[asy]draw(A--B); label(\"$A$\", A);[/asy]", "[asy]fill(unitcircle)", "```python\nprint('hi')\n```", "```",
    "`total_cost`", "`", "\\begin{tabular}{cc} Stem & 합계 \\\\ \\end{tabular}", "\\begin{align*}",
    "\\end{align*}", "\\text{비용} &= 5", "\\begin{itemize}\\item 먼저", "\\end{itemize}", "\\[ area \\]",
    "$5", "$10입니다", "사과는 $5이고 배는 $10", "苹果$5，梨$10", "коштує $5, а груша $10", "$5 and $10", "\\$3",
    "$5x$", "$x+5=10$", "合計", "解答", "計算", "數學", "简单", "们", "是", "目的", "終了", "이 값은 數學",
]
_SEPARATORS = [" ", " ", " ", ". ", "\n", "; ", "? ", ", ", "' ", "'", "’", "-", ""]
_TARGETS = ("ko", "zh", "uk", "ru", "en", "ja")


def _random_texts(n: int, seed: int) -> list[tuple[str, str]]:
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 25))]
        text = "".join(p + rng.choice(_SEPARATORS) for p in parts)
        if rng.random() < 0.03:
            text += rng.choice(["です", "café"])
        out.append((text, rng.choice(_TARGETS)))
    return out


def test_fast_path_equals_reference_on_random_texts():
    """Every fast-path shortcut (per script, per sentence for uk/ru) against the token-level reference, for every
    target (the Han labels depend on it)."""
    pairs = _random_texts(600, seed=7)
    n_fast = 0
    for text, target in pairs:
        for tg in _TARGETS:
            reference = from_labels([lab for _w, lab in word_labels(text, tg)], tg)
            assert composition(text, tg) == reference, (text, tg)
        n_fast += fast_composition(prepare(text), target) is not None
    assert n_fast >= len(pairs) // 3  # the shortcuts are exercised, not bypassed


def test_mixed_ukrainian_russian_takes_the_sentence_fast_path():
    """uk+ru evidence in one text is resolved per sentence without the token loop, as the reference does."""
    cases = [
        ("Спочатку знайдемо кількість яблук. Итак, нужно сложить все числа. Потім ділимо.", "uk"),
        ("Сначала найдём количество. Потім ділимо їх на кількість дітей. Так и есть.", "ru"),
        ("먼저 계산합니다. Отже, маємо 5. Итак, нужно 3. 답을 구합니다.", "ko"),
        ("我们先计算。Отже маємо 5。Итак нужно 3。", "zh"),
        ("Отже що. Итак что. мама мила раму. Тепер total cost.", "uk"),  # a sentence without evidence
        ("Це ціна, а это цена. Отже 5.", "uk"),  # uk and ru words in one sentence: word by word
    ]
    for text, target in cases:
        reference = from_labels([lab for _w, lab in word_labels(text, target)], target)
        assert fast_composition(prepare(text), target) == reference, text
    assert fast_composition(prepare("Це їжы. Итак нужно."), "uk") is None  # a word with letters of both languages
