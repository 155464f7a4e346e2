"""Ukrainian templates of the synthetic world (nouns agree with the number: 1 / 2-4 / 5+, 11-14)."""

from __future__ import annotations

from typing import Any

from pipeline.data.world.generate import equation, walk
from pipeline.data.world.grammar import uk_count, uk_noun

NAMES = {  # (nominative, dative)
    "f": (("Марія", "Марії"), ("Олена", "Олені"), ("Оксана", "Оксані"), ("Ірина", "Ірині"),
          ("Софія", "Софії"), ("Анна", "Анні"), ("Катерина", "Катерині"), ("Юлія", "Юлії"),
          ("Дарина", "Дарині"), ("Наталія", "Наталії")),
    "m": (("Андрій", "Андрію"), ("Олег", "Олегу"), ("Тарас", "Тарасу"), ("Іван", "Івану"),
          ("Богдан", "Богдану"), ("Дмитро", "Дмитру"), ("Максим", "Максиму"), ("Петро", "Петру"),
          ("Остап", "Остапу"), ("Назар", "Назару")),
}
# nominative, possessive, dative, genitive after a preposition
PRONOUNS = {"f": ("вона", "її", "їй", "неї"), "m": ("він", "його", "йому", "нього")}
# Countable things: nominative singular, then accusative (one, few, many). The few-form is also the plural.
OBJECTS = {
    "apple": ("яблуко", ("яблуко", "яблука", "яблук")),
    "stamp": ("марка", ("марку", "марки", "марок")),
    "pencil": ("олівець", ("олівець", "олівці", "олівців")),
    "shell": ("мушля", ("мушлю", "мушлі", "мушель")),
    "marble": ("кулька", ("кульку", "кульки", "кульок")),
    "sticker": ("наліпка", ("наліпку", "наліпки", "наліпок")),
}
SHOP_ITEMS = {"book": "книжку", "toy": "іграшку", "hat": "шапку", "ball": "м'яч", "kite": "повітряного змія"}
DAYS = ("у понеділок", "у вівторок", "у середу", "у четвер", "у п'ятницю", "у суботу", "у неділю")
DOLLARS = ("долар", "долари", "доларів")
KM = ("кілометр", "кілометри", "кілометрів")
YEARS = ("рік", "роки", "років")
BOXES = ("коробку", "коробки", "коробок")
TIMES = ("раз", "рази", "разів")
OLDER = {"f": "старша", "m": "старший"}
YOUNGER = {"f": "молодша", "m": "молодший"}


def _name(person: list, case: int = 0) -> str:
    return NAMES[person[0]][person[1]][case]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _nominative(n: int, key: str) -> str:
    """``n`` things in the nominative (differs from the accusative only in the singular of feminines)."""
    nom_one, acc = OBJECTS[key]
    return f"{n} {nom_one}" if uk_noun(n, acc) == acc[0] else uk_count(n, acc)


def _shopping(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, her, to_her, _ = PRONOUNS[spec["person"][0]]
    q = [f"{name} має {uk_count(spec['start'], DOLLARS)}."]
    s = [f"Спочатку {name} має {uk_count(spec['start'], DOLLARS)}."]
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if op == "+" and step.get("v"):
            q.append(f"Тітка дає {to_her} {uk_count(k, DOLLARS)}.")
            s.append(f"Тітка дає {to_her} {uk_count(k, DOLLARS)}: {eq}.")
        elif op == "+":
            q.append(f"{_cap(she)} заробляє {uk_count(k, DOLLARS)}, допомагаючи вдома.")
            s.append(f"{_cap(she)} заробляє {uk_count(k, DOLLARS)}: {eq}.")
        elif op == "-":
            item = SHOP_ITEMS[step["item"]]
            q.append(f"{_cap(she)} купує {item} за {uk_count(k, DOLLARS)}.")
            s.append(f"{_cap(she)} витрачає {uk_count(k, DOLLARS)} на {item}: {eq}.")
        else:
            q.append(f"Бабуся дає {to_her} стільки ж грошей, скільки {she} вже має.")
            s.append(f"{_cap(her)} гроші збільшуються у {uk_count(k, TIMES)}: {eq}.")
    return q, s, f"Скільки доларів тепер має {name}?"


def _collecting(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, friend = _name(spec["person"]), _name(spec["friend"])
    she, _, to_her, of_her = PRONOUNS[spec["person"][0]]
    acc = OBJECTS[spec["object"]][1]
    q = [f"{name} та {friend} дружать.", f"{name} має {uk_count(spec['start'], acc)}."]
    s = [f"Спочатку {name} має {uk_count(spec['start'], acc)}."]
    other_spoke = False  # after the friend acted, name the person again
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        subj = name if other_spoke else _cap(she)
        other_spoke = op == "+" and bool(step.get("v"))
        v = step.get("v")
        if op == "+" and v:
            q.append(f"{friend} дарує {to_her} ще {uk_count(k, acc)}.")
            s.append(f"{friend} дарує {to_her} ще {uk_count(k, acc)}: {eq}.")
        elif op == "+":
            q.append(f"{subj} знаходить ще {uk_count(k, acc)}.")
            s.append(f"{subj} знаходить ще {uk_count(k, acc)}: {eq}.")
        elif op == "-" and v:
            q.append(f"{subj} губить {uk_count(k, acc)}.")
            s.append(f"{subj} губить {uk_count(k, acc)}: {eq}.")
        elif op == "-":
            q.append(f"{subj} дарує {_name(spec['friend'], 1)} {uk_count(k, acc)}.")
            s.append(f"{subj} дарує {_name(spec['friend'], 1)} {uk_count(k, acc)}: {eq}.")
        else:
            q.append(f"Згодом кількість {acc[2]} у {of_her} збільшується у {uk_count(k, TIMES)}.")
            s.append(f"Кількість {acc[2]} збільшується у {uk_count(k, TIMES)}: {eq}.")
    return q, s, f"Скільки {acc[2]} зрештою має {name}?"


def _sharing(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she = PRONOUNS[spec["person"][0]][0]
    key = spec["object"]
    acc = OBJECTS[key][1]
    q, s = [], []
    shared = False
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if i == 0:
            q.append(f"{name} має {uk_count(a, BOXES)}, і в кожній коробці {_nominative(k, key)}.")
            s.append(f"Є {uk_count(a, BOXES)}, і в кожній {_nominative(k, key)}: {eq}.")
        elif op == "+" and step.get("v"):
            q.append(f"Учителька приносить ще {uk_count(k, acc)}.")
            s.append(f"Учителька приносить ще {uk_count(k, acc)}: {eq}.")
        elif op == "-" and step.get("v"):
            q.append(f"{_cap(she)} губить {uk_count(k, acc)}.")
            s.append(f"{_cap(she)} губить {uk_count(k, acc)}: {eq}.")
        elif op == "+":
            q.append(f"{_cap(she)} кладе туди ще {uk_count(k, acc)}.")
            s.append(f"{_cap(she)} кладе ще {uk_count(k, acc)}: {eq}.")
        elif op == "-":
            q.append(f"{_cap(she)} виймає {uk_count(k, acc)}.")
            s.append(f"{_cap(she)} виймає {uk_count(k, acc)}: {eq}.")
        else:
            shared = True
            q.append(f"{_cap(she)} ділить усі {acc[1]} порівну між {k} дітьми.")
            s.append(f"Ділимо порівну між {k} дітьми: {eq}.")
    final = f"Скільки {acc[2]} отримує кожна дитина?" if shared else f"Скільки {acc[2]} тепер має {name}?"
    return q, s, final


def _travel(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she = PRONOUNS[spec["person"][0]][0]
    d0 = spec["first_day"]
    intro = f"{_cap(DAYS[d0])} {name} проїжджає на велосипеді {uk_count(spec['start'], KM)}."
    q, s = [intro], [intro]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        day, prev = _cap(DAYS[d0 + i + 1]), DAYS[d0 + i]
        if op == "+":
            text = f"{day} {she} проїжджає на {uk_count(k, KM)} більше"
        elif op == "-":
            text = f"{day} {she} проїжджає на {uk_count(k, KM)} менше"
        elif op == "*":
            text = f"{day} {she} проїжджає у {uk_count(k, TIMES)} більше"
        else:
            text = f"{day} {she} проїжджає у {uk_count(k, TIMES)} менше"
        q.append(f"{text}, ніж {prev}.")
        s.append(f"{text}: {eq}.")
    last = DAYS[d0 + len(spec["steps"])]
    return q, s, f"Скільки кілометрів {name} проїжджає {last}?"


def _ages(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    people = spec["people"]
    intro = f"{_name(people[0], 1)} {uk_count(spec['start'], YEARS)}."
    q, s = [intro], [intro]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        who, than, gender = _name(people[i + 1]), _name(people[i]), people[i + 1][0]
        if op == "+":
            text = f"{who} на {uk_count(k, YEARS)} {OLDER[gender]}, ніж {than}"
        elif op == "-":
            text = f"{who} на {uk_count(k, YEARS)} {YOUNGER[gender]}, ніж {than}"
        elif op == "*":
            text = f"{who} у {uk_count(k, TIMES)} {OLDER[gender]}, ніж {than}"
        else:
            text = f"{who} у {uk_count(k, TIMES)} {YOUNGER[gender]}, ніж {than}"
        q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, f"Скільки років {_name(people[-1], 1)}?"


EGGS = ("яйце", "яйця", "яєць")
DAYS_COUNT = ("день", "дні", "днів")
DOZENS = ("дюжину", "дюжини", "дюжин")
WEEKS_GENITIVE = ("тижня", "тижнів", "тижнів")  # after "протягом": 1 тижня, 2/5 тижнів
YEARS = ("рік", "роки", "років")
MONTHS = ("місяць", "місяці", "місяців")


def _units(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name = _name(spec["person"])
    she, _, to_her, _ = PRONOUNS[spec["person"][0]]
    n, she_cap = spec["start"], _cap(she)
    if spec["unit"] == "dozen":
        q = [f"{name} купує {uk_count(n, DOZENS)} яєць."]
        lines = {"*": "У дюжині 12 яєць", "+0": f"{she_cap} купує ще {{k}}",
                 "+1": f"Сусідка дає {to_her} {{k}}",
                 "-0": f"{she_cap} використовує {{k}} для пирога", "-1": f"{she_cap} розбиває {{k}}"}
        forms, final = EGGS, f"Скільки яєць тепер має {name}?"
    elif spec["unit"] == "year":
        q = [f"{name} живе в місті {uk_count(n, YEARS)}."]
        # past tense agrees with the subject's gender (and в/у with the sound before it)
        lived, spent, was, stayed = (("жила в", "провела", "була", "пробула в") if she == "вона"
                                     else ("жив у", "провів", "був", "пробув у"))
        lines = {"*": "У році 12 місяців", "+0": f"До того {she} {lived} селі {{k}}",
                 "+1": f"{she_cap} залишається ще на {{k}}", "-0": f"{{k}} з них {she} {spent} за кордоном",
                 "-1": f"{{k}} з них {she} {was} у відпустці"}
        forms, final = MONTHS, f"Скільки місяців {name} {stayed} місті?"
    else:
        q = [f"{name} щодня грає на піаніно протягом {uk_count(n, WEEKS_GENITIVE)}."]
        lines = {"*": "У тижні 7 днів", "+0": f"{she_cap} грає ще {{k}}",
                 "+1": f"Наступного тижня {she} грає ще {{k}}", "-0": f"{she_cap} пропускає {{k}}",
                 "-1": f"{she_cap} хворіє {{k}} і не грає"}
        forms, final = DAYS_COUNT, f"Скільки днів {name} грає на піаніно?"
    s = []
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        text = lines["*" if op == "*" else f"{op}{step.get('v', 0)}"].format(k=uk_count(k, forms))
        if op != "*":
            q.append(text + ".")
        s.append(f"{text}: {eq}.")
    return q, s, final


FAMILY_RENDERERS = {"shopping": _shopping, "collecting": _collecting, "sharing": _sharing,
                    "travel": _travel, "ages": _ages, "units": _units}


def render_spec(spec: dict[str, Any]) -> tuple[str, str]:
    """(question, solution without the answer line) of a spec in Ukrainian."""
    q, s, final = FAMILY_RENDERERS[spec["family"]](spec)
    return " ".join([*q, final]), "\n".join(s)
