"""Time-only splits of labelled monthly snapshots into train, calibration and out-of-time blocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl


@dataclass(frozen=True)
class TimeSplit:
    """Snapshot date ranges (inclusive) of the three blocks for one horizon."""

    horizon: int
    train: tuple[date, date]
    calibration: tuple[date, date]
    test: tuple[date, date]

    def as_dict(self) -> dict[str, str]:
        """Flat string form for logging."""
        return {
            f"split_{self.horizon}m_{name}": f"{lo.isoformat()}..{hi.isoformat()}"
            for name, (lo, hi) in (
                ("train", self.train),
                ("calibration", self.calibration),
                ("test", self.test),
            )
        }


def labelled_dates(frame: pl.DataFrame, label: str) -> list[date]:
    """The snapshot dates, sorted, that have the label."""
    return (
        frame.lazy()
        .filter(pl.col(label).is_not_null())
        .select(pl.col("as_of").unique().sort())
        .collect()
        .get_column("as_of")
        .to_list()
    )


def split_by_time(
    frame: pl.DataFrame,
    horizon: int,
    test_months: int = 6,
    calibration_months: int = 6,
    purge_months: int | None = None,
) -> TimeSplit:
    """Last `test_months` labelled snapshot dates are the test block, the block before calibrates.

    A purge of `purge_months` (default: the horizon) snapshot months separates calibration from
    test, so that no training or calibration label looks into the test block's months.
    """
    label = f"y_{horizon}m"
    dates = labelled_dates(frame, label)
    purge = horizon if purge_months is None else purge_months
    need = test_months + calibration_months + 1
    if len(dates) < need:
        raise ValueError(
            f"horizon {horizon}m: {len(dates)} labelled snapshot months, need at least {need}"
        )
    # Shrink the purge when history is short, but keep at least 3 training months.
    purge = max(0, min(purge, len(dates) - need - 2))
    test = dates[-test_months:]
    cal_end = len(dates) - test_months - purge
    calibration = dates[cal_end - calibration_months : cal_end]
    train = dates[: cal_end - calibration_months]
    return TimeSplit(
        horizon, (train[0], train[-1]), (calibration[0], calibration[-1]), (test[0], test[-1])
    )


def latest_split(
    frame: pl.DataFrame, evaluated: TimeSplit, calibration_months: int = 6
) -> TimeSplit:
    """The evaluated split moved forward to the newest labelled months, for the model that is shipped.

    The evaluated model's blocks end a test block and a purge before the newest labels, so at the
    extract's date its calibration block is `test_months + purge` months older than it was when
    it was judged (12-month horizon, extract as of 2026-11-23: it ends 33 months before, where
    the test block it was judged on began 13 months after it). The shipped model repeats the same
    recipe with its calibration block on the newest `calibration_months` labelled snapshot months
    and training on every labelled month before them (cut by `limit_training_window` as the
    evaluated one was): at scoring it is as far from its calibration block as the evaluated model
    was from the test block it was judged on. It has no test block of its own (the future is its
    test, see `retention backtest`), so `test` is the evaluated one's.
    """
    label = f"y_{evaluated.horizon}m"
    dates = labelled_dates(frame, label)
    calibration, train = dates[-calibration_months:], dates[:-calibration_months]
    return TimeSplit(
        evaluated.horizon, (train[0], train[-1]), (calibration[0], calibration[-1]), evaluated.test
    )


def select_block(frame: pl.DataFrame, split: TimeSplit, block: str) -> pl.DataFrame:
    """Rows of one block ('train', 'calibration', 'test') with the horizon's label present."""
    lo, hi = getattr(split, block)
    return (
        frame.lazy()
        .filter(pl.col("as_of").is_between(lo, hi), pl.col(f"y_{split.horizon}m").is_not_null())
        .collect()
    )


def limit_training_window(split: TimeSplit, months: int | None) -> TimeSplit:
    """The same split with training cut to its last `months` snapshot months (None keeps all).

    The population and base rate drift strongly (early cohorts are small and riskier), so the
    most recent years resemble the test block best; it also bounds training time.
    """
    if months is None:
        return split
    lo, hi = split.train
    start = hi.replace(day=1)
    index = start.year * 12 + start.month - 1 - (months - 1)
    first = start.replace(year=index // 12, month=index % 12 + 1)
    return TimeSplit(split.horizon, (max(lo, first), hi), split.calibration, split.test)
