"""The current employer's context as known at each snapshot: size, hiring, pay cuts, leavers.

Signs of distress that come before closures and layoffs: hiring stops, bases cut across the
staff, colleagues moving to other employers in the city, and a long-run departure rate that is
high. Everything is computed once per (employer, last known month `_k`) with group-bys and
joins over the pay timeline, never per talent row, and reads only months up to `_k`.
"""

from __future__ import annotations

import polars as pl

from features.timeline import departures

# Prior weight of the city's departure rate in an employer's shrunk rate, in talent-months:
# an employer's own history outweighs the city's once it has paid for 10 talent-years.
PRIOR_TALENT_MONTHS = 120


def employer_months(timeline: pl.DataFrame, flexible: pl.Series) -> pl.DataFrame:
    """Per employer and paid month `_m`: paying talents, joiners, talents who left after it, movers out.

    `_hc` talents paying through the employer, `_joins` those whose first row or employer change
    it is, `_deps` those followed by a departure (known once month `_m` + gap is), `_moves` the
    talents who changed from this employer to another one in month `_m`. Flexible experts never
    count. One pass over the timeline; the movers are read off the rows before each change.
    """
    counted = timeline.lazy()
    if flexible.len():
        counted = counted.filter(~pl.col("talent_id").is_in(flexible.implode()))
    months = counted.group_by("employer_id", "_m").agg(
        _hc=pl.len().cast(pl.Int32),
        _joins=(pl.col("_new") | pl.col("_change")).sum().cast(pl.Int32),
        _deps=pl.col("_departs").sum().cast(pl.Int32),
    )
    changed = timeline.get_column("_change").arg_true()
    moves = pl.DataFrame(
        {
            "talent_id": timeline.get_column("talent_id").gather(changed),
            "employer_id": timeline.get_column("employer_id").gather(changed - 1),
            "_m": timeline.get_column("_m").gather(changed),
        }
    ).lazy()
    if flexible.len():
        moves = moves.filter(~pl.col("talent_id").is_in(flexible.implode()))
    moves = moves.group_by("employer_id", "_m").agg(_moves=pl.len().cast(pl.Int32))
    return (
        months.join(moves, on=["employer_id", "_m"], how="full", coalesce=True)
        .with_columns(pl.col("_hc", "_joins", "_deps", "_moves").fill_null(0))
        .collect()
    )


def _cumulative(months: pl.DataFrame) -> pl.LazyFrame:
    """Running sums per employer up to each month, sorted by month for as-of lookups."""
    cols = ["_hc", "_joins", "_deps", "_moves"]
    return (
        months.lazy()
        .sort("employer_id", "_m")
        .with_columns(pl.col(c).cum_sum().over("employer_id").alias(f"{c}_cum") for c in cols)
        .select("employer_id", "_m", "_hc", *(f"{c}_cum" for c in cols))
        .sort("_m")
    )


def _at(cum: pl.LazyFrame, pairs: pl.LazyFrame, offset: int, names: dict[str, str]) -> pl.LazyFrame:
    """The running sums at month `_k` + offset (the latest month at or before it; 0 if none)."""
    found = (
        pairs.with_columns(_at=pl.col("_k") + offset)
        .sort("_at")
        .join_asof(
            cum,
            left_on="_at",
            right_on="_m",
            by="employer_id",
            strategy="backward",
            check_sortedness=False,  # sorted by month above; polars cannot check with `by`
        )
    )
    return found.select(
        "employer_id", "_k", *(pl.col(src).fill_null(0).alias(dst) for src, dst in names.items())
    )


def employer_history(months: pl.DataFrame, pairs: pl.LazyFrame, gap_months: int) -> pl.LazyFrame:
    """Per (employer, `_k`): headcount now and 6 months before, joiners and movers out in the last
    6 known months, and the departure rate since the registry opened shrunk towards the city's."""
    cum = _cumulative(months)
    exact = months.lazy().select("employer_id", "_m", "_hc")
    now = _at(cum, pairs, 0, {"_joins_cum": "_j0", "_moves_cum": "_v0"})
    before = _at(cum, pairs, -6, {"_joins_cum": "_j6", "_moves_cum": "_v6"})
    # Rows up to _k - gap are the ones whose departure (or not) is known at _k.
    settled = _at(cum, pairs, -gap_months, {"_hc_cum": "_exposure", "_deps_cum": "_deps"})
    # The city's rate over every employer (not only the pairs'), at the same settled month.
    totals = (
        months.lazy()
        .group_by("_m")
        .agg(pl.col("_hc").sum(), pl.col("_deps").sum())
        .sort("_m")
        .select("_m", _all_hc=pl.col("_hc").cum_sum(), _all_deps=pl.col("_deps").cum_sum())
    )
    city = (
        pairs.select("_k")
        .unique()
        .with_columns(_at=pl.col("_k") - gap_months)
        .sort("_at")
        .join_asof(totals, left_on="_at", right_on="_m", strategy="backward")
        .select("_k", _city_rate=pl.col("_all_deps") / pl.col("_all_hc"))
    )
    shrunk = (pl.col("_deps") + PRIOR_TALENT_MONTHS * pl.col("_city_rate")) / (
        pl.col("_exposure") + PRIOR_TALENT_MONTHS
    )
    keys = ["employer_id", "_k"]
    return (
        pairs.join(exact, left_on=keys, right_on=["employer_id", "_m"], how="left")
        .rename({"_hc": "_hc_now"})
        .join(
            exact.with_columns(_m=pl.col("_m") + 6).rename({"_hc": "_hc_6"}),
            left_on=keys,
            right_on=["employer_id", "_m"],
            how="left",
        )
        .join(now, on=keys, how="left")
        .join(before, on=keys, how="left")
        .join(settled, on=keys, how="left")
        .join(city, on="_k", how="left")
        .select(
            *keys,
            "_hc_now",
            "_hc_6",
            _joins_6=pl.col("_j0") - pl.col("_j6"),
            _moves_6=pl.col("_v0") - pl.col("_v6"),
            _emp_rate=shrunk,
        )
    )


def join_employer_context(
    grid: pl.LazyFrame, timeline: pl.LazyFrame, months: pl.DataFrame, k_max: int, gap_months: int
) -> pl.LazyFrame:
    """Add the current employer's history (`employer_history`), recent departures and base cuts."""
    pairs = grid.select("employer_id", "_k").unique().filter(pl.col("employer_id").is_not_null())
    pairs = pairs.collect().lazy()
    left = (
        departures(timeline, k_max)
        .join(pairs, on="employer_id", how="inner")
        .filter(pl.col("_confirmed").is_between(pl.col("_k") - 5, pl.col("_k")))
        .group_by("employer_id", "_k")
        .agg(_emp_dep_6=pl.len().cast(pl.Int32))
    )
    # Bases cut: among the snapshot's talents paying through the employer in month _k who paid
    # 12 or more months before, the share whose base is now lower.
    paying = (pl.col("_last_paid") == pl.col("_k")) & pl.col("_base_12m_ago").is_not_null()
    cuts = (
        grid.filter(paying)
        .group_by("employer_id", "as_of", "_k")
        .agg(_base_cut=(pl.col("contribution_base") < pl.col("_base_12m_ago")).mean())
    )
    ctx = employer_history(months, pairs, gap_months).join(
        left, on=["employer_id", "_k"], how="left"
    )
    return grid.join(ctx, on=["employer_id", "_k"], how="left").join(
        cuts, on=["employer_id", "as_of", "_k"], how="left"
    )
