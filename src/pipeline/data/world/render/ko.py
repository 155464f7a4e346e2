"""Korean templates of the synthetic world (particles chosen by the final consonant)."""

from __future__ import annotations

from typing import Any

from pipeline.data.world.generate import equation, walk
from pipeline.data.world.grammar import ko_attach

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


def _name(person: list) -> str:
    return NAMES[person[0]][person[1]]


def _shopping(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    money = ko_attach(f"{spec['start']}달러", "을/를")
    q = [f"{ko_attach(name, '은/는')} {money} 가지고 있습니다."]
    s = [f"{ko_attach(name, '은/는')} 처음에 {money} 가지고 있습니다."]
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if op == "+" and step.get("v"):
            q.append(f"이모가 {name}에게 {k}달러를 줍니다.")
            s.append(f"이모에게서 {k}달러를 받습니다: {eq}.")
        elif op == "+":
            q.append(f"심부름을 해서 {k}달러를 법니다.")
            s.append(f"심부름으로 {k}달러를 법니다: {eq}.")
        elif op == "-":
            item = SHOP_ITEMS[step["item"]]
            q.append(f"{ko_attach(item, '을/를')} {k}달러에 삽니다.")
            s.append(f"{item}에 {k}달러를 씁니다: {eq}.")
        else:
            q.append(f"할머니가 {name}에게 지금 가진 만큼의 돈을 더 주십니다.")
            s.append(f"돈이 {ko_attach(f'{k}배', '으로/로')} 늘어납니다: {eq}.")
    return q, s, f"{ko_attach(name, '은/는')} 이제 몇 달러를 가지고 있습니까?"


def _collecting(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, friend = _name(spec["person"]), _name(spec["friend"])
    noun, counter = OBJECTS[spec["object"]]
    start = ko_attach(f"{spec['start']}{counter}", "을/를")
    q = [f"{ko_attach(name, '과/와')} {ko_attach(friend, '은/는')} 친구입니다.",
         f"{ko_attach(name, '은/는')} {noun} {start} 가지고 있습니다."]
    s = [f"{ko_attach(name, '은/는')} 처음에 {noun} {start} 가지고 있습니다."]
    other_spoke = False  # after the friend acted, name the person again
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        count = ko_attach(f"{k}{counter}", "을/를")
        v = step.get("v")
        subj = f"{ko_attach(name, '은/는')} " if other_spoke else ""
        other_spoke = op == "+" and bool(v)
        if op == "+" and v:
            q.append(f"{ko_attach(friend, '이/가')} {name}에게 {noun} {count} 줍니다.")
            s.append(f"{subj}{friend}에게서 {count} 받습니다: {eq}.")
        elif op == "+":
            q.append(f"{subj}{noun} {count} 더 찾습니다.")
            s.append(f"{subj}{count} 더 찾습니다: {eq}.")
        elif op == "-" and v:
            q.append(f"{subj}{noun} {count} 잃어버립니다.")
            s.append(f"{subj}{count} 잃어버립니다: {eq}.")
        elif op == "-":
            q.append(f"{subj}{friend}에게 {noun} {count} 줍니다.")
            s.append(f"{subj}{friend}에게 {count} 줍니다: {eq}.")
        else:
            times = ko_attach(f"{k}배", "으로/로")
            q.append(f"나중에 {name}의 {ko_attach(noun, '이/가')} 전보다 {times} 늘어납니다.")
            s.append(f"{ko_attach(noun, '이/가')} {k}배가 됩니다: {eq}.")
    final = f"{ko_attach(name, '은/는')} 마지막에 {ko_attach(noun, '을/를')} 몇 {counter} 가지고 있습니까?"
    return q, s, final


def _sharing(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    noun, counter = OBJECTS[spec["object"]]
    q, s = [], []
    shared = False
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        count = ko_attach(f"{k}{counter}", "을/를")
        if i == 0:
            q.append(f"{ko_attach(name, '은/는')} 상자 {a}개를 가지고 있고, "
                     f"상자마다 {ko_attach(noun, '이/가')} {k}{counter}씩 들어 있습니다.")
            s.append(f"상자 {a}개에 {ko_attach(noun, '이/가')} {k}{counter}씩 있습니다: {eq}.")
        elif op == "+" and step.get("v"):
            q.append(f"선생님이 {noun} {count} 더 가져옵니다.")
            s.append(f"선생님이 {count} 더 가져옵니다: {eq}.")
        elif op == "-" and step.get("v"):
            q.append(f"{noun} {count} 잃어버립니다.")
            s.append(f"{count} 잃어버립니다: {eq}.")
        elif op == "+":
            q.append(f"{noun} {count} 더 넣습니다.")
            s.append(f"{count} 더 넣습니다: {eq}.")
        elif op == "-":
            q.append(f"{noun} {count} 꺼냅니다.")
            s.append(f"{count} 꺼냅니다: {eq}.")
        else:
            shared = True
            q.append(f"{ko_attach(name, '은/는')} 모든 {ko_attach(noun, '을/를')} "
                     f"아이 {k}명에게 똑같이 나누어 줍니다.")
            s.append(f"아이 {k}명이 똑같이 나누어 가집니다: {eq}.")
    final = (f"각 아이는 {ko_attach(noun, '을/를')} 몇 {counter} 받습니까?" if shared
             else f"{ko_attach(name, '은/는')} 지금 {ko_attach(noun, '을/를')} 몇 {counter} 가지고 있습니까?")
    return q, s, final


def _travel(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    d0 = spec["first_day"]
    q = [f"{ko_attach(name, '은/는')} {DAYS[d0]}에 자전거로 {spec['start']}킬로미터를 달립니다."]
    s = [f"{ko_attach(name, '은/는')} {DAYS[d0]}에 {spec['start']}킬로미터를 달립니다."]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        day, prev = DAYS[d0 + i + 1], DAYS[d0 + i]
        if op == "+":
            q.append(f"{day}에는 {prev}보다 {k}킬로미터 더 달립니다.")
            s.append(f"{day}에는 {k}킬로미터 더 달립니다: {eq}.")
        elif op == "-":
            q.append(f"{day}에는 {prev}보다 {k}킬로미터 덜 달립니다.")
            s.append(f"{day}에는 {k}킬로미터 덜 달립니다: {eq}.")
        elif op == "*":
            q.append(f"{day}에는 {prev}의 {k}배를 달립니다.")
            s.append(f"{day}에는 {k}배를 달립니다: {eq}.")
        else:
            q.append(f"{day}에는 {prev}의 절반을 달립니다.")
            s.append(f"{day}에는 절반을 달립니다: {eq}.")
    last = DAYS[d0 + len(spec["steps"])]
    return q, s, f"{ko_attach(name, '은/는')} {last}에 몇 킬로미터를 달립니까?"


def _ages(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    names = [_name(p) for p in spec["people"]]
    intro = f"{ko_attach(names[0], '은/는')} {spec['start']}살입니다."
    q, s = [intro], [intro]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        who, than = names[i + 1], names[i]
        if op == "+":
            text = f"{ko_attach(who, '은/는')} {than}보다 {k}살 많습니다"
        elif op == "-":
            text = f"{ko_attach(who, '은/는')} {than}보다 {k}살 어립니다"
        elif op == "*":
            text = f"{who}의 나이는 {than}의 {k}배입니다"
        else:
            text = f"{who}의 나이는 {than}의 절반입니다"
        q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, f"{ko_attach(names[-1], '은/는')} 몇 살입니까?"


def _units(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    topic = ko_attach(name, "은/는")
    n = spec["start"]
    if spec["unit"] == "dozen":
        q = [f"{topic} 달걀 {n}다스를 삽니다."]
        lines = {"*": "1다스는 달걀 12개입니다", "+0": "달걀 {k}개를 더 삽니다",
                 "+1": f"이웃이 {name}에게 달걀 {{k}}개를 줍니다",
                 "-0": "케이크를 만드는 데 달걀 {k}개를 씁니다",
                 "-1": "달걀 {k}개를 깨뜨립니다"}
        final = f"{topic} 지금 달걀을 몇 개 가지고 있습니까?"
    elif spec["unit"] == "year":
        q = [f"{topic} {n}년 동안 도시에 살았습니다."]
        lines = {"*": "1년은 12개월입니다", "+0": "그전에 시골에서 {k}개월을 살았습니다",
                 "+1": "{k}개월 더 머뭅니다", "-0": "그중 {k}개월은 외국에서 지냈습니다",
                 "-1": "그중 {k}개월은 휴가였습니다"}
        final = f"{topic} 모두 몇 개월 동안 도시에 있었습니까?"
    else:
        q = [f"{topic} {n}주 동안 매일 피아노를 연습합니다."]
        lines = {"*": "1주는 7일입니다", "+0": "{k}일 더 연습합니다", "+1": "다음 주에도 {k}일 연습합니다",
                 "-0": "그중 {k}일은 연습을 빼먹습니다", "-1": "그중 {k}일은 아파서 쉽니다"}
        final = f"{topic} 모두 며칠 동안 피아노를 연습합니까?"
    s = []
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        text = lines["*" if op == "*" else f"{op}{step.get('v', 0)}"].format(k=k)
        if op != "*":
            q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, final


FAMILY_RENDERERS = {"shopping": _shopping, "collecting": _collecting, "sharing": _sharing,
                    "travel": _travel, "ages": _ages, "units": _units}


def render_spec(spec: dict[str, Any]) -> tuple[str, str]:
    """(question, solution without the answer line) of a spec in Korean."""
    q, s, final = FAMILY_RENDERERS[spec["family"]](spec)
    return " ".join([*q, final]), "\n".join(s)
