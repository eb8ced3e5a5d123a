"""Bad lists: each left out with a stated reason, or one line and exit status 2."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.backtest import read_lists
from pipeline.errors import UsageError

EXTRACT = date(2026, 11, 15)


def _list(day: date, **drop) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "as_of": [day, day],
            "talent_id": ["A", "B"],
            "county": ["qihe", "qihe"],
            "employer_id": ["E1", "E2"],
            "risk_tier": ["high", "low"],
            "model_version": ["2", "2"],
            "p_leave_3m": [0.5, 0.1],
        }
    )
    return frame.drop(*drop) if drop else frame


def _write(out, day: date, frame: pl.DataFrame, county: str | None = None):
    folder = (out / county if county else out) / day.isoformat()
    folder.mkdir(parents=True)
    frame.write_parquet(folder / "risk_list.parquet")
    return folder / "risk_list.parquet"


def test_each_bad_list_is_left_out_with_its_reason_and_the_others_read(tmp_path):
    good = date(2026, 1, 5)
    _write(tmp_path, good, _list(good))
    _write(tmp_path, good, _list(good), county="qihe")  # a county run of the same Monday
    bad = _write(tmp_path, date(2026, 1, 12), _list(date(2026, 1, 12)))
    bad.write_bytes(bad.read_bytes()[:40])  # truncated
    _write(tmp_path, date(2026, 1, 19), _list(date(2026, 1, 19), risk_tier=True))
    _write(tmp_path, date(2026, 1, 26), _list(date(2026, 2, 2)))
    _write(tmp_path, date(2026, 12, 7), _list(date(2026, 12, 7)))
    lists = read_lists(tmp_path, EXTRACT, (3, 6, 12))
    assert lists.frame.get_column("as_of").unique().to_list() == [good]
    reasons = "\n".join(lists.skipped)
    assert len(lists.skipped) == 5
    assert "qihe/2026-01-05: a county run; the city-wide list of 2026-01-05 is used" in reasons
    assert "2026-01-12/risk_list.parquet: cannot be read as Parquet (truncated" in reasons
    assert "2026-01-19/risk_list.parquet: missing columns risk_tier" in reasons
    assert "not the folder's date 2026-01-26" in reasons
    assert "list as_of 2026-12-07 is after the extract's date 2026-11-15" in reasons


def test_an_extract_earlier_than_every_list_is_one_line(tmp_path):
    _write(tmp_path, date(2026, 12, 7), _list(date(2026, 12, 7)))
    with pytest.raises(UsageError, match="is earlier than every list"):
        read_lists(tmp_path, EXTRACT, (3,))
    with pytest.raises(UsageError, match="no list folders"):
        read_lists(tmp_path / "2026-12-07", EXTRACT, (3,))


def test_cli_lists_folder_missing_is_one_line_exit_2(tmp_path):
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(
        app,
        ["backtest", "--data", str(tmp_path / "data"), "--lists", str(tmp_path / "nope"),
         "--out", str(tmp_path / "bt")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"retention: --lists: {tmp_path / 'nope'}: no such folder of published lists"
    ]
