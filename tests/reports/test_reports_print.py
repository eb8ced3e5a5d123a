"""The workbook prints: a county's 50-talent work list fits 4 A4 landscape pages, no column split."""

import re
import shutil
import subprocess

import pytest
from officer_fixture import week

from reports.workbook import render_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT), reason="needs LibreOffice (soffice) and pdftotext to print"
)


def _pages(pdf) -> list[str]:
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_a_county_sheet_of_50_talents_prints_on_at_most_4_pages(tmp_path):
    data = week(n=120, counties=["qihe"])
    book = render_workbook(
        data["risk_list"], data["contacts"], "zh", {"as_of": "2026-11-23"}, max_rows_per_county=50
    )
    path = tmp_path / "risk_list.xlsx"
    path.write_bytes(book)
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        timeout=900,
        check=True,
    )
    pages = _pages(tmp_path / "risk_list.pdf")
    work = [p for p in pages if "齐河县 在岗需关注" in p]
    rows = sum(len(re.findall(r"T\d{5}", p)) for p in work)
    assert rows == 50  # paying talents only, with name, phone, ID number and three reasons
    assert 1 <= len(work) <= 4, len(work)
    for page in work:  # every page holds the first and the last column: none split off
        assert "序号" in page and "建议行动" in page
    verify = [p for p in pages if "齐河县 已停缴待核实" in p]
    assert verify and all("序号" in p and "核实事项" in p for p in verify)
