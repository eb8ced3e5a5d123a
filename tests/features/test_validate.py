"""Row checks: each reason, their order, references to accepted rows, duplicates, pandera."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.contract import TABLES
from features.extract import RawTable
from features.validate import QUARANTINE_SCHEMA, check_schema, check_table, coerce_extras


def _raw(name: str, rows: dict[str, list]) -> RawTable:
    frame = pl.DataFrame(rows, schema={c: pl.String for c in rows})
    frame = frame.with_row_index("source_row", offset=2).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )
    return RawTable(name, f"{name}.csv", frame)


def _quarantine(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=QUARANTINE_SCHEMA, orient="row")


def _si(**overrides: list) -> RawTable:
    rows = {
        "talent_id": ["T1", "T1"],
        "month": ["2020-01", "2020-02"],
        "employer_id": ["E1", "E1"],
        "contribution_base": ["5000", "5000"],
    }
    return _raw("social_insurance", rows | overrides)


ACCEPTED = {
    "talents": pl.DataFrame({"talent_id": ["T1"], "arrival_date": [date(2019, 12, 20)]}),
    "employers": pl.DataFrame({"employer_id": ["E1"]}),
}
REJECTED = {"talents": pl.Series(["T2"]), "employers": pl.Series([], dtype=pl.String)}


def test_valid_rows_are_typed_and_all_accepted():
    check = check_table(_si(), ACCEPTED, REJECTED)
    expected = pl.DataFrame(
        {
            "talent_id": ["T1", "T1"],
            "month": [date(2020, 1, 1), date(2020, 2, 1)],
            "employer_id": ["E1", "E1"],
            "contribution_base": [5000.0, 5000.0],
        }
    )
    assert_frame_equal(check.accepted, expected)
    assert check.quarantine.height == 0


@pytest.mark.parametrize(
    ("overrides", "column", "reason", "value"),
    [
        ({"month": ["2020-01", "2020-14"]}, "month", "not a month (expected YYYY-MM)", "2020-14"),
        ({"month": ["2020-01", " "]}, "month", "required value is missing", " "),
        ({"contribution_base": ["5000", "五千"]}, "contribution_base", "not a number", "五千"),
        ({"contribution_base": ["5000", "0"]}, "contribution_base", "must be greater than 0", "0"),
        (
            {"contribution_base": ["5000", "-1"]},
            "contribution_base",
            "must be greater than 0",
            "-1",
        ),
        ({"talent_id": ["T1", "T9"]}, "talent_id", "talent_id not found in talents", "T9"),
        ({"talent_id": ["T1", "T2"]}, "talent_id", "talent_id was quarantined in talents", "T2"),
        ({"employer_id": ["E1", "E7"]}, "employer_id", "employer_id not found in employers", "E7"),
        (
            {"month": ["2020-01", "2020/01"]},
            "month",
            "duplicate talent_id and month, first at row 2",
            "T1, 2020-01-01",
        ),
    ],
)
def test_each_row_problem_quarantines_the_row_with_its_reason(overrides, column, reason, value):
    check = check_table(_si(**overrides), ACCEPTED, REJECTED)
    assert_frame_equal(
        check.quarantine, _quarantine([("social_insurance", 3, column, reason, value)])
    )
    assert check.accepted.height == 1


def test_field_checks_in_column_order_come_before_references():
    raw = _si(talent_id=["T1", "T9"], contribution_base=["5000", "x"])
    got = check_table(raw, ACCEPTED, REJECTED).quarantine
    assert got.select("column", "reason").row(0) == ("contribution_base", "not a number")
    raw = _si(talent_id=["T1", None], month=["2020-01", "bad"])
    got = check_table(raw, ACCEPTED, REJECTED).quarantine
    assert got.select("column", "reason").row(0) == ("talent_id", "required value is missing")


def test_the_earliest_valid_row_of_a_key_wins_over_an_earlier_invalid_one():
    raw = _si(
        month=["2020-01", "2020-01", "2020-01"],
        talent_id=["T9", "T1", "T1"],
        employer_id=["E1", "E1", "E1"],
        contribution_base=["1", "1", "1"],
    )
    got = check_table(raw, ACCEPTED, REJECTED).quarantine
    assert got.get_column("reason").to_list() == [
        "talent_id not found in talents",
        "duplicate talent_id and month, first at row 3",
    ]


def test_talent_rules_codes_dates_and_order():
    rows = {
        "talent_id": ["T1", "T2", "T3", "T4"],
        "gender": ["男", "X", None, None],
        "birth_date": ["1990-01-01", "1990-01-01", "1990-01-01", "2001-01-01"],
        "education": ["本科", "bachelor", "bachelor", "bachelor"],
        "hometown": ["dezhou"] * 4,
        "program": ["other"] * 4,
        "arrival_date": ["2020-01-01", "2020-01-01", "2020-02-30", "2000-06-01"],
        "county": ["德城区", "decheng", "decheng", "decheng"],
    }
    check = check_table(_raw("talents", rows), {}, {})
    assert check.accepted.select("talent_id", "gender", "education", "county").rows() == [
        ("T1", "M", "bachelor", "decheng")
    ]
    assert check.quarantine.select("source_row", "column", "reason", "value").rows() == [
        (3, "gender", "unknown code (expected one of M, F)", "X"),
        (4, "arrival_date", "not a date (expected YYYY-MM-DD or YYYY/MM/DD)", "2020-02-30"),
        (5, "arrival_date", "arrival_date is before birth_date", "2000-06-01"),
    ]


def test_subsidy_money_and_reversed_dates():
    rows = {
        "grant_id": ["G1", "G2", "G3"],
        "talent_id": ["T1"] * 3,
        "policy_id": ["P1"] * 3,
        "subsidy_type": ["rent", "租房补贴", "安家费"],
        "monthly_amount": ["1000", "-500", None],
        "lump_sum": [None, None, "80,000"],
        "start_date": ["2020-01-01", "2020-01-01", "2020-01-01"],
        "end_date": ["2019-12-31", "2023-01-01", "2025-01-01"],
    }
    accepted = {"talents": ACCEPTED["talents"], "policies": pl.DataFrame({"policy_id": ["P1"]})}
    rejected = {"talents": REJECTED["talents"], "policies": pl.Series([], dtype=pl.String)}
    check = check_table(_raw("subsidies", rows), accepted, rejected)
    assert check.quarantine.select("column", "reason", "value").rows() == [
        ("end_date", "end_date is before start_date", "2019-12-31"),
        ("monthly_amount", "must not be negative", "-500"),
    ]
    assert check.accepted.select("grant_id", "subsidy_type", "lump_sum").rows() == [
        ("G3", "settlement", 80000.0)
    ]


def test_pandera_schema_quarantines_what_slipped_past_the_row_checks():
    spec = TABLES["social_insurance"]
    frame = pl.DataFrame(
        {
            "source_row": [2, 3],
            "talent_id": ["T1", "T1"],
            "month": [date(2020, 1, 1), date(2020, 2, 1)],
            "employer_id": ["E1", "E1"],
            "contribution_base": [1.0, -1.0],
        }
    )
    ok, failed = check_schema(frame, spec)
    assert ok.get_column("source_row").to_list() == [2]
    assert failed.select("source_row", "column").rows() == [(3, "contribution_base")]
    assert failed.get_column("reason").item().startswith("failed schema check greater_than")


def test_extra_columns_become_numbers_only_when_every_value_is_one():
    frame = pl.DataFrame({"x_a": ["1", " 2.5", None], "x_b": ["1", "high", None]})
    got = coerce_extras(frame, ["x_a", "x_b"])
    assert got.schema == pl.Schema({"x_a": pl.Float64, "x_b": pl.String})
