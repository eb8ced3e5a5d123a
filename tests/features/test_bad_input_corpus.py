"""The bad-input corpus: damaged copies of a small simulated extract (300 talents).

Each kind of damage ends one of three ways (the decisions are tabled in docs/bad_input.md):
- fatal: `retention ingest` prints the exact one-line error and exits 2, no traceback,
  nothing written (the file cannot be trusted as a whole: structure, encoding, header);
- quarantined: the damaged row (and only rows that depend on it) lands in the quarantine
  with its exact reason, every other row is accepted, and counts reconcile per table;
- accepted: a benign, common quirk (BOM, GBK, numbers as text, Excel serials and date
  cells, full-width digits, title and blank rows, aliases); the values read equal the clean
  extract's.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.ingest import IngestResult, ingest_extract
from features.validate import ID_REASON

RUN_DATE = date(2024, 6, 30)  # the simulated registry's as-of (conftest SIMULATED_AS_OF)
FULL = str.maketrans("0123456789-/,.", "０１２３４５６７８９－／，．")


# --- writing and damaging extracts ---------------------------------------------------------


def _write(tables: dict[str, pl.DataFrame], out: Path, encoding: str = "utf-8") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        (out / f"{name}.csv").write_bytes(frame.write_csv().encode(encoding))
    return out


def _write_xlsx(
    frame: pl.DataFrame,
    path: Path,
    above: tuple[str | None, ...] = (),
    numbers: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    merge_header: int | None = None,
) -> None:
    """An Excel sheet as people make them: rows above the header, typed cells, merged headers."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet, day = book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd"})
    for r, title in enumerate(above):
        if title is not None:
            sheet.merge_range(r, 0, r, frame.width - 1, title)
    top = len(above)
    for c, name in enumerate(frame.columns):
        if merge_header != c and merge_header != c - 1:
            sheet.write_string(top, c, name)
    if merge_header is not None:
        sheet.merge_range(top, merge_header, top, merge_header + 1, frame.columns[merge_header])
    for r, row in enumerate(frame.iter_rows(), start=top + 1):
        for c, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
            if value is None:
                continue
            if name in numbers:
                sheet.write_number(r, c, float(value))
            elif name in dates:
                sheet.write_datetime(r, c, datetime.fromisoformat(value), day)
            else:
                sheet.write_string(r, c, value)
    book.close()


def _set(frame: pl.DataFrame, column: str, index: int, value: str | None) -> pl.DataFrame:
    """The frame with one cell replaced (index counts data rows from 0, so row = index + 2)."""
    values = frame.get_column(column).to_list()
    values[index] = value
    return frame.with_columns(pl.Series(column, values, dtype=pl.String))


def _with_spare(tables: dict[str, pl.DataFrame], name: str) -> None:
    """Put a copy of the first row, keyed SPARE, on row 2: nothing references it."""
    frame = tables[name]
    spare = _set(frame.head(1), frame.columns[0], 0, "SPARE")
    tables[name] = pl.concat([spare, frame])


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _rewrite(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines))


# --- running the three outcomes ------------------------------------------------------------


@pytest.fixture(scope="session")
def clean(simulated_text_tables, tmp_path_factory) -> IngestResult:
    """The undamaged extract, ingested once (CSV UTF-8), to compare accepted quirks with."""
    root = tmp_path_factory.mktemp("clean")
    result = ingest_extract(_write(simulated_text_tables, root / "x"), root / "w", None, RUN_DATE)
    assert result.quarantine.height == 0
    return result


@pytest.fixture
def tables(simulated_text_tables) -> dict[str, pl.DataFrame]:
    """A fresh copy of the extract (text cells) to damage."""
    return dict(simulated_text_tables)


def _fatal_cli(data: Path, work: Path) -> str:
    """Run `retention ingest`; exit 2, one line on stderr, no traceback, nothing written."""
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["ingest", "--data", str(data), "--work", str(work)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not work.exists() or not [p for p in work.rglob("*") if p.is_file()]
    return lines[0].removeprefix("retention: ")


def _ingest(data: Path, work: Path, written: dict[str, pl.DataFrame]) -> IngestResult:
    """Ingest and check every table reconciles: written == read == accepted + quarantined."""
    result = ingest_extract(data, work, None, RUN_DATE)
    for name, counts in result.summary.items():
        rows = written[name].height if name in written else 0
        assert counts["read"] == rows - counts["blank_rows_skipped"], name
        assert counts["read"] == counts["accepted"] + counts["quarantined"], name
        assert counts["accepted"] == result.tables[name].height, name
        assert counts["quarantined"] == result.quarantine.filter(pl.col("table") == name).height
    return result


def _assert_same_values(result: IngestResult, clean: IngestResult) -> None:
    assert result.quarantine.height == 0, result.quarantine
    for name, frame in clean.tables.items():
        assert_frame_equal(result.tables[name], frame)
    assert_frame_equal(result.contacts, clean.contacts)


# --- fatal: the file as a whole cannot be trusted ------------------------------------------


def _drop_table(t, d):
    (d / "policies.csv").unlink()


def _two_formats(t, d):
    pl.read_csv(d / "employers.csv").write_parquet(d / "employers.parquet")


def _empty_file(t, d):
    (d / "employers.csv").write_bytes(b"")


def _header_only(t, d):
    (d / "subsidies.csv").write_bytes(_lines(d / "subsidies.csv")[0] + b"\n")


def _cut_mid_row(t, d):
    lines = _lines(d / "social_insurance.csv")
    _rewrite(d / "social_insurance.csv", [*lines[:3], lines[3][:10]])


def _cut_mid_character(t, d):
    path = d / "employers.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n") + "德".encode()[:2])


def _cut_binary(fmt: str):
    def damage(t, d):
        (d / "talents.csv").unlink()
        path = d / f"talents.{fmt}"
        if fmt == "parquet":
            t["talents"].write_parquet(path)
        else:
            _write_xlsx(t["talents"], path)
        path.write_bytes(path.read_bytes()[:300])

    return damage


def _csv_named_xlsx(t, d):
    (d / "employers.csv").rename(d / "employers.xlsx")


def _byte_ff(t, d):
    lines = _lines(d / "talents.csv")
    lines[2] = lines[2].replace(b",", b",\xff", 1)
    _rewrite(d / "talents.csv", lines)


def _utf16(bom: bool):
    def damage(t, d):
        text = (d / "employers.csv").read_bytes().decode()
        encoded = text.encode("utf-16") if bom else text.encode("utf-16-le")
        (d / "employers.csv").write_bytes(encoded)

    return damage


def _latin1_row(t, d):
    """An ASCII file (policies without names) with one Latin-1 é followed by a comma."""
    policies = t["policies"].drop("policy_name").with_columns(pl.lit("x").alias("note"))
    policies = _set(policies, "note", 4, "Café")
    (d / "policies.csv").write_bytes(policies.write_csv().encode("latin-1"))


def _gbk_row_in_utf8(t, d):
    lines = _lines(d / "employers.csv")
    lines[6] = lines[6].decode().encode("gbk")
    _rewrite(d / "employers.csv", lines)


def _bad_byte_below_multiline_cell(t, d):
    employers = _set(t["employers"], "employer_name", 1, "德城区\n第二行")
    data = employers.write_csv().encode()
    lines = data.split(b"\n")
    lines[6] = lines[6].replace(b",", b",\xff", 1)  # line 7 is row 6: one cell spans two lines
    (d / "employers.csv").write_bytes(b"\n".join(lines))


def _short_row(t, d):
    lines = _lines(d / "social_insurance.csv")
    lines[40] = b",".join(lines[40].split(b",")[:3])
    _rewrite(d / "social_insurance.csv", lines)


def _long_row(t, d):
    lines = _lines(d / "social_insurance.csv")
    lines[40] = lines[40].rsplit(b",", 1)[0] + b",7,574.0"  # an unquoted thousands comma
    _rewrite(d / "social_insurance.csv", lines)


def _short_row_with_quotes(t, d):
    lines = _lines(d / "policies.csv")  # policy names hold quotes: the careful parser runs
    lines[5] = b",".join(lines[5].split(b",")[:2])
    _rewrite(d / "policies.csv", lines)


def _delimiter(sep: str):
    def damage(t, d):
        (d / "employers.csv").write_bytes(t["employers"].write_csv(separator=sep).encode())

    return damage


def _blank_header_with_values(t, d):
    lines = _lines(d / "employers.csv")
    lines[0] = lines[0].replace(b"employer_name", b"")
    _rewrite(d / "employers.csv", lines)


def _merged_header_xlsx(t, d):
    (d / "employers.csv").unlink()
    _write_xlsx(t["employers"], d / "employers.xlsx", merge_header=2)


def _drop_column(table: str, column: str):
    def damage(t, d):
        (d / f"{table}.csv").write_bytes(t[table].drop(column).write_csv().encode())

    return damage


def _repeat_column(t, d):
    frame = t["employers"].with_columns(pl.col("county").alias(" County "))
    (d / "employers.csv").write_bytes(frame.write_csv().encode())


def _unclosed_quote(t, d):
    lines = _lines(d / "employers.csv")
    lines[3] = lines[3].replace(b",", b',"', 1)
    _rewrite(d / "employers.csv", lines)


N_EMPLOYERS = 40  # rows of employers.csv in the 300-talent registry (checked in the test)

FATAL: list[tuple[str, Callable, str]] = [
    (
        "missing required table",
        _drop_table,
        "policies: required table is missing (no policies.parquet, policies.csv, policies.xlsx)",
    ),
    (
        "two formats of one table",
        _two_formats,
        "employers.csv, employers.parquet: two files for table employers; keep exactly one",
    ),
    ("empty file", _empty_file, "employers.csv: file is empty"),
    ("header and no rows", _header_only, "subsidies.csv: table has no rows"),
    (
        "missing required column",
        _drop_column("talents", "birth_date"),
        "talents.csv: column birth_date: required column is missing",
    ),
    (
        "optional table missing a required column",
        _drop_column("life_events", "event"),
        "life_events.csv: column event: required column is missing",
    ),
    (
        "repeated column",
        _repeat_column,
        "employers.csv: column county: appears more than once in the header",
    ),
    (
        "truncated mid-row",
        _cut_mid_row,
        "social_insurance.csv: row 4: file is truncated (last row has 2 of 4 fields)",
    ),
    (
        "truncated mid-character",
        _cut_mid_character,
        f"employers.csv: row {N_EMPLOYERS + 1}: file is truncated (ends inside a character)",
    ),
    (
        "truncated parquet",
        _cut_binary("parquet"),
        "talents.parquet: file is truncated or not a valid Parquet file",
    ),
    (
        "truncated xlsx",
        _cut_binary("xlsx"),
        "talents.xlsx: file is truncated or not a valid xlsx workbook",
    ),
    (
        "csv named .xlsx",
        _csv_named_xlsx,
        "employers.xlsx: file is not an xlsx workbook: it is text (CSV?); name it employers.csv",
    ),
    (
        "undecodable byte",
        _byte_ff,
        "talents.csv: row 3: bytes cannot be decoded as UTF-8 or GBK/GB18030",
    ),
    (
        "utf-16 with BOM",
        _utf16(bom=True),
        "employers.csv: file is UTF-16 encoded; save it as CSV UTF-8 or GBK",
    ),
    (
        "utf-16 without BOM",
        _utf16(bom=False),
        "employers.csv: file is UTF-16 encoded; save it as CSV UTF-8 or GBK",
    ),
    (
        "latin-1 byte",
        _latin1_row,
        "policies.csv: row 6: bytes cannot be decoded as UTF-8 or GBK/GB18030",
    ),
    (
        "gbk row in a utf-8 file",
        _gbk_row_in_utf8,
        "employers.csv: row 7: bytes are not UTF-8 like the rows above "
        "(mixed encodings in one file)",
    ),
    (
        "bad byte below a multi-line cell",
        _bad_byte_below_multiline_cell,
        "employers.csv: row 6: bytes are not UTF-8 like the rows above "
        "(mixed encodings in one file)",
    ),
    (
        "short row mid-file",
        _short_row,
        "social_insurance.csv: row 41: row has 3 fields but the header has 4",
    ),
    (
        "too many fields",
        _long_row,
        "social_insurance.csv: row 41: row has 5 fields but the header has 4",
    ),
    (
        "short row in a quoted file",
        _short_row_with_quotes,
        "policies.csv: row 6: row has 2 fields but the header has 5",
    ),
    (
        "semicolon delimiter",
        _delimiter(";"),
        "employers.csv: row 1: fields are separated by ';', not commas; "
        "save the file as CSV (comma)",
    ),
    (
        "tab delimiter",
        _delimiter("\t"),
        "employers.csv: row 1: fields are separated by tabs, not commas; "
        "save the file as CSV (comma)",
    ),
    (
        "blank header over values",
        _blank_header_with_values,
        "employers.csv: row 1, column B: header cell is empty but the column holds values "
        "(merged header cells?)",
    ),
    (
        "merged header cells (xlsx)",
        _merged_header_xlsx,
        "employers.xlsx: row 1, column D: header cell is empty but the column holds values "
        "(merged header cells?)",
    ),
    (
        "unclosed quote",
        _unclosed_quote,
        "employers.csv: row 4: row has 2 fields but the header has 6",
    ),
]


def _unclosed_quote_in_a_large_file(t, d):
    path = d / "social_insurance.csv"
    assert path.stat().st_size > 131_072  # beyond the csv module's default field limit
    lines = _lines(path)
    lines[3] = lines[3].replace(b",", b',"', 1)
    _rewrite(path, lines)


def _nul_byte(t, d):
    lines = _lines(d / "employers.csv")
    lines[2] = b"\x00" + lines[2]
    _rewrite(d / "employers.csv", lines)


def _gzip_named_csv(t, d):
    import gzip

    path = d / "employers.csv"
    path.write_bytes(gzip.compress(path.read_bytes()))


def _xlsx_named_csv(t, d):
    (d / "employers.csv").unlink()
    _write_xlsx(t["employers"], d / "employers.xlsx")
    (d / "employers.xlsx").rename(d / "employers.csv")


def _parquet_named_csv(t, d):
    t["employers"].write_parquet(d / "employers.csv")


def _xls_named_csv(t, d):
    (d / "employers.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def _table_is_a_folder(t, d):
    (d / "talents.csv").unlink()
    (d / "talents.csv").mkdir()
    (d / "talents.csv" / "talents.csv").write_bytes(t["talents"].write_csv().encode())


def _broken_link(t, d):
    (d / "talents.csv").unlink()
    (d / "talents.csv").symlink_to(d / "gone" / "talents.csv")


def _empty_dataset_folder(t, d):
    (d / "talents.csv").unlink()
    (d / "talents.parquet").mkdir()
    (d / "talents.parquet" / "_SUCCESS").write_bytes(b"")


def _big5(t, d):
    names = t["employers"].with_columns(pl.lit("德州市臺灣電子股份有限公司").alias("employer_name"))
    (d / "employers.csv").write_bytes(names.write_csv().encode("big5"))


def _windows_1252_quotes(t, d):
    names = t["policies"].with_columns(pl.lit("\u201cGolden 30\u201dpolicy").alias("policy_name"))
    (d / "policies.csv").write_bytes(names.write_csv().encode("cp1252"))


def _list_column_in_parquet(t, d):
    (d / "employers.csv").unlink()
    county = pl.col("county").map_elements(lambda v: [v], return_dtype=pl.List(pl.String))
    t["employers"].with_columns(county).write_parquet(d / "employers.parquet")


def _struct_column_in_parquet(t, d):
    (d / "talents.csv").unlink()
    x = pl.struct(pl.col("x_survey_intent_to_stay").alias("score")).alias("x_survey_intent_to_stay")
    t["talents"].with_columns(x).write_parquet(d / "talents.parquet")


def _data_on_the_second_sheet(t, d):
    import xlsxwriter

    (d / "employers.csv").unlink()
    book = xlsxwriter.Workbook(d / "employers.xlsx")
    book.add_worksheet("说明")
    sheet = book.add_worksheet("data")
    for r, row in enumerate([t["employers"].columns, *t["employers"].rows()]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, value)
    book.close()


def _renamed(old: str, new: str):
    def damage(t, d):
        (d / old).rename(d / new)

    return damage


def _as_parquet_named(table: str, suffix: str):
    def damage(t, d):
        (d / f"{table}.csv").unlink()
        t[table].write_parquet(d / f"{table}.{suffix}")

    return damage


def _as_xlsx_named(table: str, suffix: str):
    def damage(t, d):
        (d / f"{table}.csv").unlink()
        _write_xlsx(t[table], d / f"{table}.xlsx")
        (d / f"{table}.xlsx").rename(d / f"{table}.{suffix}")

    return damage


NOT_GB = (
    "bytes are not UTF-8 or GBK/GB18030 Chinese text (Big5 or Windows-1252?); "
    "save the file as CSV UTF-8 or GBK"
)

FATAL += [
    (
        "unclosed quote in a file over the csv field limit",
        _unclosed_quote_in_a_large_file,
        "social_insurance.csv: row 4: row has 2 fields but the header has 4",
    ),
    (
        "NUL byte in the first 4 KB",
        _nul_byte,
        "employers.csv: row 3: file holds NUL bytes (binary data, not CSV text)",
    ),
    (
        "gzip bytes named .csv",
        _gzip_named_csv,
        "employers.csv: file is gzip-compressed, not CSV text; unpack it first",
    ),
    (
        "xlsx workbook named .csv",
        _xlsx_named_csv,
        "employers.csv: file is an xlsx workbook, not CSV text; name it employers.xlsx",
    ),
    (
        "parquet file named .csv",
        _parquet_named_csv,
        "employers.csv: file is a Parquet file, not CSV text; name it employers.parquet",
    ),
    (
        "old .xls workbook named .csv",
        _xls_named_csv,
        "employers.csv: file is an old Excel .xls (or password-protected) workbook, not CSV text; "
        "save it as xlsx",
    ),
    ("table file is a folder", _table_is_a_folder, "talents.csv: is a folder, not a file"),
    (
        "xlsx whose first sheet is empty (data on the second)",
        _data_on_the_second_sheet,
        "employers.xlsx: file is empty: its first sheet has no cells (only the first sheet is read)",
    ),
    (
        "csv named .parquet",
        _renamed("talents.csv", "talents.parquet"),
        "talents.parquet: file is not Parquet: it is text (CSV?); name it talents.csv",
    ),
    (
        "parquet named .xlsx",
        _as_parquet_named("employers", "xlsx"),
        "employers.xlsx: file is not an xlsx workbook: it is a Parquet file; "
        "name it employers.parquet",
    ),
    (
        "xlsx named .parquet",
        _as_xlsx_named("employers", "parquet"),
        "employers.parquet: file is not Parquet: it is an xlsx workbook; name it employers.xlsx",
    ),
    (
        "table file is a broken link",
        _broken_link,
        "talents.csv: is a link that leads nowhere (broken symbolic link)",
    ),
    (
        "parquet dataset folder without part files",
        _empty_dataset_folder,
        "talents.parquet: is a folder holding no Parquet part files",
    ),
    ("Big5 text", _big5, f"employers.csv: row 2: {NOT_GB}"),
    ("Windows-1252 smart quotes", _windows_1252_quotes, f"policies.csv: row 2: {NOT_GB}"),
    (
        "list<string> column in parquet",
        _list_column_in_parquet,
        "employers.parquet: column county: holds lists or records (Parquet type List(String)), "
        "not single values",
    ),
    (
        "struct x_ column in parquet",
        _struct_column_in_parquet,
        "talents.parquet: column x_survey_intent_to_stay: holds lists or records "
        "(Parquet type Struct({'score': String})), not single values",
    ),
]


def _cli(args: list[str]):
    from typer.testing import CliRunner

    from flows.cli import app

    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(("kind", "damage", "message"), FATAL, ids=[f[0] for f in FATAL])
def test_fatal_damage_is_one_line_and_exit_2(tables, tmp_path, kind, damage, message):
    """`ingest` says it in one line; so does `features`, the first stage that reads the extract."""
    assert tables["employers"].height == N_EMPLOYERS
    data = _write(tables, tmp_path / "extract")
    damage(tables, data)
    assert _fatal_cli(data, tmp_path / "work") == message
    out = tmp_path / "snapshot.parquet"
    args = ["features", "--data", str(data), "--work", str(tmp_path / "work"), "--out", str(out)]
    result = _cli([*args, "--as-of", str(RUN_DATE)])
    assert (result.exit_code, result.stderr) == (2, f"retention: {message}\n")
    assert not out.exists()


# --- quarantined: the row is wrong, the file is fine ---------------------------------------

COUNTY_CODES = (
    "decheng, lingcheng, yucheng, leling, ningjin, qingyun, linyi, qihe, pingyuan, xiajin, "
    "wucheng, tianqu"
)
DATE_REASON = "not a date (expected YYYY-MM-DD or YYYY/MM/DD)"
BIRTH_RANGE = "birth_date is not plausible (expected 1940-01-01 to 2010-12-31)"
NULL_MARKERS = {"NULL", "N/A", "-"}  # read as blank: the quarantine shows no value

# (kind, table, column, data-row index, new value, reason); talents, employers and policies
# are damaged on a spare row nothing references, so no other row is quarantined with it.
ROW_DAMAGE = [
    ("impossible date", "talents", "birth_date", 0, "1990-02-30", DATE_REASON),
    ("day-first date", "talents", "birth_date", 0, "30/06/1990", DATE_REASON),
    ("unknown county", "talents", "county", 0, "beijing",
     f"unknown code (expected one of {COUNTY_CODES})"),
    ("unknown gender", "talents", "gender", 0, "X", "unknown code (expected one of M, F)"),
    ("missing education", "talents", "education", 0, None, "required value is missing"),
    ("blank required cell", "talents", "hometown", 0, "   ", "required value is missing"),
    ("arrival before 2000", "talents", "arrival_date", 0, "1950-01-01",
     "arrival_date is not plausible (expected 2000-01-01 or later)"),
    ("future arrival", "talents", "arrival_date", 0, "2024-07-01",
     "arrival_date is after the run date 2024-06-30"),
    ("birth after 2010 (and in the future)", "talents", "birth_date", 0, "2030-01-01",
     "birth_date is not plausible (expected 1940-01-01 to 2010-12-31)"),
    ("employer unknown ownership", "employers", "ownership", 0, "集体",
     "unknown code (expected one of private, state_owned, public_institution, foreign, "
     "government)"),
    ("employer missing industry", "employers", "industry", 0, None, "required value is missing"),
    ("policy reversed dates", "policies", "effective_to", 0, "2010-01-01",
     "effective_to is before effective_from"),
    ("policy missing start", "policies", "effective_from", 0, None, "required value is missing"),
    ("grant reversed dates", "subsidies", "end_date", 0, "2000-01-01",
     "end_date is before start_date"),
    ("negative amount", "subsidies", "monthly_amount", 0, "-1000", "must not be negative"),
    ("amount not a number", "subsidies", "lump_sum", 0, "80000.0.0", "not a number"),
    ("unknown subsidy type", "subsidies", "subsidy_type", 0, "bonus",
     "unknown code (expected one of living, rent, purchase, settlement, startup, allowance)"),
    ("grant to unknown talent", "subsidies", "talent_id", 1, "T404",
     "talent_id not found in talents"),
    ("grant under unknown policy", "subsidies", "policy_id", 0, "P404",
     "policy_id not found in policies"),
    ("zero base", "social_insurance", "contribution_base", 2, "0", "must be greater than 0"),
    ("base in words", "social_insurance", "contribution_base", 1, "四千", "not a number"),
    ("month 13", "social_insurance", "month", 5, "2018-13", "not a month (expected YYYY-MM)"),
    ("future month", "social_insurance", "month", 3, "2024-07",
     "month is after the run date 2024-06-30"),
    ("unknown employer", "social_insurance", "employer_id", 1, "E404",
     "employer_id not found in employers"),
    ("unknown event", "life_events", "event", 0, "divorced",
     "unknown code (expected one of married, spouse_placed, child_enrolled, home_purchased, "
     "hukou_moved, title_awarded)"),
    ("future event", "life_events", "event_date", 0, "2025-01-01",
     "event_date is after the run date 2024-06-30"),
    ("event of unknown talent", "life_events", "talent_id", 0, "T404",
     "talent_id not found in talents"),
    # implausible dates (docs/bad_input.md, plausible ranges)
    ("birth in year 0", "talents", "birth_date", 0, "0000-01-01", BIRTH_RANGE),
    ("birth 1900", "talents", "birth_date", 0, "1900-01-01", BIRTH_RANGE),
    ("two-digit year read as year 90", "talents", "birth_date", 0, "90-01-01", BIRTH_RANGE),
    ("bare number that is no 5-digit serial", "talents", "birth_date", 0, "1", DATE_REASON),
    ("grant dated 0001-01-01", "subsidies", "start_date", 0, "0001-01-01",
     "start_date is not plausible (expected 2000-01-01 to 2100-12-31)"),
    ("grant ending 9999-12-31", "subsidies", "end_date", 0, "9999-12-31",
     "end_date is not plausible (expected 2000-01-01 to 2100-12-31)"),
    ("policy from 1999", "policies", "effective_from", 0, "1999-01-01",
     "effective_from is not plausible (expected 2000-01-01 to 2100-12-31)"),
    ("event in 1900", "life_events", "event_date", 0, "1900-05-01",
     "event_date is not plausible (expected 1960-01-01 or later)"),
    ("contribution month 1999-12", "social_insurance", "month", 5, "1999-12",
     "month is not plausible (expected 2000-01-01 or later)"),
    # what city exports do to cells
    ("Excel error value in a date", "talents", "birth_date", 0, "#VALUE!", DATE_REASON),
    ("US month/day/year", "talents", "arrival_date", 0, "3/5/2021", DATE_REASON),
    ("month 00", "social_insurance", "month", 5, "2021-00", "not a month (expected YYYY-MM)"),
    ("month given as impossible day", "social_insurance", "month", 5, "2021-02-30",
     "not a month (expected YYYY-MM)"),
    ("negative base", "social_insurance", "contribution_base", 2, "-4000",
     "must be greater than 0"),
    ("money with a unit per month", "subsidies", "monthly_amount", 0, "4000元/月", "not a number"),
    ("accounting negative in brackets", "subsidies", "monthly_amount", 0, "(1,234.00)",
     "not a number"),
    ("infinite money", "subsidies", "monthly_amount", 0, "inf", "not a number"),
    ("leading zeros lost in a key", "social_insurance", "employer_id", 1, "E21",
     "employer_id not found in employers"),
    ("full-width key", "subsidies", "talent_id", 1, "Ｔ0000001", "talent_id not found in talents"),
    ("gender 未知", "talents", "gender", 0, "未知", "unknown code (expected one of M, F)"),
    ("NULL in a required cell", "talents", "education", 0, "NULL", "required value is missing"),
    ("N/A in a required key", "social_insurance", "employer_id", 1, "N/A",
     "required value is missing"),
    ("dash in a required date", "subsidies", "start_date", 0, "-", "required value is missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "table", "column", "index", "value", "reason"),
    ROW_DAMAGE,
    ids=[d[0] for d in ROW_DAMAGE],
)
def test_row_damage_is_quarantined_alone(
    tables, tmp_path, kind, table, column, index, value, reason
):
    if table in {"talents", "employers", "policies"}:
        _with_spare(tables, table)
    if kind == "future month":  # a month after the run date, of a talent who arrived before
        index = tables["social_insurance"].height - 1
    tables[table] = _set(tables[table], column, index, value)
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    shown = None if value in NULL_MARKERS else value
    assert result.quarantine.rows() == [(table, index + 2, column, reason, shown)]


def test_a_repeated_header_row_is_quarantined_as_such(tables, tmp_path):
    """Two exports pasted together: the second header is a row, quarantined for what it is."""
    lines = _lines(_write(tables, tmp_path / "x") / "social_insurance.csv")
    half = len(lines) // 2
    _rewrite(tmp_path / "x" / "social_insurance.csv", [*lines[:half], lines[0], *lines[half:]])
    written = dict(tables)
    written["social_insurance"] = pl.concat(
        [tables["social_insurance"].head(1), tables["social_insurance"]]
    )
    result = _ingest(tmp_path / "x", tmp_path / "w", written)
    reason = "row repeats the header (files pasted together?)"
    assert result.quarantine.rows() == [
        ("social_insurance", half + 1, "talent_id", reason, "talent_id")
    ]


def test_bad_id_checksums_quarantine_without_echoing_the_id(tables, tmp_path):
    ids = tables["talents"].get_column("id_number").to_list()
    wrong_digit = ids[0][:17] + ("0" if ids[0][17] != "0" else "1")
    science = f"{float(ids[0][:17]) / 1e16:.5f}E+17"  # Excel's 3.71425E+17: digits lost
    bad = [wrong_digit, ids[0][:15], ids[0][:17] + "Y", ids[0][:16] + "a" + ids[0][17], science]
    for n, value in enumerate(bad):
        tables["talents"] = pl.concat([tables["talents"].head(1), tables["talents"]])
        tables["talents"] = _set(tables["talents"], "talent_id", 0, f"SPARE{n}")
        tables["talents"] = _set(tables["talents"], "id_number", 0, value)
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    expected = [("talents", row, "id_number", ID_REASON, None) for row in (2, 3, 4, 5, 6)]
    assert result.quarantine.rows() == expected  # the PII value is not copied out


def test_lower_case_x_check_digit_is_accepted(tables, tmp_path):
    talents = tables["talents"]
    index = next(i for i, v in enumerate(talents.get_column("id_number")) if v[-1] == "X")
    tables["talents"] = _set(talents, "id_number", index, talents.item(index, "id_number").lower())
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    assert result.quarantine.height == 0


def test_talent_listed_in_two_counties_keeps_the_first_listing(tables, tmp_path):
    talents = tables["talents"]
    again = talents.head(1).with_columns(
        pl.when(pl.col("county") == "qihe")
        .then(pl.lit("decheng"))
        .otherwise(pl.lit("qihe"))
        .alias("county")
    )
    tables["talents"] = pl.concat([talents, again])
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    talent = talents.item(0, "talent_id")
    reason = "duplicate talent_id, first at row 2"
    assert result.quarantine.rows() == [
        ("talents", talents.height + 2, "talent_id", reason, talent)
    ]
    first = result.tables["talents"].filter(pl.col("talent_id") == talent)
    assert first.get_column("county").to_list() == [talents.item(0, "county")]


def test_duplicate_contribution_month_keeps_the_first(tables, tmp_path):
    si = tables["social_insurance"]
    tables["social_insurance"] = pl.concat([si, si.slice(3, 1)])
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    talent, month = si.item(3, "talent_id"), si.item(3, "month")
    reason = "duplicate talent_id and month, first at row 5"
    expected = ("social_insurance", si.height + 2, "month", reason, f"{talent}, {month}-01")
    assert result.quarantine.rows() == [expected]


def test_contribution_before_arrival(tables, tmp_path):
    si, talents = tables["social_insurance"], tables["talents"]
    talent = si.item(0, "talent_id")
    arrival = talents.filter(pl.col("talent_id") == talent).item(0, "arrival_date")
    early = si.head(1).with_columns(pl.lit("2015-01").alias("month"))
    tables["social_insurance"] = pl.concat([si.head(5), early, si.slice(5)])  # mid-file, unsorted
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    reason = f"month is before the talent's arrival_date {arrival}"
    assert result.quarantine.rows() == [("social_insurance", 7, "month", reason, "2015-01")]


def test_contribution_in_the_arrival_month_is_accepted(tables, tmp_path):
    si, talents = tables["social_insurance"], tables["talents"]
    arrivals = si.join(talents.select("talent_id", "arrival_date"), on="talent_id")
    first = arrivals.filter(pl.col("month") == pl.col("arrival_date").str.slice(0, 7))
    assert first.height > 0  # the simulator pays from the arrival month, after day 1 too
    assert _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables).quarantine.height == 0


def test_overlapping_periodic_subsidies_of_one_type(tables, tmp_path):
    """Same talent and type, periods overlapping: the later-starting grant is quarantined.

    A grant starting the day after another ends, and a lump sum, are not overlaps.
    """
    subsidies = tables["subsidies"]
    periodic = subsidies.filter(pl.col("monthly_amount").is_not_null())
    first, other = periodic.row(0, named=True), periodic.row(1, named=True)
    assert first["talent_id"] != other["talent_id"]
    overlap = periodic.head(1).with_columns(
        pl.lit("G-OVERLAP").alias("grant_id"), pl.lit("2099-01-01").alias("end_date")
    )
    next_day = date.fromisoformat(other["end_date"]).toordinal() + 1
    following = periodic.slice(1, 1).with_columns(
        pl.lit("G-NEXT").alias("grant_id"),
        pl.lit(date.fromordinal(next_day).isoformat()).alias("start_date"),
        pl.lit("2099-12-31").alias("end_date"),
    )
    lump = periodic.head(1).with_columns(
        pl.lit("G-LUMP").alias("grant_id"),
        pl.lit(None, pl.String).alias("monthly_amount"),
        pl.lit("50000").alias("lump_sum"),
    )
    tables["subsidies"] = pl.concat([subsidies, overlap, following, lump])
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    span = f"{first['start_date']} to {first['end_date']}"
    reason = f"overlaps grant {first['grant_id']} ({span}) of the same talent_id and subsidy_type"
    row = subsidies.height + 2
    assert result.quarantine.rows() == [
        ("subsidies", row, "start_date", reason, first["start_date"])
    ]


def test_a_quarantined_talent_takes_its_dependent_rows_along(tables, tmp_path):
    talent = tables["social_insurance"].item(0, "talent_id")
    index = tables["talents"].get_column("talent_id").to_list().index(talent)
    tables["talents"] = _set(tables["talents"], "hometown", index, "mars")
    result = _ingest(_write(tables, tmp_path / "x"), tmp_path / "w", tables)
    cascade = result.quarantine.filter(pl.col("reason") == "talent_id was quarantined in talents")
    dependants = sum(
        tables[n].filter(pl.col("talent_id") == talent).height
        for n in ("subsidies", "social_insurance", "life_events")
    )
    assert cascade.height == dependants > 0
    assert result.quarantine.height == 1 + dependants


# --- accepted: benign quirks read exactly like the clean extract ---------------------------


def _fullwidth(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    full = dict(zip("0123456789-/,.", "０１２３４５６７８９－／，．", strict=True))
    return frame.with_columns(
        pl.col(c).str.replace_many(list(full), list(full.values())) for c in columns
    )


def _serial(column: str) -> pl.Expr:
    days = pl.col(column).str.to_date() - pl.date(1899, 12, 30)
    return days.dt.total_days().cast(pl.String).alias(column)


def _bom(t, d):
    for path in d.glob("*.csv"):
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


def _encode(encoding: str):
    def damage(t, d):
        for path in d.glob("*.csv"):
            path.write_bytes(path.read_bytes().decode().encode(encoding))

    return damage


def _crlf(t, d):
    for path in d.glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _trailing_blank_rows(t, d):
    path = d / "social_insurance.csv"
    path.write_bytes(path.read_bytes() + b",,,\n\n,  ,,\n\n")


def _blank_rows_inside(t, d):
    lines = _lines(d / "talents.csv")
    _rewrite(d / "talents.csv", [*lines[:3], b"", b"," * 13, *lines[3:]])


def _title_row_csv(t, d):
    for name in ("talents", "employers"):
        path = d / f"{name}.csv"
        title = f"德州市人才档案 {name}（导出于２０２４年６月３０日）".encode()
        path.write_bytes(title + b"\n" + b"," * 5 + b"\n" + path.read_bytes())


def _fullwidth_cells(t, d):
    t = dict(t)
    t["talents"] = _fullwidth(t["talents"], ["birth_date", "arrival_date"])
    t["social_insurance"] = _fullwidth(t["social_insurance"], ["month", "contribution_base"])
    t["subsidies"] = _fullwidth(t["subsidies"], ["monthly_amount", "lump_sum", "start_date"])
    t["life_events"] = t["life_events"].with_columns(pl.format("\u3000{}\u3000", "event"))
    _write(t, d)


def _money_as_people_write_it(t, d):
    t = dict(t)
    t["subsidies"] = t["subsidies"].with_columns(
        pl.format("¥{}", "monthly_amount").alias("monthly_amount"),
        pl.format("{}元", "lump_sum").alias("lump_sum"),
    )
    bases = t["social_insurance"].get_column("contribution_base").to_list()
    written = [f"{float(v):,.2f}" for v in bases]  # 7,574.00
    written[1::2] = [v.translate(FULL) for v in written[1::2]]  # ７，５７４．００
    t["social_insurance"] = t["social_insurance"].with_columns(
        pl.Series("contribution_base", written)
    )
    _write(t, d)


def _excel_serial_dates(t, d):
    t = dict(t)
    t["talents"] = t["talents"].with_columns(_serial("birth_date"), _serial("arrival_date"))
    t["life_events"] = t["life_events"].with_columns(_serial("event_date"))
    _write(t, d)


def _chinese_date_forms(t, d):
    t = dict(t)
    chinese = pl.col("start_date").str.to_date().dt.strftime("%Y年%-m月%-d日")
    t["subsidies"] = t["subsidies"].with_columns(chinese.alias("start_date"))
    t["policies"] = t["policies"].with_columns(
        pl.col("effective_from").str.replace_all("-", "/"),
        pl.col("effective_to") + " 00:00:00",
    )
    t["social_insurance"] = t["social_insurance"].with_columns(
        pl.col("month").str.to_date("%Y-%m").dt.strftime("%Y年%-m月").alias("month")
    )
    _write(t, d)


def _aliases_and_headers(t, d):
    t = dict(t)
    zh = {"M": "男", "F": "女", "bachelor": "本科", "master": "硕士", "dezhou": "德州"}
    talents = t["talents"].with_columns(
        pl.col("gender", "education", "hometown").replace(zh),
        pl.col("county").str.to_uppercase(),
        pl.col("program").str.replace_many(["a", "e"], ["ａ", "ｅ"]),  # full-width letters
    )
    talents = talents.rename({"talent_id": " Talent_ID ", "county": "COUNTY"})
    t["talents"] = talents.select(reversed(talents.columns))  # any column order
    _write(t, d)


def _xlsx_as_people_make_them(t, d):
    for name in ("talents", "subsidies", "social_insurance", "life_events"):
        (d / f"{name}.csv").unlink()
    _write_xlsx(
        t["talents"],
        d / "talents.xlsx",
        above=(None, "德州市人才档案", None),
        numbers=("x_survey_intent_to_stay",),
        dates=("birth_date",),
    )
    _write_xlsx(
        t["subsidies"], d / "subsidies.xlsx", numbers=("monthly_amount", "lump_sum"),
        dates=("start_date", "end_date"),
    )  # fmt: skip
    _write_xlsx(t["social_insurance"], d / "social_insurance.xlsx", numbers=("contribution_base",))
    serials = t["life_events"].with_columns(_serial("event_date"))
    _write_xlsx(serials, d / "life_events.xlsx", numbers=("event_date",))


ACCEPTED: list[tuple[str, Callable]] = [
    ("utf-8 BOM", _bom),
    ("GBK", _encode("gbk")),
    ("GB18030", _encode("gb18030")),
    ("CRLF line ends", _crlf),
    ("trailing blank rows", _trailing_blank_rows),
    ("blank rows inside", _blank_rows_inside),
    ("title and blank rows above the header (csv)", _title_row_csv),
    ("full-width digits, punctuation and spaces", _fullwidth_cells),
    ("money with thousands commas, ¥ and 元", _money_as_people_write_it),
    ("Excel serial dates as text", _excel_serial_dates),
    ("Chinese and slashed date forms, time suffixes", _chinese_date_forms),
    ("aliases, case, header spacing, column order", _aliases_and_headers),
    ("xlsx: title rows, number and date cells, serials", _xlsx_as_people_make_them),
]


def _cr_line_ends(t, d):
    for path in d.glob("*.csv"):  # "CSV (Macintosh)": CR alone ends a line
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))


def _extras_named_like_internals(t, d):
    t = dict(t)
    for name, frame in t.items():
        t[name] = frame.with_columns(
            pl.lit("9").alias("source_row"),
            pl.lit("x").alias("__fail"),
            pl.lit("y").alias(f"__raw_{frame.columns[0]}"),
            pl.lit("0").alias("index"),
        )
    _write(t, d)


def _repeated_extra_headers(t, d):
    lines = _lines(d / "employers.csv")
    lines[0] += ",备注,备注".encode()
    lines[1:-1] = [line + b",a,b" for line in lines[1:-1]]
    _rewrite(d / "employers.csv", lines)


def _trailing_empty_columns(t, d):
    for path in d.glob("*.csv"):
        lines = _lines(path)
        _rewrite(path, [line + b",,," if line else line for line in lines])


def _quote_every_cell(t, d):
    for name, frame in t.items():
        (d / f"{name}.csv").write_bytes(frame.write_csv(quote_style="always").encode())


def _spark_dataset_folder(t, d):
    (d / "talents.csv").unlink()
    folder = d / "talents.parquet"
    folder.mkdir()
    t["talents"].head(100).write_parquet(folder / "part-00000-abc.snappy.parquet")
    t["talents"].slice(100).write_parquet(folder / "part-00001-abc.snappy.parquet")
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-00000-abc.snappy.parquet.crc").write_bytes(b"crc")


def _epoch_days(column: str, dtype=pl.Int32) -> pl.Expr:
    return (pl.col(column).str.to_date() - pl.date(1970, 1, 1)).dt.total_days().cast(dtype)


def _parquet_integer_dates(t, d):
    """Dates as Parquet integers (days since 1970; int64 too), and as YYYYMMDD integers."""
    for name in ("talents", "subsidies", "life_events"):
        (d / f"{name}.csv").unlink()
    t["talents"].with_columns(
        _epoch_days("birth_date"), _epoch_days("arrival_date", pl.Int64)
    ).write_parquet(d / "talents.parquet")
    ymd = pl.col("start_date").str.replace_all("-", "").cast(pl.Int64)
    t["subsidies"].with_columns(ymd, _epoch_days("end_date")).write_parquet(d / "subsidies.parquet")
    t["life_events"].with_columns(_epoch_days("event_date")).write_parquet(
        d / "life_events.parquet"
    )


def _parquet_categorical_and_binary(t, d):
    (d / "employers.csv").unlink()
    t["employers"].with_columns(
        pl.col("industry", "ownership", "county").cast(pl.Categorical),
        pl.col("employer_name").cast(pl.Binary),
    ).write_parquet(d / "employers.parquet")


def _null_markers(t, d):
    t = dict(t)
    t["talents"] = t["talents"].with_columns(
        pl.col("university_tier").fill_null("N/A"),
        pl.col("x_survey_intent_to_stay").fill_null("NULL"),
        pl.col("gender").fill_null("-"),
    )
    t["subsidies"] = t["subsidies"].with_columns(
        pl.col("monthly_amount").fill_null("NULL"), pl.col("lump_sum").fill_null("无")
    )
    t["policies"] = t["policies"].with_columns(pl.col("effective_to").fill_null("#N/A"))
    _write(t, d)


def _bom_in_the_middle(t, d):
    lines = _lines(d / "talents.csv")
    lines[5] = codecs.BOM_UTF8 + lines[5]
    lines[9] = lines[9].replace(b",", b"," + codecs.BOM_UTF8, 2)
    _rewrite(d / "talents.csv", lines)


def _spaces_and_tabs_around_cells(t, d):
    t = dict(t)
    pad = ["birth_date", "county", "talent_id", "education"]
    t["talents"] = t["talents"].with_columns(pl.format("\u00a0{}\t", c).alias(c) for c in pad)
    t["social_insurance"] = t["social_insurance"].with_columns(
        pl.format(" {}\u00a0", "contribution_base").alias("contribution_base"),
        pl.format("\t{} ", "month").alias("month"),
    )
    _write(t, d)


def _mixed_date_forms_in_one_column(t, d):
    t = dict(t)
    date = pl.col("start_date").str.to_date()
    forms = [
        date.dt.strftime("%Y/%-m/%-d"),
        date.dt.strftime("%Y%m%d"),
        date.dt.strftime("%Y年%-m月%-d日"),
        date.dt.strftime("%Y-%m-%dT00:00:00Z"),
        date.dt.strftime("%Y-%-m-%-d"),
        date.dt.strftime("%Y-%m-%d 08:30"),
    ]
    which = pl.int_range(pl.len()) % len(forms)
    mixed = pl.when(which == 0).then(forms[0])
    for i, form in enumerate(forms[1:], start=1):
        mixed = mixed.when(which == i).then(form)
    t["subsidies"] = t["subsidies"].with_columns(mixed.otherwise(forms[0]).alias("start_date"))
    _write(t, d)


def _gender_words(t, d):
    t = dict(t)
    t["talents"] = t["talents"].with_columns(pl.col("gender").replace({"M": "男性", "F": "女性"}))
    _write(t, d)


def _scientific_notation_money(t, d):
    t = dict(t)
    t["social_insurance"] = t["social_insurance"].with_columns(
        pl.col("contribution_base")
        .cast(pl.Float64)
        .map_elements(lambda v: f"{v:.6E}", return_dtype=pl.String)
    )
    _write(t, d)


def _gbk_crlf_bom_together(t, d):
    for path in d.glob("*.csv"):
        text = path.read_bytes().decode().replace("\n", "\r\n")
        path.write_bytes(
            codecs.BOM_UTF8 + text.encode() if "talents" in path.name else text.encode("gbk")
        )


def _xlsx_yyyymmdd_number_cells(t, d):
    (d / "life_events.csv").unlink()
    ymd = t["life_events"].with_columns(pl.col("event_date").str.replace_all("-", ""))
    _write_xlsx(ymd, d / "life_events.xlsx", numbers=("event_date",))


def _excel_sep_line(t, d):
    for path in d.glob("*.csv"):  # Excel's "sep=," hint above the header
        path.write_bytes(b"sep=,\n" + path.read_bytes())


def _dotted_dates_and_digit_months(t, d):
    t = dict(t)
    t["talents"] = t["talents"].with_columns(pl.col("birth_date").str.replace_all("-", "."))
    t["social_insurance"] = t["social_insurance"].with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.col("month").str.replace("-", ""))
        .otherwise(pl.col("month").str.replace("-", "."))
        .alias("month")
    )
    _write(t, d)


def _excel_text_forcing(t, d):
    t = dict(t)
    t["talents"] = t["talents"].with_columns(
        pl.format('="{}"', c).alias(c) for c in ("talent_id", "id_number", "phone")
    )
    t["social_insurance"] = t["social_insurance"].with_columns(pl.format('="{}"', "talent_id"))
    for name, frame in t.items():
        (d / f"{name}.csv").write_bytes(frame.write_csv(quote_style="never").encode())


ACCEPTED += [
    ('Excel text-forcing ="..." cells', _excel_text_forcing),
    ("Excel sep=, line above the header", _excel_sep_line),
    ("dotted dates, YYYYMM and YYYY.MM months", _dotted_dates_and_digit_months),
    ("CR-only line ends", _cr_line_ends),
    ("extra columns named like the reader's own", _extras_named_like_internals),
    ("repeated extra header names", _repeated_extra_headers),
    ("trailing empty columns", _trailing_empty_columns),
    ("every cell quoted", _quote_every_cell),
    ("Spark-style parquet dataset folder", _spark_dataset_folder),
    ("parquet integer dates (days since 1970, YYYYMMDD)", _parquet_integer_dates),
    ("parquet categorical and binary text", _parquet_categorical_and_binary),
    ("NULL, N/A, -, 无, #N/A cells", _null_markers),
    ("BOM in the middle of a file", _bom_in_the_middle),
    ("non-breaking spaces and tabs around cells", _spaces_and_tabs_around_cells),
    ("mixed date forms in one column", _mixed_date_forms_in_one_column),
    ("gender as 男性/女性", _gender_words),
    ("money in scientific notation", _scientific_notation_money),
    ("GBK, CRLF and BOM in one extract", _gbk_crlf_bom_together),
    ("xlsx YYYYMMDD number cells", _xlsx_yyyymmdd_number_cells),
]


@pytest.mark.parametrize(("kind", "quirk"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_benign_quirk_reads_like_the_clean_extract(tables, clean, tmp_path, kind, quirk):
    """Values equal the clean extract's; `features` builds its snapshot from it, no traceback."""
    data = _write(tables, tmp_path / "x")
    quirk(tables, data)
    _assert_same_values(ingest_extract(data, tmp_path / "w", None, RUN_DATE), clean)
    out = tmp_path / "snapshot.parquet"
    args = ["features", "--data", str(data), "--work", str(tmp_path / "w"), "--out", str(out)]
    result = _cli([*args, "--as-of", str(RUN_DATE)])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert pl.read_parquet(out).height > 0


def test_rows_are_numbered_as_the_spreadsheet_shows_them(tables, tmp_path):
    """Below a title row (xlsx) and a multi-line cell (csv), a bad row keeps its sheet number."""
    employers = _set(tables["employers"], "employer_name", 1, "德城区\n第二行")
    spare = _set(employers.head(1), "employer_id", 0, "SPARE")
    tables["employers"] = pl.concat([employers.head(3), spare, employers.slice(3)])
    tables["employers"] = _set(tables["employers"], "ownership", 3, "集体")  # row 5
    _with_spare(tables, "talents")
    tables["talents"] = _set(tables["talents"], "gender", 0, "X")
    data = _write(tables, tmp_path / "x")
    (data / "talents.csv").unlink()
    _write_xlsx(tables["talents"], data / "talents.xlsx", above=(None, "德州市人才档案"))
    result = _ingest(data, tmp_path / "w", tables)
    got = result.quarantine.select("table", "source_row", "column").rows()
    assert got == [("talents", 4, "gender"), ("employers", 5, "ownership")]
    assert result.summary["talents"]["read"] == tables["talents"].height
