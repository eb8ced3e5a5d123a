import datetime as dt
import io

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import synthetic
from synthetic import checks
from synthetic.pii import check_digit

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@pytest.fixture(scope="module")
def reg():
    return synthetic.simulate(n_talents=400, seed=11)


def test_check_digit_known_example():
    # GB 11643 worked example: 11010519491231002 -> X
    assert check_digit(np.array([11010519491231002]))[0] == "X"


def test_id_numbers_valid_and_agree_with_talent(reg):
    t = reg.tables["talents"]
    for id_number, birth, gender, hometown in t.select(
        "id_number", "birth_date", "gender", "hometown"
    ).iter_rows():
        assert len(id_number) == 18 and id_number[:17].isdigit()
        total = sum(int(c) * w for c, w in zip(id_number[:17], WEIGHTS, strict=True))
        assert id_number[17] == "10X98765432"[total % 11]
        assert id_number[6:14] == birth.strftime("%Y%m%d")
        assert int(id_number[16]) % 2 == (1 if gender == "M" else 0)
        assert id_number.startswith("3714") == (hometown == "dezhou")
        if hometown == "shandong":
            assert id_number.startswith("37")


def test_pii_unique_and_well_formed(reg):
    t = reg.tables["talents"]
    for col in ("id_number", "name", "phone"):
        assert t[col].is_unique().all(), col
    assert t["phone"].str.contains(r"^1[3-9]\d{9}$").all()
    assert t["name"].str.len_chars().is_between(2, 3).all()


def _read_back(path, fmt, encoding, schema):
    if fmt == "parquet":
        return pl.read_parquet(path)
    if fmt == "xlsx":
        df = pl.read_excel(
            path, schema_overrides={c: pl.String for c, d in schema.items() if d == pl.String}
        )
    else:
        data = path.read_bytes()
        text = data.decode("gbk") if encoding == "gbk" else data.decode("utf-8-sig")
        df = pl.read_csv(
            io.StringIO(text),
            schema_overrides={c: pl.String for c, d in schema.items() if d == pl.String},
        )
    fixes = []
    for c, d in schema.items():
        if df.schema[c] == d:
            continue
        if d == pl.Date and df.schema[c] == pl.String:
            fixes.append(pl.col(c).str.to_date("%Y-%m-%d"))
        else:
            fixes.append(pl.col(c).cast(d))
    return df.with_columns(fixes)


@pytest.mark.parametrize(("fmt", "encoding"), [("csv", "utf-8"), ("csv", "gbk"), ("xlsx", "utf-8")])
def test_every_format_writes_the_same_content(reg, tmp_path, fmt, encoding):
    synthetic.write_registry(reg, tmp_path / "pq")
    synthetic.write_registry(reg, tmp_path / fmt, fmt=fmt, encoding=encoding)
    for name in reg.tables:
        ref = pl.read_parquet(tmp_path / "pq" / f"{name}.parquet")
        got = _read_back(tmp_path / fmt / f"{name}.{fmt}", fmt, encoding, ref.schema)
        assert_frame_equal(got, ref, check_dtypes=False)
    assert (tmp_path / fmt / "truth" / "hazards.parquet").exists()


def test_csv_text_forms(reg, tmp_path):
    synthetic.write_registry(reg, tmp_path, fmt="csv")
    raw = (tmp_path / "social_insurance.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    first = raw.decode("utf-8-sig").splitlines()[1].split(",")
    assert len(first[1]) == 7 and first[1][4] == "-"  # YYYY-MM
    talents = (tmp_path / "talents.csv").read_text("utf-8-sig").splitlines()[1]
    assert any(len(f) == 10 and f[4] == "-" for f in talents.split(","))  # YYYY-MM-DD
    gbk = tmp_path / "gbk"
    synthetic.write_registry(reg, gbk, fmt="csv", encoding="gbk")
    (gbk / "employers.csv").read_bytes().decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        (gbk / "employers.csv").read_bytes().decode("utf-8")


def test_unknown_format_is_refused(reg, tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        synthetic.write_registry(reg, tmp_path, fmt="json")


def test_snapshot_population_excludes_confirmed_departures():
    tables = {
        "talents": pl.DataFrame(
            {"talent_id": ["a", "b", "c", "d"], "program": ["other", "other", "flexible_expert", "other"],
             "arrival_date": [dt.date(2026, 1, 5)] * 4}
        ),
        "social_insurance": pl.DataFrame(
            {"talent_id": ["a", "a", "b", "b", "d"], "month": ["2026-01", "2026-07", "2026-09", "2026-10", "2026-08"]}
        ),
    }  # fmt: skip
    got = checks.snapshot_population(tables, dt.date(2026, 11, 23))
    # a: gap Feb-Jun confirmed; c: flexible; d: Sep-Oct unpaid is not yet a confirmed departure.
    assert sorted(got["talent_id"]) == ["b", "d"]
