"""The officers' Excel workbook: a summary sheet, one sheet per county, the changes."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import xlsxwriter

from reports.labels import ENUM_LABELS, label_code, label_column
from reports.summary import summarise_counties, summarise_tiers

CONTACT_COLUMNS = ["name", "phone", "id_number"]
SHEET_COLUMNS = [
    "talent_id",
    *CONTACT_COLUMNS,
    "employer_id",
    "risk_tier",
    "p_leave_6m",
    "p_leave_3m",
    "p_leave_12m",
    "subsidy_end_date",
    "months_to_subsidy_end",
    "reason_1",
    "reason_2",
    "reason_3",
]
MAX_CHANGE_ROWS = 5_000  # the sheet keeps the listed tiers' changes; changes.csv has them all
TIER_COLOURS = {"high": "#FFC7CE", "medium": "#FFEB9C", "low": "#C6EFCE"}
WIDTHS = {"talent_id": 12, "name": 10, "phone": 14, "id_number": 20, "employer_id": 12}
CHANGE_LABELS = {
    "new": ("新上榜", "new on the list"),
    "risen": ("风险上升", "risen"),
    "fallen": ("风险下降", "fallen"),
    "left": ("已离开", "left the city"),
}


def render_workbook(
    risk_list: pl.DataFrame,
    contacts: pl.DataFrame | None,
    lang: str,
    context: dict,
    changes: pl.DataFrame | None = None,
    tiers: tuple[str, ...] = ("high", "medium"),
    max_rows_per_county: int = 2000,
) -> bytes:
    """The workbook as bytes: talents of `tiers`, riskiest first, at most N per county sheet."""
    zh = lang == "zh"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    as_of = risk_list["as_of"].drop_nulls().first() if risk_list.height else None
    stamp = dt.datetime.combine(as_of or dt.date(2000, 1, 1), dt.time())
    book.set_properties(
        {"title": "人才流失风险名单" if zh else "Talent attrition risk list", "created": stamp}
    )
    fmt = _formats(book)
    listed = risk_list.filter(pl.col("risk_tier").is_in(list(tiers)))
    if contacts is not None:
        listed = listed.join(
            contacts.select("talent_id", *CONTACT_COLUMNS), on="talent_id", how="left"
        )
    columns = [c for c in SHEET_COLUMNS if contacts is not None or c not in CONTACT_COLUMNS]
    counties = summarise_counties(risk_list, tiers, max_rows_per_county)
    _write_summary(book, fmt, risk_list, counties, lang, context, tiers, max_rows_per_county)
    for code in counties["county"]:
        rows = listed.filter(pl.col("county") == code).head(max_rows_per_county)
        name = label_code(pl.lit(code), "county", lang)
        _write_table(book, fmt, pl.select(name).item()[:31], rows.select(columns), lang)
    if changes is not None and changes.height:
        involved = pl.col("risk_tier").is_in(list(tiers)) | pl.col("risk_tier_previous").is_in(
            list(tiers)
        )
        shown = label_changes(changes.filter(involved).head(MAX_CHANGE_ROWS), lang)
        _write_table(book, fmt, "变化" if zh else "Changes", shown, lang)
    book.close()
    return buffer.getvalue()


def label_changes(changes: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Changes with the change kind and tiers in the officers' language (tier column kept as code)."""
    before = label_code(pl.col("risk_tier_previous"), "risk_tier", lang)
    after = label_code(pl.col("risk_tier"), "risk_tier", lang)
    return changes.with_columns(
        pl.col("change").replace(
            {k: v[0 if lang == "zh" else 1] for k, v in CHANGE_LABELS.items()}
        ),
        before.alias("risk_tier_previous"),
        pl.when(pl.col("tier_change").is_not_null())
        .then(pl.format("{} → {}", before, after))
        .alias("tier_change"),
    )


def _formats(book: xlsxwriter.Workbook) -> dict:
    return {
        "header": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "pct": book.add_format({"num_format": "0%"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "text": book.add_format({}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        **{tier: book.add_format({"bg_color": colour}) for tier, colour in TIER_COLOURS.items()},
    }


def _write_table(book, fmt: dict, sheet_name: str, frame: pl.DataFrame, lang: str) -> None:
    sheet = book.add_worksheet(sheet_name)
    tier_col = frame.columns.index("risk_tier") if "risk_tier" in frame.columns else None
    if tier_col is not None:
        frame = frame.with_columns(label_code(pl.col("risk_tier"), "risk_tier", lang))
    for j, name in enumerate(frame.columns):
        sheet.write_string(0, j, label_column(name, lang), fmt["header"])
        cell = (
            fmt["pct"]
            if name.startswith("p_leave")
            else fmt["date"]
            if frame[name].dtype == pl.Date
            else None
        )
        sheet.set_column(j, j, 40 if name.startswith("reason") else WIDTHS.get(name, 13), cell)
        _write_values(sheet, j, frame[name], cell)
    sheet.freeze_panes(1, 0)
    last_row, last_col = max(frame.height, 1), len(frame.columns) - 1
    sheet.autofilter(0, 0, last_row, last_col)
    if tier_col is not None and frame.height:
        letter = xlsxwriter.utility.xl_col_to_name(tier_col)
        for tier, labels in ENUM_LABELS["risk_tier"].items():
            label = labels[0 if lang == "zh" else 1]
            sheet.conditional_format(
                1,
                0,
                frame.height,
                last_col,
                {"type": "formula", "criteria": f'=${letter}2="{label}"', "format": fmt[tier]},
            )


def _write_values(sheet, col: int, values: pl.Series, cell) -> None:
    """One column, with the typed writer picked once per column rather than per cell."""
    if values.dtype == pl.String:
        write = sheet.write_string
    elif values.dtype.is_numeric():
        write = sheet.write_number
    elif values.dtype == pl.Date:
        write = sheet.write_datetime
    else:
        write, values = sheet.write_string, values.cast(pl.String)
    for row, value in enumerate(values.to_list(), start=1):
        if value is not None:
            write(row, col, value, cell)


def _write_summary(book, fmt, risk_list, counties, lang, context, tiers, max_rows) -> None:
    zh = lang == "zh"
    sheet = book.add_worksheet("概况" if zh else "Summary")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 8, 14)
    sheet.write_string(
        0, 0, "德州市人才流失风险名单" if zh else "Dezhou talent attrition risk list", fmt["title"]
    )
    row = 2
    for key, value in {**context, **summarise_tiers(risk_list)}.items():
        sheet.write_string(row, 0, label_column(str(key), lang))
        plain = isinstance(value, int | float) and not isinstance(value, bool)
        sheet.write(row, 1, value if plain else str(value))
        row += 1
    shown = "、".join(tiers) if zh else ", ".join(tiers)
    note = (
        f"各县表格列出风险等级为 {shown} 的人才,按6个月离开概率从高到低,每县最多 {max_rows} 人;完整名单见 risk_list.csv。"
        if zh
        else f"County sheets list talents in tiers {shown}, riskiest first, at most {max_rows} per county; the full list is in risk_list.csv."
    )
    sheet.write_string(row + 1, 0, note)
    header = ["county", "talents", "high", "medium", "low", "mean_p_leave_6m", "shown"]
    names_zh = ["县市区", "人才数", "高风险", "中风险", "低风险", "平均6个月离开概率", "本表列出"]
    names_en = [
        "County",
        "Talents",
        "High",
        "Medium",
        "Low",
        "Mean P(leave in 6 months)",
        "Listed here",
    ]
    start = row + 3
    for j, title in enumerate(names_zh if zh else names_en):
        sheet.write_string(start, j, title, fmt["header"])
    table = counties.with_columns(label_code(pl.col("county"), "county", lang)).select(header)
    for i, values in enumerate(table.iter_rows(), start=start + 1):
        for j, value in enumerate(values):
            sheet.write(i, j, value, fmt["pct"] if header[j] == "mean_p_leave_6m" else None)
