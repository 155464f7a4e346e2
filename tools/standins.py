"""Offline stand-ins for what the paper configs fetch from the hub, for a paper-shaped run without network.

    python tools/standins.py OUT_DIR [--shared ../shared/data]

writes into OUT_DIR:

* ``qwen2.5-tiny-instruct/``: a randomly initialised, tiny Qwen2ForCausalLM (hidden 64, 2 layers) laid out like
  Qwen/Qwen2.5-1.5B-Instruct on the hub: a byte-level BPE tokenizer (``Qwen2Tokenizer``, Qwen's pre-tokenizer
  regex, trained here on English GSM8K and Korean / Chinese / Ukrainian text) with ``<|endoftext|>``,
  ``<|im_start|>``, ``<|im_end|>``; eos ``<|im_end|>``, pad ``<|endoftext|>``; Qwen2.5-Instruct's ChatML chat
  template (default system message "You are Qwen, created by Alibaba Cloud. ..."); weights in bfloat16 and the
  hub's sampling defaults in ``generation_config.json`` (repetition_penalty 1.1, top_k 20, top_p 0.8,
  temperature 0.7, do_sample true), which the pipeline must never apply;
* ``m2m100-tiny/``: a randomly initialised, tiny M2M100ForConditionalGeneration with ``__en__`` / ``__ko__`` /
  ``__zh__`` / ``__uk__`` language tokens for the ``hf`` translation backend (output is word salad: most items
  fail QC, which ``translation.on_fail: keep`` keeps and counts);
* ``data/gsm8k/{train,test}.jsonl`` and ``data/math500/test.jsonl``: the first lines of the shared GSM8K and
  MATH-500 files (``../shared/data``, or ``/work/shared/data``).

config/smoke/paper_offline.yaml points a paper config at these (``standins/...`` relative to the Snakemake
working directory); tests/workflow/test_paper_offline.py builds them into ``<workdir>/standins`` and runs it.
Everything is deterministic (fixed seeds) and takes a few seconds on one CPU core.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = next((c for c in (REPO.parent / "shared" / "data", Path("/work/shared/data")) if c.is_dir()),
                      REPO.parent / "shared" / "data")

MODEL_DIR = "qwen2.5-tiny-instruct"
TRANSLATOR_DIR = "m2m100-tiny"
# (shared file, stand-in file, number of lines)
DATA_SLICES = (("gsm8k/train.jsonl", "data/gsm8k/train.jsonl", 48),
               ("gsm8k/test.jsonl", "data/gsm8k/test.jsonl", 24),
               ("math500/test.jsonl", "data/math500/test.jsonl", 24))

ENDOFTEXT, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
QWEN_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
# Qwen/Qwen2.5-1.5B-Instruct's chat template (tokenizer_config.json on the hub), verbatim.
QWEN_CHAT_TEMPLATE = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""  # noqa: E501
# Qwen/Qwen2.5-1.5B-Instruct's generation_config.json, with this vocabulary's ids.
HUB_SAMPLING = {"do_sample": True, "repetition_penalty": 1.1, "temperature": 0.7, "top_p": 0.8, "top_k": 20}

TRANSLATOR_LANGS = ("en", "ko", "zh", "uk")


def copy_slices(shared: Path, out_dir: Path) -> dict[str, int]:
    """The first lines of each shared data file, written under ``out_dir``; stand-in path -> line count."""
    counts = {}
    for src, dst, n in DATA_SLICES:
        path = shared / src
        if not path.is_file():
            raise FileNotFoundError(f"{path}: shared data file missing (pass --shared DIR)")
        with path.open(encoding="utf-8") as fh:
            lines = [line for _, line in zip(range(n), fh, strict=False)]
        target = out_dir / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(lines), encoding="utf-8")
        counts[dst] = len(lines)
    return counts


def corpus(out_dir: Path) -> list[str]:
    """Text to train the vocabularies on: the English slices and the synthetic world in ko / zh / uk."""
    from pipeline.data import world
    from pipeline.languages import answer_line

    texts = []
    for _, dst, _ in DATA_SLICES:
        for line in (out_dir / dst).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [str(row.get(k, "")) for k in ("question", "problem", "answer", "solution")]
    items = world.generate_items(60, "train", seed=7)
    for lang in ("ko", "zh", "uk"):
        for item in items:
            rec = world.to_record(item, lang)
            texts += [rec["question"], rec["solution"], answer_line(lang, rec["answer"])]
    texts.append("You are a helpful assistant that solves math problems. Reason step by step, and write all of "
                 "your reasoning in Korean only. On the last line, state the final answer in Korean.")
    return [t for t in texts if t]


def build_tokenizer(texts: Iterable[str], vocab_size: int = 1024) -> Any:
    """A ``Qwen2Tokenizer`` with a byte-level BPE trained on ``texts``, Qwen's specials and its chat template."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import Qwen2Tokenizer
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    bpe = Tokenizer(models.BPE())
    bpe.normalizer = normalizers.NFC()
    bpe.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[ENDOFTEXT, IM_START, IM_END],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator(texts, trainer=trainer)
    state = json.loads(bpe.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in state["merges"]]
    tok = Qwen2Tokenizer(vocab=state["vocab"], merges=merges, unk_token=None, bos_token=None, eos_token=IM_END,
                         pad_token=ENDOFTEXT, errors="replace", model_max_length=131072)
    tok.add_special_tokens({"additional_special_tokens": [AddedToken(t, special=True, normalized=False)
                                                          for t in (IM_START, IM_END)]})
    tok.chat_template = QWEN_CHAT_TEMPLATE
    return tok


def build_model(out: Path, tokenizer: Any, seed: int = 0) -> dict[str, Any]:
    """The tiny Qwen2 instruct stand-in saved to ``out`` (bfloat16 weights, hub sampling defaults)."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    eot, im_end = tokenizer.convert_tokens_to_ids(ENDOFTEXT), tokenizer.convert_tokens_to_ids(IM_END)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
                         rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
                         use_sliding_window=False, bos_token_id=eot, eos_token_id=im_end, pad_token_id=None)
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.generation_config = GenerationConfig(bos_token_id=eot, pad_token_id=eot, eos_token_id=[im_end, eot],
                                               **HUB_SAMPLING)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return {"path": str(out), "vocab_size": len(tokenizer),
            "parameters": sum(p.numel() for p in model.parameters())}


def translator_corpus() -> list[str]:
    """Korean text (the synthetic world's renderings, numbers included) for the translator's output vocabulary:
    its word salad is Korean, so QC's language check passes and the numbers check mostly fails."""
    from pipeline.data import world
    from pipeline.languages import answer_line

    texts = []
    for item in world.generate_items(80, "train", seed=11):
        rec = world.to_record(item, "ko")
        texts += [rec["question"], rec["solution"], answer_line("ko", rec["answer"])]
    return texts


def build_translator(out: Path, texts: Iterable[str], seed: int = 0) -> dict[str, Any]:
    """The tiny random M2M100 stand-in saved to ``out`` (word-level vocabulary of ``texts``, M2M100's
    ``__xx__`` language tokens, so the hf backend's language-code detection and forced BOS apply)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    lang_tokens = [f"__{lang}__" for lang in TRANSLATOR_LANGS]
    wl = Tokenizer(models.WordLevel(unk_token="<unk>"))
    wl.pre_tokenizer = pre_tokenizers.Whitespace()
    wl.decoder = decoders.WordPiece(prefix="##")
    wl.train_from_iterator(texts, trainer=trainers.WordLevelTrainer(
        vocab_size=3000, special_tokens=["<pad>", "<s>", "</s>", "<unk>", *lang_tokens], show_progress=False))
    tok = PreTrainedTokenizerFast(tokenizer_object=wl, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                  unk_token="<unk>", additional_special_tokens=lang_tokens, model_max_length=1024)
    config = M2M100Config(vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
                          encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                          decoder_ffn_dim=64, max_position_embeddings=1024, init_std=0.2,
                          pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                          eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.eos_token_id)
    model = M2M100ForConditionalGeneration(config)
    # a random model repeats one word; no word twice per line gives varied salad (the backend decodes greedily)
    model.generation_config = GenerationConfig(bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                                               pad_token_id=tok.pad_token_id,
                                               decoder_start_token_id=tok.eos_token_id, no_repeat_ngram_size=1)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return {"path": str(out), "vocab_size": len(tok), "languages": list(TRANSLATOR_LANGS)}


def build(out_dir: Path, shared_data: Path = DEFAULT_SHARED) -> dict[str, Any]:
    """Build every stand-in into ``out_dir`` (see the module docstring); returns what was written."""
    out_dir, shared_data = Path(out_dir), Path(shared_data)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = copy_slices(shared_data, out_dir)
    texts = corpus(out_dir)
    tokenizer = build_tokenizer(texts)
    summary = {"out_dir": str(out_dir), "shared_data": str(shared_data), "data": data,
               "model": build_model(out_dir / MODEL_DIR, tokenizer),
               "translator": build_translator(out_dir / TRANSLATOR_DIR, translator_corpus())}
    (out_dir / "standins.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/standins.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory to build into (e.g. runs/NAME/standins)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the shared data directory with gsm8k/ and math500/ (default {DEFAULT_SHARED})")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.out_dir, args.shared), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))  # run from a checkout without installing the package
    raise SystemExit(main())
