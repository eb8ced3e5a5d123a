"""Reading offer plans for the lottery's outcome: damaged or odd plan files are left out with a
reason naming the file, never a crash; an arm with nobody has no effect figure."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from monitor.lottery import _difference, read_plans

EXTRACT = date(2026, 11, 2)


def plan(ids, draws) -> pl.DataFrame:
    return pl.DataFrame(
        {"talent_id": ids, "selected": [d == "won" for d in draws], "lottery": draws}
    )


def write(root, day: str, frame: pl.DataFrame | bytes) -> None:
    folder = root / day
    folder.mkdir(parents=True)
    if isinstance(frame, bytes):
        (folder / "plan.parquet").write_bytes(frame)
    else:
        frame.write_parquet(folder / "plan.parquet")


def test_only_drawn_talents_of_usable_plans_are_read_and_every_other_plan_says_why(tmp_path):
    write(tmp_path, "2025-06-02", plan(["A", "B", "C"], ["won", "lost", "none"]))
    write(tmp_path, "2025-07-07", plan(["D"], ["none"]))  # no draw: no rows, no line
    write(tmp_path, "2025-08-04", b"PAR1 truncated")
    write(tmp_path, "2025-09-01", plan(["E", "E"], ["won", "lost"]))
    write(tmp_path, "2026-12-07", plan(["F"], ["won"]))  # after the extract
    write(tmp_path, "2025-10-06", pl.DataFrame({"talent_id": ["G"], "rank": [1]}))
    (tmp_path / "notes").mkdir()  # not a dated folder: ignored
    drawn, skipped = read_plans(tmp_path, EXTRACT)
    assert drawn.rows() == [(date(2025, 6, 2), "A", "won"), (date(2025, 6, 2), "B", "lost")]
    assert len(skipped) == 4
    by_day = {line.split("/plan.parquet")[0][-10:]: line for line in skipped}
    assert "no readable talent_id and lottery" in by_day["2025-08-04"]
    assert "repeats a talent" in by_day["2025-09-01"]
    assert "after the extract" in by_day["2026-12-07"]
    assert "lottery" in by_day["2025-10-06"]


def test_a_lottery_column_of_another_type_draws_nobody(tmp_path):
    write(tmp_path, "2025-06-02", pl.DataFrame({"talent_id": ["A"], "lottery": [False]}))
    drawn, skipped = read_plans(tmp_path, EXTRACT)
    assert drawn.height == 0 and skipped == []


def test_the_effect_is_losers_minus_winners_and_absent_for_an_empty_arm():
    effect, low, high = _difference(6, 35, 0, 35)
    assert effect == pytest.approx(6 / 35)
    assert low < effect < high
    assert _difference(3, 10, 0, 0) == (None, None, None)
