"""The browser's data from a real fixture store: rows and their metadata, deterministic sampling and its counts, and
per-word labels equal to the composition code's (and to the shares stored in DuckDB)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pytest
from browser_fixtures import realistic_tree

from pipeline.browser import Sampling, browser_data, labelled_cot, render_page, write_browser
from pipeline.browser.__main__ import main
from pipeline.browser.data import sampled_steps
from pipeline.browser.page import embed_json
from pipeline.measure.composition.reference import labels_of_prepared
from pipeline.measure.composition.result import from_labels
from pipeline.measure.composition.tokens import strip_math
from pipeline.measure.cot import cot_text
from pipeline.store import ingest
from store_fixtures import ITEMS, PER_STEP, STEPS, build_results_tree


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` in UTF-16 code units (JavaScript's string indices)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    ingest(realistic_tree(root / "results", langs=("ko", "zh"), seeds=(0, 1)), root / "collapse.duckdb")
    return root / "collapse.duckdb"


def stored(db: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_all_rows_with_their_metadata_when_nothing_is_capped(db: Path) -> None:
    data = browser_data(db, Sampling(eval_per_group=0, steps_per_run=0, rollouts_per_step=0))
    n_eval, n_roll = (stored(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in ("eval_samples", "rollouts"))
    assert data["meta"]["evals"] == {"shown": n_eval, "total": n_eval}
    assert data["meta"]["rollouts"] == {"shown": n_roll, "total": n_roll}
    assert data["meta"]["checkpoints"] == ["base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc"]
    assert len(data["drift"]) == 2 * 2 * 2 * len(STEPS)  # lang x seed x arm x step
    by_key = {(r["run_id"], r["decoding"], r["sample_idx"], r["item_id"]): r
              for r in stored(db, "SELECT * FROM eval_samples")}
    for row in data["evals"]:
        s = by_key[(row["run"], row["dec"], row["sidx"], row["item"])]
        assert (row["lang"], row["seed"], row["split"], row["c"], row["gok"]) == \
            (s["lang"], s["seed"], s["split"], s["correct"], s["gold_ok"])
        assert row["ck"] == s["checkpoint_run_id"].split("/")[2] and row["arm"] == s["arm"]
        assert (row["ts"], row["fsw"]) == (round(s["target_share"], 4), s["first_switch_word"])
    roll = stored(db, "SELECT * FROM rollouts")
    rewards = {(r["run_id"], r["step"], r["item_id"]): r for r in roll}
    for row in data["rollouts"]:
        r = rewards[(row["run"], row["step"], row["item"])]
        assert row["rc"] == {"accuracy": r["reward_accuracy"],
                             "lang_consistency": round(r["reward_lang_consistency"], 4)}
        assert row["ck"] == "grpo_" + row["arm"] and row["run"] == f"{row['lang']}/seed{row['seed']}/grpo_{row['arm']}"
        assert data["prompts"][row["q"]] == r["prompt"]


def test_word_labels_are_the_composition_code_s_and_give_the_stored_shares(db: Path) -> None:
    data = browser_data(db, Sampling(eval_per_group=0, steps_per_run=0, rollouts_per_step=0))
    completions = {(r["run_id"], r["decoding"], r["sample_idx"], r["item_id"]): (r["completion"], r)
                   for r in stored(db, "SELECT * FROM eval_samples")}
    completions |= {(r["run_id"], r["step"], r["item_id"]): (r["completion"], r)
                    for r in stored(db, "SELECT * FROM rollouts")}
    n_words = 0
    for row in data["evals"] + data["rollouts"]:
        key = (row["run"], row["dec"], row["sidx"], row["item"]) if row["kind"] == "e" else \
            (row["run"], row["step"], row["item"])
        completion, s = completions[key]
        labels = labels_of_prepared(strip_math(cot_text(completion, row["lang"])), row["lang"])
        assert row["cot"] == cot_text(completion, row["lang"])
        assert [code for _s, _e, code in row["w"]] == [code for _w, code in labels]
        assert [utf16_slice(row["cot"], a, b) for a, b, _code in row["w"]] == [w for w, _code in labels]
        comp = from_labels([code for _w, code in labels], row["lang"])
        assert (comp.n_words, comp.first_switch_word) == (s["n_words"], s["first_switch_word"])
        assert comp.target_share == pytest.approx(s["target_share"]) and comp.en_share == pytest.approx(s["en_share"])
        assert row["mm"] == []  # nothing flagged: the stored composition is the labels'
        n_words += len(labels)
    assert n_words > 1000
    assert {code for row in data["evals"] + data["rollouts"] for *_, code in row["w"]} >= {"ko", "en", "ru", "zh"}


def test_words_are_placed_in_the_displayed_text_not_in_removed_math() -> None:
    text = "We compute \\left( 5 \\right) first, then go right. 사과 𠀀 끝."
    cot = labelled_cot(text, "ko")
    assert [(cot.text[s:e], s) for s, e, _ in cot.words][:6] == [
        ("We", 0), ("compute", 3), ("first", 28), ("then", 35), ("go", 40), ("right", 43)]
    # 𠀀 (U+20000) is one Han word, Chinese (outside KS X 1001 and JIS X 0208: Chinese-only evidence)
    assert [(cot.text[s:e], code) for s, e, code in cot.words][-3:] == [("사과", "ko"), ("𠀀", "zh"), ("끝", "ko")]


def test_sampling_caps_rows_deterministically_and_says_how_many(db: Path) -> None:
    sampling = Sampling(seed=3, eval_per_group=2, steps_per_run=3, rollouts_per_step=2)
    data = browser_data(db, sampling)
    assert data == browser_data(db, sampling)
    rank = lambda *parts: hashlib.md5("".join(map(str, parts)).encode()).hexdigest()  # noqa: E731
    steps = sampled_steps(STEPS, 3)
    assert steps == [0, 2, 4]
    by_group: dict[tuple, list[str]] = {}
    for row in data["rollouts"]:
        by_group.setdefault((row["run"], row["step"]), []).append(row["item"])
    assert {step for _run, step in by_group} == set(steps) and len(by_group) == 8 * 3
    items = [f"world-train-{i:06d}" for i in range(PER_STEP)]
    for group_items in by_group.values():
        assert group_items == sorted(items, key=lambda it: rank(3, it))[:2]
    assert data["meta"]["rollouts"] == {"shown": 8 * 3 * 2, "total": 8 * len(STEPS) * PER_STEP}
    groups = {(g["run"], g["dec"]): g for g in data["eval_groups"]}
    assert all(g["shown"] == 2 and g["n"] == (ITEMS + 1) * (1 if g["dec"] == "greedy" else 2) for g in groups.values())
    chosen = sorted((f"test-{i:05d}" for i in range(ITEMS + 1)), key=lambda it: rank(3, it))
    for dec, want in (("greedy", {(chosen[0], 0), (chosen[1], 0)}), ("sampled", {(chosen[0], 0), (chosen[0], 1)})):
        picked = {}
        for row in data["evals"]:
            if row["dec"] == dec:
                picked.setdefault(row["run"], set()).add((row["item"], row["sidx"]))
        assert len(picked) == 2 * 2 * 5 and all(p == want for p in picked.values()), dec  # same items everywhere
    total = stored(db, "SELECT count(*) AS n FROM eval_samples")[0]["n"]
    assert data["meta"]["evals"] == {"shown": len(data["evals"]), "total": total}


def test_stale_runs_are_hidden_and_a_stale_composition_is_flagged(tmp_path: Path) -> None:
    results = build_results_tree(tmp_path / "results", seeds=(0,))  # synthetic shares, "..." completions
    current = ["ko/seed0/base", "ko/seed0/sft", "ko/seed0/grpo_acc", "ko/seed0/base/eval/test",
               "ko/seed0/sft/eval/test", "ko/seed0/grpo_acc/eval/test"]  # acc_lc and recovery: stale
    ingest(results, tmp_path / "c.duckdb", current=current)
    data = browser_data(tmp_path / "c.duckdb")
    assert {r["ck"] for r in data["evals"]} == {"base", "sft", "grpo_acc"}
    assert {r["arm"] for r in data["rollouts"]} == {"acc"} and data["meta"]["stale_runs"] > 0
    assert all("n_words" in r["mm"] for r in data["rollouts"])  # stored n_words 12, the text has fewer words


def test_page_is_self_contained_and_the_cli_writes_it(db: Path, tmp_path: Path, capsys) -> None:
    data = browser_data(db, Sampling(eval_per_group=3))
    page = render_page(data)
    assert page.count("</script>") == 2 and "<b>bold</b>" not in page  # completions cannot end the data element
    assert "\\u003c/script>\\u003cb>bold" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page) and "{{" not in page.split('id="data"')[0]
    out = write_browser(db, tmp_path / "site", Sampling(eval_per_group=3))
    assert out == tmp_path / "site" / "index.html" and embed_json(data) in out.read_text(encoding="utf-8")
    assert main([str(db), "--out", str(tmp_path / "cli"), "--eval-per-group", "3"]) == 0
    assert (tmp_path / "cli" / "index.html").read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert "index.html" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "x")]) == 1
    assert "does not exist" in capsys.readouterr().err
