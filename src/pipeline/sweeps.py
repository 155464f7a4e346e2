"""GRPO arms from the config: explicit ``arms:`` merged with the grid declared in ``sweep:``.

An arm is a mapping of overrides: reward fields (merged into the ``reward`` section) and GRPO sampling/optimiser
fields (merged into the ``grpo`` section). A sweep is a mapping ``field -> [values]``; its cartesian product
(``itertools.product`` in the order the fields are written) becomes one arm per combination, named from the
values so that names are deterministic, readable and match ``[a-z0-9_]+``, e.g.
``{lc_weight: [0.5], lc_variant: [threshold], temperature: [0.7]}`` -> ``lcw0p5_threshold_temp0p7``.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

# Arm fields that override the shared ``reward`` section.
REWARD_FIELDS = ("accuracy_weight", "format_weight", "lc_weight", "lc_variant", "lc_tau")
# Arm fields that override the ``grpo`` section (sampling and optimiser knobs that may differ between arms).
GRPO_FIELDS = ("temperature", "top_p", "top_k", "repetition_penalty", "beta", "lr")
ARM_FIELDS = REWARD_FIELDS + GRPO_FIELDS
# Short prefixes used in generated arm names (string-valued fields contribute their value only).
NAME_PREFIX = {
    "accuracy_weight": "accw", "format_weight": "fmtw", "lc_weight": "lcw", "lc_tau": "tau",
    "temperature": "temp", "top_p": "topp", "top_k": "topk", "repetition_penalty": "rep", "beta": "beta",
    "lr": "lr",
}
ARM_NAME = re.compile(r"^[a-z0-9_]+$")


class SweepError(ValueError):
    """A sweep or arm definition that cannot be expanded; the message names the key and the fix."""


def format_value(value: Any) -> str:
    """A value as a name fragment: ``0.25 -> 0p25``, ``1e-05 -> 1em05``, ``threshold -> threshold``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        text = f"{value:.1f}"
    else:
        text = str(value)
    text = text.lower().replace(".", "p").replace("-", "m").replace("+", "")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def arm_name(overrides: dict[str, Any], prefix: str = "") -> str:
    """Deterministic readable name of one sweep point (fields in the given order)."""
    parts = [prefix] if prefix else []
    for field, value in overrides.items():
        parts.append(NAME_PREFIX.get(field, "") + format_value(value))
    return "_".join(parts)


def expand_sweep(sweep: dict[str, Any] | None, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Arms for every combination of the sweep grid (empty sweep -> no arms)."""
    if not sweep:
        return {}
    unknown = sorted(set(sweep) - set(ARM_FIELDS))
    if unknown:
        raise SweepError(f"config: sweep fields {unknown} cannot vary per arm; allowed: {list(ARM_FIELDS)}")
    fields = list(sweep)
    for field in fields:
        if not isinstance(sweep[field], list) or not sweep[field]:
            raise SweepError(f"config: sweep.{field} must be a non-empty list of values")
    arms: dict[str, dict[str, Any]] = {}
    for combo in itertools.product(*(sweep[f] for f in fields)):
        overrides = dict(zip(fields, combo, strict=True))
        name = arm_name(overrides, prefix)
        if name in arms:
            raise SweepError(f"config: sweep values {overrides} and {arms[name]} both give arm name {name!r}")
        arms[name] = overrides
    return arms


def all_arms(explicit: dict[str, dict[str, Any]], sweep: dict[str, Any] | None,
             prefix: str = "") -> dict[str, dict[str, Any]]:
    """Explicit arms first, then the sweep's; a name clash or a bad name is an error."""
    arms = {name: dict(over) for name, over in (explicit or {}).items()}
    for name, over in expand_sweep(sweep, prefix).items():
        if name in arms:
            raise SweepError(f"config: sweep arm {name!r} clashes with an explicit arm of the same name; "
                             "rename the explicit arm")
        arms[name] = over
    for name, over in arms.items():
        if not ARM_NAME.match(name):
            raise SweepError(f"config: arm name {name!r} must match [a-z0-9_]+")
        unknown = sorted(set(over) - set(ARM_FIELDS))
        if unknown:
            raise SweepError(f"config: arms.{name} has unknown fields {unknown}; allowed: {list(ARM_FIELDS)}")
    if not arms:
        raise SweepError("config: no GRPO arms; declare at least one under arms: or sweep:")
    return arms


def split_overrides(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reward overrides, grpo overrides) of one arm."""
    reward = {k: v for k, v in overrides.items() if k in REWARD_FIELDS}
    grpo = {k: v for k, v in overrides.items() if k in GRPO_FIELDS}
    return reward, grpo
