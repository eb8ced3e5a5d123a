"""The offer (contract section 5) on inline grants."""

from __future__ import annotations

from datetime import date

import polars as pl

from plan.offer import make_offers

AS_OF = date(2026, 11, 23)


def grants(*rows) -> pl.DataFrame:
    cols = ["grant_id", "talent_id", "subsidy_type", "monthly_amount", "lump_sum", "start_date", "end_date"]
    return pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows],
                        schema={"grant_id": pl.String, "talent_id": pl.String, "subsidy_type": pl.String,
                                "monthly_amount": pl.Float64, "lump_sum": pl.Float64,
                                "start_date": pl.Date, "end_date": pl.Date})  # fmt: skip


def test_main_grant_is_the_largest_monthly_ties_by_grant_id_and_extends_from_its_end():
    subs = grants(
        ("G2", "A", "rent", 800.0, None, date(2024, 1, 1), date(2027, 3, 31)),
        ("G1", "A", "living", 2000.0, None, date(2024, 1, 1), date(2027, 1, 31)),
        ("G4", "B", "living", 1000.0, None, date(2020, 1, 1), date(2026, 8, 31)),
        ("G3", "B", "allowance", 1000.0, None, date(2021, 1, 1), date(2026, 9, 30)),
        ("G5", "C", "purchase", None, 100_000.0, date(2022, 1, 1), date(2027, 1, 1)),
        ("G6", "D", "living", 3000.0, None, date(2026, 12, 1), date(2029, 11, 30)),  # after as_of
    )
    got = make_offers(pl.Series(["A", "B", "C", "D"]), subs, AS_OF).sort("talent_id")
    assert got["offer_kind"].to_list() == ["extend", "extend", "new", "new"]
    assert got["grant_id"].to_list() == ["G1", "G3", None, None]
    assert got["monthly_yuan"].to_list() == [2000.0, 1000.0, 500.0, 500.0]
    assert got["cost_yuan"].to_list() == [24_000.0, 12_000.0, 6_000.0, 6_000.0]
    # running: from the month after its end; ended (or none): from the as_of month
    assert got["offer_start"].to_list() == [date(2027, 2, 1), date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 1)]
    assert got["offer_end"].to_list() == [date(2028, 1, 1), date(2027, 10, 1), date(2027, 10, 1), date(2027, 10, 1)]


def test_months_and_new_monthly_change_the_offer():
    got = make_offers(pl.Series(["X"]), grants(), AS_OF, months=6, new_monthly=800.0)
    assert got.row(0, named=True)["cost_yuan"] == 4_800.0
    assert got.row(0, named=True)["offer_end"] == date(2027, 4, 1)
