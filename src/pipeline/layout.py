"""Where everything lives: result paths, run ids and the vocabulary of checkpoints, phases, stages and arms.

One results *root* holds one complete experiment (docs/artifacts.md): ``results/`` for the configured run, and
``results/priors/{prior}/results/`` for each pipeline of the pretraining-prior sweep. Every path below is a
template relative to a root; Snakemake rules, glue scripts, the store's ingest and the tests all take paths and
run ids from here, so the layout is written down once.

Vocabulary (fixed by the results already on disk and in DuckDB):

* a **checkpoint** is a model directory of one (lang, seed): ``base``, ``sft``, ``grpo_{arm}``, ``recovery_{arm}``;
* its **phase** is the checkpoint kind (``base``, ``sft``, ``grpo``, ``recovery``; DuckDB ``runs.phase``);
* its **stage** is what the run that made it did (DuckDB ``runs.stage``): the ``base`` checkpoint is made by
  ``pretrain`` (or is a hub model), every other phase by the stage of the same name; ``eval`` runs make no
  checkpoint;
* a **run id** mirrors the directory: ``ko/seed0/grpo_acc``, and an eval run ``ko/seed0/grpo_acc/eval/test``.
"""

from __future__ import annotations

import re

RESULTS = "results"  # the configured experiment's root, relative to the working directory
PRIORS = f"{RESULTS}/priors"  # the prior sweep: one root per pretraining mix under here

# -- vocabulary ------------------------------------------------------------------------------------------------
PHASES = ("base", "sft", "grpo", "recovery")  # checkpoint kinds, in pipeline order (1-based stage order in views)
ARM_PHASES = ("grpo", "recovery")  # phases with one checkpoint per GRPO arm: "{phase}_{arm}"
STAGE_OF_PHASE = {"base": "pretrain", "sft": "sft", "grpo": "grpo", "recovery": "recovery"}
STAGES = ("pretrain", "sft", "grpo", "recovery", "eval")  # run.json "stage" values

# -- name patterns (regex fragments; Snakemake wildcard constraints and the store's path parser) ---------------
LANG = "[a-z]{2,3}"  # ISO 639-1 (or 639-3) language code
SEED = r"\d+"
ARM = "[a-z0-9_]+"  # also the config schema's pattern for arm names
SPLIT = "[A-Za-z0-9_]+"  # also the config schema's pattern for data split names
PRIOR = "[A-Za-z0-9_.-]+"  # also the config schema's pattern for prior_sweep.mixes names
CHECKPOINT = "base|sft|(?:grpo|recovery)_" + ARM
ROOT = rf"{RESULTS}(?:/priors/{PRIOR}/{RESULTS})?"
# the figures of every experiment (pipeline.analysis.figures)
FIGURES = ("drift", "irreversibility", "tradeoff", "switch_position", "accuracy_by_language")
FIGURE_EXTS = ("png", "pdf")

# -- path templates relative to a root ({lang}, {seed}, {checkpoint}, {arm}, {split}, {figure}, {ext}) --------
SOURCE_RECORDS = "data/source/{split}.jsonl"  # English source records
PARALLEL = "data/source/parallel.jsonl"  # every synthetic item in every world language
PREPARE_REPORT = "data/source/prepare_report.json"
TRANSLATED = "data/{lang}/{split}.jsonl"
TRANSLATION_QC = "data/{lang}/{split}.qc.parquet"
TRANSLATION_SUMMARY = "data/{lang}/{split}.summary.json"
CHECKPOINT_DIR = "{lang}/seed{seed}/{checkpoint}"
MODEL = CHECKPOINT_DIR + "/model"
RUN_JSON = CHECKPOINT_DIR + "/run.json"
TRAIN_LOG = CHECKPOINT_DIR + "/train_log.jsonl"
CORPUS = CHECKPOINT_DIR + "/corpus.jsonl"  # base checkpoint only
ROLLOUTS = CHECKPOINT_DIR + "/rollouts.parquet"  # grpo checkpoints only
COMPLETIONS_DIR = CHECKPOINT_DIR + "/completions"  # TRL's per-step completions_*.parquet
EVAL_SAMPLES = "{lang}/seed{seed}/eval/{split}/{checkpoint}.parquet"
EVAL_SUMMARY = "{lang}/seed{seed}/eval/{split}/{checkpoint}.json"
INGEST_REPORT = "store/ingest_report.json"
FINDINGS_MD = "findings.md"
FINDINGS_JSON = "findings.json"
FIGURE = "figures/{figure}.{ext}"
BROWSER = "browser/index.html"  # the chain-of-thought browser (pipeline.browser): one self-contained page
LOGS = "logs"
# relative to the configured root only
PRIOR_CONFIG = "priors/{prior}/config.yaml"
PRIOR_SWEEP_TABLE = "priors/prior_sweep.csv"
PRIOR_SWEEP_FIGURE = "figures/prior_sweep.{ext}"
AMPLIFIER = "[a-z0-9_]+"  # also the config schema's pattern for amplifiers names
AMPLIFIER_FIGURE = "figures/amplifier_{sweep}.{ext}"  # relative to any root: one figure per enabled sweep
AMPLIFIER_TABLE = "amplifiers/{sweep}.csv"


class LayoutError(ValueError):
    """A name that does not fit the results layout (unknown checkpoint, phase or root)."""


def checkpoint_name(phase: str, arm: str | None = None) -> str:
    """``("grpo", "acc")`` -> ``grpo_acc``; ``("sft",)`` -> ``sft``.

    >>> checkpoint_name("recovery", "acc_lc"), checkpoint_name("base")
    ('recovery_acc_lc', 'base')
    """
    if phase not in PHASES:
        raise LayoutError(f"unknown phase {phase!r}; phases are {PHASES}")
    if (phase in ARM_PHASES) != (arm is not None):
        raise LayoutError(f"phase {phase!r} {'needs' if phase in ARM_PHASES else 'takes no'} arm (got {arm!r})")
    return f"{phase}_{arm}" if arm is not None else phase


_CHECKPOINT_RE = re.compile(rf"^(?P<phase>base|sft)$|^(?P<arm_phase>grpo|recovery)_(?P<arm>{ARM})$")


def parse_checkpoint(checkpoint: str | None) -> tuple[str, str | None] | None:
    """``grpo_acc_lc`` -> ``("grpo", "acc_lc")``, ``sft`` -> ``("sft", None)``; None for any other name.

    >>> parse_checkpoint("grpo_acc_lc"), parse_checkpoint("sft"), parse_checkpoint("eval")
    (('grpo', 'acc_lc'), ('sft', None), None)
    """
    m = _CHECKPOINT_RE.match(checkpoint or "")
    if m is None:
        return None
    return (m["phase"], None) if m["phase"] else (m["arm_phase"], m["arm"])


def phase_of(checkpoint: str | None) -> str | None:
    """The phase of a checkpoint name (``grpo_acc`` -> ``grpo``), None when it is not one."""
    parsed = parse_checkpoint(checkpoint)
    return parsed[0] if parsed else None


def arm_of(checkpoint: str | None) -> str | None:
    """The GRPO arm of a checkpoint name (``recovery_acc`` -> ``acc``), None for base, sft and non-checkpoints."""
    parsed = parse_checkpoint(checkpoint)
    return parsed[1] if parsed else None


def stage_of(checkpoint: str) -> str:
    """The stage of the run that made a checkpoint (``base`` -> ``pretrain``)."""
    phase = phase_of(checkpoint)
    if phase is None:
        raise LayoutError(f"{checkpoint!r} is not a checkpoint name ({CHECKPOINT})")
    return STAGE_OF_PHASE[phase]


def run_id(lang: str, seed: int | str, checkpoint: str) -> str:
    """The run id of a checkpoint's run, e.g. ``ko/seed0/grpo_acc`` (its directory under the root)."""
    return CHECKPOINT_DIR.format(lang=lang, seed=int(seed), checkpoint=checkpoint)


def eval_run_id(lang: str, seed: int | str, checkpoint: str, split: str) -> str:
    """The run id of one evaluation (checkpoint x split), e.g. ``ko/seed0/grpo_acc/eval/test``."""
    return f"{run_id(lang, seed, checkpoint)}/eval/{split}"


def fill(template: str, **fields: object) -> str:
    """``template`` with only the given ``{fields}`` substituted; other braces stay (Snakemake wildcards).

    >>> fill(MODEL, checkpoint="sft")
    '{lang}/seed{seed}/sft/model'
    """
    for name, value in fields.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def prior_root(prior: str) -> str:
    """The results root of one prior-sweep pipeline: ``results/priors/{prior}/results``."""
    return f"{PRIORS}/{prior}/{RESULTS}"


def prior_of_root(root: str) -> str | None:
    """The prior a root belongs to (None for the configured root ``results``); unknown roots raise."""
    if root == RESULTS:
        return None
    m = re.fullmatch(rf"{PRIORS}/(?P<prior>{PRIOR})/{RESULTS}", root)
    if m is None:
        raise LayoutError(f"{root!r} is not a results root ({ROOT})")
    return m["prior"]


def workdir_of(root: str) -> str:
    """The directory a root's relative config paths (store.path, cache dirs) resolve against: ``""`` for the
    configured root, ``results/priors/{prior}/`` for a prior's."""
    prior = prior_of_root(root)
    return "" if prior is None else f"{PRIORS}/{prior}/"
