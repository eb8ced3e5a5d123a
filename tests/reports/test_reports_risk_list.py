"""Tiers, thresholds, reasons chosen from contributions, ordering and determinism."""

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pydantic import ValidationError

from reports.risk_list import RISK_LIST_SCHEMA, RiskThresholds, build_risk_list
from reports.tiers import assign_tier

AS_OF = dt.date(2026, 11, 23)


def _scores(p6: list[float], ids: list[str] | None = None) -> pl.DataFrame:
    ids = ids or [f"T{i}" for i in range(len(p6))]
    n = len(p6)
    return pl.DataFrame(
        {
            "talent_id": ids,
            "as_of": [AS_OF] * n,
            "county": ["decheng"] * n,
            "employer_id": ["E1"] * n,
            "p_leave_3m": [p / 2 for p in p6],
            "p_leave_6m": p6,
            "p_leave_12m": [min(1.0, p * 1.5) for p in p6],
            "subsidy_end_date": [dt.date(2027, 1, 31)] * n,
            "months_to_subsidy_end": [2] * n,
        }
    )


def test_tiers_follow_the_thresholds():
    frame = pl.DataFrame({"p_leave_6m": [0.30, 0.2999, 0.15, 0.1499, None]})
    tiers = frame.select(assign_tier(RiskThresholds()))["risk_tier"].to_list()
    assert tiers == ["high", "medium", "medium", "low", None]
    custom = frame.select(assign_tier(RiskThresholds(high=0.5, medium=0.1)))["risk_tier"].to_list()
    assert custom == ["medium", "medium", "medium", "medium", None]


def test_thresholds_must_be_ordered_and_frozen():
    with pytest.raises(ValidationError):
        RiskThresholds(high=0.1, medium=0.2)
    with pytest.raises(ValidationError):
        RiskThresholds().high = 0.5  # type: ignore[misc]


def test_reasons_are_the_three_largest_positive_contributions_in_words():
    scores = _scores([0.4, 0.2])
    features = pl.DataFrame(
        {
            "talent_id": ["T0", "T1"],
            "hometown": ["other_province", "dezhou"],
            "spouse_placed": [0, 1],
            "months_since_spouse_placed": pl.Series([None, 3], dtype=pl.Int64),
            "base_ratio_to_peers": [0.7, 1.0],
            "employer_headcount_trend_6m": [-0.2, 0.0],
        }
    )
    contributions = pl.DataFrame(
        {
            "talent_id": ["T0", "T1"],
            "hometown": [0.5, -0.1],
            "spouse_placed": [0.2, 0.3],
            "months_since_spouse_placed": [0.2, 0.0],  # joins spouse_placed: 0.4 for T0
            "base_ratio_to_peers": [0.9, -0.2],
            "employer_headcount_trend_6m": [0.1, 0.05],
            "months_to_subsidy_end": [-0.3, 0.0],
            "bias": [5.0, 5.0],
        }
    )
    out = build_risk_list(scores, features, contributions, "3", lang="en")
    first = out.row(0, named=True)
    # hometown is a bare attribute and "spouse not placed" needs a known marriage: both dropped
    assert [first["reason_1"], first["reason_2"], first["reason_3"]] == [
        "pay 30% below peers with the same degree in this county",
        "employer lost 20% of its staff in 6 months",
        None,
    ]
    second = out.row(1, named=True)  # a placed spouse and a steady employer read as protective
    assert [second["reason_1"], second["reason_2"], second["reason_3"]] == [None, None, None]


def test_columns_order_sorting_and_talents_without_contributions():
    scores = _scores([0.1, 0.5, 0.5, 0.2], ids=["b", "d", "a", "c"])
    contributions = pl.DataFrame({"talent_id": ["d"], "base_ratio_to_peers": [0.4], "bias": [0.0]})
    features = pl.DataFrame({"talent_id": ["d"], "base_ratio_to_peers": [0.6]})
    out = build_risk_list(scores, features, contributions, "12")
    assert out.columns == list(RISK_LIST_SCHEMA)
    assert out["talent_id"].to_list() == ["a", "d", "c", "b"]
    assert out["risk_tier"].to_list() == ["high", "high", "medium", "low"]
    assert out["reason_1"].to_list() == [None, "工资比本县同学历人员低40%", None, None]
    assert out["model_version"].unique().to_list() == ["12"]


def test_same_input_same_output_whatever_the_row_order():
    scores = _scores([0.3, 0.3, 0.1], ids=["x", "y", "z"])
    features = pl.DataFrame({"talent_id": ["x", "y", "z"], "base_ratio_to_peers": [0.5, 0.8, 0.9]})
    contributions = pl.DataFrame(
        {"talent_id": ["x", "y", "z"], "base_ratio_to_peers": [0.2, 0.1, 0.3], "bias": [0.0] * 3}
    )
    one = build_risk_list(scores, features, contributions, "1")
    two = build_risk_list(
        scores.reverse(),
        features.sample(fraction=1.0, shuffle=True, seed=3),
        contributions.reverse(),
        "1",
    )
    assert_frame_equal(one, two)


def test_missing_score_columns_are_reported():
    with pytest.raises(ValueError, match="p_leave_12m"):
        build_risk_list(
            _scores([0.1]).drop("p_leave_12m"),
            pl.DataFrame({"talent_id": []}),
            pl.DataFrame({"talent_id": []}),
            "1",
        )


def test_contributions_without_talent_id_align_with_the_features_rows():
    scores = _scores([0.5, 0.2], ids=["a", "b"])
    features = pl.DataFrame({"talent_id": ["b", "a"], "base_ratio_to_peers": [0.8, 0.5]})
    contributions = pl.DataFrame({"base_ratio_to_peers": [0.0, 0.7], "bias": [0.0, 0.0]})
    out = build_risk_list(scores, features, contributions, "1", lang="en")
    assert out["reason_1"].to_list() == [
        "pay 50% below peers with the same degree in this county",
        None,
    ]
