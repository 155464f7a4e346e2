"""Ukrainian templates of the synthetic world (nouns agree with the number: 1 / 2-4 / 5+, 11-14).

How the tables are read: :mod:`pipeline.data.world.render.base`. Counted nouns come from ``uk_count(n, forms)``
with ``forms`` = (one, few, many), e.g. ``uk_count(22, DOLLARS) == "22 долари"``.
"""

from __future__ import annotations

from pipeline.data.world.grammar import uk_count
from pipeline.data.world.render.base import Family, Kinds, Language, Spec, Step, Words, friend_acted_last

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
EGGS = ("яйце", "яйця", "яєць")
DAYS_COUNT = ("день", "дні", "днів")
DOZENS = ("дюжину", "дюжини", "дюжин")
WEEKS_GENITIVE = ("тижня", "тижнів", "тижнів")  # after "протягом": 1 тижня, 2/5 тижнів
MONTHS = ("місяць", "місяці", "місяців")
OLDER = {"f": "старша", "m": "старший"}
YOUNGER = {"f": "молодша", "m": "молодший"}
# past tense agrees with the subject's gender (and в/у with the sound before it): lived, spent, was, stayed
PAST = {"f": ("жила в", "провела", "була", "пробула в"), "m": ("жив у", "провів", "був", "пробув у")}


def person(who: list) -> Words:
    """``name`` (nominative), ``dat`` (dative), the pronouns and the gendered adjectives of a person."""
    gender = who[0]
    name, dat = NAMES[gender][who[1]]
    she, her, to_her, of_her = PRONOUNS[gender]
    return {"name": name, "dat": dat, "she": she, "her": her, "to_her": to_her, "of_her": of_her,
            "older": OLDER[gender], "younger": YOUNGER[gender]}


def thing(key: str) -> Words:
    """``plural`` (accusative plural) and ``many`` (genitive plural, after скільки) of an object."""
    acc = OBJECTS[key][1]
    return {"plural": acc[1], "many": acc[2]}


def counted_things(spec: Spec, step: Step) -> Words:
    """``k_things``: the operand with the agreeing accusative of the spec's object (``22 марки``)."""
    return {"k_things": uk_count(step.k, OBJECTS[spec["object"]][1])}


SHOPPING = Family(
    counts={"dollars": DOLLARS, "times": TIMES},
    question=["{name} має {start_dollars}."],
    solution=["Спочатку {name} має {start_dollars}."],
    steps={
        "+1": "Тітка дає {to_her} {k_dollars}",
        "+": ("{She} заробляє {k_dollars}, допомагаючи вдома.", "{She} заробляє {k_dollars}: {eq}."),
        "-": ("{She} купує {item} за {k_dollars}.", "{She} витрачає {k_dollars} на {item}: {eq}."),
        "*": ("Бабуся дає {to_her} стільки ж грошей, скільки {she} вже має.",
              "{Her} гроші збільшуються у {k_times}: {eq}."),
    },
    final="Скільки доларів тепер має {name}?",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """Counted things and ``subj``: the person's name after the friend acted, else the pronoun."""
    me = person(spec["person"])
    return {**counted_things(spec, step), "subj": me["name"] if friend_acted_last(spec, step) else me["she"]}


COLLECTING = Family(
    counts={"times": TIMES},
    words=lambda spec: {"start_things": uk_count(spec["start"], OBJECTS[spec["object"]][1])},
    step_words=collecting_step,
    question=["{name} та {friend} дружать.", "{name} має {start_things}."],
    solution=["Спочатку {name} має {start_things}."],
    steps={
        "+1": "{friend} дарує {to_her} ще {k_things}",
        "+": "{Subj} знаходить ще {k_things}",
        "-1": "{Subj} губить {k_things}",
        "-": "{Subj} дарує {friend_dat} {k_things}",
        "*": ("Згодом кількість {many} у {of_her} збільшується у {k_times}.",
              "Кількість {many} збільшується у {k_times}: {eq}."),
    },
    final="Скільки {many} зрештою має {name}?",
)


def sharing_step(spec: Spec, step: Step) -> Words:
    """Counted things, and ``k_things_nom``: the operand with the agreeing nominative (``21 марка``)."""
    nom, acc = OBJECTS[spec["object"]]
    return {**counted_things(spec, step), "k_things_nom": uk_count(step.k, (nom, *acc[1:]))}


SHARING = Family(
    counts={"boxes": BOXES},
    step_words=sharing_step,
    steps={
        "*": ("{name} має {start_boxes}, і в кожній коробці {k_things_nom}.",
              "Є {start_boxes}, і в кожній {k_things_nom}: {eq}."),
        "+1": "Учителька приносить ще {k_things}",
        "-1": "{She} губить {k_things}",
        "+": ("{She} кладе туди ще {k_things}.", "{She} кладе ще {k_things}: {eq}."),
        "-": "{She} виймає {k_things}",
        "/": ("{She} ділить усі {plural} порівну між {k} дітьми.", "Ділимо порівну між {k} дітьми: {eq}."),
    },
    final={"/": "Скільки {many} отримує кожна дитина?", "": "Скільки {many} тепер має {name}?"},
)

TRAVEL = Family(
    counts={"km": KM, "times": TIMES},
    question=["{First_day} {name} проїжджає на велосипеді {start_km}."],
    solution=["{First_day} {name} проїжджає на велосипеді {start_km}."],
    steps={
        "+": ("{Day} {she} проїжджає на {k_km} більше, ніж {prev}.", "{Day} {she} проїжджає на {k_km} більше: {eq}."),
        "-": ("{Day} {she} проїжджає на {k_km} менше, ніж {prev}.", "{Day} {she} проїжджає на {k_km} менше: {eq}."),
        "*": ("{Day} {she} проїжджає у {k_times} більше, ніж {prev}.",
              "{Day} {she} проїжджає у {k_times} більше: {eq}."),
        "/": ("{Day} {she} проїжджає у {k_times} менше, ніж {prev}.",
              "{Day} {she} проїжджає у {k_times} менше: {eq}."),
    },
    final="Скільки кілометрів {name} проїжджає {last_day}?",
)

AGES = Family(
    counts={"years": YEARS, "times": TIMES},
    question=["{first_dat} {start_years}."],
    solution=["{first_dat} {start_years}."],
    steps={
        "+": "{who} на {k_years} {who_older}, ніж {than}",
        "-": "{who} на {k_years} {who_younger}, ніж {than}",
        "*": "{who} у {k_times} {who_older}, ніж {than}",
        "/": "{who} у {k_times} {who_younger}, ніж {than}",
    },
    final="Скільки років {last_dat}?",
)


def units_words(spec: Spec) -> Words:
    """The past forms agreeing with the person's gender: ``lived``, ``spent``, ``was``, ``stayed``."""
    return dict(zip(("lived", "spent", "was", "stayed"), PAST[spec["person"][0]], strict=True))


# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", words=units_words, tables={
    "dozen": Family(
        counts={"dozens": DOZENS, "eggs": EGGS},
        question=["{name} купує {start_dozens} яєць."],
        steps={
            "*": (None, "У дюжині 12 яєць: {eq}."),
            "+0": "{She} купує ще {k_eggs}",
            "+1": "Сусідка дає {to_her} {k_eggs}",
            "-0": "{She} використовує {k_eggs} для пирога",
            "-1": "{She} розбиває {k_eggs}",
        },
        final="Скільки яєць тепер має {name}?",
    ),
    "year": Family(
        counts={"years": YEARS, "months": MONTHS},
        question=["{name} живе в місті {start_years}."],
        steps={
            "*": (None, "У році 12 місяців: {eq}."),
            "+0": "До того {she} {lived} селі {k_months}",
            "+1": "{She} залишається ще на {k_months}",
            "-0": "{k_months} з них {she} {spent} за кордоном",
            "-1": "{k_months} з них {she} {was} у відпустці",
        },
        final="Скільки місяців {name} {stayed} місті?",
    ),
    "week": Family(
        counts={"weeks": WEEKS_GENITIVE, "days": DAYS_COUNT},
        question=["{name} щодня грає на піаніно протягом {start_weeks}."],
        steps={
            "*": (None, "У тижні 7 днів: {eq}."),
            "+0": "{She} грає ще {k_days}",
            "+1": "Наступного тижня {she} грає ще {k_days}",
            "-0": "{She} пропускає {k_days}",
            "-1": "{She} хворіє {k_days} і не грає",
        },
        final="Скільки днів {name} грає на піаніно?",
    ),
})

LANGUAGE = Language(
    code="uk", count=uk_count, person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS,
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
