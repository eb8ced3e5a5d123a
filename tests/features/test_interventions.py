"""The optional interventions table: read, typed, quarantined like the others, never a feature."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.catalog import FEATURES
from features.extract import find_table_files
from features.ingest import validate_extract


def _interventions(**overrides: list) -> pl.DataFrame:
    rows = {
        "talent_id": ["T2", "T2", "T404", "T2", "T2"],
        "action_date": ["2024-03-01", "2024/03/02", "2024-03-03", "2024-03-04", "2024-03-05"],
        "action": ["visited", "电话联系", "called", "hugged", "confirmed_staying"],
        "list_as_of": ["2024-02-26", None, None, None, "2024-02-26"],
        "officer_key": ["k1", None, None, None, "k2"],
    }
    return pl.DataFrame(rows | overrides)


def test_interventions_are_typed_and_bad_rows_quarantined(tiny_tables, write_extract, tmp_path):
    tables = tiny_tables() | {"interventions": _interventions()}
    folder = write_extract(tables, tmp_path / "x")
    result = validate_extract(find_table_files(folder), reference_date=date(2024, 6, 30))
    got = result.tables["interventions"]
    assert got.schema["action_date"] == pl.Date and got.schema["list_as_of"] == pl.Date
    assert got.get_column("action").to_list() == ["visited", "called", "confirmed_staying"]
    q = result.quarantine.filter(pl.col("table") == "interventions")
    assert sorted(q.get_column("source_row").to_list()) == [4, 5]  # unknown talent, action
    assert set(q.get_column("column").to_list()) == {"talent_id", "action"}
    counts = result.summary["interventions"]
    assert counts["read"] == counts["accepted"] + counts["quarantined"] == 5


def test_absent_interventions_is_an_empty_typed_table(tiny_extract):
    result = validate_extract(find_table_files(tiny_extract), reference_date=date(2024, 6, 30))
    got = result.tables["interventions"]
    assert got.height == 0 and got.schema["action_date"] == pl.Date


def test_no_feature_reads_interventions():
    # Leakage guard: the table feeds the backtest's treated/untreated split only.
    assert not any("intervention" in f.name or "action" in f.name for f in FEATURES)
