"""The config files shipped under config/ and .test/: each passes the schema, alone and with every overlay."""

from __future__ import annotations

import pytest
import yaml

from pipeline.settings import Settings, load_config
from support import CPU_LAB_ONLY, ROOT, SCENARIOS

PAPER = sorted((ROOT / "config").glob("paper_*.yaml"))
MODELS = sorted((ROOT / "config" / "models").glob("*.yaml"))
SWEEPS = sorted((ROOT / "config" / "sweeps").glob("*.yaml"))
PAPER_SWEEPS = [p for p in SWEEPS if p.name not in CPU_LAB_ONLY]
HUB_IDS = {"Qwen/Qwen2.5-1.5B-Instruct", "meta-llama/Llama-3.2-3B-Instruct", "allenai/OLMo-2-0425-1B-Instruct"}


def test_paper_configs_exist_for_both_datasets_and_all_models():
    assert {p.name for p in PAPER} == {"paper_gsm8k.yaml", "paper_simplerl.yaml"}
    bases = {yaml.safe_load(p.read_text())["model"]["base"] for p in PAPER + MODELS}
    assert bases == HUB_IDS


@pytest.mark.parametrize("paper", PAPER, ids=lambda p: p.stem)
@pytest.mark.parametrize("overlay", [None, *MODELS, *PAPER_SWEEPS], ids=lambda p: p.stem if p else "alone")
def test_paper_config_and_overlays_pass_the_schema(paper, overlay):
    cfg = load_config(paper, *([overlay] if overlay else []))
    assert cfg["languages"] == ["zh", "ko", "uk"]
    assert cfg["model"]["base"] in HUB_IDS and cfg["prompt"]["style"] == "chat"
    assert "{language}" in cfg["prompt"]["system"]
    assert cfg["translation"]["backend"] == "deep_translator"
    for section in ("sft", "grpo"):
        assert cfg[section]["bf16"] and cfg[section]["gradient_checkpointing"] and not cfg[section]["use_cpu"]
        assert cfg[section]["dtype"] == "bfloat16" and cfg[section]["save_steps"] > 0
    raw = yaml.safe_load(paper.read_text())["grpo"]
    for field in ("num_generations", "lr", "beta", "loss_type", "max_completion_length", "temperature"):
        assert field in raw, f"{paper.name}: grpo.{field} must be explicit"
    assert raw["extra_args"]["vllm_mode"] == "colocate"
    sft_split = cfg["data"]["splits"][cfg["data"]["sft_split"]]
    assert sft_split["source"] in ("gsm8k", "math500"), "SFT needs reference solutions"
    assert cfg["resources"]["grpo"]["gpu"] == 1
    # every checkpoint on translated GSM8K test and MATH500 in the same run (no eval overlay, no retraining)
    assert cfg["eval"]["splits"] == ["test", "math500"] and "split" not in cfg["eval"]
    assert cfg["data"]["splits"]["math500"]["source"] == "math500"
    assert cfg["data"]["splits"]["test"]["source"] == "gsm8k" and cfg["figures"]["split"] == "test"


@pytest.mark.parametrize("overlay", [None, *sorted(SCENARIOS.glob("config_*/config.yaml"))],
                         ids=lambda p: p.parent.name if p else "micro")
def test_test_scenarios_are_overlays_of_the_micro_config(overlay):
    paths = [SCENARIOS / "config_micro" / "config.yaml", *([overlay] if overlay else [])]
    s = Settings(load_config(*paths))
    assert s.langs == ["ko"] and s.pretrained_here and s.checkpoints()[0] == "base"
