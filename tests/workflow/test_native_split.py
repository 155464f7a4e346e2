"""A native benchmark split through the real DAG: rule translate writes the benchmark's own target-language records
(no translator), every checkpoint is evaluated on it, and a language it does not cover fails at parse time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from support import MICRO, job_stats, snakemake

QUESTIONS = {"en": ["Find $x$ if $2x = 1$.", "Compute $3 + 4$."],
             "ko": ["$2x = 1$이면 $x$는?", "$3 + 4$를 계산하시오."]}
ANSWERS = ["\\frac{1}{2}", "7"]


def write_mmath(root: Path) -> Path:
    """A two-item MMATH in the GitHub layout (``{lang}.json`` arrays), Korean listed in reverse order."""
    root.mkdir()
    for lang, questions in QUESTIONS.items():
        rows = [{"question": q, "answer": a, "data_source": "math500", "data_source_id": gid, "lang": lang,
                 "gid": gid} for gid, (q, a) in enumerate(zip(questions, ANSWERS, strict=True))]
        (root / f"{lang}.json").write_text(json.dumps(rows[::-1] if lang == "ko" else rows, ensure_ascii=False))
    return root


def native_config(tmp_path: Path, split: dict, **changes) -> Path:
    cfg = yaml.safe_load(MICRO.read_text())
    cfg["data"]["splits"]["bench"] = split
    cfg.update(changes)
    path = tmp_path / "native.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    return path


def test_translate_of_a_native_split_writes_the_benchmark_records(tmp_path):
    config = native_config(tmp_path, {"source": "mmath", "path": str(write_mmath(tmp_path / "mmath"))})
    run = snakemake(tmp_path, "--cores", "1", "results/data/ko/bench.jsonl", configs=(config,), timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    data = tmp_path / "results" / "data"
    english = [json.loads(line) for line in (data / "source" / "bench.jsonl").read_text().splitlines()]
    korean = [json.loads(line) for line in (data / "ko" / "bench.jsonl").read_text().splitlines()]
    assert [r["id"] for r in korean] == [r["id"] for r in english] == ["mmath-bench-00000", "mmath-bench-00001"]
    assert [r["question"] for r in korean] == QUESTIONS["ko"] and [r["answer"] for r in korean] == ANSWERS
    assert all(r["lang"] == "ko" and r["source"] == "mmath" for r in korean)
    summary = json.loads((data / "ko" / "bench.summary.json").read_text())
    assert (summary["native"], summary["backend"], summary["benchmark"]) == (True, "native", "MMATH")
    assert (summary["n_items"], summary["written"], summary["translated"], summary["backend_calls"]) == (2, 2, 0, 0)
    qc = pq.read_table(data / "ko" / "bench.qc.parquet").to_pylist()
    assert [(row["backend"], row["ok"]) for row in qc] == [("native", True)] * 2
    report = json.loads((data / "source" / "prepare_report.json").read_text())
    assert report["bench"]["native"] and report["bench"]["n_records"] == 2

    # listed in eval.splits, the split gets an evaluation of every checkpoint; its records are not made again
    eval_config = native_config(tmp_path, {"source": "mmath", "path": str(tmp_path / "mmath")},
                                eval={**yaml.safe_load(MICRO.read_text())["eval"], "splits": ["test", "bench"]})
    plan = snakemake(tmp_path, "-n", configs=(eval_config,), timeout=120)
    assert plan.returncode == 0, plan.stderr[-2000:]
    evaluated = set(re.findall(r"split=bench, checkpoint=(\w+)", plan.stdout))
    assert evaluated == {"base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc"}
    assert job_stats(plan.stdout)["translate"] == 2  # train and test only
    assert not re.search(r"wildcards: root=results, lang=ko, split=bench$", plan.stdout, re.M)


def test_a_target_language_the_benchmark_lacks_fails_before_any_job(tmp_path):
    config = native_config(tmp_path, {"source": "mgsm", "path": str(tmp_path)})
    run = snakemake(tmp_path, "-n", configs=(config,), timeout=120)
    assert run.returncode != 0
    assert "data.splits.bench (source mgsm, MGSM) does not cover target language(s) ko" in run.stdout + run.stderr
