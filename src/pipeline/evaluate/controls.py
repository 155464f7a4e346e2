"""Decoding-time language controls of an evaluation (``eval.controls``): prefill a target-language opener, and
bias the logits of target-script tokens.

* **prefill**: the language's opener phrase (``eval.openers``) is appended to the prompt, after the chat template's
  generation prompt, so the chain of thought starts in the target language. The recorded completion is what the
  model generated after it (the opener is not scored).
* **script bias**: ``script_bias`` is added to the logit of every token whose text has a character of the target
  language's script (the ranges of :data:`pipeline.measure.composition.rules.SCRIPTS`), and ``latin_penalty``
  subtracted from every token with a Latin letter and no target-script character. transformers gets a
  ``LogitsProcessor`` (:class:`ScriptBias`); vLLM the same numbers as ``SamplingParams.logit_bias``.

The same controls steer GRPO rollouts (arm field ``rollout_control``, :mod:`pipeline.train.grpo`): the opener is
appended to the prompt text, the bias goes to TRL through ``GRPOConfig.generation_kwargs``
(:func:`rollout_generation_kwargs`).

A control is evaluated under every decoding of the eval section; its rows carry the decoding label
``<decoding>+<control>`` (``greedy+prefill``, ``sampled+script_bias``) in eval files, the store and figures, and
the summary's ``generation`` records the opener and biases applied (rows without a control record exactly what
the engine applied, as before).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.languages import get_language
from pipeline.measure.composition.rules import SCRIPT_BY_NAME

# Language.script -> the composition scanner's classes of that script (Japanese writes kanji and kana).
SCRIPT_CLASSES = {"Hangul": ("ko",), "Han": ("han",), "Kana": ("kana", "han"), "Cyrillic": ("cyr",),
                  "Thai": ("th",), "Latin": ("lat",)}
NONE = "none"


@dataclass(frozen=True)
class Control:
    """One decoding-time control: the opener prefilled (or None) and the logit biases."""

    name: str
    prefill: str | None = None
    script_bias: float = 0.0
    latin_penalty: float = 0.0

    def label(self, decoding: str) -> str:
        """The decoding label of this control's rows: ``greedy`` for no control, else ``greedy+<name>``."""
        return decoding if self.name == NONE else f"{decoding}+{self.name}"

    @property
    def biased(self) -> bool:
        """True when the control changes logits."""
        return bool(self.script_bias or self.latin_penalty)

    def record(self) -> dict[str, Any]:
        """What the summary's ``generation`` records of this control."""
        return {"control": self.name, "prefill": self.prefill, "script_bias": self.script_bias,
                "latin_penalty": self.latin_penalty}


def controls(cfg: dict[str, Any], lang: str) -> list[Control]:
    """No control, then every control of ``cfg["controls"]`` (name -> ``prefill``, ``script_bias``,
    ``latin_penalty``) for target language ``lang``.

    >>> cfg = {"controls": {"prefill": {"prefill": True}, "bias": {"script_bias": 2.0}}, "openers": {"ko": "먼저"}}
    >>> [(c.name, c.prefill, c.script_bias) for c in controls(cfg, "ko")]
    [('none', None, 0.0), ('prefill', '먼저', 0.0), ('bias', None, 2.0)]
    """
    return [Control(NONE)] + [control_from_spec(name, spec, cfg.get("openers"), lang, f"eval.controls.{name}")
                              for name, spec in (cfg.get("controls") or {}).items()]


def control_from_spec(name: str, spec: dict[str, Any], openers: dict[str, str] | None, lang: str,
                      where: str) -> Control:
    """The :class:`Control` of one spec (``prefill``, ``script_bias``, ``latin_penalty``) for ``lang``; ``where``
    names the config key in the error when a prefill has no opener for ``lang``.

    >>> control_from_spec("rollout", {"prefill": True, "script_bias": 2}, {"ko": "먼저"}, "ko", "arms.a").prefill
    '먼저'
    """
    opener = None
    if spec.get("prefill"):
        opener = (openers or {}).get(lang)
        if not opener:
            raise ValueError(f"{where}: prefill needs an opener for {lang!r} in eval.openers")
    return Control(name, opener, float(spec.get("script_bias", 0.0)), float(spec.get("latin_penalty", 0.0)))


def rollout_generation_kwargs(bias: dict[int, float], use_vllm: bool) -> dict[str, Any]:
    """``GRPOConfig.generation_kwargs`` that apply a logit bias to the GRPO rollouts: vLLM's
    ``SamplingParams.logit_bias``, or transformers' ``GenerationConfig.sequence_bias`` (one-token sequences,
    the list form, which serialises to JSON); empty without a bias.

    >>> rollout_generation_kwargs({7: 2.0}, use_vllm=False), rollout_generation_kwargs({7: 2.0}, use_vllm=True)
    ({'sequence_bias': [[[7], 2.0]]}, {'logit_bias': {7: 2.0}})
    """
    if not bias:
        return {}
    if use_vllm:
        return {"logit_bias": {int(t): float(b) for t, b in bias.items()}}
    return {"sequence_bias": [[[int(t)], float(b)] for t, b in bias.items()]}


def _in_ranges(ch: str, classes: tuple[str, ...]) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for name in classes for a, b in SCRIPT_BY_NAME[name].ranges)


def script_token_ids(tokenizer: Any, lang: str) -> tuple[list[int], list[int]]:
    """(ids of tokens with a target-script character, ids of tokens with a Latin letter and none of the target
    script), each token decoded on its own; special tokens (``<|im_end|>``, EOS) are in neither."""
    classes = SCRIPT_CLASSES[get_language(lang).script]
    latin = SCRIPT_CLASSES["Latin"]
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    target, other = [], []
    for tid in range(len(tokenizer)):
        if tid in special:
            continue
        text = tokenizer.decode([tid])
        if any(_in_ranges(ch, classes) for ch in text):
            target.append(tid)
        elif any(_in_ranges(ch, latin) for ch in text):
            other.append(tid)
    return target, other


def logit_bias(tokenizer: Any, lang: str, control: Control) -> dict[int, float]:
    """Token id -> additive logit bias of ``control`` (empty when it biases nothing); special tokens are never
    biased (:func:`script_token_ids`)."""
    if not control.biased:
        return {}
    target, latin = script_token_ids(tokenizer, lang)
    bias = {t: control.script_bias for t in target if control.script_bias}
    bias.update({t: -control.latin_penalty for t in latin if control.latin_penalty})
    return bias


def script_bias_processor(bias: dict[int, float], vocab_size: int) -> Any:
    """A transformers ``LogitsProcessor`` adding ``bias`` (token id -> value) to every step's scores."""
    import torch
    from transformers import LogitsProcessor

    class ScriptBias(LogitsProcessor):
        """Adds a fixed per-token bias to the next-token scores."""

        def __init__(self) -> None:
            self.vector = torch.zeros(vocab_size)
            if bias:
                ids = torch.tensor(list(bias), dtype=torch.long)
                self.vector[ids] = torch.tensor(list(bias.values()), dtype=torch.float)

        def __call__(self, input_ids: Any, scores: Any) -> Any:  # noqa: D102
            vec = self.vector[: scores.shape[-1]].to(device=scores.device, dtype=scores.dtype)
            return scores + vec

    return ScriptBias()
