"""What the trainer stages share: LoRA and vLLM switches, resuming from the newest complete checkpoint."""

from __future__ import annotations

import pytest

from pipeline.requirements import MissingDependencyError
from pipeline.train.common import last_checkpoint, lora_config
from pipeline.train.grpo import resolve_extra_args


def test_lora_needs_peft_and_says_how_to_install_it():
    assert lora_config({"lora": None}) is None
    try:
        import peft  # noqa: F401
    except ImportError:
        with pytest.raises(MissingDependencyError, match="pip install peft"):
            lora_config({"lora": {"r": 8}})
    else:  # pragma: no cover - peft installed
        cfg = lora_config({"lora": {"r": 8, "alpha": 16, "dropout": 0.1, "target_modules": ["q_proj"]}})
        assert cfg.r == 8 and cfg.lora_alpha == 16


def test_use_vllm_auto_falls_back_without_vllm():
    try:
        import vllm  # noqa: F401
        have = True
    except ImportError:
        have = False
    extra = resolve_extra_args({"use_vllm": "auto", "vllm_mode": "colocate"})
    assert extra["use_vllm"] is have
    if not have:
        assert "vllm_mode" not in extra
        with pytest.raises(MissingDependencyError, match="train_vllm.yaml"):
            resolve_extra_args({"use_vllm": True})
    with pytest.raises(ValueError, match="true, false or auto"):
        resolve_extra_args({"use_vllm": "yes"})


def test_last_checkpoint_skips_a_checkpoint_killed_while_saving(tmp_path):
    assert last_checkpoint(tmp_path / "missing") is None
    for step, state in ((5, '{"global_step": 5}'), (10, '{"global_step": 10}'), (15, '{"glob')):
        (tmp_path / f"checkpoint-{step}").mkdir()
        (tmp_path / f"checkpoint-{step}" / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoint-20").mkdir()  # killed before trainer_state.json
    assert last_checkpoint(tmp_path) == str(tmp_path / "checkpoint-10")
