"""The published files: determinism, a county's own files, recovery, workbook, HTML, PII."""

import datetime as dt
import re
import stat

import polars as pl
import pytest

import reports.write as write_module
from reports.write import write_outputs

AS_OF = dt.date(2026, 11, 23)
PHONE, ID_NUMBER = "13912345678", "37140219900101001X"


def _risk_list() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "as_of": [AS_OF] * 4,
            "talent_id": ["T1", "T2", "T3", "T4"],
            "county": ["decheng", "qihe", "decheng", "qihe"],
            "employer_id": ["E1", "E2", "E1", "E3"],
            "p_leave_3m": [0.3, 0.2, 0.1, 0.02],
            "p_leave_6m": [0.45, 0.31, 0.2, 0.05],
            "p_leave_12m": [0.6, 0.5, 0.3, 0.1],
            "subsidy_end_date": [
                dt.date(2027, 1, 31),
                None,
                dt.date(2026, 5, 31),
                dt.date(2028, 1, 1),
            ],
            "months_to_subsidy_end": pl.Series([2, None, -5, 13], dtype=pl.Int32),
            "risk_tier": ["high", "high", "medium", "low"],
            "reason_1": [
                "生活补贴将于2027-01-31到期(还剩2个月)",
                "配偶未在德州安置",
                "非德州本地人(外省)",
                None,
            ],
            "reason_2": ["工资比本县同学历人员低30%", None, None, None],
            "reason_3": [None, None, None, None],
            "model_version": ["4"] * 4,
            "employer_name": ["德州光伏科技有限公司", "齐河钢铁集团", "德州光伏科技有限公司", None],
            "months_unpaid": pl.Series([0, 0, 2, 0], dtype=pl.Int32),
            "suggested_action": [
                "待遇留人：到期前告知县级衔接政策",
                "感情留人：了解家庭情况，介绍配偶安置和子女入学服务",
                "核实状态：电话核实本人现状",
                None,
            ],
        }
    )


def _contacts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "talent_id": ["T1", "T2", "T3", "T4"],
            "id_number": [ID_NUMBER] * 4,
            "name": ["王小明"] * 4,
            "phone": [PHONE] * 4,
        }
    )


def test_identical_input_gives_identical_parquet_and_csv(tmp_path):
    one = write_outputs(
        _risk_list(), tmp_path / "a", AS_OF, contacts=_contacts(), context={"model_version": "4"}
    )
    two = write_outputs(
        _risk_list(), tmp_path / "b", AS_OF, contacts=_contacts(), context={"model_version": "4"}
    )
    assert one.name == two.name == "2026-11-23"
    for name in ("risk_list.parquet", "risk_list.csv", "changes.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert (one / "risk_list.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert pl.read_parquet(one / "risk_list.parquet").equals(_risk_list())


def test_a_second_run_replaces_the_whole_folder(tmp_path):
    # Whether a finished run may be replaced is pipeline.outputs.claim_run_folder's decision.
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, context={})
    write_outputs(_risk_list().head(1), tmp_path, AS_OF, context={})
    assert pl.read_parquet(folder / "risk_list.parquet").height == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-23"]


def test_a_run_killed_midway_leaves_the_old_outputs(tmp_path, monkeypatch):
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, context={})
    before = (folder / "risk_list.csv").read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(write_module, "render_html", crash)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(_risk_list().head(1), tmp_path, AS_OF, context={})
    assert (folder / "risk_list.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-23"]


def test_a_countys_run_writes_that_countys_talents_only(tmp_path):
    # The pipeline filters once (pipeline.score.select_county); a county's run folder holds
    # only its own earlier lists, so both arrive here already filtered.
    decheng = pl.col("county") == "decheng"
    previous = _risk_list().with_columns(pl.col("p_leave_6m") / 2).filter(decheng)
    folder = write_outputs(
        _risk_list().filter(decheng),
        tmp_path,
        AS_OF,
        contacts=_contacts(),
        county="decheng",
        previous=previous,
        context={},
    )
    assert pl.read_parquet(folder / "risk_list.parquet")["county"].unique().to_list() == ["decheng"]
    assert pl.read_csv(folder / "changes.csv")["county"].unique().to_list() == ["decheng"]
    sheets = pl.read_excel(folder / "risk_list.xlsx", sheet_id=0)
    assert [s for s in sheets if s not in ("概况", "变化")] == ["德城区", "德城区待核实"]
    assert "T2" not in (folder / "report.html").read_text(encoding="utf-8")


def test_workbook_sheets_headers_and_contacts(tmp_path):
    folder = write_outputs(
        _risk_list(), tmp_path, AS_OF, contacts=_contacts(), context={"model_version": "4"}
    )
    path = folder / "risk_list.xlsx"
    sheets = pl.read_excel(path, sheet_id=0)
    assert list(sheets) == ["概况", "德城区", "德城区待核实", "齐河县", "变化"]
    decheng = sheets["德城区"]
    assert decheng.columns[:6] == ["序号", "人才编号", "姓名", "电话", "身份证号", "单位"]
    assert {"原因一", "风险等级", "建议行动", "6个月内离开概率"} <= set(decheng.columns)
    assert decheng["人才编号"].to_list() == ["T1"]  # T3 stopped paying: on the list to verify
    assert decheng["单位"].to_list() == ["德州光伏科技有限公司"]
    assert decheng["风险等级"].to_list() == ["高风险"]
    assert decheng["电话"].to_list() == [PHONE]
    verify = sheets["德城区待核实"]
    assert verify["人才编号"].to_list() == ["T3"]
    assert verify["停缴月数"].to_list() == [2]
    assert "换了工作" in verify["核实事项"][0] and verify["身份证号"][0] == ID_NUMBER
    assert sheets["齐河县"]["人才编号"].to_list() == ["T2"]  # T4 is low: in the CSV only
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_work_list_holds_paying_talents_ranked_and_verify_list_by_months_unpaid():
    from reports.lists import verify_list, work_list

    frame = _risk_list().with_columns(
        pl.Series("months_unpaid", [0, 1, 2, 0], dtype=pl.Int32),
        pl.Series("p_leave_6m", [0.45, 0.5, 0.2, 0.35]),
        pl.lit("decheng").alias("county"),
        pl.lit("high").alias("risk_tier"),
    )
    assert work_list(frame)["talent_id"].to_list() == ["T1", "T4"]
    assert work_list(frame, max_rows=1)["talent_id"].to_list() == ["T1"]
    assert verify_list(frame)["talent_id"].to_list() == ["T3", "T2"]  # 2 months before 1


def test_workbook_in_english_without_contacts(tmp_path):
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, contacts=None, lang="en", context={})
    sheets = pl.read_excel(folder / "risk_list.xlsx", sheet_id=0)
    assert list(sheets) == ["Summary", "Decheng", "Decheng verify", "Qihe", "Changes"]
    columns = sheets["Decheng"].columns
    assert columns[:3] == ["No.", "Talent ID", "Employer"] and "Reason 1" in columns
    assert not {"Name", "Phone", "ID number"} & set(columns)


def test_no_pii_outside_the_workbook(tmp_path):
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, contacts=_contacts(), context={})
    for name in ("risk_list.parquet", "risk_list.csv", "changes.csv", "report.html"):
        data = (folder / name).read_bytes()
        for secret in (PHONE, ID_NUMBER, "王小明"):
            assert secret.encode() not in data, (name, secret)


def test_html_is_self_contained_chinese_and_shows_both_lists(tmp_path):
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, context={"model_version": "4"})
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html and '<html lang="zh-CN">' in html
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "德州市人才流失风险周报" in html and "生活补贴将于2027-01-31到期(还剩2个月)" in html
    assert "德州光伏科技有限公司" in html and "E1" not in html  # names, not codes
    work = html.split("<h2>在岗需关注</h2>")[1].split("<h2>")[0]
    verify = html.split("<h2>已停缴待核实</h2>")[1].split("<h2>")[0]
    assert "T1" in work and "T3" not in work and "T3" in verify
    assert "本期为首期名单" in html and "如何阅读" in html and "@media print" in html


def test_a_countys_report_carries_its_own_title_and_no_county_table(tmp_path):
    qihe = _risk_list().filter(pl.col("county") == "qihe")
    folder = write_outputs(qihe, tmp_path, AS_OF, county="qihe", context={})
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<title>齐河县人才流失风险周报</title>" in html and "德州市人才流失" not in html
    assert "各县市区风险" not in html and "qihe" not in html
    sheets = pl.read_excel(folder / "risk_list.xlsx", sheet_id=0)
    assert sheets["概况"].columns[0] == "齐河县人才流失风险周报"


def test_html_upcoming_subsidy_ends_by_month(tmp_path):
    n = 60
    rows = pl.DataFrame(
        {
            "as_of": [AS_OF] * n,
            "talent_id": [f"T{i:03d}" for i in range(n)],
            "county": ["decheng"] * n,
            "employer_id": ["E1"] * n,
            "p_leave_3m": [0.1] * n,
            "p_leave_6m": [0.2 + (i % 3) / 10 for i in range(n)],
            "p_leave_12m": [0.6] * n,
            "subsidy_end_date": [
                [dt.date(2026, 12, 15), dt.date(2027, 1, 15), dt.date(2025, 1, 1)][i % 3]
                for i in range(n)
            ],
            "months_to_subsidy_end": pl.Series([0] * n, dtype=pl.Int32),
            "risk_tier": ["medium"] * n,
            "reason_1": [None] * n,
            "reason_2": [None] * n,
            "reason_3": [None] * n,
            "model_version": ["1"] * n,
        },
        schema_overrides={f"reason_{k}": pl.String for k in (1, 2, 3)},
    )
    from reports.summary import summarise_upcoming

    upcoming = summarise_upcoming(rows)
    assert upcoming.height == 12 and upcoming["month"][0] == dt.date(2026, 11, 1)
    assert upcoming["talents"].to_list()[:3] == [0, 20, 20]  # ended subsidies are left out
    assert upcoming["mean_p_leave_6m"][1] == pytest.approx(0.2)
    assert upcoming["mean_p_leave_6m"][2] == pytest.approx(0.3)
    html = (write_outputs(rows, tmp_path, AS_OF, context={}) / "report.html").read_text(
        encoding="utf-8"
    )
    assert html.count("<rect") >= 12 and "2027年1月" in html and "12月" in html


def test_an_overwrite_killed_between_its_renames_is_recovered(tmp_path):
    folder = write_outputs(_risk_list(), tmp_path, AS_OF, context={})
    folder.rename(tmp_path / ".2026-11-23.old")  # as if killed after moving the old run aside
    write_module.recover_interrupted(tmp_path, "2026-11-23")
    assert pl.read_parquet(folder / "risk_list.parquet").height == 4


def test_english_outputs_for_one_county(tmp_path):
    qihe = _risk_list().filter(pl.col("county") == "qihe")
    folder = write_outputs(qihe, tmp_path, AS_OF, county="qihe", lang="en", context={})
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<title>Qihe talent attrition weekly report</title>" in html and 'lang="en"' in html
    assert "This is the first list" in html and "How to read this" in html
    sheets = pl.read_excel(folder / "risk_list.xlsx", sheet_id=0)
    assert list(sheets) == ["Summary", "Qihe", "Changes"]
    assert sheets["Qihe"]["Risk tier"].to_list() == ["high"]
