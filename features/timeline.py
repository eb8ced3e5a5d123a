"""Month arithmetic and what is known at a date: the single place the time rules are applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl


@dataclass(frozen=True)
class Rules:
    """The contract's time rules as plain integers (read off a TimeRules or keyword defaults)."""

    reporting_lag_months: int = 1
    reporting_day: int = 15
    gap_months: int = 3


def read_rules(rules: object | None = None) -> Rules:
    """The time rules from a `features.contract.TimeRules` (or any object with its fields)."""
    if rules is None:
        return Rules()
    return Rules(
        reporting_lag_months=int(rules.reporting_lag_months),
        reporting_day=int(rules.reporting_day),
        gap_months=int(rules.gap_months),
    )


def month_index(day: date) -> int:
    """Months since year 0 (year * 12 + month - 1) of a date's month."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month with this month index."""
    return date(index // 12, index % 12 + 1, 1)


def last_known_month(as_of: date, rules: Rules) -> int:
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


def last_known_month_expr(as_of: str, rules: Rules) -> pl.Expr:
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
    return social_insurance.with_columns(_m=month_index_expr("month")).filter(
        pl.col("_m") <= last_month
    )


def known_events(life_events: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Life events dated strictly before `as_of`."""
    return life_events.filter(pl.col("event_date") < as_of)


def known_grants(subsidies: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Grants that started strictly before `as_of`."""
    return subsidies.filter(pl.col("start_date") < as_of)


def pay_timeline(contributions: pl.LazyFrame, gap_months: int) -> pl.LazyFrame:
    """Paid months per talent in order, with job changes, running counts and departure events.

    A row P is followed by a departure (month P+1, confirmed once month P+gap is known) when
    the next paid month is more than `gap_months` later or unknown; callers keep only the
    departures whose confirmation month they know.
    """
    # Sorted once; shifts compared with the neighbouring talent replace slower .over() windows.
    same_prev = pl.col("talent_id") == pl.col("talent_id").shift(1)
    same_next = pl.col("talent_id") == pl.col("talent_id").shift(-1)
    first = ~same_prev.fill_null(False)
    change = (same_prev & (pl.col("employer_id") != pl.col("employer_id").shift(1))).fill_null(
        False
    )
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return (
        contributions.select("talent_id", "_m", "employer_id", "contribution_base")
        .sort("talent_id", "_m")
        .with_columns(
            _change=change.cast(pl.Int32),
            _first=first,
            _next=pl.when(same_next).then(pl.col("_m").shift(-1)),
        )
        .with_columns(_cum=pl.col("_change").cum_sum(), _row=row)
        .with_columns(
            _changes_cum=(pl.col("_cum") - pl.when("_first").then("_cum").forward_fill()).cast(
                pl.Int32
            ),
            _paid_cum=(pl.col("_row") - pl.when("_first").then("_row").forward_fill() + 1).cast(
                pl.Int32
            ),
            _last_change=pl.when(pl.col("_change") == 1)
            .then(pl.col("_m"))
            .when("_first")
            .then(-1)
            .forward_fill(),
            _departs=pl.col("_next").is_null() | (pl.col("_next") - pl.col("_m") > gap_months),
        )
        .with_columns(
            _last_change=pl.when(pl.col("_last_change") >= 0).then("_last_change"),
            _confirmed=pl.when("_departs").then(pl.col("_m") + gap_months),
        )
        .drop("_cum", "_row", "_first")
    )


_MONTHS_PER_RUN = 1 << 20  # month indices stay below this (year 87381)


def latest_pay_state(
    social_insurance: pl.LazyFrame, last_month: int, gap_months: int, since: int
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Each talent's contribution state at `last_month`, and the timeline rows from month `since`.

    For one snapshot date this replaces `pay_timeline` + `join_pay_state`: one ordered pass
    over the known contributions, then one group-by on the (sorted) talent. The state has one
    row per talent who paid by `last_month`, with the columns `join_pay_state` adds (counts as
    of 12 and 24 months back are 0 rather than null where nothing was paid by then; the
    features fill those nulls with 0) and `_first_departure` (as `first_departures`). The
    recent rows carry the columns `departures` and the context joins read.
    """
    k = last_month
    known = (
        social_insurance.filter(pl.col("month") < month_start(k + 1))
        .select("talent_id", "month", "employer_id", "contribution_base")
        .collect()
    )
    rows = in_talent_month_order(
        known.with_columns(_m=month_indices(known.get_column("month"))).drop("month")
    )
    new, employer = pl.col("_new"), pl.col("employer_id")  # _new: the talent's first row
    change = ~new & (employer != employer.shift(1)).fill_null(False)
    following = pl.when(~new.shift(-1).fill_null(True)).then(pl.col("_m").shift(-1))
    departs = following.is_null() | (following - pl.col("_m") > gap_months)
    run = new.cum_sum().cast(pl.Int64)  # the talent's ordinal
    rows = rows.with_columns(
        _change=change, _departs=departs, _key=run * _MONTHS_PER_RUN + pl.col("_m")
    ).with_columns(_confirmed=pl.when("_departs").then(pl.col("_m") + gap_months))
    m, changed = pl.col("_m"), pl.col("_change")
    before_12, before_24 = m <= k - 12, m <= k - 24
    # Rows of a talent are consecutive and in month order: last() is the latest month.
    state = (
        rows.lazy()
        .group_by("talent_id", maintain_order=True)
        .agg(
            employer_id=pl.col("employer_id").last(),
            contribution_base=pl.col("contribution_base").last(),
            _changes_cum=changed.sum().cast(pl.Int32),
            _paid_cum=pl.len().cast(pl.Int32),
            _last_change=pl.when(changed).then(m).max(),
            _last_paid=m.last(),
            _changes_cum_12=(changed & before_12).sum().cast(pl.Int32),
            _paid_cum_12=before_12.sum().cast(pl.Int32),
            _changes_cum_24=(changed & before_24).sum().cast(pl.Int32),
            _first_departure=pl.when(pl.col("_departs") & (pl.col("_confirmed") <= k))
            .then(m + 1)
            .min(),
            _key=pl.col("_key").first(),
        )
        .collect()
    )
    # Base 12 months before the last paid month: the talent's latest row at or before it,
    # found by binary search in the (talent ordinal, month) keys, which rise down the rows.
    keys = rows.get_column("_key")
    first_key = state.get_column("_key")
    target = first_key - first_key % _MONTHS_PER_RUN + state.get_column("_last_paid") - 12
    found = (keys.search_sorted(target, side="right").cast(pl.Int64) - 1).clip(lower_bound=0)
    at = keys.gather(found)
    own = (at <= target) & (at >= first_key)  # else the talent paid nothing that early
    base = rows.get_column("contribution_base").gather(found)
    base_12m_ago = pl.select(pl.when(own).then(base)).to_series()
    state = state.drop("_key").with_columns(_base_12m_ago=base_12m_ago)
    recent = (
        rows.lazy()
        .filter(m >= since)
        .select("talent_id", "employer_id", "_m", "_departs", "_confirmed")
    )
    return state.lazy(), recent


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


def join_pay_state(grid: pl.LazyFrame, timeline: pl.LazyFrame) -> pl.LazyFrame:
    """Add each snapshot's contribution state at its last known month `_k` (and 12/24 before)."""
    grid = grid.sort("talent_id", "_k").with_columns(_k12=pl.col("_k") - 12, _k24=pl.col("_k") - 24)
    out = _asof(
        grid,
        timeline.select(
            "talent_id",
            "employer_id",
            "contribution_base",
            "_changes_cum",
            "_paid_cum",
            "_last_change",
            _at=pl.col("_m"),
            _last_paid=pl.col("_m"),
        ),
        "_k",
    )
    out = _asof(
        out,
        timeline.select(
            "talent_id",
            _at=pl.col("_m"),
            _changes_cum_12=pl.col("_changes_cum"),
            _paid_cum_12=pl.col("_paid_cum"),
        ),
        "_k12",
    )
    out = _asof(
        out,
        timeline.select("talent_id", _at=pl.col("_m"), _changes_cum_24=pl.col("_changes_cum")),
        "_k24",
    )
    out = _asof(
        out.with_columns(_l12=pl.col("_last_paid") - 12),
        timeline.select("talent_id", _at=pl.col("_m"), _base_12m_ago=pl.col("contribution_base")),
        "_l12",
    )
    return out.drop("_k12", "_k24", "_l12")


def _asof(left: pl.LazyFrame, right: pl.LazyFrame, left_on: str) -> pl.LazyFrame:
    """The talent's latest timeline row at or before month `left_on` (right keyed by `_at`)."""
    return left.join_asof(
        right, left_on=left_on, right_on="_at", by="talent_id", check_sortedness=False
    ).drop("_at")


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
    clock = grants.group_by(keys).agg(
        _active_subsidies=pl.col("_running").sum().cast(pl.Int32),
        _lump_in_service=pl.col("lump_sum").filter(lump).sum(),
        _clawback=(pl.col("lump_sum") * left / total).filter(lump).sum(),
        _policy_expiry=pl.col("effective_to").filter(pl.col("_running")).min(),
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
