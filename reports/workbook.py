"""The officers' Excel workbook: a summary, per county a work list and a list to verify, changes.

Every sheet prints on A4 landscape, one page wide, with the header row repeated and the
reasons wrapped. Contacts (name, phone; the ID number on the lists to verify) appear here only.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import polars as pl
import xlsxwriter

from reports.labels import ENUM_LABELS, county_name, label_code, label_column, report_title
from reports.lists import TEXT as LIST_TEXT
from reports.lists import task_text, verify_list, work_list
from reports.numbers import EXCEL_DATE, EXCEL_INT, EXCEL_PCT
from reports.reading import how_to_read, thresholds_text
from reports.summary import summarise_counties, summarise_tiers
from reports.tiers import OFFICER_CAPACITY, RiskThresholds
from runconfig import DEFAULT

CONTACT_COLUMNS = ["name", "phone", "id_number"]
WORK_COLUMNS = [
    "rank",
    "talent_id",
    "name",
    "phone",
    "id_number",
    "employer",
    "risk_tier",
    "p_leave_6m",
    "subsidy_end_date",
    "reason_1",
    "reason_2",
    "reason_3",
    "suggested_action",
]
VERIFY_COLUMNS = [
    "rank",
    "talent_id",
    "name",
    "phone",
    "id_number",
    "employer",
    "months_unpaid",
    "p_leave_6m",
    "task",
]
CHANGE_COLUMNS = [  # the name only: those who fell or left need no call, so no phone
    "change",
    "talent_id",
    "name",
    "county",
    "employer",
    "tier_change",
    "p_leave_6m_previous",
    "p_leave_6m",
    "reason_1",
]
MAX_CHANGE_ROWS = 5_000  # the sheet keeps the listed tiers' changes; changes.csv has them all
TIER_COLOURS = {"high": "#FFC7CE", "medium": "#FFEB9C", "low": "#C6EFCE"}
WIDTHS = {
    "rank": 5,
    "talent_id": 10,
    "name": 8,
    "phone": 13,
    "id_number": 20,
    "employer": 18,
    "county": 9,
    "risk_tier": 8,
    "p_leave_6m": 9,
    "p_leave_12m": 9,
    "p_leave_6m_previous": 9,
    "subsidy_end_date": 11,
    "months_unpaid": 7,
    "reason_1": 24,
    "reason_2": 24,
    "reason_3": 24,
    "suggested_action": 42,
    "task": 58,
    "change": 10,
    "tier_change": 14,
}
WRAPPED = {"employer", "reason_1", "reason_2", "reason_3", "suggested_action", "task"}
CHANGE_LABELS = {
    "new": ("新上榜", "new on the list"),
    "risen": ("风险上升", "risen"),
    "fallen": ("风险下降", "fallen"),
    "left": ("已确认离开", "confirmed left"),
}
HEADERS = {
    "p_leave_6m": ("6个月内离开概率", "P(leave in 6 months)"),
    "p_leave_12m": ("12个月内离开概率", "P(leave in 12 months)"),
    "p_leave_6m_previous": ("上期6个月内离开概率", "Previous P(leave in 6 months)"),
    "tier_change": ("风险等级变化", "Tier change"),
    "reason_1": ("原因一", "Reason 1"),
}
FIRST_WEEK = (
    "本期为首期名单,没有上期名单可比。",
    "This is the first list: there is no earlier list to compare with.",
)


def render_workbook(
    risk_list: pl.DataFrame,
    contacts: pl.DataFrame | None,
    lang: str,
    context: dict,
    changes: pl.DataFrame | None = None,
    tiers: tuple[str, ...] = ("high", "medium"),
    max_rows_per_county: int = 2000,
    thresholds: RiskThresholds = DEFAULT.tiers,
) -> bytes:
    """The workbook as bytes: summary; per county its work list and its list to verify; changes.

    Both lists hold talents of `tiers` only, so the workbook holds the contacts of exactly the
    talents flagged (the changes sheet adds the names, never the numbers, of those who fell
    or left). A work list holds every paying talent of `tiers`, riskiest first (at most
    max_rows_per_county); the first OFFICER_CAPACITY are this week's calls.
    """
    zh = lang == "zh"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    as_of = risk_list["as_of"].drop_nulls().first() if risk_list.height else None
    stamp = dt.datetime.combine(as_of or dt.date(2000, 1, 1), dt.time())
    title = report_title(context.get("county"), lang)
    book.set_properties({"title": title, "created": stamp})
    fmt = _formats(book)
    people = _with_contacts(risk_list, contacts).with_columns(
        pl.coalesce("employer_name", "employer_id").alias("employer"),
        task_text(lang).alias("task"),
    )
    counties = summarise_counties(risk_list, tiers, max_rows_per_county)
    _write_summary(
        book,
        fmt,
        risk_list,
        counties,
        lang,
        context,
        changes,
        tiers,
        max_rows_per_county,
        thresholds,
        title,
    )
    keep = [c for c in WORK_COLUMNS if contacts is not None or c not in CONTACT_COLUMNS]
    check = [c for c in VERIFY_COLUMNS if contacts is not None or c not in CONTACT_COLUMNS]
    work = work_list(people, tiers, max_rows_per_county)
    verify = verify_list(people.filter(pl.col("risk_tier").is_in(list(tiers))))
    for code in counties["county"]:
        name = county_name(code, lang)[:24]
        rows = work.filter(pl.col("county") == code)
        _write_table(book, fmt, name, rows.select(keep), lang, f"{name} {_t('work', lang)}")
        todo = verify.filter(pl.col("county") == code)
        if todo.height:
            sheet = LIST_TEXT["verify_sheet"][0 if zh else 1].format(name)
            _write_table(book, fmt, sheet, todo.select(check), lang, f"{name} {_t('verify', lang)}")
    _write_changes(book, fmt, contacts, changes, tiers, lang)
    book.close()
    return buffer.getvalue()


def _t(key: str, lang: str) -> str:
    return LIST_TEXT[key][0 if lang == "zh" else 1]


def _with_contacts(frame: pl.DataFrame, contacts: pl.DataFrame | None) -> pl.DataFrame:
    if contacts is None:
        return frame
    return frame.join(contacts.select("talent_id", *CONTACT_COLUMNS), on="talent_id", how="left")


def label_changes(changes: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Changes with the change kind, tiers and counties in the officers' language."""
    before = label_code(pl.col("risk_tier_previous"), "risk_tier", lang)
    after = label_code(pl.col("risk_tier"), "risk_tier", lang)
    return changes.with_columns(
        pl.col("change").replace(
            {k: v[0 if lang == "zh" else 1] for k, v in CHANGE_LABELS.items()}
        ),
        before.alias("risk_tier_previous"),
        label_code(pl.col("county"), "county", lang),
        pl.when(pl.col("risk_tier_previous").is_null())
        .then(pl.format("→ {}", after))
        .when(pl.col("risk_tier").is_null())
        .then(pl.format("{} →", before))
        .when(pl.col("risk_tier") != pl.col("risk_tier_previous"))
        .then(pl.format("{} → {}", before, after))
        .otherwise(after)
        .alias("tier_change"),
    )


def _formats(book: xlsxwriter.Workbook) -> dict:
    base = {"valign": "top", "font_size": 10}
    return {
        "header": book.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "pct": book.add_format({**base, "num_format": EXCEL_PCT}),
        "date": book.add_format({**base, "num_format": EXCEL_DATE}),
        "int": book.add_format({**base, "num_format": EXCEL_INT}),
        "text": book.add_format(base),
        "wrap": book.add_format({**base, "text_wrap": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({**base, "bold": True}),
        "note": book.add_format({**base, "text_wrap": True}),
        **{
            tier: book.add_format({**base, "bg_color": colour})
            for tier, colour in TIER_COLOURS.items()
        },
    }


def _print_setup(sheet, title: str, lang: str) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers in the footer."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    header = title.replace("&", "&&")
    sheet.set_header(f"&L{header}", {"margin": 0.25})
    footer = "&C第 &P 页,共 &N 页" if lang == "zh" else "&CPage &P of &N"
    sheet.set_footer(footer, {"margin": 0.25})


LINE_POINTS = 13.5  # one line of 10-point text


def text_units(text: str) -> int:
    """Width of text in Excel column units at 10 points: a CJK character about 1.5, others 1
    (measured on LibreOffice's print of Noto Sans CJK)."""
    return math.ceil(sum(1.5 if ord(ch) > 0x2E7F else 1.0 for ch in text))


def lines_needed(text: str | None, width: float) -> int:
    """Lines a wrapped cell of `width` units needs (LibreOffice and Excel do not grow rows of a
    generated file by themselves, so the workbook sets each row's height)."""
    if not text:
        return 1
    per_line = max(1.0, width - 1.5)
    return sum(max(1, -(-text_units(part) // int(per_line))) for part in str(text).split("\n"))


def _header_label(name: str, lang: str) -> str:
    if name in HEADERS:
        return HEADERS[name][0 if lang == "zh" else 1]
    return label_column(name, lang)


def _write_table(
    book, fmt: dict, sheet_name: str, frame: pl.DataFrame, lang: str, title: str, note: str = ""
) -> None:
    sheet = book.add_worksheet(sheet_name)
    _print_setup(sheet, title, lang)
    if "risk_tier" in frame.columns:
        tiers = frame["risk_tier"]
        frame = frame.with_columns(label_code(pl.col("risk_tier"), "risk_tier", lang))
    else:
        tiers = None
    for j, name in enumerate(frame.columns):
        sheet.write_string(0, j, _header_label(name, lang), fmt["header"])
        cell = (
            fmt["pct"]
            if name.startswith("p_leave")
            else fmt["date"]
            if frame[name].dtype == pl.Date
            else fmt["int"]
            if frame[name].dtype.is_integer()
            else fmt["wrap"]
            if name in WRAPPED
            else fmt["text"]
        )
        sheet.set_column(j, j, WIDTHS.get(name, 12), cell)
        _write_values(sheet, j, frame[name], cell)
    heights = [1] * frame.height
    for name in frame.columns:
        if name in WRAPPED or name == "tier_change":
            width = WIDTHS.get(name, 12)
            for i, value in enumerate(frame[name].cast(pl.String).to_list()):
                heights[i] = max(heights[i], lines_needed(value, width))
    header_lines = max(
        lines_needed(_header_label(c, lang), WIDTHS.get(c, 12)) for c in frame.columns
    )
    sheet.set_row(0, LINE_POINTS * header_lines + 2)
    for i, lines in enumerate(heights, start=1):
        sheet.set_row(i, LINE_POINTS * lines + 2)
    sheet.repeat_rows(0)
    sheet.freeze_panes(1, 0)
    last_row, last_col = max(frame.height, 1), len(frame.columns) - 1
    if frame.height == 0:
        empty = "本表暂无人员。" if lang == "zh" else "Nobody on this list."
        sheet.write_string(1, 0, note or empty, fmt["text"])
    else:
        sheet.autofilter(0, 0, last_row, last_col)
    sheet.print_area(0, 0, last_row, last_col)
    if tiers is not None:
        for i, tier in enumerate(tiers.to_list(), start=1):
            if tier in TIER_COLOURS:
                col = frame.columns.index("risk_tier")
                sheet.write_string(
                    i, col, ENUM_LABELS["risk_tier"][tier][0 if lang == "zh" else 1], fmt[tier]
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


def _write_changes(book, fmt, contacts, changes, tiers, lang: str) -> None:
    zh = lang == "zh"
    sheet_name = "变化" if zh else "Changes"
    title = "与上期名单相比的变化" if zh else "Changes since the previous list"
    columns = [c for c in CHANGE_COLUMNS if contacts is not None or c not in CONTACT_COLUMNS]
    if changes is None:
        frame = pl.DataFrame(schema={c: pl.String for c in columns})
        _write_table(book, fmt, sheet_name, frame, lang, title, FIRST_WEEK[0 if zh else 1])
        return
    involved = pl.col("risk_tier").is_in(list(tiers)) | pl.col("risk_tier_previous").is_in(
        list(tiers)
    )
    shown = changes.filter(involved).head(MAX_CHANGE_ROWS)
    if contacts is not None:  # contacts hold everyone in the extract, those who left too
        shown = shown.join(
            contacts.select("talent_id", "name", "phone"), on="talent_id", how="left"
        )
    shown = label_changes(shown, lang).with_columns(
        pl.coalesce("employer_name", "employer_id").alias("employer")
    )
    for c in columns:
        if c not in shown.columns:
            shown = shown.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    nothing = "与上期相比没有变化。" if zh else "No change since the previous list."
    _write_table(book, fmt, sheet_name, shown.select(columns), lang, title, nothing)


def _write_summary(
    book, fmt, risk_list, counties, lang, context, changes, tiers, max_rows, thresholds, title
) -> None:
    zh = lang == "zh"
    sheet = book.add_worksheet("概况" if zh else "Summary")
    _print_setup(sheet, title, lang)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 8, 13)
    sheet.write_string(0, 0, title, fmt["title"])
    tiers_count = summarise_tiers(risk_list)
    work = int(counties["shown"].sum()) if counties.height else 0
    verify = int(counties["to_verify"].sum()) if counties.height else 0
    rows: list[tuple[str, object]] = [
        (label_column("as_of", lang), str(context.get("as_of", ""))),
        (label_column("model_version", lang), str(context.get("model_version", ""))),
    ]
    if context.get("county"):
        rows.append((label_column("county", lang), county_name(context["county"], lang)))
    rows += [
        (label_column("talents_scored", lang), tiers_count["talents_scored"]),
        (label_column("tier_high", lang), tiers_count["tier_high"]),
        (label_column("tier_medium", lang), tiers_count["tier_medium"]),
        (label_column("tier_low", lang), tiers_count["tier_low"]),
        (_t("work", lang) + ("(本工作簿列出)" if zh else " (listed here)"), work),
        (_t("verify", lang), verify),
        (label_column("thresholds", lang), thresholds_text(thresholds, lang)),
    ]
    row = 2
    for key, value in rows:
        sheet.write_string(row, 0, key, fmt["bold"])
        if isinstance(value, int):
            sheet.write_number(row, 1, value, fmt["int"])
        else:
            sheet.write_string(row, 1, str(value), fmt["text"])
        row += 1
    row += 1
    sheet.write_string(row, 0, "与上期相比" if zh else "Since the previous list", fmt["bold"])
    row += 1
    if changes is None:
        sheet.write_string(row, 0, FIRST_WEEK[0 if zh else 1], fmt["text"])
        row += 1
    else:
        counts = dict(changes.group_by("change").len().iter_rows())
        for key, pair in CHANGE_LABELS.items():
            sheet.write_string(row, 0, pair[0 if zh else 1], fmt["text"])
            sheet.write_number(row, 1, int(counts.get(key, 0)), fmt["int"])
            row += 1
    shown_tiers = ("、" if zh else ", ").join(
        ENUM_LABELS["risk_tier"][t][0 if zh else 1] for t in tiers
    )
    note = (
        f"各县「在岗需关注」表列出仍在缴纳社保、{shown_tiers}的人才,按6个月内离开概率从高到低,"
        f"前{OFFICER_CAPACITY}名为本周优先联系的人;「待核实」表列出其中已停缴社保的人才。"
        "全部人才的完整名单另见同一文件夹中的名单文件。"
        if zh
        else f"Each county's work sheet lists talents still paying, in tiers {shown_tiers}, riskiest "
        f"first; the first {OFFICER_CAPACITY} are this week's calls. Its 'verify' sheet lists "
        "those flagged who stopped paying. The full list of every talent is in the same folder."
    )
    row += 1
    sheet.merge_range(row, 0, row, 7, note, fmt["note"])
    sheet.set_row(row, LINE_POINTS * lines_needed(note, 26 + 13 * 7) + 4)
    row += 2
    if counties.height > 1:
        header = [
            "county",
            "talents",
            "high",
            "medium",
            "low",
            "mean_p_leave_6m",
            "shown",
            "to_verify",
        ]
        names = (
            [
                "县市区",
                "人才数",
                "高风险",
                "中风险",
                "低风险",
                "平均6个月内离开概率",
                "在岗需关注",
                "已停缴待核实",
            ]
            if zh
            else [
                "County",
                "Talents",
                "High",
                "Medium",
                "Low",
                "Mean P(leave in 6 months)",
                "Listed to keep",
                "To verify",
            ]
        )
        for j, name in enumerate(names):
            sheet.write_string(row, j, name, fmt["header"])
        sheet.set_row(row, LINE_POINTS * max(lines_needed(n, 13) for n in names) + 2)
        table = counties.with_columns(label_code(pl.col("county"), "county", lang)).select(header)
        for values in table.iter_rows():
            row += 1
            for j, value in enumerate(values):
                if header[j] == "mean_p_leave_6m":
                    sheet.write_number(row, j, value, fmt["pct"]) if value is not None else None
                elif isinstance(value, int):
                    sheet.write_number(row, j, value, fmt["int"])
                else:
                    sheet.write_string(row, j, str(value), fmt["text"])
        row += 2
    sheet.write_string(row, 0, "如何阅读" if zh else "How to read this", fmt["bold"])
    for line in how_to_read(lang, thresholds, OFFICER_CAPACITY):
        row += 1
        sheet.merge_range(row, 0, row, 7, line, fmt["note"])
        sheet.set_row(row, LINE_POINTS * lines_needed(line, 26 + 13 * 7) + 4)
    sheet.print_area(0, 0, row, 7)
