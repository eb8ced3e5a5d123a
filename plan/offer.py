"""The offer (contract section 5): one definition, used by the plan and the simulator's truth."""

from __future__ import annotations

import datetime as dt

import polars as pl

OFFER_COLUMNS = [
    "talent_id", "offer_kind", "grant_id", "subsidy_type", "monthly_yuan", "grant_end_date",
    "offer_start", "offer_end", "cost_yuan",
]  # fmt: skip


def main_periodic_grants(subsidies: pl.DataFrame) -> pl.DataFrame:
    """Per talent, the periodic grant with the largest monthly amount, ties by grant_id."""
    periodic = subsidies.filter(pl.col("monthly_amount").fill_null(0) > 0)
    return (
        periodic.sort(["talent_id", "monthly_amount", "grant_id"], descending=[False, True, False])
        .unique("talent_id", keep="first", maintain_order=True)
        .select("talent_id", "grant_id", "subsidy_type", "monthly_amount", "end_date")
    )


def make_offers(
    talent_ids: pl.Series,
    subsidies: pl.DataFrame,
    as_of: dt.date,
    months: int = 12,
    new_monthly: float = 500.0,
) -> pl.DataFrame:
    """The offer each talent would get at as_of: extend the main periodic grant, or a new one.

    offer_start / offer_end are the first and last months paid (first day of the month).
    """
    known = subsidies.filter(pl.col("start_date") < as_of)
    main = main_periodic_grants(known)
    m0 = dt.date(as_of.year, as_of.month, 1)
    end_month = pl.col("end_date").dt.month_start()
    # A grant still paying at as_of is extended from the month after it ends; an ended one (or
    # none) from the as_of month itself.
    start = (
        pl.when(pl.col("end_date") >= as_of)
        .then(end_month.dt.offset_by("1mo"))
        .otherwise(pl.lit(m0))
    )
    return (
        pl.DataFrame({"talent_id": talent_ids.cast(pl.String)})
        .join(main, on="talent_id", how="left")
        .select(
            "talent_id",
            pl.when(pl.col("grant_id").is_null()).then(pl.lit("new")).otherwise(pl.lit("extend"))
            .alias("offer_kind"),
            "grant_id",
            pl.col("subsidy_type").fill_null("living"),
            pl.col("monthly_amount").fill_null(float(new_monthly)).cast(pl.Float64)
            .alias("monthly_yuan"),
            pl.col("end_date").alias("grant_end_date"),
            start.alias("offer_start"),
        )
        .with_columns(
            pl.col("offer_start").dt.offset_by(f"{months - 1}mo").alias("offer_end"),
            (pl.col("monthly_yuan") * months).round(2).alias("cost_yuan"),
        )
        .select(OFFER_COLUMNS)
    )  # fmt: skip
