"""The what-if's small-group rule and the workbook's offers sheet, on a made-up plan."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import numpy as np
import polars as pl

import reports.plan_files as plan_files
from pipeline.plan import PLAN_COLUMNS
from plan.budget import headline, select_within
from plan.whatif import MIN_GROUP, gain_curve, group_whatif


def made_up_plan(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    cost = rng.choice([6000.0, 18000.0], n)
    p0 = rng.uniform(0.05, 0.6, n)
    # qihe bachelors are many; a handful of leling doctors make a group too small to mean much.
    county = np.where(np.arange(n) < 6, "leling", "qihe")
    education = np.where(np.arange(n) < 6, "doctorate", "bachelor")
    effects = pl.DataFrame({
        "talent_id": [f"T{i:07d}" for i in range(n)], "county": county, "education": education,
        "university_tier": ["ordinary"] * n, "offer_kind": ["new"] * n, "monthly_yuan": cost / 12,
        "cost_yuan": cost, "p_leave_12m": p0, "p_leave_12m_with_offer": p0 * 0.8,
        "months_gained": rng.exponential(0.3, n), "months_gained_low": np.zeros(n),
        "months_gained_high": np.ones(n), "grant_end_date": [date(2026, 1, 1)] * n,
    })  # fmt: skip
    budget = 0.2 * effects["cost_yuan"].sum()
    plan = select_within(effects, budget, None, 0.0, 0)
    figures = headline(plan, budget) | {"model_version": "1", "estimator": "hazard"}
    whatif = group_whatif(plan, date(2026, 11, 23), pl.Series([], dtype=pl.String))
    return plan, whatif, gain_curve(plan, budget=budget), figures


def test_groups_under_the_minimum_are_flagged_last_and_left_out_of_the_page():
    plan, whatif, curve, figures = made_up_plan()
    small = whatif.filter("too_small")
    assert small["talents"].to_list() == [6] and (whatif["talents"] < MIN_GROUP).sum() == 1
    assert whatif["too_small"].to_list()[-1]  # sorted after every group large enough
    html = plan_files.render_plan_html(
        plan.select(PLAN_COLUMNS), whatif, curve, figures, "2026-11-23", "zh"
    )
    table = html.split("整组要约测算")[1].split("入选名单")[0]
    assert "乐陵" not in table  # the 6 leling doctors' row
    assert f"另有 1 个不足 {MIN_GROUP} 人的组未列出" in table


def sheet_rows(book: bytes, index: int) -> int:
    """Rows written in the index-th worksheet of an xlsx."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode().count("<row ")


def test_the_offers_sheet_holds_the_best_offers_up_to_its_cap_and_prints_landscape(monkeypatch):
    plan, whatif, curve, figures = made_up_plan()
    book = plan_files.render_plan_workbook(
        plan.select(PLAN_COLUMNS), whatif, curve, figures, "2026-11-23", "zh"
    )
    assert sheet_rows(book, 3) == 1 + plan.height  # header + every eligible talent
    monkeypatch.setattr(plan_files, "OFFERS_SHEET_MAX", 50)
    book = plan_files.render_plan_workbook(
        plan.select(PLAN_COLUMNS), whatif, curve, figures, "2026-11-23", "zh"
    )
    assert sheet_rows(book, 3) == 1 + 50 + 1  # header, 50 offers, the note pointing to plan.csv
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        xml = z.read("xl/worksheets/sheet3.xml").decode()
        names = z.read("xl/workbook.xml").decode()
    assert 'orientation="landscape"' in xml and 'fitToHeight="0"' in xml and 'paperSize="9"' in xml
    assert "_xlnm.Print_Titles" in names and "_xlnm.Print_Area" in names
