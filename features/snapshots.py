"""Point-in-time snapshots: who is present at each date, with features as known at that date."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.catalog import EVENTS, IDENTITY, feature_exprs
from features.employer_context import employer_months, join_employer_context
from features.labels import label_snapshots
from features.timeline import (
    departures,
    first_departures,
    first_rows,
    join_events,
    join_grants,
    join_pay_state,
    known_contributions,
    last_known_month,
    month_index,
    month_start,
    pay_timeline,
    read_rules,
)
from runconfig import DEFAULT, TimeRules

FLEXIBLE = "flexible_expert"


def scoring_snapshot(tables: dict[str, pl.DataFrame], as_of: date, rules=None) -> pl.DataFrame:
    """The talents present at `as_of`, with every feature as known at `as_of`.

    Exactly `build_snapshots(tables, [as_of])`: scoring and training share one implementation
    of every column, so what a model is trained on is what it scores.
    """
    return build_snapshots(tables, [as_of], rules)


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
    ks = sorted({last_known_month(d, r) for d in dates})
    k_max = ks[-1] if ks else month_index(date.min) - 1  # no dates: nothing known
    contributions = known_contributions(tables["social_insurance"].lazy(), k_max)
    timeline = pay_timeline(contributions, r.gap_months).collect()
    grid = join_pay_state(present_talents(talents.lazy(), timeline, dates, k_max, r), timeline)
    flexible = talents.filter(pl.col("program") == FLEXIBLE).get_column("talent_id")
    context = context_rows(timeline.lazy(), ks, flexible, r)
    months = employer_months(timeline, flexible)
    return finish_snapshots(grid.drop("_ord").lazy(), context, months, tables, k_max, r)


# The context features look back at most this many known months (county departures, 12).
CONTEXT_MONTHS = 12


def context_rows(
    timeline: pl.LazyFrame, ks: list[int], flexible: pl.Series, r: TimeRules
) -> pl.LazyFrame:
    """The timeline rows the employer and county departure context read for the last known months `ks`.

    Departures confirmed in the CONTEXT_MONTHS known months up to each k; flexible experts
    never count. (Headcounts and other employer history come from `employer_months`.)
    """
    if not ks:
        return timeline.head(0)
    counted = pl.col("_departs") & pl.col("_confirmed").is_between(
        ks[0] - CONTEXT_MONTHS + 1, ks[-1]
    )
    # A departure confirmed at c left its last paid month c - gap: nothing earlier is read.
    since = ks[0] - CONTEXT_MONTHS + 1 - r.gap_months
    return (
        timeline.filter(pl.col("_m") >= since)
        .filter(counted)
        .filter(~pl.col("talent_id").is_in(flexible.implode()))
        .select("talent_id", "employer_id", "_m", "_departs", "_confirmed")
        .collect()
        .lazy()
    )


def finish_snapshots(
    grid: pl.LazyFrame,
    timeline: pl.LazyFrame,
    months: pl.DataFrame,
    tables: dict[str, pl.DataFrame],
    k_max: int,
    r: TimeRules,
) -> pl.DataFrame:
    """Add the employer, county, grant and event context to the population and select the features.

    `timeline` needs only the pay timeline's rows that `context_rows` keeps; `months` is
    `employer_months` of the whole timeline.
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
            _employer_county="county",
        )
    )
    # Each context step is collected: one combined plan ran several times slower (polars 2.1).
    steps = [
        lambda g: g.join(employers, on="employer_id", how="left"),
        lambda g: join_employer_context(g, timeline, months, k_max, r.gap_months),
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
    talents: pl.LazyFrame, timeline: pl.DataFrame, dates: list[date], k_max: int, r: TimeRules
) -> pl.DataFrame:
    """(talent, as_of) pairs in the population: arrived, not flexible, paid, no confirmed departure.

    Each row carries the last known month `_k` and the talent's position `_ord` in the
    timeline; rows come date by date, each date's in timeline order.
    """
    paid = (
        first_rows(timeline.lazy())
        .join(first_departures(timeline.lazy(), k_max), on="talent_id", how="left")
        .join(talents.filter(pl.col("program") != FLEXIBLE), on="talent_id", how="inner")
        .sort("_ord")  # in timeline order: the state lookups then search nearby keys
        .collect()
        .lazy()
    )
    confirmed = pl.col("_first_departure") + r.gap_months - 1
    present = (
        (pl.col("arrival_date") < pl.col("as_of"))
        & (pl.col("_first_paid") <= pl.col("_k"))
        & (confirmed.is_null() | (confirmed > pl.col("_k")))
    )
    # One date at a time: a cross join with the dates and this filter plans as an inequality
    # join, several times slower.
    per_date = [
        paid.with_columns(
            as_of=pl.lit(d, dtype=pl.Date), _k=pl.lit(last_known_month(d, r), dtype=pl.Int32)
        ).filter(present)
        for d in dates
    ] or [paid.with_columns(as_of=pl.lit(None, pl.Date), _k=pl.lit(None, pl.Int32)).head(0)]
    return pl.concat(per_date).drop("_first_departure").collect()
