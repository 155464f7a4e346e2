"""Hugging Face transformers translation: seq2seq MT models (NLLB, M2M100) or a causal instruction model.

Seq2seq: the target language is forced as the first decoded token (``forced_bos_token_id``) through a
language-code map (NLLB ``kor_Hang`` style, M2M100 ``__ko__`` style, or an explicit ``lang_codes`` map).
Causal: a translation prompt per line, greedy decoding, the first generated line is the translation.
Texts are translated line by line (sentence-level models degrade on long multi-line inputs); lines longer
than ``max_chars`` are split at sentence boundaries.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from pipeline.data.translate.base import BackendConfigError, TranslationError, TranslatorBackend
from pipeline.data.translate.chunking import chunk_text, reassemble
from pipeline.languages import get_language

NLLB_CODES = {"en": "eng_Latn", "ko": "kor_Hang", "zh": "zho_Hans", "uk": "ukr_Cyrl", "ru": "rus_Cyrl",
              "ja": "jpn_Jpan", "th": "tha_Thai"}
DEFAULT_PROMPT = ("Translate the following {source_name} text into {target_name}. Keep every number and "
                  "formula unchanged. Output only the translation.\n\n{source_name}: {text}\n{target_name}:")


class HFBackend(TranslatorBackend):
    """A local or hub transformers model (config ``model``: hub id or directory)."""

    name: ClassVar[str] = "hf"
    config_keys: ClassVar[tuple[str, ...]] = (
        "hf_mode", "lang_code_style", "lang_codes", "max_new_tokens", "batch_size", "num_beams", "device",
        "max_chars", "prompt_template",
    )
    concurrent: ClassVar[bool] = False  # one model, CPU/GPU bound: the runner uses a single worker

    def __init__(self, model: str, mode: str = "seq2seq", lang_code_style: str = "auto",
                 lang_codes: dict[str, str] | None = None, max_new_tokens: int = 256, batch_size: int = 8,
                 num_beams: int = 1, device: str = "cpu", max_chars: int = 1000,
                 prompt_template: str = DEFAULT_PROMPT) -> None:
        if mode not in ("seq2seq", "causal"):
            raise BackendConfigError(f"hf backend: hf_mode must be 'seq2seq' or 'causal', got {mode!r}")
        if lang_code_style not in ("auto", "nllb", "m2m100"):
            raise BackendConfigError(f"hf backend: lang_code_style must be auto, nllb or m2m100, "
                                     f"got {lang_code_style!r}")
        self.model = str(model)
        self.mode = mode
        self.lang_code_style = lang_code_style
        self.lang_codes = dict(lang_codes or {})
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.num_beams = num_beams
        self.device = device
        self.max_chars = max_chars
        self.prompt_template = prompt_template
        self._tokenizer: Any = None
        self._model: Any = None
        self._lock = threading.Lock()
        self.generate_calls = 0

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> HFBackend:
        if not cfg.get("model"):
            raise BackendConfigError("hf backend needs `model` (a hub id such as "
                                     "facebook/nllb-200-distilled-600M or a local directory)")
        keys = {"hf_mode": "mode", "lang_code_style": "lang_code_style", "lang_codes": "lang_codes",
                "max_new_tokens": "max_new_tokens", "batch_size": "batch_size", "num_beams": "num_beams",
                "device": "device", "max_chars": "max_chars", "prompt_template": "prompt_template"}
        return cls(model=cfg["model"], **{arg: cfg[key] for key, arg in keys.items() if key in cfg})

    def _load(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

        try:
            self._tokenizer = AutoTokenizer.from_pretrained(self.model)
            auto = AutoModelForSeq2SeqLM if self.mode == "seq2seq" else AutoModelForCausalLM
            self._model = auto.from_pretrained(self.model).to(self.device).eval()
        except (OSError, ValueError) as err:
            raise BackendConfigError(f"hf backend: cannot load {self.model!r} as a {self.mode} model: "
                                     f"{err}") from None
        if self._tokenizer.pad_token is None:
            self._tokenizer.pad_token = self._tokenizer.eos_token
        if self.mode == "causal":
            self._tokenizer.padding_side = "left"

    def lang_token(self, lang: str) -> str:
        """The model's token for ISO 639-1 ``lang``."""
        get_language(lang)
        if lang in self.lang_codes:
            return self.lang_codes[lang]
        vocab = self._tokenizer.get_vocab()
        style = self.lang_code_style
        if style == "auto":
            style = "nllb" if "eng_Latn" in vocab else "m2m100" if "__en__" in vocab else ""
        token = NLLB_CODES.get(lang) if style == "nllb" else f"__{lang}__" if style == "m2m100" else None
        if token is None or token not in vocab:
            raise BackendConfigError(f"hf backend: {self.model!r} has no language token for {lang!r} "
                                     f"(style {style or 'unknown'}); set `lang_codes: {{{lang}: <token>}}`")
        return token

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        with self._lock:
            self._load()
            pieces = [chunk_text(t, self.max_chars, pack=False) if t.strip() else [] for t in texts]
            segments = [chunk for p in pieces for chunk, _ in p]
            translated = self._translate_segments(segments, source, target)
            out, pos = [], 0
            for text, p in zip(texts, pieces, strict=True):
                if not p:
                    out.append(text)
                    continue
                out.append(reassemble(p, translated[pos:pos + len(p)]))
                pos += len(p)
            return out

    def _translate_segments(self, segments: list[str], source: str, target: str) -> list[str]:
        import torch

        out: list[str] = []
        gen_args: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "num_beams": self.num_beams,
                                    "do_sample": False}
        if self.mode == "seq2seq":
            src_token, tgt_token = self.lang_token(source), self.lang_token(target)
            if hasattr(self._tokenizer, "src_lang"):
                self._tokenizer.src_lang = src_token
            gen_args["forced_bos_token_id"] = self._tokenizer.convert_tokens_to_ids(tgt_token)
        for start in range(0, len(segments), self.batch_size):
            batch = segments[start:start + self.batch_size]
            inputs = batch if self.mode == "seq2seq" else [self._prompt(s, source, target) for s in batch]
            enc = self._tokenizer(inputs, return_tensors="pt", padding=True, truncation=True).to(self.device)
            try:
                with torch.no_grad():
                    generated = self._model.generate(**enc, **gen_args,
                                                     pad_token_id=self._tokenizer.pad_token_id)
            except RuntimeError as err:
                raise TranslationError(f"hf backend: generation failed: {err}") from err
            self.generate_calls += 1
            if self.mode == "causal":
                generated = generated[:, enc["input_ids"].shape[1]:]
            decoded = self._tokenizer.batch_decode(generated, skip_special_tokens=True)
            if self.mode == "causal":
                decoded = [next((ln for ln in d.strip().split("\n") if ln.strip()), "") for d in decoded]
            out.extend(d.strip() for d in decoded)
        return out

    def _prompt(self, text: str, source: str, target: str) -> str:
        return self.prompt_template.format(source_name=get_language(source).name,
                                           target_name=get_language(target).name, text=text)
