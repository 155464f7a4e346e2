"""Korean templates of the synthetic world (how the tables are read: :mod:`pipeline.data.world.render.base`).

Particles follow the final consonant of the word before them: a template field ``{name은/는}`` is the field
``name`` followed by the particle of the pair ``은/는`` that fits it (``서연은``, ``민지는``); likewise ``이/가``,
``을/를``, ``과/와``, ``으로/로`` (see :func:`pipeline.data.world.grammar.ko_attach`).
"""

from __future__ import annotations

from typing import Any

from pipeline.data.world.grammar import KO_PARTICLES, ko_attach
from pipeline.data.world.render.base import Family, Fields, Kinds, Language, Spec, Step, Words, friend_acted_last

NAMES = {
    "f": ("민지", "서연", "지은", "하늘", "수아", "유나", "예린", "다은", "소희", "지유"),
    "m": ("민준", "도윤", "하준", "준호", "지훈", "현우", "승민", "태양", "민수", "건우"),
}
OBJECTS = {  # noun, counter
    "apple": ("사과", "개"), "stamp": ("우표", "장"), "pencil": ("연필", "자루"),
    "shell": ("조개껍데기", "개"), "marble": ("구슬", "개"), "sticker": ("스티커", "장"),
}
SHOP_ITEMS = {"book": "책", "toy": "장난감", "hat": "모자", "ball": "공", "kite": "연"}
DAYS = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")


class Particles(Fields):
    """Template fields in which a missing ``"word은/는"`` is the field ``word`` with the fitting particle."""

    def __missing__(self, key: str) -> Any:
        for pair in KO_PARTICLES:
            if key.endswith(pair) and len(key) > len(pair):
                return ko_attach(str(self[key[: -len(pair)]]), pair)
        return super().__missing__(key)


def person(who: list) -> Words:
    """``name`` of a person (Korean templates leave the subject out where English says "she")."""
    return {"name": NAMES[who[0]][who[1]]}


def thing(key: str) -> Words:
    """``noun`` and ``counter`` of an object (``사과``, ``개``)."""
    noun, counter = OBJECTS[key]
    return {"noun": noun, "counter": counter}


def counted(spec: Spec, step: Step) -> Words:
    """``count``: the operand with the object's counter (``12개``)."""
    return {"count": f"{step.k}{OBJECTS[spec['object']][1]}"}


SHOPPING = Family(
    words=lambda spec: {"money": f"{spec['start']}달러"},
    step_words=lambda spec, step: {"times": f"{step.k}배"},
    question=["{name은/는} {money을/를} 가지고 있습니다."],
    solution=["{name은/는} 처음에 {money을/를} 가지고 있습니다."],
    steps={
        "+1": ("이모가 {name}에게 {k}달러를 줍니다.", "이모에게서 {k}달러를 받습니다: {eq}."),
        "+": ("심부름을 해서 {k}달러를 법니다.", "심부름으로 {k}달러를 법니다: {eq}."),
        "-": ("{item을/를} {k}달러에 삽니다.", "{item}에 {k}달러를 씁니다: {eq}."),
        "*": ("할머니가 {name}에게 지금 가진 만큼의 돈을 더 주십니다.", "돈이 {times으로/로} 늘어납니다: {eq}."),
    },
    final="{name은/는} 이제 몇 달러를 가지고 있습니까?",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """``count``, ``times`` (``2배``) and ``subj``: the topic-marked name after the friend acted, else nothing."""
    again = friend_acted_last(spec, step)
    subj = ko_attach(person(spec["person"])["name"], "은/는") + " " if again else ""
    return {**counted(spec, step), "subj": subj, "times": f"{step.k}배"}


COLLECTING = Family(
    words=lambda spec: {"start_count": f"{spec['start']}{OBJECTS[spec['object']][1]}"},
    step_words=collecting_step,
    question=["{name과/와} {friend은/는} 친구입니다.", "{name은/는} {noun} {start_count을/를} 가지고 있습니다."],
    solution=["{name은/는} 처음에 {noun} {start_count을/를} 가지고 있습니다."],
    steps={
        "+1": ("{friend이/가} {name}에게 {noun} {count을/를} 줍니다.",
               "{subj}{friend}에게서 {count을/를} 받습니다: {eq}."),
        "+": ("{subj}{noun} {count을/를} 더 찾습니다.", "{subj}{count을/를} 더 찾습니다: {eq}."),
        "-1": ("{subj}{noun} {count을/를} 잃어버립니다.", "{subj}{count을/를} 잃어버립니다: {eq}."),
        "-": ("{subj}{friend}에게 {noun} {count을/를} 줍니다.", "{subj}{friend}에게 {count을/를} 줍니다: {eq}."),
        "*": ("나중에 {name}의 {noun이/가} 전보다 {times으로/로} 늘어납니다.", "{noun이/가} {k}배가 됩니다: {eq}."),
    },
    final="{name은/는} 마지막에 {noun을/를} 몇 {counter} 가지고 있습니까?",
)

SHARING = Family(
    step_words=counted,
    steps={
        "*": ("{name은/는} 상자 {start}개를 가지고 있고, 상자마다 {noun이/가} {k}{counter}씩 들어 있습니다.",
              "상자 {start}개에 {noun이/가} {k}{counter}씩 있습니다: {eq}."),
        "+1": ("선생님이 {noun} {count을/를} 더 가져옵니다.", "선생님이 {count을/를} 더 가져옵니다: {eq}."),
        "-1": ("{noun} {count을/를} 잃어버립니다.", "{count을/를} 잃어버립니다: {eq}."),
        "+": ("{noun} {count을/를} 더 넣습니다.", "{count을/를} 더 넣습니다: {eq}."),
        "-": ("{noun} {count을/를} 꺼냅니다.", "{count을/를} 꺼냅니다: {eq}."),
        "/": ("{name은/는} 모든 {noun을/를} 아이 {k}명에게 똑같이 나누어 줍니다.",
              "아이 {k}명이 똑같이 나누어 가집니다: {eq}."),
    },
    final={"/": "각 아이는 {noun을/를} 몇 {counter} 받습니까?",
           "": "{name은/는} 지금 {noun을/를} 몇 {counter} 가지고 있습니까?"},
)

TRAVEL = Family(
    question=["{name은/는} {first_day}에 자전거로 {start}킬로미터를 달립니다."],
    solution=["{name은/는} {first_day}에 {start}킬로미터를 달립니다."],
    steps={
        "+": ("{day}에는 {prev}보다 {k}킬로미터 더 달립니다.", "{day}에는 {k}킬로미터 더 달립니다: {eq}."),
        "-": ("{day}에는 {prev}보다 {k}킬로미터 덜 달립니다.", "{day}에는 {k}킬로미터 덜 달립니다: {eq}."),
        "*": ("{day}에는 {prev}의 {k}배를 달립니다.", "{day}에는 {k}배를 달립니다: {eq}."),
        "/": ("{day}에는 {prev}의 절반을 달립니다.", "{day}에는 절반을 달립니다: {eq}."),
    },
    final="{name은/는} {last_day}에 몇 킬로미터를 달립니까?",
)

AGES = Family(
    question=["{first은/는} {start}살입니다."],
    solution=["{first은/는} {start}살입니다."],
    steps={
        "+": "{who은/는} {than}보다 {k}살 많습니다",
        "-": "{who은/는} {than}보다 {k}살 어립니다",
        "*": "{who}의 나이는 {than}의 {k}배입니다",
        "/": "{who}의 나이는 {than}의 절반입니다",
    },
    final="{last은/는} 몇 살입니까?",
)

# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", tables={
    "dozen": Family(
        question=["{name은/는} 달걀 {start}다스를 삽니다."],
        steps={
            "*": (None, "1다스는 달걀 12개입니다: {eq}."),
            "+0": "달걀 {k}개를 더 삽니다",
            "+1": "이웃이 {name}에게 달걀 {k}개를 줍니다",
            "-0": "케이크를 만드는 데 달걀 {k}개를 씁니다",
            "-1": "달걀 {k}개를 깨뜨립니다",
        },
        final="{name은/는} 지금 달걀을 몇 개 가지고 있습니까?",
    ),
    "year": Family(
        question=["{name은/는} {start}년 동안 도시에 살았습니다."],
        steps={
            "*": (None, "1년은 12개월입니다: {eq}."),
            "+0": "그전에 시골에서 {k}개월을 살았습니다",
            "+1": "{k}개월 더 머뭅니다",
            "-0": "그중 {k}개월은 외국에서 지냈습니다",
            "-1": "그중 {k}개월은 휴가였습니다",
        },
        final="{name은/는} 모두 몇 개월 동안 도시에 있었습니까?",
    ),
    "week": Family(
        question=["{name은/는} {start}주 동안 매일 피아노를 연습합니다."],
        steps={
            "*": (None, "1주는 7일입니다: {eq}."),
            "+0": "{k}일 더 연습합니다",
            "+1": "다음 주에도 {k}일 연습합니다",
            "-0": "그중 {k}일은 연습을 빼먹습니다",
            "-1": "그중 {k}일은 아파서 쉽니다",
        },
        final="{name은/는} 모두 며칠 동안 피아노를 연습합니까?",
    ),
})

LANGUAGE = Language(
    code="ko", person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS, fields=Particles,
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
