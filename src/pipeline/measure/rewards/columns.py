"""What every reward function does with TRL's dataset columns and logging hooks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def per_item(values: Any, n: int, column: str, required: bool) -> list[Any]:
    """A dataset column as one value per completion: a scalar is broadcast, a list must have ``n`` values.

    >>> per_item("ko", 2, "lang", required=True), per_item(None, 2, "lang", required=False)
    (['ko', 'ko'], [None, None])
    """
    if values is None:
        if required:
            raise ValueError(
                f"reward function needs the dataset column {column!r}; keep it in the GRPO dataset "
                "(GRPOConfig(remove_unused_columns=False)) or pass it explicitly"
            )
        return [None] * n
    if isinstance(values, str) or not isinstance(values, Sequence):
        return [values] * n
    values = list(values)
    if len(values) != n:
        raise ValueError(f"reward column {column!r} has {len(values)} values for {n} completions")
    return values


def mean(xs: Sequence[float]) -> float:
    """The mean, 0.0 for no values (a batch metric must be a number)."""
    return sum(xs) / len(xs) if xs else 0.0


def log_columns(kwargs: dict[str, Any], columns: dict[str, list[Any]]) -> None:
    """Per-completion columns into TRL's completions table (``log_extra``), when TRL passed it."""
    log_extra = kwargs.get("log_extra")
    if callable(log_extra):
        for name, values in columns.items():
            log_extra(name, values)


def log_metrics(kwargs: dict[str, Any], metrics: dict[str, float]) -> None:
    """Batch scalars into TRL's logged metrics (``log_metric``), when TRL passed it."""
    log_metric = kwargs.get("log_metric")
    if callable(log_metric):
        for name, value in metrics.items():
            log_metric(name, value)
