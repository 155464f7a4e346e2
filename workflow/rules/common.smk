# Config validation, shared constants and input functions.
import os

from snakemake.utils import validate

# eval.split (one split) became eval.splits (a list); say so instead of the schema's "unexpected property".
if isinstance(config.get("eval"), dict) and "split" in config["eval"]:
    raise ValueError(
        f"config: eval.split was replaced by eval.splits: [{config['eval']['split']}] (a list; every checkpoint "
        "is evaluated on each split, artifacts under results/{lang}/seed{seed}/eval/{split}/)"
    )
validate(config, schema="../schemas/config.schema.yaml")

from pipeline.languages import get_language  # noqa: E402
from pipeline.smk import export_src_path  # noqa: E402
from pipeline.sweeps import all_arms, split_overrides  # noqa: E402
from pipeline.data.world.generate import FAMILIES as WORLD_FAMILIES  # noqa: E402

# Jobs in a conda env (--sdm conda) or on a cluster node import `pipeline` from the repo's src/ (PYTHONPATH).
export_src_path(os.path.dirname(workflow.basedir))

for _lang in config["languages"]:
    get_language(_lang)

LANGS = config["languages"]
SEEDS = config["seeds"]
# Explicit arms merged with the sweep grid (itertools.product; names like lcw0p5_threshold_temp0p7).
ARM_SPECS = all_arms(config.get("arms", {}), config.get("sweep"))
ARMS = list(ARM_SPECS)
RECOVERY_ARMS = config["recovery"]["arms"]
SPLITS = list(config["data"]["splits"])
TRAIN_SPLIT = config["data"]["train_split"]
# SFT warm-start and recovery need reference solutions: they may train on another split than GRPO.
SFT_SPLIT = config["data"].get("sft_split") or TRAIN_SPLIT
EVAL_SPLITS = list(config["eval"].get("splits", ["test"]))
# The irreversibility and trade-off figures show one eval split (never a mix): figures.split or the first.
FIGURE_SPLIT = config.get("figures", {}).get("split") or EVAL_SPLITS[0]
SYNTHETIC = any(s["source"] == "synthetic" for s in config["data"]["splits"].values())
PRETRAIN = config["model"]["base"] == "pretrain"
SFT_ENABLED = config["sft"]["enabled"]
# World families the pretraining corpus shows only with English reasoning (docs/world.md).
ENGLISH_ONLY = list(config["data"].get("world", {}).get("english_only_families") or [])
STORE = config["store"]["path"]
RUN = "results/{lang}/seed{seed}"
# Software environments for `--sdm conda` (paths relative to workflow/rules/*.smk). The GRPO rule uses the vLLM
# environment when the config turns vLLM generation on.
DATA_ENV = "../envs/data.yaml"
TRAIN_ENV = "../envs/train.yaml"
STORE_ENV = "../envs/store.yaml"
GRPO_ENV = "../envs/train_vllm.yaml" if config["grpo"].get("extra_args", {}).get("use_vllm") else TRAIN_ENV

for _name, _check in (
    ("data.train_split", TRAIN_SPLIT in SPLITS),
    ("data.sft_split", SFT_SPLIT in SPLITS),
):
    if not _check:
        raise ValueError(f"config: {_name} names a split not in data.splits ({SPLITS})")
_unknown = [s for s in EVAL_SPLITS if s not in SPLITS]
if _unknown:
    raise ValueError(f"config: eval.splits {_unknown} are not keys of data.splits ({SPLITS}); add them there")
if FIGURE_SPLIT not in EVAL_SPLITS:
    raise ValueError(f"config: figures.split {FIGURE_SPLIT!r} is not one of eval.splits ({EVAL_SPLITS})")
_unknown = sorted(set(RECOVERY_ARMS) - set(ARMS))
if _unknown:
    raise ValueError(f"config: recovery.arms {_unknown} are not GRPO arms ({ARMS})")
if config["grpo"]["batch_size"] * config["grpo"].get("grad_accum", 1) % config["grpo"]["num_generations"]:
    raise ValueError(
        "config: grpo.batch_size x grpo.grad_accum must be a multiple of grpo.num_generations (prompts x group size)"
    )
if (SFT_ENABLED or RECOVERY_ARMS) and config["data"]["splits"][SFT_SPLIT]["source"] == "simplerl":
    raise ValueError(
        f"config: data.sft_split {SFT_SPLIT!r} is SimpleRL-Zoo data, which has no reference solutions to "
        "fine-tune on; point data.sft_split at a gsm8k or math500 split (or set sft.enabled: false and recovery.arms: [])"
    )
_unknown = sorted(set(ENGLISH_ONLY) - set(WORLD_FAMILIES))
if _unknown:
    raise ValueError(f"config: data.world.english_only_families {_unknown} are not world families ({list(WORLD_FAMILIES)})")
if PRETRAIN and not SYNTHETIC:
    raise ValueError("config: model.base 'pretrain' needs a synthetic data split (the pretraining corpus source)")


wildcard_constraints:
    lang="[a-z]{2}",
    seed=r"\d+",
    arm="[a-z0-9_]+",
    split="[A-Za-z0-9_]+",


def run_path(rel, wildcards=None):
    """``results/{lang}/seed{seed}/<rel>``, with lang and seed filled in from ``wildcards`` when given."""
    run = RUN if wildcards is None else RUN.format(lang=wildcards.lang, seed=wildcards.seed)
    return f"{run}/{rel}"


def resources_for(rule_name, key, fallback):
    """Per-rule resources from config['resources'] (rule name, then 'default', then fallback)."""
    res = config.get("resources", {})
    return res.get(rule_name, {}).get(key, res.get("default", {}).get(key, fallback))


def rule_resources(rule_name, mem_mb, runtime, gpu=0):
    """The resources mapping of one rule: mem_mb, runtime (min), gpu and, when configured, slurm_partition.

    A profile's default-resources/set-resources still apply to keys not set here; config wins over the profile
    because rule resources take precedence over default-resources.
    """
    out = {
        "mem_mb": resources_for(rule_name, "mem_mb", mem_mb),
        "runtime": resources_for(rule_name, "runtime", runtime),
    }
    gpus = resources_for(rule_name, "gpu", gpu)
    if gpus:
        out["gpu"] = gpus
    partition = resources_for(rule_name, "slurm_partition", None)
    if partition:
        out["slurm_partition"] = partition
    return out


def trainer_cfg(section):
    """A trainer section with the shared trainer defaults filled in."""
    defaults = {
        "lr_scheduler": "constant", "warmup_steps": 0, "weight_decay": 0.0, "max_grad_norm": 1.0,
        "grad_accum": 1, "gradient_checkpointing": False, "bf16": False, "use_cpu": True,
        "save_steps": 0, "dtype": "float32", "n_train": None,
    }
    return {**defaults, **section}


def recovery_cfg():
    """Recovery fine-tuning settings: the SFT warm-start's, overridden by the recovery section."""
    sft = {k: v for k, v in config["sft"].items() if k != "enabled"}
    rec = {k: v for k, v in config["recovery"].items() if k != "arms"}
    return trainer_cfg({**sft, **rec})


def pretrain_cfg():
    """Pretraining settings, with the world's English-only families (English-reasoning documents only)."""
    return {**config.get("pretrain", {}), "english_only_families": ENGLISH_ONLY}


def reward_spec(arm):
    """The reward shape of one arm: shared reward settings overridden by the arm's."""
    return {**config["reward"], **split_overrides(ARM_SPECS[arm])[0]}


def grpo_cfg(arm):
    """GRPO trainer settings of one arm: the grpo section overridden by the arm's sampling/optimiser fields."""
    return trainer_cfg({**config["grpo"], **split_overrides(ARM_SPECS[arm])[1]})


def base_model(wildcards):
    """Path or hub id of the base model."""
    if PRETRAIN:
        return run_path("base/model", wildcards)
    return config["model"]["base"]


def base_model_input(wildcards):
    return [base_model(wildcards)] if PRETRAIN else []


def grpo_start(wildcards):
    """GRPO starts from the SFT warm-start, or from the base model when the warm-start is off."""
    return run_path("sft/model", wildcards) if SFT_ENABLED else base_model(wildcards)


def grpo_start_input(wildcards):
    return [grpo_start(wildcards)] if SFT_ENABLED or PRETRAIN else []


def translated(split):
    """The target-language records of ``split`` (template backend or real translation)."""
    return f"results/data/{{lang}}/{split}.jsonl"


def checkpoints_for():
    """Checkpoints evaluated per language and seed, in stage order."""
    names = ["base"]
    if SFT_ENABLED:
        names.append("sft")
    names += [f"grpo_{arm}" for arm in ARMS]
    names += [f"recovery_{arm}" for arm in RECOVERY_ARMS]
    return names


def checkpoint_model(wildcards):
    """Model directory (or hub id) of the checkpoint named by ``wildcards.checkpoint``."""
    if wildcards.checkpoint == "base":
        return base_model(wildcards)
    return run_path(f"{wildcards.checkpoint}/model", wildcards)


def checkpoint_model_input(wildcards):
    if wildcards.checkpoint == "base" and not PRETRAIN:
        return []
    return [checkpoint_model(wildcards)]


def checkpoint_stage(checkpoint):
    return checkpoint.split("_", 1)[0]


def checkpoint_arm(checkpoint):
    return checkpoint.split("_", 1)[1] if "_" in checkpoint else None


def translated_outputs():
    return expand("results/data/{lang}/{split}.jsonl", lang=LANGS, split=SPLITS)


def training_outputs():
    out = expand(run_path("grpo_{arm}/run.json"), lang=LANGS, seed=SEEDS, arm=ARMS)
    out += expand(run_path("recovery_{arm}/run.json"), lang=LANGS, seed=SEEDS, arm=RECOVERY_ARMS)
    return out


def eval_cfg(split):
    """Settings of one evaluate job: the eval section without the split list, plus this job's ``split``
    (so adding a split to eval.splits does not change, and re-run, the jobs of the others)."""
    cfg = {k: v for k, v in config["eval"].items() if k != "splits"}
    return {**cfg, "dtype": cfg.get("dtype", "float32"), "split": split}


def eval_outputs(splits=None):
    """Eval summaries of every checkpoint on ``splits`` (default: every eval split)."""
    return expand(run_path("eval/{split}/{checkpoint}.json"), lang=LANGS, seed=SEEDS,
                  split=EVAL_SPLITS if splits is None else splits, checkpoint=checkpoints_for())


def figure_outputs():
    return expand("results/figures/{figure}.{ext}", figure=["drift", "irreversibility", "tradeoff"],
                  ext=["png", "pdf"])


def figure_inputs(wildcards):
    """The artifacts behind each figure's view: a figure re-runs only when these change."""
    if wildcards.figure == "drift":
        return expand(run_path("grpo_{arm}/rollouts.parquet"), lang=LANGS, seed=SEEDS, arm=ARMS)
    return eval_outputs([FIGURE_SPLIT])


def figure_opts():
    """Options of every figure: the figures section, with the eval split the eval figures show."""
    return {**config.get("figures", {}), "split": FIGURE_SPLIT}
