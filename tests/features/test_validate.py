"""Row checks: each reason, their order, references to accepted rows, duplicates, pandera."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.contract import TABLES
from features.extract import RawTable
from features.validate import (
    ID_REASON,
    QUARANTINE_SCHEMA,
    check_schema,
    check_table,
    coerce_extras,
    valid_resident_ids,
)


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


def test_resident_id_check_digit():
    ids = ["11010519491231002X", "11010519491231002x", "440524188001010014"]
    ids += ["110105194912310021", "4405241880010100", "44052418800101001４", None]
    got = valid_resident_ids(pl.Series("v", ids, dtype=pl.String)).to_list()
    assert got == [True, True, True, False, False, False, None]


def test_future_dates_need_a_reference_date():
    raw = _si(month=["2020-01", "2020-03"])
    assert check_table(raw, ACCEPTED, REJECTED).quarantine.height == 0
    got = check_table(raw, ACCEPTED, REJECTED, date(2020, 2, 29)).quarantine
    assert got.select("source_row", "reason").rows() == [
        (3, "month is after the run date 2020-02-29")
    ]


def test_contributions_before_the_arrival_month_in_any_row_order():
    raw = _si(
        talent_id=["T1", "T1", "T1"],
        month=["2020-01", "2019-11", "2019-12"],
        employer_id=["E1"] * 3,
        contribution_base=["1"] * 3,
    )
    got = check_table(raw, ACCEPTED, REJECTED).quarantine
    reason = "month is before the talent's arrival_date 2019-12-20"
    assert got.select("source_row", "reason").rows() == [(3, reason)]


def test_overlap_names_the_grant_with_the_latest_end_so_far():
    rows = {
        "grant_id": ["G1", "G2", "G3", "G4"],
        "talent_id": ["T1"] * 4,
        "policy_id": ["P1"] * 4,
        "subsidy_type": ["living", "living", "living", "rent"],
        "monthly_amount": ["1000"] * 4,
        "lump_sum": [None] * 4,
        "start_date": ["2020-01-01", "2020-02-01", "2021-06-01", "2020-01-01"],
        "end_date": ["2022-12-31", "2020-06-30", "2021-12-31", "2022-12-31"],
    }
    accepted = {"talents": ACCEPTED["talents"], "policies": pl.DataFrame({"policy_id": ["P1"]})}
    rejected = {"talents": REJECTED["talents"], "policies": pl.Series([], dtype=pl.String)}
    got = check_table(_raw("subsidies", rows), accepted, rejected).quarantine
    reason = "overlaps grant G1 (2020-01-01 to 2022-12-31) of the same talent_id and subsidy_type"
    assert got.select("source_row", "reason").rows() == [(3, reason), (4, reason)]


def test_id_number_reason_leaves_the_value_out():
    rows = {
        "talent_id": ["T1"],
        "id_number": ["110105194912310021"],
        "birth_date": ["1990-01-01"],
        "education": ["bachelor"],
        "hometown": ["dezhou"],
        "program": ["other"],
        "arrival_date": ["2020-01-01"],
        "county": ["decheng"],
    }
    got = check_table(_raw("talents", rows), {}, {}).quarantine
    assert got.rows() == [("talents", 2, "id_number", ID_REASON, None)]


def test_consecutive_contributions_before_arrival_are_all_quarantined():
    """The shortcut over sorted rows must not trust a previous row that is itself early."""
    raw = _si(
        talent_id=["T1", "T1", "T1", "T1", "T1", "T1"],
        month=["2019-10", "2019-11", "2020-01", "2019-09", "2019-10", "2019-12"],
        employer_id=["E1"] * 6,
        contribution_base=["1"] * 6,
    )
    got = check_table(raw, ACCEPTED, REJECTED).quarantine
    reason = "month is before the talent's arrival_date 2019-12-20"
    assert got.select("source_row", "reason").rows() == [(r, reason) for r in (2, 3, 5, 6)]


def _talent_rows(**overrides: list) -> dict[str, list]:
    rows = {
        "talent_id": ["T1"],
        "birth_date": ["1990-01-01"],
        "education": ["bachelor"],
        "hometown": ["dezhou"],
        "program": ["other"],
        "arrival_date": ["2020-01-01"],
        "county": ["decheng"],
    }
    return rows | overrides


@pytest.mark.parametrize(
    ("table", "rows", "column", "reason"),
    [
        ("talents", _talent_rows(birth_date=["0000-01-01"]), "birth_date",
         "birth_date is not plausible (expected 1940-01-01 to 2010-12-31)"),
        ("talents", _talent_rows(birth_date=["1939-12-31"]), "birth_date",
         "birth_date is not plausible (expected 1940-01-01 to 2010-12-31)"),
        ("talents", _talent_rows(birth_date=["2011-01-01"], arrival_date=["2021-01-01"]),
         "birth_date", "birth_date is not plausible (expected 1940-01-01 to 2010-12-31)"),
        ("talents", _talent_rows(arrival_date=["1999-12-31"]), "arrival_date",
         "arrival_date is not plausible (expected 2000-01-01 or later)"),
        ("subsidies", {"grant_id": ["G1"], "talent_id": ["T1"], "policy_id": ["P1"],
                       "subsidy_type": ["living"], "monthly_amount": ["1000"], "lump_sum": [None],
                       "start_date": ["0001-01-01"], "end_date": ["2022-12-31"]},
         "start_date", "start_date is not plausible (expected 2000-01-01 to 2100-12-31)"),
        ("subsidies", {"grant_id": ["G1"], "talent_id": ["T1"], "policy_id": ["P1"],
                       "subsidy_type": ["living"], "monthly_amount": ["1000"], "lump_sum": [None],
                       "start_date": ["2020-01-01"], "end_date": ["9999-12-31"]},
         "end_date", "end_date is not plausible (expected 2000-01-01 to 2100-12-31)"),
        ("social_insurance", {"talent_id": ["T1"], "month": ["1999-12"], "employer_id": ["E1"],
                              "contribution_base": ["1"]},
         "month", "month is not plausible (expected 2000-01-01 or later)"),
        ("life_events", {"talent_id": ["T1"], "event_date": ["1959-12-31"], "event": ["married"]},
         "event_date", "event_date is not plausible (expected 1960-01-01 or later)"),
    ],
)  # fmt: skip
def test_implausible_dates_are_quarantined(table, rows, column, reason):
    accepted = ACCEPTED | {"policies": pl.DataFrame({"policy_id": ["P1"]})}
    rejected = REJECTED | {"policies": pl.Series([], dtype=pl.String)}
    got = check_table(_raw(table, rows), accepted, rejected).quarantine
    assert got.select("source_row", "column", "reason").rows() == [(2, column, reason)]


def test_dates_at_the_edges_of_the_plausible_ranges_are_accepted():
    rows = _talent_rows(
        talent_id=["T1", "T2"],
        birth_date=["1940-01-01", "2000-12-31"],
        education=["bachelor"] * 2,
        hometown=["dezhou"] * 2,
        program=["other"] * 2,
        arrival_date=["2000-01-01", "2024-01-01"],
        county=["decheng"] * 2,
    )
    assert check_table(_raw("talents", rows), {}, {}).quarantine.height == 0
