"""The one place that turns a config into what each job gets: its effective settings.

The config schema (workflow/schemas/config.schema.yaml) is the one source of defaults: :func:`validate` fills
them in. Everything derived from the config afterwards happens here and nowhere else:

* trainer sections: ``sft`` and ``grpo`` as validated; ``recovery`` is the ``sft`` section overridden by the
  fields the recovery section sets itself (the schema gives recovery no trainer defaults for that reason);
* GRPO arms: the explicit ``arms:`` merged with the grid of ``sweep:`` (:func:`pipeline.arms.all_arms`); each arm
  overrides reward fields and GRPO sampling/optimiser fields (:mod:`pipeline.arms`);
* the reward spec, eval settings per split, figure options and per-rule resources;
* the pretraining-prior sweep: one full config per mix (:func:`prior_config`).

Nothing here imports a heavy library: Snakemake imports this module at DAG parse time.

    >>> s = Settings(load_config("config/config.yaml"))
    >>> s.recovery()["steps"] == s.sft()["steps"], s.checkpoints()
    (True, ['base', 'sft', 'grpo_acc', 'grpo_acc_lc', 'recovery_acc'])
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline import layout
from pipeline.arms import all_arms, amplifier_arms, split_overrides
from pipeline.configfile import REPO, ConfigError, canonical, check_yaml, merge, non_finite, schema_validate
from pipeline.languages import get_language

# Rules whose threads / mem_mb / runtime / gpu / slurm_partition the config's ``resources:`` may set.
RULES = ("prepare_data", "translate", "pretrain", "sft", "grpo", "recovery", "evaluate", "ingest", "figure",
         "findings", "browser", "prior_config", "prior_sweep_figure", "amplifier_figure")


# -- loading and validation ---------------------------------------------------------------------------------------
def validate(config: dict[str, Any]) -> dict[str, Any]:
    """Check ``config`` against the schema (filling its defaults in place) and the cross-key rules; returns it.

    Afterwards every mapping of ``config`` has its keys in sorted order (:func:`canonical`; ``sweep`` keeps its
    field order, which names the arms): Snakemake compares a job's params by their ``repr``, so two configs that
    differ only in key order give every job the same params (and re-run nothing). The per-job settings below
    merge sections, so they are put in canonical order again.
    """
    # eval.split (one split) became eval.splits (a list); say so instead of the schema's "unexpected property".
    if isinstance(config.get("eval"), dict) and "split" in config["eval"]:
        raise ConfigError(
            f"config: eval.split was replaced by eval.splits: [{config['eval']['split']}] (a list; every checkpoint "
            "is evaluated on each split, artifacts under results/{lang}/seed{seed}/eval/{split}/)"
        )
    bad = list(non_finite(config))
    if bad:
        raise ConfigError(f"config: {', '.join(bad)} must be a finite number (got NaN or infinity; YAML reads "
                          ".nan and .inf as numbers)")
    schema_validate(config)
    Settings(config).check()
    # sweep: its field order names the generated arms (arm_name), so it is kept as written
    ordered = {key: config[key] if key == "sweep" else canonical(config[key]) for key in sorted(config)}
    config.clear()
    config.update(ordered)
    return config


def load_config(*paths: str | Path) -> dict[str, Any]:
    """Config files merged in order (like ``--configfile a b``) and validated; relative paths are taken from the
    repository root when they do not exist from the working directory."""
    config: dict[str, Any] = {}
    for path in paths:
        path = Path(path)
        if not path.exists() and (REPO / path).exists():
            path = REPO / path
        config = merge(config, check_yaml(path))
    return validate(config)


# -- the pretraining-prior sweep ----------------------------------------------------------------------------------
def prior_names(config: dict[str, Any]) -> list[str]:
    """The mixes of ``prior_sweep.mixes``, in config order (empty without a prior sweep)."""
    return list((config.get("prior_sweep") or {}).get("mixes") or {})


def prior_config(config: dict[str, Any], prior: str) -> dict[str, Any]:
    """The full config of one prior's pipeline: ``config`` with ``pretrain.mix`` and ``seeds`` from the sweep
    and without ``prior_sweep`` (a prior's pipeline does not sweep again)."""
    sweep = config.get("prior_sweep") or {}
    mixes = sweep.get("mixes") or {}
    if config["model"]["base"] != "pretrain":
        raise ConfigError("prior_sweep needs model.base: pretrain (the mix is a pretraining knob of the "
                          f"in-pipeline model; this config uses {config['model']['base']!r})")
    if prior not in mixes:
        raise ConfigError(f"prior {prior!r} is not in prior_sweep.mixes ({sorted(mixes)})")
    out = copy.deepcopy(config)
    out["pretrain"]["mix"] = dict(mixes[prior])
    out["seeds"] = list(sweep.get("seeds") or config["seeds"])
    out.pop("prior_sweep", None)
    return {key: out[key] if key == "sweep" else canonical(out[key]) for key in sorted(out)}


def settings_by_root(config: dict[str, Any]) -> dict[str, Settings]:
    """The settings of every results root: the configured experiment's and one per prior-sweep mix."""
    roots = {layout.RESULTS: Settings(config)}
    for prior in prior_names(config):
        roots[layout.prior_root(prior)] = Settings(prior_config(config, prior), layout.prior_root(prior))
    return roots


# -- effective settings of each job ------------------------------------------------------------------------------
class Settings:
    """What every job of one results root gets, derived from a validated config (see the module docstring)."""

    def __init__(self, config: dict[str, Any], root: str = layout.RESULTS) -> None:
        self.config = config
        self.root = root
        self.langs: list[str] = list(config["languages"])
        self.seeds: list[int] = list(config["seeds"])
        self.arms: dict[str, dict[str, Any]] = all_arms(config.get("arms", {}), config.get("sweep"))
        # amplifier sweeps (config amplifiers:, when enabled): one field of a reference arm varied, as more arms
        self.explicit_arms: list[str] = list(self.arms)
        extra, self.amplifiers = amplifier_arms(config.get("amplifiers"), self.arms, config["grpo"])
        self.arms.update(extra)
        self.recovery_arms: list[str] = list(config["recovery"]["arms"])
        data = config["data"]
        self.splits: list[str] = list(data["splits"])
        self.train_split: str = data["train_split"]
        # SFT warm-start and recovery need reference solutions: they may train on another split than GRPO.
        self.sft_split: str = data.get("sft_split") or self.train_split
        self.eval_splits: list[str] = list(config["eval"].get("splits", ["test"]))
        # The eval figures and findings show one eval split (never a mix): figures.split or the first.
        self.figure_split: str = (config.get("figures") or {}).get("split") or self.eval_splits[0]
        self.synthetic: bool = any(s["source"] == "synthetic" for s in data["splits"].values())
        self.pretrained_here: bool = config["model"]["base"] == "pretrain"
        self.sft_enabled: bool = bool(config["sft"]["enabled"])
        # World families the pretraining corpus shows only with English reasoning (docs/world.md).
        self.english_only: list[str] = list((data.get("world") or {}).get("english_only_families") or [])
        self.store: str = self.resolve(config["store"]["path"])
        # the store's path inside its root (store.path is relative to results/), the ingest rule's output
        parts = Path(config["store"]["path"]).parts
        self.store_in_root: str = "/".join(parts[1:]) if parts[:1] == (layout.RESULTS,) else ""

    def resolve(self, path: str) -> str:
        """A config path as seen from the working directory: relative paths are relative to this root's workdir
        (a prior's pipeline keeps its store and caches in ``results/priors/{prior}/``)."""
        return path if Path(path).is_absolute() else layout.workdir_of(self.root) + path

    # -- checks that need more than one key (the schema checks each key alone) --------------------------------
    def check(self) -> None:
        """Raise :class:`ConfigError` for combinations of keys the pipeline cannot run."""
        from pipeline.data.native import config_problems, is_native
        from pipeline.data.world.generate import FAMILIES

        for lang in self.langs:
            get_language(lang)
        for key, values in (("languages", self.langs), ("seeds", self.seeds), ("eval.splits", self.eval_splits),
                            ("recovery.arms", self.recovery_arms),
                            ("prior_sweep.seeds", (self.config.get("prior_sweep") or {}).get("seeds") or [])):
            repeated = sorted({v for v in values if list(values).count(v) > 1}, key=str)
            if repeated:
                raise ConfigError(f"config: {key} lists {repeated} more than once ({list(values)}); each value is "
                                  "one run, list it once")
        store = Path(self.config["store"]["path"])
        if store.is_absolute() or store.parts[0] != layout.RESULTS or ".." in store.parts or len(store.parts) < 2:
            raise ConfigError(f"config: store.path {str(store)!r} must be a relative path inside {layout.RESULTS}/ "
                              "(the store is an output of the DAG, rebuilt when missing); symlink it elsewhere if "
                              "needed")
        for name, split in (("data.train_split", self.train_split), ("data.sft_split", self.sft_split)):
            if split not in self.splits:
                raise ConfigError(f"config: {name} names a split not in data.splits ({self.splits})")
        unknown = [s for s in self.eval_splits if s not in self.splits]
        if unknown:
            raise ConfigError(f"config: eval.splits {unknown} are not keys of data.splits ({self.splits}); add them "
                              "there")
        if self.figure_split not in self.eval_splits:
            raise ConfigError(f"config: figures.split {self.figure_split!r} is not one of eval.splits "
                              f"({self.eval_splits})")
        unknown = sorted(set(self.recovery_arms) - set(self.arms))
        if unknown:
            raise ConfigError(f"config: recovery.arms {unknown} are not GRPO arms ({list(self.arms)})")
        grpo = self.config["grpo"]
        batch, accum, group = grpo["batch_size"], grpo.get("grad_accum", 1), grpo["num_generations"]
        if batch * accum % group:
            raise ConfigError(f"config: grpo.batch_size x grpo.grad_accum = {batch} x {accum} = {batch * accum} "
                              f"must be a multiple of grpo.num_generations = {group} (each prompt's group of "
                              f"completions fills the batch); e.g. batch_size: {group * max(1, batch // group)}")
        source = self.config["data"]["splits"][self.sft_split]["source"]
        if (self.sft_enabled or self.recovery_arms) and source == "simplerl":
            raise ConfigError(
                f"config: data.sft_split {self.sft_split!r} is SimpleRL-Zoo data, which has no reference solutions "
                "to fine-tune on; point data.sft_split at a gsm8k or math500 split (or set sft.enabled: false and "
                "recovery.arms: [])")
        trained = {"data.train_split": self.train_split, "data.sft_split": self.sft_split}
        for problem in config_problems(self.config["data"]["splits"], self.langs, trained):
            raise ConfigError(f"config: {problem}")  # native benchmarks: coverage, eval-only (docs/benchmarks.md)
        self._check_arm_fields()
        unknown = sorted(set(self.config["eval"].get("studies_on") or []) - set(self.checkpoints()))
        if unknown:
            raise ConfigError(f"config: eval.studies_on {unknown} are not checkpoints of this config "
                              f"({self.checkpoints()})")
        unknown = sorted(set(self.english_only) - set(FAMILIES))
        if unknown:
            raise ConfigError(f"config: data.world.english_only_families {unknown} are not world families "
                              f"({list(FAMILIES)})")
        if self.pretrained_here and not self.synthetic:
            raise ConfigError("config: model.base 'pretrain' needs a synthetic data split (the pretraining corpus "
                              "source)")
        if self.config["translation"]["backend"] == "template":
            needs = [name for name, split in self.config["data"]["splits"].items()
                     if split["source"] != "synthetic" and not is_native(split)]
            if needs:
                raise ConfigError(
                    f"config: translation.backend 'template' translates only synthetic splits (from the world's "
                    f"parallel text); data.splits {needs} are not synthetic: set translation.backend to "
                    "deep_translator or hf, or use a native benchmark source (docs/benchmarks.md)")

    def _check_arm_fields(self) -> None:
        """Arm fields that need something else of the config: difficulties need world records, a prefilled
        rollout control an opener per language."""
        openers = self.config["eval"].get("openers") or {}
        for arm, over in self.arms.items():
            if "train_difficulty" in over and self.config["data"]["splits"][self.train_split]["source"] != "synthetic":
                raise ConfigError(f"config: arm {arm!r} sets train_difficulty, but data.train_split "
                                  f"{self.train_split!r} is not synthetic (only world records have a difficulty)")
            if (over.get("rollout_control") or {}).get("prefill"):
                missing = [lang for lang in self.langs if not openers.get(lang)]
                if missing:
                    raise ConfigError(f"config: arm {arm!r} prefills an opener, but eval.openers has none for "
                                      f"{missing}; add one phrase per language")

    # -- checkpoints -------------------------------------------------------------------------------------------
    def checkpoints(self) -> list[str]:
        """Checkpoints evaluated per language and seed, in stage order."""
        names = [layout.checkpoint_name("base")]
        if self.sft_enabled:
            names.append(layout.checkpoint_name("sft"))
        names += [layout.checkpoint_name("grpo", arm) for arm in self.arms]
        names += [layout.checkpoint_name("recovery", arm) for arm in self.recovery_arms]
        return names

    def trained_checkpoints(self) -> list[str]:
        """Checkpoints trained by this pipeline (each has a run.json and a train log): the base model only when it
        is pretrained here."""
        return [c for c in self.checkpoints() if c != layout.checkpoint_name("base") or self.pretrained_here]

    def run_ids(self) -> list[str]:
        """Every run id this config produces, training and eval (the store's ``config_runs``)."""
        cells = [(lang, seed) for lang in self.langs for seed in self.seeds]
        ids = [layout.run_id(lang, seed, c) for lang, seed in cells for c in self.trained_checkpoints()]
        ids += [layout.eval_run_id(lang, seed, c, split) for lang, seed in cells for c in self.checkpoints()
                for split in self.eval_splits]
        return ids

    def grpo_start(self) -> str:
        """The checkpoint GRPO starts from: the SFT warm-start, or the base model when it is off."""
        return layout.checkpoint_name("sft" if self.sft_enabled else "base")

    # -- per-job settings (recorded as the job's params in run.json) ------------------------------------------
    def pretrain(self) -> dict[str, Any]:
        """Pretraining settings, with the world's English-only families (English-reasoning documents only)."""
        return canonical({**self.config.get("pretrain", {}), "english_only_families": self.english_only})

    def sft(self) -> dict[str, Any]:
        """The SFT warm-start's trainer settings (the validated ``sft`` section)."""
        return canonical(dict(self.config["sft"]))

    def recovery(self) -> dict[str, Any]:
        """Recovery fine-tuning: the SFT warm-start's settings, overridden by what the recovery section sets."""
        sft = {k: v for k, v in self.config["sft"].items() if k != "enabled"}
        own = {k: v for k, v in self.config["recovery"].items() if k != "arms"}
        return canonical({**sft, **own})

    def grpo(self, arm: str) -> dict[str, Any]:
        """GRPO trainer settings of one arm: the ``grpo`` section overridden by the arm's GRPO fields; an arm with
        a prefilled rollout control also gets the openers (``eval.openers``)."""
        cfg = {**self.config["grpo"], **split_overrides(self.arms[arm])[1]}
        if (cfg.get("rollout_control") or {}).get("prefill"):
            cfg["openers"] = dict(self.config["eval"]["openers"])
        for sweep, points in self.amplifiers.items():  # recorded in run.json: the findings keep these arms apart
            for p in points:
                if p["arm"] == arm and arm not in self.explicit_arms:
                    cfg["amplifier"] = {"sweep": sweep, "x": p["x"]}
        return canonical(cfg)

    def reward(self, arm: str) -> dict[str, Any]:
        """The reward shape of one arm: the shared ``reward`` section overridden by the arm's reward fields."""
        return canonical({**self.config["reward"], **split_overrides(self.arms[arm])[0]})

    def evaluation(self, split: str, checkpoint: str | None = None) -> dict[str, Any]:
        """Settings of one evaluate job: the eval section without the split list, plus this job's ``split``
        (so adding a split to eval.splits does not change, and re-run, the jobs of the others).

        The decoding-time studies (``eval.controls`` and the extra ``eval.axis_temperatures``) apply to the
        checkpoints of ``eval.studies_on`` (all when null): every other checkpoint's job gets neither, nor the
        openers, so turning the studies on re-runs only the evaluations they change."""
        cfg = {k: v for k, v in self.config["eval"].items() if k != "splits"}
        on = cfg.pop("studies_on", None)
        extra = cfg.pop("axis_temperatures", None) or []
        studied = on is None or checkpoint is None or checkpoint in on
        if extra and studied:
            cfg["temperatures"] = sorted({*cfg["temperatures"], *extra})
        if not cfg.get("controls") or not studied:  # no control here: the openers are unused (and change no job)
            cfg.pop("controls", None)
            cfg.pop("openers", None)
        return canonical({**cfg, "split": split})

    def amplifier_specs(self) -> dict[str, dict[str, Any]]:
        """Every enabled amplifier sweep: its field, x-axis label and points ``{"x", "value", "arm"}``."""
        cfg = self.config.get("amplifiers") or {}
        return {name: canonical({"field": cfg[name]["field"], "label": cfg[name].get("label") or cfg[name]["field"],
                                 "points": points}) for name, points in self.amplifiers.items()}

    def figure_options(self) -> dict[str, Any]:
        """Options of every figure: the figures section, with the eval split the eval figures show."""
        return canonical({**(self.config.get("figures") or {}), "split": self.figure_split})

    def translation(self) -> dict[str, Any]:
        """The translation section, its cache directory resolved against this root's workdir."""
        cfg = dict(self.config["translation"])
        if cfg.get("cache_dir"):
            cfg["cache_dir"] = self.resolve(cfg["cache_dir"])
        return canonical(cfg)

    # -- resources -----------------------------------------------------------------------------------------------
    def resource(self, rule: str, key: str, fallback: Any) -> Any:
        """Per-rule resource from ``resources`` (the rule's entry, then ``default``, then ``fallback``)."""
        res = self.config.get("resources") or {}
        return res.get(rule, {}).get(key, res.get("default", {}).get(key, fallback))

    def resources(self, rule: str, mem_mb: int, runtime: int, gpu: int = 0) -> dict[str, Any]:
        """The resources mapping of one rule: mem_mb, runtime (min), gpu and, when configured, slurm_partition.

        A profile's default-resources/set-resources still apply to keys not set here; config wins over the
        profile because rule resources take precedence over default-resources.
        """
        out: dict[str, Any] = {"mem_mb": self.resource(rule, "mem_mb", mem_mb),
                               "runtime": self.resource(rule, "runtime", runtime)}
        gpus = self.resource(rule, "gpu", gpu)
        if gpus:
            out["gpu"] = gpus
        partition = self.resource(rule, "slurm_partition", None)
        if partition:
            out["slurm_partition"] = partition
        return out


def every_job(settings: Settings) -> Iterable[tuple[str, dict[str, Any]]]:
    """``(job, settings)`` for every training and evaluation job of one root, without running anything:
    ``sft``, ``grpo/{arm}``, ``recovery/{arm}``, ``evaluate/{split}`` (what an audit of a config looks at)."""
    if settings.sft_enabled:
        yield "sft", settings.sft()
    for arm in settings.arms:
        yield f"grpo/{arm}", settings.grpo(arm)
    for arm in settings.recovery_arms:
        yield f"recovery/{arm}", settings.recovery()
    for split in settings.eval_splits:
        if settings.config["eval"].get("studies_on") is None:  # every checkpoint gets the same settings
            yield f"evaluate/{split}", settings.evaluation(split)
            continue
        for checkpoint in settings.checkpoints():
            yield f"evaluate/{split}/{checkpoint}", settings.evaluation(split, checkpoint)


def main(argv: list[str] | None = None) -> int:
    """CLI: every job's effective settings for config files merged in order, as JSON (nothing runs)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m pipeline.settings", description=main.__doc__)
    parser.add_argument("configs", nargs="+", help="config files, merged in order like --configfile a b")
    args = parser.parse_args(argv)
    try:
        s = Settings(load_config(*args.configs))
    except ConfigError as err:
        parser.exit(2, f"error: {err}\n")
    print(json.dumps(dict(every_job(s)), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
