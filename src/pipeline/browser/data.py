"""What the browser page embeds, read from the DuckDB store (docs/browser.md).

* **eval samples**: per (eval run = lang, seed, checkpoint, split; decoding, temperature) at most
  :attr:`Sampling.eval_per_group` rows, the same items in every checkpoint (ranked by ``md5(seed || item_id)``, then
  ``sample_idx``), so one item can be followed from SFT through the GRPO arms to recovery;
* **GRPO rollouts**: per run at most :attr:`Sampling.steps_per_run` logged steps (evenly spaced, first and last kept)
  and per step at most :attr:`Sampling.rollouts_per_step` rows (ranked by ``md5(seed || item_id)``, then
  ``md5(seed || completion)``);
* the complete **drift curve** of every GRPO run (``v_drift``) and every **eval point** (``v_eval_points``);
* for every shown row its stored composition, correctness and reward components, and each counted word of its CoT
  with the composition code's label (:func:`pipeline.browser.words.labelled_cot`).

Like the analysis views, only the runs of the current config are shown (``v_current_runs``; docs/store.md).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline import layout
from pipeline.browser.words import LabelledCot, labelled_cot, utf16_index
from pipeline.languages import UnknownLanguageError
from pipeline.store import connect_readonly
from pipeline.store.schema import REWARD_COLUMN_PATTERN

__all__ = ["Sampling", "browser_data", "checkpoint_order", "sampled_steps"]

# Stored composition fields checked against the word labels (a mismatch is shown on the row's card).
_CHECKED = ("n_words", "first_switch_word", "target_share", "en_share")


@dataclass(frozen=True)
class Sampling:
    """How many rows the page embeds; the same store and seed always give the same rows."""

    seed: int = 0  # salt of the md5 ranks
    eval_per_group: int = 20  # eval samples per (eval run, decoding, temperature); 0: all
    steps_per_run: int = 25  # GRPO steps with rollouts per run, evenly spaced; 0: all
    rollouts_per_step: int = 4  # rollouts per (GRPO run, step); 0: all


def sampled_steps(steps: Sequence[int], k: int) -> list[int]:
    """``k`` of ``steps`` evenly spaced, the first and the last included (all when ``k`` is 0 or enough).

    >>> sampled_steps(range(10), 4), sampled_steps([5, 7], 4), sampled_steps(range(10), 1)
    ([0, 3, 6, 9], [5, 7], [9])
    """
    steps = sorted(set(steps))
    if k <= 0 or len(steps) <= k:
        return steps
    if k == 1:
        return steps[-1:]
    return sorted({steps[round(i * (len(steps) - 1) / (k - 1))] for i in range(k)})


def checkpoint_order(checkpoint: str) -> tuple[int, str]:
    """Sort key of a checkpoint name: base, sft, the GRPO arms, their recoveries (unknown names last).

    >>> sorted(["recovery_acc", "grpo_acc_lc", "sft", "grpo_acc", "base"], key=checkpoint_order)
    ['base', 'sft', 'grpo_acc', 'grpo_acc_lc', 'recovery_acc']
    """
    phase = layout.phase_of(checkpoint)
    return (layout.PHASES.index(phase) if phase else len(layout.PHASES), checkpoint)


def _num(x: Any, digits: int = 4) -> float | None:
    """A JSON-safe rounded float (NaN and None -> None)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else round(x, digits)


def _records(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _limit(n: int) -> int:
    """A row cap for SQL (0: no cap)."""
    return n if n > 0 else 2**62


_CURRENT = "(NOT EXISTS (SELECT 1 FROM config_runs) OR {col} IN (SELECT run_id FROM config_runs))"


def _labelled(completion: Any, lang: str) -> LabelledCot | None:
    try:
        return labelled_cot(completion, lang)
    except UnknownLanguageError:
        return None


def _text_fields(rec: dict[str, Any], lang: str) -> dict[str, Any]:
    """The CoT, its placed words (UTF-16 offsets, for JavaScript), the completion when it differs, and the stored
    composition fields that disagree with the word labels."""
    cot = _labelled(rec.get("completion"), lang)
    comp = {"ts": _num(rec.get("target_share")), "es": _num(rec.get("en_share")), "os": _num(rec.get("other_share")),
            "ol": rec.get("other_lang"), "nw": rec.get("n_words"), "fsw": rec.get("first_switch_word"),
            "fsf": _num(rec.get("first_switch_frac"))}
    if cot is None:
        return {**comp, "cot": rec.get("completion") or "", "w": [], "mm": ["language"]}
    u = utf16_index(cot.text)
    words = [[u(s), u(e), code] if s >= 0 else [-1, -1, code] for s, e, code in cot.words]
    mm = []
    for field in _CHECKED:
        stored, mine = rec.get(field), getattr(cot.composition, field)
        if stored is not None and (mine is None or abs(float(stored) - float(mine)) > 1e-6):
            mm.append(field)
    completion = rec.get("completion") or ""
    out = {**comp, "cot": cot.text, "w": words, "mm": mm}
    if completion.strip() != cot.text:
        out["full"] = completion
    return out


def _drift(con: Any) -> list[dict[str, Any]]:
    rows = _records(con, "SELECT run_id, lang, arm, seed, step, accuracy, target_wr, en_wr, n FROM v_drift")
    return [{"run": r["run_id"], "lang": r["lang"], "arm": r["arm"], "seed": r["seed"], "step": int(r["step"]),
             "acc": _num(r["accuracy"]), "tw": _num(r["target_wr"]), "ew": _num(r["en_wr"]), "n": int(r["n"])}
            for r in rows]


def _rollouts(con: Any, drift: list[dict[str, Any]], s: Sampling, prompts: dict[str, int]) -> list[dict[str, Any]]:
    steps: dict[str, list[int]] = {}
    for d in drift:
        steps.setdefault(d["run"], []).append(d["step"])
    chosen = [(run, step) for run, all_steps in steps.items() for step in sampled_steps(all_steps, s.steps_per_run)]
    if not chosen:
        return []
    rewards = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE rollouts)").fetchall()
               if re.match(REWARD_COLUMN_PATTERN, c)]
    salt = str(s.seed)
    rows = _records(con, """
        WITH runs_ AS (SELECT DISTINCT run_id, lang, arm, seed FROM v_drift),
        sel AS (SELECT unnest(?::VARCHAR[]) AS run_id, unnest(?::BIGINT[]) AS step),
        ranked AS (
          SELECT r.*, d.lang, d.arm, d.seed,
                 row_number() OVER (PARTITION BY r.run_id, r.step
                                    ORDER BY md5(? || COALESCE(r.item_id, '')), md5(? || COALESCE(r.completion, '')),
                                             r.reward, r.advantage) AS k
          FROM rollouts r JOIN runs_ d USING (run_id) JOIN sel USING (run_id, step))
        SELECT * FROM ranked WHERE k <= ? ORDER BY lang, seed, arm, step, k""",
                    [[c for c, _ in chosen], [t for _, t in chosen], salt, salt, _limit(s.rollouts_per_step)])
    out = []
    for r in rows:
        prompt = r.get("prompt") or ""
        out.append({"kind": "r", "run": r["run_id"], "lang": r["lang"], "seed": r["seed"], "arm": r["arm"],
                    "ck": layout.checkpoint_name("grpo", r["arm"]) if r["arm"] else None, "step": int(r["step"]),
                    "item": r["item_id"], "c": r["correct"], "rw": _num(r["reward"]), "adv": _num(r["advantage"]),
                    "rc": {c.removeprefix("reward_"): _num(r[c]) for c in rewards if r[c] is not None},
                    "q": prompts.setdefault(prompt, len(prompts)), **_text_fields(r, r["lang"])})
    return out


def _evals(con: Any, s: Sampling) -> list[dict[str, Any]]:
    salt = str(s.seed)
    rows = _records(con, f"""
        WITH e AS (
          SELECT s.*, COALESCE(ru.lang, s.lang) AS lang_, COALESCE(ru.seed, s.seed) AS seed_,
                 COALESCE(ru.arm, s.arm) AS arm_, COALESCE(ru.split, s.split) AS split_,
                 COALESCE(ru.checkpoint, split_part(s.checkpoint_run_id, '/', 3)) AS ck_,
                 row_number() OVER (PARTITION BY s.run_id, s.decoding, s.temperature
                                    ORDER BY md5(? || s.item_id), s.sample_idx) AS k
          FROM eval_samples s LEFT JOIN runs ru ON ru.run_id = s.run_id
          WHERE {_CURRENT.format(col="s.run_id")})
        SELECT * FROM e WHERE k <= ? ORDER BY lang_, seed_, split_, ck_, decoding, temperature, k""",
                    [salt, _limit(s.eval_per_group)])
    return [{"kind": "e", "run": r["run_id"], "lang": r["lang_"], "seed": r["seed_"], "arm": r["arm_"],
             "ck": r["ck_"], "split": r["split_"], "dec": r["decoding"], "temp": _num(r["temperature"]),
             "sidx": r["sample_idx"], "item": r["item_id"], "c": r["correct"], "pred": r["pred_answer"],
             "gold": r["gold_answer"], "gok": r["gold_ok"], "fok": r["format_ok"], **_text_fields(r, r["lang_"])}
            for r in rows]


def _eval_groups(con: Any) -> list[dict[str, Any]]:
    """Rows per (eval run, decoding, temperature) in the store."""
    rows = _records(con, f"""SELECT run_id, decoding, temperature, count(*) AS n FROM eval_samples
                             WHERE {_CURRENT.format(col="run_id")} GROUP BY ALL ORDER BY ALL""")
    return [{"run": r["run_id"], "dec": r["decoding"], "temp": _num(r["temperature"]), "n": int(r["n"])}
            for r in rows]


def _eval_points(con: Any) -> list[dict[str, Any]]:
    rows = _records(con, """SELECT lang, seed, split, arm, checkpoint, decoding, temperature, n, accuracy, target_wr,
                                   en_wr FROM v_eval_points""")
    return [{"lang": r["lang"], "seed": r["seed"], "split": r["split"], "arm": r["arm"], "ck": r["checkpoint"],
             "dec": r["decoding"], "temp": _num(r["temperature"]), "n": r["n"], "acc": _num(r["accuracy"]),
             "tw": _num(r["target_wr"]), "ew": _num(r["en_wr"])} for r in rows]


def browser_data(db_path: str | Path, sampling: Sampling = Sampling()) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data (keys: docs/browser.md, "Data")."""
    prompts: dict[str, int] = {}
    with connect_readonly(Path(db_path)) as con:
        drift = _drift(con)
        rollouts = _rollouts(con, drift, sampling, prompts)
        evals = _evals(con, sampling)
        groups = _eval_groups(con)
        points = _eval_points(con)
        n_rollouts = con.execute(
            f"SELECT count(*) FROM rollouts WHERE {_CURRENT.format(col='run_id')}").fetchone()[0]
        ingested = con.execute("SELECT max(ingested_at) FROM artifacts").fetchone()[0]
        stale = con.execute("SELECT count(*) FROM v_stale_runs").fetchone()[0]
    shown = Counter((r["run"], r["dec"], r["temp"]) for r in evals)
    for g in groups:
        g["shown"] = shown[(g["run"], g["dec"], g["temp"])]
    checkpoints = sorted({r["ck"] for r in evals if r["ck"]} | {r["ck"] for r in rollouts if r["ck"]},
                         key=checkpoint_order)
    return {
        "meta": {"db": str(db_path), "ingested_at": ingested.isoformat(sep=" ") if ingested else None,
                 "sampling": asdict(sampling), "stale_runs": int(stale), "checkpoints": checkpoints,
                 "rollouts": {"shown": len(rollouts), "total": int(n_rollouts)},
                 "evals": {"shown": len(evals), "total": sum(g["n"] for g in groups)}},
        "drift": drift, "points": points, "eval_groups": groups, "rollouts": rollouts, "evals": evals,
        "prompts": list(prompts),
    }
