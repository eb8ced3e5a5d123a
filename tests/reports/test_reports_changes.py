"""What changed since the previous list."""

import polars as pl
from polars.testing import assert_frame_equal

from reports.changes import compare_lists


def _list(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"talent_id": pl.String, "risk_tier": pl.String, "p_leave_6m": pl.Float64},
        orient="row",
    ).with_columns(pl.lit("decheng").alias("county"))


def test_new_risen_fallen_left_with_tier_change():
    current = _list(
        [
            ("new", "high", 0.4),
            ("up", "high", 0.35),
            ("drift", "medium", 0.25),
            ("down", "low", 0.05),
            ("same", "low", 0.1),
        ]
    )
    previous = _list(
        [
            ("up", "medium", 0.2),
            ("drift", "medium", 0.16),
            ("down", "medium", 0.2),
            ("same", "low", 0.11),
            ("gone", "high", 0.5),
        ]
    )
    out = compare_lists(current, previous)
    expected = pl.DataFrame(
        {
            "talent_id": ["new", "up", "drift", "down", "gone"],
            "county": ["decheng"] * 5,
            "change": ["new", "risen", "risen", "fallen", "left"],
            "risk_tier_previous": [None, "medium", "medium", "medium", "high"],
            "risk_tier": ["high", "high", "medium", "low", None],
            "tier_change": [None, "medium -> high", None, "medium -> low", None],
            "p_leave_6m_previous": [None, 0.2, 0.16, 0.2, 0.5],
            "p_leave_6m": [0.4, 0.35, 0.25, 0.05, None],
            "employer_id": [None] * 5,
            "employer_name": [None] * 5,
            "months_unpaid": [None] * 5,
            "reason_1": [None] * 5,
        },
        schema_overrides={c: pl.String for c in ("employer_id", "employer_name", "reason_1")}
        | {"months_unpaid": pl.Int32},
    )
    assert_frame_equal(out, expected)


def test_small_moves_inside_a_tier_are_not_changes():
    current = _list([("a", "medium", 0.20)])
    previous = _list([("a", "medium", 0.17)])
    assert compare_lists(current, previous).height == 0
    assert compare_lists(current, previous, min_change=0.02)["change"].to_list() == ["risen"]


def test_names_and_reasons_come_from_this_week_else_the_last():
    current = _list([("a", "high", 0.5)]).with_columns(
        pl.lit("甲公司").alias("employer_name"), pl.lit("户口未迁入德州").alias("reason_1")
    )
    previous = _list([("b", "high", 0.5)]).with_columns(
        pl.lit("乙公司").alias("employer_name"),
        pl.lit("已有2个月没有在德州缴纳社保").alias("reason_1"),
    )
    out = compare_lists(current, previous)
    assert out.select("talent_id", "change", "employer_name", "reason_1").rows() == [
        ("a", "new", "甲公司", "户口未迁入德州"),
        ("b", "left", "乙公司", "已有2个月没有在德州缴纳社保"),
    ]
