"""Damaged extracts: each fatal problem's exact one-line error, each row problem's exact reason.

Every damage is made on a fresh copy of the base extract (`base_tables`, text cells); a row
problem must quarantine exactly the damaged rows (and their dependants) and accept the rest.
"""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.contract import ExtractError
from features.ingest import ingest_extract, load_validated


def _set(frame: pl.DataFrame, column: str, index: int, value: str | None) -> pl.DataFrame:
    """The frame with one cell replaced (index counts data rows from 0, so row = index + 2)."""
    values = frame.get_column(column).to_list()
    values[index] = value
    return frame.with_columns(pl.Series(column, values, dtype=pl.String))


def _fatal(tables, tmp_path: Path, write_extract, damage=None, fmt="csv") -> str:
    data = write_extract(tables, tmp_path / "extract", fmt)
    if damage:
        damage(data)
    with pytest.raises(ExtractError) as err:
        ingest_extract(data, tmp_path / "work")
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").rglob("*.parquet"))
    assert "\n" not in str(err.value)
    return str(err.value)


def _quarantined(tables, tmp_path: Path, write_extract) -> list[tuple]:
    """Ingest, check every table reconciles against what was written, return the quarantine."""
    result = ingest_extract(write_extract(tables, tmp_path / "extract"), tmp_path / "work")
    for name, counts in result.summary.items():
        written = tables[name].height if name in tables else 0
        assert counts["read"] == written == counts["accepted"] + counts["quarantined"], name
        assert counts["accepted"] == result.tables[name].height
    return result.quarantine.rows()


# --- fatal problems: one line, nothing written -------------------------------------------


def test_missing_required_column(base_tables, tmp_path, write_extract):
    tables = base_tables()
    tables["talents"] = tables["talents"].drop("birth_date")
    message = _fatal(tables, tmp_path, write_extract)
    assert message == "talents.csv: column birth_date: required column is missing"


def test_missing_required_table(base_tables, tmp_path, write_extract):
    tables = base_tables()
    del tables["policies"]
    message = _fatal(tables, tmp_path, write_extract)
    expected = (
        "policies: required table is missing (no policies.parquet, policies.csv, policies.xlsx)"
    )
    assert message == expected


def test_two_formats_of_one_table(base_tables, tmp_path, write_extract):
    def add_parquet(data: Path) -> None:
        pl.read_csv(data / "employers.csv").write_parquet(data / "employers.parquet")

    message = _fatal(base_tables(), tmp_path, write_extract, add_parquet)
    assert (
        message
        == "employers.csv, employers.parquet: two files for table employers; keep exactly one"
    )


def test_empty_file(base_tables, tmp_path, write_extract):
    message = _fatal(
        base_tables(), tmp_path, write_extract, lambda d: (d / "employers.csv").write_bytes(b"")
    )
    assert message == "employers.csv: file is empty"


def test_repeated_column(base_tables, tmp_path, write_extract):
    tables = base_tables()
    tables["employers"] = tables["employers"].with_columns(pl.col("county").alias(" County "))
    message = _fatal(tables, tmp_path, write_extract)
    assert message == "employers.csv: column county: appears more than once in the header"


def test_table_with_a_header_and_no_rows(base_tables, tmp_path, write_extract):
    tables = base_tables()
    tables["subsidies"] = tables["subsidies"].clear()
    assert _fatal(tables, tmp_path, write_extract) == "subsidies.csv: table has no rows"


def test_truncated_csv_names_the_last_row(base_tables, tmp_path, write_extract):
    def cut(data: Path) -> None:
        path = data / "social_insurance.csv"
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join(lines[:3]) + b"\n" + lines[3][:10])  # "T…,2018-0"

    message = _fatal(base_tables(), tmp_path, write_extract, cut)
    assert message == "social_insurance.csv: row 4: file is truncated (last row has 2 of 4 fields)"


def test_truncated_inside_a_character(base_tables, tmp_path, write_extract):
    def cut(data: Path) -> None:
        path = data / "employers.csv"
        path.write_bytes(path.read_bytes().rstrip(b"\n") + "德".encode()[:2])

    message = _fatal(base_tables(), tmp_path, write_extract, cut)
    rows = base_tables()["employers"].height + 1
    assert message == f"employers.csv: row {rows}: file is truncated (ends inside a character)"


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_truncated_binary_file(base_tables, tmp_path, write_extract, fmt):
    def cut(data: Path) -> None:
        path = data / f"talents.{fmt}"
        path.write_bytes(path.read_bytes()[:300])

    message = _fatal(base_tables(), tmp_path, write_extract, cut, fmt)
    what = {"parquet": "not a valid Parquet file", "xlsx": "not a valid xlsx workbook"}[fmt]
    assert message == f"talents.{fmt}: file is truncated or {what}"


def test_undecodable_bytes(base_tables, tmp_path, write_extract):
    def spoil(data: Path) -> None:
        path = data / "talents.csv"
        lines = path.read_bytes().split(b"\n")
        lines[2] = lines[2].replace(b",", b",\xff", 1)  # row 3
        path.write_bytes(b"\n".join(lines))

    message = _fatal(base_tables(), tmp_path, write_extract, spoil)
    assert message == "talents.csv: row 3: bytes cannot be decoded as UTF-8 or GBK/GB18030"


# --- row problems: quarantined with their exact reason, everything else accepted ----------


@pytest.mark.parametrize(
    ("table", "column", "index", "value", "reason"),
    [
        ("talents", "birth_date", 0, "1990-02-30", "not a date (expected YYYY-MM-DD or YYYY/MM/DD)"),
        ("talents", "county", 0, "beijing", "unknown code (expected one of decheng, lingcheng, "
         "yucheng, leling, ningjin, qingyun, linyi, qihe, pingyuan, xiajin, wucheng, tianqu)"),
        ("talents", "education", 0, None, "required value is missing"),
        ("talents", "arrival_date", 0, "1950-01-01",
         "arrival_date is not plausible (expected 2000-01-01 or later)"),
        ("subsidies", "end_date", 0, "2000-01-01", "end_date is before start_date"),
        ("subsidies", "monthly_amount", 0, "-1000", "must not be negative"),
        ("subsidies", "talent_id", 1, "T404", "talent_id not found in talents"),
        ("subsidies", "policy_id", 0, "P404", "policy_id not found in policies"),
        ("social_insurance", "contribution_base", 2, "0", "must be greater than 0"),
        ("social_insurance", "contribution_base", 1, "四千", "not a number"),
        ("social_insurance", "month", 0, "2018-13", "not a month (expected YYYY-MM)"),
        ("social_insurance", "employer_id", 1, "E404", "employer_id not found in employers"),
        ("life_events", "event", 0, "divorced", "unknown code (expected one of married, "
         "spouse_placed, child_enrolled, home_purchased, hukou_moved, title_awarded)"),
        ("employers", "ownership", 0, "集体", "unknown code (expected one of private, state_owned, "
         "public_institution, foreign, government)"),
        ("policies", "effective_to", 0, "2010-01-01", "effective_to is before effective_from"),
    ],
)  # fmt: skip
def test_row_problem_is_quarantined_with_its_reason(
    base_tables, tmp_path, write_extract, table, column, index, value, reason
):
    tables = base_tables()
    if table in {"talents", "employers", "policies"}:  # damage a spare row nothing references
        tables[table] = pl.concat([tables[table].head(1), tables[table]])
        tables[table] = _set(tables[table], tables[table].columns[0], 0, "SPARE")
    tables[table] = _set(tables[table], column, index, value)
    got = _quarantined(tables, tmp_path, write_extract)
    assert got == [(table, index + 2, column, reason, value)]


def test_duplicate_key_keeps_the_first_row(base_tables, tmp_path, write_extract):
    tables = base_tables()
    tables["employers"] = pl.concat([tables["employers"], tables["employers"].head(1)])
    row, employer = tables["employers"].height + 1, tables["employers"].item(0, "employer_id")
    got = _quarantined(tables, tmp_path, write_extract)
    reason = "duplicate employer_id, first at row 2"
    assert got == [("employers", row, "employer_id", reason, employer)]


def test_a_quarantined_talent_takes_its_dependent_rows_along(base_tables, tmp_path, write_extract):
    tables = base_tables()
    talent = tables["social_insurance"].item(0, "talent_id")
    index = tables["talents"].get_column("talent_id").to_list().index(talent)
    tables["talents"] = _set(tables["talents"], "hometown", index, "mars")
    got = pl.DataFrame(_quarantined(tables, tmp_path, write_extract), orient="row")
    dependants = {
        name: tables[name].filter(pl.col("talent_id") == talent).height
        for name in ("subsidies", "social_insurance", "life_events")
    }
    assert sum(dependants.values()) > 0
    cascade = got.filter(pl.col("column_3") == "talent_id was quarantined in talents")
    assert cascade.height == sum(dependants.values())
    assert set(cascade.get_column("column_4")) == {talent}
    assert got.height == 1 + cascade.height


def test_mixed_date_forms_and_aliases_are_accepted(base_tables, tmp_path, write_extract):
    clean = ingest_extract(write_extract(base_tables(), tmp_path / "a"), tmp_path / "work")
    tables = base_tables()
    talents = tables["talents"]
    tables["talents"] = talents.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.col("birth_date").str.replace_all("-", "/"))
        .otherwise(pl.col("birth_date"))
    )
    tables["social_insurance"] = tables["social_insurance"].with_columns(
        pl.col("month").str.replace("-", "/")
    )
    mixed = ingest_extract(write_extract(tables, tmp_path / "b"), tmp_path / "work")
    assert mixed.quarantine.height == 0
    for name, frame in clean.tables.items():
        assert_frame_equal(mixed.tables[name], frame)


def test_blank_rows_and_extra_columns_are_harmless(base_tables, tmp_path, write_extract):
    tables = base_tables()
    employers = tables["employers"].with_columns(pl.lit("备注").alias("note"))
    blank = pl.DataFrame({c: [None] for c in employers.columns}, schema=employers.schema)
    tables["employers"] = pl.concat([employers.head(1), blank, employers.slice(1)])
    result = ingest_extract(write_extract(tables, tmp_path / "x"), tmp_path / "work")
    assert result.quarantine.height == 0
    assert result.summary["employers"]["blank_rows_skipped"] == 1
    assert "note" not in result.tables["employers"].columns


# --- what is written ---------------------------------------------------------------------


def test_outputs_cache_and_private_contacts(base_tables, tmp_path, write_extract):
    tables = base_tables()
    tables["life_events"] = _set(tables["life_events"], "event", 0, "?")
    data = write_extract(tables, tmp_path / "extract")
    first = ingest_extract(data, tmp_path / "work")
    path = first.work_path
    assert path.parent == tmp_path / "work" / "ingest"
    names = {p.name for p in path.iterdir()}
    assert {"quarantine.parquet", "quarantine.csv", "summary.json", "contacts.parquet"} <= names
    assert stat.S_IMODE((path / "contacts.parquet").stat().st_mode) == 0o600
    assert not set(first.tables["talents"].columns) & {"id_number", "name", "phone"}
    assert first.contacts.columns == ["talent_id", "id_number", "name", "phone"]
    assert first.quarantine.height == 1
    mtime = (path / "summary.json").stat().st_mtime_ns
    again = ingest_extract(data, tmp_path / "work")
    assert again.work_path == path and (path / "summary.json").stat().st_mtime_ns == mtime
    back = load_validated(path)
    for name, frame in first.tables.items():
        assert_frame_equal(back.tables[name], frame)
    assert_frame_equal(back.quarantine, first.quarantine)
    assert back.summary == first.summary
    (data / "employers.csv").write_bytes((data / "employers.csv").read_bytes() + b"\n")
    assert ingest_extract(data, tmp_path / "work").work_path != path  # changed bytes, new digest


def test_cli_turns_a_bad_extract_into_exit_2(base_tables, tmp_path, write_extract):
    cli = pytest.importorskip("flows.cli")
    if "ingest" not in {c.name or c.callback.__name__ for c in cli.app.registered_commands}:
        pytest.skip("flows.cli has no ingest command yet")
    from typer.testing import CliRunner

    tables = base_tables()
    tables["talents"] = tables["talents"].drop("birth_date")
    data = write_extract(tables, tmp_path / "extract")
    result = CliRunner().invoke(
        cli.app, ["ingest", "--data", str(data), "--work", str(tmp_path / "w")]
    )
    assert result.exit_code == 2
    assert "talents.csv: column birth_date: required column is missing" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").rglob("*.parquet"))
