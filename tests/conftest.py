"""Shared fixtures. Test modules import paths and helpers from ``support`` (this directory is on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.data import world
from pipeline.jsonl import write_jsonl
from pipeline.runinfo import RunInfo
from pipeline.settings import Settings, load_config
from pipeline.train.pretrain import run_pretrain
from pipeline.train.sft import run_sft
from support import MICRO, PROMPT


@pytest.fixture(scope="session")
def micro() -> Settings:
    """The effective settings of the micro test config (.test/config_micro), as the workflow computes them."""
    return Settings(load_config(MICRO))


@pytest.fixture(scope="session")
def lab(tmp_path_factory, micro: Settings) -> Path:
    """A micro world, Korean train/test records and a base model pretrained with the micro config's settings."""
    root = tmp_path_factory.mktemp("lab")
    knobs = {"min_steps": 2, "max_steps": 2, "max_value": 30}
    world.write_world(root / "source", {"train": {"n": 80}, "test": {"n": 8}}, seed=5, languages=["en", "ko"], **knobs)
    for split, n in (("train", 80), ("test", 8)):
        items = world.generate_items(n, split, seed=5, **knobs)
        write_jsonl(root / f"ko_{split}.jsonl", [world.to_record(it, "ko") for it in items])
    cfg = micro.pretrain()
    cfg = {**cfg, "n_docs": 300, "train": {**cfg["train"], "steps": 30}}
    run_pretrain(root / "source" / "parallel.jsonl", root / "base", "ko", 0, cfg, PROMPT["template"], threads=2)
    return root


@pytest.fixture(scope="session")
def sft_dir(lab: Path, micro: Settings) -> Path:
    """The lab's base model after the micro config's SFT warm-start (2 steps)."""
    out = lab / "sft"
    info = RunInfo("ko/seed0/sft", "sft", "ko", 0, {}, parent_run_id="ko/seed0/base")
    run_sft(str(lab / "base" / "model"), lab / "ko_train.jsonl", out, info, micro.sft(), PROMPT, threads=2)
    return out
