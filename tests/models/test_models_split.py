from datetime import date

import polars as pl
import pytest

from models.split import select_block, split_by_time
from models.toy import month_start


def snapshots(n_months: int, labelled_until: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "as_of": [month_start(i) for i in range(n_months)],
            "y_3m": [1 if i <= labelled_until else None for i in range(n_months)],
        }
    )


def test_blocks_are_ordered_disjoint_and_purged_by_the_horizon():
    frame = snapshots(40, labelled_until=35)
    split = split_by_time(frame, 3, test_months=6, calibration_months=6)
    assert split.test == (month_start(30), month_start(35))
    assert split.calibration == (month_start(21), month_start(26))  # purge: months 27..29
    assert split.train == (month_start(0), month_start(20))
    assert select_block(frame, split, "test").height == 6


def test_unlabelled_months_never_enter_any_block():
    frame = snapshots(40, labelled_until=20)
    split = split_by_time(frame, 3)
    assert split.test[1] == month_start(20)


def test_too_short_a_history_is_an_error():
    with pytest.raises(ValueError, match="need at least 13"):
        split_by_time(snapshots(10, 9), 3)


def test_purge_shrinks_when_history_is_short_but_training_keeps_three_months():
    frame = snapshots(15, 14).rename({"y_3m": "y_12m"})
    split = split_by_time(frame, 12, test_months=6, calibration_months=6)
    assert split.train == (date(2020, 1, 1), date(2020, 3, 1))


def test_training_window_keeps_only_the_last_months_before_calibration():
    from models.split import limit_training_window

    split = split_by_time(snapshots(40, labelled_until=35), 3, test_months=6, calibration_months=6)
    recent = limit_training_window(split, 12)
    assert recent.train == (month_start(9), month_start(20))
    assert (recent.calibration, recent.test) == (split.calibration, split.test)
    assert limit_training_window(split, None) == split
    assert limit_training_window(split, 100).train == split.train


def test_the_shipped_split_calibrates_on_the_newest_labels_and_trains_the_same_window_before():
    from models.split import latest_split, limit_training_window

    frame = snapshots(40, labelled_until=35)
    evaluated = limit_training_window(split_by_time(frame, 3), 12)
    latest = limit_training_window(latest_split(frame, evaluated, calibration_months=6), 12)
    assert latest.calibration == (month_start(30), month_start(35))  # the newest six labelled
    assert latest.train == (month_start(18), month_start(29))  # the twelve months just before
    assert latest.test == evaluated.test  # it has no test of its own
    assert latest_split(frame, evaluated).train[0] == month_start(0)  # the window is the caller's
