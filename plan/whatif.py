"""What a policy would buy: the cost and talents kept if a whole group were offered, and the
gain curve (what each further slice of budget buys)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from plan.select import value_order

ORDINARY_BACHELOR = "ordinary_bachelor_no_city_subsidy"
# A group of fewer eligible talents is flagged `too_small` and left out of plan.html/plan.xlsx:
# its "talents kept" is a fraction of one person, and a county-level policy for a handful of
# people is a decision about those people, not a group what-if. The rule is the group's size
# only, so it never hides a group for its figures.
MIN_GROUP = 30


def end_band(as_of: date) -> pl.Expr:
    """The main grant's end relative to as_of: none, ended, 0-6, 7-12 or 13+ months ahead."""
    months = (pl.col("grant_end_date").dt.year() - as_of.year) * 12 + pl.col("grant_end_date").dt.month() - as_of.month
    return (
        pl.when(pl.col("grant_end_date").is_null()).then(pl.lit("none"))
        .when(pl.col("grant_end_date") < as_of).then(pl.lit("ended"))
        .when(months <= 6).then(pl.lit("0-6"))
        .when(months <= 12).then(pl.lit("7-12"))
        .otherwise(pl.lit("13+"))
        .alias("subsidy_end_band")
    )  # fmt: skip


def _totals() -> list[pl.Expr]:
    return [
        pl.len().alias("talents"),
        pl.col("cost_yuan").sum().alias("cost_yuan"),
        (pl.col("p_leave_12m") - pl.col("p_leave_12m_with_offer")).sum().alias("talents_kept"),
        pl.col("months_gained").sum().alias("talent_months_gained"),
    ]


def group_whatif(plan: pl.DataFrame, as_of: date, city_funded: pl.Series) -> pl.DataFrame:
    """Per county x education x subsidy-end band, and for ordinary bachelors with no city
    subsidy: talents, cost if all were offered, talents and talent-months expected kept;
    groups under MIN_GROUP talents flagged too_small and sorted last."""
    frame = plan.with_columns(end_band(as_of))
    groups = frame.group_by("county", "education", "subsidy_end_band").agg(_totals())
    ordinary = frame.filter(
        (pl.col("education") == "bachelor")
        & (pl.col("university_tier").fill_null("") != "double_first_class")
        & ~pl.col("talent_id").is_in(city_funded.implode())
    ).select(_totals()).with_columns(
        county=pl.lit(None, pl.String), education=pl.lit(ORDINARY_BACHELOR),
        subsidy_end_band=pl.lit(None, pl.String),
    )  # fmt: skip
    out = pl.concat([groups, ordinary.select(groups.columns)])
    per = (pl.col("talent_months_gained") / pl.col("cost_yuan") * 100_000).alias("months_per_100k_yuan")
    small = (pl.col("talents") < MIN_GROUP).alias("too_small")
    return out.with_columns(per, small).sort(
        ["too_small", "months_per_100k_yuan"], descending=[False, True], nulls_last=True
    )


def gain_curve(plan: pl.DataFrame, step: float = 100_000.0, budget: float = 0.0, points: int = 40) -> pl.DataFrame:
    """Talent-months and talents expected kept by the best offers that fit each budget step."""
    gain = plan["months_gained"].to_numpy()
    cost = plan["cost_yuan"].to_numpy()
    kept = (plan["p_leave_12m"] - plan["p_leave_12m_with_offer"]).to_numpy()
    order = value_order(gain, cost)
    order = order[gain[order] > 0]
    cum_cost = np.cumsum(cost[order])
    cum_gain = np.concatenate([[0.0], np.cumsum(gain[order])])
    cum_kept = np.concatenate([[0.0], np.cumsum(kept[order])])
    top = cum_cost[-1] if len(cum_cost) else 0.0
    # Enough steps to show the budget and beyond it, never past the cost of every useful offer.
    n = int(min(max(points, np.ceil(1.5 * budget / step)), np.ceil(top / step), 2_000)) if top > 0 else 0
    budgets = step * np.arange(0, n + 1)
    fit = np.searchsorted(cum_cost, budgets, side="right")
    frame = pl.DataFrame({"budget_yuan": budgets, "talent_months_gained": cum_gain[fit],
                          "talents_kept": cum_kept[fit]})  # fmt: skip
    return frame.with_columns(
        pl.col("talent_months_gained").diff().fill_null(0.0).alias("months_from_last_100k")
    )
