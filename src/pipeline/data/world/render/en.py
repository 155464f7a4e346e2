"""English templates of the synthetic world (how the tables are read: :mod:`pipeline.data.world.render.base`)."""

from __future__ import annotations

from pipeline.data.world.grammar import en_count
from pipeline.data.world.render.base import Family, Kinds, Language, Spec, Step, Words, friend_acted_last

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
WEEKS = ("week", "weeks")


def count(n: int, forms: tuple[str, str]) -> str:
    """``n`` with the singular or plural of ``forms``: ``count(1, DOLLARS) == "1 dollar"``."""
    return en_count(n, *forms)


def person(who: list) -> Words:
    """``name``, ``she`` (subject), ``her`` (possessive), ``obj`` (object pronoun) of a person."""
    she, her, obj = PRONOUNS[who[0]]
    return {"name": NAMES[who[0]][who[1]], "she": she, "her": her, "obj": obj}


def thing(key: str) -> Words:
    """``things``: the plural of an object (``apples``)."""
    return {"things": OBJECTS[key][1]}


def counted_things(spec: Spec, step: Step) -> Words:
    """``k_things`` (``3 apples``) and ``k_noun`` (the noun agreeing with ``k``, ``apple(s)``)."""
    forms = OBJECTS[spec["object"]]
    return {"k_things": en_count(step.k, *forms), "k_noun": forms[step.k != 1]}


SHOPPING = Family(
    counts={"dollars": DOLLARS},
    question=["{name} has {start_dollars}."],
    solution=["{name} starts with {start_dollars}."],
    steps={
        "+1": "{Her} aunt gives {obj} {k_dollars}",
        "+": ("{She} earns {k_dollars} doing chores.", "{She} earns {k_dollars}: {eq}."),
        "-": ("{She} buys {item} for {k_dollars}.", "{She} spends {k_dollars} on {item}: {eq}."),
        "*": ("{Her} grandmother gives {obj} as much money as {she} already has.",
              "{Her} money becomes {k} times as much: {eq}."),
    },
    final="How many dollars does {name} have now?",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """Counted things and ``subj``: the person's name after the friend acted, else the pronoun."""
    me = person(spec["person"])
    return {**counted_things(spec, step), "subj": me["name"] if friend_acted_last(spec, step) else me["she"]}


COLLECTING = Family(
    words=lambda spec: {"start_things": en_count(spec["start"], *OBJECTS[spec["object"]])},
    step_words=collecting_step,
    question=["{name} and {friend} are friends.", "{name} has {start_things}."],
    solution=["{name} starts with {start_things}."],
    steps={
        "+1": ("{friend} gives {obj} {k_things}.", "{friend} gives {obj} {k}: {eq}."),
        "+": ("{Subj} finds {k} more {k_noun}.", "{Subj} finds {k} more: {eq}."),
        "-1": ("{Subj} loses {k_things}.", "{Subj} loses {k}: {eq}."),
        "-": ("{Subj} gives {k_things} to {friend}.", "{Subj} gives {k} to {friend}: {eq}."),
        "*": ("Later, {subj} has {k} times as many {things} as before.", "Now {subj} has {k} times as many: {eq}."),
    },
    final="How many {things} does {name} have at the end?",
)

SHARING = Family(
    step_words=counted_things,
    steps={
        "*": ("{name} has {start} boxes with {k_things} in each box.",
              "There are {start} boxes with {k_things} each: {eq}."),
        "+1": ("{Her} teacher brings {k} more {k_noun}.", "{Her} teacher brings {k} more: {eq}."),
        "-1": ("{She} loses {k_things}.", "{She} loses {k}: {eq}."),
        "+": ("{She} adds {k} more {k_noun}.", "{She} adds {k} more: {eq}."),
        "-": ("{She} takes out {k_things}.", "{She} takes out {k}: {eq}."),
        "/": ("{She} shares all the {things} equally among {k} children.",
              "Each of the {k} children gets an equal share: {eq}."),
    },
    final={"/": "How many {things} does each child get?", "": "How many {things} does {name} have now?"},
)

TRAVEL = Family(
    counts={"km": KM},
    question=["On {first_day}, {name} cycles {start_km}."],
    solution=["On {first_day} {name} cycles {start_km}."],
    steps={
        "+": ("On {day}, {she} cycles {k_km} more than on {prev}.", "On {day} {she} cycles {k_km} more: {eq}."),
        "-": ("On {day}, {she} cycles {k_km} less than on {prev}.", "On {day} {she} cycles {k_km} less: {eq}."),
        "*": ("On {day}, {she} cycles {k} times as far as on {prev}.",
              "On {day} {she} cycles {k} times as far: {eq}."),
        "/": ("On {day}, {she} cycles half as far as on {prev}.", "On {day} {she} cycles half as far: {eq}."),
    },
    final="How many kilometers does {name} cycle on {last_day}?",
)

AGES = Family(
    counts={"years": YEARS},
    question=["{first} is {start_years} old."],
    solution=["{first} is {start_years} old."],
    steps={
        "+": "{who} is {k_years} older than {than}",
        "-": "{who} is {k_years} younger than {than}",
        "*": "{who} is {k} times as old as {than}",
        "/": "{who} is half as old as {than}",
    },
    final="How old is {last}?",
)


def units_step(spec: Spec, step: Step) -> Words:
    """``eggs``, ``days``, ``months``: the noun agreeing with ``k``."""
    one = step.k == 1
    return {"eggs": "egg" if one else "eggs", "days": "day" if one else "days", "months": "month" if one else "months"}


# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", step_words=units_step, tables={
    "dozen": Family(
        question=["{name} buys {start} dozen eggs."],
        steps={
            "*": (None, "A dozen is 12 eggs: {eq}."),
            "+0": "{She} buys {k} more {eggs}",
            "+1": "{Her} neighbor gives {obj} {k} {eggs}",
            "-0": "{She} uses {k} {eggs} for a cake",
            "-1": "{She} breaks {k} {eggs}",
        },
        final="How many eggs does {name} have now?",
    ),
    "year": Family(
        counts={"years": YEARS},
        question=["{name} has lived in the city for {start_years}."],
        steps={
            "*": (None, "A year has 12 months: {eq}."),
            "+0": "Before that {she} lived in a village for {k} {months}",
            "+1": "{She} stays for {k} more {months}",
            "-0": "{She} spent {k} of those {months} abroad",
            "-1": "{She} was on holiday for {k} of those {months}",
        },
        final="For how many months has {name} been in the city?",
    ),
    "week": Family(
        counts={"weeks": WEEKS},
        question=["{name} practices the piano every day for {start_weeks}."],
        steps={
            "*": (None, "A week has 7 days: {eq}."),
            "+0": "{She} practices on {k} more {days}",
            "+1": "{She} also practices on {k} {days} of the next week",
            "-0": "{She} skips {k} of those days",
            "-1": "{She} is ill on {k} of those days",
        },
        final="On how many days does {name} practice the piano?",
    ),
})

LANGUAGE = Language(
    code="en", count=count, person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS,
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
