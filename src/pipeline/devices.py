"""Where a job computes: one device resolution for evaluation, generation and the training record.

The rule is the trainers' (``TrainingArguments.use_cpu``): the accelerator when one is visible and the config
section does not say ``use_cpu: true``, else the CPU. What was resolved is recorded with every run
(``run.json`` ``device`` / ``dtype`` / ``n_accelerators``, DuckDB ``runs``), so a number computed on a GPU
node can be told from one computed on its CPU.

    >>> resolve(use_cpu=False, dtype="bfloat16", probe=lambda: ("cuda", 4))
    Placement(device='cuda', dtype='bfloat16', n_accelerators=4)
    >>> resolve(use_cpu=True, dtype="float32", probe=lambda: ("cuda", 4)).device
    'cpu'
    >>> resolve(use_cpu=False, dtype="float32", probe=lambda: (None, 0)).device
    'cpu'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

DTYPES = ("float32", "bfloat16", "float16")


@dataclass(frozen=True)
class Placement:
    """The device a job's model and inputs live on, its weights' dtype and how many accelerators it sees."""

    device: str
    dtype: str
    n_accelerators: int

    def record(self) -> dict[str, Any]:
        """The fields every run records (``run.json`` top level, DuckDB ``runs`` columns)."""
        return asdict(self)


def accelerators() -> tuple[str | None, int]:
    """The visible accelerator type (``cuda`` or ``mps``) and how many there are; ``(None, 0)`` on a CPU node."""
    import torch

    if torch.cuda.is_available():
        return "cuda", torch.cuda.device_count()
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps", 1
    return None, 0


def resolve(use_cpu: bool, dtype: str, probe: Callable[[], tuple[str | None, int]] = accelerators) -> Placement:
    """The placement of a job whose section says ``use_cpu`` and ``dtype`` (``probe``: what the node has)."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype {dtype!r} is not one of {DTYPES}")
    kind, count = probe()
    if use_cpu or kind is None:
        return Placement("cpu", dtype, count)
    return Placement(kind, dtype, count)


def model_placement(model: Any, n_accelerators: int = 0) -> Placement:
    """Where ``model`` actually is: the device and dtype of its weights (mixed precision, ``bf16: true``, is
    recorded with the run's params), and the accelerators its job uses."""
    param = next(model.parameters())
    return Placement(param.device.type, str(param.dtype).removeprefix("torch."), int(n_accelerators))


def trainer_placement(trainer: Any) -> Placement:
    """What a Hugging Face / TRL trainer applied: its model's placement and the GPUs it trains on (``n_gpu``)."""
    return model_placement(trainer.model, int(getattr(trainer.args, "n_gpu", 0) or 0))
