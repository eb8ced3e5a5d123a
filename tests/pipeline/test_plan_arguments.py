"""`retention plan`'s bad arguments: one line, exit status 2, before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def refused(args: list[str]) -> str:
    """Run in-process; exit 2 with exactly one line on stderr and no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retention: "), result.stderr
    return lines[0].removeprefix("retention: ")


@pytest.fixture
def base(tmp_path: Path) -> list[str]:
    (tmp_path / "reg").mkdir()
    return ["plan", "--data", str(tmp_path / "reg"), "--out", str(tmp_path / "out"), "--as-of", "2026-11-23"]


@pytest.mark.parametrize(
    ("budget", "said"),
    [
        ("abc", "--budget: 'abc' is not a number of yuan"),
        ("0", "--budget: 0 must be a positive number of yuan"),
        ("-5", "--budget: -5 must be a positive number of yuan"),
        ("nan", "--budget: nan must be a positive number of yuan"),
    ],
)
def test_bad_budget(base, budget, said):
    assert refused([*base, "--budget", budget]) == said


def test_per_county_file_with_an_unknown_county_or_a_bad_number(base, tmp_path):
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("county,budget_yuan\nqihe,100000\natlantis,5000\n", encoding="utf-8")
    assert refused([*base, "--budget", "1e6", "--budget-per-county", str(unknown)]) == (
        f"--budget-per-county: {unknown} row 3, county: 'atlantis' is not a Dezhou county"
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes("county,budget_yuan\n齐河县,十万\n".encode("gbk"))
    assert refused([*base, "--budget", "1e6", "--budget-per-county", str(bad)]) == (
        f"--budget-per-county: {bad} row 2, budget_yuan: '十万' is not a number of yuan"
    )
    over = tmp_path / "over.csv"
    over.write_text("county,budget_yuan\nqihe,900000\nleling,200000\n", encoding="utf-8")
    assert refused([*base, "--budget", "1000000", "--budget-per-county", str(over)]) == (
        "--budget-per-county: the counties' budgets add up to 1,100,000 yuan, more than --budget 1,000,000"
    )


def test_lottery_share_out_of_range(base):
    assert refused([*base, "--budget", "1e6", "--lottery-share", "0.9"]) == (
        "--lottery-share: 0.9 must be between 0 and 0.5"
    )
