# Config validation, shared constants and input functions.
import json

from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

from pipeline.languages import get_language  # noqa: E402

for _lang in config["languages"]:
    get_language(_lang)

LANGS = config["languages"]
SEEDS = config["seeds"]
ARMS = list(config["arms"])
RECOVERY_ARMS = config["recovery"]["arms"]
SPLITS = list(config["data"]["splits"])
TRAIN_SPLIT = config["data"]["train_split"]
EVAL_SPLIT = config["eval"]["split"]
SYNTHETIC = any(s["source"] == "synthetic" for s in config["data"]["splits"].values())
PRETRAIN = config["model"]["base"] == "pretrain"
SFT_ENABLED = config["sft"]["enabled"]
STORE = config["store"]["path"]
RUN = "results/{lang}/seed{seed}"

for _name, _check in (
    ("data.train_split", TRAIN_SPLIT in SPLITS),
    ("eval.split", EVAL_SPLIT in SPLITS),
):
    if not _check:
        raise ValueError(f"config: {_name} names a split not in data.splits ({SPLITS})")
_unknown = sorted(set(RECOVERY_ARMS) - set(ARMS))
if _unknown:
    raise ValueError(f"config: recovery.arms {_unknown} are not GRPO arms ({ARMS})")
if config["grpo"]["batch_size"] % config["grpo"]["num_generations"]:
    raise ValueError("config: grpo.batch_size must be a multiple of grpo.num_generations (prompts x group size)")
if PRETRAIN and not SYNTHETIC:
    raise ValueError("config: model.base 'pretrain' needs a synthetic data split (the pretraining corpus source)")


wildcard_constraints:
    lang="[a-z]{2}",
    seed=r"\d+",
    arm="[a-z0-9_]+",
    split="[A-Za-z0-9_]+",


def resources_for(rule_name, key, fallback):
    """Per-rule resources from config['resources'] (rule name, then 'default', then fallback)."""
    res = config.get("resources", {})
    return res.get(rule_name, {}).get(key, res.get("default", {}).get(key, fallback))


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


def reward_spec(arm):
    """The reward shape of one arm: shared reward settings overridden by the arm's."""
    return {**config["reward"], **config["arms"][arm]}


def base_model(wildcards):
    """Path or hub id of the base model."""
    if PRETRAIN:
        return RUN.format(**wildcards) + "/base/model"
    return config["model"]["base"]


def base_model_input(wildcards):
    return [base_model(wildcards)] if PRETRAIN else []


def grpo_start(wildcards):
    """GRPO starts from the SFT warm-start, or from the base model when the warm-start is off."""
    return RUN.format(**wildcards) + "/sft/model" if SFT_ENABLED else base_model(wildcards)


def grpo_start_input(wildcards):
    return [grpo_start(wildcards)] if SFT_ENABLED or PRETRAIN else []


def translated(split):
    """The target-language records of ``split`` (template backend or real translation)."""
    return "results/data/{lang}/" + split + ".jsonl"


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
    return RUN.format(**wildcards) + f"/{wildcards.checkpoint}/model"


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
    out = expand(RUN + "/grpo_{arm}/run.json", lang=LANGS, seed=SEEDS, arm=ARMS)
    out += expand(RUN + "/recovery_{arm}/run.json", lang=LANGS, seed=SEEDS, arm=RECOVERY_ARMS)
    return out


def eval_outputs():
    return expand(RUN + "/eval/{checkpoint}.json", lang=LANGS, seed=SEEDS, checkpoint=checkpoints_for())


def figure_outputs():
    return expand("results/figures/{figure}.{ext}", figure=["drift", "irreversibility", "tradeoff"],
                  ext=["png", "pdf"])
