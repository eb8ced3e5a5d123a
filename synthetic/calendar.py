"""Integer month indices (0 = 2016-01) and the Spring Festival calendar."""

import datetime as dt

import numpy as np

START = np.datetime64("2016-01", "M")

# Lunar New Year's Day, 2016-2028.
SPRING_FESTIVAL = {
    2016: dt.date(2016, 2, 8),
    2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
}


def month_index(day: dt.date) -> int:
    """Month index of a date (0 = January 2016)."""
    return (day.year - 2016) * 12 + day.month - 1


def month_starts(n_months: int) -> np.ndarray:
    """First day of each month index 0..n_months-1 as datetime64[D]."""
    return (START + np.arange(n_months)).astype("datetime64[D]")


def days_in_months(n_months: int) -> np.ndarray:
    """Number of days of each month index 0..n_months-1."""
    ends = (START + np.arange(1, n_months + 1)).astype("datetime64[D]")
    return (ends - month_starts(n_months)).astype(np.int64)


def spring_festival_term(n_months: int, first: float, second: float) -> np.ndarray:
    """Log-hazard bump for the first and second month after each Spring Festival's month."""
    term = np.zeros(n_months, dtype=np.float32)
    for day in SPRING_FESTIVAL.values():
        k = month_index(day)
        for offset, size in ((1, first), (2, second)):
            if 0 <= k + offset < n_months:
                term[k + offset] += size
    return term


def add_months(start_idx: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Month index plus a number of months, as int32."""
    return (start_idx.astype(np.int32) + months.astype(np.int32)).astype(np.int32)
