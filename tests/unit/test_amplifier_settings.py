"""Amplifier sweeps, rollout controls and decoding-time studies in the effective settings: which arms and eval
jobs a config gets, what each job's params hold, and the config errors raised before any job runs."""

from __future__ import annotations

import copy

import pytest
import yaml

from pipeline.arms import SweepError, amplifier_arms
from pipeline.configfile import ConfigError
from pipeline.settings import Settings, load_config, merge, validate
from support import DEFAULT_CONFIG, MICRO, ROOT

AMPLIFIERS = ROOT / "config" / "sweeps" / "amplifiers.yaml"
CONTROLS = ROOT / "config" / "sweeps" / "controls.yaml"
ROLLOUT = ROOT / "config" / "sweeps" / "rollout_controls.yaml"
ARMS = {"acc": {"lc_weight": 0.0}, "acc_lc": {"lc_weight": 0.5}}


def test_the_value_the_reference_arm_has_is_that_arm_not_a_copy():
    new, points = amplifier_arms({"t": {"enabled": True, "field": "temperature", "values": [0.7, 1.0, 1.3]}},
                                 ARMS, {"temperature": 1.0})
    assert list(new) == ["t_0p7", "t_1p3"] and new["t_1p3"] == {"lc_weight": 0.0, "temperature": 1.3}
    assert [(p["x"], p["arm"]) for p in points["t"]] == [(0.7, "t_0p7"), (1.0, "acc"), (1.3, "t_1p3")]


def test_list_values_need_numeric_x_and_disabled_sweeps_add_nothing():
    spec = {"enabled": True, "field": "train_difficulty", "values": [[1], [3]]}
    with pytest.raises(SweepError, match=r"amplifiers.d needs numeric x for its values \[\[1\], \[3\]\]"):
        amplifier_arms({"d": spec}, ARMS, {})
    new, points = amplifier_arms({"d": {**spec, "x": [1, 3]}}, ARMS, {})
    assert list(new) == ["d_1", "d_3"] and new["d_3"]["train_difficulty"] == [3] and points["d"][1]["x"] == 3.0
    assert amplifier_arms({"d": {**spec, "x": [1, 3], "enabled": False}}, ARMS, {}) == ({}, {})
    with pytest.raises(SweepError, match="x has 1 entries for 2 values"):
        amplifier_arms({"d": {**spec, "x": [1]}}, ARMS, {})
    with pytest.raises(SweepError, match=r"reference 'nope' is not a GRPO arm"):
        amplifier_arms({"d": {**spec, "x": [1, 3], "reference": "nope"}}, ARMS, {})


def test_default_config_trains_no_amplifier_arm_and_the_overlays_add_them():
    assert list(Settings(load_config(DEFAULT_CONFIG)).arms) == ["acc", "acc_lc"]
    s = Settings(load_config(DEFAULT_CONFIG, AMPLIFIERS, CONTROLS, ROLLOUT))
    assert list(s.arms) == ["acc", "acc_bias", "acc_lc", "acc_prefill", "difficulty_1", "difficulty_2",
                            "difficulty_3", "grpo_temperature_0p7", "grpo_temperature_1p3"]
    specs = s.amplifier_specs()
    assert [p["arm"] for p in specs["grpo_temperature"]["points"]] == ["grpo_temperature_0p7", "acc",
                                                                       "grpo_temperature_1p3"]
    assert specs["difficulty"]["label"] == "reasoning steps per GRPO problem"
    # the sweep's arms say what they are in run.json (the findings keep them apart); the reference arm does not
    assert s.grpo("difficulty_2")["amplifier"] == {"sweep": "difficulty", "x": 2.0}
    assert s.grpo("difficulty_2")["train_difficulty"] == [2] and "amplifier" not in s.grpo("acc")
    assert s.grpo("grpo_temperature_1p3")["temperature"] == 1.3
    # a prefilled rollout control carries the openers; a bias does not need them
    assert s.grpo("acc_prefill")["openers"]["ko"] and "openers" not in s.grpo("acc_bias")


def test_decoding_studies_change_only_the_checkpoints_they_study():
    plain = Settings(load_config(DEFAULT_CONFIG))
    studied = Settings(load_config(DEFAULT_CONFIG, CONTROLS))
    for checkpoint in ("base", "grpo_acc_lc", "recovery_acc"):  # unchanged params: nothing re-runs
        assert studied.evaluation("test", checkpoint) == plain.evaluation("test", checkpoint)
    for checkpoint in ("sft", "grpo_acc"):
        cfg = studied.evaluation("test", checkpoint)
        assert cfg["temperatures"] == [0.3, 0.7, 1.0, 1.3] and set(cfg["controls"]) == {"prefill", "script_bias"}
        assert "studies_on" not in cfg and "axis_temperatures" not in cfg and cfg["openers"]["ko"]


def _config(*changes: dict) -> dict:
    config = yaml.safe_load(MICRO.read_text())
    for change in changes:
        config = merge(config, copy.deepcopy(change))
    return config


@pytest.mark.parametrize("change, message", [
    ({"eval": {"studies_on": ["grpo_nope"]}}, "eval.studies_on ['grpo_nope'] are not checkpoints of this config"),
    ({"arms": {"p": {"rollout_control": {"prefill": True}}}, "eval": {"openers": {"zh": "我们"}}},
     "arm 'p' prefills an opener, but eval.openers has none for ['ko']"),
    ({"data": {"splits": {"train": {"source": "gsm8k", "path": "x.jsonl"}}, "sft_split": "test"},
      "arms": {"d": {"train_difficulty": [1]}}}, "arm 'd' sets train_difficulty, but data.train_split 'train' is not"),
    ({"amplifiers": {"t": {"enabled": True, "values": [0.5, 1.0]}}}, "amplifiers.t: 'field' is a required property"),
    ({"amplifiers": {"t": {"enabled": True, "field": "lc_weight", "values": [0.5, 1.0]}}}, "amplifiers.t.field"),
])
def test_bad_studies_and_sweeps_fail_before_any_job(change, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        validate(_config(change))
