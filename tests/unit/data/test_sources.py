"""Dataset loaders (pipeline.data.sources) on the real GSM8K / MATH-500 files, and at the hub boundary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.data.sources import SourceError, gsm8k_solution, load_records, load_records_with_report
from pipeline.jsonl import JsonlError
from support import SHARED_DATA

GSM8K = SHARED_DATA / "gsm8k"
MATH500 = SHARED_DATA / "math500" / "test.jsonl"
RECORD_KEYS = {"id", "source", "split", "lang", "question", "solution", "answer", "difficulty"}

needs_data = pytest.mark.skipif(not GSM8K.exists(), reason="shared GSM8K/MATH-500 files not present")


def _raw(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@needs_data
@pytest.mark.parametrize(("split", "n"), [("train", 7473), ("test", 1319)])
def test_gsm8k_real_files(split: str, n: int) -> None:
    spec = {"source": "gsm8k", "path": str(GSM8K / f"{split}.jsonl")}
    records, report = load_records_with_report(spec, split)
    raw = _raw(GSM8K / f"{split}.jsonl")
    assert len(records) == n == report["n_records"] == report["n_read"]
    assert report["n_skipped_no_answer"] == 0
    for i, (rec, row) in enumerate(zip(records, raw, strict=True)):
        assert set(rec) == RECORD_KEYS
        assert rec["id"] == f"gsm8k-{split}-{i:05d}"
        assert rec["lang"] == "en" and rec["source"] == "gsm8k" and rec["split"] == split
        assert rec["difficulty"] is None
        # gold matches the #### line, commas removed (independent parse of the raw file)
        final = re.search(r"####\s*(.+?)\s*$", row["answer"]).group(1).replace(",", "")
        assert rec["answer"] == final
        assert "<<" not in rec["solution"] and ">>" not in rec["solution"] and "####" not in rec["solution"]
        assert rec["question"] == row["question"].strip()
    assert len({r["id"] for r in records}) == n


@needs_data
def test_gsm8k_solution_text() -> None:
    rec = load_records({"source": "gsm8k", "path": str(GSM8K / "test.jsonl"), "limit": 1}, "test")[0]
    assert rec["solution"] == ("Janet sells 16 - 3 - 4 = 9 duck eggs a day.\n"
                               "She makes 9 * 2 = $18 every day at the farmer\u2019s market.")
    assert rec["answer"] == "18"
    assert gsm8k_solution("a 2*3=<<2*3=6>>6\n#### 6\n") == "a 2*3=6"


@needs_data
def test_math500_real_file() -> None:
    records, report = load_records_with_report({"source": "math500", "path": str(MATH500)}, "test")
    raw = _raw(MATH500)
    assert len(records) == 500 and report["n_skipped_no_answer"] == 0 and report["n_gold_mismatch"] == 0
    for i, (rec, row) in enumerate(zip(records, raw, strict=True)):
        assert rec["id"] == f"math500-test-{i:05d}"
        assert rec["answer"] == row["answer"]  # last \boxed{} of the solution == the dataset's answer field
        assert "\\boxed" in rec["solution"]  # boxed text kept for MATH
        assert rec["difficulty"] == row["level"] and rec["difficulty"] in {1, 2, 3, 4, 5}
        assert rec["question"] == row["problem"].strip()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_broken_line_names_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"question": "q", "answer": "x\n#### 3"})
    path = _write(tmp_path / "g.jsonl", [good, good, '{"question": "q", "answer": '])
    with pytest.raises(JsonlError, match=r"g\.jsonl:3"):
        load_records({"source": "gsm8k", "path": str(path)}, "train")


def test_missing_gold_is_counted_skip_and_ids_stay_stable(tmp_path: Path) -> None:
    rows = [{"question": "q0", "answer": "a\n#### 1"}, {"question": "q1", "answer": "no final line"},
            {"question": "q2", "answer": "b <<1+1=2>>2\n#### 2"}]
    path = _write(tmp_path / "g.jsonl", [json.dumps(r) for r in rows])
    records, report = load_records_with_report({"source": "gsm8k", "path": str(path)}, "dev")
    assert [r["id"] for r in records] == ["gsm8k-dev-00000", "gsm8k-dev-00002"]
    assert report["n_read"] == 3 and report["n_skipped_no_answer"] == 1
    assert report["skipped_ids"] == ["gsm8k-dev-00001"]
    assert records[1]["solution"] == "b 2"
    limited = load_records({"source": "gsm8k", "path": str(path), "limit": 1}, "dev")
    assert [r["id"] for r in limited] == ["gsm8k-dev-00000"]


def test_bad_specs_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unknown"):
        load_records({"source": "aime", "path": "x.jsonl"}, "test")  # mgsm is a source now (native.py)
    with pytest.raises(SourceError, match="does not exist"):
        load_records({"source": "gsm8k", "path": str(tmp_path / "nope.jsonl")}, "test")
    path = _write(tmp_path / "m.jsonl", [json.dumps({"question": "q", "solution": "\\boxed{1}"})])
    with pytest.raises(SourceError, match="missing field 'problem'"):
        load_records({"source": "math500", "path": str(path)}, "test")
    with pytest.raises(SourceError, match="limit"):
        load_records({"source": "gsm8k", "path": str(path), "limit": -1}, "test")
    with pytest.raises(SourceError, match="difficulty"):
        load_records({"source": "simplerl", "path": str(path), "difficulty": "extreme"}, "train")


def test_simplerl_parquet_and_directory_layout(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [  # the hub files' shape: question + extra_info.answer (a gt_answer column also accepted)
        {"question": "What is 2+3?", "gt_answer": None, "extra_info": {"answer": "5"}},
        {"question": "Compute 1/2 + 1/2.", "gt_answer": "1", "extra_info": None},
        {"question": "No answer here", "gt_answer": None, "extra_info": {"answer": None}},
    ]
    subset = tmp_path / "zoo" / "simplelr_qwen_level1to4"
    subset.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows), subset / "train.parquet")
    spec = {"source": "simplerl", "path": str(tmp_path / "zoo"), "difficulty": "medium"}
    records, report = load_records_with_report(spec, "train")
    assert [r["answer"] for r in records] == ["5", "1"]
    assert records[0]["id"] == "simplerl-medium-train-00000" and records[0]["solution"] == ""
    assert records[0]["difficulty"] == "medium" and report["n_skipped_no_answer"] == 1
    direct = load_records({"source": "simplerl", "path": str(subset / "train.parquet")}, "train")
    assert [r["id"] for r in direct] == ["simplerl-train-00000", "simplerl-train-00001"]


def test_hub_loading_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    """``datasets.load_dataset`` is called with the right arguments; no network is touched."""
    import datasets

    calls: list[tuple[tuple, dict]] = []
    tables = {
        "openai/gsm8k": [{"question": "Q?", "answer": "x 1+1=<<1+1=2>>2\n#### 2"}],
        "HuggingFaceH4/MATH-500": [{"problem": "P", "solution": "so \\boxed{\\frac{1}{2}}",
                                    "answer": "\\frac{1}{2}", "subject": "Algebra", "level": 3,
                                    "unique_id": "test/a/1.json"}],
        "hkust-nlp/SimpleRL-Zoo-Data": [{"question": "Z?", "extra_info": {"answer": "7"}}],
    }

    def fake_load_dataset(path: str, *args: object, **kwargs: object) -> datasets.Dataset:
        calls.append(((path, *args), kwargs))
        return datasets.Dataset.from_list(tables[path])

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    spec = {"source": "gsm8k", "hub_id": "openai/gsm8k", "hub_config": "main", "hub_split": "test"}
    gsm = load_records(spec, "eval")
    assert calls[-1] == (("openai/gsm8k", "main"), {"split": "test"})
    assert gsm[0]["id"] == "gsm8k-eval-00000" and gsm[0]["answer"] == "2" and gsm[0]["solution"] == "x 1+1=2"
    math = load_records({"source": "math500"}, "test")
    assert calls[-1] == (("HuggingFaceH4/MATH-500", None), {"split": "test"})
    assert math[0]["answer"] == "\\frac{1}{2}" and math[0]["difficulty"] == 3
    zoo = load_records({"source": "simplerl", "difficulty": "hard"}, "train")
    assert calls[-1] == (("hkust-nlp/SimpleRL-Zoo-Data",),
                         {"data_files": {"train": "simplelr_qwen_level3to5/train.parquet"}, "split": "train"})
    assert zoo[0]["answer"] == "7" and zoo[0]["id"] == "simplerl-hard-train-00000"
