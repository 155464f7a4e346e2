"""A corpus of model-like final-answer formats in seven languages, instantiated on real GSM8K / MATH-500 golds.

Used by ``tests/unit/measure/test_answer_formats.py`` (the acceptance test of answer extraction) and by
``benchmarks/bench_answers.py`` (the table of FN/FP rates per format). Each :class:`Format` has one template per
language (a realistic last line or two, after a short reasoning line in that language); each template is filled
with the gold answer (the *correct* completion) and with wrong answers (off by one, two digits swapped: ``40`` ->
``41`` and ``04``; skipped when equal to the gold). Numbers are written the way the format and language write
them (``1,000``, ``1 000``, ``1\u00a0000``, ``1000``, ``0,5`` in uk/ru).

Placeholders: ``{v}`` the value, ``{d}`` a distractor (a wrong value in a correct completion, the gold in a wrong
one), ``{eq}`` an expression starting with ``{d}`` whose value is ``{v}`` (``40 + 1`` before ``= 41``),
``{half}`` ``v/2 × 2``, ``{dbl}`` ``2v``, ``{sci}`` ``m × 10^k``, ``{v2}`` the value with two decimals.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

LANGS = ("en", "ko", "zh", "uk", "ru", "ja", "th")
_COMMA_LANGS = ("uk", "ru")
_NUMERIC_RE = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|-?\.\d+")

REASONING = {
    "en": "First, {a} + {b} = {c}, and then {c} × 2 = {e}.",
    "ko": "먼저 {a} + {b} = {c}이고, {c} × 2 = {e}입니다.",
    "zh": "首先，{a} + {b} = {c}，然后 {c} × 2 = {e}。",
    "uk": "Спочатку {a} + {b} = {c}, потім {c} × 2 = {e}.",
    "ru": "Сначала {a} + {b} = {c}, затем {c} × 2 = {e}.",
    "ja": "まず {a} + {b} = {c}、次に {c} × 2 = {e} です。",
    "th": "ก่อนอื่น {a} + {b} = {c} แล้ว {c} × 2 = {e}",
}


@dataclass(frozen=True)
class Format:
    """A named final-line format: one template per language, the value kinds it takes, how numbers look."""

    name: str
    templates: dict[str, str]
    kinds: tuple[str, ...] = ("num",)  # "num": numbers (GSM8K, numeric MATH golds); "tex": MATH LaTeX golds
    style: str = "locale"  # number rendering: locale, plain, nbsp, nnbsp, tex
    anchored: bool = True  # False: graded with last_number_fallback (reported, no threshold)
    restyle: str | None = None  # transformation of a tex gold: degree, dfrac, or a wrapper for numbers


def _f(name: str, *lines: str, kinds: tuple[str, ...] = ("num",), style: str = "locale", anchored: bool = True,
       restyle: str | None = None) -> Format:
    return Format(name, dict(zip(LANGS, lines, strict=True)), kinds, style, anchored, restyle)


_BOTH = ("num", "tex")
FORMATS: tuple[Format, ...] = (
    _f("phrase_plain", "The answer is {v}.", "따라서 답은 {v}입니다.", "所以答案是 {v}。", "Відповідь: {v}.",
       "Ответ: {v}.", "よって、答えは {v} です。", "ดังนั้น คำตอบคือ {v}"),
    _f("phrase_bold", "The answer is **{v}**.", "답은 **{v}**입니다.", "答案是 **{v}**。", "Відповідь: **{v}**.",
       "Ответ: **{v}**.", "答えは **{v}** です。", "คำตอบคือ **{v}**"),
    _f("phrase_italic", "The answer is *{v}*.", "답은 *{v}*입니다.", "答案是 *{v}*。", "Відповідь: *{v}*.",
       "Ответ: *{v}*.", "答えは *{v}* です。", "คำตอบคือ *{v}*"),
    _f("phrase_underscore", "The answer is __{v}__.", "답은 __{v}__입니다.", "答案是 __{v}__。", "Відповідь: __{v}__.",
       "Ответ: __{v}__.", "答えは __{v}__ です。", "คำตอบคือ __{v}__"),
    _f("phrase_code", "The answer is `{v}`.", "답은 `{v}`입니다.", "答案是 `{v}`。", "Відповідь: `{v}`.",
       "Ответ: `{v}`.", "答えは `{v}` です。", "คำตอบคือ `{v}`"),
    _f("bold_sentence", "**The answer is {v}.**", "**따라서 답은 {v}입니다.**", "**答案是 {v}。**",
       "**Відповідь: {v}.**", "**Ответ: {v}.**", "**答えは {v} です。**", "**คำตอบคือ {v}**"),
    _f("bold_label", "**Answer:** {v}", "**답:** {v}", "**答案：** {v}", "**Відповідь:** {v}", "**Ответ:** {v}",
       "**答え：** {v}", "**คำตอบ:** {v}"),
    _f("heading_final", "### Final Answer\n{v}", "### 최종 답\n{v}", "### 最终答案\n{v}",
       "### Остаточна відповідь\n{v}", "### Окончательный ответ\n{v}", "### 最終的な答え\n{v}",
       "### คำตอบสุดท้าย\n{v}"),
    _f("answer_newline", "Answer:\n{v}", "답:\n{v}", "答案：\n{v}", "Відповідь:\n{v}", "Ответ:\n{v}", "答え：\n{v}",
       "คำตอบ:\n{v}"),
    _f("label_boxed", "Final answer: $\\boxed{{v}}$", "최종 답: $\\boxed{{v}}$", "最终答案：$\\boxed{{v}}$",
       "Остаточна відповідь: $\\boxed{{v}}$", "Окончательный ответ: $\\boxed{{v}}$",
       "最終的な答え：$\\boxed{{v}}$", "คำตอบสุดท้าย: $\\boxed{{v}}$", kinds=_BOTH),
    _f("llama_boxed", "The final answer is: $\\boxed{{v}}$", "최종 답은: $\\boxed{{v}}$",
       "最终答案是：$\\boxed{{v}}$", "Отже, остаточна відповідь: $\\boxed{{v}}$.",
       "Итак, окончательный ответ: $\\boxed{{v}}$.", "最終的な答えは: $\\boxed{{v}}$",
       "คำตอบสุดท้ายคือ: $\\boxed{{v}}$", kinds=_BOTH, style="plain"),
    _f("bold_final_boxed", "**Final Answer:** \\boxed{{v}}", "**최종 답:** \\boxed{{v}}", "**最终答案：** \\boxed{{v}}",
       "**Остаточна відповідь:** \\boxed{{v}}", "**Окончательный ответ:** \\boxed{{v}}",
       "**最終的な答え：** \\boxed{{v}}", "**คำตอบสุดท้าย:** \\boxed{{v}}", kinds=_BOTH),
    _f("qwen_display_boxed", "**Final Answer**\n\\[\n\\boxed{{v}}\n\\]", "**최종 답**\n\\[\n\\boxed{{v}}\n\\]",
       "**最终答案**\n\\[\n\\boxed{{v}}\n\\]", "**Остаточна відповідь**\n\\[\n\\boxed{{v}}\n\\]",
       "**Окончательный ответ**\n\\[\n\\boxed{{v}}\n\\]", "**最終的な答え**\n\\[\n\\boxed{{v}}\n\\]",
       "**คำตอบสุดท้าย**\n\\[\n\\boxed{{v}}\n\\]", kinds=_BOTH, style="plain"),
    _f("phrase_inline_math", "Therefore, the answer is ${v}$.", "따라서 답은 ${v}$입니다.", "因此，答案是 ${v}$。",
       "Отже, відповідь: ${v}$.", "Следовательно, ответ: ${v}$.", "したがって、答えは ${v}$ です。",
       "ดังนั้น คำตอบคือ ${v}$", kinds=_BOTH),
    _f("tex_bold_label", "**Answer:** ${v}$", "**답:** ${v}$", "**答案：** ${v}$", "**Відповідь:** ${v}$",
       "**Ответ:** ${v}$", "**答え：** ${v}$", "**คำตอบ:** ${v}$", kinds=("tex",)),
    _f("hash", *["#### {v}"] * 7, style="plain"),
    _f("hash_currency", "#### ${v}", "#### {v}원", "#### {v} 元", "#### {v} грн", "#### {v} руб.", "#### {v}円",
       "#### {v} บาท", style="plain"),
    _f("label_units", "Answer: {v} dollars", "답: {v}달러", "答案：{v} 美元", "Відповідь: {v} доларів",
       "Ответ: {v} рублей", "答え：{v} ドル", "คำตอบ: {v} ดอลลาร์"),
    _f("phrase_paren_unit", "The answer is {v} (dollars).", "답은 {v} (달러)입니다.", "答案是 {v}（美元）。",
       "Відповідь: {v} (доларів).", "Ответ: {v} (рублей).", "答えは {v}（ドル）です。", "คำตอบคือ {v} (บาท)"),
    _f("phrase_currency", "The answer is ${v}.", "답은 ₩{v}입니다.", "答案是 ¥{v}。", "Відповідь: {v} ₴.",
       "Ответ: {v} ₽.", "答えは ¥{v} です。", "คำตอบคือ ฿{v}"),
    _f("bold_currency", "The answer is: **${v}**", "정답: **{v}원**", "答案是：**{v} 元**", "Відповідь: **{v} грн**",
       "Ответ: **{v} ₽**", "答え：**{v} 円**", "คำตอบ: **{v} บาท**"),
    _f("decimal_money", "The answer is ${v2}.", "답은 {v2}달러입니다.", "答案是 {v2} 元。", "Відповідь: {v2} грн.",
       "Ответ: {v2} руб.", "答えは {v2} ドルです。", "คำตอบคือ {v2} บาท"),
    _f("phrase_equation", "The answer is {eq} = {v}.", "답은 {eq} = {v}입니다.", "答案是 {eq} = {v}。",
       "Відповідь: {eq} = {v}.", "Ответ: {eq} = {v}.", "答えは {eq} = {v} です。", "คำตอบคือ {eq} = {v}"),
    _f("phrase_times", "The answer is {half} = {v}.", "답은 {half} = {v}입니다.", "答案是 {half} = {v}。",
       "Відповідь: {half} = {v}.", "Ответ: {half} = {v}.", "答えは {half} = {v} です。", "คำตอบคือ {half} = {v}"),
    _f("phrase_sci", "The answer is {sci}.", "답은 {sci}입니다.", "答案是 {sci}。", "Відповідь: {sci}.",
       "Ответ: {sci}.", "答えは {sci} です。", "คำตอบคือ {sci}"),
    _f("no_separator", "Hence the final answer {v}.", "따라서 최종 답 {v}.", "最终答案 {v}。", "Отже, відповідь {v}.",
       "Итак, ответ {v}.", "最終的な答え {v}。", "คำตอบสุดท้าย {v}"),
    _f("dash_separator", "Final answer — {v}.", "최종 답 — {v}.", "最终答案——{v}。", "Відповідь — {v}.",
       "Ответ — {v}.", "最終的な答え — {v}。", "คำตอบสุดท้าย — {v}"),
    _f("equals_word", "The answer equals {v}.", "답은 {v}와 같습니다.", "答案等于 {v}。", "Відповідь дорівнює {v}.",
       "Ответ равен {v}.", "答えは {v} に等しい。", "คำตอบเท่ากับ {v}"),
    _f("negation", "The answer is not {d} but {v}.", "답은 {d}이 아니라 {v}입니다.", "答案不是 {d}，而是 {v}。",
       "Відповідь не {d}, а {v}.", "Ответ не {d}, а {v}.", "答えは {d} ではなく {v} です。",
       "คำตอบไม่ใช่ {d} แต่เป็น {v}"),
    _f("corrected_later", "The answer is {d}.\nWait, that is not right; let me recompute.\nSo the answer is {v}.",
       "답은 {d}입니다.\n잠깐, 다시 계산해 보겠습니다.\n따라서 답은 {v}입니다.",
       "答案是 {d}。\n等等，我再算一遍。\n所以答案是 {v}。",
       "Відповідь: {d}.\nЗачекайте, перерахуємо ще раз.\nОтже, відповідь: {v}.",
       "Ответ: {d}.\nПодождите, пересчитаем.\nИтак, ответ: {v}.",
       "答えは {d} です。\n待って、もう一度計算します。\nよって、答えは {v} です。",
       "คำตอบคือ {d}\nเดี๋ยวก่อน ลองคำนวณใหม่\nดังนั้น คำตอบคือ {v}"),
    _f("check_after", "The answer is {v}.\nLet me check whether the answer is correct: yes, it is.",
       "답은 {v}입니다.\n이 답은 맞는지 다시 확인해 보면 맞습니다.", "答案是 {v}。\n我们再检查一下答案是否正确：正确。",
       "Відповідь: {v}.\nПеревіримо, чи правильна відповідь: так.", "Ответ: {v}.\nПроверим, верен ли ответ: да.",
       "答えは {v} です。\n答えが正しいか確認します：正しいです。", "คำตอบคือ {v}\nตรวจสอบอีกครั้ง: คำตอบคือถูกต้อง"),
    _f("verify_after", "The answer is {v}.\nLet's verify the answer: {v} × 2 = {dbl}.",
       "답은 {v}입니다.\n답을 확인하면: {v} × 2 = {dbl}.", "答案是 {v}。\n验证答案：{v} × 2 = {dbl}。",
       "Відповідь: {v}.\nПеревіримо відповідь: {v} × 2 = {dbl}.", "Ответ: {v}.\nПроверим ответ: {v} × 2 = {dbl}.",
       "答えは {v} です。\n答えを確認します：{v} × 2 = {dbl}。", "คำตอบคือ {v}\nตรวจสอบคำตอบ: {v} × 2 = {dbl}"),
    _f("thousands_nbsp", "The answer is {v}.", "답은 {v}입니다.", "答案是 {v}。", "Відповідь: {v}.", "Ответ: {v}.",
       "答えは {v} です。", "คำตอบคือ {v}", style="nbsp"),
    _f("thousands_nnbsp", "Final answer: {v}", "최종 답: {v}", "最终答案：{v}", "Остаточна відповідь: {v}",
       "Окончательный ответ: {v}", "最終的な答え：{v}", "คำตอบสุดท้าย: {v}", style="nnbsp"),
    _f("final_answer_is", "The final answer is {v}.", "최종 답은 {v}입니다.", "最终答案是 {v}。",
       "Остаточна відповідь: {v}.", "Окончательный ответ: {v}.", "最終的な答えは {v} です。",
       "คำตอบสุดท้ายคือ {v}"),
    _f("correct_answer", "The correct answer is {v}.", "정답은 {v}입니다.", "正确答案是 {v}。",
       "Правильна відповідь: {v}.", "Правильный ответ: {v}.", "正解は {v} です。", "คำตอบที่ถูกต้องคือ {v}"),
    _f("markdown_list", "- **Answer:** {v}", "- **답:** {v}", "- **答案：** {v}", "- **Відповідь:** {v}",
       "- **Ответ:** {v}", "- **答え：** {v}", "- **คำตอบ:** {v}"),
    _f("label_sentence", "**Answer:** Janet makes ${v} every day.", "**답:** 자넷은 매일 {v}달러를 법니다.",
       "**答案：** 珍妮特每天赚 {v} 美元。", "**Відповідь:** Джанет заробляє {v} доларів щодня.",
       "**Ответ:** Джанет зарабатывает {v} долларов в день.", "**答え：** ジャネットは毎日 {v} ドル稼ぎます。",
       "**คำตอบ:** เจเน็ตได้เงิน {v} ดอลลาร์ทุกวัน"),
    _f("think_then_answer", *[f"<think>\n{{r}}\n{p.replace('{v}', '{d}')}?\n</think>\n\n{p}" for p in (
        "The answer is {v}.", "답은 {v}입니다.", "答案是 {v}。", "Відповідь: {v}.", "Ответ: {v}.", "答えは {v} です。",
        "คำตอบคือ {v}")]),
    _f("var_equation", "Answer: $x = {v}$", "답: $x = {v}$", "答案：$x = {v}$", "Відповідь: $x = {v}$",
       "Ответ: $x = {v}$", "答え：$x = {v}$", "คำตอบ: $x = {v}$"),
    _f("latex_thousands", *["{r}\n$\\boxed{{v}}$"] * 7, style="tex"),
    _f("boxed_degree_sign", *["$\\boxed{{v}}$"] * 7, kinds=("tex",), restyle="degree"),
    _f("boxed_dfrac", *["$\\boxed{{v}}$"] * 7, kinds=("tex",), restyle="dfrac"),
    _f("boxed_unit_text", "$\\boxed{{v} \\text{ dollars}}$", "$\\boxed{{v} \\text{ 원}}$", "$\\boxed{{v} \\text{ 元}}$",
       "$\\boxed{{v} \\text{ грн}}$", "$\\boxed{{v} \\text{ руб.}}$", "$\\boxed{{v} \\text{ 円}}$",
       "$\\boxed{{v} \\text{ บาท}}$"),
    _f("boxed_var_eq", *["$\\boxed{x = {v}}$"] * 7),
    _f("boxed_percent", *["$\\boxed{{v}\\%}$"] * 7, style="plain"),
    _f("statement", "The total cost is ${v}.", "총 비용은 {v}원입니다.", "总费用是 {v} 元。",
       "Загальна вартість — {v} грн.", "Общая стоимость — {v} руб.", "合計金額は {v} 円です。",
       "ค่าใช้จ่ายทั้งหมดคือ {v} บาท", anchored=False),
    _f("bold_result", "So the total is {eq} = **${v}**.", "따라서 합계는 {eq} = **{v}원**입니다.",
       "所以总数是 {eq} = **{v} 元**。", "Отже, разом {eq} = **{v} грн**.", "Итак, всего {eq} = **{v} руб.**",
       "したがって合計は {eq} = **{v} 円** です。", "ดังนั้น รวมเป็น {eq} = **{v} บาท**", anchored=False),
)


@dataclass(frozen=True)
class Case:
    """One completion of the corpus and what grading it should give."""

    format: str
    lang: str
    source: str  # gsm8k | math500
    gold: str
    completion: str
    correct: bool  # whether the completion states the gold answer
    anchored: bool


def render_number(value: str, lang: str, style: str) -> str:
    """``value`` (canonical: ``-1234.5``) as a ``lang`` text in ``style`` writes it: ``1,234.5``, ``1 234,5``...

    >>> render_number("-1234.5", "en", "locale"), render_number("-1234.5", "uk", "locale")
    ('-1,234.5', '-1 234,5')
    >>> render_number("04", "en", "locale"), render_number("7400", "ru", "nbsp")
    ('04', '7\xa0400')
    """
    sign, body = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, frac = body.partition(".")
    comma = lang in _COMMA_LANGS
    if style != "plain" and len(whole) > 3 and not whole.startswith("0"):
        sep = {"locale": " " if comma else ",", "nbsp": "\u00a0", "nnbsp": "\u202f", "tex": "\\," if comma else "{,}"}
        groups = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)][::-1]
        whole = sep[style].join(groups)
    dec = ("{,}" if style == "tex" else ",") if comma else "."
    return sign + whole + (dec + frac if frac else "")


def _canon(x: Fraction) -> str:
    """A Fraction with a finite decimal expansion as a canonical decimal string (``Fraction(7, 2)`` -> ``3.5``)."""
    if x.denominator == 1:
        return str(x.numerator)
    s = f"{float(x):.10f}".rstrip("0")
    return s


def _swap_last_pair(digits: str) -> str | None:
    """``digits`` with its last two different adjacent digits swapped (``1234`` -> ``1243``), or ``None``."""
    for i in range(len(digits) - 2, -1, -1):
        a, b = digits[i], digits[i + 1]
        if a != b and a.isdigit() and b.isdigit():
            return digits[:i] + b + a + digits[i + 2 :]
    return None


def wrong_numbers(gold: str) -> list[str]:
    """Wrong answers for a numeric gold: off by one and two digits swapped (``40`` -> ``['41', '04']``)."""
    out = [_canon(Fraction(gold) + 1)]
    sign, body = ("-", gold[1:]) if gold.startswith("-") else ("", gold)
    swapped = _swap_last_pair(body)
    if swapped is not None and Fraction(sign + swapped) != Fraction(gold):
        out.append(sign + swapped)
    return [w for w in out if Fraction(w) != Fraction(gold)]


def wrong_tex(gold: str) -> list[str]:
    """Wrong answers for a LaTeX gold: its first digit run plus one, and the first run with two digits swapped."""
    out = []
    first = re.search(r"\d+", gold)
    if first:
        out.append(gold[: first.start()] + str(int(first.group()) + 1) + gold[first.end() :])
    for run in re.finditer(r"\d{2,}", gold):
        swapped = _swap_last_pair(run.group())
        if swapped is not None:
            out.append(gold[: run.start()] + swapped + gold[run.end() :])
            break
    return [w for w in out if w != gold]


def _restyle(fmt: Format, value: str) -> str | None:
    """A tex gold as a restyling format writes it, or ``None`` when the format does not apply."""
    if fmt.restyle == "degree":
        return value.replace("^\\circ", "°").replace("^{\\circ}", "°") if "circ" in value else None
    if fmt.restyle == "dfrac":
        return value.replace("\\frac", "\\dfrac") if "\\frac" in value else None
    return value


def _fill(fmt: Format, lang: str, value: str, distractor: str, kind: str, rng: random.Random) -> str | None:
    """The completion of ``fmt`` in ``lang`` stating ``value`` (``None`` if the format cannot write it)."""
    template = fmt.templates[lang]
    subs = {"{d}": distractor}
    if kind == "tex":
        v = _restyle(fmt, value)
        if v is None:
            return None
        subs["{v}"] = v
    else:
        x, d = Fraction(value), Fraction(distractor)
        subs["{v}"] = render_number(value, lang, fmt.style)
        subs["{d}"] = render_number(distractor, lang, fmt.style)
        op, delta = ("+", x - d) if x >= d else ("-", d - x)
        subs["{eq}"] = f"{subs['{d}']} {op} {render_number(_canon(delta), lang, fmt.style)}"
        half = x / 2 if x.denominator == 1 and x.numerator % 2 == 0 and x else None
        subs["{half}"] = f"{render_number(_canon(half), lang, fmt.style)} × 2" if half else f"{subs['{v}']} × 1"
        subs["{v2}"] = render_number(f"{float(x):.2f}", lang, fmt.style) if x.denominator in (1, 2, 4, 5) else None
        subs["{sci}"] = _sci(value)
        subs["{dbl}"] = render_number(_canon(2 * x), lang, fmt.style)
    a, b = rng.randint(2, 60), rng.randint(2, 60)
    subs["{r}"] = REASONING[lang].format(a=a, b=b, c=a + b, e=2 * (a + b))
    text = template if "{r}" in template else "{r}\n" + template
    for key, sub in subs.items():
        if key in text:
            if sub is None:
                return None
            text = text.replace(key, sub)
    return text


def _sci(value: str) -> str | None:
    """``7400`` -> ``74 × 10^2`` (integers >= 100 with a trailing zero), else ``None``."""
    if not re.fullmatch(r"-?[1-9]\d*0", value) or abs(int(value)) < 100:
        return None
    digits = value.rstrip("0")
    return f"{digits} × 10^{len(value) - len(digits)}"


def load_golds(data_dir: Path, n_gsm8k: int = 150, n_math: int = 100, seed: int = 0) -> dict[str, list[str]]:
    """Seeded samples of real gold answers: GSM8K test (all negatives, >= 40 values >= 1000), MATH-500, and every
    MATH-500 answer (``math500_all``, the pool of the restyling formats)."""
    rng = random.Random(seed)
    gsm = []
    for line in (data_dir / "gsm8k" / "test.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            gsm.append(json.loads(line)["answer"].split("####")[-1].strip().replace(",", ""))
    neg = [g for g in gsm if g.startswith("-")]
    big = [g for g in gsm if not g.startswith("-") and Fraction(g) >= 1000]
    rest = [g for g in gsm if g not in neg and g not in big]
    n_big = min(40, len(big))
    gsm_sample = neg + rng.sample(big, n_big) + rng.sample(rest, n_gsm8k - len(neg) - n_big)
    lines = (data_dir / "math500" / "test.jsonl").read_text(encoding="utf-8").splitlines()
    math_all = [json.loads(x)["answer"] for x in lines if x.strip()]
    return {"gsm8k": gsm_sample, "math500": rng.sample(math_all, n_math), "math500_all": math_all}


def _values(source: str, gold: str) -> list[tuple[str, str, bool]]:
    """(kind, written value, correct) triples for one gold: the gold and its wrong variants, per value kind."""
    out = []
    if _NUMERIC_RE.fullmatch(gold):
        num = _canon(Fraction(gold.replace(",", "")))
        out += [("num", num, True)] + [("num", w, False) for w in wrong_numbers(num)]
    if source == "math500":
        out += [("tex", gold, True)] + [("tex", w, False) for w in wrong_tex(gold)]
    return out


def _cases_for(fmt: Format, lang: str, source: str, gold: str, rng: random.Random) -> list[Case]:
    """The correct and wrong completions of ``fmt`` in ``lang`` for one gold."""
    values = [v for v in _values(source, gold) if v[0] in fmt.kinds]
    out = []
    for kind, value, correct in values:
        others = [w for k, w, c in values if k == kind and c != correct]
        if not others and re.search(r"\{(?:d|eq)\}", fmt.templates[lang]):
            continue
        text = _fill(fmt, lang, value, others[0] if others else value, kind, rng)
        if text is not None:
            out.append(Case(fmt.name, lang, source, gold, text, correct, fmt.anchored))
    return out


def build_corpus(data_dir: Path, seed: int = 0, per_cell: tuple[int, int] | None = (40, 25), **sample) -> list[Case]:
    """Every format x language x gold x (correct, wrong...) completion.

    ``per_cell=(g, m)`` draws, for each format and language, ``g`` of the sampled GSM8K golds and ``m`` of the
    sampled MATH-500 golds (seeded per cell, so all sampled golds are used across cells); ``None`` uses them all.
    Restyling formats (``boxed_degree_sign``, ``boxed_dfrac``) take every MATH-500 gold they apply to.
    """
    golds = load_golds(data_dir, seed=seed, **sample)
    cases = []
    for fi, fmt in enumerate(FORMATS):
        for li, lang in enumerate(LANGS):
            rng = random.Random(seed * 100_003 + fi * 101 + li)
            if fmt.restyle is not None:
                pools = {"math500": [g for g in golds["math500_all"] if _restyle(fmt, g) not in (None, g)]}
            else:
                pools = {"gsm8k": golds["gsm8k"], "math500": golds["math500"]}
                if per_cell is not None:
                    pools = {src: rng.sample(items, min(n, len(items)))
                             for (src, items), n in zip(pools.items(), per_cell, strict=True)}
            for source, items in pools.items():
                for gold in items:
                    cases += _cases_for(fmt, lang, source, gold, rng)
    return cases
