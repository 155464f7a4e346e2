"""Benchmark: grade the answer-format corpus (tests/unit/measure/answer_corpus.py) and print FN/FP per format.

Run: ``python benchmarks/bench_answers.py [--full] [--seed 0] [--lang-arg]``.

The corpus is model-like final lines (markdown, boxed, phrases, units, separators, negation...) in en/ko/zh/uk/ru/
ja/th, filled with real GSM8K test and MATH-500 golds, each as a correct completion and as wrong ones (off by one,
two digits swapped). FN % = correct completions graded wrong; FP % = wrong completions graded correct. Anchored
formats are graded with ``check_answer(completion, gold)``; unanchored ones (marked ``-``) with
``last_number_fallback=True``. By default the corpus is the one the acceptance test grades (a seeded subset of
golds per format and language); ``--full`` uses every sampled gold in every cell. ``--lang-arg`` passes the
completion's language as ``lang`` (the GRPO reward does) instead of ``None``. Also prints the CPU and wall time
of grading the whole corpus, cold (first pass: math-verify parses) and warm (second pass), and of grading the
1,319 GSM8K test solutions with their ``####`` line replaced by an answer phrase in en/ko/zh/uk (a typical
completion).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "unit" / "measure"))

from answer_corpus import FORMATS, build_corpus  # noqa: E402

from pipeline.measure.answers import check_answer  # noqa: E402
from support import SHARED_DATA  # noqa: E402

TYPICAL_LINES = {
    "en": "The answer is {}.", "ko": "따라서 답은 {}입니다.", "zh": "所以答案是 {}。", "uk": "Відповідь: {}."
}


def grade(cases: list, lang_arg: bool) -> tuple[list[bool], float, float]:
    """``check_answer(...).correct`` of every case, and the CPU and wall seconds it took."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = [
        check_answer(c.completion, c.gold, c.lang if lang_arg else None, last_number_fallback=not c.anchored).correct
        for c in cases
    ]
    return out, time.process_time() - cpu, time.perf_counter() - wall


def table(cases: list, graded: list[bool]) -> list[str]:
    """One row per format (name, languages, n, FN %, FP %) and total rows."""
    rows: dict[str, dict] = defaultdict(lambda: {"langs": set(), "pos": 0, "fn": 0, "neg": 0, "fp": 0})
    for case, correct in zip(cases, graded, strict=True):
        row = rows[case.format]
        row["langs"].add(case.lang)
        if case.correct:
            row["pos"] += 1
            row["fn"] += not correct
        else:
            row["neg"] += 1
            row["fp"] += correct
    anchored = {f.name: f.anchored for f in FORMATS}
    lines = [f"{'format':<20} {'anch':>4} {'languages':<22} {'n':>6} {'FN %':>6} {'FP %':>6}"]

    def line(name: str, mark: str, langs: str, r: dict) -> str:
        fn, fp = 100 * r["fn"] / max(r["pos"], 1), 100 * r["fp"] / max(r["neg"], 1)
        return f"{name:<20} {mark:>4} {langs:<22} {r['pos'] + r['neg']:>6} {fn:>6.2f} {fp:>6.2f}"

    totals = {key: {"pos": 0, "fn": 0, "neg": 0, "fp": 0} for key in ("anchored", "unanchored", "all")}
    for fmt in FORMATS:
        r = rows[fmt.name]
        lines.append(line(fmt.name, "yes" if anchored[fmt.name] else "-", ",".join(sorted(r["langs"])), r))
        for key in ("anchored" if fmt.anchored else "unanchored", "all"):
            for k in ("pos", "fn", "neg", "fp"):
                totals[key][k] += r[k]
    lines.append("-" * len(lines[0]))
    lines += [line(f"TOTAL {key}", "", "en,ja,ko,ru,th,uk,zh", r) for key, r in totals.items()]
    return lines


def typical_completions() -> list[tuple[str, str]]:
    """GSM8K test solutions whose ``####`` line is replaced by an answer phrase in en/ko/zh/uk."""
    out = []
    for line in (SHARED_DATA / "gsm8k" / "test.jsonl").read_text(encoding="utf-8").splitlines():
        solution = json.loads(line)["answer"]
        body, gold = solution.split("####")[0], solution.split("####")[-1].strip().replace(",", "")
        out += [(body + tmpl.format(gold), gold) for tmpl in TYPICAL_LINES.values()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="every sampled gold in every format x language cell")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lang-arg", action="store_true", help="pass the completion's language as lang")
    args = parser.parse_args()
    t0 = time.perf_counter()
    cases = build_corpus(SHARED_DATA, seed=args.seed, per_cell=None if args.full else (40, 25))
    print(f"corpus: {len(cases)} completions, {len(FORMATS)} formats, built in {time.perf_counter() - t0:.1f} s")
    graded, cpu, wall = grade(cases, args.lang_arg)
    _, cpu2, wall2 = grade(cases, args.lang_arg)
    print("\n".join(table(cases, graded)))
    n = len(cases)
    print(f"\ngrading the corpus, cold: CPU {cpu:.2f} s, wall {wall:.2f} s ({1e6 * wall / n:.0f} us/completion)")
    print(f"grading the corpus, warm: CPU {cpu2:.2f} s, wall {wall2:.2f} s ({1e6 * wall2 / n:.0f} us/completion)")
    typical = typical_completions()
    cpu, wall = time.process_time(), time.perf_counter()
    n_ok = sum(check_answer(text, gold).correct for text, gold in typical)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"typical completions (GSM8K solutions + phrase line, en/ko/zh/uk): {n_ok}/{len(typical)} correct, "
          f"CPU {cpu:.2f} s, wall {wall:.2f} s ({1e6 * wall / len(typical):.0f} us/completion)")


if __name__ == "__main__":
    main()
