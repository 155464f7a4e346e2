"""Template and Hugging Face backends, and the backend registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.data.translate import BACKENDS, TranslatorBackend, backend_class, make_backend, register_backend
from pipeline.data.translate.base import BackendConfigError, TranslationError

PARALLEL = [
    {"id": "world-train-000000", "split": "train", "answer": "8", "difficulty": 2,
     "renderings": {"en": {"question": "Mina has 3 boxes with 2 pens each. How many pens?",
                           "solution": "3 boxes of 2 pens: 3 * 2 = 6.\nShe finds 2 more: 6 + 2 = 8."},
                    "ko": {"question": "미나는 펜이 2개씩 든 상자 3개를 가지고 있습니다. 펜은 몇 개입니까?",
                           "solution": "펜 2개씩 상자 3개: 3 * 2 = 6.\n2개를 더 찾습니다: 6 + 2 = 8."}}},
    {"id": "world-train-000001", "split": "train", "answer": "5", "difficulty": 1,
     "renderings": {"en": {"question": "Jun has 9 apples and eats 4. How many are left?",
                           "solution": "9 - 4 = 5."},
                    "ko": {"question": "준은 사과 9개를 가지고 있고 4개를 먹습니다. 몇 개가 남습니까?",
                           "solution": "9 - 4 = 5."}}},
]


def write_parallel(path: Path, rows: list[dict[str, Any]] = PARALLEL) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_template_backend_lookup(tmp_path: Path) -> None:
    path = write_parallel(tmp_path / "parallel.jsonl")
    backend = make_backend({"backend": "template", "parallel_path": str(path)})
    assert backend.name == "template" and backend.model.startswith("parallel:")
    en = PARALLEL[0]["renderings"]["en"]
    ko = PARALLEL[0]["renderings"]["ko"]
    assert backend.translate([en["solution"], en["question"]], "en", "ko") == [ko["solution"], ko["question"]]
    assert backend.translate([ko["question"]], "ko", "en") == [en["question"]]  # back-translation direction
    with pytest.raises(TranslationError, match="text not found"):
        backend.translate(["Mina has 4 boxes."], "en", "ko")
    with pytest.raises(BackendConfigError, match="no 'uk' renderings"):
        backend.translate([en["question"]], "en", "uk")


def test_template_model_id_tracks_file_content(tmp_path: Path) -> None:
    a = make_backend({"backend": "template", "parallel_path": str(write_parallel(tmp_path / "a.jsonl"))})
    b_path = write_parallel(tmp_path / "b.jsonl", PARALLEL[:1])
    b = make_backend({"backend": "template", "parallel_path": str(b_path)})
    assert a.model != b.model  # a regenerated world never reuses stale cache entries
    with pytest.raises(BackendConfigError, match="does not exist"):
        make_backend({"backend": "template", "parallel_path": str(tmp_path / "missing.jsonl")})


def test_registry_one_line_plugin() -> None:
    class Upper(TranslatorBackend):
        name = "upper"

        def __init__(self) -> None:
            self.model = "upper-v1"

        def translate(self, texts: list[str], source: str, target: str) -> list[str]:
            return [t.upper() for t in texts]

    register_backend("upper", Upper)
    try:
        backend = make_backend({"backend": "upper"})
        assert backend.translate(["ab 1"], "en", "ko") == ["AB 1"]
    finally:
        BACKENDS.pop("upper")
    with pytest.raises(BackendConfigError, match="backend 'upper' unknown"):
        backend_class("upper")
    with pytest.raises(BackendConfigError, match="needs `backend:`"):
        make_backend({})


# --------------------------------------------------------------------------------------------------
# Hugging Face backend on tiny randomly initialised models built offline
# --------------------------------------------------------------------------------------------------

LANG_TOKENS = ["__en__", "__ko__", "__zh__"]


def _tokenizer(extra_special: list[str]) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordLevelTrainer(special_tokens=["<pad>", "<s>", "</s>", "<unk>", *extra_special])
    corpus = ["Tom has 3 apples and 4 pears .", "톰은 사과 3 개 와 배 4 개", "汤姆 有 3 个 苹果"]
    tok.train_from_iterator(corpus, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", additional_special_tokens=extra_special)


@pytest.fixture(scope="module")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    torch.manual_seed(0)
    tok = _tokenizer(LANG_TOKENS)
    cfg = M2M100Config(vocab_size=len(tok), d_model=16, encoder_layers=1, decoder_layers=1,
                       encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
                       decoder_ffn_dim=32, max_position_embeddings=64, pad_token_id=tok.pad_token_id,
                       bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                       decoder_start_token_id=tok.eos_token_id)
    path = tmp_path_factory.mktemp("tiny_m2m100")
    M2M100ForConditionalGeneration(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_causal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    tok = _tokenizer([])
    cfg = Qwen2Config(vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=256,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    path = tmp_path_factory.mktemp("tiny_causal")
    Qwen2ForCausalLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_hf_seq2seq_forces_target_language_token(tiny_m2m100: Path) -> None:
    backend = make_backend({"backend": "hf", "model": str(tiny_m2m100), "max_new_tokens": 6, "batch_size": 2})
    assert backend.name == "hf" and backend.model == str(tiny_m2m100) and backend.concurrent is False
    seen: list[dict[str, Any]] = []
    backend._load()
    real_generate = backend._model.generate

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs)
        return real_generate(**kwargs)

    backend._model.generate = spy
    texts = ["Tom has 3 apples .", "", "and 4 pears .\n\nTom has 3"]
    out = backend.translate(texts, "en", "ko")
    assert len(out) == 3 and out[1] == "" and all(isinstance(t, str) for t in out)
    assert out[2].count("\n") >= 1  # line structure kept: translated line by line
    ko_id = backend._tokenizer.convert_tokens_to_ids("__ko__")
    assert seen and all(call["forced_bos_token_id"] == ko_id for call in seen)
    assert sum(call["input_ids"].shape[0] for call in seen) == 3  # three non-empty lines, batches of <= 2
    with pytest.raises(BackendConfigError, match="no language token for 'uk'"):
        backend.translate(["Tom"], "en", "uk")


def test_hf_seq2seq_generation_really_starts_with_target_token(tiny_m2m100: Path) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_m2m100)
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_m2m100)
    zh_id = tok.convert_tokens_to_ids("__zh__")
    enc = tok(["Tom has 3 apples ."], return_tensors="pt")
    generated = model.generate(**enc, forced_bos_token_id=zh_id, max_new_tokens=4, do_sample=False)
    assert generated[0, 1].item() == zh_id  # position 0 is decoder_start_token_id


def test_hf_causal_prompt_mode(tiny_causal: Path) -> None:
    backend = make_backend({"backend": "hf", "model": str(tiny_causal), "hf_mode": "causal",
                            "max_new_tokens": 5})
    out = backend.translate(["Tom has 3 apples .", "汤姆 有 3 个 苹果"], "en", "zh")
    assert len(out) == 2 and all(isinstance(t, str) and "\n" not in t for t in out)
    assert backend.generate_calls == 1
    with pytest.raises(BackendConfigError, match="hf_mode"):
        make_backend({"backend": "hf", "model": str(tiny_causal), "hf_mode": "encoder"})
    with pytest.raises(BackendConfigError, match="needs `model`"):
        make_backend({"backend": "hf"})
    missing = make_backend({"backend": "hf", "model": str(tiny_causal / "nope")})
    with pytest.raises(BackendConfigError, match="cannot load"):
        missing.translate(["x"], "en", "ko")
