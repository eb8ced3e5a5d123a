"""The whole loop: a published list -> officers' actions -> ledger export -> the next extract's ingest."""

from __future__ import annotations

from datetime import date

import polars as pl

from tests.workspace.test_workspace_ledger import CONTRACT, cli

AS_OF = date(2026, 11, 2)  # older than the other tests' weeks, so their latest week stays theirs


def list_from_registry(talents: pl.DataFrame, county: str) -> pl.DataFrame:
    """A risk list in the contract's columns for the registry's talents of one county."""
    mine = talents.filter(pl.col("county") == county).head(40)
    n = mine.height
    return mine.select("talent_id", "county").with_columns(
        as_of=pl.lit(AS_OF),
        employer_id=pl.lit("E1"),
        p_leave_3m=pl.Series([0.3] * n),
        p_leave_6m=pl.Series([0.5 - i / 200 for i in range(n)]),
        p_leave_12m=pl.Series([0.7] * n),
        subsidy_end_date=pl.lit(date(2027, 1, 31)),
        months_to_subsidy_end=pl.lit(2, pl.Int32),
        risk_tier=pl.lit("high"),
        reason_1=pl.lit("生活补贴即将到期"),
        months_unpaid=pl.lit(0, pl.Int32),
    )


def test_actions_on_a_list_come_back_as_the_next_extracts_interventions_table(
    web, client_as, tmp_path
):
    from features.extract import TABLES
    from pipeline.extract import load_extract, simulate_registry
    from pipeline.settings import Settings
    from workspace.importer import import_lists

    registry = tmp_path / "registry"
    simulate_registry(registry, 400, 3, AS_OF)
    talents = pl.read_parquet(registry / "talents.parquet")
    lists = tmp_path / "lists"
    (lists / AS_OF.isoformat()).mkdir(parents=True)
    published = list_from_registry(talents, "qihe")
    published.write_parquet(lists / AS_OF.isoformat() / "risk_list.parquet")
    import_lists(lists, talents.select("talent_id", "id_number", "name", "phone"))
    officer = client_as("officer_qihe")
    done = {}
    for talent, kind in zip(
        published["talent_id"][:6],
        ["called", "visited", "job_matching", "extension_offered", "declined", "confirmed_staying"],
        strict=True,
    ):
        response = officer.post(
            f"/talents/{talent}/actions/",
            {"action": kind, "action_date": "2026-11-05", "note": "回访"},
        )
        assert response.status_code == 302
        done[talent] = kind
    out = tmp_path / "ledger.parquet"
    assert cli(web, "ledger", "export", "--out", str(out)).returncode == 0
    ledger = pl.read_parquet(out)
    assert ledger.schema == CONTRACT
    # The session's database also holds other tests' made-up talents; a city's holds its own only.
    ours = ledger.filter(pl.col("talent_id").is_in(talents["talent_id"].implode()))
    assert dict(zip(ours["talent_id"], ours["action"], strict=True)) == done
    assert ours["list_as_of"].unique().to_list() == [AS_OF]
    ours.write_parquet(registry / "interventions.parquet")
    extract = load_extract(registry, Settings(work_dir=tmp_path / "work"))
    assert extract.tables["talents"].height > 0  # the extract with its interventions still ingests
    if (
        "interventions" in TABLES
    ):  # the ingest of the interventions table (another branch) reads it back
        read_back = extract.tables["interventions"]
        assert read_back.height == ours.height
        assert set(read_back["talent_id"]) == set(done)
    names = set(talents["name"].drop_nulls())
    text = pl.read_parquet(registry / "interventions.parquet").write_csv()
    assert not [n for n in names if n in text]
    assert not [p for p in talents["phone"].drop_nulls() if p in text]
