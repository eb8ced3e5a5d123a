"""Month arithmetic and what is known at a date: the single place the time rules are applied."""

from __future__ import annotations

from datetime import date

import polars as pl

from runconfig import TimeRules


def read_rules(rules: TimeRules | None = None) -> TimeRules:
    """The run's time rules, or the contract's defaults."""
    return rules if rules is not None else TimeRules()


def month_index(day: date) -> int:
    """Months since year 0 (year * 12 + month - 1) of a date's month."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month with this month index."""
    return date(index // 12, index % 12 + 1, 1)


def last_known_month(as_of: date, rules: TimeRules) -> int:
    """Index of the last month whose contributions are reported on or before `as_of`."""
    late = 1 if as_of.day < rules.reporting_day else 0
    return month_index(as_of) - rules.reporting_lag_months - late


def month_index_expr(column: str | pl.Expr) -> pl.Expr:
    """Month index (year * 12 + month - 1) of a Date column."""
    col = pl.col(column) if isinstance(column, str) else column
    return col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1


def month_start_expr(index: str | pl.Expr) -> pl.Expr:
    """First day of the month (Date) for a month-index column."""
    col = pl.col(index) if isinstance(index, str) else index
    return pl.date(col // 12, col % 12 + 1, 1)


def last_known_month_expr(as_of: str, rules: TimeRules) -> pl.Expr:
    """Month index of the last month reported by each date in column `as_of`."""
    late = (pl.col(as_of).dt.day() < rules.reporting_day).cast(pl.Int32)
    return month_index_expr(as_of) - rules.reporting_lag_months - late


def months_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole months from `start` to `end`, floored (negative once `end` has passed)."""
    raw = month_index_expr(end) - month_index_expr(start)
    short = (end.dt.day() < start.dt.day()).cast(pl.Int32)
    return raw - short


def years_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole years from `start` to `end` (age in completed years)."""
    return months_between(start, end) // 12


def known_contributions(social_insurance: pl.LazyFrame, last_month: int) -> pl.LazyFrame:
    """Contribution rows (with month index `_m`) for months reported by the last known month."""
    # Filtering on the date first and indexing months by lookup is several times faster on
    # tens of millions of rows than indexing every row by year and month.
    known = social_insurance.filter(pl.col("month") < month_start(last_month + 1)).collect()
    return known.with_columns(_m=month_indices(known.get_column("month"))).lazy()


def known_events(life_events: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Life events dated strictly before `as_of`."""
    return life_events.filter(pl.col("event_date") < as_of)


def known_grants(subsidies: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Grants that started strictly before `as_of`."""
    return subsidies.filter(pl.col("start_date") < as_of)


_MONTHS_PER_RUN = 1 << 20  # month indices stay below this (year 87381)


def pay_timeline(contributions: pl.LazyFrame, gap_months: int) -> pl.LazyFrame:
    """Paid months per talent in talent-month order, with job changes, running counts and departures.

    One ordered pass over the rows (`in_talent_month_order`); shifts compared with the
    neighbouring row replace slower .over() windows. Per row: `_new` (the talent's first row),
    `_change` (employer differs from the previous row's), the talent's running `_changes_cum`
    and `_paid_cum`, `_last_change` (month of the latest change, null if none), `_departs`,
    `_confirmed`, and `_key` (the talent's first row * 2**20 + `_m`, rising down the rows)
    that `join_pay_state` searches. A row P is followed by a departure (month P+1, confirmed once
    month P+gap is known) when the next paid month is more than `gap_months` later or
    unknown; callers keep only the departures whose confirmation month they know.
    """
    rows = in_talent_month_order(
        contributions.select("talent_id", "_m", "employer_id", "contribution_base").collect()
    )
    new, m, employer = pl.col("_new"), pl.col("_m"), pl.col("employer_id")
    change = ~new & (employer != employer.shift(1)).fill_null(False)
    following = pl.when(~new.shift(-1).fill_null(True)).then(m.shift(-1))
    row, start, changes = pl.int_range(pl.len(), dtype=pl.Int64), pl.col("_start"), pl.col("_c")
    return (
        rows.with_columns(
            _change=change,
            _departs=following.is_null() | (following - m > gap_months),
            _start=pl.when(new).then(row).forward_fill(),  # the talent's first row
            _c=change.cast(pl.Int32).cum_sum(),  # a talent's first row is never a change
        )
        .with_columns(
            _key=start * _MONTHS_PER_RUN + m,
            _changes_cum=changes - changes.gather(start),
            _paid_cum=(row - start + 1).cast(pl.Int32),
            _last_change=pl.when("_change").then(m).when(new).then(-1).forward_fill(),
            _confirmed=pl.when("_departs").then(m + gap_months),
        )
        .with_columns(_last_change=pl.when(pl.col("_last_change") >= 0).then("_last_change"))
        .drop("_start", "_c")
        .lazy()
    )


def in_talent_month_order(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted by talent_id then `_m`, talent_id flagged sorted, `_new` marking each talent's first row.

    Extracts usually arrive in this order, and checking it costs a fraction of sorting; the
    flag lets group-bys on talent_id take polars' sorted fast path.
    """
    talent, month = pl.col("talent_id"), pl.col("_m")
    new = (talent != talent.shift(1)).fill_null(True)
    if rows.get_column("talent_id").is_sorted():
        rows = rows.with_columns(_new=new)
        if rows.select((pl.col("_new") | (month > month.shift(1))).all()).item():
            return rows.with_columns(talent.set_sorted())
    return rows.sort("talent_id", "_m").with_columns(_new=new)


def month_indices(days: pl.Series) -> pl.Series:
    """`month_index_expr` of a Date series, looked up in a table of the days it spans.

    Several times faster than taking each date's year and month on tens of millions of rows.
    """
    lo, hi = days.min(), days.max()
    if lo is None or days.null_count():
        return days.to_frame().select(month_index_expr(days.name)).to_series()
    table = pl.date_range(lo, hi, "1d", eager=True).to_frame("day").select(month_index_expr("day"))
    offsets = days.cast(pl.Int32) - pl.Series([lo], dtype=pl.Date).cast(pl.Int32)[0]
    return table.to_series().gather(offsets).alias(days.name)


def departures(timeline: pl.LazyFrame, last_month: int) -> pl.LazyFrame:
    """Every departure confirmed by `last_month`: talent, employer left, month and confirmation."""
    return timeline.filter(pl.col("_departs") & (pl.col("_confirmed") <= last_month)).select(
        "talent_id",
        "employer_id",
        _departure=pl.col("_m") + 1,
        _confirmed=pl.col("_confirmed"),
    )


def first_departures(timeline: pl.LazyFrame, last_month: int) -> pl.LazyFrame:
    """Each talent's first departure month (index) among those confirmed by `last_month`."""
    return (
        departures(timeline, last_month)
        .group_by("talent_id")
        .agg(_first_departure=pl.col("_departure").min())
    )


def first_rows(timeline: pl.LazyFrame) -> pl.LazyFrame:
    """Each talent's first timeline row: talent_id, `_ord` (that row, as in `_key`), `_first_paid`."""
    return timeline.filter("_new").select(
        "talent_id", _ord=pl.col("_key") // _MONTHS_PER_RUN, _first_paid="_m"
    )


def pay_state() -> list[tuple[pl.Expr, dict[str, str]]]:
    """A snapshot's contribution state: (month looked up, {state column: timeline column read}).

    Each column is read off the talent's latest `pay_timeline` row at or before the month,
    null when the talent paid nothing by then; lookups run in order, so a later month may use
    an earlier column. The one definition of the state for training and scoring alike: a new
    state column is one entry here (and, if it needs one, one timeline column).
    """
    k = pl.col("_k")
    return [
        (
            k,
            {
                "employer_id": "employer_id",
                "contribution_base": "contribution_base",
                "_changes_cum": "_changes_cum",
                "_paid_cum": "_paid_cum",
                "_last_change": "_last_change",
                "_last_paid": "_m",
            },
        ),
        (k - 12, {"_changes_cum_12": "_changes_cum", "_paid_cum_12": "_paid_cum"}),
        (k - 24, {"_changes_cum_24": "_changes_cum", "_paid_cum_24": "_paid_cum"}),
        (pl.col("_last_paid") - 12, {"_base_12m_ago": "contribution_base"}),
    ]


def join_pay_state(grid: pl.DataFrame, timeline: pl.DataFrame) -> pl.DataFrame:
    """Add each snapshot's `pay_state` at its last known month `_k` (grid rows carry `_ord`)."""
    keys = timeline.get_column("_key")
    for month, columns in pay_state():
        rows = latest_rows(keys, grid.select(pl.col("_ord"), _at=month))
        grid = grid.with_columns(
            timeline.get_column(source).gather(rows).alias(name) for name, source in columns.items()
        )
    return grid


def latest_rows(keys: pl.Series, targets: pl.DataFrame) -> pl.Series:
    """Index of talent `_ord`'s latest timeline row at month `_at` or before (null if none).

    A binary search in the timeline's (talent's first row, month) keys, which rise down the rows.
    """
    target = targets.select(
        pl.col("_ord").cast(pl.Int64) * _MONTHS_PER_RUN + pl.col("_at")
    ).to_series()
    at = keys.search_sorted(target, side="right").cast(pl.Int64) - 1
    found = keys.gather(at.clip(lower_bound=0))
    own = target.is_not_null() & (at >= 0) & (found // _MONTHS_PER_RUN == targets["_ord"])
    return pl.select(pl.when(own.fill_null(False)).then(at)).to_series()


def join_grants(
    grid: pl.LazyFrame, subsidies: pl.LazyFrame, policies: pl.LazyFrame
) -> pl.LazyFrame:
    """Add the subsidy clock from grants that started before each snapshot's as_of."""
    keys = ["talent_id", "as_of"]
    grants = (
        grid.select(keys)
        .join(subsidies, on="talent_id", how="inner")
        .filter(pl.col("start_date") < pl.col("as_of"))
        .join(policies.select("policy_id", "effective_to"), on="policy_id", how="left")
        .with_columns(_running=pl.col("end_date") >= pl.col("as_of"))
    )
    lump = pl.col("_running") & (pl.col("lump_sum").fill_null(0) > 0)
    total = months_between(pl.col("start_date"), pl.col("end_date")).clip(lower_bound=1)
    left = months_between(pl.col("as_of"), pl.col("end_date")).clip(0, total)
    periodic = pl.col("_running") & (pl.col("monthly_amount").fill_null(0) > 0)
    ended_lump = ~pl.col("_running") & (pl.col("lump_sum").fill_null(0) > 0)
    clock = grants.group_by(keys).agg(
        _active_subsidies=pl.col("_running").sum().cast(pl.Int32),
        _lump_in_service=pl.col("lump_sum").filter(lump).sum(),
        _clawback=(pl.col("lump_sum") * left / total).filter(lump).sum(),
        _policy_expiry=pl.col("effective_to").filter(pl.col("_running")).min(),
        # Each grant's own clock: the running periodic grant ending next after the main one,
        # the next lump-sum service end, and the latest service end already passed.
        _second_subsidy_end=pl.col("end_date").filter(periodic).sort().slice(1, 1).first(),
        _service_end=pl.col("end_date").filter(lump).min(),
        _service_ended=pl.col("end_date").filter(ended_lump).max(),
    )
    # The main periodic subsidy: the next to end among running ones, else the last to have ended.
    days = pl.col("end_date").cast(pl.Int32)
    main = (
        grants.filter(pl.col("monthly_amount").fill_null(0) > 0)
        .with_columns(_key=pl.when(pl.col("_running")).then(days).otherwise(10_000_000 - days))
        .sort(*keys, "_key", "grant_id")
        .group_by(keys)
        .agg(
            subsidy_end_date=pl.col("end_date").first(),
            _subsidy_amount=pl.col("monthly_amount").first(),
            _subsidy_type=pl.col("subsidy_type").first(),
        )
    )
    return grid.join(clock, on=keys, how="left").join(main, on=keys, how="left")


def join_events(
    grid: pl.LazyFrame, life_events: pl.LazyFrame, events: tuple[str, ...]
) -> pl.LazyFrame:
    """Add, per event type, the date of the latest such event before each snapshot's as_of."""
    keys = ["talent_id", "as_of"]
    latest = (
        grid.select(keys)
        .join(life_events, on="talent_id", how="inner")
        .filter(pl.col("event_date") < pl.col("as_of"))
        .group_by(keys)
        .agg(
            pl.col("event_date").filter(pl.col("event") == e).max().alias(f"_event_{e}")
            for e in events
        )
    )
    return grid.join(latest, on=keys, how="left")
