"""Labels: whether a snapshot's talent makes their first departure within 3, 6 or 12 months."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.timeline import (
    first_departures,
    known_contributions,
    last_known_month,
    month_index_expr,
    pay_timeline,
    read_rules,
)
from runconfig import DEFAULT


def label_snapshots(
    snapshots: pl.DataFrame,
    social_insurance: pl.DataFrame,
    extract_date: date,
    rules=None,
    horizons: tuple[int, ...] = DEFAULT.horizons,
) -> pl.DataFrame:
    """Add y_<h>m per horizon (Int8): first departure month M <= m0 + h; null if not yet observable.

    The contract (section 2): with m0 the month of as_of, y_h = 1 when M <= m0 + h, including a
    departure at or before m0 not yet confirmed at as_of. So "within 6 months after 2026-06-30"
    counts first departures in 2026-07 .. 2026-12 (and an unconfirmed one in 2026-06 or before),
    not 2027-01. The label is known once month m0 + h + gap - 1 is known at the extract date:
    a departure in m0 + h is confirmed by the gap months m0 + h .. m0 + h + gap - 1 being unpaid.
    """
    r = read_rules(rules)
    k_e = last_known_month(extract_date, r)
    contributions = known_contributions(social_insurance.lazy(), k_e)
    first = first_departures(pay_timeline(contributions, r.gap_months), k_e)
    m0 = month_index_expr("as_of")
    # Horizon h is observable once months m0 .. m0+h+gap-1 are all known at the extract date.
    labels = [
        pl.when(m0 + h + r.gap_months - 1 <= k_e)
        .then((pl.col("_first_departure") <= m0 + h).fill_null(False).cast(pl.Int8))
        .otherwise(None)
        .cast(pl.Int8)
        .alias(f"y_{h}m")
        for h in horizons
    ]
    return (
        snapshots.lazy()
        .join(first, on="talent_id", how="left", maintain_order="left")
        .with_columns(labels)
        .drop("_first_departure")
        .collect()
    )
