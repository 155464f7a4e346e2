"""The tiny model: tokenizer, model construction, save/load round trip."""

import pytest

from pipeline.data import world
from pipeline.jsonl import read_jsonl
from pipeline.train import tinylm
from pipeline.train.corpus import build_corpus
from pipeline.train.models import load_model, load_tokenizer, save

TEXTS = [
    "Mina has 12 apples. She buys 7 more: 12 + 7 = 19.\nThe answer is 19.",
    "민아는 사과 12개를 가지고 있습니다. 7개를 더 삽니다: 12 + 7 = 19.\n답은 19입니다.",
] * 20


def test_tokenizer_splits_digits_and_round_trips_korean():
    tok = tinylm.train_tokenizer(TEXTS, vocab_size=300)
    ids = tok("1234 + 56")["input_ids"]
    pieces = [tok.decode([i]) for i in ids]
    assert [p.strip() for p in pieces if p.strip().isdigit()] == ["1", "2", "3", "4", "5", "6"]
    assert tok.decode(tok(TEXTS[1])["input_ids"]) == TEXTS[1]
    assert tok.eos_token == tinylm.EOS and tok.pad_token == tinylm.PAD
    assert tok.eos_token_id != tok.pad_token_id


def test_model_save_load_round_trip(tmp_path):
    tok = tinylm.train_tokenizer(TEXTS, vocab_size=300)
    size = {"hidden_size": 32, "intermediate_size": 64, "num_layers": 1, "num_heads": 2, "num_kv_heads": 1,
            "max_positions": 128}
    model = tinylm.build_model(tok, size, seed=0)
    assert 10_000 < tinylm.n_parameters(model) < 100_000
    save(model, tok, tmp_path / "m")
    loaded, tok2 = load_model(tmp_path / "m"), load_tokenizer(tmp_path / "m")
    assert loaded.config.eos_token_id == tok2.eos_token_id == tok.eos_token_id
    assert tok2.padding_side == "left"
    assert loaded.generation_config.pad_token_id == tok.pad_token_id


def test_corpus_mix_is_respected_and_deterministic():
    items = [{"id": f"i{i}", "answer": str(i), "renderings": {
        "en": {"question": f"Q{i}?", "solution": f"{i} + 0 = {i}."},
        "ko": {"question": f"질문 {i}?", "solution": f"{i} 더하기 0은 {i}입니다."}}} for i in range(50)]
    docs = build_corpus(items, "ko", {"en_en": 0.7, "tgt_tgt": 0.2, "tgt_en": 0.1}, 2000, seed=3,
                        template="{question}\n")
    share = {k: sum(d["kind"] == k for d in docs) / len(docs) for k in ("en_en", "tgt_tgt", "tgt_en")}
    assert abs(share["en_en"] - 0.7) < 0.04 and abs(share["tgt_en"] - 0.1) < 0.03
    code_switched = next(d for d in docs if d["kind"] == "tgt_en")
    assert "질문" in code_switched["text"] and "The answer is" in code_switched["text"]
    again = build_corpus(items, "ko", {"en_en": 0.7, "tgt_tgt": 0.2, "tgt_en": 0.1}, 2000, seed=3,
                         template="{question}\n")
    assert docs == again


def test_corpus_does_not_depend_on_mix_key_order():
    items = [{"id": f"i{i}", "answer": str(i), "renderings": {
        "en": {"question": f"Q{i}?", "solution": f"{i} + 0 = {i}."},
        "ko": {"question": f"질문 {i}?", "solution": f"{i} 더하기 0은 {i}입니다."}}} for i in range(20)]
    one = build_corpus(items, "ko", {"en_en": 0.5, "tgt_tgt": 0.3, "tgt_en": 0.2}, 200, seed=1, template="{question}\n")
    two = build_corpus(items, "ko", {"tgt_en": 0.2, "en_en": 0.5, "tgt_tgt": 0.3}, 200, seed=1, template="{question}\n")
    assert one == two


def test_corpus_rejects_unknown_kind():
    import pytest

    with pytest.raises(ValueError, match="unknown corpus kinds"):
        build_corpus([], "ko", {"en_xx": 1.0}, 10, seed=0, template="{question}\n")


def test_english_only_families_never_get_target_language_reasoning(tmp_path) -> None:
    world.write_world(tmp_path, {"train": {"n": 120}}, seed=4, languages=["en", "ko"],
                      families={"shopping": 1, "units": 1})
    items = read_jsonl(tmp_path / "parallel.jsonl")
    mix = {"en_en": 0.5, "tgt_tgt": 0.3, "tgt_en": 0.2}
    docs = build_corpus(items, "ko", mix, 600, seed=0, template="{question}\n", english_only=["units"])
    by_kind = {k: {d["family"] for d in docs if d["kind"] == k} for k in mix}
    assert by_kind["tgt_tgt"] == {"shopping"}
    assert by_kind["en_en"] == {"shopping", "units"} and by_kind["tgt_en"] == {"shopping", "units"}
    assert not any("1다스는" in d["text"] or "1주는" in d["text"] or "1년은" in d["text"] for d in docs)
    # without English-only families the corpus is the one drawn before the knob existed
    plain = build_corpus(items, "ko", mix, 600, seed=0, template="{question}\n")
    assert any(d["kind"] == "tgt_tgt" and d["family"] == "units" for d in plain)
    assert plain == build_corpus(items, "ko", mix, 600, seed=0, template="{question}\n", english_only=())
    with pytest.raises(ValueError, match="English-only family"):
        build_corpus([it for it in items if it["family"] == "units"], "ko", mix, 10, 0, "{question}\n",
                     english_only=["units"])
