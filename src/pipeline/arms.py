"""GRPO arms: the explicit ``arms:`` of a config merged with the grid of its ``sweep:``, each arm's overrides of
the reward section and of the GRPO sampling/optimiser fields, and the readable names of sweep points."""

from __future__ import annotations

import itertools
import re
from typing import Any

from pipeline import layout
from pipeline.configfile import ConfigError

# Arm fields that override the shared ``reward`` section, and the ``grpo`` fields an arm (or a sweep) may vary.
ARM_REWARD_FIELDS = ("accuracy_weight", "format_weight", "lc_weight", "lc_variant", "lc_tau")
ARM_GRPO_FIELDS = ("temperature", "top_p", "top_k", "repetition_penalty", "beta", "lr", "max_completion_length",
                   "train_difficulty", "rollout_control", "steps")
ARM_FIELDS = ARM_REWARD_FIELDS + ARM_GRPO_FIELDS
# Short prefixes used in generated arm names (string-valued fields contribute their value only).
NAME_PREFIX = {
    "accuracy_weight": "accw", "format_weight": "fmtw", "lc_weight": "lcw", "lc_tau": "tau",
    "temperature": "temp", "top_p": "topp", "top_k": "topk", "repetition_penalty": "rep", "beta": "beta",
    "lr": "lr", "max_completion_length": "len", "train_difficulty": "diff", "steps": "steps",
}

class SweepError(ConfigError):
    """A sweep or arm definition that cannot be expanded."""


# -- GRPO arms: explicit arms merged with a sweep grid -----------------------------------------------------------
def format_value(value: Any) -> str:
    """A value as a name fragment: ``0.25 -> 0p25``, ``1e-05 -> 1em05``, ``threshold -> threshold``.

    >>> format_value(0.25), format_value(1e-05), format_value(1.0)
    ('0p25', '1em05', '1p0')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        text = f"{value:.1f}"
    else:
        text = str(value)
    text = text.lower().replace(".", "p").replace("-", "m").replace("+", "")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def arm_name(overrides: dict[str, Any], prefix: str = "") -> str:
    """Deterministic readable name of one sweep point (fields in the given order).

    >>> arm_name({"lc_weight": 0.5, "lc_variant": "threshold", "temperature": 0.7})
    'lcw0p5_threshold_temp0p7'
    """
    parts = [prefix] if prefix else []
    for name, value in overrides.items():
        parts.append(NAME_PREFIX.get(name, "") + format_value(value))
    return "_".join(parts)


def expand_sweep(sweep: dict[str, Any] | None, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Arms for every combination of the sweep grid (``itertools.product`` in field order; empty -> none)."""
    if not sweep:
        return {}
    unknown = sorted(set(sweep) - set(ARM_FIELDS))
    if unknown:
        raise SweepError(f"config: sweep fields {unknown} cannot vary per arm; allowed: {list(ARM_FIELDS)}")
    names = list(sweep)
    for name in names:
        if not isinstance(sweep[name], list) or not sweep[name]:
            raise SweepError(f"config: sweep.{name} must be a non-empty list of values")
    arms: dict[str, dict[str, Any]] = {}
    for combo in itertools.product(*(sweep[n] for n in names)):
        overrides = dict(zip(names, combo, strict=True))
        name = arm_name(overrides, prefix)
        if name in arms:
            raise SweepError(f"config: sweep values {overrides} and {arms[name]} both give arm name {name!r}")
        arms[name] = overrides
    return arms


def all_arms(explicit: dict[str, dict[str, Any]] | None, sweep: dict[str, Any] | None,
             prefix: str = "") -> dict[str, dict[str, Any]]:
    """Explicit arms first, then the sweep's; a name clash, a bad name or an unknown field is an error."""
    arms = {name: dict(over) for name, over in (explicit or {}).items()}
    for name, over in expand_sweep(sweep, prefix).items():
        if name in arms:
            raise SweepError(f"config: sweep arm {name!r} clashes with an explicit arm of the same name; "
                             "rename the explicit arm")
        arms[name] = over
    for name, over in arms.items():
        if not re.fullmatch(layout.ARM, name):
            raise SweepError(f"config: arm name {name!r} must match {layout.ARM}")
        unknown = sorted(set(over) - set(ARM_FIELDS))
        if unknown:
            raise SweepError(f"config: arms.{name} has unknown fields {unknown}; allowed: {list(ARM_FIELDS)}")
    if not arms:
        raise SweepError("config: no GRPO arms; declare at least one under arms: or sweep:")
    return arms


def split_overrides(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reward overrides, grpo overrides) of one arm."""
    reward = {k: v for k, v in overrides.items() if k in ARM_REWARD_FIELDS}
    grpo = {k: v for k, v in overrides.items() if k in ARM_GRPO_FIELDS}
    return reward, grpo


# -- amplifier sweeps: one field of a reference arm varied ----------------------------------------------------
def amplifier_arms(amplifiers: dict[str, Any] | None, arms: dict[str, dict[str, Any]],
                   grpo: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(new arms, points per sweep) of the enabled ``amplifiers:`` sweeps.

    Each value of a sweep's ``field`` is the ``reference`` arm with that field set, as arm ``{sweep}_{value}``;
    the value the reference arm already has (its own override, else the ``grpo`` section's) is the reference arm
    itself. A point is ``{"x", "value", "arm"}`` (``x`` from the sweep's ``x`` list, else the value).

    >>> new, points = amplifier_arms({"t": {"enabled": True, "field": "temperature", "values": [0.7, 1.0],
    ...                               "reference": "acc"}}, {"acc": {"lc_weight": 0.0}}, {"temperature": 1.0})
    >>> new, [p["arm"] for p in points["t"]]
    ({'t_0p7': {'lc_weight': 0.0, 'temperature': 0.7}}, ['t_0p7', 'acc'])
    """
    new: dict[str, dict[str, Any]] = {}
    points: dict[str, list[dict[str, Any]]] = {}
    for name, spec in (amplifiers or {}).items():
        if not spec.get("enabled"):
            continue
        ref = spec.get("reference", "acc")
        if ref not in arms:
            raise SweepError(f"config: amplifiers.{name}.reference {ref!r} is not a GRPO arm ({list(arms)})")
        field, values = spec["field"], list(spec["values"])
        xs = list(spec.get("x") or values)
        if len(xs) != len(values):
            raise SweepError(f"config: amplifiers.{name}.x has {len(xs)} entries for {len(values)} values")
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs):
            raise SweepError(f"config: amplifiers.{name} needs numeric x for its values {values} (set x:)")
        current = arms[ref].get(field, grpo.get(field))
        points[name] = []
        for x, value in zip(xs, values, strict=True):
            arm = ref if value == current else f"{name}_{format_value(value)}"
            if arm != ref:
                if arm in arms or arm in new:
                    raise SweepError(f"config: amplifier arm {arm!r} clashes with another arm; rename the sweep")
                new[arm] = {**arms[ref], field: value}
            points[name].append({"x": float(x), "value": value, "arm": arm})
    return new, points
