"""Fixtures for the features tests: tiny hand-built extracts and writers of extract folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest


def _tiny_tables() -> dict[str, pl.DataFrame]:
    """A valid extract of three talents, every cell as text the way a CSV holds it."""
    return {
        "talents": pl.DataFrame(
            {
                "talent_id": ["T1", "T2", "T3"],
                "id_number": ["370102199001011234", None, "37010219920202123X"],
                "name": ["张三", "李四", None],
                "phone": ["13800000001", None, None],
                "gender": ["M", "女", None],
                "birth_date": ["1990-01-01", "1992/02/02", "1993-03-03"],
                "education": ["bachelor", "硕士", "大专"],
                "university_tier": ["ordinary", None, "高职"],
                "major_field": ["engineering", "medicine", None],
                "hometown": ["dezhou", "外省", "shandong"],
                "program": ["graduate_gathering", "博士引进", "假日专家"],
                "arrival_date": ["2018-07-01", "2019-03-01", "2020-01-15"],
                "county": ["decheng", "禹城市", "tianqu"],
                "x_survey": ["3", "4.5", None],
            }
        ),
        "employers": pl.DataFrame(
            {
                "employer_id": ["E1", "E2"],
                "employer_name": ["德州光伏", "禹城生物"],
                "industry": ["new_energy", "biomedicine"],
                "ownership": ["民营", "state_owned"],
                "size_band": ["small", None],
                "county": ["decheng", "yucheng"],
            }
        ),
        "policies": pl.DataFrame(
            {
                "policy_id": ["P1", "P2"],
                "policy_name": ["2017年人才新政", '人才政策"黄金30条"升级版'],
                "level": ["市级", "city"],
                "effective_from": ["2017-01-01", "2020-06-01"],
                "effective_to": ["2019-12-31", None],
            }
        ),
        "subsidies": pl.DataFrame(
            {
                "grant_id": ["G1", "G2", "G3"],
                "talent_id": ["T1", "T2", "T2"],
                "policy_id": ["P1", "P2", "P2"],
                "subsidy_type": ["living", "生活补贴", "安家费"],
                "monthly_amount": ["1000", "2000", None],
                "lump_sum": [None, None, "120000"],
                "start_date": ["2018-08-01", "2019-04-01", "2019-04-01"],
                "end_date": ["2021-07-31", "2022-03-31", "2024-03-31"],
            }
        ),
        "social_insurance": pl.DataFrame(
            {
                "talent_id": ["T1", "T1", "T1", "T2", "T2"],
                "month": ["2018-07", "2018-08", "2018-09", "2019-03", "2019-04"],
                "employer_id": ["E1", "E1", "E2", "E2", "E2"],
                "contribution_base": ["4000", "4000", "4500.5", "6000", "6000"],
            }
        ),
        "life_events": pl.DataFrame(
            {
                "talent_id": ["T1", "T2"],
                "event_date": ["2019-05-01", "2020-10-10"],
                "event": ["结婚", "hukou_moved"],
            }
        ),
    }


def _write_extract(
    tables: dict[str, pl.DataFrame], out: Path, fmt: str = "csv", encoding: str = "utf-8"
) -> Path:
    """Write tables as an extract folder: csv (utf-8, utf-8-sig or gbk), xlsx or parquet."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.write_parquet(path)
        elif fmt == "xlsx":
            frame.write_excel(path)
        else:
            text = frame.write_csv()
            path.write_bytes(text.encode(encoding))
    return out


@pytest.fixture
def tiny_tables():
    """A factory of fresh tiny valid tables (text cells), to damage as a test likes."""
    return _tiny_tables


@pytest.fixture
def write_extract():
    """The writer of an extract folder: write_extract(tables, out, fmt="csv", encoding="utf-8")."""
    return _write_extract


SIMULATED_AS_OF = date(2024, 6, 30)


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell as the text a CSV export holds (dates YYYY-MM-DD)."""
    return pl.read_csv(frame.write_csv(date_format="%Y-%m-%d").encode(), infer_schema=False)


@pytest.fixture(scope="session")
def simulated_registry():
    """A small simulated registry (300 talents), built once per session."""
    from synthetic import simulate

    return simulate(300, seed=7, as_of=SIMULATED_AS_OF)


@pytest.fixture(scope="session")
def simulated_text_tables(simulated_registry) -> dict[str, pl.DataFrame]:
    """The small simulated extract with every cell as text."""
    return {name: _as_text(frame) for name, frame in simulated_registry.tables.items()}


@pytest.fixture
def base_tables(simulated_text_tables):
    """A factory of fresh copies of the extract the damage tests break (text cells)."""
    return lambda: dict(simulated_text_tables)


@pytest.fixture
def tiny_extract(tmp_path: Path) -> Path:
    """A valid tiny extract as UTF-8 CSV files."""
    return _write_extract(_tiny_tables(), tmp_path / "extract")
