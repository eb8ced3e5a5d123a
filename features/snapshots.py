"""Point-in-time snapshots: who is present at each date, with features as known at that date."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.catalog import EVENTS, IDENTITY, feature_exprs
from features.labels import label_snapshots
from features.timeline import (
    Rules,
    departures,
    first_departures,
    join_events,
    join_grants,
    join_pay_state,
    known_contributions,
    last_known_month,
    last_known_month_expr,
    latest_pay_state,
    month_index,
    month_start,
    pay_timeline,
    read_rules,
)
from runconfig import DEFAULT

FLEXIBLE = "flexible_expert"


def scoring_snapshot(tables: dict[str, pl.DataFrame], as_of: date, rules=None) -> pl.DataFrame:
    """The talents present at `as_of`, with every feature as known at `as_of`.

    The same rows and values as `build_snapshots(tables, [as_of])`, built for one date: one
    ordered pass over the known contributions gives each talent's state at the last known
    month (`latest_pay_state`) instead of the full timeline and its as-of joins, and the
    employer and county context read only the months they look back on.
    """
    r = read_rules(rules)
    k = last_known_month(as_of, r)
    talents = tables["talents"]
    flexible = talents.filter(pl.col("program") == FLEXIBLE).get_column("talent_id")
    state, recent = latest_pay_state(
        tables["social_insurance"].lazy(), k, r.gap_months, since=k - CONTEXT_MONTHS - r.gap_months
    )
    # Only what the context reads: paying rows now and 6 months ago (employer headcounts) and
    # departures confirmed in the last CONTEXT_MONTHS known months; flexible experts never count.
    m, confirmed_at = pl.col("_m"), pl.col("_confirmed")
    counted = pl.col("_departs") & confirmed_at.is_between(k - CONTEXT_MONTHS + 1, k)
    recent = (
        recent.filter((m == k) | (m == k - 6) | counted)
        .filter(~pl.col("talent_id").is_in(flexible.implode()))
        .collect()
        .lazy()
    )
    confirmed = pl.col("_first_departure") + r.gap_months - 1
    grid = (
        talents.lazy()
        .filter((pl.col("program") != FLEXIBLE) & (pl.col("arrival_date") < as_of))
        .join(state, on="talent_id", how="inner")
        .filter(confirmed.is_null() | (confirmed > k))
        .drop("_first_departure")
        .with_columns(as_of=pl.lit(as_of, dtype=pl.Date), _k=pl.lit(k, dtype=pl.Int32))
        .collect()
        .lazy()
    )
    return finish_snapshots(grid, recent, tables, k)


def training_snapshots(
    tables: dict[str, pl.DataFrame],
    extract_date: date,
    rules=None,
    first: date | None = None,
    horizons: tuple[int, ...] = DEFAULT.horizons,
) -> pl.DataFrame:
    """Monthly snapshots up to the extract date, with a label y_<h>m per horizon (null if unseen)."""
    dates = snapshot_dates(tables["talents"], extract_date, first)
    snaps = build_snapshots(tables, dates, rules)
    return label_snapshots(snaps, tables["social_insurance"], extract_date, rules, horizons)


def snapshot_dates(
    talents: pl.DataFrame, extract_date: date, first: date | None = None
) -> list[date]:
    """One date a month (day min(E.day, 28)) from the first arrival (or `first`) to the extract date."""
    day = min(extract_date.day, 28)
    start = first or talents.get_column("arrival_date").min()
    if start is None:
        return []
    months = range(month_index(start), month_index(extract_date) + 1)
    dates = [month_start(m).replace(day=day) for m in months]
    return [d for d in dates if (first is None or d >= first) and d <= extract_date]


def build_snapshots(tables: dict[str, pl.DataFrame], dates: list[date], rules=None) -> pl.DataFrame:
    """Snapshot rows (talent, as_of) for the given dates with identity, catalog and x_* columns."""
    r = read_rules(rules)
    talents = tables["talents"]
    k_max = max((last_known_month(d, r) for d in dates), default=None)
    flexible = talents.filter(pl.col("program") == FLEXIBLE).get_column("talent_id")
    si = tables["social_insurance"].lazy().filter(~pl.col("talent_id").is_in(flexible.implode()))
    timeline = pay_timeline(known_contributions(si, k_max or 0), r.gap_months).collect().lazy()
    grid = join_pay_state(present_talents(talents.lazy(), timeline, dates, k_max or 0, r), timeline)
    # Materialise the population once: every context join below reads it.
    return finish_snapshots(grid.collect().lazy(), timeline, tables, k_max or 0)


# The context features look back at most this many known months (county departures, 12).
CONTEXT_MONTHS = 12


def finish_snapshots(
    grid: pl.LazyFrame, timeline: pl.LazyFrame, tables: dict[str, pl.DataFrame], k_max: int
) -> pl.DataFrame:
    """Add the employer, county, grant and event context to the population and select the features.

    `timeline` needs the pay timeline's rows only from CONTEXT_MONTHS + gap months before the
    earliest snapshot's last known month.
    """
    talents = tables["talents"]
    employers = (
        tables["employers"]
        .lazy()
        .select(
            "employer_id",
            employer_industry="industry",
            employer_ownership="ownership",
            employer_size="size_band",
        )
    )
    # Each context step is collected: one combined plan ran several times slower (polars 2.1).
    steps = [
        lambda g: g.join(employers, on="employer_id", how="left"),
        lambda g: join_employer_context(g, timeline, k_max),
        lambda g: join_county_context(g, timeline, talents.lazy(), k_max),
        lambda g: join_grants(g, tables["subsidies"].lazy(), tables["policies"].lazy()),
        lambda g: join_events(g, tables["life_events"].lazy(), EVENTS),
    ]
    for step in steps:
        grid = step(grid).collect().lazy()
    x_cols = [c for c in talents.columns if c.startswith("x_")]
    frame = grid.select(
        "talent_id", "as_of", "employer_id", "gender", "subsidy_end_date", *feature_exprs(), *x_cols
    )
    rest = [c for c in frame.collect_schema().names() if c not in IDENTITY]
    return frame.select(*IDENTITY, *rest).sort("as_of", "talent_id").collect()


def join_employer_context(grid: pl.LazyFrame, timeline: pl.LazyFrame, k_max: int) -> pl.LazyFrame:
    """Add the current employer's paying headcount now and 6 months ago, and its recent departures."""
    pairs = grid.select("employer_id", "_k").unique()
    heads = timeline.group_by("employer_id", "_m").agg(_hc=pl.len().cast(pl.Int32))
    left = (
        departures(timeline, k_max)
        .join(pairs, on="employer_id", how="inner")
        .filter(pl.col("_confirmed").is_between(pl.col("_k") - 5, pl.col("_k")))
        .group_by("employer_id", "_k")
        .agg(_emp_dep_6=pl.len().cast(pl.Int32))
    )
    ctx = (
        pairs.join(heads, left_on=["employer_id", "_k"], right_on=["employer_id", "_m"], how="left")
        .rename({"_hc": "_hc_now"})
        .join(
            heads.with_columns(_m=pl.col("_m") + 6).rename({"_hc": "_hc_6"}),
            left_on=["employer_id", "_k"],
            right_on=["employer_id", "_m"],
            how="left",
        )
        .join(left, on=["employer_id", "_k"], how="left")
    )
    return grid.join(ctx, on=["employer_id", "_k"], how="left")


def join_county_context(
    grid: pl.LazyFrame, timeline: pl.LazyFrame, talents: pl.LazyFrame, k_max: int
) -> pl.LazyFrame:
    """Add the county's present talents and its departures confirmed in the last 12 known months."""
    present = grid.group_by("county", "as_of", "_k").agg(_county_hc=pl.len().cast(pl.Int32))
    left = (
        departures(timeline, k_max)
        .join(talents.select("talent_id", "county"), on="talent_id", how="inner")
        .join(present.select("county", "_k").unique(), on="county", how="inner")
        .filter(pl.col("_confirmed").is_between(pl.col("_k") - 11, pl.col("_k")))
        .group_by("county", "_k")
        .agg(_county_dep_12=pl.len().cast(pl.Int32))
    )
    ctx = present.join(left, on=["county", "_k"], how="left")
    return grid.join(ctx, on=["county", "as_of", "_k"], how="left")


def present_talents(
    talents: pl.LazyFrame, timeline: pl.LazyFrame, dates: list[date], k_max: int, r: Rules
) -> pl.LazyFrame:
    """(talent, as_of) pairs in the population: arrived, not flexible, paid, no confirmed departure."""
    snap = pl.LazyFrame({"as_of": dates}, schema={"as_of": pl.Date}).with_columns(
        _k=last_known_month_expr("as_of", r)
    )
    paid = (
        timeline.group_by("talent_id")
        .agg(_first_paid=pl.col("_m").min())
        .join(first_departures(timeline, k_max), on="talent_id", how="left")
    )
    confirmed = pl.col("_first_departure") + r.gap_months - 1
    return (
        talents.filter(pl.col("program") != FLEXIBLE)
        .join(paid, on="talent_id", how="inner")
        .join(snap, how="cross")
        .filter(
            (pl.col("arrival_date") < pl.col("as_of"))
            & (pl.col("_first_paid") <= pl.col("_k"))
            & (confirmed.is_null() | (confirmed > pl.col("_k")))
        )
        .drop("_first_paid", "_first_departure")
    )
