"""The paper experiment's DAG end to end, offline (slow): config/paper_gsm8k.yaml with the smoke overlay
config/smoke/paper_offline.yaml on the stand-ins of tools/standins.py (tiny random Qwen2.5-style instruct model
with a real ChatML template, tiny random M2M100 translator, local GSM8K / MATH-500 slices)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from transformers import AutoTokenizer, RepetitionPenaltyLogitsProcessor, TopKLogitsWarper, TopPLogitsWarper

from pipeline.devices import Placement
from pipeline.evaluate.engines import HFEngine, decodings
from pipeline.prompts import build_prompt
from pipeline.settings import Settings, load_config
from support import ROOT, merged, shared_data, snakemake

PAPER = ROOT / "config" / "paper_gsm8k.yaml"
OVERLAY = ROOT / "config" / "smoke" / "paper_offline.yaml"
CONFIGS = (PAPER, OVERLAY)
CHECKPOINTS = ("base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc")
SPLITS = ("test", "math500")
REPR_MARKERS = ("[{'role'", "{'role'", "{\"role\"", "'content':")  # a chat message list stored as its repr


def plain_text(values) -> list[str]:
    """The values that are not plain text: not a str, or a str holding a chat message's Python repr."""
    return [v for v in values if not isinstance(v, str) or any(m in v for m in REPR_MARKERS)]


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory) -> Path:
    """Stand-ins built into <workdir>/standins and the default target run on both config files."""
    work = tmp_path_factory.mktemp("paper_offline")
    built = subprocess.run([sys.executable, str(ROOT / "tools" / "standins.py"), str(work / "standins"),
                            "--shared", str(shared_data())], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    run = snakemake(work, "--cores", "2", configs=CONFIGS, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    return work


@pytest.mark.slow
def test_paper_config_offline_end_to_end(paper_run):
    """The store filled, rollouts as plain text with the system prompt, recovery = sft settings except what
    recovery sets, both eval splits, translation QC failures kept and counted, LoRA merged, nothing to redo."""
    tmp_path = paper_run

    settings = Settings(load_config(*CONFIGS))
    assert settings.checkpoints() == list(CHECKPOINTS) and settings.eval_splits == list(SPLITS)
    system = settings.config["prompt"]["system"].format(language="Korean")
    results = tmp_path / "results"
    db = tmp_path / settings.store
    with duckdb.connect(str(db), read_only=True) as con:
        def count(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        for table in ("runs", "train_metrics", "rollouts", "eval_samples", "eval_summary", "translation_qc"):
            assert count(f"SELECT count(*) FROM {table}") > 0, f"DuckDB table {table} is empty"
        stages = con.execute("SELECT stage, arm FROM runs WHERE stage != 'eval' ORDER BY stage, arm").fetchall()
        assert stages == [("grpo", "acc"), ("grpo", "acc_lc"), ("recovery", "acc"), ("sft", None)]  # hub base
        assert con.execute("SELECT split, count(*) FROM runs WHERE stage = 'eval' GROUP BY split "
                           "ORDER BY split").fetchall() == [("math500", 5), ("test", 5)]
        assert con.execute("SELECT split, count(DISTINCT checkpoint_run_id) FROM eval_summary GROUP BY split "
                           "ORDER BY split").fetchall() == [("math500", 5), ("test", 5)]
        assert count("SELECT count(*) FROM eval_summary WHERE accuracy NOT BETWEEN 0 AND 1") == 0

        # rollouts: the completion as text, the prompt as the model saw it (ChatML with the paper's system message)
        stored = con.execute("SELECT r.run_id, step, prompt, completion FROM rollouts r ORDER BY ALL").df()
        assert sorted(set(stored.run_id)) == ["ko/seed0/grpo_acc", "ko/seed0/grpo_acc_lc"]
        assert stored.groupby("run_id").step.max().tolist() == [4, 4]
        assert plain_text(stored.completion) == [], "DuckDB rollouts.completion holds non-text / chat reprs"
        assert plain_text(stored.prompt) == [], "DuckDB rollouts.prompt holds non-text / chat reprs"
        missing = stored[~stored.prompt.str.contains(system, regex=False)]
        assert missing.empty, f"DuckDB rollouts.prompt without the system message: {missing.prompt.iloc[0]!r}"
        eval_completions = con.execute("SELECT completion FROM eval_samples").df().completion
        assert plain_text(eval_completions) == []
        # translation went through the hf backend; QC failures are kept, flagged and counted, never dropped
        qc = con.execute("SELECT split, backend, count(*), count(*) FILTER (WHERE NOT ok), "
                         "count(*) FILTER (WHERE dropped) FROM translation_qc GROUP BY ALL ORDER BY split").fetchall()
        assert [(s, b) for s, b, *_ in qc] == [("math500", "hf"), ("test", "hf"), ("train", "hf")]
        assert all(n_failed > 0 and n_dropped == 0 for *_, n_failed, n_dropped in qc), qc

    for arm in ("acc", "acc_lc"):
        rollouts = pd.read_parquet(results / f"ko/seed0/grpo_{arm}/rollouts.parquet")
        assert len(rollouts) > 0
        assert plain_text(rollouts.completion) == [], f"grpo_{arm}/rollouts.parquet completion not plain text"
        assert plain_text(rollouts.prompt) == [], f"grpo_{arm}/rollouts.parquet prompt not plain text"
        assert rollouts.prompt.str.startswith(f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n").all(), \
            rollouts.prompt.iloc[0][:300]
        assert rollouts.prompt.str.endswith("<|im_end|>\n<|im_start|>assistant\n").all()
        grpo = json.loads((results / f"ko/seed0/grpo_{arm}/run.json").read_text())
        assert grpo["params"]["beta"] > 0 and grpo["params"]["loss_type"] == "grpo" and not grpo["params"]["lora"]
        assert (grpo["device"], grpo["dtype"], grpo["n_accelerators"]) == ("cpu", "float32", 0)
        assert grpo["global_step"] == 4 and grpo["n_rollouts"] == len(rollouts) and grpo["use_vllm"] is False
        assert not list((results / f"ko/seed0/grpo_{arm}").glob("checkpoint-*"))
        log = (results / f"logs/grpo/ko_seed0_{arm}.log").read_text()  # the first completion per step, plain text
        assert log.count("--- step 1 completion 1/1: reward_accuracy=") == 1 and "┃" not in log
    for trained in ("sft", "recovery_acc"):  # LoRA (recovery inherits sft's), merged into a plain checkpoint
        assert json.loads((results / f"ko/seed0/{trained}/run.json").read_text())["params"]["lora"]["r"] == 4
        model = results / f"ko/seed0/{trained}/model"
        assert (model / "model.safetensors").is_file() and not (model / "adapter_config.json").exists()
    # the system message in the prompt is the paper's, not the chat template's default one
    assert build_prompt("q", "ko", "chat", "{question}", settings.config["prompt"]["system"])[0]["content"] == system

    # recovery: the sft section's settings wherever the recovery section sets nothing
    sft = json.loads((results / "ko/seed0/sft/run.json").read_text())["params"]
    recovery = json.loads((results / "ko/seed0/recovery_acc/run.json").read_text())["params"]
    own = set(merged(*CONFIGS)["recovery"]) - {"arms"}
    assert own == {"steps"}
    for key, value in sft.items():
        if key in ("enabled", "model_path"):
            continue
        expected = merged(*CONFIGS)["recovery"][key] if key in own else value
        assert recovery.get(key) == expected, f"recovery params[{key!r}] = {recovery.get(key)!r}, expected {expected!r}"
    assert {k: recovery[k] for k in settings.recovery()} == settings.recovery()
    assert recovery["model_path"] == "results/ko/seed0/grpo_acc/model"

    # every checkpoint on both eval splits; decoding never takes the hub generation_config's sampling defaults
    for split in SPLITS:
        for checkpoint in CHECKPOINTS:
            summary = json.loads((results / f"ko/seed0/eval/{split}/{checkpoint}.json").read_text())
            assert summary["split"] == split and summary["run_id"] == f"ko/seed0/{checkpoint}/eval/{split}"
            assert [(e["decoding"], e["temperature"]) for e in summary["summary"]] == [("greedy", None),
                                                                                      ("sampled", 1.0)]
            for entry in summary["summary"]:
                assert entry["generation"]["repetition_penalty"] == 1.0, entry["generation"]
                if entry["decoding"] == "sampled":
                    assert entry["generation"]["top_k"] == 0 and entry["generation"]["top_p"] == 1.0
            samples = pd.read_parquet(results / f"ko/seed0/eval/{split}/{checkpoint}.parquet")
            assert set(samples.split) == {split} and plain_text(samples.completion) == []
            source = settings.config["data"]["splits"][split]["source"]
            assert samples.item_id.str.startswith(f"{source}-{split}-").all()  # ids: {source}-{split}-NNNNN
    summary = json.loads((results / "data/ko/train.summary.json").read_text())
    assert summary["backend"] == "hf" and summary["written"] == summary["n_items"] == 48
    assert summary["kept_flagged"] == summary["failed"] > 0 and summary["dropped"] == 0
    findings = json.loads((results / "findings.json").read_text())
    assert [(r["lang"], r["seed"], r["acc_arm"], r["lc_arm"]) for r in findings["per_seed"]] == \
        [("ko", 0, "acc", "acc_lc")]
    for name in ("drift", "irreversibility", "tradeoff"):
        assert (results / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    again = snakemake(tmp_path, "-n", configs=CONFIGS, timeout=180)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr, again.stdout[-3000:]


@pytest.mark.slow
def test_evaluation_applied_exactly_the_recorded_decoding(paper_run):
    """Re-generate the hub stand-in's evaluation with the settings its eval JSON records: the same completions come
    out, and transformers builds no processor from the checkpoint's generation_config (repetition_penalty 1.1,
    top_k 20, top_p 0.8 in the stand-in's file, as on the hub)."""
    hub = json.loads((paper_run / "standins/qwen2.5-tiny-instruct/generation_config.json").read_text())
    assert (hub["repetition_penalty"], hub["top_k"], hub["top_p"]) == (1.1, 20, 0.8)
    saved = json.loads((paper_run / "results/ko/seed0/sft/model/generation_config.json").read_text())
    assert not {"repetition_penalty", "top_k", "top_p", "temperature", "do_sample"} & set(saved)
    meta = json.loads((paper_run / "results/ko/seed0/eval/test/base.json").read_text())
    stored = pd.read_parquet(paper_run / "results/ko/seed0/eval/test/base.parquet")
    cfg, prompt_cfg = meta["params"], meta["params"]["prompt"]
    model = paper_run / "standins/qwen2.5-tiny-instruct"
    tok = AutoTokenizer.from_pretrained(model)
    tok.pad_token = tok.pad_token or tok.eos_token
    engine = HFEngine(str(model), tok, Placement(meta["device"], meta["dtype"], 0), cfg["batch_size"])
    records = [json.loads(line) for line in (paper_run / "results/data/ko/test.jsonl").open()][: cfg["n_items"]]
    prompts = [build_prompt(r["question"], "ko", prompt_cfg["style"], prompt_cfg["template"], prompt_cfg["system"])
               for r in records]
    seen: list = []
    original = engine.model._get_logits_processor
    engine.model._get_logits_processor = lambda *a, **k: seen.extend(out := original(*a, **k)) or out
    recorded = {s["decoding"]: s["generation"] for s in meta["summary"]}
    for dec in decodings(cfg, meta["seed"]):
        assert engine.applied(dec) == recorded[dec.decoding]
        seen.clear()
        again = [text for texts in engine.generate(prompts, dec) for text in texts]
        rows = stored[stored["decoding"] == dec.decoding]  # written in record order, samples in order
        assert rows["item_id"].tolist() == [r["id"] for r in records for _ in range(dec.n)]
        assert again == rows["completion"].tolist(), dec.decoding
        assert not {type(p) for p in seen} & {RepetitionPenaltyLogitsProcessor, TopKLogitsWarper, TopPLogitsWarper}
