"""The real-people bench's mapping: the contract's departures reproduce the data's event and tenure."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # benchmarks/ is a folder of the repo, not an installed package

from benchmarks.real import check_mapping, map_turnover, read_turnover  # noqa: E402

HEADER = (
    "stag,event,gender,age,industry,profession,traffic,coach,head_gender,greywage,way,"
    "extraversion,independ,selfcontrol,anxiety,novator"
)
ROWS = [
    "7.03,1,m,35.0,Banks,HR,rabrecNErab,no,f,white,bus,6.2,4.1,5.7,7.1,8.3",
    "0.39,1,f,36.0,IT,IT,empjs,no,m,white,foot,3.8,7.6,2.6,7.9,4.4",
    "179.4,0,f,24.0,Retail,HR,KA,no,f,white,bus,7.0,4.8,2.6,5.6,8.3",
    "15.7,0,f,34.0, HoReCa,HR,empjs,no,f,white,car,8.6,5.5,4.1,5.6,6.7",
    "166.3,1,m,26.0,Retail,Sales,recNErab,no,m,white,car,3.0,5.5,5.7,7.1,6.7",
]


@pytest.fixture
def data(tmp_path) -> pl.DataFrame:
    path = tmp_path / "turnover.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return read_turnover(path)


def test_the_first_departure_reproduces_event_and_tenure_on_every_seed(data):
    for seed in range(3):
        tables = map_turnover(data, seed)
        check_mapping(data, tables)  # raises when event or tenure is not reproduced
    talents = tables["talents"]
    assert talents["x_industry"].to_list() == ["Banks", "IT", "Retail", "HoReCa", "Retail"]
    assert talents.schema["x_anxiety"] == pl.Float64 and talents.schema["x_coach"] == pl.String
    assert talents["gender"].to_list() == ["M", "F", "F", "F", "M"]
    assert tables["employers"].height == 4  # one employer per industry


def test_a_seed_moves_the_leavers_and_never_the_stayers(data):
    a = map_turnover(data, 0)["talents"]["arrival_date"].to_list()
    b = map_turnover(data, 1)["talents"]["arrival_date"].to_list()
    assert a[2:4] == b[2:4]  # stayers: tenure ends at the extract
    assert a[:2] + a[4:] != b[:2] + b[4:]


def test_a_missing_csv_is_a_one_line_exit_saying_where_to_get_it(tmp_path):
    with pytest.raises(SystemExit) as err:
        read_turnover(tmp_path / "absent.csv")
    message = str(err.value)
    assert "absent.csv not found" in message and "Employee Turnover" in message
    assert "\n" not in message
