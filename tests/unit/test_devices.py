"""Device resolution: the accelerator when visible and the section does not say use_cpu, else the CPU."""

from __future__ import annotations

import pytest
import torch

from pipeline.devices import Placement, accelerators, model_placement, resolve


def test_cuda_node_resolves_to_cuda_with_every_visible_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert accelerators() == ("cuda", 2)
    assert resolve(use_cpu=False, dtype="bfloat16") == Placement("cuda", "bfloat16", 2)
    assert resolve(use_cpu=True, dtype="float32") == Placement("cpu", "float32", 2)


def test_this_cpu_node_resolves_to_cpu():
    assert not torch.cuda.is_available()
    assert resolve(use_cpu=False, dtype="float32").device in ("cpu", "mps")
    with pytest.raises(ValueError, match="dtype 'fp8'"):
        resolve(use_cpu=False, dtype="fp8")


def test_model_placement_reads_the_weights():
    model = torch.nn.Linear(2, 2).to(torch.bfloat16)
    assert model_placement(model, 1).record() == {"device": "cpu", "dtype": "bfloat16", "n_accelerators": 1}
