"""A plan run's arguments, checked before anything starts (light: no data, store or model code)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.checks import (
    LANGS,
    check_choice,
    check_county,
    check_data,
    check_date,
    check_out_folder,
)
from pipeline.errors import UsageError

ESTIMATORS = ("hazard", "s-learner")


@dataclass(frozen=True)
class PlanRequest:
    """One plan run's arguments, checked."""

    data: Path
    out: Path
    as_of: date
    budget: float
    months: int = 12
    new_monthly: float = 500.0
    county: str | None = None
    county_budgets: dict[str, float] | None = field(default=None)
    lottery_share: float = 0.0
    seed: int = 0
    estimator: str = "hazard"
    lang: str = "zh"
    overwrite: bool = False

    @property
    def out_dir(self) -> Path:
        """A county's own plans live apart, so a county run never collides with the city's."""
        return self.out / self.county if self.county else self.out


def check_yuan(value: str | float, option: str) -> float:
    """A positive, finite amount of yuan."""
    try:
        yuan = float(str(value).replace(",", "").strip())
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a number of yuan") from None
    if not math.isfinite(yuan) or yuan <= 0:
        raise UsageError(f"{option}: {value} must be a positive number of yuan")
    return yuan


def read_county_budgets(path: Path) -> dict[str, float]:
    """county,budget_yuan rows (code or Chinese name; UTF-8, BOM or GBK) to {county code: yuan}."""
    option = "--budget-per-county"
    if not path.is_file():
        raise UsageError(f"{option}: {path}: no such file")
    raw = path.read_bytes()
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{option}: {path}: not UTF-8 or GBK text")
    lines = [line for line in text.splitlines() if line.strip()]
    header = [c.strip() for c in lines[0].split(",")] if lines else []
    if header != ["county", "budget_yuan"]:
        raise UsageError(f"{option}: {path}: the header must be county,budget_yuan, got {','.join(header) or 'nothing'}")
    budgets: dict[str, float] = {}
    for row, line in enumerate(lines[1:], start=2):
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 2:
            raise UsageError(f"{option}: {path} row {row}: expected 2 cells (county,budget_yuan), got {len(cells)}")
        try:
            code = check_county(cells[0])
        except UsageError:
            raise UsageError(f"{option}: {path} row {row}, county: '{cells[0]}' is not a Dezhou county") from None
        if code in budgets:
            raise UsageError(f"{option}: {path} row {row}, county: {cells[0]} is listed twice")
        try:
            budgets[code] = check_yuan(cells[1], "budget_yuan")
        except UsageError as err:
            raise UsageError(f"{option}: {path} row {row}, {err}") from None
    if not budgets:
        raise UsageError(f"{option}: {path}: no county budgets in the file")
    return budgets


def plan_request(
    data: str | Path, out: str | Path, as_of: str | date | None, budget: str | float,
    months: int = 12, new_monthly: str | float = 500.0, county: str | None = None,
    budget_per_county: str | Path | None = None, lottery_share: float = 0.0, seed: int = 0,
    estimator: str = "hazard", lang: str = "zh", overwrite: bool = False,
) -> PlanRequest:  # fmt: skip
    """Check every argument of a plan run before anything starts (one line when wrong)."""
    total = check_yuan(budget, "--budget")
    if months < 1 or months > 60:
        raise UsageError(f"--months: {months} must be between 1 and 60")
    if not 0 <= lottery_share <= 0.5:
        raise UsageError(f"--lottery-share: {lottery_share} must be between 0 and 0.5")
    budgets = read_county_budgets(Path(budget_per_county)) if budget_per_county else None
    if budgets and sum(budgets.values()) > total + 1e-6:
        raise UsageError(f"--budget-per-county: the counties' budgets add up to {sum(budgets.values()):,.0f} yuan, more than --budget {total:,.0f}")
    code = check_county(county)
    if budgets and code and code not in budgets:
        raise UsageError(f"--budget-per-county: no budget for --county {code}")
    return PlanRequest(
        data=check_data(Path(data)), out=check_out_folder(Path(out)), as_of=check_date(as_of),
        budget=total, months=months, new_monthly=check_yuan(new_monthly, "--new-monthly"),
        county=code, county_budgets=budgets, lottery_share=lottery_share, seed=seed,
        estimator=check_choice(estimator, ESTIMATORS, "--estimator"),
        lang=check_choice(lang, LANGS, "--lang"), overwrite=overwrite,
    )  # fmt: skip
