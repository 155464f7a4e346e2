"""Optional packages a config needs, checked when the DAG is built instead of hours into a cluster run.

``lora:`` in a trainer section needs ``peft``; ``grpo.extra_args.use_vllm: true`` and ``eval.engine: vllm``
need ``vllm``. Snakemake calls :func:`check` at parse time (workflow/rules/common.smk): without ``--sdm conda``
a package must be importable in the running environment, with it the rule's environment file must list it.
The messages are the ones the jobs themselves raise (:data:`MESSAGES`), so a user sees the same fix either way.

    >>> from pipeline.settings import Settings, load_config
    >>> needs(Settings(load_config("config/config.yaml")))
    []
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

MESSAGES = {
    "peft": ("{where} sets a `lora:` section but the `peft` package is not installed; run `pip install peft` (or "
             "add it to the env file) or remove the `lora:` section"),
    "vllm_grpo": ("{where} is true but vLLM is not installed; use the workflow/envs/train_vllm.yaml environment "
                  "(or `pip install 'trl[vllm]==1.16.0'`), or set use_vllm: auto / false"),
    "vllm_eval": ("{where} is vllm but vLLM is not installed; use the workflow/envs/train_vllm.yaml environment "
                  "(or `pip install vllm`), or set eval.engine: auto / hf"),
}


class MissingDependencyError(ImportError):
    """An optional package the config asks for is not installed; the message says how to install it."""


def message(kind: str, where: str) -> str:
    """The error text for a missing package of ``kind`` (a key of :data:`MESSAGES`) asked for by ``where``."""
    return MESSAGES[kind].format(where=where)


class Need(NamedTuple):
    """One optional package a rule's jobs import: ``package`` for ``rule``, asked for by config key ``where``."""

    rule: str
    package: str
    where: str
    kind: str


def needs(settings: Any) -> list[Need]:
    """The optional packages the jobs of one results root need (``settings``: a :class:`pipeline.settings.Settings`)."""
    out = []
    if settings.sft_enabled and settings.sft().get("lora"):
        out.append(Need("sft", "peft", "sft.lora", "peft"))
    if settings.recovery_arms and settings.recovery().get("lora"):
        out.append(Need("recovery", "peft", "recovery.lora (or sft.lora, which recovery inherits)", "peft"))
    for arm in settings.arms:
        grpo = settings.grpo(arm)
        if grpo.get("lora"):
            out.append(Need("grpo", "peft", "grpo.lora", "peft"))
        if (grpo.get("extra_args") or {}).get("use_vllm") is True:
            out.append(Need("grpo", "vllm", "grpo.extra_args.use_vllm", "vllm_grpo"))
    if settings.config["eval"].get("engine") == "vllm":
        out.append(Need("evaluate", "vllm", "eval.engine", "vllm_eval"))
    return list(dict.fromkeys(out))


def importable(package: str) -> bool:
    """Whether ``package`` can be imported in the running environment."""
    return importlib.util.find_spec(package) is not None


def env_lists(env_file: str | Path, package: str) -> bool:
    """Whether a conda environment file lists ``package`` (as a conda or pip dependency, any version)."""
    text = Path(env_file).read_text(encoding="utf-8")
    return re.search(rf"^\s*-\s*{re.escape(package)}(\[[^\]]*\])?\s*([=<>!~].*)?$", text, re.MULTILINE) is not None


def problems(all_needs: Iterable[Need], env_files: dict[str, str | Path] | None = None,
             has: Callable[[str], bool] = importable) -> list[str]:
    """A message per need the environment does not meet. ``env_files`` (rule -> conda env file) when jobs run
    in conda environments (``--sdm conda``), else the running environment is checked with ``has``."""
    out = []
    for need in dict.fromkeys(all_needs):
        if env_files is not None:
            env = env_files[need.rule]
            if not env_lists(env, need.package):
                out.append(f"{message(need.kind, need.where)} (rule {need.rule} runs in {env}, which does not list "
                           f"{need.package})")
        elif not has(need.package):
            out.append(message(need.kind, need.where))
    return list(dict.fromkeys(out))


def check(roots: Iterable[Any], env_files: dict[str, str | Path] | None = None,
          has: Callable[[str], bool] = importable) -> None:
    """Raise :class:`MissingDependencyError` listing every missing package of every results root's jobs."""
    found = problems([need for settings in roots for need in needs(settings)], env_files, has)
    if found:
        raise MissingDependencyError("config needs packages this environment lacks:\n  " + "\n  ".join(found))
