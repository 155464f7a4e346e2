"""Benchmark: score 1,000 realistic ~200-word CoTs with the language-consistency reward.

Run: ``python benchmarks/bench_lang_reward.py [--n 1000] [--words 200] [--repeats 5] [--seed 0]``.

The CoTs are generated here from sentence pools in ko/zh/uk/ru/en with equations, numbers, LaTeX and
English words spliced into target-language sentences, drifting to English part-way for a third of them
(the pattern collapse produces). Prints the time of one reward call over all CoTs (best and median of
``--repeats`` runs, wall time and CPU time of this process (``time.process_time``), after one warm-up call that
loads fastText), the CPU time per 1,000 CoTs against the goal (<= 100 ms on one core), the CPU time split between
CoT extraction and composition, and the mean shares, so a slowdown or a change in labelling is visible. CPU time
is the number to compare: wall time also counts what other processes of a shared machine take.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pipeline.languages import answer_line  # noqa: E402
from pipeline.measure.composition import compositions, cot_text, detect_language  # noqa: E402
from pipeline.measure.composition.fast import fast_composition  # noqa: E402
from pipeline.measure.composition.fasttext import fasttext_topk  # noqa: E402
from pipeline.measure.composition.tokens import strip_math  # noqa: E402
from pipeline.measure.rewards import LanguageConsistencyReward  # noqa: E402

SENTENCES: dict[str, list[str]] = {
    "ko": [
        "먼저 사과의 개수를 계산해 봅시다.",
        "민수는 하루에 {a}개의 사과를 먹고 남은 사과를 시장에서 팝니다.",
        "따라서 남은 사과는 {a} - {b} = {c}개입니다.",
        "이제 total cost를 구하면 {a} \\times {b} = {c}원입니다.",
        "각 상자에는 {b}개의 공이 들어 있으므로 전체 공의 수를 구해야 합니다.",
        "그러므로 우리는 다음 식을 세울 수 있습니다: $x + {a} = {c}$.",
        "이 값을 다시 확인하면 계산이 맞다는 것을 알 수 있습니다.",
        "일주일은 7일이므로 {c} \\div 7을 계산합니다.",
    ],
    "zh": [
        "首先，我们需要计算苹果的总数。",
        "小明每天吃{a}个苹果，剩下的苹果拿到市场上卖。",
        "所以剩下的苹果是 {a} - {b} = {c} 个。",
        "现在计算 total cost：{a} \\times {b} = {c} 元。",
        "每个盒子里有{b}个球，因此我们要求出球的总数。",
        "于是我们可以列出方程 $x + {a} = {c}$。",
        "再检查一遍，可以确认计算是正确的。",
    ],
    "uk": [
        "Спочатку обчислимо загальну кількість яблук.",
        "Марія щодня з'їдає {a} яблук, а решту продає на ринку.",
        "Отже, залишилося {a} - {b} = {c} яблук.",
        "Тепер знайдемо total cost: {a} \\times {b} = {c} гривень.",
        "У кожній коробці є {b} м'ячів, тому потрібно знайти загальну кількість.",
        "Таким чином, ми можемо записати рівняння $x + {a} = {c}$.",
        "Перевіримо ще раз: обчислення правильне.",
    ],
    "ru": [
        "Сначала вычислим общее количество яблок.",
        "Мария каждый день съедает {a} яблок, а остальные продаёт на рынке.",
        "Итак, осталось {a} - {b} = {c} яблок.",
        "Теперь найдём total cost: {a} \\times {b} = {c} рублей.",
        "В каждой коробке {b} мячей, поэтому нужно найти общее количество.",
        "Таким образом, мы можем записать уравнение $x + {a} = {c}$.",
    ],
    "en": [
        "First, we need to find the total number of apples.",
        "Mary eats {a} apples every day and sells the rest at the market.",
        "So the remaining apples are {a} - {b} = {c}.",
        "Now we compute the total cost: {a} \\times {b} = {c} dollars.",
        "Each box holds {b} balls, so we need the total number of balls.",
        "Therefore we can write the equation $x + {a} = {c}$.",
        "Let me double-check: the calculation is correct.",
    ],
}
TARGETS = ("ko", "zh", "uk", "ru")
OTHERS = ("ru", "uk", "zh", "ko")


def _sentence(rng: random.Random, lang: str) -> str:
    a, b = rng.randint(2, 999), rng.randint(2, 99)
    return rng.choice(SENTENCES[lang]).format(a=a, b=b, c=a * b)


def _n_words(sentence: str, lang: str) -> int:
    """Approximate counted words: Han characters for zh, letter runs otherwise."""
    if lang == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", sentence)) + len(re.findall(r"[A-Za-z]{2,}", sentence))
    return len(re.findall(r"[^\W\d_]{2,}", sentence))


def make_cots(n: int, words: int, seed: int) -> tuple[list[str], list[str]]:
    """``n`` completions of about ``words`` words each (CoT + final-answer line) and their target codes."""
    rng = random.Random(seed)
    cots, targets = [], []
    for i in range(n):
        target = TARGETS[i % len(TARGETS)]
        mode = i % 3  # 0: pure target, 1: drift to English part-way, 2: sprinkled other language
        switch_at = rng.randint(words // 4, 3 * words // 4)
        lines, count = [], 0
        while count < words:
            if mode == 1 and count >= switch_at:
                lang = "en"
            elif mode == 2 and rng.random() < 0.15:  # English words most often, other languages sometimes
                lang = "en" if rng.random() < 0.5 else rng.choice([c for c in OTHERS if c != target])
            else:
                lang = target
            sentence = _sentence(rng, lang)
            lines.append(sentence)
            count += _n_words(sentence, lang)
            if rng.random() < 0.1:
                lines.append(f"{rng.randint(1, 99)} + {rng.randint(1, 99)} = {rng.randint(1, 200)}")
        text = "<think>\n" + "\n".join(lines) + "\n</think>\n" + answer_line(target, str(rng.randint(1, 999)))
        cots.append(text)
        targets.append(target)
    return cots, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    cots, targets = make_cots(args.n, args.words, args.seed)
    reward = LanguageConsistencyReward("proportional")
    t0 = time.perf_counter()
    detect_language("warm up")  # loads fastText lid.176 (lite)
    reward(cots[:4], lang=targets[:4])
    load_s = time.perf_counter() - t0

    times, cpu_times = [], []
    for _ in range(args.repeats):
        fasttext_topk.cache_clear()  # no help from earlier runs' fastText calls
        t0, c0 = time.perf_counter(), time.process_time()
        values = reward(cots, lang=targets)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)

    c0 = time.process_time()
    stripped = [cot_text(c, t) for c, t in zip(cots, targets, strict=True)]
    t_cot = time.process_time() - c0
    c0 = time.process_time()
    comps = compositions(stripped, targets)
    t_comp = time.process_time() - c0

    n_words = [c.n_words for c in comps]
    prepared = [strip_math(t) for t in stripped]
    n_fast = sum(fast_composition(t, g) is not None for t, g in zip(prepared, targets, strict=True))
    print(f"CoTs: {len(cots)}, counted words per CoT: mean {statistics.mean(n_words):.0f} "
          f"(min {min(n_words)}, max {max(n_words)}), characters: {sum(map(len, cots))}")
    print(f"warm-up (fastText load + first call): {load_s * 1000:.0f} ms")
    per_1000 = 1000 / len(cots)
    print(f"lang_consistency reward over {len(cots)} CoTs ({args.repeats} runs): "
          f"wall best {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms; "
          f"CPU best {min(cpu_times) * 1000:.1f} ms, median {statistics.median(cpu_times) * 1000:.1f} ms")
    print(f"  CPU per 1,000 CoTs: best {min(cpu_times) * 1000 * per_1000:.1f} ms, median "
          f"{statistics.median(cpu_times) * 1000 * per_1000:.1f} ms (goal <= 100 ms on one core)")
    print(f"  CPU split: cot_text {t_cot * 1000:.1f} ms, compositions {t_comp * 1000:.1f} ms; "
          f"{n_fast} CoTs took a fast path (per-script or per-sentence), {len(cots) - n_fast} the token-level path")
    fields = ("target_share", "en_share", "other_share")
    shares = [statistics.mean(getattr(c, f) for c in comps) for f in fields]
    print(f"mean reward {statistics.mean(values):.3f}; mean target/en/other share "
          f"{shares[0]:.3f} / {shares[1]:.3f} / {shares[2]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
