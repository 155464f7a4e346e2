"""Config files as data: reading them (YAML errors with file, line and column), merging them as Snakemake does,
the schema check with one short error, and the value rules no schema states (finite numbers, canonical key order).

What each job gets from a validated config is :mod:`pipeline.settings`; this module imports nothing heavy.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


class ConfigError(ValueError):
    """A config the pipeline cannot run; the message names the key and the fix."""



def canonical(value: Any) -> Any:
    """``value`` with every mapping's keys in sorted order (lists keep their order).

    >>> canonical({"n": 120, "source": "synthetic"}) == canonical({"source": "synthetic", "n": 120})
    True
    >>> list(canonical({"b": 1, "a": [{"d": 0, "c": 1}]})["a"][0])
    ['c', 'd']
    """
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def non_finite(value: Any, path: str = "") -> Iterable[str]:
    """Dotted paths of the NaN or infinite floats in a config.

    >>> list(non_finite({"arms": {"lc": {"lc_weight": float("nan")}}, "sweep": {"lr": [1e-4, float("inf")]}}))
    ['arms.lc.lc_weight', 'sweep.lr[1]']
    """
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from non_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from non_finite(item, f"{path}[{i}]")


def schema_validate(config: dict[str, Any]) -> None:
    """The schema check (defaults filled in); a violation is one short :class:`ConfigError` naming the key, not
    Snakemake's dump of the whole schema and config."""
    import jsonschema
    from snakemake.utils import validate as schema_validate
    from snakemake_interface_common.exceptions import WorkflowError

    try:
        schema_validate(config, str(SCHEMA))
    except WorkflowError as err:
        cause = err.__context__  # Snakemake formats the ValidationError into its message; the object is here
        if not isinstance(cause, jsonschema.ValidationError):
            raise
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in cause.absolute_path).lstrip(".")
        message = cause.message if len(cause.message) <= 300 else cause.message[:300] + " ..."
        raise ConfigError(f"config: {where or '(top level)'}: {message} (schema: {SCHEMA.relative_to(REPO)}; "
                          "keys and their meaning: config/README.md)") from None


def check_yaml(path: str | Path) -> dict[str, Any]:
    """Parse one YAML config file; a syntax error is a :class:`ConfigError` naming the file, line and column.

    Snakemake's own message for a ``--configfile`` with a syntax error names neither (it fails before this
    workflow's code runs): ``python -m pipeline.settings FILE...`` points at the spot.
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: YAML syntax error: {err.problem or err.context} (check the indentation, "
                          "brackets and the space after each colon on that line or the one before)") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: YAML syntax error: {err}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save the file as UTF-8") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file must be a mapping of keys at the top level, got "
                          f"{type(data).__name__}")
    return data or {}


def merge(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` merged into a copy of ``base`` key by key for nested mappings, as Snakemake merges config files."""
    out = copy.deepcopy(base)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
