"""The feature catalog: named expressions, documented in both languages, in sync with the docs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from features.catalog import FEATURES, IDENTITY, model_columns, render_features_doc

REQUIRED = [
    "age", "education", "university_tier", "major_field", "hometown", "program", "county",
    "tenure_months", "months_to_subsidy_end", "subsidy_monthly_amount", "subsidy_share_of_base",
    "active_subsidies", "lump_sum_in_service", "clawback_amount", "months_to_policy_expiry",
    "contribution_base", "base_growth_12m", "base_ratio_to_peers", "job_changes_12m",
    "job_changes_24m", "months_since_job_change", "months_since_last_contribution",
    "employer_industry", "employer_ownership", "employer_size", "employer_headcount_trend_6m",
    "employer_departures_6m", "county_departure_rate_12m", "hukou_moved", "spouse_placed",
    "child_enrolled", "home_purchased", "married", "title_awarded", "months_since_hukou_moved",
    "month_of_year", "months_to_spring_festival",
    # issue 14, item 3: how talents and employers behave
    "employer_hires_6m", "employer_base_cut_share_12m", "employer_moves_out_6m",
    "employer_departure_rate_eb", "months_to_second_subsidy_end", "months_to_service_end",
    "months_since_service_end", "stabilising_events", "unpaid_months_24m",
    "employer_in_talent_county",
]  # fmt: skip


def test_catalog_has_the_agreed_names_once_each_with_both_docs():
    names = [f.name for f in FEATURES]
    assert len(names) == len(set(names))
    assert set(REQUIRED) <= set(names)
    for f in FEATURES:
        assert f.kind in ("numeric", "categorical")
        assert f.doc_en and f.doc_zh and "\n" not in f.doc_en


def test_each_expression_is_named_after_its_feature():
    for f in FEATURES:
        assert f.expr().meta.output_name() == f.name


def test_model_columns_splits_catalog_and_x_columns_by_kind():
    frame = pl.DataFrame(
        {"talent_id": ["A"], "as_of": [date(2024, 1, 1)], "age": [30], "education": ["master"],
         "x_score": [1.5], "x_note": ["a"], "gender": ["F"]}
    )  # fmt: skip
    assert model_columns(frame) == (["age", "x_score"], ["education", "x_note"])
    numeric, categorical = model_columns(frame)
    assert not {"talent_id", "as_of", "gender"} & set(numeric + categorical)
    assert "gender" in IDENTITY


def test_spring_festival_and_month_of_year():
    frame = pl.DataFrame({"as_of": [date(2024, 2, 9), date(2024, 2, 11), date(2024, 12, 20)]})
    by_name = {f.name: f for f in FEATURES}
    out = frame.select(by_name["months_to_spring_festival"].expr(), by_name["month_of_year"].expr())
    assert out.get_column("months_to_spring_festival").to_list() == [0, 11, 1]
    assert out.get_column("month_of_year").to_list() == [2, 2, 12]


def test_docs_page_is_in_sync_with_the_catalog():
    page = Path(__file__).parents[2] / "docs" / "features.md"
    assert page.read_text(encoding="utf-8") == render_features_doc()
