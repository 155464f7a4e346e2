"""Print-ready figures: 95% intervals on the eval points, seed counts in words, no overlapping text, and the
switch_position and accuracy_by_language figures checked against direct SQL on the store."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import matplotlib
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from pipeline import layout
from pipeline.analysis import figures
from pipeline.analysis.figure_data import count_label, plural
from pipeline.analysis.plotting import STYLE, new_figure
from pipeline.analysis.uncertainty import hierarchical_bootstrap
from pipeline.store import ingest
from store_fixtures import build_results_tree

DRAW = {
    "drift": figures.draw_drift,
    "irreversibility": figures.draw_irreversibility,
    "tradeoff": figures.draw_tradeoff,
    "switch_position": figures.draw_switch_position,
    "accuracy_by_language": figures.draw_accuracy_by_language,
}
DATA = {
    "drift": figures.drift_data,
    "irreversibility": figures.irreversibility_data,
    "tradeoff": figures.tradeoff_data,
    "switch_position": figures.switch_position_data,
    "accuracy_by_language": figures.accuracy_by_language_data,
}


def _switch_frac(step: int, i: int, seed: int) -> float:
    """A spread of first-switch positions, so median and quartiles differ."""
    return ((7 * step + 3 * i + seed) % 10) / 10


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ko + zh, seeds 0-2, arms acc / acc_lc / rand; the acc arm's switched rollouts have varied first-switch
    positions, and one rollout per step has no counted words."""
    root = tmp_path_factory.mktemp("print")
    results = build_results_tree(root / "results", langs=("ko", "zh"), arms=("acc", "acc_lc", "rand"))
    for lang, seed in itertools.product(("ko", "zh"), range(3)):
        path = results / lang / f"seed{seed}" / "grpo_acc" / "rollouts.parquet"
        table = pq.read_table(path)
        df = table.to_pandas()
        switched = df["first_switch_frac"].notna()
        df.loc[switched, "first_switch_frac"] = [
            _switch_frac(s, i, seed) for s, i in zip(df.loc[switched, "step"], df.index[switched], strict=True)]
        empty = df.index % 4 == 3  # no counted words: nothing to switch from, left out
        df.loc[empty, "n_words"] = 0
        df.loc[empty, "first_switch_frac"] = np.nan
        df["first_switch_word"] = df["first_switch_word"].astype("Int64").mask(empty)
        pq.write_table(pa.Table.from_pandas(df, schema=table.schema, preserve_index=False), path)
    ingest(results, root / "collapse.duckdb")
    return root / "collapse.duckdb"


@pytest.fixture(scope="module")
def db_one_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ko, seed 0 only, arms acc / acc_lc."""
    root = tmp_path_factory.mktemp("print1")
    ingest(build_results_tree(root / "results", seeds=(0,)), root / "collapse.duckdb")
    return root / "collapse.duckdb"


def _sql(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).df()


# -- text layout -------------------------------------------------------------------------------------------------
def _texts(fig: Figure) -> dict[str, list[Text]]:
    """The drawn, non-empty text artists of each axes (title, axis labels, tick labels in view, texts) and of the
    figure (legend)."""
    fig.canvas.draw()
    out: dict[str, list[Text]] = {}
    for k, ax in enumerate(fig.axes):
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis, view in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(view)
            for tick in axis.get_major_ticks():
                if lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    texts += [tick.label1, tick.label2]
        out[f"axes {k}"] = texts
    out["figure"] = [t for legend in fig.legends for t in legend.get_texts()] + list(fig.texts)
    return {key: [t for t in texts if t.get_visible() and t.get_text().strip()] for key, texts in out.items()}


def overlapping_texts(fig: Figure, tolerance: float = 0.5) -> list[tuple[str, str, str]]:
    """Pairs of text artists whose drawn bounding boxes overlap by more than ``tolerance`` pixels both ways:
    within one axes, and across the whole figure (titles of neighbouring panels, the legend)."""
    renderer = fig.canvas.get_renderer()
    groups = _texts(fig)
    boxes = {key: [(t, t.get_window_extent(renderer)) for t in texts] for key, texts in groups.items()}
    everything = [(key, t, box) for key, items in boxes.items() for t, box in items]
    bad = []
    for (k1, t1, b1), (k2, t2, b2) in itertools.combinations(everything, 2):
        dx = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
        dy = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
        if dx > tolerance and dy > tolerance:
            bad.append((k1 if k1 == k2 else f"{k1} / {k2}", t1.get_text(), t2.get_text()))
    return bad


def all_text(fig: Figure) -> list[str]:
    return [t.get_text() for texts in _texts(fig).values() for t in texts]


def _draw(name: str, data: pd.DataFrame) -> Figure:
    with matplotlib.rc_context(STYLE):
        return DRAW[name](data)


def test_the_overlap_check_finds_overlapping_text() -> None:
    fig = new_figure(1, 1)
    ax = fig.subplots()
    ax.text(0.5, 0.5, "a long label here")
    ax.text(0.52, 0.5, "another one")
    ax.text(0.5, 0.1, "far away")
    assert overlapping_texts(fig) == [("axes 0", "a long label here", "another one")]


@pytest.mark.parametrize("name", layout.FIGURES)
def test_no_text_overlaps_and_seed_counts_in_words(db: Path, db_one_seed: Path, name: str) -> None:
    for store, opts, seeds in ((db, {}, "3 seeds"), (db_one_seed, {"decoding": "sampled"}, "1 seed")):
        fig = _draw(name, DATA[name](store, **figures.options_for(name, opts)))
        assert overlapping_texts(fig) == [], name
        texts = all_text(fig)
        assert not [t for t in texts if "(s)" in t], texts
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles and all(f"\n{seeds}, " in t for t in titles), titles
        assert not any("1 seeds" in t for t in texts)
        if name in ("irreversibility", "tradeoff", "accuracy_by_language"):
            assert all("95% intervals" in t for t in titles)
            assert all(("sampled T=1.0" if store == db_one_seed else "greedy") in t for t in titles)


def test_plural_and_count_label() -> None:
    assert (plural(1, "seed"), plural(2, "seed")) == ("1 seed", "2 seeds")
    assert count_label([1, 3], "seed") == "1-3 seeds"
    with pytest.raises(figures.FigureOptionError, match=r"unknown figure options \['a', 'b'\]"):
        figures.options_for("drift", {"a": 1, "b": 2})


# -- intervals on the eval figures ---------------------------------------------------------------------------------
def _item_groups(db: Path, checkpoint: str, metric: str, lang: str = "ko", decoding: str = "greedy") -> list:
    """Per seed, the items' mean correctness / target share of one checkpoint, straight from eval_samples."""
    column = {"accuracy": "CAST(correct AS DOUBLE)", "target_wr": "target_share"}[metric]
    df = _sql(db, f"""
        SELECT checkpoint_run_id, item_id, avg({column}) AS v FROM eval_samples
        WHERE split = 'test' AND decoding = ? AND gold_ok AND checkpoint_run_id LIKE ? GROUP BY ALL
        ORDER BY checkpoint_run_id, item_id""", [decoding, f"{lang}/seed%/{checkpoint}"])
    return [g["v"].to_numpy() for _, g in df.groupby("checkpoint_run_id", sort=True)]


def test_irreversibility_intervals_are_the_findings_bootstrap(db: Path) -> None:
    data = figures.irreversibility_data(db)
    assert {"lo", "hi"} <= set(data.columns) and data[["lo", "hi"]].notna().all().all()
    assert ((data["lo"] <= data["mean"] + 1e-12) & (data["mean"] <= data["hi"] + 1e-12)).all()
    assert (data["lo"] < data["hi"]).any()
    for stage, checkpoint, metric in (("grpo", "grpo_acc", "accuracy"), ("sft", "sft", "target_wr"),
                                      ("recovery", "recovery_acc", "target_wr")):
        iv = hierarchical_bootstrap(_item_groups(db, checkpoint, metric), seed=0)
        row = data[(data.lang == "ko") & (data.arm == "acc") & (data.stage == stage) & (data.metric == metric)]
        assert row[["mean", "lo", "hi"]].iloc[0].tolist() == pytest.approx([iv.estimate, iv.lo, iv.hi])
    # a checkpoint every arm shares has one interval, and a redraw the same numbers
    sft = data[(data.lang == "zh") & (data.stage == "sft") & (data.metric == "accuracy")]
    assert sft["arm"].tolist() == ["acc", "acc_lc", "rand"] and sft["lo"].nunique() == sft["hi"].nunique() == 1
    pd.testing.assert_frame_equal(data, figures.irreversibility_data(db))


def test_tradeoff_intervals_on_both_axes(db: Path, db_one_seed: Path) -> None:
    data = figures.tradeoff_data(db)
    for metric in ("accuracy", "target_wr"):
        lo, est, hi = data[f"{metric}_lo"], data[metric], data[f"{metric}_hi"]
        assert lo.notna().all() and ((lo <= est + 1e-12) & (est <= hi + 1e-12)).all()
    irr = figures.irreversibility_data(db)
    grpo = irr[irr.stage == "grpo"].pivot_table(index=["lang", "arm"], columns="metric", values=["lo", "hi"])
    trade = data.set_index(["lang", "arm"])
    assert trade["accuracy_lo"].tolist() == pytest.approx(grpo[("lo", "accuracy")].tolist())
    assert trade["target_wr_hi"].tolist() == pytest.approx(grpo[("hi", "target_wr")].tolist())
    one = figures.tradeoff_data(db_one_seed, decoding="sampled")  # one seed: the items alone are resampled
    iv = hierarchical_bootstrap(_item_groups(db_one_seed, "grpo_acc", "accuracy", decoding="sampled"), seed=0)
    acc = one.set_index("arm").loc["acc"]
    assert (acc["n_seeds"], acc["accuracy_lo"], acc["accuracy_hi"]) == (1, pytest.approx(iv.lo), pytest.approx(iv.hi))


# -- switch_position ---------------------------------------------------------------------------------------------
def _direct_switch(db: Path, width: int) -> pd.DataFrame:
    """The first-switch numbers recomputed from the rollouts table: run ids name lang, seed and arm."""
    raw = _sql(db, """
        SELECT split_part(run_id, '/', 1) AS lang, regexp_extract(split_part(run_id, '/', 3), '^grpo_(.+)$', 1) AS arm,
               split_part(run_id, '/', 2) AS seed, step, first_switch_frac AS pos
        FROM rollouts WHERE n_words > 0""")
    raw["step_lo"] = raw["step"] // width * width
    rows = []
    for (lang, arm, step_lo), g in raw.groupby(["lang", "arm", "step_lo"]):
        pos = g["pos"].dropna().to_numpy()
        q25, median, q75 = np.percentile(pos, [25, 50, 75]) if len(pos) else (np.nan,) * 3
        rows.append({"lang": lang, "arm": arm, "step_lo": step_lo, "n_rollouts": len(g), "n_switched": len(pos),
                     "switched_share": len(pos) / len(g), "q25": q25, "median": median, "q75": q75,
                     "n_seeds": g["seed"].nunique()})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("step_bin", [None, 1, 2])
def test_switch_position_equals_direct_sql_over_rollouts(db: Path, tmp_path: Path, step_bin: int | None) -> None:
    data = figures.plot_switch_position(db, tmp_path / "s.png", tmp_path / "s.pdf", step_bin=step_bin)
    assert (tmp_path / "s.png").stat().st_size > 5000 and (tmp_path / "s.pdf").read_bytes()[:5] == b"%PDF-"
    width = step_bin or 1  # 5 logged steps: one step per bin by default
    assert set(data["step_bin"]) == {width}
    expected = _direct_switch(db, width)
    cols = ["n_rollouts", "n_switched", "switched_share", "q25", "median", "q75", "n_seeds"]
    got = data.set_index(["lang", "arm", "step_lo"]).sort_index()
    want = expected.set_index(["lang", "arm", "step_lo"]).sort_index()
    assert got.index.equals(want.index)
    pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False)
    assert (got["step_hi"] - got.index.get_level_values("step_lo") == width - 1).all()
    acc = got.loc[("ko", "acc")]
    assert acc["n_rollouts"].sum() == 5 * 3 * 3  # 5 steps x (4 rollouts - 1 without words) x 3 seeds
    assert (acc["q25"] < acc["q75"]).any()  # the spread of positions is there


def test_switch_position_options(db: Path, tmp_path: Path) -> None:
    data = figures.switch_position_data(db, langs=["zh"], arms=["rand", "acc"])
    assert set(data["lang"]) == {"zh"} and set(data["arm"]) == {"acc", "rand"}
    rand = data[data["arm"] == "rand"]
    assert rand["switched_share"].tolist() == pytest.approx([0.5] * 5) and set(rand["median"]) == {0.25}
    with pytest.raises(figures.FigureOptionError, match=r"arm \['nope'\] not in rollouts; available"):
        figures.switch_position_data(db, arms=["nope"])
    with pytest.raises(figures.FigureOptionError, match="step_bin must be >= 1"):
        figures.plot_switch_position(db, tmp_path / "s.png", tmp_path / "s.pdf", step_bin=0)
    assert not (tmp_path / "s.png").exists()


# -- accuracy_by_language --------------------------------------------------------------------------------------------
def _view_accuracy(db: Path, decoding: str) -> pd.DataFrame:
    df = _sql(db, """
        SELECT lang, split_part(checkpoint_run_id, '/', 3) AS checkpoint, in_target,
               sum(n) FILTER (WHERE correct) AS n_correct, sum(n) AS n, count(DISTINCT seed) AS n_seeds
        FROM v_correct_by_language WHERE split = 'test' AND decoding = ?
        GROUP BY ALL HAVING sum(n) > 0""", [decoding])
    df["cot"] = df["in_target"].map({True: "target", False: "other"})
    df["accuracy"] = df["n_correct"].fillna(0) / df["n"]
    return df.set_index(["lang", "checkpoint", "cot"]).sort_index()


@pytest.mark.parametrize("decoding", ["greedy", "sampled"])
def test_accuracy_by_language_equals_the_view(db: Path, decoding: str) -> None:
    data = figures.accuracy_by_language_data(db, decoding=decoding)
    assert set(data["decoding"]) == {decoding}
    per_checkpoint = data.drop_duplicates(["lang", "checkpoint", "cot"]).set_index(["lang", "checkpoint", "cot"])
    want = _view_accuracy(db, decoding)
    assert per_checkpoint.sort_index().index.equals(want.index)
    got = per_checkpoint.loc[want.index]
    assert got["accuracy"].tolist() == pytest.approx(want["accuracy"].tolist())
    assert got["n"].tolist() == want["n"].tolist()
    assert set(data["n_seeds"]) == {3}
    assert ((data["lo"] <= data["accuracy"] + 1e-12) & (data["accuracy"] <= data["hi"] + 1e-12)).all()
    # base and SFT (no arm) are drawn for every arm; base reasons only in the target language (fixture)
    base = data[(data.lang == "ko") & (data.stage == "base")]
    assert sorted(base["arm"]) == ["acc", "acc_lc", "rand"] and set(base["cot"]) == {"target"}
    assert data[data.stage == "recovery"]["arm"].unique().tolist() == ["acc"]


def test_accuracy_by_language_interval_is_the_ratio_bootstrap(db: Path) -> None:
    data = figures.accuracy_by_language_data(db)
    items = _sql(db, """
        SELECT checkpoint_run_id, item_id, sum(CAST(correct AND target_share >= 0.5 AS INT)) AS c,
               sum(CAST(target_share >= 0.5 AS INT)) AS t
        FROM eval_samples WHERE split = 'test' AND decoding = 'greedy' AND gold_ok
          AND checkpoint_run_id LIKE 'ko/seed%/grpo_acc_lc' GROUP BY ALL ORDER BY ALL""")
    groups = [g[["c", "t"]].to_numpy() for _, g in items.groupby("checkpoint_run_id", sort=True)]
    with np.errstate(invalid="ignore"):  # resamples without a target-language sample
        iv = hierarchical_bootstrap(groups, lambda m: m[..., 0] / m[..., 1], seed=0)
    row = data[(data.lang == "ko") & (data.checkpoint == "grpo_acc_lc") & (data.cot == "target")].iloc[0]
    assert (row["accuracy"], row["lo"], row["hi"]) == pytest.approx((iv.estimate, iv.lo, iv.hi))


def test_accuracy_by_language_options(db: Path) -> None:
    data = figures.accuracy_by_language_data(db, langs=["zh"], arms=["acc_lc"])
    assert set(data["lang"]) == {"zh"} and set(data["arm"]) == {"acc_lc"}
    assert set(data["stage"]) == {"base", "sft", "grpo"}  # no recovery of this arm
    with pytest.raises(figures.FigureOptionError, match=r"arm \['nope'\] not in v_correct_by_language"):
        figures.accuracy_by_language_data(db, arms=["nope"])
    with pytest.raises(figures.FigureOptionError, match=r"split 'dev' not in v_correct_by_language"):
        figures.accuracy_by_language_data(db, split="dev")


# -- the CLI and the options mapping ---------------------------------------------------------------------------------
def test_cli_runs_the_new_figures(db: Path, tmp_path: Path) -> None:
    csv = tmp_path / "s.csv"
    args = ["switch_position", str(db), str(tmp_path / "s.png"), str(tmp_path / "s.pdf"), "--step-bin", "2",
            "--data", str(csv)]
    assert figures.main(args) == 0
    assert set(pd.read_csv(csv)["step_bin"]) == {2}
    csv = tmp_path / "a.csv"
    args = ["accuracy_by_language", str(db), str(tmp_path / "a.png"), str(tmp_path / "a.pdf"), "--decoding",
            "sampled", "--langs", "ko", "--data", str(csv)]
    assert figures.main(args) == 0
    written = pd.read_csv(csv)
    assert set(written["decoding"]) == {"sampled"} and set(written["lang"]) == {"ko"}


def test_one_options_mapping_serves_the_new_figures(db: Path, tmp_path: Path) -> None:
    opts = {"smoothing": 3, "band": "minmax", "decoding": "sampled", "langs": ["zh"], "step_bin": 2}
    for name, plot in figures.PLOTS.items():
        data = plot(db, tmp_path / f"{name}.png", tmp_path / f"{name}.pdf", **opts)
        assert set(data["lang"]) == {"zh"}, name
    assert figures.options_for("switch_position", opts) == {"langs": ["zh"], "step_bin": 2}
    assert figures.options_for("accuracy_by_language", opts) == {"decoding": "sampled", "langs": ["zh"]}
