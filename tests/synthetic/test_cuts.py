"""simulate --also-at: earlier extracts of the same world, the main extract unchanged."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from features.ingest import ingest_extract
from features.snapshots import scoring_snapshot
from pipeline.extract import simulate_registry
from runconfig import TimeRules

AS_OF, EARLIER = date(2026, 11, 23), date(2026, 4, 13)


def test_also_at_leaves_the_main_extract_byte_identical_and_cuts_the_same_world(tmp_path):
    plain, cut = tmp_path / "plain", tmp_path / "cut"
    simulate_registry(plain, 300, 4, AS_OF)
    simulate_registry(cut, 300, 4, AS_OF, also_at=(EARLIER,))
    written = sorted(p.relative_to(plain) for p in plain.rglob("*.parquet"))
    assert written and written == sorted(
        p.relative_to(cut) for p in cut.rglob("*.parquet") if "also_at" not in p.parts
    )
    for rel in written:
        assert (plain / rel).read_bytes() == (cut / rel).read_bytes(), rel
    earlier = cut / "also_at" / EARLIER.isoformat()
    # The earlier extract is what the final one knew at that date: the same features for it,
    # and nothing dated on or after it.
    final_tables = ingest_extract(cut, tmp_path / "w1", TimeRules()).tables
    then = ingest_extract(earlier, tmp_path / "w2", TimeRules()).tables
    assert then["talents"].get_column("arrival_date").max() < EARLIER
    assert then["social_insurance"].get_column("month").max() == date(
        2026, 2, 1
    )  # March is reported on 04-15
    assert_frame_equal(
        scoring_snapshot(then, EARLIER).sort("talent_id"),
        scoring_snapshot(final_tables, EARLIER).sort("talent_id"),
    )
    truth = pl.read_parquet(earlier / "truth" / "oracle.parquet")
    assert truth.get_column("as_of").unique().to_list() == [EARLIER]
    departures = pl.read_parquet(cut / "truth" / "departures.parquet")
    assert_frame_equal(
        pl.read_parquet(earlier / "truth" / "departures.parquet"),
        departures.join(then["talents"].select("talent_id"), on="talent_id", how="semi"),
    )
