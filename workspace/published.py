"""The published weekly lists as the workspace reads them (pure polars, no Django)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from pipeline.errors import UsageError

LIST_FILE, PLAN_FILE = "risk_list.parquet", "plan.parquet"
NEEDED = ("as_of", "talent_id", "county", "p_leave_3m", "p_leave_6m", "p_leave_12m", "risk_tier")
OFFICER_TIERS = ("high", "medium")
TOP = 50  # the week's calls per county (reports.tiers.OFFICER_CAPACITY); progress is out of these


def published_weeks(lists: Path) -> list[tuple[date, Path]]:
    """The as-of folders of `lists` that hold a finished risk list, oldest first."""
    if not lists.is_dir():
        raise UsageError(f"--lists: {lists}: no such folder of published lists")
    weeks = []
    for child in lists.iterdir():
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if (child / LIST_FILE).is_file():
            weeks.append((day, child))
    if not weeks:
        raise UsageError(f"--lists: {lists} holds no published week (no DATE/{LIST_FILE})")
    return sorted(weeks)


def with_county_rank(frame: pl.DataFrame) -> pl.DataFrame:
    """Rank on the paying list (months_unpaid = 0, high and medium) by 6-month risk, per county."""
    on_list = (pl.col("months_unpaid") == 0) & pl.col("risk_tier").is_in(OFFICER_TIERS)
    rank = (
        pl.when(on_list)
        .then(pl.col("p_leave_6m").rank("ordinal", descending=True).over(["county", on_list]))
        .otherwise(None)
    )
    return frame.with_columns(county_rank=rank.cast(pl.Int64))


def read_week(path: Path) -> pl.DataFrame:
    """A published risk list with the columns the workspace stores; a missing one is one line."""
    frame = pl.read_parquet(path)
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise UsageError(f"{path}: lacks the columns {', '.join(missing)}")
    defaults = {
        "employer_name": pl.lit(None, pl.String),
        "subsidy_end_date": pl.lit(None, pl.Date),
        "months_to_subsidy_end": pl.lit(None, pl.Int32),
        "months_unpaid": pl.lit(0, pl.Int32),
        "suggested_action": pl.lit(None, pl.String),
        "model_version": pl.lit(None, pl.String),
        **{f"reason_{i}": pl.lit(None, pl.String) for i in (1, 2, 3)},
    }
    frame = frame.with_columns(v.alias(k) for k, v in defaults.items() if k not in frame.columns)
    return with_county_rank(frame.with_columns(pl.col("months_unpaid").fill_null(0)))


def county_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Per county of a ranked week (`with_county_rank`): the sizes of its two lists and its top."""
    listed = frame.filter(pl.col("risk_tier").is_in(OFFICER_TIERS))
    return (
        listed.group_by("county")
        .agg(
            paying=(pl.col("months_unpaid") == 0).sum(),
            verify=(pl.col("months_unpaid") >= 1).sum(),
            top=(pl.col("county_rank") <= TOP).sum(),
        )
        .sort("county")
    )
