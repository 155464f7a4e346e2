"""Sampling of language-neutral problem specs for the synthetic world (no text here).

A *spec* is a JSON-serialisable dict::

    {"family": "collecting", "start": 12,
     "steps": [{"op": "+", "arg": 7, "v": 0}, {"op": "*", "arg": 2, "v": 1}, ...],  # one equation each
     "person": [gender, name_index], "people": [[gender, name_index], ...],
     "object": "apple", "items": [...], "friend": [gender, name_index]}

Renderers (:mod:`pipeline.data.world.render`) turn it into text; :func:`evaluate` recomputes every intermediate value.
Each family starts from ``start`` and applies ``steps`` in order; the last value is the answer.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

OPS = ("+", "-", "*", "/")
NAMES_PER_GENDER = 10  # every language lists this many female and male names
GENDERS = ("f", "m")
OBJECTS = ("apple", "stamp", "pencil", "shell", "marble", "sticker")  # countable things (collecting, sharing)
SHOP_ITEMS = ("book", "toy", "hat", "ball", "kite")  # things bought in the shopping family
N_DAYS = 7  # travel: Monday .. Sunday
MAX_STEPS = N_DAYS - 1
MIN_MAX_VALUE = 10
N_VARIANTS = 2  # phrasing variants of a step (``step["v"]``); renderers use ``v`` where they have two
UNIT_SIZES = {"dozen": 12, "week": 7, "year": 12}  # units family: facts the question does not state

# Split pools: a spec belongs to the split whose bucket range holds hash(arithmetic) % 100, so no arithmetic
# skeleton (start value and operations, whatever the family, names or objects) occurs in two pools.
SPLIT_POOLS: dict[str, range] = {"train": range(0, 70), "test": range(70, 85), "validation": range(85, 95),
                                 "extra": range(95, 100)}
SPLIT_ALIASES = {"val": "validation", "dev": "validation", "valid": "validation", "heldout": "extra"}


class WorldSpecError(ValueError):
    """A generation request the world cannot satisfy (bad knob, unknown family or split)."""


def split_pool(split: str) -> str:
    """The hash pool of ``split`` (``val``/``dev`` share ``validation``'s); unknown names raise."""
    pool = SPLIT_ALIASES.get(split, split)
    if pool not in SPLIT_POOLS:
        known = sorted(set(SPLIT_POOLS) | set(SPLIT_ALIASES))
        raise WorldSpecError(f"unknown synthetic split {split!r}; the world's disjoint pools are {known}")
    return pool


def arithmetic_key(spec: dict[str, Any]) -> str:
    """The arithmetic skeleton of a spec (start and operations), shared by specs that only differ in words."""
    return f"{spec['start']}|" + "|".join(f"{s['op']}{s['arg']}" for s in spec["steps"])


def spec_bucket(spec: dict[str, Any]) -> int:
    """Bucket 0..99 of a spec's arithmetic skeleton (stable: blake2b, not Python's salted ``hash``)."""
    digest = hashlib.blake2b(arithmetic_key(spec).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100


def apply_op(value: int, op: str, arg: int) -> int:
    """One step of arithmetic; division must be exact."""
    if op == "+":
        return value + arg
    if op == "-":
        return value - arg
    if op == "*":
        return value * arg
    if op == "/":
        if arg == 0 or value % arg:
            raise ValueError(f"inexact division {value} / {arg} in a world spec")
        return value // arg
    raise ValueError(f"unknown operation {op!r}; use one of {OPS}")


def evaluate(spec: dict[str, Any]) -> list[int]:
    """All values of a spec: ``[start, after step 1, ..., answer]``."""
    values = [spec["start"]]
    for step in spec["steps"]:
        values.append(apply_op(values[-1], step["op"], step["arg"]))
    return values


# ---------------------------------------------------------------- step sampling


def _feasible(value: int, op: str, max_value: int, factors: Sequence[int],
              divisors: Sequence[int]) -> Sequence[int]:
    """Arguments of ``op`` that keep the result an integer in [1, max_value]."""
    if op == "+":
        return range(1, max_value - value + 1)  # type: ignore[return-value]
    if op == "-":
        return range(1, value)  # type: ignore[return-value]
    if op == "*":
        return [k for k in factors if value * k <= max_value]
    if op == "/":
        return [k for k in divisors if value % k == 0 and value // k >= 1 and k < value]
    raise ValueError(op)


def _sample_chain(rng: random.Random, start: int, n_steps: int, ops: Sequence[str], max_value: int,
                  factors: Sequence[int] = (2, 3),
                  divisors: Sequence[int] = (2,)) -> list[dict[str, Any]] | None:
    """``n_steps`` random feasible steps from ``start``; None when a dead end is reached."""
    steps, value = [], start
    for _ in range(n_steps):
        options = [(op, args) for op in ops if (args := _feasible(value, op, max_value, factors, divisors))]
        if not options:
            return None
        op, args = rng.choice(options)
        arg = rng.choice(args) if op in "*/" else rng.randint(args[0], args[-1])
        steps.append({"op": op, "arg": arg, "v": rng.randrange(N_VARIANTS)})
        value = apply_op(value, op, arg)
    return steps


def _person(rng: random.Random) -> list:
    return [rng.choice(GENDERS), rng.randrange(NAMES_PER_GENDER)]


def _distinct_people(rng: random.Random, k: int) -> list[list]:
    pool = [[g, i] for g in GENDERS for i in range(NAMES_PER_GENDER)]
    return rng.sample(pool, k)


def _start(rng: random.Random, max_value: int) -> int:
    return rng.randint(3, max(4, (2 * max_value) // 3))


def _shopping(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    start = _start(rng, max_value)
    steps = _sample_chain(rng, start, n_steps, ("+", "-", "*"), max_value, factors=(2,))
    if steps is None:
        return None
    for step in steps:
        if step["op"] == "-":
            step["item"] = rng.choice(SHOP_ITEMS)
    return {"family": "shopping", "start": start, "steps": steps, "person": _person(rng)}


def _collecting(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    start = _start(rng, max_value)
    steps = _sample_chain(rng, start, n_steps, ("+", "-", "*"), max_value, factors=(2, 3))
    if steps is None:
        return None
    person, friend = _distinct_people(rng, 2)
    return {"family": "collecting", "start": start, "steps": steps, "person": person, "friend": friend,
            "object": rng.choice(OBJECTS)}


def _sharing(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    boxes = rng.randint(2, min(9, max_value // 2))
    per_box = rng.randint(2, max(2, min(12, max_value // boxes)))
    if boxes * per_box > max_value:
        return None
    steps = [{"op": "*", "arg": per_box}]
    middle = _sample_chain(rng, boxes * per_box, max(0, n_steps - 2), ("+", "-"), max_value)
    if middle is None:
        return None
    steps += middle
    if n_steps >= 2:
        value = evaluate({"start": boxes, "steps": steps})[-1]
        divisors = [k for k in range(2, 10) if value % k == 0 and value // k >= 2]
        if not divisors:
            return None
        steps.append({"op": "/", "arg": rng.choice(divisors)})
    return {"family": "sharing", "start": boxes, "steps": steps, "person": _person(rng),
            "object": rng.choice(OBJECTS)}


def _travel(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    start = _start(rng, max_value)
    steps = _sample_chain(rng, start, n_steps, ("+", "-", "*", "/"), max_value, factors=(2, 3), divisors=(2,))
    if steps is None:
        return None
    return {"family": "travel", "start": start, "steps": steps, "person": _person(rng),
            "first_day": rng.randrange(N_DAYS - n_steps)}


def _ages(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    start = rng.randint(3, max(4, max_value // 3))
    steps = _sample_chain(rng, start, n_steps, ("+", "-", "*", "/"), max_value, factors=(2, 3), divisors=(2,))
    if steps is None:
        return None
    return {"family": "ages", "start": start, "steps": steps, "people": _distinct_people(rng, n_steps + 1)}


def _units(rng: random.Random, n_steps: int, max_value: int) -> dict[str, Any] | None:
    unit = rng.choice(tuple(UNIT_SIZES))
    size = UNIT_SIZES[unit]
    if max_value // size < 1:
        return None
    count = rng.randint(1, min(8, max_value // size))
    steps = [{"op": "*", "arg": size}]
    rest = _sample_chain(rng, count * size, n_steps - 1, ("+", "-"), max_value)
    if rest is None:
        return None
    return {"family": "units", "start": count, "steps": steps + rest, "unit": unit, "person": _person(rng)}


FAMILY_SAMPLERS: dict[str, Callable[[random.Random, int, int], dict[str, Any] | None]] = {
    "shopping": _shopping,
    "collecting": _collecting,
    "sharing": _sharing,
    "travel": _travel,
    "ages": _ages,
    "units": _units,
}
FAMILIES: tuple[str, ...] = tuple(FAMILY_SAMPLERS)
# ``units`` needs a fact the question does not state (a dozen is 12, a week has 7 days): opt-in only.
DEFAULT_FAMILIES: tuple[str, ...] = ("shopping", "collecting", "sharing", "travel", "ages")


def check_knobs(min_steps: int, max_steps: int, max_value: int,
                families: Sequence[str] | Mapping[str, float] | None) -> tuple[str, ...]:
    """Validate generation knobs; return the family tuple to draw from (a mapping's keys: family -> weight)."""
    if not 1 <= min_steps <= max_steps <= MAX_STEPS:
        raise WorldSpecError(f"need 1 <= min_steps <= max_steps <= {MAX_STEPS}, got min_steps={min_steps}, "
                             f"max_steps={max_steps}")
    if max_value < MIN_MAX_VALUE:
        raise WorldSpecError(f"max_value must be >= {MIN_MAX_VALUE} (got {max_value}); raise it in the "
                             "world config")
    chosen = tuple(DEFAULT_FAMILIES if families is None else families)
    unknown = [f for f in chosen if f not in FAMILY_SAMPLERS]
    if unknown or not chosen:
        raise WorldSpecError(f"unknown or empty world families {unknown or list(chosen)}; "
                             f"choose from {list(FAMILIES)}")
    if isinstance(families, Mapping):
        bad = {f: w for f, w in families.items() if not isinstance(w, (int, float)) or w <= 0}
        if bad:
            raise WorldSpecError(f"world family weights must be positive numbers, got {bad}")
    return chosen


def sample_spec(rng: random.Random, family: str, n_steps: int, max_value: int) -> dict[str, Any] | None:
    """One spec of ``family`` with ``n_steps`` equations (None when the draw hit a dead end: retry)."""
    return FAMILY_SAMPLERS[family](rng, n_steps, max_value)


def spec_json(spec: dict[str, Any]) -> str:
    """Canonical JSON of a spec (for deduplication)."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


EQUATION_SYMBOLS = {"+": "+", "-": "-", "*": "×", "/": "÷"}


def equation(before: int, op: str, arg: int, after: int) -> str:
    """The explicit equation of one step, identical in every language: ``12 + 7 = 19``."""
    return f"{before} {EQUATION_SYMBOLS[op]} {arg} = {after}"


def walk(spec: dict[str, Any]) -> list[tuple[int, dict[str, Any], int, int]]:
    """``(index, step, value_before, value_after)`` for every step of a spec."""
    values = evaluate(spec)
    return [(i, step, values[i], values[i + 1]) for i, step in enumerate(spec["steps"])]
