"""Labels: first departure within h months of the snapshot month, null while unobservable."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.contract import TimeRules
from features.labels import label_snapshots

D = date.fromisoformat


def paid(talent: str, months: list[str], employers: list[str] | None = None) -> pl.DataFrame:
    """Contribution rows for one talent in the given YYYY-MM months."""
    return pl.DataFrame(
        {
            "talent_id": [talent] * len(months),
            "month": [D(m + "-01") for m in months],
            "employer_id": employers or ["E1"] * len(months),
            "contribution_base": [5000.0] * len(months),
        }
    )


def snaps(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"talent_id": [t for t, _ in rows], "as_of": [D(d) for _, d in rows]})


def labels(frame: pl.DataFrame) -> list[tuple]:
    return list(frame.select("y_3m", "y_6m", "y_12m").iter_rows())


def test_departure_within_each_horizon():
    # Paid Jan..Jun 2020, nothing after: first departure in July 2020. From July 2019 (m0), July
    # 2020 is m0 + 12: inside the 12-month window (M <= m0 + h), so y_12m = 1.
    si = paid("A", [f"2020-{m:02d}" for m in range(1, 7)])
    frame = snaps(
        ("A", "2020-05-20"), ("A", "2020-02-20"), ("A", "2019-07-20"), ("A", "2019-06-20")
    )
    out = label_snapshots(frame, si, D("2021-12-20"))
    assert labels(out) == [(1, 1, 1), (0, 1, 1), (0, 0, 1), (0, 0, 0)]


def test_the_contracts_example_window_and_observability():
    # contract.md section 2: "within 6 months after 2026-06-30" means a first departure in
    # 2026-07 .. 2026-12; 2027-01 does not count; a departure in 2026-06, not yet confirmed at
    # 2026-06-30 (only May is known then), counts too.
    si = pl.concat(
        [
            paid("JUN", [f"2026-{m:02d}" for m in range(1, 6)]),  # departs 2026-06
            paid("JUL", [f"2026-{m:02d}" for m in range(1, 7)]),  # departs 2026-07
            paid("DEC", [f"2026-{m:02d}" for m in range(1, 12)]),  # departs 2026-12
            paid("JAN", [f"2026-{m:02d}" for m in range(1, 13)]),  # departs 2027-01
        ]
    )
    frame = snaps(*((t, "2026-06-30") for t in ("JUN", "JUL", "DEC", "JAN")))
    out = label_snapshots(frame, si, D("2027-12-20"))
    assert out.get_column("y_6m").to_list() == [1, 1, 1, 0]
    assert out.get_column("y_3m").to_list() == [1, 1, 0, 0]
    # The 6-month label is known once month m0 + h + gap - 1 = 2026-06 + 6 + 2 = 2027-02 is
    # known, i.e. from 2027-03-15 (contributions for M are known from the 15th of M+1).
    before = label_snapshots(frame, si, D("2027-03-14"))
    assert before.get_column("y_6m").null_count() == 4
    assert before.get_column("y_3m").to_list() == [1, 1, 0, 0]  # 2026-11 known by then
    known = label_snapshots(frame, si, D("2027-03-15"))
    assert known.get_column("y_6m").to_list() == [1, 1, 1, 0]
    assert known.get_column("y_12m").null_count() == 4


def test_unconfirmed_past_departure_is_a_positive_label():
    # At 2020-08-14 only May is known: the July departure has happened but is not yet confirmed.
    si = paid("A", [f"2020-{m:02d}" for m in range(1, 7)])
    out = label_snapshots(snaps(("A", "2020-08-14")), si, D("2021-12-20"))
    assert labels(out) == [(1, 1, 1)]


def test_labels_are_null_until_the_horizon_and_gap_are_known():
    si = paid("A", [f"2020-{m:02d}" for m in range(1, 13)])
    # First departure: January 2021. E = 2021-03-20 knows through Feb 2021. m0 = Oct 2020:
    # y_3m needs months through m0 + 3 + gap - 1 = Mar 2021, not yet known; at m0 = Sep it needs
    # through Feb: known (and January is after Sep + 3 = Dec).
    out = label_snapshots(snaps(("A", "2020-09-20"), ("A", "2020-10-20")), si, D("2021-03-20"))
    assert labels(out) == [(0, None, None), (None, None, None)]
    later = label_snapshots(snaps(("A", "2020-10-20"), ("A", "2020-11-20")), si, D("2021-04-20"))
    assert labels(later) == [(1, None, None), (None, None, None)]


def test_job_change_without_gap_is_not_a_departure_and_short_gaps_are_not_either():
    months = ["2020-01", "2020-02", "2020-03", "2020-06", "2020-07", "2020-08", "2020-09"]
    si = paid("A", months, ["E1", "E1", "E1", "E2", "E2", "E3", "E3"])
    out = label_snapshots(snaps(("A", "2020-01-20")), si, D("2021-06-20"))
    # The two-month gap (Apr, May) is no departure; leaving after September is (October).
    assert labels(out) == [(0, 0, 1)]


def test_first_departure_counts_even_after_a_return():
    si = paid("A", ["2020-01", "2020-02", "2020-07", "2020-08", "2020-09"])
    out = label_snapshots(snaps(("A", "2020-01-20")), si, D("2021-06-20"))
    assert labels(out) == [(1, 1, 1)]


def test_never_departing_and_unknown_talents_are_zero():
    si = paid("A", [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)])
    out = label_snapshots(snaps(("A", "2020-03-20"), ("Z", "2020-03-20")), si, D("2021-12-20"))
    want = pl.DataFrame(
        {"talent_id": ["A", "Z"], "as_of": [D("2020-03-20")] * 2}
        | {f"y_{h}m": pl.Series([0, 0], dtype=pl.Int8) for h in (3, 6, 12)}
    )
    assert_frame_equal(out, want)


def test_gap_rule_from_the_rules_changes_the_label():
    # A two-month gap (Jul, Aug) is a departure only under a two-month gap rule; otherwise the
    # first departure is January 2021, after the last payment.
    si = paid("A", ["2020-05", "2020-06", "2020-09", "2020-10", "2020-11", "2020-12"])
    frame = snaps(("A", "2020-06-20"))
    assert labels(label_snapshots(frame, si, D("2021-12-20"))) == [(0, 0, 1)]
    assert labels(label_snapshots(frame, si, D("2021-12-20"), TimeRules(gap_months=2))) == [
        (1, 1, 1)
    ]


@pytest.mark.slow
def test_labels_equal_the_simulators_truth_for_every_labelled_snapshot(tmp_path):
    import synthetic
    from features.ingest import ingest_extract
    from features.snapshots import training_snapshots

    extract = D("2025-06-16")
    reg = synthetic.simulate(n_talents=2000, seed=3, as_of=extract)
    synthetic.write_registry(reg, tmp_path / "extract")
    tables = ingest_extract(tmp_path / "extract", tmp_path / "work", TimeRules()).tables
    snaps = training_snapshots(tables, extract, TimeRules())
    truth = reg.truth["departures"].select("talent_id", "first_departure_month")
    frame = snaps.join(truth, on="talent_id", how="left")
    assert frame.height == snaps.height > 10_000
    first = pl.col("first_departure_month")
    for h in (3, 6, 12):
        labelled = frame.filter(pl.col(f"y_{h}m").is_not_null())
        assert labelled.height > 1_000
        horizon = pl.col("as_of").dt.truncate("1mo").dt.offset_by(f"{h}mo")
        want = (first.is_not_null() & (first <= horizon)).cast(pl.Int8)
        mismatched = labelled.filter(pl.col(f"y_{h}m") != want)
        assert mismatched.height == 0, mismatched.head()
        assert labelled.get_column(f"y_{h}m").sum() > 0
