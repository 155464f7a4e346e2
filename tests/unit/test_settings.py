"""Effective settings of every job from a config (pipeline.settings): one source of defaults, recovery inheriting
the SFT warm-start's settings, GRPO arms and sweeps, the prior sweep's configs, and the schema's registries."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from pipeline import layout, settings
from pipeline.arms import ARM_FIELDS, SweepError, all_arms, expand_sweep, split_overrides
from pipeline.measure.rewards import LC_VARIANTS
from pipeline.settings import ConfigError, Settings, every_job, load_config, prior_config
from support import DEFAULT_CONFIG, MICRO, ROOT, RUNNABLE_CONFIGS

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
CONFIGS = RUNNABLE_CONFIGS
TRAINER_FIELDS = tuple(SCHEMA["$defs"]["trainer"]["properties"])


def config_id(paths: tuple) -> str:
    return "+".join(p.stem if p.parent.name != "config_micro" else "micro" for p in paths)


@pytest.mark.parametrize("paths", CONFIGS, ids=config_id)
def test_recovery_gets_the_sft_settings_wherever_its_section_is_silent(paths):
    raw: dict = {}
    for path in paths:  # what the files say, before the schema fills anything in
        raw = settings.merge(raw, yaml.safe_load(path.read_text()))
    s = Settings(load_config(*paths))
    recovery, sft = s.recovery(), s.sft()
    own = raw.get("recovery", {})
    for field in TRAINER_FIELDS:
        expected = own[field] if field in own else sft[field]
        assert recovery[field] == expected, f"recovery.{field}: {recovery[field]!r} != {expected!r}"
    assert set(recovery) == set(sft) - {"enabled"} | set(own) - {"arms"}


def test_paper_recovery_trains_like_the_warm_start_on_a_gpu():
    """The bug this module fixed: schema defaults filled into `recovery` used to overwrite every SFT value."""
    r = Settings(load_config("config/paper_gsm8k.yaml")).recovery()
    assert (r["use_cpu"], r["bf16"], r["dtype"], r["gradient_checkpointing"]) == (False, True, "bfloat16", True)
    assert (r["grad_accum"], r["lr_scheduler"], r["warmup_steps"], r["save_steps"]) == (4, "cosine", 10, 50)
    assert r["steps"] == 100 and r["lr"] == 1.0e-5  # its own steps, the warm-start's learning rate


def test_schema_is_the_one_source_of_trainer_defaults():
    defaults = SCHEMA["$defs"]["trainer_defaults"]["properties"]
    assert all("default" not in spec for spec in SCHEMA["$defs"]["trainer"]["properties"].values())
    assert set(defaults) <= set(TRAINER_FIELDS)
    s = Settings(load_config(MICRO))
    for field, spec in defaults.items():
        if field not in yaml.safe_load(MICRO.read_text())["sft"]:
            assert s.sft()[field] == spec["default"], field
    recovery_schema = SCHEMA["properties"]["recovery"]["allOf"]
    assert {"$ref": "#/$defs/trainer_defaults"} not in recovery_schema  # silent means "as sft"


def test_every_job_lists_training_and_evaluation_settings():
    jobs = dict(every_job(Settings(load_config("config/paper_gsm8k.yaml"))))
    assert list(jobs) == ["sft", "grpo/acc", "grpo/acc_lc", "recovery/acc", "evaluate/test", "evaluate/math500"]
    assert jobs["grpo/acc"]["bf16"] and jobs["evaluate/math500"]["split"] == "math500"
    assert "splits" not in jobs["evaluate/test"] and jobs["evaluate/test"]["dtype"] == "bfloat16"


def test_arm_overrides_reach_grpo_and_reward_settings():
    cfg = load_config(MICRO)
    cfg["arms"] = {"hot": {"lc_weight": 0.5, "temperature": 1.3, "lr": 2e-4}}
    cfg["recovery"]["arms"] = []
    s = Settings(cfg)
    assert s.grpo("hot")["temperature"] == 1.3 and s.grpo("hot")["lr"] == 2e-4
    assert s.reward("hot")["lc_weight"] == 0.5 and "temperature" not in s.reward("hot")
    assert s.checkpoints() == ["base", "sft", "grpo_hot"]


def test_sweep_expands_to_named_arms_merged_with_explicit_arms():
    sweep = {"lc_weight": [0.0, 0.25], "lc_variant": ["proportional", "threshold"], "temperature": [0.7, 1.0]}
    arms = all_arms({"acc": {"lc_weight": 0.0}}, sweep)
    assert len(arms) == 1 + 8 and list(arms)[0] == "acc"
    assert arms["lcw0p25_threshold_temp0p7"] == {"lc_weight": 0.25, "lc_variant": "threshold", "temperature": 0.7}
    assert all(re.fullmatch(layout.ARM, name) for name in arms)
    assert list(expand_sweep(sweep)) == list(expand_sweep(dict(sweep)))  # deterministic order
    reward, grpo = split_overrides(arms["lcw0p0_proportional_temp1p0"])
    assert reward == {"lc_weight": 0.0, "lc_variant": "proportional"} and grpo == {"temperature": 1.0}


@pytest.mark.parametrize(("explicit", "sweep", "message"), [
    ({}, {"lr_scheduler": ["cosine"]}, "cannot vary per arm"),
    ({"lcw0p5": {"lc_weight": 0.1}}, {"lc_weight": [0.5]}, "clashes"),
    ({}, {}, "no GRPO arms"),
    ({"Bad": {"lc_weight": 0.1}}, None, "[a-z0-9_]+"),
    ({}, {"lc_weight": []}, "non-empty list"),
])
def test_bad_sweeps_are_rejected(explicit, sweep, message):
    with pytest.raises(SweepError, match=re.escape(message)):
        all_arms(explicit, sweep)


def test_prior_config_swaps_only_the_mix_and_seeds():
    config = load_config(DEFAULT_CONFIG)
    assert len(config["prior_sweep"]["mixes"]) >= 3
    for name, mix in config["prior_sweep"]["mixes"].items():
        out = prior_config(config, name)
        assert out["pretrain"]["mix"] == mix
        assert out["seeds"] == config["prior_sweep"]["seeds"]
        assert "prior_sweep" not in out
        assert {k: v for k, v in out.items() if k not in ("pretrain", "seeds")} == \
            {k: v for k, v in config.items() if k not in ("pretrain", "seeds", "prior_sweep")}
        assert {k: v for k, v in out["pretrain"].items() if k != "mix"} == \
            {k: v for k, v in config["pretrain"].items() if k != "mix"}
    assert config["pretrain"]["mix"] == yaml.safe_load(DEFAULT_CONFIG.read_text())["pretrain"]["mix"]
    with pytest.raises(ConfigError, match="not in prior_sweep.mixes"):
        prior_config(config, "en99")
    with pytest.raises(ConfigError, match="model.base: pretrain"):
        prior_config({**config, "model": {"base": "Qwen/Qwen2.5-1.5B-Instruct"}}, "en88")


def test_each_prior_root_keeps_its_store_and_caches_in_its_own_directory():
    roots = settings.settings_by_root(load_config(DEFAULT_CONFIG))
    assert sorted(roots) == sorted(["results", *(layout.prior_root(p) for p in ("en88", "en70", "en50"))])
    en70 = roots[layout.prior_root("en70")]
    assert en70.store == "results/priors/en70/results/collapse.duckdb"
    assert en70.translation()["cache_dir"] == "results/priors/en70/results/cache/translation"
    assert en70.pretrain()["mix"] == {"en_en": 0.70, "tgt_tgt": 0.26, "tgt_en": 0.04}
    assert roots["results"].store == "results/collapse.duckdb"


@pytest.mark.parametrize(("change", "message"), [
    ({"data": {"train_split": "nope"}}, "data.train_split names a split not in data.splits"),
    ({"recovery": {"arms": ["nope"]}}, "recovery.arms ['nope'] are not GRPO arms"),
    ({"grpo": {"batch_size": 6}}, "multiple of grpo.num_generations"),
    ({"eval": {"splits": ["test", "dev"]}}, "eval.splits ['dev'] are not keys of data.splits"),
    ({"figures": {"split": "train"}}, "figures.split 'train' is not one of eval.splits"),
    ({"data": {"world": {"english_only_families": ["cooking"]}}}, "not world families"),
    # native benchmarks (docs/benchmarks.md): coverage of every target language, evaluation only
    ({"languages": ["uk"], "data": {"splits": {"bench": {"source": "mmath", "path": "x"}}}},
     "data.splits.bench (source mmath, MMATH) does not cover target language(s) uk; it covers ar, en, es, fr, ja, "
     "ko, pt, th, vi, zh"),
    ({"data": {"splits": {"mgsm": {"source": "mgsm"}}}},
     "data.splits.mgsm (source mgsm, MGSM) does not cover target language(s) ko; it covers bn, de, en, es, fr"),
    ({"data": {"train_split": "mm", "splits": {"mm": {"source": "mmath"}}}},
     "data.train_split 'mm' is a native MMATH split, which is evaluation-only"),
    ({"data": {"sft_split": "pm", "splits": {"pm": {"source": "polymath"}}}},
     "data.sft_split 'pm' is a native PolyMath split, which is evaluation-only"),
    ({"data": {"splits": {"mm": {"source": "mmath", "levels": ["low"]}}}}, "levels apply to polymath only"),
    # issue 14: the numbers of a bad batch, non-finite numbers (naming the arm), repeated seeds, a translator that
    # cannot translate a split, a store outside the results tree
    ({"grpo": {"batch_size": 6}}, "grpo.batch_size x grpo.grad_accum = 6 x 1 = 6 must be a multiple of "
     "grpo.num_generations = 4"),
    ({"arms": {"acc_lc": {"lc_weight": float("nan")}}}, "config: arms.acc_lc.lc_weight must be a finite number"),
    ({"arms": {"acc_lc": {"lc_weight": float("inf")}}}, "config: arms.acc_lc.lc_weight must be a finite number"),
    ({"sweep": {"lc_weight": [0.5, float("-inf")]}}, "config: sweep.lc_weight[1] must be a finite number"),
    ({"seeds": [0, 1, 0]}, "config: seeds lists [0] more than once ([0, 1, 0])"),
    ({"languages": ["ko", "ko"]}, "config: languages lists ['ko'] more than once"),
    ({"data": {"splits": {"gsm": {"source": "gsm8k", "path": "x.jsonl"}}}},
     "translation.backend 'template' translates only synthetic splits (from the world's parallel text); "
     "data.splits ['gsm'] are not synthetic"),
    ({"store": {"path": "/tmp/elsewhere.duckdb"}}, "store.path '/tmp/elsewhere.duckdb' must be a relative path inside "
     "results/"),
    ({"store": {"path": "db/collapse.duckdb"}}, "store.path 'db/collapse.duckdb' must be a relative path inside"),
])
def test_cross_key_problems_are_config_errors(change, message):
    config = settings.merge(yaml.safe_load(MICRO.read_text()), change)
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings.validate(config)


def test_a_native_benchmark_covering_every_target_language_is_an_eval_split():
    change = {"data": {"splits": {"pm": {"source": "polymath", "levels": ["low"], "limit": 10}}},
              "eval": {"splits": ["test", "pm"]}}
    s = Settings(settings.validate(settings.merge(yaml.safe_load(MICRO.read_text()), change)))
    assert s.eval_splits == ["test", "pm"] and s.train_split == "train"


def test_schema_registries_match_the_code():
    """Facts the JSON schema must repeat (it cannot import Python) are checked against their one definition."""
    assert tuple(SCHEMA["$defs"]["arm"]["properties"]) == ARM_FIELDS
    assert tuple(SCHEMA["properties"]["sweep"]["properties"]) == ARM_FIELDS
    assert SCHEMA["properties"]["arms"]["propertyNames"]["pattern"] == f"^{layout.ARM}$"
    assert SCHEMA["properties"]["data"]["properties"]["splits"]["propertyNames"]["pattern"] == f"^{layout.SPLIT}$"
    mixes = SCHEMA["properties"]["prior_sweep"]["properties"]["mixes"]
    assert mixes["propertyNames"]["pattern"] == f"^{layout.PRIOR}$"
    assert SCHEMA["properties"]["resources"]["propertyNames"]["enum"] == ["default", *settings.RULES]
    amplifiers = SCHEMA["properties"]["amplifiers"]
    assert amplifiers["propertyNames"]["pattern"] == f"^{layout.AMPLIFIER}$"
    assert set(amplifiers["additionalProperties"]["properties"]["field"]["enum"]) <= set(ARM_FIELDS)
    assert tuple(SCHEMA["$defs"]["lc_variant"]["enum"]) == LC_VARIANTS
    rules = set()
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        rules |= set(re.findall(r'S\.resources\("(\w+)"', path.read_text()))
    assert rules == set(settings.RULES)


def test_cli_prints_every_job_s_settings(capsys):
    assert settings.main(["config/paper_gsm8k.yaml", "config/models/olmo2_1b.yaml"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert jobs["recovery/acc"]["grad_accum"] == 4 and jobs["recovery/acc"]["steps"] == 100
    assert set(jobs) == {"sft", "grpo/acc", "grpo/acc_lc", "recovery/acc", "evaluate/test", "evaluate/math500"}


def test_a_schema_error_is_one_short_line_naming_the_key():
    config = settings.merge(yaml.safe_load(MICRO.read_text()), {"grpo": {"batch_sizee": 8}})
    with pytest.raises(ConfigError) as err:
        settings.validate(config)
    message = str(err.value)
    assert message.startswith("config: grpo: ") and "'batch_sizee' was unexpected" in message
    assert len(message) < 400 and "\n" not in message  # not Snakemake's dump of the whole schema and config


def test_a_yaml_syntax_error_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("languages: [ko]\nseeds: [0, 1\neval: {splits: [test]}\n")
    with pytest.raises(ConfigError, match=re.escape(f"{bad}:3:5: YAML syntax error")):
        settings.check_yaml(bad)
    with pytest.raises(ConfigError, match="bad.yaml:3:5"):
        load_config(bad)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("experiment: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="latin1.yaml: not UTF-8 text"):
        settings.check_yaml(latin1)


def test_key_order_does_not_change_any_job_s_settings(tmp_path):
    """Snakemake compares params by repr: a config with its keys reordered must give every job the same repr."""
    def reverse(node):
        if isinstance(node, dict):
            return {k: reverse(node[k]) for k in reversed(list(node))}
        return [reverse(v) for v in node] if isinstance(node, list) else node

    raw = yaml.safe_load(DEFAULT_CONFIG.read_text())
    flipped = tmp_path / "flipped.yaml"
    flipped.write_text(yaml.safe_dump(reverse(raw), sort_keys=False))
    a, b = Settings(load_config(DEFAULT_CONFIG)), Settings(load_config(flipped))
    assert [repr(job) for job in every_job(a)] == [repr(job) for job in every_job(b)]
    assert repr(a.pretrain()) == repr(b.pretrain()) and repr(a.translation()) == repr(b.translation())
    assert repr(a.config["data"]["splits"]) == repr(b.config["data"]["splits"])
    assert repr(prior_config(a.config, "en70")) == repr(prior_config(b.config, "en70"))


def test_run_ids_name_every_training_and_eval_run_of_the_config():
    s = Settings(load_config(MICRO))
    ids = s.run_ids()
    assert "ko/seed0/base" in ids and "ko/seed0/grpo_acc_lc" in ids and "ko/seed0/recovery_acc/eval/test" in ids
    assert len(ids) == len(set(ids)) == 5 + 5  # five trained checkpoints, five evaluated on one split


def test_eval_controls_reach_the_evaluate_job_only_when_configured():
    """Without eval.controls the evaluate job's settings carry neither controls nor openers (an existing results
    tree re-runs nothing); with them, both."""
    plain = Settings(load_config(MICRO)).evaluation("test")
    assert "controls" not in plain and "openers" not in plain
    config = settings.merge(yaml.safe_load(MICRO.read_text()), {"eval": {"controls": {"pf": {"prefill": True}}}})
    cfg = Settings(settings.validate(config)).evaluation("test")
    assert cfg["controls"] == {"pf": {"prefill": True, "script_bias": 0.0, "latin_penalty": 0.0}}
    assert cfg["openers"]["ko"] and cfg["openers"]["th"]
    with pytest.raises(ConfigError, match="eval.controls"):
        settings.validate(settings.merge(yaml.safe_load(MICRO.read_text()),
                                         {"eval": {"controls": {"bad+name": {"prefill": True}}}}))
