"""Weighted estimation: hand-worked cases, invariants and svy golden values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
import svy

from analysis.design import DesignColumns
from analysis.errors import AnalysisError
from analysis.estimation import Statistic, weighted_estimates, weighted_estimates_by_level
from analysis.settings import (
    EstimationSettings,
    IntervalDistribution,
    ShareInterval,
    SingletonMethod,
)

DESIGN = DesignColumns(weight="w", stratum="st")


def _toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "st": ["A", "A", "B", "B"],
            "w": [1.0, 1.0, 2.0, 2.0],
            "y": [1.0, 3.0, 2.0, 4.0],
            "d": ["in", "out", "in", "out"],
        }
    )


def test_hand_worked_full_sample() -> None:
    # est = Σwy/Σw = (1+3+4+8)/6 = 8/3.
    # z = w(y-8/3)/6: A: -5/18, 1/18; B: -4/18, 8/18.
    # A: deviations from stratum mean -2/18 are ∓3/18, Σ² = 18/324, × m/(m-1)=2 -> 36/324.
    # B: deviations from 2/18 are ∓6/18, Σ² = 72/324, × 2 -> 144/324. var = 180/324 = 5/9.
    # deff: s² = 4/3 · Σw(y-ȳ)²/W = 4/3 · (22/3)/6 = 44/27; v_srs = (1-4/6)·(44/27)/4 = 11/81;
    # deff = (5/9)/(11/81) = 45/11; n_eff = 4/(45/11) = 44/45; df = (2-1)+(2-1) = 2.
    row = weighted_estimates(_toy(), ["y"], design=DESIGN).iloc[0]
    assert row["estimate"] == pytest.approx(8 / 3, rel=1e-12)
    assert row["se"] == pytest.approx(math.sqrt(5 / 9), rel=1e-12)
    assert row["deff"] == pytest.approx(45 / 11, rel=1e-12)
    assert row["n_eff"] == pytest.approx(44 / 45, rel=1e-12)
    assert row["df"] == 2
    assert row["n"] == 4
    assert row["weight_sum"] == 6
    # 95 % t interval with 2 df: t = 4.302652729911275.
    assert row["ci_low"] == pytest.approx(8 / 3 - 4.302652729911275 * math.sqrt(5 / 9))
    assert bool(row["small_cell"])


def test_hand_worked_domain_keeps_full_design() -> None:
    # Domain "in" = A1 (w1,y1), B1 (w2,y2): est = (1+4)/3 = 5/3, W_d = 3.
    # z = 1(1-5/3)/3 = -2/9 in A, 2(2-5/3)/3 = 2/9 in B, 0 for the other rows.
    # A: (-2/9, 0) around -1/9: Σ² = 2/81, × 2 = 4/81; B likewise 4/81; var = 8/81.
    # Subsetting the rows instead would leave two singleton strata.
    table = weighted_estimates(_toy(), ["y"], ["d"], DESIGN).set_index("d")
    assert table.at["in", "estimate"] == pytest.approx(5 / 3, rel=1e-12)
    assert table.at["in", "se"] == pytest.approx(math.sqrt(8 / 81), rel=1e-12)
    assert table.at["in", "df"] == 0  # one domain PSU per stratum: no residual df
    assert math.isnan(table.at["in", "ci_low"])


def test_z_interval() -> None:
    settings = EstimationSettings(distribution=IntervalDistribution.Z)
    row = weighted_estimates(_toy(), ["y"], design=DESIGN, settings=settings).iloc[0]
    assert row["ci_high"] == pytest.approx(8 / 3 + 1.959963984540054 * math.sqrt(5 / 9))


def test_singleton_strata() -> None:
    # Stratum C holds one row (w=1, y=5). Full sample: W = 7, est = 21/7 = 3.
    # z_C = 1·(5-3)/7 = 2/7. ADJUST adds z_C² = 4/49; CERTAINTY adds 0.
    frame = pd.concat([_toy(), pd.DataFrame({"st": ["C"], "w": [1.0], "y": [5.0], "d": ["x"]})])
    adjust = weighted_estimates(frame, ["y"], design=DESIGN).iloc[0]
    certainty = weighted_estimates(
        frame,
        ["y"],
        design=DESIGN,
        settings=EstimationSettings(singleton=SingletonMethod.CERTAINTY),
    ).iloc[0]
    assert adjust["estimate"] == pytest.approx(3.0)
    assert adjust["se"] ** 2 - certainty["se"] ** 2 == pytest.approx(4 / 49, rel=1e-12)


def test_small_cells_flagged_not_hidden() -> None:
    frame = _random_frame(np.random.default_rng(3), 60)
    table = weighted_estimates(frame, ["y"], ["d"], DesignColumns("w", "st"))
    assert set(table["d"]) == set(frame["d"])
    assert (table["small_cell"] == (table["n"] < 10)).all()


def test_integer_weights_equal_repeated_rows() -> None:
    rng = np.random.default_rng(5)
    frame = _random_frame(rng, 80)
    frame["w"] = rng.integers(1, 4, len(frame)).astype(float)
    repeated = frame.loc[frame.index.repeat(frame["w"].astype(int))].assign(w=1.0)
    a = weighted_estimates(frame, ["y", "ym"], ["d"], DesignColumns("w", "st"))
    b = weighted_estimates(repeated, ["y", "ym"], ["d"], DesignColumns("w", "st"))
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-12)
    np.testing.assert_allclose(a["weight_sum"], b["weight_sum"], rtol=1e-12)


def test_row_order_irrelevant() -> None:
    rng = np.random.default_rng(6)
    frame = _random_frame(rng, 120)
    shuffled = frame.sample(frac=1.0, random_state=1)
    a = weighted_estimates(frame, ["y", "ym"], ["d"], DesignColumns("w", "st", "psu"))
    b = weighted_estimates(shuffled, ["y", "ym"], ["d"], DesignColumns("w", "st", "psu"))
    pd.testing.assert_frame_equal(a, b, rtol=1e-12)


def test_levels_match_single_calls() -> None:
    frame = _random_frame(np.random.default_rng(8), 150)
    both = weighted_estimates_by_level(
        frame, ["y"], {"d": ["d"], "all": []}, DesignColumns("w", "st")
    )
    single = weighted_estimates(frame, ["y"], ["d"], DesignColumns("w", "st"))
    pd.testing.assert_frame_equal(both["d"], single)
    assert len(both["all"]) == 1


def test_share_rejects_non_binary() -> None:
    with pytest.raises(AnalysisError):
        weighted_estimates(_toy(), ["y"], design=DESIGN, statistic=Statistic.SHARE)


def test_share_interval_at_boundary_uses_n() -> None:
    # All answers 1: SE = 0, so the Wilson interval uses n_eff = n = 4 (deff 1).
    frame = _toy().assign(b=1.0)
    row = weighted_estimates(frame, ["b"], design=DESIGN, statistic=Statistic.SHARE).iloc[0]
    assert row["ci_high"] == 1.0
    assert 0.0 < row["ci_low"] < 1.0


def _random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "st": rng.integers(0, 6, n).astype(str),
            "psu": rng.integers(0, 5, n).astype(str),
            "w": rng.uniform(1, 9, n),
            "y": rng.normal(3.0, 1.0, n),
            "b": rng.integers(0, 2, n).astype(float),
            "d": rng.integers(0, 5, n).astype(str),
        }
    )
    frame["ym"] = frame["y"].where(rng.random(n) > 0.15)
    frame["bm"] = frame["b"].where(rng.random(n) > 0.15)
    return frame


def _svy_sample(frame: pd.DataFrame, psu: str | None, singleton: str | None) -> svy.Sample:
    design = svy.Design(stratum="st", psu=psu, wgt="w", singleton=singleton)
    return svy.Sample(pl.from_pandas(frame), design)


def _compare(ours: pd.DataFrame, theirs: pd.DataFrame, columns: list[tuple[str, str]]) -> None:
    theirs = theirs.rename(columns={c: f"svy_{c}" for c in theirs.columns if c != "d"})
    merged = ours.merge(theirs, on="d")
    assert len(merged) == len(ours) == len(theirs)
    for mine, reference in columns:
        np.testing.assert_allclose(
            merged[mine].astype(float), merged[f"svy_{reference}"].astype(float), rtol=1e-9, atol=0
        )


@pytest.mark.parametrize("psu", [None, "psu"])
@pytest.mark.parametrize("variable", ["y", "ym"])
def test_means_match_svy(psu: str | None, variable: str) -> None:
    frame = _random_frame(np.random.default_rng(11), 300)
    theirs = (
        _svy_sample(frame, psu, None)
        .estimation.mean(variable, by="d", deff="wor", drop_nulls=variable == "ym")
        .to_polars()
        .to_pandas()
    )
    ours = weighted_estimates(frame, [variable], ["d"], DesignColumns("w", "st", psu))
    _compare(
        ours,
        theirs,
        [
            ("estimate", "est"),
            ("se", "se"),
            ("deff", "deff"),
            ("df", "df"),
            ("ci_low", "lci"),
            ("ci_high", "uci"),
            ("n", "n"),
        ],
    )


@pytest.mark.parametrize("psu", [None, "psu"])
@pytest.mark.parametrize("method", [ShareInterval.WILSON, ShareInterval.LOGIT])
def test_shares_match_svy(psu: str | None, method: ShareInterval) -> None:
    frame = _random_frame(np.random.default_rng(12), 300)
    theirs = (
        _svy_sample(frame, psu, None)
        .estimation.prop("bm", by="d", deff="wor", ci_method=method.value, drop_nulls=True)
        .to_polars()
        .to_pandas()
    )
    theirs = theirs[theirs["bm"] == 1]
    settings = EstimationSettings(share_interval=method)
    ours = weighted_estimates(
        frame, ["bm"], ["d"], DesignColumns("w", "st", psu), Statistic.SHARE, settings
    )
    _compare(
        ours,
        theirs,
        [
            ("estimate", "est"),
            ("se", "se"),
            ("deff", "deff"),
            ("ci_low", "lci"),
            ("ci_high", "uci"),
        ],
    )


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(SingletonMethod.ADJUST, "center"), (SingletonMethod.CERTAINTY, "skip")],
)
def test_singletons_match_svy(ours: SingletonMethod, theirs: str) -> None:
    frame = _random_frame(np.random.default_rng(13), 200)
    frame.loc[frame.index[:2], "st"] = ["lonely1", "lonely2"]
    reference = (
        _svy_sample(frame, None, theirs).estimation.mean("y", by="d").to_polars().to_pandas()
    )
    settings = EstimationSettings(singleton=ours)
    mine = weighted_estimates(frame, ["y"], ["d"], DesignColumns("w", "st"), settings=settings)
    _compare(mine, reference, [("estimate", "est"), ("se", "se"), ("df", "df")])


def _with_population(
    frame: pd.DataFrame, psu: str | None, rng: np.random.Generator
) -> pd.DataFrame:
    """Each stratum's population size: between the PSUs drawn and a few times as many (one
    stratum a census), as an eligible list gives it."""
    unit = frame[psu] if psu else pd.Series(range(len(frame)), index=frame.index)
    drawn = unit.groupby(frame["st"]).nunique()
    sizes = {st: int(m + rng.integers(0, 3 * m)) for st, m in drawn.items()}
    sizes[drawn.index[0]] = int(drawn.iloc[0])  # a census stratum
    return frame.assign(N=frame["st"].map(sizes).astype(float))


@pytest.mark.parametrize("psu", [None, "psu"])
@pytest.mark.parametrize("statistic", [Statistic.MEAN, Statistic.SHARE])
def test_finite_population_correction_matches_svy_pop_size(
    psu: str | None, statistic: Statistic
) -> None:
    rng = np.random.default_rng(21)
    frame = _with_population(_random_frame(rng, 400), psu, rng)
    design = svy.Design(stratum="st", psu=psu, wgt="w", pop_size="N")
    sample = svy.Sample(pl.from_pandas(frame), design)
    if statistic is Statistic.MEAN:
        theirs = sample.estimation.mean("y", by="d").to_polars().to_pandas()
        variable = "y"
    else:
        theirs = sample.estimation.prop("b", by="d").to_polars().to_pandas()
        theirs = theirs[theirs["b"] == 1]
        variable = "b"
    ours = weighted_estimates(
        frame, [variable], ["d"], DesignColumns("w", "st", psu, pop_size="N"), statistic
    )
    _compare(ours, theirs, [("estimate", "est"), ("se", "se")])
    without = weighted_estimates(frame, [variable], ["d"], DesignColumns("w", "st", psu), statistic)
    assert (ours["se"] < without["se"]).all()


def test_a_census_has_no_sampling_error() -> None:
    frame = _random_frame(np.random.default_rng(22), 120)
    drawn = frame.groupby("st")["y"].transform("size").astype(float)
    ours = weighted_estimates(
        frame.assign(N=drawn), ["y"], ["d"], DesignColumns("w", "st", None, "N")
    )
    assert (ours["se"] == 0).all()


@pytest.mark.parametrize(
    "sizes",
    [
        lambda f: f["st"].map(lambda s: 1.0),  # fewer than drawn
        lambda f: pd.Series(np.arange(len(f)) + 1000.0, index=f.index),  # differs in a stratum
        lambda f: f["st"].map(lambda s: float("nan")),
    ],
)
def test_bad_population_sizes_are_refused(sizes: object) -> None:
    frame = _random_frame(np.random.default_rng(23), 60)
    frame["N"] = sizes(frame)  # type: ignore[operator]
    with pytest.raises(AnalysisError) as refused:
        weighted_estimates(frame, ["y"], ["d"], DesignColumns("w", "st", None, "N"))
    assert refused.value.code.value == "analysis.bad_pop_size"
