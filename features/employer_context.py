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
    """The employers' paying spells as sparse events: per employer and month `_m`, the change in
    its paying talents and what happened.

    A spell is a run of consecutive paid months at one employer. `_delta` is +1 for each spell
    starting in `_m` and -1 for each ending the month before; `_joins` the talents whose first
    row or change to the employer `_m` is; `_deps` those whose row in `_m` is followed by a
    departure (known once month `_m` + gap is); `_moves` those who changed from the employer to
    another one in `_m`. Flexible experts never count. Shifts over the timeline (in talent-month
    order) find the few rows where anything starts or ends, and only those are grouped: a
    group-by of every paid month was most of the snapshot's time on a million talents.
    """
    m, new, change = pl.col("_m"), pl.col("_new"), pl.col("_change")
    starts = new | change | (m - m.shift(1) > 1)
    flags = (
        timeline.lazy()
        .with_columns(_start=starts)
        .with_columns(_end=pl.col("_start").shift(-1).fill_null(True))
    )
    # The row before a change ends a spell, so it is kept: the employer moved from is one back.
    rows = flags.filter(pl.col("_start") | pl.col("_end") | pl.col("_departs")).with_columns(
        _moved_from=pl.when(change).then(pl.col("employer_id").shift(1))
    )
    if flexible.len():
        rows = rows.filter(~pl.col("talent_id").is_in(flexible.implode()))
    rows = rows.collect().lazy()
    zero = pl.lit(0, pl.Int32)
    events = pl.concat(
        [
            rows.filter("_start").select(
                "employer_id", "_m", _delta=pl.lit(1, pl.Int32),
                _joins=(new | change).cast(pl.Int32), _deps=zero, _moves=zero,
            ),
            rows.filter("_end").select(
                "employer_id", _m=m + 1, _delta=pl.lit(-1, pl.Int32), _joins=zero, _deps=zero,
                _moves=zero,
            ),
            rows.filter("_departs").select(
                "employer_id", "_m", _delta=zero, _joins=zero, _deps=pl.lit(1, pl.Int32),
                _moves=zero,
            ),
            rows.filter(change).select(
                employer_id="_moved_from", _m=m, _delta=zero, _joins=zero, _deps=zero,
                _moves=pl.lit(1, pl.Int32),
            ),
        ]
    )  # fmt: skip
    return events.group_by("employer_id", "_m").agg(pl.all().sum()).collect()


def _running(events: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Running figures at each event month: headcount `_hc` (until the next event), talent-months
    paid before the month `_paid_before`, and running joins, departures and moves."""
    over = (lambda e: e.over(by)) if by else (lambda e: e)
    span = over(pl.col("_m").shift(-1)) - pl.col("_m")
    months = pl.col("_hc") * span.fill_null(0)
    return (
        events.sort(*by, "_m")
        .with_columns(
            _hc=over(pl.col("_delta").cum_sum()),
            **{c: over(pl.col(c).cum_sum()) for c in ("_joins", "_deps", "_moves")},
        )
        .with_columns(_paid_before=over(months.cum_sum()) - months, _event=pl.col("_m"))
        .sort("_m")
    )


def _at(running: pl.LazyFrame, targets: pl.LazyFrame, offset: int, by: list[str]) -> pl.LazyFrame:
    """The running figures at month `_k` + offset, from the latest event at or before it:
    `_hc` then, `_paid` talent-months up to and including it, running counts (0 before any)."""
    found = (
        targets.with_columns(_at=pl.col("_k") + offset)
        .sort("_at")
        .join_asof(
            running, left_on="_at", right_on="_m", by=by or None, strategy="backward",
            check_sortedness=False,  # sorted by month above; polars cannot check with `by`
        )
    )  # fmt: skip
    paid = pl.col("_paid_before") + pl.col("_hc") * (pl.col("_at") - pl.col("_event") + 1)
    return found.select(
        *by, "_k", "_hc", _paid=paid.fill_null(0),
        **{c: pl.col(c).fill_null(0) for c in ("_joins", "_deps", "_moves")},
    )  # fmt: skip


def employer_history(months: pl.DataFrame, pairs: pl.LazyFrame, gap_months: int) -> pl.LazyFrame:
    """Per (employer, `_k`): headcount now and 6 months before, joiners and movers out in the last
    6 known months, and the departure rate since the registry opened shrunk towards the city's."""
    by = ["employer_id"]
    running = _running(months.lazy(), by)
    now = _at(running, pairs, 0, by).select(*by, "_k", _hc_now="_hc", _j0="_joins", _v0="_moves")
    before = _at(running, pairs, -6, by).select(*by, "_k", _hc_6="_hc", _j6="_joins", _v6="_moves")
    # Paid months up to _k - gap are the ones whose departure (or not) is known at _k.
    settled = _at(running, pairs, -gap_months, by).select(*by, "_k", _exposure="_paid", _d="_deps")
    # The city's rate over every employer (not only the pairs'), at the same settled month.
    city_events = (
        months.lazy().group_by("_m").agg(pl.col("_delta", "_joins", "_deps", "_moves").sum())
    )
    city = _at(_running(city_events, []), pairs.select("_k").unique(), -gap_months, []).select(
        "_k", _city_rate=pl.when(pl.col("_paid") > 0).then(pl.col("_deps") / pl.col("_paid"))
    )
    shrunk = (pl.col("_d") + PRIOR_TALENT_MONTHS * pl.col("_city_rate")) / (
        pl.col("_exposure") + PRIOR_TALENT_MONTHS
    )
    keys = ["employer_id", "_k"]
    return (
        pairs.join(now, on=keys, how="left")
        .join(before, on=keys, how="left")
        .join(settled, on=keys, how="left")
        .join(city, on="_k", how="left")
        .select(
            *keys,
            pl.col("_hc_now", "_hc_6").cast(pl.Int32),
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
