"""English templates of the synthetic world."""

from __future__ import annotations

from typing import Any

from pipeline.data.world.generate import equation, walk
from pipeline.data.world.grammar import en_count

NAMES = {
    "f": ("Mina", "Emma", "Sara", "Lily", "Anna", "Grace", "Chloe", "Ruby", "Nora", "Julia"),
    "m": ("Tom", "Leo", "Sam", "Ben", "Jack", "Omar", "Noah", "Max", "Ethan", "Luke"),
}
PRONOUNS = {"f": ("she", "her", "her"), "m": ("he", "his", "him")}  # subject, possessive, object
OBJECTS = {
    "apple": ("apple", "apples"), "stamp": ("stamp", "stamps"), "pencil": ("pencil", "pencils"),
    "shell": ("shell", "shells"), "marble": ("marble", "marbles"), "sticker": ("sticker", "stickers"),
}
SHOP_ITEMS = {"book": "a book", "toy": "a toy", "hat": "a hat", "ball": "a ball", "kite": "a kite"}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DOLLARS = ("dollar", "dollars")
KM = ("kilometer", "kilometers")
YEARS = ("year", "years")


def _name(person: list) -> str:
    return NAMES[person[0]][person[1]]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _shopping(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, her, obj = PRONOUNS[spec["person"][0]]
    q = [f"{name} has {en_count(spec['start'], *DOLLARS)}."]
    s = [f"{name} starts with {en_count(spec['start'], *DOLLARS)}."]
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if op == "+" and step.get("v"):
            q.append(f"{_cap(her)} aunt gives {obj} {en_count(k, *DOLLARS)}.")
            s.append(f"{_cap(her)} aunt gives {obj} {en_count(k, *DOLLARS)}: {eq}.")
        elif op == "+":
            q.append(f"{_cap(she)} earns {en_count(k, *DOLLARS)} doing chores.")
            s.append(f"{_cap(she)} earns {en_count(k, *DOLLARS)}: {eq}.")
        elif op == "-":
            item = SHOP_ITEMS[step["item"]]
            q.append(f"{_cap(she)} buys {item} for {en_count(k, *DOLLARS)}.")
            s.append(f"{_cap(she)} spends {en_count(k, *DOLLARS)} on {item}: {eq}.")
        else:
            q.append(f"{_cap(her)} grandmother gives {obj} as much money as {she} already has.")
            s.append(f"{_cap(her)} money becomes {k} times as much: {eq}.")
    return q, s, f"How many dollars does {name} have now?"


def _collecting(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, friend = _name(spec["person"]), _name(spec["friend"])
    she, _, obj = PRONOUNS[spec["person"][0]]
    forms = OBJECTS[spec["object"]]
    q = [f"{name} and {friend} are friends.", f"{name} has {en_count(spec['start'], *forms)}."]
    s = [f"{name} starts with {en_count(spec['start'], *forms)}."]
    other_spoke = False  # after the friend acted, name the person again
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        subj = name if other_spoke else _cap(she)
        other_spoke_before = other_spoke
        other_spoke = op == "+" and bool(step.get("v"))
        v = step.get("v")
        if op == "+" and v:
            q.append(f"{friend} gives {obj} {en_count(k, *forms)}.")
            s.append(f"{friend} gives {obj} {k}: {eq}.")
        elif op == "+":
            q.append(f"{subj} finds {k} more {forms[k != 1]}.")
            s.append(f"{subj} finds {k} more: {eq}.")
        elif op == "-" and v:
            q.append(f"{subj} loses {en_count(k, *forms)}.")
            s.append(f"{subj} loses {k}: {eq}.")
        elif op == "-":
            q.append(f"{subj} gives {en_count(k, *forms)} to {friend}.")
            s.append(f"{subj} gives {k} to {friend}: {eq}.")
        else:
            who = name if other_spoke_before else she
            q.append(f"Later, {who} has {k} times as many {forms[1]} as before.")
            s.append(f"Now {who} has {k} times as many: {eq}.")
    return q, s, f"How many {forms[1]} does {name} have at the end?"


def _sharing(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, her, _ = PRONOUNS[spec["person"][0]]
    forms = OBJECTS[spec["object"]]
    q, s = [], []
    shared = False
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if i == 0:
            q.append(f"{name} has {a} boxes with {en_count(k, *forms)} in each box.")
            s.append(f"There are {a} boxes with {en_count(k, *forms)} each: {eq}.")
        elif op == "+" and step.get("v"):
            q.append(f"{_cap(her)} teacher brings {k} more {forms[k != 1]}.")
            s.append(f"{_cap(her)} teacher brings {k} more: {eq}.")
        elif op == "-" and step.get("v"):
            q.append(f"{_cap(she)} loses {en_count(k, *forms)}.")
            s.append(f"{_cap(she)} loses {k}: {eq}.")
        elif op == "+":
            q.append(f"{_cap(she)} adds {k} more {forms[k != 1]}.")
            s.append(f"{_cap(she)} adds {k} more: {eq}.")
        elif op == "-":
            q.append(f"{_cap(she)} takes out {en_count(k, *forms)}.")
            s.append(f"{_cap(she)} takes out {k}: {eq}.")
        else:
            shared = True
            q.append(f"{_cap(she)} shares all the {forms[1]} equally among {k} children.")
            s.append(f"Each of the {k} children gets an equal share: {eq}.")
    final = (f"How many {forms[1]} does each child get?" if shared
             else f"How many {forms[1]} does {name} have now?")
    return q, s, final


def _travel(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, _, _ = PRONOUNS[spec["person"][0]]
    d0 = spec["first_day"]
    q = [f"On {DAYS[d0]}, {name} cycles {en_count(spec['start'], *KM)}."]
    s = [f"On {DAYS[d0]} {name} cycles {en_count(spec['start'], *KM)}."]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        day, prev = DAYS[d0 + i + 1], DAYS[d0 + i]
        if op == "+":
            q.append(f"On {day}, {she} cycles {en_count(k, *KM)} more than on {prev}.")
            s.append(f"On {day} {she} cycles {en_count(k, *KM)} more: {eq}.")
        elif op == "-":
            q.append(f"On {day}, {she} cycles {en_count(k, *KM)} less than on {prev}.")
            s.append(f"On {day} {she} cycles {en_count(k, *KM)} less: {eq}.")
        elif op == "*":
            q.append(f"On {day}, {she} cycles {k} times as far as on {prev}.")
            s.append(f"On {day} {she} cycles {k} times as far: {eq}.")
        else:
            q.append(f"On {day}, {she} cycles half as far as on {prev}.")
            s.append(f"On {day} {she} cycles half as far: {eq}.")
    last = DAYS[d0 + len(spec["steps"])]
    return q, s, f"How many kilometers does {name} cycle on {last}?"


def _ages(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    names = [_name(p) for p in spec["people"]]
    q = [f"{names[0]} is {en_count(spec['start'], *YEARS)} old."]
    s = [f"{names[0]} is {en_count(spec['start'], *YEARS)} old."]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        who, than = names[i + 1], names[i]
        if op == "+":
            text = f"{who} is {en_count(k, *YEARS)} older than {than}"
        elif op == "-":
            text = f"{who} is {en_count(k, *YEARS)} younger than {than}"
        elif op == "*":
            text = f"{who} is {k} times as old as {than}"
        else:
            text = f"{who} is half as old as {than}"
        q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, f"How old is {names[-1]}?"


def _units(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, her, obj = PRONOUNS[spec["person"][0]]
    n = spec["start"]
    if spec["unit"] == "dozen":
        q = [f"{name} buys {n} dozen eggs."]
        lines = {"*": "A dozen is 12 eggs", "+0": f"{_cap(she)} buys {{k}} more {{eggs}}",
                 "+1": f"{_cap(her)} neighbor gives {obj} {{k}} {{eggs}}",
                 "-0": f"{_cap(she)} uses {{k}} {{eggs}} for a cake",
                 "-1": f"{_cap(she)} breaks {{k}} {{eggs}}"}
        final = f"How many eggs does {name} have now?"
    elif spec["unit"] == "year":
        q = [f"{name} has lived in the city for {en_count(n, 'year', 'years')}."]
        lines = {"*": "A year has 12 months", "+0": f"Before that {she} lived in a village for {{k}} {{months}}",
                 "+1": f"{_cap(she)} stays for {{k}} more {{months}}",
                 "-0": f"{_cap(she)} spent {{k}} of those {{months}} abroad",
                 "-1": f"{_cap(she)} was on holiday for {{k}} of those {{months}}"}
        final = f"For how many months has {name} been in the city?"
    else:
        q = [f"{name} practices the piano every day for {en_count(n, 'week', 'weeks')}."]
        lines = {"*": "A week has 7 days", "+0": f"{_cap(she)} practices on {{k}} more {{days}}",
                 "+1": f"{_cap(she)} also practices on {{k}} {{days}} of the next week",
                 "-0": f"{_cap(she)} skips {{k}} of those days",
                 "-1": f"{_cap(she)} is ill on {{k}} of those days"}
        final = f"On how many days does {name} practice the piano?"
    s = []
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        key = "*" if op == "*" else f"{op}{step.get('v', 0)}"
        text = lines[key].format(k=k, eggs="egg" if k == 1 else "eggs", days="day" if k == 1 else "days",
                                 months="month" if k == 1 else "months")
        if op != "*":
            q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, final


FAMILY_RENDERERS = {"shopping": _shopping, "collecting": _collecting, "sharing": _sharing,
                    "travel": _travel, "ages": _ages, "units": _units}


def render_spec(spec: dict[str, Any]) -> tuple[str, str]:
    """(question, solution without the answer line) of a spec in English."""
    q, s, final = FAMILY_RENDERERS[spec["family"]](spec)
    return " ".join([*q, final]), "\n".join(s)
