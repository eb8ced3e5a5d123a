"""A real browser (Debian's chromium, driven by Playwright) against `retention web` (waitress)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.workspace.conftest import PASSWORD, start_server
from tests.workspace.lists import talent_ids

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_DIR = os.environ.get("RETENTION_SCREENSHOTS")  # keep the pictures when set


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="no /usr/bin/chromium (Debian package chromium)")
def test_an_officer_logs_in_reveals_a_contact_records_an_action_and_logs_out(web):
    from playwright.sync_api import sync_playwright

    server, url = start_server(web, web["root"] / "browser-server.log")
    talent = talent_ids("qihe")[12]
    shots = web["root"] / "screenshots"
    shots.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
            page.goto(f"{url}/")
            assert "/accounts/login/" in page.url
            page.fill("#id_username", "officer_qihe")
            page.fill("#id_password", PASSWORD)
            page.click("button.primary")
            page.wait_for_url(f"{url}/")
            assert page.locator("h2#paying").inner_text().startswith("在岗需关注")  # Chinese first
            page.fill("#q", talent)  # htmx search swaps the lists in place
            page.wait_for_function(
                "document.querySelectorAll('#lists a[href^=\"/talents/\"]').length == 1"
            )
            page.screenshot(path=str(shots / "list.png"), full_page=True)
            page.click(f"text={talent}")
            page.wait_for_url(f"{url}/talents/{talent}/")
            assert "13900000012" not in page.content()
            page.click("#reveal")
            page.wait_for_selector("#contact strong")
            assert "13900000012" in page.locator("#contact").inner_text()
            page.select_option("#action", "job_matching")
            page.fill("#action_date", "2026-11-24")
            page.fill("#note", "推荐到本地新能源企业面试")
            page.click("#save")
            page.wait_for_url(f"{url}/talents/{talent}/")
            assert "岗位对接" in page.locator("#actions").inner_text()
            page.screenshot(path=str(shots / "talent.png"), full_page=True)
            page.click("text=工作台账")
            row = page.locator("#ledger tbody tr").filter(has_text=talent)
            assert "岗位对接" in row.first.inner_text()
            page.screenshot(path=str(shots / "ledger.png"), full_page=True)
            page.click("#logout")
            page.wait_for_url(f"{url}/accounts/login/")
            page.goto(f"{url}/talents/{talent}/")
            assert "/accounts/login/" in page.url  # logged out for real
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=300)
    from workspace.models import AuditEvent

    assert AuditEvent.objects.filter(event="contact_revealed", talent_id=talent).count() == 1
    assert (shots / "talent.png").stat().st_size > 10_000
    if SCREENSHOT_DIR:
        shutil.copytree(shots, SCREENSHOT_DIR, dirs_exist_ok=True)
