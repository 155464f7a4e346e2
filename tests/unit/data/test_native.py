"""Native multilingual benchmarks (pipeline.data.native): MMATH, PolyMath and MGSM loaders on small fixtures in
each supported local layout, the translate step that takes the benchmark's own records, and the hub boundary."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from pipeline.data import native
from pipeline.data.native import BENCHMARKS, POLYMATH_LEVELS, SourceError, load_native_with_report, run_native
from pipeline.data.prepare import run_prepare
from pipeline.data.sources import NORMALISERS, load_records_with_report
from pipeline.jsonl import read_json, read_jsonl, write_jsonl
from support import ROOT

RECORD_KEYS = {"id", "source", "split", "lang", "question", "solution", "answer", "difficulty"}
MMATH_ITEMS = [  # (gid, data_source, data_source_id, answer)
    (0, "aime2024", 0, "204"), (1, "math500", 3, "\\frac{14}{3}"), (2, "cnmo", 7, "\\sqrt{2}+1")]
MMATH_LANGS = ("en", "ko", "zh", "ja")
MGSM_ANSWERS = ("18", "3", "70000")


def mmath_rows(lang: str) -> list[dict]:
    return [{"question": f"[{lang}] question {gid} with $x^{gid}$", "answer": answer, "data_source": source,
             "data_source_id": sid, "lang": lang, "gid": gid} for gid, source, sid, answer in MMATH_ITEMS]


def write_mmath_dir(root: Path, langs: tuple[str, ...] = MMATH_LANGS) -> Path:
    """The GitHub layout (``mmath/{lang}.json``, JSON arrays); zh as JSON Lines to cover both."""
    root.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        if lang == "zh":
            write_jsonl(root / "zh.jsonl", mmath_rows(lang))
        else:
            (root / f"{lang}.json").write_text(json.dumps(mmath_rows(lang), ensure_ascii=False, indent=4))
    return root


def write_mmath_file(path: Path) -> Path:
    """One file, every language, each record with its ``lang`` (languages interleaved)."""
    rows = [row for rows in zip(*(mmath_rows(lang) for lang in MMATH_LANGS), strict=True) for row in rows]
    write_jsonl(path, rows)
    return path


def write_polymath_dir(root: Path, langs: tuple[str, ...] = ("en", "ko", "zh"), n: int = 3) -> Path:
    """The hub / GitHub layout ``{lang}/{level}.jsonl`` with PolyMath ids ``{level}-{lang}-{i}``."""
    for lang in langs:
        for level in POLYMATH_LEVELS:
            rows = [{"id": f"{level}-{lang}-{i}", "question": f"[{lang}] {level} problem {i}",
                     "answer": f"{i + 1}"} for i in range(n)]
            write_jsonl(root / lang / f"{level}.jsonl", rows)
    return root


def write_mgsm_dir(root: Path, langs: tuple[str, ...] = ("en", "zh", "ja", "ru")) -> Path:
    """MGSM's original files: ``mgsm_{lang}.tsv``, question TAB answer_number, no header."""
    root.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        lines = [f"[{lang}] Janet's ducks lay {i} eggs.\t{answer}" for i, answer in enumerate(MGSM_ANSWERS)]
        (root / f"mgsm_{lang}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


# -- loaders -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["directory", "one_file"])
def test_mmath_languages_share_ids_and_keep_latex_answers(tmp_path, layout):
    path = write_mmath_dir(tmp_path / "mmath") if layout == "directory" else write_mmath_file(tmp_path / "all.jsonl")
    spec = {"source": "mmath", "path": str(path)}
    english, report = load_native_with_report(spec, "mm")
    assert ids(english) == ["mmath-mm-00000", "mmath-mm-00001", "mmath-mm-00002"]
    assert [r["answer"] for r in english] == ["204", "\\frac{14}{3}", "\\sqrt{2}+1"]  # LaTeX kept verbatim
    assert all(set(r) == RECORD_KEYS and r["lang"] == "en" and r["solution"] == "" for r in english)
    assert [r["difficulty"] for r in english] == ["aime2024", "math500", "cnmo"]
    assert report["native"] and report["benchmark"] == "MMATH" and report["n_records"] == 3
    for lang in ("ko", "zh", "ja"):
        records, _ = load_native_with_report(spec, "mm", lang)
        assert ids(records) == ids(english)
        assert all(r["lang"] == lang and r["question"].startswith(f"[{lang}]") for r in records)


def test_mmath_links_languages_by_gid_not_by_position(tmp_path):
    root = write_mmath_dir(tmp_path / "mmath", ("en", "ko"))
    shuffled = list(reversed(mmath_rows("ko")))
    (root / "ko.json").write_text(json.dumps(shuffled, ensure_ascii=False))
    english, _ = load_native_with_report({"source": "mmath", "path": str(root)}, "mm")
    korean, _ = load_native_with_report({"source": "mmath", "path": str(root)}, "mm", "ko")
    assert {r["id"]: r["answer"] for r in korean} == {r["id"]: r["answer"] for r in english}
    no_gid = [{k: v for k, v in row.items() if k != "gid"} for row in mmath_rows("en")]
    (root / "en.json").write_text(json.dumps(no_gid))
    fallback, _ = load_native_with_report({"source": "mmath", "path": str(root)}, "mm")
    assert ids(fallback) == ["mmath-mm-aime2024-00000", "mmath-mm-math500-00003", "mmath-mm-cnmo-00007"]


def test_polymath_levels_become_difficulty_and_ids_drop_the_language(tmp_path):
    root = write_polymath_dir(tmp_path / "polymath")
    spec = {"source": "polymath", "path": str(root), "levels": ["top", "low"]}
    english, report = load_native_with_report(spec, "pm")
    assert ids(english) == [f"polymath-pm-{lv}-{i:05d}" for lv in ("top", "low") for i in range(3)]
    assert [r["difficulty"] for r in english] == ["top"] * 3 + ["low"] * 3
    assert english[0]["answer"] == "1" and report["origin"].count(";") == 1
    korean, _ = load_native_with_report(spec, "pm", "ko")
    assert ids(korean) == ids(english) and korean[0]["question"] == "[ko] top problem 0"
    every_level, _ = load_native_with_report({"source": "polymath", "path": str(root)}, "pm")
    assert [r["difficulty"] for r in every_level[::3]] == list(POLYMATH_LEVELS)


def test_polymath_one_file_takes_language_and_level_from_the_ids(tmp_path):
    rows = [row for lang in ("en", "ko") for level in POLYMATH_LEVELS
            for row in read_jsonl(write_polymath_dir(tmp_path / "pm", (lang,)) / lang / f"{level}.jsonl")]
    write_jsonl(tmp_path / "polymath.jsonl", rows)
    spec = {"source": "polymath", "path": str(tmp_path / "polymath.jsonl"), "levels": ["medium"]}
    korean, _ = load_native_with_report(spec, "pm", "ko")
    assert ids(korean) == [f"polymath-pm-medium-{i:05d}" for i in range(3)]
    assert korean[2]["question"] == "[ko] medium problem 2"


def test_mgsm_tsv_gold_is_answer_number_as_text_and_ids_are_positions(tmp_path):
    root = write_mgsm_dir(tmp_path / "mgsm")
    english, _ = load_native_with_report({"source": "mgsm", "path": str(root)}, "mg")
    assert ids(english) == ["mgsm-mg-00000", "mgsm-mg-00001", "mgsm-mg-00002"]
    assert [r["answer"] for r in english] == ["18", "3", "70000"]
    assert all(isinstance(r["answer"], str) and r["solution"] == "" and r["difficulty"] is None for r in english)
    chinese, _ = load_native_with_report({"source": "mgsm", "path": str(root)}, "mg", "zh")
    assert ids(chinese) == ids(english) and chinese[0]["question"].startswith("[zh]")


def test_mgsm_hub_style_rows_numbers_and_exemplar_solutions(tmp_path):
    rows = [{"question": "q0", "answer": None, "answer_number": 18, "equation_solution": None},
            {"question": "q1", "answer": "Step by step. The answer is 3.", "answer_number": 3.0,
             "equation_solution": "1+2=3"}]
    write_jsonl(tmp_path / "ja.jsonl", rows)
    records, _ = load_native_with_report({"source": "mgsm", "path": str(tmp_path)}, "mg", "ja")
    assert [r["answer"] for r in records] == ["18", "3"]
    assert records[1]["solution"] == "Step by step. The answer is 3." and records[0]["solution"] == ""
    assert native.number_text("1,000") == "1000" and native.number_text(-2.5) == "-2.5"


def test_parquet_files_are_read(tmp_path):
    import pyarrow as pa

    (tmp_path / "ko").mkdir()
    pq.write_table(pa.Table.from_pylist([{"id": "low-ko-4", "question": "q", "answer": "5"}]),
                   tmp_path / "ko" / "low.parquet")
    records, _ = load_native_with_report({"source": "polymath", "path": str(tmp_path), "levels": ["low"]}, "pm", "ko")
    assert ids(records) == ["polymath-pm-low-00004"]


@pytest.mark.parametrize(("source", "limit", "n"), [("mmath", 2, 2), ("mgsm", 0, 0), ("polymath", 5, 5)])
def test_limit_is_honoured(tmp_path, source, limit, n):
    writers = {"mmath": write_mmath_dir, "mgsm": write_mgsm_dir, "polymath": write_polymath_dir}
    spec = {"source": source, "path": str(writers[source](tmp_path / source)), "limit": limit}
    records, report = load_native_with_report(spec, "s")
    assert len(records) == n == report["n_records"]
    if source == "polymath":  # over the levels in order: 3 low, then 2 medium
        assert [r["difficulty"] for r in records] == ["low"] * 3 + ["medium"] * 2
    with pytest.raises(SourceError, match="limit must be a non-negative integer"):
        load_native_with_report({**spec, "limit": -1}, "s")


def test_a_missing_language_file_names_the_files_looked_for(tmp_path):
    root = write_mmath_dir(tmp_path / "mmath", ("en", "ko"))
    with pytest.raises(SourceError, match=r"no ja file under .*mmath \(looked for ja\.jsonl, ja\.json, ja\.parquet\)"):
        load_native_with_report({"source": "mmath", "path": str(root)}, "mm", "ja")
    with pytest.raises(SourceError, match=r"mgsm_th\.tsv"):
        load_native_with_report({"source": "mgsm", "path": str(write_mgsm_dir(tmp_path / "mgsm"))}, "mg", "th")
    with pytest.raises(SourceError, match="does not exist"):
        load_native_with_report({"source": "mgsm", "path": str(tmp_path / "nowhere")}, "mg")
    with pytest.raises(SourceError, match="MGSM has no 'ko' records; it covers bn, de, en"):
        load_native_with_report({"source": "mgsm", "path": str(tmp_path / "mgsm")}, "mg", "ko")


def test_a_missing_field_names_the_file_record_and_field(tmp_path):
    root = write_mmath_dir(tmp_path / "mmath", ("en",))
    rows = mmath_rows("en")
    del rows[1]["answer"]
    (root / "en.json").write_text(json.dumps(rows))
    with pytest.raises(SourceError, match=r"en\.json record 2: missing field 'answer' \(fields present: "):
        load_native_with_report({"source": "mmath", "path": str(root)}, "mm")
    write_jsonl(tmp_path / "all.jsonl", [{k: v for k, v in r.items() if k != "lang"} for r in mmath_rows("en")])
    with pytest.raises(SourceError, match=r"all\.jsonl record 1: missing field 'lang'"):
        load_native_with_report({"source": "mmath", "path": str(tmp_path / "all.jsonl")}, "mm")
    (tmp_path / "mgsm_en.tsv").write_text("only a question\n")
    with pytest.raises(SourceError, match=r"mgsm_en\.tsv:1: expected 2 tab-separated fields"):
        load_native_with_report({"source": "mgsm", "path": str(tmp_path)}, "mg")
    write_jsonl(tmp_path / "mgsm" / "en.jsonl", [{"question": "q", "answer": None}])
    with pytest.raises(SourceError, match="missing field 'answer_number'"):
        load_native_with_report({"source": "mgsm", "path": str(tmp_path / "mgsm")}, "mg")


def test_sources_and_prepare_delegate_native_splits(tmp_path):
    spec = {"source": "mgsm", "path": str(write_mgsm_dir(tmp_path / "mgsm")), "limit": 2}
    records, report = load_records_with_report(spec, "mg")
    assert ids(records) == ["mgsm-mg-00000", "mgsm-mg-00001"] and report["benchmark"] == "MGSM"
    prepared = run_prepare(tmp_path / "source", {"mg": spec}, {}, ["en"])
    assert prepared["mg"]["n_records"] == 2 and read_jsonl(tmp_path / "source" / "mg.jsonl") == records
    with pytest.raises(SourceError, match="choose one of .*'mgsm'.*'polymath'"):
        load_records_with_report({"source": "nope"}, "x")


# -- the translate step: the benchmark's own records --------------------------------------------------------------
def _translate(tmp_path: Path, spec: dict, lang: str, split: str = "mm") -> tuple[dict, list[dict], list[dict]]:
    english, _ = load_native_with_report(spec, split)
    write_jsonl(tmp_path / "source.jsonl", english)
    out = tmp_path / lang
    summary = run_native(tmp_path / "source.jsonl", out / f"{split}.jsonl", out / f"{split}.qc.parquet",
                         out / f"{split}.summary.json", lang, spec, split)
    assert read_json(out / f"{split}.summary.json") == json.loads(json.dumps(summary))
    return summary, read_jsonl(out / f"{split}.jsonl"), pq.read_table(out / f"{split}.qc.parquet").to_pylist()


def test_run_native_writes_the_benchmark_records_and_never_translates(tmp_path, monkeypatch):
    from pipeline.data.translate import runner

    monkeypatch.setattr(runner, "make_backend", lambda cfg: pytest.fail("a translator was built"))
    spec = {"source": "mmath", "path": str(write_mmath_dir(tmp_path / "mmath")), "limit": 2}
    summary, records, qc = _translate(tmp_path, spec, "ko")
    assert ids(records) == ["mmath-mm-00000", "mmath-mm-00001"]  # the English ids, limit included
    assert [r["question"] for r in records] == [row["question"] for row in mmath_rows("ko")[:2]]
    assert all(r["lang"] == "ko" and r["source"] == "mmath" for r in records)
    assert [r["answer"] for r in records] == ["204", "\\frac{14}{3}"]
    assert summary["native"] is True and summary["backend"] == "native" and summary["benchmark"] == "MMATH"
    assert (summary["n_items"], summary["written"], summary["dropped"], summary["translated"]) == (2, 2, 0, 0)
    assert summary["backend_calls"] == 0 and summary["native_records"] == 3
    assert [(row["id"], row["backend"], row["ok"], row["flags"]) for row in qc] == [
        ("mmath-mm-00000", "native", True, []), ("mmath-mm-00001", "native", True, [])]


def test_run_native_drops_and_counts_ids_the_language_lacks(tmp_path):
    root = write_mmath_dir(tmp_path / "mmath", ("en", "ko"))
    korean = mmath_rows("ko")
    korean[2]["answer"] = "1+\\sqrt{2}"  # the same value written differently: kept, flagged
    (root / "ko.json").write_text(json.dumps(korean[1:], ensure_ascii=False))
    summary, records, qc = _translate(tmp_path, {"source": "mmath", "path": str(root)}, "ko")
    assert ids(records) == ["mmath-mm-00001", "mmath-mm-00002"] and records[1]["answer"] == "1+\\sqrt{2}"
    assert (summary["dropped"], summary["failed"], summary["missing_ids"]) == (1, 1, ["mmath-mm-00000"])
    assert summary["answer_differs"] == 1
    assert summary["flag_counts"] == {native.FLAG_MISSING: 1, native.FLAG_ANSWER_DIFFERS: 1}
    assert qc[0]["dropped"] and "no ko record" in qc[0]["error"] and qc[2]["flags"] == [native.FLAG_ANSWER_DIFFERS]
    (root / "ko.json").write_text(json.dumps([{**r, "gid": r["gid"] + 10} for r in korean]))
    with pytest.raises(SourceError, match="none of the 3 ids .* has a ko record"):
        _translate(tmp_path, {"source": "mmath", "path": str(root)}, "ko")


# -- the hub boundary (a stand-in for datasets.load_dataset: nothing is downloaded) -------------------------------
@pytest.fixture
def fake_hub(monkeypatch):
    calls: list[tuple] = []
    tables = {("Qwen/PolyMath", "ko", "low"): [{"id": "low-ko-0", "question": "q", "answer": "7"}],
              ("juletxara/mgsm", "zh", "test"): [{"question": "q", "answer": None, "answer_number": 18}],
              ("RUCAIBox/MMATH", None, "test"): mmath_rows("ko")}

    def load_dataset(hub_id, config=None, split=None, **kwargs):
        calls.append((hub_id, config, split, kwargs))
        return tables[(hub_id, config, split)]

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))
    return calls


def test_hub_defaults_fill_language_and_level(fake_hub):
    records, report = load_native_with_report({"source": "polymath", "levels": ["low"]}, "pm", "ko")
    assert ids(records) == ["polymath-pm-low-00000"] and report["origin"] == "Qwen/PolyMath (ko, split low)"
    records, _ = load_native_with_report({"source": "mgsm"}, "mg", "zh")
    assert records[0]["answer"] == "18"
    records, _ = load_native_with_report({"source": "mmath"}, "mm", "ko")
    assert ids(records) == ["mmath-mm-00000", "mmath-mm-00001", "mmath-mm-00002"]
    assert fake_hub[-1] == ("RUCAIBox/MMATH", None, "test", {"data_files": {"test": "mmath/ko.json"}})


def test_a_hub_table_of_every_language_is_filtered_by_lang(fake_hub):
    spec = {"source": "mmath", "hub_data_files": None}  # one table (a mirror without per-language files)
    records, _ = load_native_with_report(spec, "mm", "ko")
    assert len(records) == 3 and fake_hub[-1][3] == {}
    with pytest.raises(SourceError, match="no record has lang 'ja'"):
        load_native_with_report(spec, "mm", "ja")


# -- the one coverage table --------------------------------------------------------------------------------------
def test_coverage_and_schema_repeat_the_registry():
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
    split = schema["properties"]["data"]["properties"]["splits"]["additionalProperties"]["properties"]
    assert split["source"]["enum"] == ["synthetic", *NORMALISERS, *BENCHMARKS]
    assert tuple(split["levels"]["items"]["enum"]) == POLYMATH_LEVELS
    assert not any("uk" in b.languages for b in BENCHMARKS.values())
    assert "ko" not in BENCHMARKS["mgsm"].languages and len(BENCHMARKS["polymath"].languages) == 18
    assert len(BENCHMARKS["mmath"].languages) == 10 and len(BENCHMARKS["mgsm"].languages) == 11
    docs = (ROOT / "docs" / "benchmarks.md").read_text()
    for bench in BENCHMARKS.values():
        assert bench.hub_id in docs and bench.title in docs


def test_config_problems_name_split_source_language_and_coverage():
    splits = {"train": {"source": "gsm8k"}, "mm": {"source": "mmath"}, "mg": {"source": "mgsm"}}
    problems = native.config_problems(splits, ["ko", "uk"], {"data.train_split": "train"})
    assert problems[0].startswith("data.splits.mm (source mmath, MMATH) does not cover target language(s) uk; "
                                  "it covers ar, en, es, fr, ja, ko, pt, th, vi, zh")
    assert problems[1].startswith("data.splits.mg (source mgsm, MGSM) does not cover target language(s) ko, uk")
    assert native.config_problems(splits, ["zh", "ja"], {"data.train_split": "train"}) == []
    trained = native.config_problems(splits, ["zh"], {"data.train_split": "mm", "data.sft_split": "train"})
    assert trained == [trained[0]] and "data.train_split 'mm' is a native MMATH split" in trained[0]
