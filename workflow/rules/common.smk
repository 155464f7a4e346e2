# Config validation, the settings of every results root, wildcard constraints and input functions.
# Paths and run ids come from pipeline.layout, every job's settings from pipeline.settings.
import os

from snakemake_interface_executor_plugins.settings import DeploymentMethod

from pipeline import layout as L
from pipeline.requirements import check as check_dependencies
from pipeline.settings import prior_names, settings_by_root, validate
from pipeline.smk import export_src_path

validate(config)  # the schema's defaults are filled in here; cross-key problems fail before any job runs
# Jobs in a conda env (--sdm conda) or on a cluster node import `pipeline` from the repo's src/ (PYTHONPATH).
export_src_path(os.path.dirname(workflow.basedir))

# One results root per experiment: results/ for this config, results/priors/{prior}/results/ for each mix of
# the pretraining-prior sweep (target prior_sweep). Every rule below works on any root ({root} wildcard).
ROOTS = settings_by_root(config)
S = ROOTS[L.RESULTS]
PRIORS = prior_names(config)

# Software environments for `--sdm conda` (paths relative to workflow/rules/*.smk). The GRPO rule uses the vLLM
# environment when the config turns vLLM generation on.
DATA_ENV = "../envs/data.yaml"
TRAIN_ENV = "../envs/train.yaml"
STORE_ENV = "../envs/store.yaml"
VLLM_ENV = "../envs/train_vllm.yaml"
GRPO_ENV = VLLM_ENV if config["grpo"].get("extra_args", {}).get("use_vllm") else TRAIN_ENV
EVAL_ENV = VLLM_ENV if config["eval"]["engine"] == "vllm" else TRAIN_ENV

# Optional packages the config asks for (lora -> peft, vLLM -> vllm) must be there before any job runs: in the
# rules' conda env files with --sdm conda, else in this environment.
check_dependencies(
    ROOTS.values(),
    {rule: os.path.normpath(os.path.join(workflow.basedir, "rules", env)) for rule, env in
     {"sft": TRAIN_ENV, "recovery": TRAIN_ENV, "grpo": GRPO_ENV, "evaluate": EVAL_ENV}.items()}
    if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method else None,
)


wildcard_constraints:
    root=L.ROOT,
    lang=L.LANG,
    seed=L.SEED,
    arm=L.ARM,
    split=L.SPLIT,
    prior=L.PRIOR,
    checkpoint=L.CHECKPOINT,
    figure="|".join(L.FIGURES),
    sweep=L.AMPLIFIER,


def P(template, **fields):
    """``{root}/<template>``: a path pattern of any results root, ``fields`` filled in, the rest wildcards."""
    return f"{{root}}/{L.fill(template, **fields)}"


def log_path(name):
    """The log file of a job: ``{root}/logs/<name>.log`` (name may hold wildcards)."""
    return f"{{root}}/{L.LOGS}/{name}.log"


def at(wildcards):
    """The settings of a job's results root."""
    return ROOTS[wildcards.root]


def model_path(wildcards, checkpoint):
    """Model directory (or hub id for a base model not pretrained here) of ``checkpoint`` of the job's run."""
    if checkpoint == "base" and not at(wildcards).pretrained_here:
        return at(wildcards).config["model"]["base"]
    return f"{wildcards.root}/{L.MODEL.format(lang=wildcards.lang, seed=wildcards.seed, checkpoint=checkpoint)}"


def model_input(wildcards, checkpoint):
    """``model_path`` as a job input (none for a hub model)."""
    if checkpoint == "base" and not at(wildcards).pretrained_here:
        return []
    return [model_path(wildcards, checkpoint)]


def translated_outputs(root):
    return expand(f"{root}/{L.TRANSLATED}", lang=ROOTS[root].langs, split=ROOTS[root].splits)


def training_outputs(root):
    """run.json of every GRPO arm and recovery run (their SFT and base runs are their inputs)."""
    s = ROOTS[root]
    trained = [L.checkpoint_name("grpo", arm) for arm in s.arms]
    trained += [L.checkpoint_name("recovery", arm) for arm in s.recovery_arms]
    return expand(f"{root}/{L.RUN_JSON}", lang=s.langs, seed=s.seeds, checkpoint=trained)


def eval_outputs(root, splits=None):
    """Eval summaries of every checkpoint on ``splits`` (default: every eval split)."""
    s = ROOTS[root]
    splits = s.eval_splits if splits is None else splits
    return expand(f"{root}/{L.EVAL_SUMMARY}", lang=s.langs, seed=s.seeds, split=splits, checkpoint=s.checkpoints())


def store_inputs(root):
    """Every artifact the ingest of ``root`` reads (docs/artifacts.md): a missing one is made first, a changed one
    re-runs the ingest."""
    s = ROOTS[root]
    data = [f"{root}/{t}" for t in (L.TRANSLATED, L.TRANSLATION_QC, L.TRANSLATION_SUMMARY)]
    trained = [f"{root}/{L.RUN_JSON}", f"{root}/{L.TRAIN_LOG}"]
    evals = [f"{root}/{L.EVAL_SUMMARY}", f"{root}/{L.EVAL_SAMPLES}"]
    return dict(
        translations=expand(data, lang=s.langs, split=s.splits),
        trained=expand(trained, lang=s.langs, seed=s.seeds, checkpoint=s.trained_checkpoints()),
        rollouts=rollout_outputs(root),
        evals=expand(evals, lang=s.langs, seed=s.seeds, split=s.eval_splits, checkpoint=s.checkpoints()),
    )


def rollout_outputs(root):
    s = ROOTS[root]
    grpo = [L.checkpoint_name("grpo", arm) for arm in s.arms]
    return expand(f"{root}/{L.ROLLOUTS}", lang=s.langs, seed=s.seeds, checkpoint=grpo)


def figure_outputs(root):
    return expand(f"{root}/{L.FIGURE}", figure=L.FIGURES, ext=L.FIGURE_EXTS)


def figure_inputs(wildcards):
    """The artifacts behind each figure's view: a figure re-runs only when these change."""
    if wildcards.figure in ("drift", "switch_position"):
        return rollout_outputs(wildcards.root)
    return eval_outputs(wildcards.root, [at(wildcards).figure_split])


def amplifier_outputs(root, required=False):
    """Figure and table of every enabled amplifier sweep of ``root`` (``required``: none enabled is an error)."""
    sweeps = list(ROOTS[root].amplifiers)
    if required and not sweeps:
        raise ValueError("no amplifier sweep is enabled: give --configfile config/sweeps/amplifiers.yaml (or set "
                         "amplifiers.<name>.enabled: true); see README 'What you will see'")
    return expand(f"{root}/{L.AMPLIFIER_FIGURE}", sweep=sweeps, ext=L.FIGURE_EXTS) + expand(
        f"{root}/{L.AMPLIFIER_TABLE}", sweep=sweeps)


def amplifier_spec(wildcards):
    """The field, label and points of the job's sweep; a sweep that is not enabled is an error naming the fix."""
    specs = at(wildcards).amplifier_specs()
    if wildcards.sweep not in specs:
        raise ValueError(f"amplifier sweep {wildcards.sweep!r} is not enabled (enabled: {sorted(specs)}); set "
                         f"amplifiers.{wildcards.sweep}.enabled: true")
    return specs[wildcards.sweep]


def root_outputs(root):
    """Everything target ``all`` asks of one root: the store and its ingest report, the findings, the browser,
    the figures and the enabled amplifier sweeps."""
    return [f"{root}/{ROOTS[root].store_in_root}", f"{root}/{L.INGEST_REPORT}", f"{root}/{L.FINDINGS_MD}",
            f"{root}/{L.FINDINGS_JSON}", f"{root}/{L.BROWSER}", *figure_outputs(root), *amplifier_outputs(root)]
