"""Which contribution months an extract holds, and whether a date's features can be built from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from features.timeline import last_known_month, month_index_expr, month_start, read_rules


@dataclass(frozen=True)
class Coverage:
    """The contribution months a date needs that the whole extract lacks, and the dates it supports.

    A month is missing when no talent has any contribution for it although the reporting lag
    says it is known by `as_of`: read as unpaid, it would turn everyone into a leaver.
    """

    as_of: date
    first_month: date | None  # earliest month any talent paid in
    missing: tuple[date, ...]  # months known by as_of with no contribution at all, in order
    earliest_as_of: date | None  # the first date whose last known month is first_month
    latest_as_of: date | None  # the last date before the first missing month is known

    @property
    def too_early(self) -> bool:
        """Whether as_of comes before the extract's first contribution month is known."""
        return self.earliest_as_of is not None and self.as_of < self.earliest_as_of


def reported_from(month: int, rules) -> date:
    """The day the contributions of month index `month` are known (the reporting rule)."""
    return month_start(month + rules.reporting_lag_months).replace(day=rules.reporting_day)


def contribution_coverage(social_insurance: pl.DataFrame, as_of: date, rules=None) -> Coverage:
    """The coverage of `as_of` by the extract's contributions (see `Coverage`)."""
    r = read_rules(rules)
    present = (
        social_insurance.lazy()
        .select(month_index_expr("month").unique().alias("m"))
        .collect()
        .get_column("m")
        .sort()
    )
    if present.is_empty():
        return Coverage(as_of, None, (), None, None)
    first, known = int(present[0]), last_known_month(as_of, r)
    have = set(present.to_list())
    missing = tuple(month_start(m) for m in range(first, known + 1) if m not in have)
    latest = None
    if missing:
        gap = missing[0].year * 12 + missing[0].month - 1
        latest = reported_from(gap, r) - timedelta(days=1)
    return Coverage(as_of, month_start(first), missing, reported_from(first, r), latest)


def month_ranges(months: tuple[date, ...]) -> str:
    """Months as runs: '2026-11 to 2027-02 (4 months), 2027-05'."""
    runs: list[list[date]] = []
    for month in months:
        index = month.year * 12 + month.month - 1
        if runs and index == runs[-1][-1].year * 12 + runs[-1][-1].month:
            runs[-1].append(month)
        else:
            runs.append([month])
    parts = []
    for run in runs:
        start, end = run[0].strftime("%Y-%m"), run[-1].strftime("%Y-%m")
        parts.append(start if len(run) == 1 else f"{start} to {end} ({len(run)} months)")
    return ", ".join(parts)
