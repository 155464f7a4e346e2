"""Tests of the paper figures: the data behind each plot, the files written, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import layout
from pipeline.analysis import figures
from pipeline.analysis.figures import (
    EmptyViewError,
    FigureOptionError,
    pareto_front,
    plot_drift,
    plot_irreversibility,
    plot_tradeoff,
)
from pipeline.analysis.plotting import eval_title
from pipeline.store import StoreMissingError, ingest
from store_fixtures import build_results_tree, drift_target, eval_accuracy, eval_target_wr, write_translation


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ko + zh, seeds 0-2, arms acc / acc_lc / rand (rand dominated on both axes), recovery of acc."""
    root = tmp_path_factory.mktemp("figs")
    results = build_results_tree(root / "results", langs=("ko", "zh"), arms=("acc", "acc_lc", "rand"))
    ingest(results, root / "collapse.duckdb")
    return root / "collapse.duckdb"


def _assert_written(png: Path, pdf: Path) -> None:
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 2000


def _series(df: pd.DataFrame, **where: object) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for col, value in where.items():
        mask &= df[col] == value
    return df[mask]


def test_drift_returns_seed_aggregates_and_writes_png_pdf(db: Path, tmp_path: Path) -> None:
    png, pdf = tmp_path / "out" / "drift.png", tmp_path / "out" / "drift.pdf"
    data = plot_drift(db, png, pdf)
    _assert_written(png, pdf)
    assert list(data.columns) == ["lang", "arm", "metric", "step", "mean", "lo", "hi", "n_seeds"]
    assert len(data) == 2 * 3 * 3 * 5  # langs x arms x metrics x steps
    target = _series(data, lang="ko", arm="acc", metric="target_wr")
    expected = [sum(drift_target("acc", s, t) for s in range(3)) / 3 for t in range(5)]
    assert target["mean"].tolist() == pytest.approx(expected)
    step2 = target[target["step"] == 2].iloc[0]  # seeds 0.7, 0.5, 0.3 -> std 0.2
    assert (step2["lo"], step2["hi"], step2["n_seeds"]) == (pytest.approx(0.3), pytest.approx(0.7), 3)
    acc = _series(data, lang="zh", arm="acc", metric="accuracy")
    assert acc["mean"].tolist() == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0])
    en = _series(data, lang="ko", arm="acc_lc", metric="en_wr")
    assert en["mean"].tolist() == pytest.approx([0.1] * 5) and (en["lo"] == en["hi"]).all()


def test_drift_smoothing_and_minmax_band(db: Path, tmp_path: Path) -> None:
    data = plot_drift(
        db, tmp_path / "d.png", tmp_path / "d.pdf", smoothing=2, band="minmax", langs=["ko"], arms=["acc"]
    )
    assert set(data["lang"]) == {"ko"} and set(data["arm"]) == {"acc"}
    step1 = _series(data, metric="target_wr", step=1).iloc[0]
    # per seed, mean of steps 0 and 1: 0.85, 0.8, 0.75
    assert (step1["mean"], step1["lo"], step1["hi"]) == pytest.approx((0.8, 0.75, 0.85))
    step0 = _series(data, metric="target_wr", step=0).iloc[0]
    assert step0["mean"] == pytest.approx(0.9)  # min_periods=1: the first point is not dropped


def test_drift_rejects_bad_options(db: Path, tmp_path: Path) -> None:
    with pytest.raises(FigureOptionError, match=r"arm \['nope'\] not in v_drift; available: \['acc'"):
        plot_drift(db, tmp_path / "d.png", tmp_path / "d.pdf", arms=["nope"])
    with pytest.raises(FigureOptionError, match="smoothing must be >= 1"):
        plot_drift(db, tmp_path / "d.png", tmp_path / "d.pdf", smoothing=0)
    assert not (tmp_path / "d.png").exists()


def test_one_options_mapping_serves_every_figure(db: Path, tmp_path: Path) -> None:
    opts = {
        "smoothing": 3,
        "band": "minmax",
        "decoding": "sampled",
        "langs": ["zh"],
    }  # like config `figures:`
    drift = plot_drift(db, tmp_path / "d.png", tmp_path / "d.pdf", **opts)
    trade = plot_tradeoff(db, tmp_path / "t.png", tmp_path / "t.pdf", **opts)
    assert set(drift["lang"]) == set(trade["lang"]) == {"zh"} and set(trade["decoding"]) == {"sampled"}
    with pytest.raises(FigureOptionError, match=r"unknown figure option \['smooth'\]"):
        plot_tradeoff(db, tmp_path / "t.png", tmp_path / "t.pdf", smooth=3)


def test_irreversibility_stages_per_arm(db: Path, tmp_path: Path) -> None:
    png, pdf = tmp_path / "irr.png", tmp_path / "irr.pdf"
    data = plot_irreversibility(db, png, pdf)
    _assert_written(png, pdf)
    assert set(data["decoding"]) == {"greedy"}  # default when greedy was evaluated
    assert set(data["split"]) == {"test"}  # the only eval split in the store
    wr = _series(data, lang="ko", arm="acc", metric="target_wr")
    assert wr["stage"].tolist() == ["base", "sft", "grpo", "recovery"]
    expected = [
        sum(eval_target_wr(c, s) for s in range(3)) / 3 for c in ("base", "sft", "grpo_acc", "recovery_acc")
    ]
    assert wr["mean"].tolist() == pytest.approx(expected)
    assert wr["std"].tolist() == pytest.approx([0.0, 0.1299038, 0.1299038, 0.1299038], abs=1e-6)
    lc_acc = _series(data, lang="zh", arm="acc_lc", metric="accuracy")
    assert lc_acc["stage"].tolist() == ["base", "sft", "grpo"]  # no recovery for this arm
    assert lc_acc["mean"].tolist() == pytest.approx([0.25, 0.5, 0.5833333])
    assert set(data["n_seeds"]) == {3}
    # 95% intervals (hierarchical bootstrap over seeds and items) around every point
    assert ((data["lo"] <= data["mean"] + 1e-12) & (data["mean"] <= data["hi"] + 1e-12)).all()
    assert wr["lo"].iloc[0] == wr["hi"].iloc[0] == 1.0 and (wr["lo"].iloc[1:] < wr["hi"].iloc[1:]).all()


def test_irreversibility_sampled_and_unknown_decoding(db: Path, tmp_path: Path) -> None:
    data = plot_irreversibility(db, tmp_path / "i.png", tmp_path / "i.pdf", decoding="sampled")
    assert set(data["decoding"]) == {"sampled"} and set(data["temperature"]) == {1.0}
    with pytest.raises(FigureOptionError, match=r"decoding='beam'.*available.*'greedy'"):
        plot_irreversibility(db, tmp_path / "i.png", tmp_path / "i.pdf", decoding="beam")


def test_one_decoding_rule_and_its_label(db: Path) -> None:
    """decoding None = greedy when evaluated; a temperature alone = sampled; panel titles name the choice."""
    opts = {"split": "test", "smoothing": 5}  # a figures: section without decoding
    assert figures.eval_selection(opts) == {"split": "test", "decoding": None, "temperature": None}
    with pytest.raises(FigureOptionError, match=r"unknown figure option \['temp'\]"):
        figures.eval_selection({"temp": 1.0})
    greedy = figures.irreversibility_data(db, **figures.eval_selection(opts))
    sampled = figures.tradeoff_data(db, temperature=1.0)
    assert set(greedy["decoding"]) == {"greedy"} and greedy["temperature"].isna().all()
    assert set(sampled["decoding"]) == {"sampled"} and set(sampled["temperature"]) == {1.0}
    assert eval_title("ko", greedy.iloc[0]) == "Korean (ko), test, greedy"
    assert eval_title("zh", sampled.iloc[0]) == "Chinese (zh), test, sampled T=1.0"
    with pytest.raises(FigureOptionError, match=r"decoding='greedy' temperature=1.0; available .*\('sampled', 1.0\)"):
        figures.tradeoff_data(db, decoding="greedy", temperature=1.0)
    with pytest.raises(FigureOptionError, match=r"decoding='sampled' temperature=0.7"):
        figures.tradeoff_data(db, temperature=0.7)


def test_tradeoff_points_error_bars_and_pareto(db: Path, tmp_path: Path) -> None:
    png, pdf = tmp_path / "t.png", tmp_path / "t.pdf"
    data = plot_tradeoff(db, png, pdf)
    _assert_written(png, pdf)
    ko = data[data["lang"] == "ko"].set_index("arm")
    assert ko.loc["acc", "accuracy"] == pytest.approx(sum(eval_accuracy("grpo_acc", s) for s in range(3)) / 3)
    assert ko.loc["acc", ["accuracy_std", "target_wr", "target_wr_std"]].tolist() == pytest.approx(
        [0.1443376, 0.175, 0.1299038], abs=1e-6
    )
    assert ko.loc["rand", ["accuracy", "target_wr", "accuracy_std", "n_seeds"]].tolist() == pytest.approx(
        [0.25, 0.775, 0.0, 3]
    )
    assert ko["pareto"].to_dict() == {"acc": True, "acc_lc": True, "rand": False}
    assert len(data) == 6


def test_pareto_front_keeps_ties_and_drops_dominated() -> None:
    x = pd.Series([0.1, 0.9, 0.5, 0.9, 0.4])
    y = pd.Series([0.9, 0.2, 0.5, 0.2, 0.4])
    assert pareto_front(x, y).tolist() == [True, True, True, True, False]


def test_empty_views_raise_instead_of_drawing(tmp_path: Path) -> None:
    results = tmp_path / "results"
    write_translation(results, "ko")  # a store with translation QC only
    db = tmp_path / "c.duckdb"
    ingest(results, db)
    for plot, view in (
        (plot_drift, "v_drift"),
        (plot_irreversibility, "v_irreversibility"),
        (plot_tradeoff, "v_tradeoff"),
        (figures.plot_switch_position, "v_drift"),
        (figures.plot_accuracy_by_language, "v_correct_by_language"),
    ):
        with pytest.raises(EmptyViewError, match=f"view {view} in .* has no rows; ingest"):
            plot(db, tmp_path / "x.png", tmp_path / "x.pdf")
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.pdf").exists()
    with pytest.raises(StoreMissingError):
        plot_drift(tmp_path / "missing.duckdb", tmp_path / "x.png", tmp_path / "x.pdf")


def test_cli_all_and_single_with_data_csv(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert figures.main(["all", str(db), str(tmp_path / "figs")]) == 0
    for name in layout.FIGURES:
        _assert_written(tmp_path / "figs" / f"{name}.png", tmp_path / "figs" / f"{name}.pdf")
    csv = tmp_path / "tradeoff.csv"
    args = [
        "tradeoff",
        str(db),
        str(tmp_path / "t.png"),
        str(tmp_path / "t.pdf"),
        "--langs",
        "zh",
        "--data",
        str(csv),
    ]
    assert figures.main(args) == 0
    assert pd.read_csv(csv)["arm"].tolist() == ["acc", "acc_lc", "rand"]
    assert figures.main(["drift", str(tmp_path / "none.duckdb"), "a.png", "b.pdf"]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.fixture(scope="module")
def db_two_splits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ko, seeds 0-2, arms acc / acc_lc, evaluated on ``test`` and ``math500`` (different numbers)."""
    root = tmp_path_factory.mktemp("figs2")
    results = build_results_tree(root / "results", eval_splits=("test", "math500"))
    ingest(results, root / "collapse.duckdb")
    return root / "collapse.duckdb"


def test_eval_figures_show_one_chosen_split(db_two_splits: Path, tmp_path: Path) -> None:
    for split in ("test", "math500"):
        irr = plot_irreversibility(db_two_splits, tmp_path / "i.png", tmp_path / "i.pdf", split=split)
        assert set(irr["split"]) == {split}
        wr = _series(irr, arm="acc", metric="accuracy")["mean"].tolist()
        assert wr == pytest.approx(
            [sum(eval_accuracy(c, s, split) for s in range(3)) / 3 for c in ("base", "sft", "grpo_acc", "recovery_acc")]
        )
        trade = plot_tradeoff(db_two_splits, tmp_path / "t.png", tmp_path / "t.pdf", split=split)
        assert set(trade["split"]) == {split} and set(trade["n_seeds"]) == {3}
        acc = trade.set_index("arm").loc["acc"]
        assert acc["accuracy_lo"] <= acc["accuracy"] <= acc["accuracy_hi"]
        assert acc["accuracy"] == pytest.approx(sum(eval_accuracy("grpo_acc", s, split) for s in range(3)) / 3)
        assert acc["target_wr"] == pytest.approx(sum(eval_target_wr("grpo_acc", s, split) for s in range(3)) / 3)
    _assert_written(tmp_path / "t.png", tmp_path / "t.pdf")


def test_several_splits_and_none_chosen_is_an_error_not_a_mix(db_two_splits: Path, tmp_path: Path) -> None:
    for plot, view in ((plot_irreversibility, "v_irreversibility"), (plot_tradeoff, "v_tradeoff"),
                       (figures.plot_accuracy_by_language, "v_correct_by_language")):
        several = rf"{view} holds evaluations on several splits \['math500', 'test'\]; choose one"
        with pytest.raises(FigureOptionError, match=several):
            plot(db_two_splits, tmp_path / "x.png", tmp_path / "x.pdf")
        with pytest.raises(FigureOptionError, match=r"split 'dev' not in .*available: \['math500', 'test'\]"):
            plot(db_two_splits, tmp_path / "x.png", tmp_path / "x.pdf", split="dev")
    assert not (tmp_path / "x.png").exists()
    drift = plot_drift(db_two_splits, tmp_path / "d.png", tmp_path / "d.pdf", split="math500")  # not an eval figure
    assert len(drift) == 2 * 3 * 5
    assert figures.main(["tradeoff", str(db_two_splits), str(tmp_path / "t.png"), str(tmp_path / "t.pdf")]) == 1
    assert figures.main(
        ["tradeoff", str(db_two_splits), str(tmp_path / "t.png"), str(tmp_path / "t.pdf"), "--split", "math500"]
    ) == 0


def test_the_figure_registry_is_the_layout_s():
    assert tuple(figures.PLOTS) == layout.FIGURES
    assert tuple(figures.FIGURE_OPTIONS) == layout.FIGURES
