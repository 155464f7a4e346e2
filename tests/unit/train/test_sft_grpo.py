"""SFT warm-start and GRPO on the micro world, through the stage functions the rules call, with the micro
config's settings."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.jsonl import read_jsonl
from pipeline.measure.composition import cot_compositions
from pipeline.measure.rewards import LanguageConsistencyReward
from pipeline.runinfo import RunInfo
from pipeline.store import connect_readonly, ingest
from pipeline.train.grpo import clear_stale_completions, print_completions, prompt_text, run_grpo
from support import PROMPT


def test_sft_writes_model_log_and_run(sft_dir):
    run = json.loads((sft_dir / "run.json").read_text())
    assert run["global_step"] == 2 and run["parent_run_id"] == "ko/seed0/base"
    assert run["params"]["lr"] == 5e-4 and run["params"]["prompt"]["style"] == "plain"
    assert any("loss" in r for r in read_jsonl(sft_dir / "train_log.jsonl"))
    assert (sft_dir / "model" / "config.json").exists() and not (sft_dir / "checkpoints").exists()


def test_grpo_logs_every_rollout_with_reward_components(lab, sft_dir, micro, capsys):
    out = lab / "grpo_acc_lc"
    info = RunInfo("ko/seed0/grpo_acc_lc", "grpo", "ko", 0, {}, arm="acc_lc", parent_run_id="ko/seed0/sft")
    cfg = {**micro.grpo("acc_lc"), "steps": 2, "loss_type": "grpo", "print_completions": 2}
    reward = micro.reward("acc_lc")
    run_grpo(str(sft_dir / "model"), lab / "ko_train.jsonl", out, info, cfg, reward, PROMPT)
    printed = capsys.readouterr().out
    for step in (1, 2):  # the first 2 completions of each step as plain text with their rewards, no rich table
        assert printed.count(f"--- step {step} completion 2/2: reward_accuracy=") == 1
        assert f"--- step {step} completion 3/" not in printed
    assert "reward_lang_consistency=" in printed and "advantage=" in printed and "┃" not in printed
    roll = pd.read_parquet(out / "rollouts.parquet")
    assert len(roll) == 16 and sorted(roll["step"].unique()) == [1, 2]
    for col in ("item_id", "reward_accuracy", "reward_lang_consistency", "advantage", "target_share",
                "en_share", "first_switch_frac", "correct"):
        assert col in roll.columns
    assert roll["item_id"].str.startswith("world-train-").all()
    expected = roll["reward_accuracy"] + 0.5 * roll["reward_lang_consistency"]
    assert (roll["reward"] - expected).abs().max() < 1e-9
    assert roll["target_share"].between(0, 1).all()
    recomputed = cot_compositions(roll["completion"].tolist(), "ko")
    assert roll["target_share"].tolist() == pytest.approx([c.target_share for c in recomputed])
    assert roll["n_words"].tolist() == [c.n_words for c in recomputed]
    run = json.loads((out / "run.json").read_text())
    assert run["params"]["loss_type"] == "grpo" and run["params"]["beta"] == 0.0
    assert run["reward"]["weights"][-1] == 0.5 and run["global_step"] == 2
    assert (run["device"], run["dtype"], run["n_accelerators"]) == ("cpu", "float32", 0)


@pytest.mark.parametrize("variant", ["trit_gated", "same_language"])
def test_grpo_trains_on_a_zoo_variant_that_reads_answers_and_prompts(lab, sft_dir, micro, variant, tmp_path):
    """TRL passes the ``answer`` column and the prompts to the reward zoo; the logged reward is the variant's."""
    out = tmp_path / "results" / "ko" / "seed0" / f"grpo_{variant}"
    info = RunInfo(f"ko/seed0/grpo_{variant}", "grpo", "ko", 0, {}, arm=variant, parent_run_id="ko/seed0/sft")
    cfg = {**micro.grpo("acc_lc"), "steps": 1, "loss_type": "grpo"}
    reward = {**micro.reward("acc_lc"), "lc_variant": variant, "lc_weight": 1.0, "accuracy_weight": 0.0}
    run_grpo(str(sft_dir / "model"), lab / "ko_train.jsonl", out, info, cfg, reward, PROMPT)
    roll = pd.read_parquet(out / "rollouts.parquet")
    assert len(roll) == 8 and (roll["reward"] - roll["reward_lang_consistency"]).abs().max() < 1e-9
    lc = LanguageConsistencyReward(variant)
    golds = {r["id"]: r["answer"] for r in read_jsonl(lab / "ko_train.jsonl")}
    expected = lc(roll["completion"].tolist(), lang="ko", answer=[golds[i] for i in roll["item_id"]],
                  prompts=roll["prompt"].tolist())
    assert roll["reward_lang_consistency"].tolist() == pytest.approx(expected)
    assert json.loads((out / "run.json").read_text())["reward"]["lc_variant"] == variant
    ingest(tmp_path / "results", tmp_path / "c.duckdb")  # the variant and its rewards reach the store
    with connect_readonly(tmp_path / "c.duckdb") as con:
        assert con.execute("SELECT arm, lc_variant, lc_weight, accuracy_weight FROM runs").fetchall() == [
            (variant, variant, 1.0, 0.0)]
        stored = con.execute("SELECT reward_lang_consistency FROM rollouts ORDER BY step, item_id").fetchall()
    assert sorted(v for (v,) in stored) == pytest.approx(sorted(expected))


def test_chat_prompts_are_stored_as_the_model_saw_them(sft_dir):
    import numpy as np
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(sft_dir / "model")
    tok.chat_template = "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}<assistant>"
    from_parquet = np.array([{"role": "system", "content": "Reason in Korean."},
                             {"role": "user", "content": "질문"}], dtype=object)
    assert prompt_text(from_parquet, tok) == "<system>Reason in Korean.<user>질문<assistant>"
    assert prompt_text("plain question\n", tok) == "plain question\n"


def test_completions_print_as_plain_text(capsys):
    chat = [[{"role": "assistant", "content": "답은 5입니다."}], [{"role": "assistant", "content": "x"}]]
    print_completions(["p1", "p2"], chat, {"accuracy_reward": [1.0, 0.0]}, [0.5, -0.5], step=3, num_samples=1)
    expected = "\n--- step 3 completion 1/1: reward_accuracy=1.000  advantage=0.500\n답은 5입니다.\n"
    assert capsys.readouterr().out == expected


def test_stale_completions_of_an_earlier_longer_run_are_removed(tmp_path):
    comp = tmp_path / "completions"
    comp.mkdir()
    for step in range(1, 8):
        pd.DataFrame({"step": [step]}).to_parquet(comp / f"completions_{step:05d}.parquet")
    assert clear_stale_completions(comp, 5) == 2  # resuming from checkpoint-5: steps 6-7 are re-run
    assert sorted(f.name for f in comp.iterdir())[-1] == "completions_00005.parquet"
    assert clear_stale_completions(comp, 0) == 5 and not list(comp.iterdir())  # fresh run: nothing kept
    assert clear_stale_completions(tmp_path / "missing", 0) == 0


def test_sft_whose_every_example_is_cut_off_fails_naming_max_length(lab, micro, tmp_path):
    from pipeline.train.sft import run_sft

    info = RunInfo("ko/seed0/sft", "sft", "ko", 0, {}, parent_run_id="ko/seed0/base")
    with pytest.raises(ValueError, match="were dropped by the trainer.*max_length 4"):
        run_sft(str(lab / "base" / "model"), lab / "ko_train.jsonl", tmp_path / "sft", info,
                {**micro.sft(), "max_length": 4}, PROMPT)
