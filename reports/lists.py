"""The officers' two lists: who to keep (在岗需关注) and who to verify (已停缴待核实).

A talent still paying social insurance in the last known month (months_unpaid = 0) can still
be kept: their county's work list ranks them by the 6-month risk. A talent who stopped paying
has probably changed job, is between jobs or has gone: calling them is verification, so they
go on a separate list, the longest gaps first, then by risk. The parquet and CSV risk list
keeps one row per talent; only the officer outputs split it.
"""

from __future__ import annotations

import polars as pl

from reports.tiers import OFFICER_CAPACITY

WORK_TIERS = ("high", "medium")
TEXT = {
    "work": ("在岗需关注", "Still paying: keep"),
    "verify": ("已停缴待核实", "Stopped paying: verify"),
    "verify_sheet": ("{}待核实", "{} verify"),
    "task": (
        "已{}个月未在德州缴纳社保:请核实是在德州换了工作、暂时待业,还是已离开德州",
        "no contribution for {} month(s): confirm whether they changed job, are between jobs, or left",
    ),
}


def paying() -> pl.Expr:
    """Still paying in the last known month (an unknown months_unpaid counts as paying)."""
    return pl.col("months_unpaid").fill_null(0) == 0


def work_list(
    risk_list: pl.DataFrame,
    tiers: tuple[str, ...] = WORK_TIERS,
    max_rows: int = OFFICER_CAPACITY,
) -> pl.DataFrame:
    """Per county, the paying talents of `tiers`, riskiest first, at most max_rows each."""
    return (
        risk_list.filter(paying() & pl.col("risk_tier").is_in(list(tiers)))
        .sort(["p_leave_6m", "talent_id"], descending=[True, False], nulls_last=True)
        .with_columns(pl.int_range(1, pl.len() + 1).over("county").alias("rank"))
        .filter(pl.col("rank") <= max_rows)
    )


def verify_list(risk_list: pl.DataFrame) -> pl.DataFrame:
    """Per county, the talents who stopped paying: most months unpaid first, then by risk."""
    return (
        risk_list.filter(~paying())
        .sort(
            ["months_unpaid", "p_leave_6m", "talent_id"],
            descending=[True, True, False],
            nulls_last=True,
        )
        .with_columns(pl.int_range(1, pl.len() + 1).over("county").alias("rank"))
    )


def task_text(lang: str) -> pl.Expr:
    """The verification task written out, with the talent's months unpaid."""
    zh, en = TEXT["task"]
    return pl.format(zh if lang == "zh" else en, pl.col("months_unpaid").cast(pl.String))
