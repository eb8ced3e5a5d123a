"""Finding and reading extract files; the value forms the contract allows."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.contract import TABLES, ExtractError
from features.extract import (
    decode_csv,
    find_header,
    find_table_files,
    parse_code,
    parse_date,
    parse_money,
    parse_month,
    read_extract,
    read_table,
    record_number,
)


def _parse(expr, values, dtype=pl.String) -> list:
    return pl.DataFrame({"v": values}, schema={"v": dtype}).select(expr).to_series().to_list()


def test_dates_in_every_allowed_form():
    values = ["2020-01-05", "2020/01/05", "2020-1-5", " 2020-01-05 ", "2020-01-05 00:00:00"]
    values += ["20200105", "43835", "", None, "2020-02-30", "05/01/2020"]
    expected = [date(2020, 1, 5)] * 7 + [None] * 4
    assert _parse(parse_date("v", pl.String), values) == expected


def test_dates_from_typed_cells_and_serials():
    serials = _parse(parse_date("v", pl.Float64), [43835.0, 0.0, 43835.5], pl.Float64)
    assert serials == [date(2020, 1, 5), None, None]
    assert _parse(parse_date("v", pl.Date), [date(2020, 1, 5)], pl.Date) == [date(2020, 1, 5)]


def test_months_are_first_days():
    values = ["2020-03", "2020/03", "2020-3", "2020-03-17", "2020-13", "March", None]
    expected = [date(2020, 3, 1)] * 4 + [None] * 3
    assert _parse(parse_month("v", pl.String), values) == expected
    assert _parse(parse_month("v", pl.Date), [date(2020, 3, 9)], pl.Date) == [date(2020, 3, 1)]


def test_money_allows_thousands_commas_and_rejects_non_numbers():
    values = ["1,000", " 2.5 ", "-3", "abc", "nan", "inf", ""]
    assert _parse(parse_money("v", pl.String), values) == [
        1000.0,
        2.5,
        -3.0,
        None,
        None,
        None,
        None,
    ]
    assert _parse(parse_money("v", pl.Float64), [1.0, float("nan")], pl.Float64) == [1.0, None]


def test_codes_accept_chinese_aliases_and_case():
    values = ["专科", "大专", "Bachelor", " 博士 ", "phd", None]
    expected = ["junior_college", "junior_college", "bachelor", "doctorate", None, None]
    assert _parse(parse_code("v", pl.String, "education"), values) == expected
    assert _parse(parse_code("v", pl.String, "gender"), ["男", "f"]) == ["M", "F"]


def test_decode_csv_accepts_utf8_bom_and_gbk():
    text = "name,county\n张三,德城区\n"
    for raw in [text.encode(), codecs.BOM_UTF8 + text.encode(), text.encode("gbk")]:
        assert decode_csv(raw, "t.csv") == text.encode()


def test_undecodable_bytes_name_the_row():
    raw = b"a,b\n1,2\n" + b"3,\xff\xfe\n"
    with pytest.raises(ExtractError) as err:
        decode_csv(raw, "t.csv")
    assert str(err.value) == "t.csv: row 3: bytes cannot be decoded as UTF-8 or GBK/GB18030"


def test_two_formats_of_one_table_are_fatal(tiny_extract: Path):
    (tiny_extract / "talents.parquet").write_bytes(b"")
    with pytest.raises(ExtractError) as err:
        find_table_files(tiny_extract)
    assert (
        str(err.value)
        == "talents.csv, talents.parquet: two files for table talents; keep exactly one"
    )


def test_optional_table_may_be_absent_and_strangers_are_ignored(tiny_extract: Path):
    (tiny_extract / "life_events.csv").unlink()
    (tiny_extract / "README.txt").write_text("exported 2024-06-30")
    assert sorted(find_table_files(tiny_extract)) == sorted(set(TABLES) - {"life_events", "interventions"})


def test_source_rows_count_like_a_spreadsheet_and_skip_blank_rows(tmp_path: Path):
    path = tmp_path / "employers.csv"
    path.write_text(
        "employer_id,industry,ownership,county,note\nE1,textiles,private,decheng,\n,,,,\n"
        "E2,textiles,private,decheng,x\n"
    )
    raw = read_table(path, TABLES["employers"])
    assert raw.frame.get_column("source_row").to_list() == [2, 4]
    assert raw.blank_rows == 1
    assert "note" in raw.extras.columns  # unknown extra columns are kept in the raw read, apart
    assert "note" not in raw.frame.columns


@pytest.mark.parametrize(
    ("fmt", "encoding"),
    [("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gbk"), ("csv", "gb18030"), ("xlsx", "")],
)
def test_every_format_reads_the_same_cells(
    tmp_path: Path, fmt: str, encoding: str, tiny_tables, write_extract
):
    tables = tiny_tables()
    expected = read_extract(write_extract(tables, tmp_path / "ref"))
    got = read_extract(write_extract(tables, tmp_path / "other", fmt, encoding or "utf-8"))
    for name in tables:
        assert_frame_equal(got[name].frame, expected[name].frame)


SIMULATED_FORMATS = [("csv", "utf-8"), ("csv", "gbk"), ("xlsx", "utf-8")]


def _assert_every_format_ingests_like_parquet(registry, tmp_path: Path) -> None:
    from features.ingest import ingest_extract
    from synthetic import write_registry

    def ingest(fmt: str, encoding: str):
        data = tmp_path / f"{fmt}-{encoding}"
        write_registry(registry, data, fmt, encoding)
        result = ingest_extract(data, tmp_path / "work", reference_date=registry.as_of)
        assert result.quarantine.height == 0, (fmt, encoding, result.quarantine.head())
        return result

    reference = ingest("parquet", "utf-8")
    assert {n: c["read"] for n, c in reference.summary.items()} == {
        n: registry.tables[n].height if n in registry.tables else 0 for n in reference.summary
    }  # an optional table the simulator does not write (interventions) reads 0 rows
    for fmt, encoding in SIMULATED_FORMATS:
        other = ingest(fmt, encoding)
        for name, frame in reference.tables.items():
            assert_frame_equal(other.tables[name], frame)
        assert_frame_equal(other.contacts, reference.contacts)


def test_simulated_registry_ingests_cleanly_in_every_format(simulated_registry, tmp_path: Path):
    _assert_every_format_ingests_like_parquet(simulated_registry, tmp_path)


@pytest.mark.slow
def test_a_20000_talent_registry_ingests_cleanly_in_every_format(tmp_path: Path):
    from synthetic import simulate

    _assert_every_format_ingests_like_parquet(simulate(20_000, seed=3), tmp_path)


def test_record_numbers_skip_line_breaks_inside_quoted_cells():
    data = b'a,b\n1,"two\nlines"\n3,4\n5,6\n'
    assert [record_number(data, data.index(x)) for x in (b"1,", b"3,", b"5,")] == [2, 3, 4]


def test_header_is_found_below_title_and_blank_rows():
    spec = TABLES["employers"]
    header = ["employer_id", "industry", "Ownership ", "county"]
    assert find_header([["德州市"], ["", ""], header, ["E1"]], spec) == 2
    assert find_header([[""], ["something", "else"], ["E1"]], spec) == 1


def test_fullwidth_and_chinese_forms_of_dates_months_money_and_codes():
    assert (
        _parse(parse_date("v", pl.String), ["２０２０－０１－０５", "2020年1月5日"])
        == [date(2020, 1, 5)] * 2
    )
    assert (
        _parse(parse_month("v", pl.String), ["２０２０／０３", "2020年3月"])
        == [date(2020, 3, 1)] * 2
    )
    money = ["７，５７４．００", "¥1,000", "80000元", "\u30001000\u3000", "1.000.0"]
    assert _parse(parse_money("v", pl.String), money) == [7574.0, 1000.0, 80000.0, 1000.0, None]
    assert _parse(parse_code("v", pl.String, "education"), ["ｂａｃｈｅｌｏｒ"]) == ["bachelor"]


def test_utf16_and_mixed_encodings_are_named():
    with pytest.raises(ExtractError, match="^t.csv: file is UTF-16 encoded"):
        decode_csv("a,b\n".encode("utf-16"), "t.csv")
    mixed = "a,b\n德州德州,1\n".encode() + "德州,2\n".encode("gbk")
    with pytest.raises(ExtractError, match="^t.csv: row 3: bytes are not UTF-8 like"):
        decode_csv(mixed, "t.csv")


def test_parquet_numbers_as_keys_and_dates_read_as_people_meant(tmp_path: Path):
    """Float keys written after a NaN (1001.0) are 1001; integer dates are days since 1970
    (Parquet's DATE), YYYYMMDD when 8 digits; NaN is no value, not a bad date."""
    from features.contract import TABLES
    from features.extract import parse_column, read_table

    frame = pl.DataFrame(
        {
            "policy_id": [1001.0, 1002.0, 1002.5],
            "effective_from": [18_000, 20210305, -1],
            "effective_to": [float("nan"), 19_000.0, None],
        }
    )
    frame.write_parquet(tmp_path / "policies.parquet")
    raw = read_table(tmp_path / "policies.parquet", TABLES["policies"])
    spec = {c.name: c for c in TABLES["policies"].columns}
    assert raw.frame.get_column("policy_id").to_list() == ["1001", "1002", "1002.5"]
    got = [parse_column(raw.frame, spec[c]).to_list() for c in ("effective_from", "effective_to")]
    assert got == [
        [date(2019, 4, 14), date(2021, 3, 5), date(1969, 12, 31)],
        [None, date(2022, 1, 8), None],
    ]
