"""Realism measures of a simulated registry: the contract's gap rule, exits, subsidy cliff, oracle AUC."""

import datetime as dt

import numpy as np
import polars as pl

from synthetic.build import last_known_month
from synthetic.calendar import month_starts


def _month_no(col: str) -> pl.Expr:
    return pl.col(col).dt.year().cast(pl.Int32) * 12 + pl.col(col).dt.month().cast(pl.Int32)


def first_departures(paid: pl.DataFrame, last_month: dt.date, gap: int = 3) -> pl.DataFrame:
    """Contract rule on (talent_id, month Date) rows known up to last_month: first M paid in M-1, none in M..M+gap-1."""
    last = last_month.year * 12 + last_month.month
    return (
        paid.lazy()
        .select("talent_id", m=_month_no("month"))
        .sort("talent_id", "m")
        .with_columns(nxt=pl.col("m").shift(-1).over("talent_id"))
        .with_columns(unpaid=pl.col("nxt").fill_null(last + 1) - pl.col("m") - 1)
        .filter(pl.col("unpaid") >= gap)
        .group_by("talent_id")
        .agg(dep=pl.col("m").min() + 1)
        .select(
            "talent_id",
            pl.date((pl.col("dep") - 1) // 12, (pl.col("dep") - 1) % 12 + 1, 1).alias(
                "first_departure_month"
            ),
        )
        .collect()
    )


def snapshot_population(tables: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """Talents in the scoring snapshot at as_of (docs/interfaces.md): present, not flexible, not confirmed gone."""
    lk = month_starts(last_known_month(as_of) + 1)[-1].astype(dt.date)
    paid = tables["social_insurance"].select(
        "talent_id", pl.col("month").str.to_date("%Y-%m").alias("month")
    )
    gone = first_departures(paid, lk)
    t = tables["talents"].filter(
        (pl.col("arrival_date") < as_of) & (pl.col("program") != "flexible_expert")
    )
    return (
        t.join(paid.select("talent_id").unique(), on="talent_id", how="semi")
        .join(gone, on="talent_id", how="anti")
        .select("talent_id", as_of=pl.lit(as_of))
    )


def annual_exit_rates(reg) -> pl.DataFrame:
    """Per full calendar year before as_of: first departures / person-years at risk."""
    h = reg.truth["hazards"].filter("at_risk").with_columns(year=pl.col("month").dt.year())
    exposure = h.group_by("year").agg((pl.len() / 12).alias("person_years"))
    dep = reg.truth["departures"].drop_nulls("first_departure_month")
    exits = dep.group_by(year=pl.col("first_departure_month").dt.year()).agg(
        pl.len().alias("exits")
    )
    return (
        exposure.join(exits, on="year", how="left")
        .filter(pl.col("year") < reg.as_of.year)
        .with_columns(rate=pl.col("exits").fill_null(0) / pl.col("person_years"))
        .sort("year")
    )


def subsidy_cliff_ratio(reg, window: int = 12) -> float:
    """Mean true hazard in the `window` months after the main periodic subsidy ends / the months before."""
    s = reg.tables["subsidies"].filter(pl.col("monthly_amount").is_not_null())
    ends = s.group_by("talent_id").agg(pl.col("end_date").max().dt.month_start().alias("end"))
    h = (
        reg.truth["hazards"]
        .filter("at_risk")
        .join(ends, on="talent_id")
        .with_columns(k=_month_no("month") - _month_no("end"))
        .filter(pl.col("hazard") > 0)
    )
    after = h.filter((pl.col("k") >= 1) & (pl.col("k") <= window))["hazard"].mean()
    before = h.filter((pl.col("k") <= 0) & (pl.col("k") > -window))["hazard"].mean()
    return float(after / before)


def oracle_auc(reg, horizon: int = 6) -> float:
    """ROC AUC of the oracle at as_of on the snapshot population, against the true departures."""
    from sklearn.metrics import roc_auc_score

    snap = snapshot_population(reg.tables, reg.as_of)
    m0 = dt.date(reg.as_of.year, reg.as_of.month, 1)
    end = (np.datetime64(m0, "M") + horizon).astype("datetime64[D]").astype(dt.date)
    df = (
        snap.join(reg.truth["oracle"], on=["talent_id", "as_of"])
        .join(reg.truth["departures"], on="talent_id")
        .with_columns(y=(pl.col("first_departure_month") <= end).fill_null(False))
    )
    return float(roc_auc_score(df["y"].to_numpy(), df[f"p_leave_{horizon}m"].to_numpy()))
