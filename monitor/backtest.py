"""The backtest of published lists: one row of figures per list, horizon and cohort."""

from __future__ import annotations

import polars as pl

from monitor.metrics import group_rates, list_metrics

LIST_COLUMNS = ("as_of", "talent_id", "county", "employer_id", "risk_tier", "model_version")


def scored_outcomes(
    lists: pl.DataFrame, outcomes: pl.DataFrame, horizons: tuple[int, ...]
) -> pl.DataFrame:
    """Long frame (list_as_of, horizon_months, talent, p, y, matured, ...) from lists and outcomes."""
    long = pl.concat(
        [
            lists.select(
                pl.col("as_of").alias("list_as_of"),
                *LIST_COLUMNS[1:],
                pl.lit(h, dtype=pl.Int32).alias("horizon_months"),
                pl.col(f"p_leave_{h}m").cast(pl.Float64).alias("p"),
            )
            for h in horizons
            if f"p_leave_{h}m" in lists.columns
        ]
    )
    joined = long.join(
        outcomes, on=["list_as_of", "talent_id", "horizon_months"], how="left", validate="1:1"
    )
    matured = pl.col("departed").is_not_null().all().over("list_as_of", "horizon_months")
    return joined.with_columns(
        matured.alias("matured"),
        pl.coalesce("departed", "departed_so_far").cast(pl.Int8).alias("y"),
    )


def backtest_figures(
    scored: pl.DataFrame,
    treated: pl.DataFrame | None,
    capacity: int,
    n_boot: int = 200,
    seed: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(figures, groups): one figures row per list, horizon and cohort; rates per tier/county.

    Cohorts: `all`, and when interventions exist `untreated` and `treated` (acted on within
    the horizon), so that a visited talent who stayed is never silently a wrong alarm.
    """
    if treated is not None:
        scored = scored.join(
            treated.with_columns(pl.lit(True).alias("_t")),
            on=["list_as_of", "talent_id", "horizon_months"],
            how="left",
        ).with_columns(pl.col("_t").fill_null(False).alias("treated"))
    cohorts = {"all": pl.lit(True)}
    if treated is not None:
        cohorts |= {"untreated": ~pl.col("treated"), "treated": pl.col("treated")}
    rows, groups = [], []
    for (day, h), part in scored.group_by("list_as_of", "horizon_months", maintain_order=True):
        head = {
            "list_as_of": day,
            "horizon_months": h,
            "matured": bool(part.get_column("matured")[0]),
            "months_observed": int(part.get_column("months_observed").max() or 0),
            "model_version": ",".join(
                sorted(set(part.get_column("model_version").cast(pl.String).drop_nulls()))
            ),
        }
        for cohort, keep in cohorts.items():
            frame = part.filter(keep)
            known = frame.filter(pl.col("y").is_not_null())
            figures = list_metrics(known, capacity, n_boot, seed)
            figures["n_scored"] = frame.height  # everyone listed, known or not
            rows.append(head | {"cohort": cohort} | figures)
            if known.height:
                groups.append(
                    group_rates(known, capacity).with_columns(
                        pl.lit(day).alias("list_as_of"),
                        pl.lit(h, dtype=pl.Int32).alias("horizon_months"),
                        pl.lit(cohort).alias("cohort"),
                        pl.lit(head["matured"]).alias("matured"),
                    )
                )
    figures = pl.DataFrame(rows).with_columns(pl.col(pl.Float64).fill_nan(None))
    group_frame = pl.concat(groups) if groups else pl.DataFrame()
    return figures.sort("list_as_of", "horizon_months", "cohort"), group_frame
