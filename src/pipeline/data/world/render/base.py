"""The generic renderer of the synthetic world: one walk over a spec's steps, words from a language's tables.

A language module (``render/<code>.py``) holds word lists and one :class:`Family` table per family (a
:class:`Kinds` of tables where the spec names a kind: ``units``); this module holds what every language shares::

    question = the family's opening sentences, one sentence per step, the closing question
    solution = the family's opening sentences, one sentence with the step's equation per step

Templates are ``str.format`` strings. The fields they may use:

* ``start`` (the spec's start value); in step templates also ``k`` (the step's operand) and ``eq`` (its
  equation, identical in every language: ``12 + 7 = 19``);
* the people, days and things of the spec in the language's words (:meth:`Language.story_fields`,
  :meth:`Language.step_fields`): the spec's person (what :attr:`Language.person` gives, e.g. ``name``,
  ``she``), its friend (``friend``, ``friend_she``, ...), in ``ages`` the first and last person (``first``,
  ``last``) and per step the person described and the one before (``who``, ``than``); in ``travel``
  ``first_day``, ``last_day`` and per step ``day``, ``prev``; the bought ``item``; the words of the spec's
  object (:attr:`Language.thing`);
* per counted noun of the family (``counts={"dollars": DOLLARS}``): ``start_dollars`` and ``k_dollars``, the
  number with the agreeing noun form (:attr:`Language.count`: ``1 dollar``, ``22 долари``);
* whatever the family's ``words(spec)`` and ``step_words(spec, step)`` return (the few other grammar calls);
* a capitalised name stands for the field capitalised: ``{She}`` is ``she`` at the start of a sentence
  (and Korean adds particles: ``{name은/는}``, see ``ko.py``).

A step's phrase is picked by the step's operation and phrasing variant ``v``: the key ``"+1"`` (operation
``+``, variant 1) first, then ``"+"`` (every variant without an entry of its own). A phrase is a pair
``(question sentence, solution sentence)`` (``None`` as the question sentence: the step is not told in the
question) or one clause used in both: question ``clause + stop``, solution ``clause + colon + eq + stop``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from pipeline.data.world.generate import OPS, WorldSpecError, equation, walk

Spec = dict[str, Any]
Words = dict[str, Any]
Phrase = str | tuple[str | None, str]


class Step(NamedTuple):
    """One step of a spec, as a family's ``step_words`` sees it."""

    i: int  # 0-based index of the step
    op: str  # one of generate.OPS
    k: int  # the operand
    before: int  # value before the step
    after: int  # value after the step
    variant: int  # phrasing variant ``v`` (0 when the step has none)
    item: str | None  # the shopping family's bought thing (``"book"``), else None


def no_words(spec: Spec) -> Words:
    """Default ``words``: nothing beyond the shared fields."""
    return {}


def no_step_words(spec: Spec, step: Step) -> Words:
    """Default ``step_words``: nothing beyond the shared fields."""
    return {}


@dataclass(frozen=True)
class Family:
    """The templates of one family in one language.

    ``steps`` maps a phrase key (``"+"``, ``"+1"``, ``"-0"``, ``"*"``, ``"/"``) to a :data:`Phrase`; ``final`` is
    the closing question, or a mapping from the last step's operation to it (``""``: any other operation).
    """

    steps: Mapping[str, Phrase]
    final: str | Mapping[str, str]
    question: Sequence[str] = ()  # opening sentences of the question
    solution: Sequence[str] = ()  # opening sentences of the solution (no equation)
    counts: Mapping[str, Any] = field(default_factory=dict)  # noun -> forms: ``{start_<noun>}``, ``{k_<noun>}``
    words: Callable[[Spec], Words] = no_words
    step_words: Callable[[Spec, Step], Words] = no_step_words

    def __post_init__(self) -> None:
        bad = [key for key in self.steps if key[:1] not in OPS or not (len(key) == 1 or key[1:].isdigit())]
        if bad:
            raise ValueError(f"phrase keys must be an operation {OPS} optionally followed by a variant "
                             f"number, got {bad}")

    def phrase(self, step: Step) -> Phrase:
        """The phrase of ``step``: its variant's own entry, else its operation's."""
        for key in (f"{step.op}{step.variant}", step.op):
            if key in self.steps:
                return self.steps[key]
        raise WorldSpecError(f"no phrase for step {step.i + 1} (operation {step.op!r}, variant {step.variant}); "
                             f"this family's phrases are {sorted(self.steps)}")

    def closing(self, spec: Spec) -> str:
        """The closing question of ``spec`` (picked by its last operation when ``final`` is a mapping)."""
        if isinstance(self.final, str):
            return self.final
        last = spec["steps"][-1]["op"] if spec["steps"] else ""
        return self.final.get(last, self.final[""])


@dataclass(frozen=True)
class Kinds:
    """The tables of a family whose spec names a kind (``units``: ``spec["unit"]`` is dozen, week or year).

    ``words`` and ``step_words`` are shared by the tables that have none of their own.
    """

    by: str  # the spec field naming the kind
    tables: Mapping[str, Family]
    words: Callable[[Spec], Words] = no_words
    step_words: Callable[[Spec, Step], Words] = no_step_words

    def __post_init__(self) -> None:
        shared = {kind: replace(table, words=self.words if table.words is no_words else table.words,
                                step_words=self.step_words if table.step_words is no_step_words else table.step_words)
                  for kind, table in self.tables.items()}
        object.__setattr__(self, "tables", shared)

    def table(self, spec: Spec) -> Family:
        """The table of ``spec``'s kind; an unknown kind raises :class:`WorldSpecError`."""
        kind = spec.get(self.by)
        if kind not in self.tables:
            raise WorldSpecError(f"no templates for {self.by} {kind!r}; {self.by}s: {', '.join(self.tables)}")
        return self.tables[kind]


class Fields(dict[str, Any]):
    """Template fields; a missing capitalised name is the field capitalised (``{She}`` from ``she``)."""

    def __missing__(self, key: str) -> Any:
        lower = key[:1].lower() + key[1:]
        if lower != key and lower in self:
            return capitalize(str(self[lower]))
        raise KeyError(key)


def capitalize(text: str) -> str:
    """``text`` with its first letter upper-cased (the rest unchanged, unlike ``str.capitalize``)."""
    return text[0].upper() + text[1:]


def role(name: str, words: Words) -> Words:
    """A person's words under the role ``name``: ``name`` becomes ``{name}``, ``she`` becomes ``{name}_she``."""
    return {(name if key == "name" else f"{name}_{key}"): value for key, value in words.items()}


def friend_acted_last(spec: Spec, step: Step) -> bool:
    """True when the step before ``step`` was the friend's gift (``+`` variant 1): name the person again."""
    if step.i == 0:
        return False
    before = spec["steps"][step.i - 1]
    return before["op"] == "+" and bool(before.get("v"))


def no_thing(key: str) -> Words:
    """Default ``thing``: a language whose families name no objects."""
    return {}


@dataclass(frozen=True)
class Language:
    """Everything a language needs: its word lists, its family tables and its punctuation."""

    code: str
    families: Mapping[str, Family | Kinds]
    person: Callable[[list], Words]  # the words of a ``[gender, index]`` person; at least ``name``
    thing: Callable[[str], Words] = no_thing  # the words of an object (``"apple"``)
    days: Sequence[str] = ()  # Monday .. Sunday
    shop_items: Mapping[str, str] = field(default_factory=dict)  # "book" -> the language's words
    stop: str = "."  # ends a sentence made from a clause
    colon: str = ": "  # between a clause and its equation
    question_sep: str = " "  # between the sentences of the question
    count: Callable[[int, Any], str] | None = None  # a number with the agreeing noun form (Family.counts)
    fields: type[Fields] = Fields  # how templates look their fields up (Korean adds particles)

    def family(self, spec: Spec) -> Family:
        """The table of ``spec``'s family (and kind); unknown ones raise :class:`WorldSpecError`."""
        name = spec.get("family")
        entry = self.families.get(name)  # type: ignore[arg-type]
        if entry is None:
            raise WorldSpecError(f"the {self.code} templates have no family {name!r}; "
                                 f"families: {', '.join(self.families)}")
        if isinstance(entry, Family):
            return entry
        try:
            return entry.table(spec)
        except WorldSpecError as err:
            raise WorldSpecError(f"the {self.code} {name} templates: {err}") from None

    def story_fields(self, spec: Spec) -> Words:
        """The fields every template of ``spec`` may use: start value, people, days, object."""
        words: Words = {"start": spec["start"]}
        if "person" in spec:
            words.update(self.person(spec["person"]))
        if "friend" in spec:
            words.update(role("friend", self.person(spec["friend"])))
        if "people" in spec:
            words.update(role("first", self.person(spec["people"][0])))
            words.update(role("last", self.person(spec["people"][-1])))
        if "first_day" in spec:
            words["first_day"] = self.days[spec["first_day"]]
            words["last_day"] = self.days[spec["first_day"] + len(spec["steps"])]
        if "object" in spec:
            words.update(self.thing(spec["object"]))
        return words

    def step_fields(self, spec: Spec, step: Step) -> Words:
        """The fields of one step: operand, equation, the people and days it speaks of, the bought item."""
        words: Words = {"k": step.k, "eq": equation(step.before, step.op, step.k, step.after)}
        if "people" in spec:
            words.update(role("who", self.person(spec["people"][step.i + 1])))
            words.update(role("than", self.person(spec["people"][step.i])))
        if "first_day" in spec:
            words["day"] = self.days[spec["first_day"] + step.i + 1]
            words["prev"] = self.days[spec["first_day"] + step.i]
        if step.item is not None:
            words["item"] = self.shop_items[step.item]
        return words

    def counted(self, prefix: str, n: int, family: Family) -> Words:
        """``{prefix}_<noun>``: ``n`` with the agreeing form of each of the family's counted nouns."""
        if not family.counts:
            return {}
        if self.count is None:
            raise ValueError(f"the {self.code} templates count nouns but the language has no count function")
        return {f"{prefix}_{noun}": self.count(n, forms) for noun, forms in family.counts.items()}

    def fill(self, template: str, words: Fields) -> str:
        """``template`` with its fields filled in; an unknown field raises :class:`WorldSpecError`."""
        try:
            return template.format_map(words)
        except KeyError as err:
            raise WorldSpecError(f"{self.code} template {template!r} uses the unknown field {err.args[0]!r}; "
                                 f"known fields: {', '.join(sorted(words))}") from None

    def sentences(self, phrase: Phrase) -> tuple[str | None, str]:
        """(question template or None, solution template) of a phrase."""
        if isinstance(phrase, str):
            return phrase + self.stop, phrase + self.colon + "{eq}" + self.stop
        return phrase

    def render(self, spec: Spec) -> tuple[str, str]:
        """(question, solution without the answer line) of ``spec`` in this language."""
        family = self.family(spec)
        story = self.fields(self.story_fields(spec))
        story.update(self.counted("start", spec["start"], family))
        story.update(family.words(spec))
        question = [self.fill(t, story) for t in family.question]
        solution = [self.fill(t, story) for t in family.solution]
        for i, raw, before, after in walk(spec):
            step = Step(i, raw["op"], raw["arg"], before, after, raw.get("v", 0), raw.get("item"))
            asked, told = self.sentences(family.phrase(step))
            words = self.fields(story)
            words.update(self.step_fields(spec, step))
            words.update(self.counted("k", step.k, family))
            words.update(family.step_words(spec, step))
            if asked is not None:
                question.append(self.fill(asked, words))
            solution.append(self.fill(told, words))
        question.append(self.fill(family.closing(spec), story))
        return self.question_sep.join(question), "\n".join(solution)
