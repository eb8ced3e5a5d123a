"""Chinese officer outputs hold Chinese only: no Latin letter outside talent and employer IDs."""

import re
import zipfile
from html import unescape
from html.parser import HTMLParser

import polars as pl
import pytest
from officer_fixture import week

from reports.console import console_summary
from reports.numbers import EXCEL_PCT, pct
from reports.write import write_outputs

LATIN = re.compile(r"[A-Za-z]")
ID = re.compile(r"(?<![A-Za-z0-9])[TE]\d{5,6}(?![0-9])")  # talent_id and employer_id of the fixture


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag == "style"

    def handle_endtag(self, tag):
        self._skip -= tag == "style"

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _latin(texts: list[str]) -> list[str]:
    return [t for t in texts if LATIN.search(ID.sub("", t))]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    data = week()
    out = tmp_path_factory.mktemp("lists")
    as_of = data["risk_list"]["as_of"][0]
    folder = write_outputs(
        data["risk_list"],
        out,
        as_of,
        contacts=data["contacts"],
        previous=data["previous"],
        context={"model_version": "7"},
        tables=data["tables"],
    )
    qihe = data["risk_list"].filter(pl.col("county") == "qihe")  # the pipeline filters once
    county = write_outputs(qihe, out / "qihe", as_of, county="qihe", context={"model_version": "7"})
    return {"folder": folder, "county": county, **data}


def _html_text(path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return [p for p in parser.parts if p.strip()]


def _workbook_text(path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
        sheets = book.read("xl/workbook.xml").decode("utf-8")
    cells = [unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", strings)]
    names = [unescape(t) for t in re.findall(r'<sheet name="([^"]*)"', sheets)]
    return cells + names


def test_html_text_has_no_latin_letters(published):
    for folder in (published["folder"], published["county"]):
        texts = _html_text(folder / "report.html")
        assert texts and _latin(texts) == []


def test_workbook_cells_and_sheet_names_have_no_latin_letters(published):
    texts = _workbook_text(published["folder"] / "risk_list.xlsx")
    assert "留任意愿调查得分为1,这一取值使离开风险升高" in texts
    assert _latin(texts) == []


def test_console_summary_has_no_latin_letters(published):
    text = console_summary(published["risk_list"], "zh")
    assert "在岗需关注" in text and "德州市人才流失风险周报" in text
    assert _latin(text.splitlines()) == []
    county = console_summary(
        published["risk_list"].filter(pl.col("county") == "qihe"), "zh", "qihe"
    )
    assert county.startswith("齐河县人才流失风险周报") and _latin(county.splitlines()) == []


def test_the_checker_finds_latin_letters():
    assert _latin(["风险等级为 high", "所在单位E000327"]) == ["风险等级为 high"]
    assert _latin(["登记属性「survey intent to stay」为1"]) != []


def test_protected_and_unlabelled_attributes_never_reach_officers(published):
    risk = published["risk_list"]
    reasons = pl.concat([risk[c] for c in ("reason_1", "reason_2", "reason_3")]).drop_nulls()
    assert reasons.len() > 0
    assert not reasons.str.contains(
        "性别|为m|为f|登记的其他属性|学历为|在齐河县工作|本县近12个月"
    ).any()


def test_one_probability_reads_the_same_in_html_console_and_workbook_format(published):
    html = " ".join(_html_text(published["folder"] / "report.html"))
    text = console_summary(published["risk_list"], "zh")
    assert pct(0.9981) == ">99%" and ">99%" in text and ">99%" in html
    assert "100%" not in text and "100%" not in html and "99.8%" not in html
    with zipfile.ZipFile(published["folder"] / "risk_list.xlsx") as book:
        styles = book.read("xl/styles.xml").decode("utf-8")
    codes = [unescape(c) for c in re.findall(r'formatCode="([^"]*)"', styles)]
    assert EXCEL_PCT in codes and "0%" not in codes


def test_changes_name_people_and_say_who_left(published):
    sheets = pl.read_excel(published["folder"] / "risk_list.xlsx", sheet_id=0)
    changes = sheets["变化"]
    assert {"变化", "姓名", "县市区", "单位", "风险等级变化", "原因一"} <= set(changes.columns)
    assert set(changes["变化"]) >= {"新上榜", "风险上升", "已确认离开"}
    left = changes.filter(pl.col("变化") == "已确认离开")
    assert left["人才编号"].to_list() == ["T99999"] and left["姓名"][0]
    assert set(changes["县市区"]) <= {"齐河县", "德城区"}
    html = (published["folder"] / "report.html").read_text(encoding="utf-8")
    assert "王小明" not in html and "139" not in re.sub(r"T\d+", "", html.split("<body>")[1])
    first = sheets["概况"]
    assert "本期为首期名单" not in " ".join(str(v) for v in first.to_series(0).to_list())
    county = pl.read_excel(published["county"] / "risk_list.xlsx", sheet_id=0)
    assert "本期为首期名单,没有上期名单可比。" in county["概况"].to_series(0).to_list()


def test_the_workbook_holds_the_numbers_of_exactly_the_flagged_talents(published):
    texts = set(_workbook_text(published["folder"] / "risk_list.xlsx"))
    contacts, risk = published["contacts"], published["risk_list"]
    flagged = risk.filter(pl.col("risk_tier").is_in(["high", "medium"]))["talent_id"]
    expected = contacts.filter(pl.col("talent_id").is_in(flagged.implode()))
    numbers = set(contacts["phone"]) | set(contacts["id_number"])
    assert texts & numbers == set(expected["phone"]) | set(expected["id_number"])
    assert "T99999" in texts  # who left is named in the changes, without their numbers


def test_the_counts_agree_in_html_console_and_workbook(published):
    risk = published["risk_list"]
    flagged = risk.filter(pl.col("risk_tier").is_in(["high", "medium"]))
    paying = flagged.filter(pl.col("months_unpaid") == 0).height
    stopped = flagged.height - paying
    html = (published["folder"] / "report.html").read_text(encoding="utf-8")
    assert f"<th>在岗需关注</th><td>{paying}</td>" in html
    assert f"<th>已停缴待核实</th><td>{stopped}</td>" in html
    assert f"在岗需关注{paying}人,已停缴待核实{stopped}人" in console_summary(risk, "zh")
    summary = pl.read_excel(published["folder"] / "risk_list.xlsx", sheet_id=1, has_header=False)
    rows = {r[0]: r[1] for r in summary.rows() if r[0]}
    assert str(rows["在岗需关注(本工作簿列出)"]) == str(paying)
    assert str(rows["已停缴待核实"]) == str(stopped)
