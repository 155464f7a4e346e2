"""Tests of the synthetic grade-school-math world (generation, rendering in four languages, files)."""

from __future__ import annotations

import re
import time

import pytest

from pipeline.data import world
from pipeline.data.world.generate import (
    DEFAULT_FAMILIES,
    FAMILIES,
    UNIT_SIZES,
    WorldSpecError,
    arithmetic_key,
    evaluate,
)
from pipeline.data.world.grammar import has_batchim, ko_attach, ko_particle, uk_count, uk_plural_category
from pipeline.data.world.render import LANGUAGES
from pipeline.data.world.render.base import Family, Fields, Kinds
from pipeline.jsonl import read_jsonl
from pipeline.languages import UnknownLanguageError, answer_line

EQUATION = re.compile(r"(\d+) ([-+×÷]) (\d+) = (\d+)")
APPLES = ("яблуко", "яблука", "яблук")


@pytest.fixture(scope="module")
def train_items() -> list[world.WorldItem]:
    return world.generate_items(600, "train", seed=3, families=FAMILIES)


def _apply(a: int, op: str, b: int) -> int:
    return {"+": a + b, "-": a - b, "×": a * b, "÷": a // b if a % b == 0 else -1}[op]


def test_world_languages_are_the_six_templated_ones() -> None:
    assert world.WORLD_LANGUAGES == ("en", "ko", "zh", "uk", "ja", "th")


def test_generation_is_deterministic_and_prefix_stable() -> None:
    a = world.generate_items(200, "train", seed=7)
    b = world.generate_items(200, "train", seed=7)
    assert a == b
    shorter = world.generate_items(50, "train", seed=7)
    assert shorter == a[:50]
    other_seed = world.generate_items(200, "train", seed=8)
    assert sum(x.spec == y.spec for x, y in zip(a, other_seed, strict=True)) < 10


def test_ids_are_stable_and_shared_across_languages(train_items: list[world.WorldItem]) -> None:
    assert [it.id for it in train_items[:2]] == ["world-train-000000", "world-train-000001"]
    assert len({it.id for it in train_items}) == len(train_items)
    item = train_items[5]
    records = [world.to_record(item, lang) for lang in world.WORLD_LANGUAGES]
    assert {r["id"] for r in records} == {item.id}
    assert {r["answer"] for r in records} == {item.answer}
    assert {r["lang"] for r in records} == set(world.WORLD_LANGUAGES)
    assert len({r["question"] for r in records}) == len(world.WORLD_LANGUAGES)  # really different renderings
    for r in records:
        assert set(r) == {"id", "source", "split", "lang", "question", "solution", "answer", "difficulty", "family"}
        assert r["source"] == "synthetic" and r["difficulty"] == item.difficulty


def test_answers_and_values_follow_the_arithmetic(train_items: list[world.WorldItem]) -> None:
    for it in train_items:
        values = evaluate(it.spec)
        assert it.answer == str(values[-1])
        assert all(isinstance(v, int) and 1 <= v <= 99 for v in values), it.spec
        assert it.difficulty == len(it.spec["steps"]) and 2 <= it.difficulty <= 4
        assert it.family == it.spec["family"]


@pytest.mark.parametrize("lang", world.WORLD_LANGUAGES)
def test_every_solution_equation_is_correct_and_counts_the_steps(
        train_items: list[world.WorldItem], lang: str) -> None:
    for it in train_items:
        question, solution = world.render(it, lang)
        equations = EQUATION.findall(solution)
        assert len(equations) == it.difficulty, (lang, solution)
        for a, op, b, c in equations:
            assert _apply(int(a), op, int(b)) == int(c), (lang, solution)
        # the chain: each equation starts from the previous result and ends at the answer
        for (_, _, _, prev), (nxt, _, _, _) in zip(equations, equations[1:], strict=False):
            assert prev == nxt
        assert equations[-1][3] == it.answer
        # one equation per line, the question has none
        assert all(len(EQUATION.findall(line)) <= 1 for line in solution.split("\n"))
        assert "=" not in question
        # additions and subtractions quote their operand as digits in the question
        for step in it.spec["steps"]:
            if step["op"] in "+-":
                assert re.search(rf"(?<!\d){step['arg']}(?!\d)", question), (lang, question, step)


@pytest.mark.parametrize("lang", world.WORLD_LANGUAGES)
def test_solution_has_no_answer_line(train_items: list[world.WorldItem], lang: str) -> None:
    prefix = answer_line(lang, "\x00").split("\x00")[0].strip()
    for it in train_items[:200]:
        _, solution = world.render(it, lang)
        assert answer_line(lang, it.answer) not in solution
        assert prefix not in solution


def test_all_families_and_operations_occur(train_items: list[world.WorldItem]) -> None:
    assert {it.family for it in train_items} == set(FAMILIES)
    # "units" (a fact the question does not state) is opt-in
    assert {it.family for it in world.generate_items(300, "train", seed=3)} == set(DEFAULT_FAMILIES)
    assert "units" in FAMILIES and "units" not in DEFAULT_FAMILIES
    ops = {step["op"] for it in train_items for step in it.spec["steps"]}
    assert ops == {"+", "-", "*", "/"}
    for it in train_items:
        if it.family == "sharing":
            assert it.spec["steps"][0]["op"] == "*" and it.spec["steps"][-1]["op"] == "/"
        if it.family == "units":
            assert it.spec["steps"][0] == {"op": "*", "arg": {"dozen": 12, "week": 7, "year": 12}[it.spec["unit"]]}


def test_train_and_test_share_no_problem() -> None:
    train = world.generate_items(3000, "train", seed=0)
    test = world.generate_items(1000, "test", seed=0)
    train_keys = {arithmetic_key(it.spec) for it in train}
    assert not train_keys & {arithmetic_key(it.spec) for it in test}
    train_q = {world.render(it, "en")[0] for it in train}
    assert not train_q & {world.render(it, "en")[0] for it in test}
    assert all(it.id.startswith("world-test-") for it in test)
    # items within a split are distinct
    assert len({world.render(it, "en")[0] for it in test}) == len(test)


def test_knobs_steps_and_value_range() -> None:
    items = world.generate_items(300, "test", seed=1, min_steps=3, max_steps=3, max_value=30)
    assert {it.difficulty for it in items} == {3}
    assert all(max(evaluate(it.spec)) <= 30 for it in items)
    long = world.generate_items(100, "train", seed=1, min_steps=6, max_steps=6, max_value=200)
    assert {it.difficulty for it in long} == {6}
    assert max(max(evaluate(it.spec)) for it in long) > 99
    only = world.generate_items(50, "train", seed=1, families=["ages", "travel"])
    assert {it.family for it in only} == {"ages", "travel"}


def test_bad_requests_fail_with_clear_errors(train_items: list[world.WorldItem]) -> None:
    with pytest.raises(WorldSpecError, match="shopping"):
        world.generate_items(5, "train", seed=0, families=["cooking"])
    with pytest.raises(WorldSpecError, match="train"):
        world.generate_items(5, "holdout-b", seed=0)
    with pytest.raises(WorldSpecError, match="max_steps"):
        world.generate_items(5, "train", seed=0, min_steps=3, max_steps=2)
    with pytest.raises(WorldSpecError, match="max_value"):
        world.generate_items(5, "train", seed=0, max_value=5)
    with pytest.raises(UnknownLanguageError):
        world.render(train_items[0], "xx")
    with pytest.raises(WorldSpecError, match="en, ko, zh, uk"):
        world.render(train_items[0], "ru")


def test_every_language_has_a_table_for_every_family_and_unit() -> None:
    assert tuple(LANGUAGES) == world.WORLD_LANGUAGES
    for code, language in LANGUAGES.items():
        assert language.code == code and set(language.families) == set(FAMILIES), code
        units = language.families["units"]
        assert isinstance(units, Kinds) and set(units.tables) == set(UNIT_SIZES), code


def test_the_generic_renderer_rejects_what_no_template_covers() -> None:
    spec = {"family": "shopping", "start": 10, "person": ["f", 0], "steps": [{"op": "+", "arg": 2, "v": 0}]}
    assert world.render_spec(spec, "en")[0].startswith("Mina has 10 dollars. She earns 2 dollars")
    # a known operation the family has no phrase for (shopping never halves): named, not rendered as another one
    halved = {**spec, "steps": [{"op": "/", "arg": 2, "v": 0}]}
    for lang in world.WORLD_LANGUAGES:
        with pytest.raises(WorldSpecError, match=r"no phrase for step 1 \(operation '/'"):
            world.render_spec(halved, lang)
    with pytest.raises(ValueError, match="unknown operation"):
        world.render_spec({**spec, "steps": [{"op": "^", "arg": 2}]}, "en")
    with pytest.raises(WorldSpecError, match="no family 'cooking'; families: shopping, collecting"):
        world.render_spec({**spec, "family": "cooking"}, "ko")
    with pytest.raises(WorldSpecError, match="no templates for unit 'hour'; units: dozen, year, week"):
        world.render_spec({**spec, "family": "units", "unit": "hour"}, "uk")
    with pytest.raises(ValueError, match="phrase keys"):
        Family(steps={"plus": "{k}"}, final="?")
    with pytest.raises(WorldSpecError, match="unknown field 'colour'"):
        LANGUAGES["en"].fill("{colour}", Fields(k=1))


def test_korean_particles_follow_the_final_consonant() -> None:
    assert ko_attach("서연", "은/는") == "서연은" and ko_attach("민지", "은/는") == "민지는"
    assert ko_attach("사과", "이/가") == "사과가" and ko_attach("연필", "이/가") == "연필이"
    assert ko_attach("3개", "을/를") == "3개를" and ko_attach("5장", "을/를") == "5장을"
    assert ko_attach("하준", "과/와") == "하준과" and ko_attach("수아", "과/와") == "수아와"
    assert ko_attach("책", "으로/로") == "책으로" and ko_attach("모자", "으로/로") == "모자로"
    assert ko_attach("연필", "으로/로") == "연필로"  # ㄹ takes 로
    # digits are read in Sino-Korean: 3 삼, 2 이, 10 십, 1 일 (ㄹ), 20 이십, 100 백
    assert has_batchim("3") and not has_batchim("2") and has_batchim("10") and has_batchim("100")
    assert ko_particle("1", "으로/로") == "로" and ko_particle("6", "으로/로") == "으로"
    with pytest.raises(ValueError, match="은/는"):
        ko_particle("책", "도/두")


def _spec(family: str, person: list, start: int, steps: list[dict], **extra: object) -> world.WorldItem:
    spec = {"family": family, "start": start, "steps": steps, "person": person, **extra}
    return world.WorldItem(id="world-train-999999", split="train", family=family, difficulty=len(steps),
                           answer=str(evaluate(spec)[-1]), spec=spec)


def test_korean_rendering_uses_the_right_particle_for_each_name() -> None:
    add3 = [{"op": "+", "arg": 3}]
    with_batchim = _spec("collecting", ["f", 1], 12, add3, friend=["f", 0], object="pencil")
    question, solution = world.render(with_batchim, "ko")
    assert question.startswith("서연과 민지는 친구입니다. 서연은 연필 12자루를 가지고 있습니다.")
    assert "연필을 몇 자루" in question
    no_batchim = _spec("collecting", ["f", 0], 12, add3, friend=["f", 1], object="apple")
    question, _ = world.render(no_batchim, "ko")
    assert question.startswith("민지와 서연은 친구입니다. 민지는 사과 12개를 가지고 있습니다.")
    assert "사과를 몇 개" in question


def test_ukrainian_plural_forms() -> None:
    expected = {1: "яблуко", 2: "яблука", 5: "яблук", 11: "яблук", 21: "яблуко", 22: "яблука", 25: "яблук",
                12: "яблук", 14: "яблук", 0: "яблук", 101: "яблуко", 111: "яблук", 112: "яблук",
                124: "яблука"}
    for n, form in expected.items():
        assert uk_count(n, APPLES) == f"{n} {form}", n
    categories = [uk_plural_category(n) for n in (1, 3, 13, 20, 31, 44)]
    assert categories == ["one", "few", "many", "many", "one", "few"]
    with pytest.raises(ValueError):
        uk_plural_category(-1)


def test_ukrainian_rendering_inflects_nouns_by_number() -> None:
    stamps = _spec("collecting", ["f", 0], 21, [{"op": "+", "arg": 2}, {"op": "-", "arg": 11}],
                   friend=["m", 1], object="stamp")
    question, solution = world.render(stamps, "uk")
    assert "Марія має 21 марку." in question  # accusative singular after 21
    assert "ще 2 марки" in question and "Олегу 11 марок" in question
    assert "Скільки марок" in question
    ages = {"family": "ages", "start": 21, "steps": [{"op": "+", "arg": 1}, {"op": "-", "arg": 4}],
            "people": [["f", 0], ["m", 1], ["f", 2]]}
    item = world.WorldItem("world-train-999998", "train", "ages", 2, "18", ages)
    question, solution = world.render(item, "uk")
    assert question.startswith("Марії 21 рік. Олег на 1 рік старший, ніж Марія. Оксана на 4 роки молодша")
    assert question.endswith("Скільки років Оксані?")


def test_chinese_uses_measure_words() -> None:
    item = _spec("collecting", ["m", 0], 12, [{"op": "-", "arg": 5}], friend=["f", 0], object="pencil")
    question, solution = world.render(item, "zh")
    assert "小明有12支铅笔。" in question and "送给小红5支铅笔" in question
    assert question.endswith("小明最后有多少支铅笔？")
    assert solution.endswith("12 - 5 = 7。")


def test_write_world_files_parse_and_match(tmp_path) -> None:
    counts = world.write_world(tmp_path, {"train": {"n": 40}, "test": {"n": 15}}, seed=2,
                               languages=["en", "ko", "zh", "uk"], max_value=99)
    assert counts["splits"] == {"train": 40, "test": 15} and counts["parallel"] == 55
    train = read_jsonl(tmp_path / "train.jsonl")
    test = read_jsonl(tmp_path / "test.jsonl")
    expected = world.generate_items(40, "train", seed=2)
    assert train == [world.to_record(it, "en") for it in expected]
    assert len(test) == 15 and all(r["split"] == "test" and r["lang"] == "en" for r in test)
    parallel = read_jsonl(tmp_path / "parallel.jsonl")
    assert [p["id"] for p in parallel] == [r["id"] for r in train + test]
    for row, it in zip(parallel, expected, strict=False):
        assert set(row) == {"id", "split", "answer", "difficulty", "family", "renderings"}
        assert set(row["renderings"]) == {"en", "ko", "zh", "uk"}
        assert row["answer"] == it.answer and row["family"] == it.family
        question, solution = world.render(it, "uk")
        assert row["renderings"]["uk"] == {"question": question, "solution": solution}
    with pytest.raises(WorldSpecError, match="'n'"):
        world.write_world(tmp_path, {"train": {}}, seed=0, languages=["en"])


def test_generation_is_fast() -> None:
    start = time.perf_counter()
    items = world.generate_items(10_000, "train", seed=0)
    elapsed = time.perf_counter() - start
    assert len(items) == 10_000
    assert elapsed < 5.0, f"10,000 items took {elapsed:.2f} s"


def test_every_korean_name_particle_fits_its_name(train_items: list[world.WorldItem]) -> None:
    from pipeline.data.world.render.ko import NAMES

    names = [n for group in NAMES.values() for n in group]
    pattern = re.compile(rf"({'|'.join(names)})(은|는|이|가|을|를|과|와)(?=\s)")
    pairs = {"은": "은/는", "는": "은/는", "이": "이/가", "가": "이/가", "을": "을/를", "를": "을/를",
             "과": "과/와", "와": "과/와"}
    checked = 0
    for it in train_items:
        for text in world.render(it, "ko"):
            for name, particle in pattern.findall(text):
                assert ko_particle(name, pairs[particle]) == particle, (name, particle, text)
                checked += 1
    assert checked > 1000


def test_every_ukrainian_counted_noun_agrees_with_its_number(train_items: list[world.WorldItem]) -> None:
    from pipeline.data.world.render import uk

    paradigms = [acc for _, acc in uk.OBJECTS.values()]
    paradigms += [(nom, *acc[1:]) for nom, acc in uk.OBJECTS.values()]  # nominative singular
    paradigms += [uk.DOLLARS, uk.KM, uk.YEARS, uk.BOXES, uk.TIMES, uk.EGGS, uk.DAYS_COUNT, uk.DOZENS,
                  uk.WEEKS_GENITIVE]
    checked = 0
    for it in train_items:
        for text in world.render(it, "uk"):
            for number, word in re.findall(r"(\d+) ([а-яіїєґ']+)", text):
                candidates = [p for p in paradigms if word in p]
                if not candidates:
                    continue
                assert any(uk_count(int(number), p) == f"{number} {word}" for p in candidates), (number, word)
                checked += 1
    assert checked > 1000


def test_chinese_measure_words_match_their_nouns(train_items: list[world.WorldItem]) -> None:
    from pipeline.data.world.render.zh import OBJECTS

    checked = 0
    for it in train_items:
        if it.family not in ("collecting", "sharing"):
            continue
        noun, mw = OBJECTS[it.spec["object"]]
        question, _ = world.render(it, "zh")
        counted = re.findall(rf"\d+(\w){noun}", question)
        assert counted and set(counted) == {mw}, question
        checked += 1
    assert checked > 50


def test_generation_is_stable_across_processes() -> None:
    # random.Random(str) and blake2b are independent of PYTHONHASHSEED: these values must never drift
    # unless the world's sampling is changed on purpose (then update them and say so in docs/world.md)
    items = world.generate_items(8, "train", seed=1234)
    assert [it.answer for it in items] == ["65", "87", "2", "49", "36", "40", "32", "75"]
    assert [it.family for it in items][:3] == ["ages", "shopping", "sharing"]


def test_family_weights_shift_the_family_shares() -> None:
    weights = {"shopping": 1, "travel": 1, "units": 2}
    items = world.generate_items(600, "train", seed=2, families=weights)
    counts = {f: sum(it.family == f for it in items) for f in weights}
    assert set(counts) == {it.family for it in items}
    assert 0.4 < counts["units"] / len(items) < 0.6  # expected 0.5
    assert abs(counts["shopping"] - counts["travel"]) < 0.2 * len(items)
    # a plain list keeps drawing uniformly and gives the same items as before weights existed
    assert [it.id for it in world.generate_items(20, "train", seed=2, families=["shopping", "travel"])] == \
        [f"world-train-{i:06d}" for i in range(20)]
    for bad in ({"units": 0}, {"units": -1.0}, {"units": "two"}):
        with pytest.raises(world.WorldSpecError, match="weights must be positive"):
            world.generate_items(5, "train", seed=0, families=bad)


def test_year_unit_needs_the_months_fact_in_every_language() -> None:
    year = _spec("units", ["f", 0], 3, [{"op": "*", "arg": 12}, {"op": "-", "arg": 5, "v": 0}], unit="year")
    assert year.answer == "31"
    rendered = {lang: world.render(year, lang) for lang in world.WORLD_LANGUAGES}
    for lang, (question, solution) in rendered.items():
        assert "12" not in question, lang  # the fact is not stated in the question
        assert "3 × 12 = 36" in solution and "36 - 5 = 31" in solution, lang
    assert rendered["en"][1].startswith("A year has 12 months: 3 × 12 = 36.")
    assert rendered["ko"][1].startswith("1년은 12개월입니다: 3 × 12 = 36.")
    assert "5 місяців" in rendered["uk"][0] and "провела за кордоном" in rendered["uk"][0]
    assert "3 роки" in rendered["uk"][0]


def test_records_carry_the_family() -> None:
    item = world.generate_items(1, "train", seed=0)[0]
    assert world.to_record(item, "ko")["family"] == item.family
