"""The hazard's training rows: monthly snapshots of a sample of talents, labelled at 0 and 1 month."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.labels import label_snapshots
from features.snapshots import build_snapshots
from features.timeline import month_index, month_start
from plan.design import main_grant_clock

PER_TALENT = ("talents", "subsidies", "social_insurance", "life_events")


def sample_tables(tables: dict[str, pl.DataFrame], n: int, seed: int) -> dict[str, pl.DataFrame]:
    """The extract restricted to n talents drawn at random (all of them when there are fewer)."""
    ids = tables["talents"]["talent_id"]
    if ids.len() <= n:
        return tables
    keep = ids.sample(n, seed=seed)
    out = dict(tables)
    for name in PER_TALENT:
        if name in tables:
            out[name] = tables[name].filter(pl.col("talent_id").is_in(keep.implode()))
    return out


def training_dates(as_of: date, months: int, rules) -> list[date]:
    """Monthly dates whose 1-month label is known at as_of (the latest `months` of them)."""
    day = min(as_of.day, 28)
    k_e = month_index(as_of) - rules.reporting_lag_months - (as_of.day < rules.reporting_day)
    last = k_e - (1 + rules.gap_months - 1)  # y_1m needs m0+1 .. m0+gap known
    firsts = [month_start(m) for m in range(last - months + 1, last + 1)]
    return [d.replace(day=day) for d in firsts]


def hazard_rows(
    tables: dict[str, pl.DataFrame], as_of: date, rules, sample: int = 20_000,
    months: int = 36, seed: int = 0,
) -> pl.DataFrame:  # fmt: skip
    """Snapshot rows of a talent sample with y_0m, y_1m and the main grant's clock."""
    part = sample_tables(tables, sample, seed)
    dates = training_dates(as_of, months, rules)
    snaps = build_snapshots(part, dates, rules)
    snaps = snaps.filter(pl.col("program") != "flexible_expert")
    labelled = label_snapshots(snaps, part["social_insurance"], as_of, rules, horizons=(0, 1))
    clock = main_grant_clock(labelled, part["subsidies"])
    return labelled.with_columns(_end=clock["_end"], _rent=clock["_rent"])
