"""Japanese and Thai renderings of the synthetic world: every family, script, counters, answers, parallel ids."""

from __future__ import annotations

import re

import pytest

from pipeline.data import world
from pipeline.data.world.generate import FAMILIES, UNIT_SIZES, evaluate
from pipeline.data.world.render import LANGUAGES, ja, th
from pipeline.jsonl import read_jsonl
from pipeline.languages import answer_line
from pipeline.measure.answers import extract_answer
from pipeline.measure.composition import composition, cot_compositions, cot_text

EQUATION = re.compile(r"(\d+) ([-+×÷]) (\d+) = (\d+)")
LANGS = ("ja", "th")
SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def items() -> list[world.WorldItem]:
    """Items of every family (and every unit) over several seeds."""
    out = [it for seed in SEEDS for it in world.generate_items(150, "train", seed=seed, families=FAMILIES)]
    assert {it.family for it in out} == set(FAMILIES)
    assert {it.spec["unit"] for it in out if it.family == "units"} == set(UNIT_SIZES)
    return out


def _item(spec: dict) -> world.WorldItem:
    return world.WorldItem(id="world-train-999999", split="train", family=spec["family"],
                           difficulty=len(spec["steps"]), answer=str(evaluate(spec)[-1]), spec=spec)


def test_ja_and_th_are_registered_with_every_family() -> None:
    assert set(LANGS) <= set(world.WORLD_LANGUAGES)
    for lang in LANGS:
        language = LANGUAGES[lang]
        assert language.code == lang and set(language.families) == set(FAMILIES)
        assert set(language.families["units"].tables) == set(UNIT_SIZES)


@pytest.mark.parametrize("lang", LANGS)
def test_every_item_renders_a_correct_equation_chain(items: list[world.WorldItem], lang: str) -> None:
    for it in items:
        question, solution = world.render(it, lang)
        equations = EQUATION.findall(solution)
        assert len(equations) == it.difficulty, (lang, solution)
        assert [int(a) for a, *_ in equations] == evaluate(it.spec)[:-1]
        assert equations[-1][3] == it.answer
        assert all(len(EQUATION.findall(line)) <= 1 for line in solution.split("\n"))
        assert "=" not in question and "{" not in question + solution and "}" not in question + solution
        for step in it.spec["steps"]:
            if step["op"] in "+-":
                assert re.search(rf"(?<!\d){step['arg']}(?!\d)", question), (lang, question, step)


@pytest.mark.parametrize("lang", LANGS)
def test_the_answer_line_parses_back_to_the_gold_answer(items: list[world.WorldItem], lang: str) -> None:
    for it in items:
        _, solution = world.render(it, lang)
        assert answer_line(lang, "\x00").split("\x00")[0].strip() not in solution  # no answer line of its own
        completion = solution + "\n" + answer_line(lang, it.answer)
        assert extract_answer(completion, lang) == it.answer, completion
        assert extract_answer(solution, lang) is None, solution  # nothing in the solution reads as an answer
        assert cot_text(completion, lang) == solution.strip()  # the answer line is not part of the CoT


@pytest.mark.parametrize("lang", LANGS)
def test_question_and_solution_are_in_the_target_script(items: list[world.WorldItem], lang: str) -> None:
    completions, english = [], []
    for it in items:
        question, solution = world.render(it, lang)
        for text in (question, solution):
            c = composition(text, lang)
            assert c.n_words >= 5 and c.target_share >= 0.9 and c.en_share == 0.0, (text, c)
        completions.append(solution + "\n" + answer_line(lang, it.answer))
        english.append(world.render(it, "en")[1] + "\n" + answer_line("en", it.answer))
    assert min(c.target_share for c in cot_compositions(completions, lang)) >= 0.9
    for c in cot_compositions(english, lang):  # an English CoT measured against ja/th
        assert c.target_share == 0.0 and c.en_share == 1.0


def test_japanese_is_counted_as_japanese_not_chinese(items: list[world.WorldItem]) -> None:
    for it in items[:200]:
        question, solution = world.render(it, "ja")
        for text in (question, solution):
            assert composition(text, "zh").target_share == 0.0, text  # kana sentences: every Han is ja
            assert composition(text, "zh").other_lang == "ja"
    # Han characters are one word each, kana too: 最初に 3 words
    assert composition("最初に", "ja").n_words == 3


def test_thai_is_counted_in_several_words_per_line() -> None:
    item = _item({"family": "shopping", "start": 26, "person": ["m", 4],
                  "steps": [{"op": "-", "arg": 21, "v": 1, "item": "book"}, {"op": "+", "arg": 81, "v": 0}]})
    _, solution = world.render(item, "th")
    lines = solution.split("\n")
    assert lines[0] == "ตอนแรกณัฐพลมีเงิน 26 บาท"
    for line in lines:
        assert composition(line, "th").n_words >= 3, line  # no space-free Thai run counted as one word
    assert composition(solution, "th").n_words == sum(composition(line, "th").n_words for line in lines)


def test_japanese_counters_follow_the_object(items: list[world.WorldItem]) -> None:
    checked = 0
    for it in items:
        if it.family not in ("collecting", "sharing"):
            continue
        noun, counter = ja.OBJECTS[it.spec["object"]]
        question, solution = world.render(it, "ja")
        counters = re.findall(rf"{noun}[をが](?:さらに)?(\d+)(\w)(?!の)", question)  # not 3人の子ども
        assert counters and set(c for _, c in counters) == {counter}, question
        # every counted number: the object's counter, boxes (個), children (人) or times (倍)
        assert {c for _, c in re.findall(r"(\d+)(\w)", question)} <= {counter, "個", "人", "倍"}, question
        assert question.endswith(f"何{counter}持っていますか？") or question.endswith(f"何{counter}もらいますか？")
        checked += 1
    assert checked > 100


def test_thai_classifiers_follow_the_object(items: list[world.WorldItem]) -> None:
    checked = 0
    for it in items:
        if it.family not in ("collecting", "sharing"):
            continue
        noun, cls = th.OBJECTS[it.spec["object"]]
        question, solution = world.render(it, "th")
        counted = re.findall(rf"{noun} (\d+) (\S+)", question)
        assert counted and {c for _, c in counted} == {cls}, question
        # every counted number: the object's classifier, boxes (ใบ), children (คน) or times (เท่า)
        words = {re.sub(r"^(คน|เท่า).*", r"\1", w) for _, w in re.findall(r"(\d+) (\S+)", question)}
        assert words <= {cls, "ใบ", "คน", "เท่า"}, question
        assert question.endswith(f"{noun}กี่{cls}") or question.endswith(f"{noun}ทั้งหมดกี่{cls}"), question
        checked += 1
    assert checked > 100


def test_sample_renderings_use_the_table_words() -> None:
    pencils = _item({"family": "collecting", "start": 12, "person": ["f", 0], "friend": ["m", 0], "object": "pencil",
                     "steps": [{"op": "+", "arg": 3, "v": 1}, {"op": "-", "arg": 5, "v": 1}]})
    question, solution = world.render(pencils, "ja")
    assert question.startswith("さくらさんと健太くんは友だちです。さくらさんは鉛筆を12本持っています。")
    assert "健太くんがさくらさんに鉛筆を3本くれます。" in question
    assert "さくらさんは鉛筆を5本なくします。" in question  # named again after the friend acted
    assert question.endswith("さくらさんは最後に鉛筆を何本持っていますか？")
    assert solution.split("\n")[1] == "健太くんから3本もらいます：12 + 3 = 15。"
    question, solution = world.render(pencils, "th")
    assert question.startswith("มาลีและสมชายเป็นเพื่อนกัน มาลีมีดินสอ 12 แท่ง สมชายให้ดินสอแก่มาลี 3 แท่ง")
    assert question.endswith("สุดท้ายมาลีมีดินสอกี่แท่ง")
    assert solution.split("\n")[2] == "มาลีทำหาย 5 แท่ง: 15 - 5 = 10"
    book = _item({"family": "shopping", "start": 30, "person": ["m", 1],
                  "steps": [{"op": "-", "arg": 8, "v": 0, "item": "book"}, {"op": "*", "arg": 2, "v": 0}]})
    assert "8円で本を1冊買います。" in world.render(book, "ja")[0]
    assert "ซื้อหนังสือ 1 เล่ม ราคา 8 บาท" in world.render(book, "th")[0]
    dozen = _item({"family": "units", "unit": "dozen", "start": 2, "person": ["f", 1],
                   "steps": [{"op": "*", "arg": 12}, {"op": "-", "arg": 5, "v": 1}]})
    (q_ja, s_ja), (q_th, s_th) = world.render(dozen, "ja"), world.render(dozen, "th")
    assert q_ja.startswith("ゆいさんは卵を2ダース買います。") and s_ja.startswith("1ダースは卵12個です：2 × 12 = 24。")
    assert q_th.startswith("สมศรีซื้อไข่ 2 โหล") and s_th.startswith("ไข่ 1 โหลมี 12 ฟอง: 2 × 12 = 24")
    assert "12" not in q_ja and "12" not in q_th  # the fact is not stated in the question
    ages = {"family": "ages", "start": 8, "people": [["f", 0], ["m", 1], ["f", 2]],
            "steps": [{"op": "+", "arg": 4}, {"op": "/", "arg": 2}]}
    q_ja, s_ja = world.render(_item(ages), "ja")
    assert q_ja == ("さくらさんは8歳です。翔太くんはさくらさんより4歳年上です。はなさんの年齢は翔太くんの半分です。"
                    "はなさんは何歳ですか？")
    q_th, s_th = world.render(_item(ages), "th")
    assert s_th.split("\n")[1] == "สมศักดิ์อายุมากกว่ามาลี 4 ปี: 8 + 4 = 12"
    assert q_th.endswith("น้ำฝนอายุกี่ปี")


def test_ids_and_answers_are_shared_with_english(tmp_path) -> None:
    counts = world.write_world(tmp_path, {"train": {"n": 30}, "test": {"n": 10}}, seed=4,
                               languages=["en", "ja", "th"], families=list(FAMILIES))
    assert counts["languages"] == ["en", "ja", "th"] and counts["parallel"] == 40
    english = read_jsonl(tmp_path / "train.jsonl") + read_jsonl(tmp_path / "test.jsonl")
    parallel = read_jsonl(tmp_path / "parallel.jsonl")
    assert [row["id"] for row in parallel] == [r["id"] for r in english]
    items = {it.id: it for split, n in (("train", 30), ("test", 10))
             for it in world.generate_items(n, split, seed=4, families=list(FAMILIES))}
    for row, en in zip(parallel, english, strict=True):
        assert set(row["renderings"]) == {"en", "ja", "th"} and row["answer"] == en["answer"]
        assert row["renderings"]["en"]["question"] == en["question"]
        it = items[row["id"]]
        for lang in LANGS:
            record = world.to_record(it, lang)
            assert record["id"] == en["id"] and record["answer"] == en["answer"] and record["lang"] == lang
            assert row["renderings"][lang] == {"question": record["question"], "solution": record["solution"]}
        assert len({row["renderings"][lang]["question"] for lang in ("en", *LANGS)}) == 3
