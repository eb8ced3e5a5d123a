"""The console summary a scoring run prints: the same words and numbers as the workbook.

flows.score and flows.demo print it (see docs/actions.md for the wiring); the folder path is
printed after it by the caller.
"""

from __future__ import annotations

import polars as pl

from reports.labels import county_name, report_title, tier_name
from reports.lists import TEXT as LIST_TEXT
from reports.lists import verify_list, work_list
from reports.numbers import count, pct
from reports.risk_list import with_added_columns
from reports.summary import summarise_tiers


def console_summary(
    risk_list: pl.DataFrame, lang: str = "zh", county: str | None = None, top: int = 10
) -> str:
    """Title, counts per tier, the top of the work list with reasons, the count to verify."""
    zh = lang == "zh"
    risk_list = with_added_columns(risk_list)
    as_of = risk_list["as_of"].drop_nulls()
    day = as_of.first().isoformat() if as_of.len() else ""
    tiers = summarise_tiers(risk_list)
    shown = risk_list.with_columns(pl.coalesce("employer_name", "employer_id").alias("employer"))
    work = work_list(shown, max_rows=shown.height).sort(
        ["p_leave_6m", "talent_id"], descending=[True, False]
    )
    verify = verify_list(shown.filter(pl.col("risk_tier").is_in(["high", "medium"])))
    lines = [
        f"{report_title(county, lang)} {day}",
        (
            f"评估{count(tiers['talents_scored'])}人:高风险{count(tiers['tier_high'])}人,"
            f"中风险{count(tiers['tier_medium'])}人,低风险{count(tiers['tier_low'])}人;"
            f"{LIST_TEXT['work'][0]}{count(work.height)}人,{LIST_TEXT['verify'][0]}{count(verify.height)}人。"
            if zh
            else f"{count(tiers['talents_scored'])} talents scored: {count(tiers['tier_high'])} high, "
            f"{count(tiers['tier_medium'])} medium, {count(tiers['tier_low'])} low; "
            f"{count(work.height)} still paying to keep, {count(verify.height)} stopped paying to verify."
        ),
        f"{LIST_TEXT['work'][0 if zh else 1]}{'(前' + str(top) + '人)' if zh else f' (top {top})'}:",
    ]
    for row in work.head(top).iter_rows(named=True):
        where = county_name(row["county"], lang)
        risk = (
            f"6个月内离开概率{pct(row['p_leave_6m'])}"
            if zh
            else f"P(leave in 6 months) {pct(row['p_leave_6m'])}"
        )
        lines.append(
            f"  {row['talent_id']}  {where}  {row['employer'] or ''}  {risk}  {tier_name(row['risk_tier'], lang)}"
        )
        for key in ("reason_1", "reason_2", "reason_3"):
            if row[key]:
                lines.append(f"      - {row[key]}")
        if row["suggested_action"]:
            lines.append(f"      {'建议' if zh else 'Do'}: {row['suggested_action']}")
    if verify.height:
        lines.append(
            f"{LIST_TEXT['verify'][0]}{count(verify.height)}人:见工作簿各县「待核实」表。"
            if zh
            else f"{count(verify.height)} talents stopped paying: see each county's 'verify' sheet."
        )
    return "\n".join(lines)
