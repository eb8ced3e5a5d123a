"""A date the extract cannot support is refused in one line, never scored as if nobody paid."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from features.coverage import contribution_coverage, month_ranges
from flows.cli import app
from runconfig import TimeRules

runner = CliRunner()


def si(*months: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"talent_id": ["T1"] * len(months), "month": [date.fromisoformat(m) for m in months]}
    )


def test_the_months_a_date_needs_and_the_dates_an_extract_supports():
    contributions = si("2026-08-01", "2026-09-01", "2026-10-01")
    inside = contribution_coverage(contributions, date(2026, 12, 14))
    assert inside.missing == () and not inside.too_early
    assert inside.earliest_as_of == date(2026, 9, 15)  # August known from 15 September
    late = contribution_coverage(contributions, date(2027, 3, 1))  # needs November to January
    assert late.missing == (date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1))
    assert late.latest_as_of == date(2026, 12, 14)  # November would be known from 15 December
    assert month_ranges(late.missing) == "2026-11 to 2027-01 (3 months)"
    assert contribution_coverage(contributions, date(2026, 9, 14)).too_early


def test_a_month_nobody_paid_inside_the_extract_is_missing_too():
    cover = contribution_coverage(si("2026-07-01", "2026-09-01"), date(2026, 10, 20))
    assert cover.missing == (date(2026, 8, 1),)
    assert cover.latest_as_of == date(2026, 9, 14)
    assert month_ranges((date(2026, 8, 1), date(2026, 12, 1))) == "2026-08, 2026-12"


def test_a_longer_reporting_lag_moves_the_supported_dates():
    rules = TimeRules(reporting_lag_months=2, reporting_day=10)
    cover = contribution_coverage(si("2026-09-01", "2026-10-01"), date(2027, 1, 10), rules)
    assert cover.missing == (date(2026, 11, 1),)
    assert cover.latest_as_of == date(2027, 1, 9)


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retention: "), result.stderr
    return lines[0].removeprefix("retention: ")


@pytest.mark.parametrize("command", ["features", "train"])
def test_a_date_past_the_extract_is_refused_naming_the_months_and_the_latest_date(
    command, small_extract, tmp_path, monkeypatch
):
    monkeypatch.setenv("RETENTION_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    args = [command, "--data", str(small_extract), "--as-of", "2030-01-06"]
    if command == "features":
        args += ["--out", str(tmp_path / "features.parquet")]
    assert refused(args) == (
        "--as-of 2030-01-06 needs contribution months that no talent in this extract has: "
        "2026-11 to 2029-11 (37 months); the latest --as-of this extract supports is 2026-12-14"
    )
    assert not (tmp_path / "features.parquet").exists()
    assert not (tmp_path / "mlflow.db").exists()  # train stopped before the store


def test_a_date_before_the_extract_is_refused_naming_the_earliest_date(
    small_extract, tmp_path, monkeypatch
):
    monkeypatch.setenv("RETENTION_WORK_DIR", str(tmp_path / "work"))
    month = pl.read_parquet(small_extract / "social_insurance.parquet")["month"].min()
    first = date.fromisoformat(f"{month}-01")  # months are YYYY-MM in an extract
    earliest = date(first.year + first.month // 12, first.month % 12 + 1, 15)
    args = ["features", "--data", str(small_extract), "--as-of", "2001-01-01"]
    assert refused([*args, "--out", str(tmp_path / "f.parquet")]) == (
        f"--as-of 2001-01-01 is before this extract's first contribution month {first:%Y-%m} "
        f"is known; the earliest --as-of it supports is {earliest}"
    )
